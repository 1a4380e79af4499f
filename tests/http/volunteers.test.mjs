// Volunteers and points (capabilities 11 and 12): pools, the public sign-up with
// consent (pending → approved → can log in), service hours and their verification
// (never by the volunteer, once only, points only from verified hours), rewards and
// redemptions that never take a balance or a stock below zero, the unit's figures,
// scope (a 和田县 official sees nothing of 疏附县's volunteers; a parent is refused the
// organisers' routes), bad input refused naming the field with nothing written, and
// the organisers' and the volunteer's pages.
import assert from 'node:assert/strict';
import {
  test, before, after, startServer, login, client, page, api, ip, expectStatus, expectError, listAll, DEMO_PASSWORD,
} from './lib.mjs';

const COUNTY = '653121'; // 疏附县 (shufu)
const SCHOOL = '6531210001'; // 疏附县第一小学 (leader, liaison, liaison2, parent)
const HOTAN_SCHOOL = '6532210001';
const POOL = 'VP-T-653121'; // the test's pool, opened by shufu
const PW = 'volunteer-pw-2026';

// Today and other days in Asia/Shanghai, as the server counts them.
const day = (offset = 0) => new Date(Date.now() + 8 * 3600 * 1000 + offset * 86400 * 1000).toISOString().slice(0, 10);
const YEAR = Number(day().slice(0, 4));
const MONTH = day().slice(0, 7);

let srv;
const sess = {};
const c = {};
before(async () => {
  srv = await startServer();
  for (const who of ['admin', 'shufu', 'hotan', 'kashgar', 'leader', 'liaison', 'liaison2', 'parent', 'volunteer']) {
    sess[who] = await login(srv.url, who);
    c[who] = client(srv.url, sess[who]);
  }
});
after(async () => {
  await srv?.stop();
});

const get = (who, p) => page(srv.url, p, { cookie: sess[who].cookie });
const postForm = (who, p, form) => page(srv.url, p, { method: 'POST', cookie: sess[who].cookie, form: { _csrf: sess[who].csrf, ...form } });
const signup = (form, n = 2) => page(srv.url, '/volunteers/signup', { method: 'POST', form, ip: ip(n) });

async function figure(indicator, org, period) {
  const r = expectStatus(await c.admin.get(`/api/v1/values?indicator=${indicator}&org=${org}&period=${period}`), 200, indicator);
  return r.json.value ?? 0;
}

// A new volunteer of POOL through the public sign-up, approved by shufu; its client.
let serial = 0;
async function newVolunteer(extra = {}) {
  serial++;
  const loginName = `vt-${process.pid % 10000}-${serial}`;
  const r = await signup({ pool: POOL, name: `测试志愿者${serial}`, phone: '13912345678', affiliation: '疏附县某社区', skills: '阅读陪伴', availability: '周末', login: loginName, password: PW, consent: '1', ...extra }, 10 + serial);
  expectStatus(r, 303, 'sign-up');
  const list = await listAll(c.shufu, `/api/v1/volunteers?pool=${POOL}&status=pending&limit=100`);
  const rec = list.find((v) => v.login === loginName);
  assert.ok(rec, 'the sign-up is pending in the pool');
  expectStatus(await c.shufu.post(`/api/v1/volunteers/${rec.id}/approve`), 200, 'approve');
  const s = await login(srv.url, loginName, PW);
  return { login: loginName, id: rec.id, sess: s, c: client(srv.url, s) };
}

