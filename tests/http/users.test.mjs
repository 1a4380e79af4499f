// Users: list with filters, create, read, patch (name, password, active, lang,
// roles), duplicates, no secret in any answer.
import assert from 'node:assert/strict';
import { test, before, after, startServer, api, login, client, listAll, schoolsOf, hasRole, items, expectStatus, expectError, DEMO_PASSWORD } from './lib.mjs';

let srv, admin, school;
const PW = 'Users-test-pass-2026';
before(async () => {
  srv = await startServer();
  admin = client(srv.url, await login(srv.url, 'admin'));
  school = (await schoolsOf(admin, '653121'))[0].code;
});
after(async () => {
  await srv?.stop();
});

const noSecret = (res) => assert.ok(!/pw_hash|password|\$argon2/i.test(res.text), `secret in ${res.text.slice(0, 300)}`);

test('the demo users are listed with their roles', async () => {
  // the demo has one parent account per participating household (tens of thousands):
  // list by role, and the parents of one school
  const all = [];
  for (const role of ['region_admin', 'prefecture_official', 'county_official', 'auditor', 'volunteer', 'evaluator', 'supervisor', 'school_leader', 'liaison_officer']) {
    all.push(...(await listAll(admin, `/api/v1/users?role=${role}&limit=500`)));
  }
  all.push(...(await listAll(admin, '/api/v1/users?role=parent&org=6531210001&limit=500')));
  const byLogin = Object.fromEntries(all.map((u) => [u.login, u]));
  const demo = {
    admin: ['region_admin', '650000'], kashgar: ['prefecture_official', '653100'], shufu: ['county_official', '653121'],
    hotan: ['county_official', '653221'], auditor: ['auditor', '650000'], volunteer: ['volunteer', '653121'],
    evaluator: ['evaluator', '650000'], supervisor: ['supervisor', '653100'],
  };
  for (const [l, [role, org]] of Object.entries(demo)) {
    assert.ok(byLogin[l], `user ${l} listed`);
    assert.ok(hasRole(byLogin[l], role, org), `${l}: ${JSON.stringify(byLogin[l].roles)}`);
  }
  for (const l of ['leader', 'liaison', 'parent']) assert.ok(byLogin[l], `user ${l} listed`);
  assert.ok(hasRole(byLogin.leader, 'school_leader', orgOf(byLogin.leader, 'school_leader')));
  const leaderSchool = orgOf(byLogin.leader, 'school_leader');
  assert.ok(leaderSchool.startsWith('653121'), `leader's school ${leaderSchool}`);
  assert.ok(hasRole(byLogin.liaison, 'liaison_officer', leaderSchool));
  assert.ok(hasRole(byLogin.parent, 'parent', leaderSchool));
  const ls = expectStatus(await admin.get(`/api/v1/orgs/${leaderSchool}`), 200).json;
  assert.equal(ls.is_recipient, true, 'the leader works at a recipient school');
  const res = await admin.get('/api/v1/users?limit=500');
  noSecret(res);
});

function orgOf(user, role) {
  const g = (user.roles || []).find((x) => x.role === role);
  return g ? (typeof g.org === 'object' ? g.org.code : String(g.org)) : '';
}

test('filters: org, role, q', async () => {
  const byRole = await listAll(admin, '/api/v1/users?role=county_official&limit=500');
  const rl = byRole.map((u) => u.login);
  assert.ok(rl.includes('shufu') && rl.includes('hotan'), rl.join(' '));
  for (const u of byRole) assert.ok(u.roles.some((g) => g.role === 'county_official'), `${u.login} has no county_official role`);
  const byOrg = (await listAll(admin, '/api/v1/users?org=653121&limit=500')).map((u) => u.login);
  assert.ok(byOrg.includes('shufu') && byOrg.includes('volunteer'), byOrg.join(' '));
  for (const l of ['hotan', 'kashgar', 'admin']) assert.ok(!byOrg.includes(l), `org=653121 lists ${l}`);
  const both = (await listAll(admin, '/api/v1/users?org=653121&role=volunteer&limit=500')).map((u) => u.login);
  assert.ok(both.includes('volunteer') && !both.includes('shufu'), both.join(' '));
  const q = (await listAll(admin, '/api/v1/users?q=shuf&limit=500')).map((u) => u.login);
  assert.ok(q.includes('shufu') && !q.includes('hotan'), q.join(' '));
});

test('pagination of users', async () => {
  const set = '/api/v1/users?role=liaison_officer';
  const all = await listAll(admin, `${set}&limit=500`);
  assert.ok(all.length > 3, `${all.length} liaison officers`);
  const first = expectStatus(await admin.get(`${set}&limit=3`), 200).json;
  assert.equal(first.items.length, 3);
  assert.equal(typeof first.next_cursor, 'string');
  const paged = await listAll(admin, `${set}&limit=3`);
  assert.deepEqual(paged.map((u) => u.login).sort(), all.map((u) => u.login).sort());
  // and the whole list pages too: the first two pages of everyone do not overlap
  const p1 = expectStatus(await admin.get('/api/v1/users?limit=500'), 200).json;
  const p2 = expectStatus(await admin.get(`/api/v1/users?limit=500&cursor=${encodeURIComponent(p1.next_cursor)}`), 200).json;
  const seen = new Set(p1.items.map((u) => u.login));
  assert.ok(p2.items.length > 0 && p2.items.every((u) => !seen.has(u.login)));
});

