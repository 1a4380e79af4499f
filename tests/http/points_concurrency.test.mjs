// Points under concurrency, with two server processes on one database (meaningful
// on PostgreSQL, where the two really write at once; it must hold on SQLite too):
// a volunteer with 100 points sends 20 redemptions of a 10-point reward split across
// both servers — exactly 10 succeed, the balance is 0 and the ledger adds up; a
// reward with a stock of 3 under 10 concurrent redemptions gives exactly 3; the same
// hours verified 10 times at once credit their points once.
import assert from 'node:assert/strict';
import { test, before, after, startServer, login, client, page, ip, expectStatus, listAll } from './lib.mjs';

const COUNTY = '653121';
const SCHOOL = '6531210001';
const POOL = 'VP-CC-653121';
const PW = 'volunteer-pw-2026';
const today = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

let one, two, shufu1, shufu2;
before(async () => {
  one = await startServer();
  two = await startServer({ db: one.db });
  shufu1 = client(one.url, await login(one.url, 'shufu'));
  shufu2 = client(two.url, await login(two.url, 'shufu'));
  expectStatus(await shufu1.post('/api/v1/volunteer-pools', { code: POOL, kind: 'community', name_zh: '并发测试队', org: COUNTY, points_per_hour: 10 }), 201);
});
after(async () => {
  await two?.stop();
  await one?.stop();
});

// A new approved volunteer of POOL with `hours` verified hours; its clients on both servers.
let n = 0;
async function volunteerWith(hours) {
  n++;
  const name = `cc-${process.pid % 10000}-${n}`;
  expectStatus(await page(one.url, '/volunteers/signup', { method: 'POST', ip: ip(20 + n), form: { pool: POOL, name: `并发${n}`, login: name, password: PW, consent: '1' } }), 303);
  const rec = (await listAll(shufu1, `/api/v1/volunteers?pool=${POOL}&status=pending`)).find((v) => v.login === name);
  expectStatus(await shufu1.post(`/api/v1/volunteers/${rec.id}/approve`), 200);
  const s1 = await login(one.url, name, PW);
  const c1 = client(one.url, s1);
  const c2 = client(two.url, { token: s1.token });
  if (hours) {
    const h = expectStatus(await c1.post('/api/v1/service-hours', { org: SCHOOL, served_on: today(), hours }), 201).json;
    expectStatus(await shufu2.post(`/api/v1/service-hours/${h.id}/verify`), 200);
  }
  return { id: rec.id, c1, c2 };
}

const statusCount = (results, s) => results.filter((r) => r.status === s).length;

test('20 concurrent redemptions of 10 points with 100 points across two servers: exactly 10', async () => {
  const v = await volunteerWith(10);
  assert.equal(expectStatus(await v.c1.get('/api/v1/volunteers/me'), 200).json.points_balance, 100);
  const reward = expectStatus(await shufu1.post('/api/v1/rewards', { org: COUNTY, name_zh: '十分礼品', points_cost: 10, stock: 50 }), 201).json;
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => (i % 2 ? v.c2 : v.c1).post('/api/v1/redemptions', { reward: reward.id })),
  );
  assert.equal(statusCount(results, 201), 10, results.map((r) => r.status).join());
  assert.equal(statusCount(results, 409), 10, results.map((r) => r.status).join());
  for (const r of results.filter((x) => x.status === 409)) assert.equal(r.json.error.code, 'not_enough_points');
  const me = expectStatus(await v.c2.get('/api/v1/volunteers/me'), 200).json;
  assert.equal(me.points_balance, 0);
  const ledger = expectStatus(await v.c1.get(`/api/v1/volunteers/${v.id}/ledger?limit=500`), 200).json;
  assert.equal(ledger.items.length, 11, 'one credit and ten redemptions');
  assert.equal(ledger.items.reduce((s, x) => s + x.delta, 0), 0, 'the ledger adds up to the balance');
  assert.ok(ledger.items.every((x) => x.balance_after >= 0));
  // the balances after, newest first, step down by 10 without a gap or a repeat
  const after = ledger.items.filter((x) => x.reason === 'redemption').map((x) => x.balance_after);
  assert.deepEqual(after, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
  const w = (await listAll(shufu2, `/api/v1/rewards?org=${COUNTY}&limit=500`)).find((x) => x.id === reward.id);
  assert.equal(w.stock, 40);
});

test('a stock of 3 under 10 concurrent redemptions across two servers: exactly 3', async () => {
  const v = await volunteerWith(10);
  const reward = expectStatus(await shufu2.post('/api/v1/rewards', { org: COUNTY, kind: 'honour', name_zh: '限量荣誉', points_cost: 1, stock: 3 }), 201).json;
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) => (i % 2 ? v.c1 : v.c2).post('/api/v1/redemptions', { reward: reward.id })),
  );
  assert.equal(statusCount(results, 201), 3, results.map((r) => r.status).join());
  assert.equal(statusCount(results, 409), 7, results.map((r) => r.status).join());
  for (const r of results.filter((x) => x.status === 409)) assert.equal(r.json.error.code, 'out_of_stock');
  assert.equal(expectStatus(await v.c1.get('/api/v1/volunteers/me'), 200).json.points_balance, 97);
  const w = (await listAll(shufu1, `/api/v1/rewards?org=${COUNTY}&limit=500`)).find((x) => x.id === reward.id);
  assert.equal(w.stock, 0);
});

test('the same hours verified 10 times at once across two servers credit their points once', async () => {
  const v = await volunteerWith(0);
  const h = expectStatus(await v.c1.post('/api/v1/service-hours', { org: SCHOOL, served_on: today(), hours: 3.5 }), 201).json;
  const kashgar1 = client(one.url, await login(one.url, 'kashgar'));
  const kashgar2 = client(two.url, await login(two.url, 'kashgar'));
  const deciders = [shufu1, shufu2, kashgar1, kashgar2];
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) => deciders[i % 4].post(`/api/v1/service-hours/${h.id}/verify`)),
  );
  assert.equal(statusCount(results, 200), 1, results.map((r) => r.status).join());
  assert.equal(statusCount(results, 409), 9, results.map((r) => r.status).join());
  const me = expectStatus(await v.c2.get('/api/v1/volunteers/me'), 200).json;
  assert.equal(me.points_balance, 35);
  assert.equal(me.hours_verified, 3.5);
  const ledger = expectStatus(await v.c1.get(`/api/v1/volunteers/${v.id}/ledger`), 200).json;
  assert.equal(ledger.items.length, 1);
});
