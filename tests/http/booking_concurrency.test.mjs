// Capacity under concurrency: two server processes on the same database (the
// point on PostgreSQL; it must hold on SQLite too). 100 parents of one school
// book one activity of 30 seats at once, alternating between the servers:
// exactly 30 booked, 70 waiting with positions 1..70 in arrival order, booked =
// 30 in the activity's row. Then 5 cancellations at once promote exactly the
// first 5 waiting, in order.
import assert from 'node:assert/strict';
import { test, before, after, startServer, login, client, expectStatus } from './lib.mjs';

const SCHOOL = '6531210001';
const PW = 'Long-enough-pass-1';
const N = 100, SEATS = 30;

let one, two;
before(async () => {
  one = await startServer();
  two = await startServer({ db: one.db });
});
after(async () => {
  await two?.stop();
  await one?.stop();
});

// Setup only (not what is tested): a 503 "busy, try again" on a loaded machine is retried.
async function retryBusy(f) {
  let r;
  for (let t = 0; t < 5 && (!r || r.status === 503); t++) r = await f();
  return r;
}

// Runs f over items with at most `width` at a time; results in order.
async function pool(items, width, f) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i], i);
    }
  }));
  return out;
}

test('100 concurrent bookings for 30 seats on two servers: 30 booked, 70 waiting in order; cancellations promote the first waiting', { timeout: 600000 }, async () => {
  const admin = client(one.url, await login(one.url, 'admin'));
  const logins = Array.from({ length: N }, (_, i) => `rush-parent-${i + 1}`);
  await pool(logins, 8, async (l) =>
    expectStatus(await retryBusy(() => admin.post('/api/v1/users', { login: l, name: `抢座家长${l.slice(12)}`, password: PW, role: 'parent', org: SCHOOL })), 201, l));
  // each parent logs in to one of the two servers, alternating
  const parents = await pool(logins, 8, async (l, i) => {
    const srv = i % 2 ? two : one;
    return client(srv.url, await login(srv.url, l, PW));
  });

  const liaison = client(one.url, await login(one.url, 'liaison'));
  const now = Date.now();
  const act = expectStatus(await liaison.post('/api/v1/activities', {
    org: SCHOOL, kind: 'parent_class', title: '抢座测试：家长课堂', place: '学校礼堂',
    starts_at: new Date(now + 3 * 3600e3).toISOString(), ends_at: new Date(now + 5 * 3600e3).toISOString(), capacity: SEATS,
  }), 201).json;

  // all at once
  const answers = await Promise.all(parents.map((p) => p.post(`/api/v1/activities/${act.id}/bookings`)));
  for (const r of answers) expectStatus(r, 201, 'every booking is taken: a seat or a place in the queue');
  const got = answers.map((r) => r.json);
  assert.equal(got.filter((b) => b.status === 'booked').length, SEATS);
  assert.equal(got.filter((b) => b.status === 'waiting').length, N - SEATS);
  assert.deepEqual(got.filter((b) => b.status === 'waiting').map((b) => b.position).sort((a, b) => a - b),
    Array.from({ length: N - SEATS }, (_, i) => i + 1), 'each waiting booking got its own place');

  // the list in arrival order: the first 30 hold the seats, then positions 1..70 without a gap
  let list = expectStatus(await liaison.get(`/api/v1/activities/${act.id}/bookings`), 200).json;
  assert.equal(list.activity.booked, SEATS, 'booked in the activities row');
  assert.equal(list.activity.waiting, N - SEATS);
  assert.equal(list.items.length, N);
  const arrivals = list.items.map((b) => b.arrival);
  assert.ok(arrivals.every((a, i) => i === 0 || a > arrivals[i - 1]), 'arrival strictly increases');
  assert.ok(list.items.slice(0, SEATS).every((b) => b.status === 'booked'), 'the first arrivals hold the seats');
  assert.deepEqual(list.items.slice(SEATS).map((b) => b.position), Array.from({ length: N - SEATS }, (_, i) => i + 1));
  // what each caller was told is what the list says
  const told = Object.fromEntries(got.map((b) => [b.id, b]));
  for (const b of list.items) assert.equal(told[b.id].position, b.position, `booking ${b.id}`);

  // five cancellations at once, on both servers
  const firstWaiting = list.items.slice(SEATS, SEATS + 5).map((b) => b.user);
  const leaving = list.items.slice(0, 5);
  const byLogin = Object.fromEntries(logins.map((l, i) => [l, parents[i]]));
  const cancels = await Promise.all(leaving.map((b) => byLogin[b.user].post(`/api/v1/bookings/${b.id}/cancel`)));
  for (const r of cancels) expectStatus(r, 200);
  list = expectStatus(await liaison.get(`/api/v1/activities/${act.id}/bookings`), 200).json;
  assert.equal(list.activity.booked, SEATS, 'the freed seats are taken again');
  const st = Object.fromEntries(list.items.map((b) => [b.user, b]));
  for (const l of firstWaiting) assert.equal(st[l].status, 'booked', `${l} was among the first five waiting`);
  const waiting = list.items.filter((b) => b.status === 'waiting');
  assert.equal(waiting.length, N - SEATS - 5);
  assert.deepEqual(waiting.map((b) => b.position), Array.from({ length: N - SEATS - 5 }, (_, i) => i + 1));
  assert.equal(list.items.filter((b) => b.status === 'cancelled').length, 5);
  // the same view through the other server
  const other = client(two.url, await login(two.url, 'liaison'));
  const seen = expectStatus(await other.get(`/api/v1/activities/${act.id}`), 200).json;
  assert.equal(seen.booked, SEATS);
  assert.equal(seen.waiting, N - SEATS - 5);
});