test('pools: everyone sees them, organisers open them in reach, bad input names the field', async () => {
  const all = await listAll(c.parent, `/api/v1/volunteer-pools?org=${COUNTY}`);
  assert.ok(all.some((p) => p.code === `VP-${COUNTY}-C` && p.kind === 'community'), 'the county team is listed');
  const r = expectStatus(await c.shufu.post('/api/v1/volunteer-pools', { code: POOL, kind: 'community', name_zh: '测试志愿服务队', org: COUNTY, points_per_hour: 10 }), 201);
  assert.equal(r.json.org, COUNTY);
  assert.equal(r.json.points_per_hour, 10);
  expectError(await c.hotan.post('/api/v1/volunteer-pools', { code: 'VP-T-X', kind: 'community', name_zh: 'x', org: COUNTY }), 404);
  expectError(await c.parent.post('/api/v1/volunteer-pools', { code: 'VP-T-X', kind: 'community', name_zh: 'x', org: COUNTY }), 403, 'forbidden');
  for (const [body, field] of [
    [{ code: POOL, kind: 'community', name_zh: 'x', org: COUNTY }, 'code'],
    [{ code: 'VP-T-Y', kind: 'retired', name_zh: 'x', org: COUNTY }, 'kind'],
    [{ code: 'VP-T-Y', kind: 'parent', name_zh: '', org: COUNTY }, 'name_zh'],
    [{ code: 'VP-T-Y', kind: 'parent', name_zh: 'x', org: COUNTY, points_per_hour: -1 }, 'points_per_hour'],
    [{ code: 'VP-T-Y', kind: 'parent', name_zh: 'x', org: COUNTY, points_per_hour: '5' }, 'points_per_hour'],
  ]) {
    const e = expectError(await c.shufu.post('/api/v1/volunteer-pools', body), 422, 'invalid', field);
    assert.match(e.message, new RegExp(`^${field} `), e.message);
  }
  assert.equal((await listAll(c.shufu, '/api/v1/volunteer-pools')).filter((p) => p.code === 'VP-T-Y').length, 0, 'nothing written');
  const p = expectStatus(await c.shufu.patch(`/api/v1/volunteer-pools/${r.json.id}`, { points_per_hour: 15 }), 200);
  assert.equal(p.json.points_per_hour, 15);
  expectError(await c.hotan.patch(`/api/v1/volunteer-pools/${r.json.id}`, { points_per_hour: 1 }), 404);
});

test('sign-up → pending with an inactive account → approved → can log in with the volunteer role', async () => {
  const before = await figure('community_volunteers', COUNTY, String(YEAR));
  const r = await signup({ pool: POOL, name: '报名测试', phone: '', login: 'vt-signup', password: PW, consent: '1' });
  expectStatus(r, 303);
  assert.match(r.headers.location, /^\/volunteers\/signup\?done=/);
  expectStatus(await page(srv.url, r.headers.location), 200);
  // the account exists but stays closed
  expectError(await api(srv.url, 'POST', '/api/v1/session', { body: { login: 'vt-signup', password: PW } }), 401);
  const pending = await listAll(c.shufu, `/api/v1/volunteers?pool=${POOL}&status=pending`);
  const rec = pending.find((v) => v.login === 'vt-signup');
  assert.ok(rec, 'pending in the pool');
  assert.equal(rec.has_account, true);
  assert.equal(rec.consent_version.length > 0, true);
  assert.ok(rec.consent_at > 0);
  assert.deepEqual(rec.next, ['approved', 'rejected', 'left']);
  // out of reach: 404; without the capability: 403
  expectError(await c.hotan.get(`/api/v1/volunteers/${rec.id}`), 404);
  expectError(await c.hotan.post(`/api/v1/volunteers/${rec.id}/approve`), 404);
  expectError(await c.parent.post(`/api/v1/volunteers/${rec.id}/approve`), 403, 'forbidden');
  const ok = expectStatus(await c.shufu.post(`/api/v1/volunteers/${rec.id}/approve`), 200).json;
  assert.equal(ok.status, 'approved');
  assert.equal(ok.decided_by, 'shufu');
  const again = expectError(await c.shufu.post(`/api/v1/volunteers/${rec.id}/approve`), 409, 'conflict');
  assert.match(again.message, /left/, 'the 409 names the allowed move');
  const me = await login(srv.url, 'vt-signup', PW);
  assert.ok(me.user.roles.some((g) => g.role === 'volunteer' && g.org === COUNTY), JSON.stringify(me.user.roles));
  const mine = expectStatus(await client(srv.url, me).get('/api/v1/volunteers/me'), 200).json;
  assert.equal(mine.id, rec.id);
  assert.equal(await figure('community_volunteers', COUNTY, String(YEAR)), before + 1, 'the county figure follows');
  const audit = expectStatus(await c.admin.get(`/api/v1/audit?object=volunteer:${rec.id}&limit=20`), 200).json.items.map((a) => a.action);
  assert.ok(audit.includes('volunteer.signup') && audit.includes('volunteer.approve'), audit.join());
});

