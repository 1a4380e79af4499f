// Scope: a role reaches its org's subtree and nothing else; lists never leak; an
// org outside reach looks exactly like one that does not exist.
import assert from 'node:assert/strict';
import { test, before, after, startServer, login, client, listAll, schoolsOf, items, expectError, expectStatus } from './lib.mjs';

let srv, admin, shufu, hotan, kashgar;
let shufuSchool, hotanSchool;
before(async () => {
  srv = await startServer();
  admin = client(srv.url, await login(srv.url, 'admin'));
  shufu = client(srv.url, await login(srv.url, 'shufu'));
  hotan = client(srv.url, await login(srv.url, 'hotan'));
  kashgar = client(srv.url, await login(srv.url, 'kashgar'));
  shufuSchool = (await schoolsOf(admin, '653121'))[0].code;
  hotanSchool = (await schoolsOf(admin, '653221'))[0].code;
});
after(async () => {
  await srv?.stop();
});

// Normalises a 404 body so that the requested key itself may appear in it.
const norm = (text, key) => text.split(key).join('{key}');

test('shufu reaches schools of 653121 but not of 653221; hotan the reverse', async () => {
  const a = expectStatus(await shufu.get(`/api/v1/orgs/${shufuSchool}`), 200, 'shufu → 653121 school');
  assert.equal(a.json.code, shufuSchool);
  assert.ok(a.json.path.includes('653121'), JSON.stringify(a.json.path));
  expectError(await shufu.get(`/api/v1/orgs/${hotanSchool}`), 404, 'not_found', 'shufu → 653221 school');
  expectStatus(await hotan.get(`/api/v1/orgs/${hotanSchool}`), 200, 'hotan → 653221 school');
  expectError(await hotan.get(`/api/v1/orgs/${shufuSchool}`), 404, 'not_found', 'hotan → 653121 school');
  expectStatus(await shufu.get('/api/v1/orgs/653121'), 200, 'shufu → own county');
  expectError(await shufu.get('/api/v1/orgs/653100'), 404, 'not_found', 'shufu → its prefecture (above its reach)');
  expectError(await shufu.get('/api/v1/orgs/650000'), 404, 'not_found', 'shufu → the region');
  expectError(await shufu.get('/api/v1/orgs/653221'), 404, 'not_found', 'shufu → another county');
});

test('a prefecture official reaches its counties and their schools only', async () => {
  expectStatus(await kashgar.get(`/api/v1/orgs/${shufuSchool}`), 200);
  expectStatus(await kashgar.get('/api/v1/orgs/653101'), 200);
  expectError(await kashgar.get(`/api/v1/orgs/${hotanSchool}`), 404, 'not_found');
  expectError(await kashgar.get('/api/v1/orgs/653200'), 404, 'not_found');
});

test('404 for an org outside reach is identical to 404 for a code that does not exist', async () => {
  const outside = await shufu.get(`/api/v1/orgs/${hotanSchool}`);
  const missing = await shufu.get('/api/v1/orgs/6531219999');
  const garbage = await shufu.get('/api/v1/orgs/nope');
  assert.equal(outside.status, 404);
  assert.equal(missing.status, 404);
  assert.equal(garbage.status, 404);
  assert.equal(norm(outside.text, hotanSchool), norm(missing.text, '6531219999'), 'outside reach vs non-existent');
  assert.equal(outside.headers['content-type'], missing.headers['content-type']);
  // and for users
  const u1 = await shufu.get('/api/v1/users/hotan');
  const u2 = await shufu.get('/api/v1/users/no-such-login');
  expectError(u1, 404, 'not_found', 'shufu → user hotan');
  expectError(u2, 404, 'not_found');
  assert.equal(norm(u1.text, 'hotan'), norm(u2.text, 'no-such-login'), 'user outside reach vs non-existent');
});

