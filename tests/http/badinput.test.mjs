// Bad input: malformed JSON, wrong types, unknown fields, oversize bodies, bad
// codes and parameters. Each is refused with the right status and code, nothing
// is half-written, and the server stays healthy.
import assert from 'node:assert/strict';
import { test, before, after, startServer, api, login, client, items, expectError, expectStatus } from './lib.mjs';

let srv, admin;
before(async () => {
  srv = await startServer();
  admin = client(srv.url, await login(srv.url, 'admin'));
});
after(async () => {
  await srv?.stop();
});

const school = (code, extra = {}) => ({ code, name_zh: '坏输入测试学校', name_en: 'Bad input school', kind: 'school', parent: '653121', is_recipient: true, stage: 'primary', ...extra });

// The org must not exist, nor leave an audit record.
async function noOrg(code) {
  expectError(await admin.get(`/api/v1/orgs/${encodeURIComponent(code)}`), 404, 'not_found', `org ${code} must not exist`);
  const a = await admin.get(`/api/v1/audit?object=${encodeURIComponent('org:' + code)}`);
  expectStatus(a, 200);
  assert.deepEqual(items(a), [], `audit holds records for the rejected org ${code}`);
}

test('malformed JSON → 400 bad_json', async () => {
  for (const body of ['{"code":', '{code: "6531219701"}', "{'code':'6531219701'}", '{"code":"6531219701",}', 'null x', '']) {
    expectError(await admin.post('/api/v1/orgs', body), 400, 'bad_json', `body ${JSON.stringify(body)}`);
  }
  await noOrg('6531219701');
});

test('JSON that is not an object is refused', async () => {
  for (const body of ['[]', '"school"', '42', 'null', '[{"code":"6531219702"}]']) {
    const r = await admin.post('/api/v1/orgs', body);
    assert.ok([400, 422].includes(r.status), `body ${body}: ${r.status} ${r.text}`);
    expectError(r, r.status);
  }
  await noOrg('6531219702');
});

