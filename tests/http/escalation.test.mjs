// Escalation: nobody grants a role above their own, nor at an org outside reach,
// and a user without the capability cannot manage users at all.
import assert from 'node:assert/strict';
import { test, before, after, startServer, login, client, schoolsOf, hasRole, expectError, expectStatus } from './lib.mjs';

let srv, admin, shufu, kashgar, parent, leader, volunteer, liaison;
let shufuSchool, hotanSchool, leaderSchool;
const PW = 'Escalation-pass-2026';
before(async () => {
  srv = await startServer();
  admin = client(srv.url, await login(srv.url, 'admin'));
  shufu = client(srv.url, await login(srv.url, 'shufu'));
  kashgar = client(srv.url, await login(srv.url, 'kashgar'));
  parent = client(srv.url, await login(srv.url, 'parent'));
  const l = await login(srv.url, 'leader');
  leader = client(srv.url, l);
  leaderSchool = l.user.roles.find((g) => g.role === 'school_leader').org;
  volunteer = client(srv.url, await login(srv.url, 'volunteer'));
  liaison = client(srv.url, await login(srv.url, 'liaison'));
  shufuSchool = (await schoolsOf(admin, '653121'))[0].code;
  hotanSchool = (await schoolsOf(admin, '653221'))[0].code;
});
after(async () => {
  await srv?.stop();
});

const newUser = (login, role, org) => ({ login, name: `测试 ${login}`, password: PW, role, org, phone: '13800000000', email: `${login}@example.org` });

async function absent(login) {
  expectError(await admin.get(`/api/v1/users/${login}`), 404, 'not_found', `user ${login} must not exist`);
}

test('a county official cannot create a region_admin or prefecture_official (403)', async () => {
  // 653121 is the only place in shufu's reach: the refusal must be about the role
  // (above shufu's own), not about the place
  expectError(await shufu.post('/api/v1/users', newUser('esc-ra', 'region_admin', '653121')), 403, 'forbidden', 'region_admin at 653121');
  await absent('esc-ra');
  expectError(await shufu.post('/api/v1/users', newUser('esc-po', 'prefecture_official', '653121')), 403, 'forbidden', 'prefecture_official at 653121');
  await absent('esc-po');
});

test('outside reach a county official gets 404, whatever the role', async () => {
  expectError(await shufu.post('/api/v1/users', newUser('esc-ra2', 'region_admin', '650000')), 404, 'not_found', 'region_admin at 650000');
  expectError(await shufu.post('/api/v1/users', newUser('esc-po2', 'prefecture_official', '653100')), 404, 'not_found', 'prefecture_official at 653100');
  await absent('esc-ra2');
  await absent('esc-po2');
});

test('a county official cannot create an auditor (403)', async () => {
  expectError(await shufu.post('/api/v1/users', newUser('esc-aud', 'auditor', '653121')), 403, 'forbidden');
  await absent('esc-aud');
});

test('a county official creates a school_leader at a school of its county (201) who can log in', async () => {
  const r = await shufu.post('/api/v1/users', newUser('esc-sl', 'school_leader', shufuSchool));
  expectStatus(r, 201);
  assert.equal(r.json.login, 'esc-sl');
  const s = await login(srv.url, 'esc-sl', PW);
  assert.ok(hasRole(s.user, 'school_leader', shufuSchool), JSON.stringify(s.user.roles));
});

test('a county official cannot create a school_leader at a school of another county (404)', async () => {
  expectError(await shufu.post('/api/v1/users', newUser('esc-sl2', 'school_leader', hotanSchool)), 404, 'not_found');
  await absent('esc-sl2');
});

test('a prefecture official creates a county official inside its prefecture but not outside', async () => {
  expectStatus(await kashgar.post('/api/v1/users', newUser('esc-co', 'county_official', '653121')), 201);
  expectError(await kashgar.post('/api/v1/users', newUser('esc-co2', 'county_official', '653221')), 404, 'not_found');
  await absent('esc-co2');
  expectError(await kashgar.post('/api/v1/users', newUser('esc-co3', 'auditor', '653100')), 403, 'forbidden', 'auditor: a capability kashgar lacks');
  await absent('esc-co3');
});

test('a prefecture official cannot create a region_admin (403)', async () => {
  expectError(await kashgar.post('/api/v1/users', newUser('esc-co4', 'region_admin', '653100')), 403, 'forbidden', 'region_admin at 653100');
  await absent('esc-co4');
});