test('a rejected sign-up stays closed; leaving removes the role', async () => {
  expectStatus(await signup({ pool: POOL, name: '不通过', login: 'vt-rejected', password: PW, consent: '1' }, 3), 303);
  const rec = (await listAll(c.shufu, `/api/v1/volunteers?pool=${POOL}&status=pending`)).find((v) => v.login === 'vt-rejected');
  const rj = expectStatus(await c.shufu.post(`/api/v1/volunteers/${rec.id}/reject`, { reason: '不在服务区域' }), 200).json;
  assert.equal(rj.status, 'rejected');
  expectError(await api(srv.url, 'POST', '/api/v1/session', { body: { login: 'vt-rejected', password: PW } }), 401);
  expectError(await c.shufu.post(`/api/v1/volunteers/${rec.id}/approve`), 409);
  const v = await newVolunteer();
  const left = expectStatus(await v.c.post(`/api/v1/volunteers/${v.id}/leave`), 200).json;
  assert.equal(left.status, 'left');
  const me = expectStatus(await v.c.get('/api/v1/me'), 200).json.user;
  assert.ok(!me.roles.some((g) => g.role === 'volunteer'), 'the volunteer role is gone');
  // a person who left may apply again, to another pool: pending there
  const again = expectStatus(await v.c.post('/api/v1/volunteers', { pool: `VP-${COUNTY}-C`, consent: true }), 201).json;
  assert.equal(again.status, 'pending');
  assert.equal(again.id, v.id, 'the same record moves');
  expectError(await v.c.post('/api/v1/volunteers', { pool: POOL, consent: true }), 409, 'conflict');
});

test('consent is required and bad sign-up input names the field; nothing is written', async () => {
  const base = { pool: POOL, name: '坏输入', login: 'vt-bad', password: PW, consent: '1' };
  for (const [change, field] of [
    [{ consent: undefined }, 'consent'],
    [{ phone: '12345' }, 'phone'],
    [{ phone: '23912345678' }, 'phone'],
    [{ password: 'short-pw' }, 'password'],
    [{ login: 'Bad Login!' }, 'login'],
    [{ pool: 'VP-NOPE' }, 'pool'],
    [{ name: '' }, 'name'],
    [{ login: 'admin' }, 'login'], // taken
  ]) {
    const form = { ...base, ...change };
    for (const k of Object.keys(form)) if (form[k] === undefined) delete form[k];
    const r = await signup(form, 4);
    assert.equal(r.status, 422, `${field}: ${r.status}`);
    assert.match(r.text, new RegExp(`class="notice error"[^>]*>[^<]*: ${field} `), `${field} is named`);
    if (field !== 'password') assert.ok(!r.text.includes(PW), 'the password is not echoed');
  }
  expectError(await c.admin.get('/api/v1/users/vt-bad'), 404, 'not_found', 'no account was made');
  // the API: consent must be true, fields typed
  for (const [body, field] of [
    [{ pool: POOL, consent: false }, 'consent'],
    [{ pool: POOL }, 'consent'],
    [{ pool: POOL, consent: 'yes' }, 'consent'],
    [{ pool: POOL, consent: true, phone: 13912345678 }, 'phone'],
    [{ pool: 'VP-NOPE', consent: true }, 'pool'],
  ]) {
    const e = expectError(await c.parent.post('/api/v1/volunteers', body), 422, 'invalid', field);
    assert.match(e.message, new RegExp(`^${field} `), e.message);
  }
  expectError(await c.parent.get('/api/v1/volunteers/me'), 404, 'not_found', 'the parent has no record');
  // an organiser registers a person without an account: approved at once; not someone outside
  const reg = expectStatus(await c.shufu.post('/api/v1/volunteers', { pool: POOL, self: false, name: '纸质登记', consent: true }), 201).json;
  assert.equal(reg.status, 'approved');
  assert.equal(reg.has_account, false);
  expectError(await c.hotan.post('/api/v1/volunteers', { pool: POOL, self: false, name: 'x', consent: true }), 403);
});

test('sign-ups are throttled per client address', async () => {
  let last;
  for (let i = 0; i < 11; i++) last = await signup({ pool: POOL, name: 'x', login: `vt-throttle-${i}`, password: 'short' }, 200);
  assert.equal(last.status, 429, `the 11th sign-up from one address: ${last.status}`);
  expectStatus(await signup({ pool: POOL, name: 'x', login: 'vt-throttle-other', password: 'short' }, 201), 422, 'another address is not throttled');
});