test('create a user, read it, log in as it', async () => {
  const r = await admin.post('/api/v1/users', { login: 'u-test', name: '测试用户', password: PW, role: 'volunteer', org: '653121', phone: '13900000001', email: 'u-test@example.org' });
  expectStatus(r, 201);
  noSecret(r);
  assert.equal(r.json.login, 'u-test');
  const got = expectStatus(await admin.get('/api/v1/users/u-test'), 200);
  noSecret(got);
  assert.equal(got.json.name, '测试用户');
  assert.equal(got.json.phone, '13900000001');
  assert.equal(got.json.email, 'u-test@example.org');
  assert.ok(hasRole(got.json, 'volunteer', '653121'), JSON.stringify(got.json.roles));
  const s = await login(srv.url, 'u-test', PW);
  assert.equal(s.user.name, '测试用户');
  assert.ok(hasRole(s.user, 'volunteer', '653121'));
  expectError(await admin.get('/api/v1/users/no-such-user'), 404, 'not_found');
});

test('duplicate login → 409 conflict', async () => {
  expectError(await admin.post('/api/v1/users', { login: 'u-test', name: '另一个', password: PW, role: 'volunteer', org: '653121' }), 409, 'conflict');
  assert.equal(expectStatus(await admin.get('/api/v1/users/u-test'), 200).json.name, '测试用户');
});

test('patch name, lang, phone, email', async () => {
  const r = await admin.patch('/api/v1/users/u-test', { name: '改名用户', lang: 'en', phone: '13900000002', email: 'renamed@example.org' });
  expectStatus(r, 200);
  noSecret(r);
  const got = expectStatus(await admin.get('/api/v1/users/u-test'), 200).json;
  assert.equal(got.name, '改名用户');
  assert.equal(got.lang, 'en');
  assert.equal(got.phone, '13900000002');
  assert.equal(got.email, 'renamed@example.org');
  const s = await login(srv.url, 'u-test', PW);
  assert.equal(s.user.lang, 'en');
  const html = await api(srv.url, 'GET', '/', { cookie: s.cookie });
  expectStatus(html, 200);
  assert.match(html.text, /<html[^>]*\blang="en"/, "the user's language setting picks English pages");
});

test('patch the password: the old one stops working', async () => {
  const NEW = 'Users-test-pass-2027';
  expectStatus(await admin.patch('/api/v1/users/u-test', { password: NEW }), 200);
  expectError(await api(srv.url, 'POST', '/api/v1/session', { body: { login: 'u-test', password: PW } }), 401, 'bad_credentials');
  await login(srv.url, 'u-test', NEW);
  expectStatus(await admin.patch('/api/v1/users/u-test', { password: PW }), 200);
});

test('add_role and remove_role', async () => {
  expectStatus(await admin.patch('/api/v1/users/u-test', { add_role: { role: 'team_member', org: school } }), 200);
  let got = expectStatus(await admin.get('/api/v1/users/u-test'), 200).json;
  assert.ok(hasRole(got, 'team_member', school), JSON.stringify(got.roles));
  assert.ok(hasRole(got, 'volunteer', '653121'), 'the old role stays');
  const byRole = (await listAll(admin, '/api/v1/users?role=team_member&limit=500')).map((u) => u.login);
  assert.ok(byRole.includes('u-test'));
  expectStatus(await admin.patch('/api/v1/users/u-test', { remove_role: { role: 'team_member', org: school } }), 200);
  got = expectStatus(await admin.get('/api/v1/users/u-test'), 200).json;
  assert.ok(!hasRole(got, 'team_member', school), JSON.stringify(got.roles));
  assert.ok(hasRole(got, 'volunteer', '653121'));
  expectError(await admin.patch('/api/v1/users/u-test', { add_role: { role: 'no_such_role', org: school } }), 422, 'invalid');
});

test('a deactivated user cannot log in; reactivated can', async () => {
  expectStatus(await admin.patch('/api/v1/users/u-test', { active: false }), 200);
  const r = await api(srv.url, 'POST', '/api/v1/session', { body: { login: 'u-test', password: PW } });
  assert.ok(r.status === 401 || r.status === 403, `login of a deactivated user: ${r.status}`);
  assert.ok(!r.json?.token, 'no token for a deactivated user');
  expectStatus(await admin.patch('/api/v1/users/u-test', { active: true }), 200);
  await login(srv.url, 'u-test', PW);
});

test('a county official creates users in its county', async () => {
  const shufu = client(srv.url, await login(srv.url, 'shufu'));
  const r = await shufu.post('/api/v1/users', { login: 'u-liaison', name: '联络员二', password: PW, role: 'liaison_officer', org: school });
  expectStatus(r, 201);
  const list = (await listAll(shufu, '/api/v1/users?limit=500')).map((u) => u.login);
  assert.ok(list.includes('u-liaison'));
  expectStatus(await shufu.patch('/api/v1/users/u-liaison', { name: '联络员三' }), 200);
  assert.equal(expectStatus(await admin.get('/api/v1/users/u-liaison'), 200).json.name, '联络员三');
  // the demo password is untouched for others
  await login(srv.url, 'volunteer', DEMO_PASSWORD);
});