test('a user without the capability cannot create users (403)', async () => {
  expectError(await parent.post('/api/v1/users', newUser('esc-p', 'parent', shufuSchool)), 403, 'forbidden');
  await absent('esc-p');
  expectError(await volunteer.post('/api/v1/users', newUser('esc-v', 'volunteer', '653121')), 403, 'forbidden');
  await absent('esc-v');
  expectError(await liaison.post('/api/v1/users', newUser('esc-l', 'parent', shufuSchool)), 403, 'forbidden');
  await absent('esc-l');
});

test('a school leader grants only inside its school', async () => {
  expectStatus(await leader.post('/api/v1/users', newUser('esc-ll', 'liaison_officer', leaderSchool)), 201);
  expectError(await leader.post('/api/v1/users', newUser('esc-l2', 'county_official', '653121')), 404, 'not_found', 'county_official at 653121');
  await absent('esc-l2');
  expectError(await leader.post('/api/v1/users', newUser('esc-l3', 'school_leader', hotanSchool)), 404, 'not_found');
  await absent('esc-l3');
});

const rolesOf = async (l) => expectStatus(await admin.get(`/api/v1/users/${l}`), 200).json.roles;

test('add_role cannot grant a capability one lacks, nor at an org outside reach', async () => {
  const before = await rolesOf('volunteer');
  expectError(await shufu.patch('/api/v1/users/volunteer', { add_role: { role: 'auditor', org: '653121' } }), 403, 'forbidden', 'add_role auditor');
  expectError(await shufu.patch('/api/v1/users/volunteer', { add_role: { role: 'school_leader', org: hotanSchool } }), 404, 'not_found', 'add_role outside reach');
  expectError(await shufu.patch('/api/v1/users/volunteer', { add_role: { role: 'region_admin', org: '650000' } }), 404, 'not_found', 'add_role region_admin at 650000');
  assert.deepEqual(await rolesOf('volunteer'), before, 'volunteer roles unchanged');
  const own = await rolesOf('shufu');
  expectError(await shufu.patch('/api/v1/users/shufu', { add_role: { role: 'auditor', org: '653121' } }), 403, 'forbidden', 'auditor for oneself');
  assert.deepEqual(await rolesOf('shufu'), own, 'shufu roles unchanged');
  // a legitimate grant does go through
  expectStatus(await shufu.patch('/api/v1/users/volunteer', { add_role: { role: 'team_member', org: shufuSchool } }), 200);
  assert.ok(hasRole({ roles: await rolesOf('volunteer') }, 'team_member', shufuSchool));
});

test('add_role cannot grant a role above one\'s own (403), not even to oneself', async () => {
  const before = await rolesOf('volunteer');
  const own = await rolesOf('shufu');
  const results = [];
  for (const [who, role] of [['volunteer', 'region_admin'], ['volunteer', 'prefecture_official'], ['shufu', 'prefecture_official'], ['shufu', 'region_admin']]) {
    const r = await shufu.patch(`/api/v1/users/${who}`, { add_role: { role, org: '653121' } });
    results.push(`${who} +${role}@653121: ${r.status} ${r.json?.error?.code}`);
  }
  assert.deepEqual(await rolesOf('volunteer'), before, 'volunteer roles unchanged');
  assert.deepEqual(await rolesOf('shufu'), own, 'shufu roles unchanged');
  assert.ok(results.every((x) => / 403 forbidden$/.test(x)), `expected 403 forbidden for each: ${results.join('; ')}`);
});

test('users outside reach cannot be changed (404), not even their password', async () => {
  expectError(await shufu.patch('/api/v1/users/admin', { password: 'Taken-over-2026-x' }), 404, 'not_found');
  expectError(await shufu.patch('/api/v1/users/hotan', { active: false }), 404, 'not_found');
  expectError(await shufu.patch('/api/v1/users/kashgar', { remove_role: { role: 'prefecture_official', org: '653100' } }), 404, 'not_found');
  // admin still logs in with the demo password; kashgar keeps its role
  const s = await login(srv.url, 'admin');
  assert.ok(hasRole(s.user, 'region_admin', '650000'));
  assert.ok(hasRole(expectStatus(await admin.get('/api/v1/users/kashgar'), 200).json, 'prefecture_official', '653100'));
});

test('a user without the capability cannot change another user', async () => {
  expectError(await parent.patch('/api/v1/users/volunteer', { name: 'renamed by parent' }), 403, 'forbidden');
  expectError(await parent.patch('/api/v1/users/parent', { add_role: { role: 'school_leader', org: shufuSchool } }), 403, 'forbidden');
  const p = expectStatus(await admin.get('/api/v1/users/parent'), 200).json;
  assert.ok(!hasRole(p, 'school_leader', shufuSchool));
});