let vol; // a volunteer of POOL (15 points per hour) who is also given organiser roles
let hoursA, hoursB;

test('hours: only verified hours give points; nobody verifies their own; a second decision is 409', async () => {
  vol = await newVolunteer();
  const before = await figure('volunteer_hours', SCHOOL, MONTH);
  const h = expectStatus(await vol.c.post('/api/v1/service-hours', { org: SCHOOL, served_on: day(), hours: 2.5, description: '课后阅读陪伴' }), 201).json;
  hoursA = h.id;
  assert.equal(h.status, 'logged');
  assert.equal(h.points, null);
  assert.equal(h.points_if_verified, 38, '2.5 h × 15 = 37.5 → 38');
  let me = expectStatus(await vol.c.get('/api/v1/volunteers/me'), 200).json;
  assert.equal(me.points_balance, 0, 'logged hours give no points');
  assert.deepEqual(expectStatus(await vol.c.get(`/api/v1/volunteers/${vol.id}/ledger`), 200).json.items, []);
  // the volunteer made a school leader there: holds volunteer.manage, still may not verify their own
  expectStatus(await c.admin.patch(`/api/v1/users/${vol.login}`, { add_role: { role: 'school_leader', org: SCHOOL } }), 200);
  const self = expectError(await vol.c.post(`/api/v1/service-hours/${hoursA}/verify`), 403, 'forbidden');
  assert.match(self.message, /own|自己/);
  expectError(await vol.c.post(`/api/v1/service-hours/${hoursA}/reject`), 403, 'forbidden');
  // out of reach 404, without the capability 403
  expectError(await c.hotan.post(`/api/v1/service-hours/${hoursA}/verify`), 404);
  expectError(await c.parent.post(`/api/v1/service-hours/${hoursA}/verify`), 403, 'forbidden');
  // liaison holds activity.write, not volunteer.manage: hours without an activity are not theirs
  expectError(await c.liaison.post(`/api/v1/service-hours/${hoursA}/verify`), 403, 'forbidden');
  const v = expectStatus(await c.shufu.post(`/api/v1/service-hours/${hoursA}/verify`), 200).json;
  assert.equal(v.status, 'verified');
  assert.equal(v.points, 38);
  assert.equal(v.balance, 38);
  assert.equal(v.verified_by, 'shufu');
  const twice = expectError(await c.leader.post(`/api/v1/service-hours/${hoursA}/verify`), 409, 'conflict');
  assert.match(twice.message, /logged|待核实/);
  expectError(await c.shufu.post(`/api/v1/service-hours/${hoursA}/reject`), 409, 'conflict');
  me = expectStatus(await vol.c.get('/api/v1/volunteers/me'), 200).json;
  assert.equal(me.points_balance, 38);
  assert.equal(me.hours_verified, 2.5);
  const ledger = expectStatus(await vol.c.get(`/api/v1/volunteers/${vol.id}/ledger`), 200).json;
  assert.equal(ledger.items.length, 1);
  assert.deepEqual([ledger.items[0].delta, ledger.items[0].reason, ledger.items[0].ref_id, ledger.items[0].balance_after], [38, 'hours', hoursA, 38]);
  assert.equal(await figure('volunteer_hours', SCHOOL, MONTH), before + 2.5, 'the school\'s hours of the month');
  // an organiser logs hours for the volunteer; rejected hours give nothing
  const b = expectStatus(await c.shufu.post('/api/v1/service-hours', { volunteer: vol.id, org: SCHOOL, served_on: day(-1), hours: 1 }), 201).json;
  hoursB = b.id;
  assert.equal(b.created_by, 'shufu');
  const rj = expectStatus(await c.leader.post(`/api/v1/service-hours/${hoursB}/reject`, { reason: '当天未到岗' }), 200).json;
  assert.equal(rj.status, 'rejected');
  expectError(await c.shufu.post(`/api/v1/service-hours/${hoursB}/verify`), 409);
  assert.equal(expectStatus(await vol.c.get('/api/v1/volunteers/me'), 200).json.points_balance, 38);
  assert.equal(await figure('volunteer_hours', SCHOOL, MONTH), before + 2.5);
  // someone out of reach cannot log hours for them
  expectError(await c.hotan.post('/api/v1/service-hours', { volunteer: vol.id, org: SCHOOL, served_on: day(), hours: 1 }), 404);
});