test('deeply nested, NUL-carrying or non-UTF-8 JSON is refused without harm', async () => {
  const deep = '{"code":"6531219703","x":' + '['.repeat(100000) + ']'.repeat(100000) + '}';
  let r = await admin.post('/api/v1/orgs', deep);
  assert.ok([400, 413, 422].includes(r.status), `deep nesting: ${r.status}`);
  r = await admin.post('/api/v1/orgs', JSON.stringify(school('6531219703', { name_zh: 'a\u0000b' })));
  assert.ok([400, 422].includes(r.status), `NUL in a string: ${r.status} ${r.text}`);
  r = await admin.post('/api/v1/orgs', Buffer.concat([Buffer.from('{"code":"6531219703","kind":"school","parent":"653121","stage":"primary","name_zh":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]));
  assert.ok([400, 422].includes(r.status), `invalid UTF-8: ${r.status} ${r.text}`);
  await noOrg('6531219703');
  expectStatus(await api(srv.url, 'GET', '/healthz'), 200);
});

test('wrong types → 422 invalid naming the field', async () => {
  const cases = [
    ['code', school(6531219704)],
    ['is_helper', school('6531219704', { is_helper: 'yes' })],
    ['is_recipient', school('6531219704', { is_recipient: 1 })],
    ['name_zh', school('6531219704', { name_zh: ['a'] })],
    ['stage', school('6531219704', { stage: 3 })],
    ['parent', school('6531219704', { parent: 653121 })],
  ];
  for (const [field, body] of cases) {
    const e = expectError(await admin.post('/api/v1/orgs', body), 422, 'invalid', field);
    assert.ok(e.message.includes(field), `message for ${field}: ${e.message}`);
  }
  await noOrg('6531219704');
});

test('bad values → 422 invalid naming the field', async () => {
  const cases = [
    ['kind', school('6531219705', { kind: 'planet' })],
    ['stage', school('6531219705', { stage: 'kindergarten' })],
    ['partner_kind', { code: '6531219705', name_zh: '坏伙伴', kind: 'partner', parent: '653121', partner_kind: 'alien' }],
    ['name_zh', school('6531219705', { name_zh: '' })],
    ['code', school('', {})],
    ['code', school('65312197 5')],
    ['code', school('6531<script>')],
  ];
  for (const [field, body] of cases) {
    const e = expectError(await admin.post('/api/v1/orgs', body), 422, 'invalid', `${field}: ${JSON.stringify(body[field])}`);
    assert.ok(e.message.includes(field), `message for ${field}: ${e.message}`);
  }
  await noOrg('6531219705');
  await noOrg('6531<script>');
});

test('kind rules: prefecture under region, county under prefecture, school under county', async () => {
  const cases = [
    { code: '653199', name_zh: '错层县', kind: 'county', parent: '650000' },
    { code: '659901', name_zh: '错层地区', kind: 'prefecture', parent: '653100' },
    { code: '6531009706', name_zh: '错层学校', kind: 'school', parent: '653100', stage: 'primary', is_recipient: true },
    { code: '6531219707', name_zh: '学校下的学校', kind: 'school', parent: 'SCHOOL', stage: 'primary', is_recipient: true },
    { code: '659902', name_zh: '第二个自治区', kind: 'region', parent: '650000' },
  ];
  const firstSchool = items(await admin.get('/api/v1/orgs?parent=653121&kind=school&limit=1'))[0].code;
  for (const c of cases) {
    if (c.parent === 'SCHOOL') c.parent = firstSchool;
    const r = await admin.post('/api/v1/orgs', c);
    expectError(r, 422, 'invalid', `${c.kind} under ${c.parent}`);
    await noOrg(c.code);
  }
});

test('missing required fields → 422 invalid', async () => {
  for (const field of ['code', 'name_zh', 'kind', 'parent']) {
    const body = school('6531219708');
    delete body[field];
    const e = expectError(await admin.post('/api/v1/orgs', body), 422, 'invalid', `without ${field}`);
    assert.ok(e.message.includes(field), `message for missing ${field}: ${e.message}`);
  }
  await noOrg('6531219708');
});

test('unknown fields → 422 unknown_field', async () => {
  const e = expectError(await admin.post('/api/v1/orgs', school('6531219709', { colour: 'red' })), 422, 'unknown_field');
  assert.ok(e.message.includes('colour'), e.message);
  await noOrg('6531219709');
  const before = expectStatus(await admin.get('/api/v1/orgs/653121'), 200).json;
  expectError(await admin.patch('/api/v1/orgs/653121', { name_en: 'Changed', colour: 'red' }), 422, 'unknown_field');
  expectError(await admin.patch('/api/v1/orgs/653121', { code: '653199' }), 422, undefined, 'PATCH of code');
  const after = expectStatus(await admin.get('/api/v1/orgs/653121'), 200).json;
  assert.equal(after.name_en, before.name_en, 'a rejected PATCH changed nothing');
  assert.equal(after.code, '653121');
  expectError(await admin.post('/api/v1/users', { login: 'bad-unknown', name: 'x', password: 'Long-enough-pass-1', role: 'volunteer', org: '653121', shoe_size: 42 }), 422, 'unknown_field');
  expectError(await admin.get('/api/v1/users/bad-unknown'), 404, 'not_found');
});

test('a PATCH with a wrong type changes nothing, not even the valid fields beside it', async () => {
  const before = expectStatus(await admin.get('/api/v1/orgs/653121'), 200).json;
  expectError(await admin.patch('/api/v1/orgs/653121', { name_en: 'Half written', is_helper: 'maybe' }), 422, 'invalid');
  expectError(await admin.patch('/api/v1/orgs/653121', { name_en: 'Half written', stage: 'kindergarten' }), 422, 'invalid');
  expectError(await admin.patch('/api/v1/orgs/653121', '{"name_en":"Half written",'), 400, 'bad_json');
  const after = expectStatus(await admin.get('/api/v1/orgs/653121'), 200).json;
  assert.equal(after.name_en, before.name_en);
  expectError(await admin.patch('/api/v1/users/volunteer', { name: 'Half written', active: 'no' }), 422, 'invalid');
  assert.notEqual(expectStatus(await admin.get('/api/v1/users/volunteer'), 200).json.name, 'Half written');
});

test('duplicate code → 409 conflict, and the existing org is untouched', async () => {
  const before = expectStatus(await admin.get('/api/v1/orgs/653121'), 200).json;
  expectError(await admin.post('/api/v1/orgs', { code: '653121', name_zh: '重复', kind: 'county', parent: '653100' }), 409, 'conflict');
  const after = expectStatus(await admin.get('/api/v1/orgs/653121'), 200).json;
  assert.equal(after.name_zh, before.name_zh);
  assert.equal(after.name_zh, '疏附县');
  expectError(await admin.post('/api/v1/users', { login: 'shufu', name: '重复', password: 'Long-enough-pass-1', role: 'volunteer', org: '653121' }), 409, 'conflict');
});

test('a parent that does not exist → 404', async () => {
  expectError(await admin.post('/api/v1/orgs', school('6539999710', { parent: '653999' })), 404, 'not_found');
  await noOrg('6539999710');
});

test('a body over 1 MiB → 413 too_large, nothing written', async () => {
  const big = JSON.stringify(school('6531219711', { address: 'x'.repeat(1024 * 1024 + 100) }));
  let r;
  try {
    r = await admin.post('/api/v1/orgs', big);
  } catch (e) {
    assert.fail(`no 413 answer to a 1 MiB body: ${e.message}`);
  }
  expectError(r, 413, 'too_large');
  await noOrg('6531219711');
  expectStatus(await api(srv.url, 'GET', '/healthz'), 200);
});

test('bad users: bad role, bad org, missing password → refused and not created', async () => {
  const base = { login: 'bad-user', name: '坏用户', password: 'Long-enough-pass-1', role: 'volunteer', org: '653121' };
  expectError(await admin.post('/api/v1/users', { ...base, role: 'emperor' }), 422, 'invalid', 'role emperor');
  expectError(await admin.post('/api/v1/users', { ...base, org: '659999' }), 404, 'not_found', 'org 659999');
  const nopw = { ...base };
  delete nopw.password;
  expectError(await admin.post('/api/v1/users', nopw), 422, 'invalid', 'no password');
  expectError(await admin.post('/api/v1/users', { ...base, login: '' }), 422, 'invalid', 'empty login');
  expectError(await admin.post('/api/v1/users', { ...base, login: 42 }), 422, 'invalid', 'numeric login');
  expectError(await admin.post('/api/v1/users', '{"login":"bad-user"'), 400, 'bad_json');
  expectError(await admin.get('/api/v1/users/bad-user'), 404, 'not_found');
});

test('bad limit → 400 bad_param', async () => {
  for (const limit of ['501', '100000', 'abc', '-1', '1e3', '10x']) {
    expectError(await admin.get(`/api/v1/orgs?limit=${limit}`), 400, 'bad_param', `orgs limit=${limit}`);
  }
  expectError(await admin.get('/api/v1/users?limit=9999'), 400, 'bad_param', 'users limit=9999');
  expectError(await admin.get('/api/v1/audit?limit=abc'), 400, 'bad_param', 'audit limit=abc');
  expectStatus(await admin.get('/api/v1/orgs?limit=500'), 200);
  expectStatus(await admin.get('/api/v1/orgs?limit=1'), 200);
});

test('odd paths and parameters do not break anything', async () => {
  for (const p of ["/api/v1/orgs/%27%20OR%201%3D1--", '/api/v1/orgs/..%2F..%2Fetc%2Fpasswd', '/api/v1/orgs/' + 'x'.repeat(5000), '/api/v1/users/%00']) {
    const r = await admin.get(p);
    assert.ok([400, 404, 414].includes(r.status), `${p.slice(0, 60)}: ${r.status}`);
  }
  expectStatus(await admin.get('/api/v1/orgs?q=' + encodeURIComponent("' OR 1=1 --")), 200);
  const longQ = await admin.get('/api/v1/orgs?q=' + 'x'.repeat(3000));
  assert.ok(longQ.status === 200 || longQ.status === 400, `a 3000-byte q: ${longQ.status}`);
  if (longQ.status === 400) expectError(longQ, 400, 'bad_param');
  assert.equal(items(await admin.get('/api/v1/orgs?q=' + encodeURIComponent("%' OR '1'='1"))).length, 0, 'q is bound, not spliced');
});

test('the server is healthy after all of the above', async () => {
  expectStatus(await api(srv.url, 'GET', '/healthz'), 200);
  const me = expectStatus(await admin.get('/api/v1/me'), 200);
  assert.equal(me.json.user.login, 'admin');
  expectStatus(await admin.post('/api/v1/orgs', school('6531219799')), 201, 'a good create after the bad ones');
});
