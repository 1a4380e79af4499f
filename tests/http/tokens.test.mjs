// API tokens: create, use with the owner's reach, list without secret, revoke.
import assert from 'node:assert/strict';
import { test, before, after, startServer, login, client, schoolsOf, items, expectStatus, expectError } from './lib.mjs';

let srv, admin, kashgar, shufu, hotanSchool, shufuSchool;
let created; // {token, name, expires_at}
before(async () => {
  srv = await startServer();
  admin = client(srv.url, await login(srv.url, 'admin'));
  kashgar = client(srv.url, await login(srv.url, 'kashgar'));
  shufu = client(srv.url, await login(srv.url, 'shufu'));
  hotanSchool = (await schoolsOf(admin, '653221'))[0].code;
  shufuSchool = (await schoolsOf(admin, '653121'))[0].code;
});
after(async () => {
  await srv?.stop();
});

// expires_at as seconds since 1970, whether the server sends a number or a date string.
function seconds(v) {
  if (typeof v === 'number') return v > 1e11 ? v / 1000 : v;
  const t = Date.parse(v);
  assert.ok(!Number.isNaN(t), `expires_at ${JSON.stringify(v)} is neither seconds nor a date`);
  return t / 1000;
}

const listOf = async (c) => {
  const r = expectStatus(await c.get('/api/v1/tokens'), 200);
  return Array.isArray(r.json) ? r.json : items(r);
};

test('create an API token', async () => {
  const r = await kashgar.post('/api/v1/tokens', { name: 'sync-system', days: 30 });
  expectStatus(r, 201);
  created = r.json;
  assert.equal(typeof created.token, 'string');
  assert.ok(created.token.length >= 20);
  assert.equal(created.name, 'sync-system');
  const exp = seconds(created.expires_at);
  const days = (exp - Date.now() / 1000) / 86400;
  assert.ok(days > 29 && days < 31, `expires in ${days} days`);
  assert.notEqual(created.token, kashgar.token, 'an API token is not the session token');
});

test('the API token carries its owner\'s reach and identity', async () => {
  const t = client(srv.url, { token: created.token });
  const me = expectStatus(await t.get('/api/v1/me'), 200).json;
  assert.equal(me.user.login, 'kashgar');
  expectStatus(await t.get('/api/v1/orgs/653100'), 200);
  expectStatus(await t.get(`/api/v1/orgs/${shufuSchool}`), 200);
  expectError(await t.get(`/api/v1/orgs/${hotanSchool}`), 404, 'not_found');
  expectError(await t.get('/api/v1/orgs/650000'), 404, 'not_found');
  for (const o of items(expectStatus(await t.get('/api/v1/orgs?kind=school&limit=500'), 200))) {
    assert.ok(o.code.startsWith('6531'), `token lists ${o.code}`);
  }
  // a write with the bearer API token needs no csrf
  expectStatus(await t.patch(`/api/v1/orgs/${shufuSchool}`, { name_en: 'Patched by token' }), 200);
  assert.equal(expectStatus(await admin.get(`/api/v1/orgs/${shufuSchool}`), 200).json.name_en, 'Patched by token');
  // but not more than the owner may do
  expectError(await t.patch(`/api/v1/orgs/${hotanSchool}`, { name_en: 'x' }), 404, 'not_found');
  expectError(await t.post('/api/v1/users', { login: 'tok-aud', name: 'x', password: 'Token-test-pass-2026', role: 'auditor', org: '653100' }), 403, 'forbidden');
  expectError(await t.post('/api/v1/users', { login: 'tok-co', name: 'x', password: 'Token-test-pass-2026', role: 'county_official', org: '653221' }), 404, 'not_found');
  expectStatus(await t.post('/api/v1/users', { login: 'tok-co', name: 'x', password: 'Token-test-pass-2026', role: 'county_official', org: '653101' }), 201);
});

test('the list shows own tokens without their secret', async () => {
  const res = await kashgar.get('/api/v1/tokens');
  expectStatus(res, 200);
  assert.ok(!res.text.includes(created.token), 'the secret is not listed');
  const list = await listOf(kashgar);
  const mine = list.find((x) => x.name === 'sync-system');
  assert.ok(mine, JSON.stringify(list));
  assert.ok('id' in mine, 'a listed token has an id');
  assert.ok(!('token' in mine) || mine.token === null, 'no token field with a secret');
  created.id = mine.id;
  // other users do not see it
  const theirs = await listOf(shufu);
  assert.ok(!theirs.some((x) => String(x.id) === String(created.id)), 'shufu sees kashgar\'s token');
});

test('another user cannot revoke the token', async () => {
  const r = await shufu.del(`/api/v1/tokens/${created.id}`);
  expectError(r, 404, 'not_found');
  expectStatus(await client(srv.url, { token: created.token }).get('/api/v1/me'), 200);
});

test('bad token requests are refused', async () => {
  expectError(await kashgar.post('/api/v1/tokens', { name: 'bad', days: -1 }), 422, 'invalid');
  expectError(await kashgar.post('/api/v1/tokens', { name: 'bad', days: 'many' }), 422, 'invalid');
  expectError(await kashgar.post('/api/v1/tokens', { days: 10 }), 422, 'invalid');
  expectError(await kashgar.post('/api/v1/tokens', { name: 'bad', days: 10, scope: 'all' }), 422, 'unknown_field');
  assert.ok(!(await listOf(kashgar)).some((x) => x.name === 'bad'), 'no bad token was made');
  expectError(await client(srv.url).post('/api/v1/tokens', { name: 'anon', days: 1 }), 401, 'unauthenticated');
});

test('revoke the token: further use gives 401', async () => {
  const r = await kashgar.del(`/api/v1/tokens/${created.id}`);
  expectStatus(r, [200, 204]);
  const t = client(srv.url, { token: created.token });
  expectError(await t.get('/api/v1/me'), 401);
  expectError(await t.get('/api/v1/orgs/653100'), 401);
  expectError(await t.patch(`/api/v1/orgs/${shufuSchool}`, { name_en: 'after revoke' }), 401);
  const list = await listOf(kashgar);
  const row = list.find((x) => String(x.id) === String(created.id));
  assert.ok(!row || row.revoked_at || row.revoked, `revoked token still listed as live: ${JSON.stringify(row)}`);
  // the owner's session is unaffected
  expectStatus(await kashgar.get('/api/v1/me'), 200);
  expectError(await kashgar.del('/api/v1/tokens/999999'), 404, 'not_found');
});