test('hours of an activity are verified by its organiser, never by a volunteer who organises it', async () => {
  // an activity of the school yesterday, organised by the school's liaison officers
  const start = `${day(-1)}T09:00`;
  const act = expectStatus(await c.liaison.post('/api/v1/activities', { org: SCHOOL, kind: 'volunteer_service', title: '校园志愿服务日', place: '学校操场', audience: 'all', starts_at: start, ends_at: `${day(-1)}T11:00`, capacity: 20 }), 201).json;
  // liaison2 is also a volunteer (parent team of the school), approved by the leader
  const pool = `VP-${SCHOOL}-P`;
  const applied = expectStatus(await c.liaison2.post('/api/v1/volunteers', { pool, consent: true, skills: '组织协调' }), 201).json;
  assert.equal(applied.status, 'pending');
  expectError(await c.liaison2.post(`/api/v1/volunteers/${applied.id}/approve`), 403, 'forbidden');
  expectStatus(await c.leader.post(`/api/v1/volunteers/${applied.id}/approve`), 200);
  const h = expectStatus(await c.liaison2.post('/api/v1/service-hours', { activity: act.id, served_on: day(-1), hours: 2 }), 201).json;
  assert.equal(h.org, SCHOOL, 'the activity\'s unit is where the service was given');
  assert.equal(h.activity, act.id);
  const self = expectError(await c.liaison2.post(`/api/v1/service-hours/${h.id}/verify`), 403, 'forbidden');
  assert.match(self.message, /own|自己/);
  const ok = expectStatus(await c.liaison.post(`/api/v1/service-hours/${h.id}/verify`), 200).json;
  assert.equal(ok.points, 20);
  expectError(await c.liaison2.post('/api/v1/service-hours', { activity: act.id, org: HOTAN_SCHOOL, served_on: day(-1), hours: 1 }), 422, 'invalid');
});

test('hours: bad input is refused naming the field, nothing written', async () => {
  const count = async () => (await listAll(vol.c, '/api/v1/service-hours?mine=1&limit=500')).length;
  const n = await count();
  const ok = { org: SCHOOL, served_on: day(), hours: 1 };
  for (const [body, field] of [
    [{ ...ok, hours: 0 }, 'hours'],
    [{ ...ok, hours: 24.5 }, 'hours'],
    [{ ...ok, hours: 1.25 }, 'hours'],
    [{ ...ok, hours: '2' }, 'hours'],
    [{ org: SCHOOL, served_on: day() }, 'hours'],
    [{ ...ok, served_on: day(1) }, 'served_on'],
    [{ ...ok, served_on: day(-91) }, 'served_on'],
    [{ ...ok, served_on: '2026-02-30' }, 'served_on'],
    [{ ...ok, served_on: undefined }, 'served_on'],
    [{ ...ok, org: undefined }, 'org'],
    [{ ...ok, org: 'NOPE' }, 'org'],
    [{ ...ok, description: 'x'.repeat(501) }, 'description'],
    [{ ...ok, activity: 99999999 }, 'activity'],
    [{ ...ok, volunteer: 'me' }, 'volunteer'],
  ]) {
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    const e = expectError(await vol.c.post('/api/v1/service-hours', body), 422, 'invalid', `${field} ${JSON.stringify(body)}`);
    assert.match(e.message, new RegExp(`^${field} `), e.message);
  }
  expectError(await vol.c.post('/api/v1/service-hours', { ...ok, minutes: 5 }), 422, 'unknown_field');
  expectError(await vol.c.post('/api/v1/service-hours', '{"org":'), 400, 'bad_json');
  // at most 24 hours on one day in all
  expectStatus(await vol.c.post('/api/v1/service-hours', { org: SCHOOL, served_on: day(-5), hours: 20 }), 201);
  expectError(await vol.c.post('/api/v1/service-hours', { org: SCHOOL, served_on: day(-5), hours: 5 }), 422, 'invalid');
  assert.equal(await count(), n + 1, 'only the valid entry was written');
  // someone without a record
  const e = expectError(await c.parent.post('/api/v1/service-hours', ok), 422, 'invalid');
  assert.match(e.message, /^volunteer /);
});