test('lists of orgs never hold an org outside reach', async () => {
  const mine = await listAll(shufu, '/api/v1/orgs?kind=school&limit=500');
  assert.ok(mine.length > 0, 'shufu sees some schools');
  for (const o of mine) assert.ok(o.code.startsWith('653121'), `shufu's school list holds ${o.code}`);
  assert.ok(mine.some((o) => o.code === shufuSchool));
  const theirs = await listAll(hotan, '/api/v1/orgs?kind=school&limit=500');
  assert.ok(theirs.length > 0);
  for (const o of theirs) assert.ok(o.code.startsWith('653221'), `hotan's school list holds ${o.code}`);

  // no kind filter, default listing: nothing outside 653121
  for (const o of await listAll(shufu, '/api/v1/orgs?limit=500')) {
    assert.ok(o.code === '653121' || o.code.startsWith('653121') || o.parent === '653121' || mine.some((m) => m.code === o.parent),
      `shufu's unfiltered list holds ${o.code} (parent ${o.parent})`);
  }
  // counties: only its own
  const counties = await listAll(shufu, '/api/v1/orgs?kind=county&limit=500');
  assert.deepEqual(counties.map((o) => o.code), ['653121']);
  // a search for another county's name finds nothing of it
  for (const q of ['和田', '6532', '新疆']) {
    for (const o of await listAll(shufu, `/api/v1/orgs?q=${encodeURIComponent(q)}&limit=500`)) {
      assert.ok(o.code.startsWith('653121'), `q=${q} gives shufu ${o.code}`);
    }
  }
  // the whole region as a prefecture official: only 6531xx
  for (const o of await listAll(kashgar, '/api/v1/orgs?kind=school&limit=500')) {
    assert.ok(o.code.startsWith('6531'), `kashgar's school list holds ${o.code}`);
  }
});

test('listing the children of an org outside reach shows nothing', async () => {
  for (const parent of ['653221', '653200', '650000']) {
    const r = await shufu.get(`/api/v1/orgs?parent=${parent}&limit=500`);
    if (r.status === 404) {
      expectError(r, 404, 'not_found');
      continue;
    }
    expectStatus(r, 200, `parent=${parent}`);
    for (const o of items(r)) assert.ok(o.code.startsWith('653121'), `parent=${parent} gives shufu ${o.code}`);
  }
  // kashgar's view of the region's children is at most its own prefecture
  const r = await kashgar.get('/api/v1/orgs?parent=650000&limit=500');
  if (r.status !== 404) {
    expectStatus(r, 200);
    for (const o of items(r)) assert.ok(o.code.startsWith('6531'), `kashgar sees ${o.code} under 650000`);
  }
});

test('lists of users never hold a user outside reach', async () => {
  const list = await listAll(shufu, '/api/v1/users?limit=500');
  const logins = list.map((u) => u.login);
  for (const l of ['admin', 'kashgar', 'hotan', 'auditor', 'evaluator', 'supervisor']) {
    assert.ok(!logins.includes(l), `shufu's user list holds ${l}`);
  }
  for (const l of ['shufu', 'volunteer', 'leader']) assert.ok(logins.includes(l), `shufu's user list lacks ${l}: ${logins}`);
  const hl = (await listAll(hotan, '/api/v1/users?limit=500')).map((u) => u.login);
  for (const l of ['shufu', 'volunteer', 'leader', 'parent', 'liaison']) assert.ok(!hl.includes(l), `hotan's user list holds ${l}`);
  expectStatus(await shufu.get('/api/v1/users/volunteer'), 200);
});

test('writes outside reach are 404, and change nothing', async () => {
  const before = expectStatus(await admin.get(`/api/v1/orgs/${hotanSchool}`), 200).json;
  expectError(await shufu.patch(`/api/v1/orgs/${hotanSchool}`, { name_en: 'taken over' }), 404, 'not_found');
  expectError(await shufu.patch('/api/v1/orgs/653221', { name_en: 'taken over' }), 404, 'not_found');
  const after = expectStatus(await admin.get(`/api/v1/orgs/${hotanSchool}`), 200).json;
  assert.equal(after.name_en, before.name_en);
  const created = await shufu.post('/api/v1/orgs', { code: '6532219901', name_zh: '越权学校', kind: 'school', parent: '653221', stage: 'primary', is_recipient: true });
  expectError(created, 404, 'not_found', 'shufu creating a school under 653221');
  expectError(await admin.get('/api/v1/orgs/6532219901'), 404, 'not_found', 'the school was not created');
  expectError(await shufu.patch('/api/v1/users/hotan', { name: 'renamed' }), 404, 'not_found');
  assert.notEqual(expectStatus(await admin.get('/api/v1/users/hotan'), 200).json.name, 'renamed');
});