test('redemptions: the balance and the stock never go below zero; 409 says why', async () => {
  const mk = async (body) => expectStatus(await c.shufu.post('/api/v1/rewards', { org: COUNTY, kind: 'reward', ...body }), 201).json;
  const a = await mk({ name_zh: '测试礼品', points_cost: 30, stock: 1 });
  const empty = await mk({ name_zh: '已兑完', points_cost: 5, stock: 0 });
  const hotanReward = expectStatus(await c.hotan.post('/api/v1/rewards', { org: '653221', name_zh: '和田礼品', points_cost: 1, stock: 9 }), 201).json;
  for (const [body, field] of [
    [{ org: COUNTY, name_zh: 'x', points_cost: -1, stock: 1 }, 'points_cost'],
    [{ org: COUNTY, name_zh: 'x', points_cost: 1, stock: 1.5 }, 'stock'],
    [{ org: COUNTY, name_zh: 'x', points_cost: 1 }, 'stock'],
    [{ org: COUNTY, name_zh: 'x', points_cost: 1, stock: 1, kind: 'gift' }, 'kind'],
    [{ org: COUNTY, name_zh: '', points_cost: 1, stock: 1 }, 'name_zh'],
  ]) {
    const e = expectError(await c.shufu.post('/api/v1/rewards', body), 422, undefined, field);
    assert.match(e.message, new RegExp(`^${field}`), e.message);
  }
  expectError(await c.hotan.post('/api/v1/rewards', { org: COUNTY, name_zh: 'x', points_cost: 1, stock: 1 }), 404);
  expectError(await c.parent.post('/api/v1/rewards', { org: COUNTY, name_zh: 'x', points_cost: 1, stock: 1 }), 403);

  const listed = await listAll(vol.c, '/api/v1/rewards?limit=500');
  assert.ok(listed.find((w) => w.id === a.id)?.affordable, 'the 30-point reward is affordable with 38');
  assert.ok(!listed.some((w) => w.id === hotanReward.id), 'another county\'s reward is not open to them');
  const r1 = expectStatus(await vol.c.post('/api/v1/redemptions', { reward: a.id }), 201).json;
  assert.equal(r1.balance_after, 8);
  const none = expectError(await vol.c.post('/api/v1/redemptions', { reward: a.id }), 409, 'not_enough_points');
  assert.match(none.message, /30/);
  const out = expectError(await vol.c.post('/api/v1/redemptions', { reward: empty.id }), 409, 'out_of_stock');
  assert.ok(out.message.length > 0);
  expectError(await vol.c.post('/api/v1/redemptions', { reward: hotanReward.id }), 404);
  expectError(await vol.c.post('/api/v1/redemptions', { reward: 'x' }), 422, 'invalid');
  expectError(await c.parent.post('/api/v1/redemptions', { reward: a.id }), 403);
  const me = expectStatus(await vol.c.get('/api/v1/volunteers/me'), 200).json;
  assert.equal(me.points_balance, 8);
  const ledger = expectStatus(await vol.c.get(`/api/v1/volunteers/${vol.id}/ledger`), 200).json;
  assert.equal(ledger.items.reduce((s, x) => s + x.delta, 0), 8, 'the ledger adds up to the balance');
  assert.equal(ledger.items[0].reason, 'redemption');
  assert.equal(ledger.items[0].ref_id, r1.id);
  // the stock: set against the stock read; a wrong expectation is refused
  const w = (await listAll(c.shufu, `/api/v1/rewards?org=${COUNTY}&limit=500`)).find((x) => x.id === a.id);
  assert.equal(w.stock, 0);
  expectError(await c.shufu.patch(`/api/v1/rewards/${a.id}`, { stock: 5, expected_stock: 3 }), 409, 'conflict');
  assert.equal(expectStatus(await c.shufu.patch(`/api/v1/rewards/${a.id}`, { stock: 5, expected_stock: 0 }), 200).json.stock, 5);
  expectError(await c.hotan.patch(`/api/v1/rewards/${a.id}`, { stock: 9 }), 404);
  // withdrawn: no redemption
  expectStatus(await c.shufu.patch(`/api/v1/rewards/${empty.id}`, { stock: 10, active: false }), 200);
  expectError(await vol.c.post('/api/v1/redemptions', { reward: empty.id }), 409, 'out_of_stock');
});

test('scope: 和田县 sees none of 疏附县\'s volunteers; a parent is refused the organisers\' routes', async () => {
  const demo = expectStatus(await c.volunteer.get('/api/v1/volunteers/me'), 200).json;
  assert.equal(demo.org, COUNTY);
  for (const p of [`/api/v1/volunteers/${demo.id}`, `/api/v1/volunteers/${demo.id}/ledger`, `/api/v1/volunteers?org=${COUNTY}`,
    `/api/v1/volunteers?pool=VP-${COUNTY}-C`, `/api/v1/volunteers/summary?org=${COUNTY}`, `/api/v1/service-hours/${hoursA}`]) {
    expectError(await c.hotan.get(p), 404, 'not_found', p);
  }
  expectStatus(await get('hotan', `/volunteers/${demo.id}`), 404);
  expectStatus(await get('hotan', `/volunteers?org=${COUNTY}`), 404);
  expectStatus(await get('hotan', `/volunteers/hours.xlsx?org=${COUNTY}`), 404);
  const theirs = await listAll(c.hotan, '/api/v1/volunteers?limit=500');
  assert.ok(theirs.length > 0, 'hotan sees the volunteers of its own county');
  assert.ok(theirs.every((v) => v.org !== COUNTY && !v.pool.includes(COUNTY)), 'none of 疏附县');
  const hours = await listAll(c.hotan, '/api/v1/service-hours?limit=500', { max: 20 });
  assert.ok(hours.every((h) => !h.org.startsWith(COUNTY)), 'no hours served in 疏附县');
  // the prefecture above sees both
  expectStatus(await c.kashgar.get(`/api/v1/volunteers/${demo.id}`), 200);
  // a parent: 403 on every organiser route
  for (const [m, p] of [['GET', '/api/v1/volunteers'], ['GET', '/api/v1/volunteers/summary'], ['POST', `/api/v1/volunteers/${demo.id}/approve`],
    ['POST', `/api/v1/volunteers/${demo.id}/reject`], ['POST', '/api/v1/rewards'], ['POST', `/api/v1/service-hours/${hoursA}/verify`]]) {
    expectError(await api(srv.url, m, p, { token: sess.parent.token, ...(m === 'POST' ? { body: {} } : {}) }), 403, 'forbidden', `${m} ${p}`);
  }
  for (const p of ['/volunteers', '/rewards', '/service-hours', '/volunteers/points.xlsx']) expectStatus(await get('parent', p), 403, p);
  // the volunteer sees and changes only their own record
  expectError(await c.volunteer.get(`/api/v1/volunteers/${vol.id}`), 404);
  expectError(await c.volunteer.patch(`/api/v1/volunteers/${vol.id}`, { phone: '' }), 404);
  expectError(await c.volunteer.get('/api/v1/volunteers'), 403);
  const p1 = expectStatus(await c.volunteer.patch(`/api/v1/volunteers/${demo.id}`, { availability: '周末和寒暑假' }), 200).json;
  assert.equal(p1.availability, '周末和寒暑假');
  const e = expectError(await c.volunteer.patch(`/api/v1/volunteers/${demo.id}`, { phone: '123' }), 422, 'invalid');
  assert.match(e.message, /^phone /);
  expectError(await c.volunteer.patch(`/api/v1/volunteers/${demo.id}`, { status: 'approved' }), 422, 'unknown_field');
});

test('totals by pool and unit, the organisers\' pages and the Excel exports', async () => {
  const s = expectStatus(await c.shufu.get(`/api/v1/volunteers/summary?org=${COUNTY}&year=${YEAR}`), 200).json;
  const mine = s.pools.find((p) => p.pool.code === POOL);
  assert.ok(mine.hours_verified >= 2.5);
  assert.ok(mine.points_issued >= 38);
  assert.ok(mine.points_redeemed >= 30);
  const sum = (k) => s.pools.reduce((a, p) => a + p[k], 0);
  assert.equal(s.totals.points_issued, sum('points_issued'));
  assert.equal(s.totals.volunteers_approved, sum('volunteers_approved'));
  assert.equal(s.units.reduce((a, u) => a + u.volunteers_approved, 0), s.totals.volunteers_approved, 'units add up to the total');
  const region = expectStatus(await c.admin.get(`/api/v1/volunteers/summary?org=650000&year=${YEAR - 1}`), 200).json;
  assert.ok(region.totals.volunteers_approved >= 180, `${region.totals.volunteers_approved} approved volunteers in the demo`);
  assert.ok(region.totals.hours_verified > 40000, `a year of hours at 120 schools: ${region.totals.hours_verified}`);
  expectError(await c.shufu.get('/api/v1/volunteers/summary?year=20x6'), 400, 'bad_param');

  const idx = expectStatus(await get('shufu', `/volunteers?org=${COUNTY}`), 200);
  assert.match(idx.text, /id="by-pool"/);
  assert.ok(idx.text.includes(POOL) || idx.text.includes('测试志愿服务队'));
  for (const p of [`/volunteers/hours.xlsx?org=${COUNTY}&year=${YEAR}`, `/volunteers/points.xlsx?org=${COUNTY}&year=${YEAR}`]) {
    const x = expectStatus(await get('shufu', p), 200, p);
    assert.match(x.headers['content-type'], /spreadsheetml/);
  }
  expectStatus(await get('shufu', '/rewards'), 200);
  expectStatus(await get('shufu', `/volunteers/${vol.id}`), 200);
  // the page flow: a sign-up approved from the list page
  expectStatus(await signup({ pool: POOL, name: '页面审批', login: 'vt-page', password: PW, consent: '1' }, 5), 303);
  const list = await get('shufu', '/volunteers');
  const m = /action="\/volunteers\/(\d+)\/approve"/.exec(list.text);
  assert.ok(m, 'the pending application has an approve button');
  const r = await postForm('shufu', `/volunteers/${m[1]}/approve`, { back: 'list' });
  expectStatus(r, 303);
  expectStatus(await postForm('shufu', `/volunteers/${m[1]}/approve`, {}), 409);
  // the hours awaiting verification, with their buttons, and a page verification
  const logged = expectStatus(await vol.c.post('/api/v1/service-hours', { org: SCHOOL, served_on: day(-2), hours: 1.5 }), 201).json;
  const sh = expectStatus(await get('shufu', '/service-hours'), 200);
  assert.ok(sh.text.includes(`/service-hours/${logged.id}/verify`));
  expectStatus(await postForm('shufu', `/service-hours/${logged.id}/verify`, {}), 303);
  expectStatus(await postForm('shufu', `/service-hours/${logged.id}/verify`, {}), 409);
  // the reward form refuses bad input naming the field
  const bad = await postForm('shufu', '/rewards', { org: COUNTY, kind: 'reward', name_zh: '表单礼品', points_cost: 'ten', stock: '3' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /points_cost/);
});

test('the volunteer\'s phone pages: log hours, see points, redeem; someone without a record is led to sign up', async () => {
  const h = expectStatus(await get('volunteer', '/m/hours'), 200);
  assert.match(h.text, /action="\/m\/hours"/);
  const bad = await postForm('volunteer', '/m/hours', { served_on: day(), hours: '30', org: SCHOOL });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /hours /);
  expectStatus(await postForm('volunteer', '/m/hours', { served_on: day(), hours: '1.5', org: SCHOOL, description: '手机登记' }), 303);
  assert.match((await get('volunteer', '/m/hours')).text, /手机登记|1\.5/);
  const p = expectStatus(await get('volunteer', '/m/points'), 200);
  assert.match(p.text, /class=m-balance>\d+</);
  const m = /name=reward value="(\d+)"/.exec(p.text);
  assert.ok(m, 'a reward the demo volunteer can afford has a redeem button');
  const before = expectStatus(await c.volunteer.get('/api/v1/volunteers/me'), 200).json.points_balance;
  expectStatus(await postForm('volunteer', '/m/points/redeem', { reward: m[1] }), 303);
  const after = expectStatus(await c.volunteer.get('/api/v1/volunteers/me'), 200).json.points_balance;
  assert.ok(after < before, `${before} → ${after}`);
  const parent = expectStatus(await get('parent', '/m/hours'), 200);
  assert.match(parent.text, /href="\/volunteers\/signup"/);
  expectStatus(await get('parent', '/m/points'), 200);
  expectStatus(await postForm('parent', '/m/points/redeem', { reward: m[1] }), 200);
  // the sign-up page for a logged-in person offers the application with the account
  assert.match((await get('parent', '/volunteers/signup')).text, /action="\/volunteers\/apply"/);
  assert.match((await page(srv.url, '/volunteers/signup')).text, /name=password/);
});
