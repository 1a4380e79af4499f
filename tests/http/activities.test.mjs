// Activities and bookings (家校社协同): capacity held exactly with the waiting list
// promoted in arrival order on cancellation, the booking window and the
// cancellation deadline (409), one booking per person, the audience, check-in by
// code (422 wrong code, 409 out of time or still waiting) and by the organiser,
// organiser-only routes refused to a parent, the near rule (a 和田 parent never
// sees a 疏附 school's activity), closing feeding the dashboard figures, bad input
// naming the field, the phone pages and the Excel attendance.
import assert from 'node:assert/strict';
import {
  test, before, after, startServer, login, client, page, expectStatus, expectError, listAll, sleep, DEFAULT_IP,
} from './lib.mjs';

const SCHOOL = '6531210001'; // 疏附县第一小学 (liaison, leader, parent, parent2)
const HOTAN_SCHOOL = '6532210001'; // 和田县第一小学
const PW = 'Long-enough-pass-1';

let srv;
const c = {}; // API clients by login
const sess = {}; // sessions (cookie, csrf) by login

const iso = (ms) => new Date(ms).toISOString();
const H = 3600 * 1000;
// YYYY-MM of a time in Asia/Shanghai
const monthOf = (ms) => new Date(ms + 8 * H).toISOString().slice(0, 7);

before(async () => {
  srv = await startServer();
  for (const who of ['admin', 'liaison', 'leader', 'parent', 'parent2', 'volunteer', 'shufu', 'hotan', 'kashgar']) {
    sess[who] = await login(srv.url, who);
    c[who] = client(srv.url, sess[who]);
  }
  // more parents: two of 疏附县第一小学, one of 和田县第一小学
  for (const [name, org] of [['parent3', SCHOOL], ['parent4', SCHOOL], ['parent5', SCHOOL], ['hotan-parent', HOTAN_SCHOOL]]) {
    expectStatus(await c.admin.post('/api/v1/users', { login: name, name: `家长 ${name}`, password: PW, role: 'parent', org }), 201, name);
    sess[name] = await login(srv.url, name, PW);
    c[name] = client(srv.url, sess[name]);
  }
});
after(async () => {
  await srv?.stop();
});

// A new activity by the school's liaison, starting in two hours unless told.
async function make(extra = {}, who = 'liaison') {
  const now = Date.now();
  const body = {
    org: SCHOOL, kind: 'parent_class', title: '家长课堂：测试', place: '学校礼堂',
    starts_at: iso(now + 2 * H), ends_at: iso(now + 4 * H), capacity: 2, ...extra,
  };
  return expectStatus(await c[who].post('/api/v1/activities', body), 201, `create ${JSON.stringify(extra)}`).json;
}
const book = (who, id) => c[who].post(`/api/v1/activities/${id}/bookings`);
const bookings = async (id) => expectStatus(await c.liaison.get(`/api/v1/activities/${id}/bookings`), 200).json;

test('capacity is exact: the rest wait in arrival order; a cancellation promotes the first waiting', async () => {
  const a = await make({ capacity: 2 });
  assert.equal(a.status, 'open');
  assert.match(a.checkin_code, /^[A-Z2-9]{6}$/, 'the organiser sees the code');
  assert.match(a.starts_at, /\+08:00$/);
  const b1 = expectStatus(await book('parent', a.id), 201).json;
  const b2 = expectStatus(await book('parent2', a.id), 201).json;
  const b3 = expectStatus(await book('parent3', a.id), 201).json;
  const b4 = expectStatus(await book('parent4', a.id), 201).json;
  assert.deepEqual([b1.status, b2.status, b3.status, b4.status], ['booked', 'booked', 'waiting', 'waiting']);
  assert.deepEqual([b3.position, b4.position], [1, 2]);
  assert.equal(b1.position, null);
  let list = await bookings(a.id);
  assert.equal(list.activity.booked, 2);
  assert.equal(list.activity.waiting, 2);
  assert.deepEqual(list.items.map((b) => b.user), ['parent', 'parent2', 'parent3', 'parent4'], 'arrival order');

  const cancelled = expectStatus(await c.parent.post(`/api/v1/bookings/${b1.id}/cancel`), 200).json;
  assert.equal(cancelled.status, 'cancelled');
  list = await bookings(a.id);
  const by = Object.fromEntries(list.items.map((b) => [b.user, b]));
  assert.equal(by.parent3.status, 'booked', 'the first waiting got the seat');
  assert.equal(by.parent4.status, 'waiting');
  assert.equal(by.parent4.position, 1);
  assert.equal(list.activity.booked, 2, 'booked = seats held');
  assert.equal(list.activity.seats_left, 0);
  // my bookings carry the position
  const mine = expectStatus(await c.parent4.get('/api/v1/bookings'), 200).json.items;
  assert.equal(mine.find((b) => b.activity === a.id).position, 1);
  // audited: created, cancelled, promoted
  const audit = expectStatus(await c.admin.get(`/api/v1/audit?object=booking:${b3.id}&limit=20`), 200).json.items;
  assert.deepEqual(audit.map((x) => x.action).sort(), ['booking.create', 'booking.promote']);
});

test('one booking per person: a second one is 409 with the live booking; booking again after cancelling queues at the end', async () => {
  const a = await make({ capacity: 1 });
  const b = expectStatus(await book('parent', a.id), 201).json;
  const again = expectError(await book('parent', a.id), 409, 'conflict');
  assert.equal(again.booking.id, b.id);
  expectStatus(await book('parent2', a.id), 201);
  expectStatus(await c.parent.post(`/api/v1/bookings/${b.id}/cancel`), 200);
  const re = expectStatus(await book('parent', a.id), 201).json;
  assert.equal(re.id, b.id, 'the same booking row');
  assert.equal(re.status, 'waiting', 'parent2 took the freed seat; parent waits now');
  assert.ok(re.arrival > b.arrival);
  // someone else's booking cannot be cancelled: it is not theirs to see
  expectError(await c.parent3.post(`/api/v1/bookings/${b.id}/cancel`), 404, 'not_found');
});

test('the audience must fit the role: parents for parents, volunteers for volunteers, anyone for all', async () => {
  const forParents = await make({ capacity: 5 });
  const e = expectError(await book('volunteer', forParents.id), 403, 'forbidden');
  assert.match(e.message, /parents|家长/i);
  const forVolunteers = await make({ kind: 'volunteer_service', audience: 'volunteers', capacity: 5 });
  expectError(await book('parent', forVolunteers.id), 403, 'forbidden');
  expectStatus(await book('volunteer', forVolunteers.id), 201);
  const forAll = await make({ kind: 'culture_day', audience: 'all', capacity: 5 });
  expectStatus(await book('volunteer', forAll.id), 201);
  expectStatus(await book('parent', forAll.id), 201);
});

test('booking only inside its window; cancellation only until the deadline (409)', async () => {
  const now = Date.now();
  const later = await make({ booking_opens: iso(now + H), booking_closes: iso(now + 90 * 60 * 1000) });
  const e1 = expectError(await book('parent', later.id), 409, 'conflict');
  assert.match(e1.message, /open|开放|开始/i);
  const closed = await make({ booking_opens: iso(now - 2 * H), booking_closes: iso(now - H) });
  expectError(await book('parent', closed.id), 409, 'conflict');
  const strict = await make({ booking_opens: iso(now - H), cancel_until: iso(now - 60 * 1000), capacity: 3 });
  const b = expectStatus(await book('parent', strict.id), 201).json;
  const e2 = expectError(await c.parent.post(`/api/v1/bookings/${b.id}/cancel`), 409, 'conflict');
  assert.ok(e2.message.length > 0);
  assert.equal(expectStatus(await c.parent.get(`/api/v1/activities/${strict.id}`), 200).json.my_booking.status, 'booked');
});

test('check-in: a wrong code is 422, out of time or waiting is 409; the right code or the organiser checks in', async () => {
  const now = Date.now();
  const a = await make({ starts_at: iso(now + 30 * 60 * 1000), ends_at: iso(now + 2 * H), capacity: 1 });
  expectStatus(await book('parent', a.id), 201);
  expectStatus(await book('parent2', a.id), 201); // waiting
  const seen = expectStatus(await c.parent.get(`/api/v1/activities/${a.id}`), 200).json;
  assert.equal(seen.checkin_code, undefined, 'a participant never sees the code');
  const wrong = a.checkin_code === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
  const e = expectError(await c.parent.post(`/api/v1/activities/${a.id}/checkin`, { code: wrong }), 422, 'invalid');
  assert.match(e.message, /^code /);
  assert.match(expectError(await c.parent.post(`/api/v1/activities/${a.id}/checkin`, {}), 422, 'invalid').message, /^code /);
  expectError(await c.parent2.post(`/api/v1/activities/${a.id}/checkin`, { code: a.checkin_code }), 409, 'conflict');
  expectError(await c.parent3.post(`/api/v1/activities/${a.id}/checkin`, { code: a.checkin_code }), 409, 'conflict');
  const ok = expectStatus(await c.parent.post(`/api/v1/activities/${a.id}/checkin`, { code: a.checkin_code.toLowerCase() }), 200).json;
  assert.equal(ok.status, 'attended');
  assert.equal(ok.checked_in_by, 'parent');
  assert.ok(ok.checked_in_at);
  // too early: starts in three hours
  const early = await make({ starts_at: iso(now + 3 * H), ends_at: iso(now + 4 * H) });
  const eb = expectStatus(await book('parent', early.id), 201).json;
  expectError(await c.parent.post(`/api/v1/activities/${early.id}/checkin`, { code: early.checkin_code }), 409, 'conflict');
  expectError(await c.liaison.post(`/api/v1/bookings/${eb.id}/checkin`), 409, 'conflict');
  // the organiser from the list (the parent may not)
  const soon = await make({ starts_at: iso(now + 20 * 60 * 1000), ends_at: iso(now + H) });
  const sb = expectStatus(await book('parent3', soon.id), 201).json;
  expectError(await c.parent3.post(`/api/v1/bookings/${sb.id}/checkin`), 403, 'forbidden');
  const byOrg = expectStatus(await c.liaison.post(`/api/v1/bookings/${sb.id}/checkin`), 200).json;
  assert.equal(byOrg.status, 'attended');
  assert.equal(byOrg.checked_in_by, 'liaison');
});

test('organiser-only routes refuse a parent (403), and pages send a parent to the phone page', async () => {
  const a = await make();
  expectError(await c.parent.get(`/api/v1/activities/${a.id}/bookings`), 403, 'forbidden');
  expectError(await c.parent.patch(`/api/v1/activities/${a.id}`, { title: 'x' }), 403, 'forbidden');
  expectError(await c.parent.post(`/api/v1/activities/${a.id}/close`), 403, 'forbidden');
  expectError(await c.parent.post(`/api/v1/activities/${a.id}/cancel`), 403, 'forbidden');
  expectError(await c.parent.post('/api/v1/activities', { title: 'x' }), 403, 'forbidden');
  // a liaison of the school cannot manage the county's activity (they see it)
  const county = await make({ org: '653121' }, 'shufu');
  expectStatus(await c.liaison.get(`/api/v1/activities/${county.id}`), 200);
  expectError(await c.liaison.post(`/api/v1/activities/${county.id}/close`), 403, 'forbidden');
  const p = await page(srv.url, `/activities/${a.id}`, { cookie: sess.parent.cookie });
  assert.equal(p.status, 303);
  assert.equal(p.headers.location, `/m/activities/${a.id}`);
  expectStatus(await page(srv.url, '/activities/new', { cookie: sess.parent.cookie }), 403);
  const org = expectStatus(await page(srv.url, `/activities/${a.id}`, { cookie: sess.liaison.cookie }), 200);
  assert.ok(org.text.includes(a.checkin_code), 'the organiser page shows the code');
});

test('near: a 和田 parent sees neither 疏附 school activities nor lists them; the region’s reach everyone', async () => {
  const a = await make();
  expectError(await c['hotan-parent'].get(`/api/v1/activities/${a.id}`), 404, 'not_found');
  expectError(await book('hotan-parent', a.id), 404, 'not_found');
  expectError(await c.hotan.get(`/api/v1/activities/${a.id}`), 404, 'not_found');
  expectStatus(await page(srv.url, `/m/activities/${a.id}`, { cookie: sess['hotan-parent'].cookie }), 404);
  const region = await make({ org: '650000', title: '自治区家长讲座（测试）', place: '', online_url: 'https://example.org/live', capacity: 500 }, 'admin');
  expectStatus(await c['hotan-parent'].get(`/api/v1/activities/${region.id}`), 200);
  expectStatus(await book('hotan-parent', region.id), 201);
  const seen = await listAll(c['hotan-parent'], '/api/v1/activities?limit=200');
  assert.ok(seen.some((x) => x.id === region.id));
  assert.ok(!seen.some((x) => x.org.startsWith('653121')), 'no 疏附 activity in a 和田 parent’s list');
  assert.ok(seen.every((x) => ['650000', '653200', '653221', HOTAN_SCHOOL].includes(x.org)), seen.map((x) => x.org).join(' '));
  // a prefecture official sees the county's school activities, the county sees its own
  expectStatus(await c.kashgar.get(`/api/v1/activities/${a.id}`), 200);
  const mine = await listAll(c.parent, `/api/v1/activities?org=${SCHOOL}&limit=200`);
  assert.ok(mine.some((x) => x.id === a.id));
  expectError(await c['hotan-parent'].get(`/api/v1/activities?org=${SCHOOL}`), 404, 'not_found');
});

async function valueOf(indicator, org, period) {
  const r = expectStatus(await c.admin.get(`/api/v1/values?indicator=${indicator}&org=${org}&period=${period}`), 200).json;
  return r.value ?? 0;
}

test('check-in and close feed the dashboard figures: households, activities held, low participation', async () => {
  const start = Date.now() + 2500;
  const period = monthOf(start);
  const before = {};
  for (const [ind, org] of [['activities_held', SCHOOL], ['activities_low_participation', SCHOOL], ['parent_households_participating', SCHOOL], ['activities_held', '653121']]) {
    before[`${ind}@${org}`] = await valueOf(ind, org, period);
  }
  const a = await make({ starts_at: iso(start), ends_at: iso(start + H), capacity: 4, community_resource: true });
  const b = expectStatus(await book('parent5', a.id), 201).json; // a household new this year
  expectError(await c.liaison.post(`/api/v1/activities/${a.id}/close`), 409, 'conflict'); // not started
  while (Date.now() < start + 200) await sleep(100);
  expectStatus(await c.liaison.post(`/api/v1/bookings/${b.id}/checkin`), 200);
  assert.equal(await valueOf('parent_households_participating', SCHOOL, period), before[`parent_households_participating@${SCHOOL}`] + 1, 'a new household this month');
  const closed = expectStatus(await c.liaison.post(`/api/v1/activities/${a.id}/close`), 200).json;
  assert.equal(closed.status, 'done');
  assert.equal(closed.attended, 1);
  assert.equal(await valueOf('activities_held', SCHOOL, period), before[`activities_held@${SCHOOL}`] + 1);
  assert.equal(await valueOf('activities_low_participation', SCHOOL, period), before[`activities_low_participation@${SCHOOL}`] + 1, '1 of 4 is under 60 %');
  assert.equal(await valueOf('activities_held', '653121', period), before['activities_held@653121'] + 1, 'rolled up to the county');
  const used = await valueOf('community_resources_used', '653121', period.slice(0, 4));
  assert.ok(used >= 1, `community resources used: ${used}`);
  // attendance is fixed now
  expectError(await c.liaison.post(`/api/v1/bookings/${b.id}/checkin`), 409, 'conflict');
  expectError(await c.liaison.post(`/api/v1/activities/${a.id}/close`), 409, 'conflict');
  expectError(await c.liaison.patch(`/api/v1/activities/${a.id}`, { title: '改名' }), 409, 'conflict');
});

test('bad input is 422 naming the field, nothing is written; bad JSON 400; unknown fields 422', async () => {
  const now = Date.now();
  const base = { org: SCHOOL, kind: 'parent_class', title: '坏输入测试', place: '礼堂', starts_at: iso(now + 2 * H), ends_at: iso(now + 3 * H), capacity: 10 };
  const cases = [
    [{ title: undefined }, 'title'], [{ title: '' }, 'title'], [{ capacity: 0 }, 'capacity'], [{ capacity: '3' }, 'capacity'],
    [{ capacity: 20000 }, 'capacity'], [{ kind: 'party' }, 'kind'], [{ starts_at: 'tomorrow' }, 'starts_at'],
    [{ starts_at: undefined }, 'starts_at'], [{ ends_at: iso(now + H) }, 'ends_at'],
    [{ booking_closes: iso(now + 2.5 * H) }, 'booking_closes'], [{ cancel_until: iso(now + 2.5 * H) }, 'cancel_until'],
    [{ booking_opens: iso(now + 2 * H), booking_closes: iso(now + H) }, 'booking_opens'],
    [{ online_url: 'javascript:alert(1)' }, 'online_url'], [{ place: '' }, 'place'], [{ audience: 'kids' }, 'audience'],
    [{ community_resource: 'yes' }, 'community_resource'], [{ org: 'bad code!' }, 'org'],
  ];
  for (const [patch, field] of cases) {
    const body = { ...base, ...patch };
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    const e = expectError(await c.liaison.post('/api/v1/activities', body), 422, 'invalid', field);
    assert.match(e.message, new RegExp(`^${field} `), `${field}: ${e.message}`);
  }
  expectError(await c.liaison.post('/api/v1/activities', { ...base, shoe_size: 42 }), 422, 'unknown_field');
  expectError(await c.liaison.post('/api/v1/activities', '{"title":'), 400, 'bad_json');
  expectError(await c.liaison.post('/api/v1/activities', { ...base, org: HOTAN_SCHOOL }), 404, 'not_found');
  const listed = await listAll(c.liaison, `/api/v1/activities?org=${SCHOOL}&limit=500`);
  assert.ok(!listed.some((x) => x.title === '坏输入测试'), 'nothing half-written');
  // query parameters
  expectError(await c.parent.get('/api/v1/activities?kind=party'), 400, 'bad_param');
  expectError(await c.parent.get('/api/v1/activities?limit=9999'), 400, 'bad_param');
  // a patch: capacity never below the seats booked
  const a = await make({ capacity: 2 });
  expectStatus(await book('parent', a.id), 201);
  expectStatus(await book('parent2', a.id), 201);
  const e = expectError(await c.liaison.patch(`/api/v1/activities/${a.id}`, { capacity: 1 }), 422, 'invalid');
  assert.match(e.message, /^capacity /);
  // the form names the field and keeps what was typed
  const form = await page(srv.url, '/activities', {
    method: 'POST', cookie: sess.liaison.cookie,
    form: { _csrf: sess.liaison.csrf, org: SCHOOL, kind: 'parent_class', title: '', place: '保留的地点', starts_at: '2030-01-01T10:00', ends_at: '2030-01-01T12:00', capacity: '10' },
  });
  assert.equal(form.status, 422);
  assert.ok(form.text.includes('title'), 'the field is named');
  assert.ok(form.text.includes('保留的地点'), 'the input is kept');
});

test('a larger capacity promotes the waiting list in order; cancelling the activity cancels its bookings', async () => {
  const a = await make({ capacity: 1 });
  expectStatus(await book('parent', a.id), 201);
  const w1 = expectStatus(await book('parent2', a.id), 201).json;
  const w2 = expectStatus(await book('parent3', a.id), 201).json;
  const p = expectStatus(await c.liaison.patch(`/api/v1/activities/${a.id}`, { capacity: 2 }), 200).json;
  assert.equal(p.booked, 2);
  assert.equal(p.waiting, 1);
  const list = await bookings(a.id);
  assert.equal(list.items.find((b) => b.id === w1.id).status, 'booked');
  assert.equal(list.items.find((b) => b.id === w2.id).position, 1);
  const cancelled = expectStatus(await c.liaison.post(`/api/v1/activities/${a.id}/cancel`), 200).json;
  assert.equal(cancelled.status, 'cancelled');
  assert.equal(cancelled.booked, 0);
  assert.ok((await bookings(a.id)).items.every((b) => b.status === 'cancelled'));
  expectError(await c.liaison.post(`/api/v1/activities/${a.id}/cancel`), 409, 'conflict');
  expectError(await book('parent4', a.id), 409, 'conflict');
});

test('phone pages: book, see my place, cancel, book again, check in with the code', async () => {
  const now = Date.now();
  const a = await make({ starts_at: iso(now + 30 * 60 * 1000), ends_at: iso(now + 2 * H), capacity: 1, title: '手机页测试' });
  const as = (who, p, form) => page(srv.url, p, form ? { method: 'POST', cookie: sess[who].cookie, form: { _csrf: sess[who].csrf, ...form } } : { cookie: sess[who].cookie });
  const home = expectStatus(await as('parent3', '/m'), 200);
  assert.ok(home.text.includes('手机页测试'), 'open for booking near me');
  assert.ok(home.text.includes('/m/courses'));
  assert.ok(!home.text.includes('/m/hours'), 'hours and points are for volunteers');
  assert.ok(expectStatus(await as('volunteer', '/m'), 200).text.includes('/m/points'));
  let r = await as('parent3', `/m/activities/${a.id}/book`, {});
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, `/m/activities/${a.id}?done=booked`);
  r = await as('parent4', `/m/activities/${a.id}/book`, {});
  assert.equal(r.headers.location, `/m/activities/${a.id}?done=waiting`);
  const mine = expectStatus(await as('parent4', '/m/bookings'), 200);
  assert.ok(mine.text.includes('手机页测试'));
  assert.match(mine.text, /bk-waiting/);
  const bk = expectStatus(await c.parent3.get('/api/v1/bookings'), 200).json.items.find((b) => b.activity === a.id);
  r = await as('parent3', `/m/bookings/${bk.id}/cancel`, {});
  assert.equal(r.status, 303);
  assert.equal((await bookings(a.id)).items.find((b) => b.user === 'parent4').status, 'booked', 'promoted');
  r = await as('parent3', `/m/activities/${a.id}/book`, {});
  assert.equal(r.headers.location, `/m/activities/${a.id}?done=waiting`);
  // check in with the code from the phone
  expectStatus(await as('parent4', '/m/checkin', { activity: String(a.id), code: 'ZZZZZZ' === a.checkin_code ? 'YYYYYY' : 'ZZZZZZ' }), 422);
  r = await as('parent4', '/m/checkin', { activity: String(a.id), code: a.checkin_code });
  assert.equal(r.status, 303);
  const shown = expectStatus(await as('parent4', `/m/activities/${a.id}?done=checked`), 200);
  assert.match(shown.text, /bk-attended/);
  // without the CSRF token a cookie write is refused
  const bad = await page(srv.url, `/m/activities/${a.id}/book`, { method: 'POST', cookie: sess.parent5.cookie, form: {} });
  assert.equal(bad.status, 403);
});

test('attendance and participation as Excel workbooks, for organisers only', async () => {
  const a = await make();
  expectStatus(await book('parent', a.id), 201);
  const fetchBytes = async (who, p) => {
    const res = await fetch(srv.url + p, { headers: { Authorization: `Bearer ${sess[who].token}`, 'X-Forwarded-For': DEFAULT_IP } });
    return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
  };
  const one = await fetchBytes('liaison', `/activities/${a.id}/attendance.xlsx`);
  assert.equal(one.status, 200);
  assert.equal(one.type, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.equal(one.body.readUInt32LE(0), 0x04034b50, 'a zip');
  assert.equal((await fetchBytes('parent', `/activities/${a.id}/attendance.xlsx`)).status, 403);
  const year = monthOf(Date.now()).slice(0, 4);
  const sum = await fetchBytes('shufu', `/activities/attendance.xlsx?org=653121&year=${year}`);
  assert.equal(sum.status, 200);
  assert.equal(sum.body.readUInt32LE(0), 0x04034b50);
  assert.equal((await fetchBytes('hotan', `/activities/attendance.xlsx?org=653121&year=${year}`)).status, 404);
});

test('the demo: parent and parent2 have upcoming bookings, parent2 one on a waiting list', async () => {
  const now = Date.now();
  const p1 = expectStatus(await c.parent.get('/api/v1/bookings'), 200).json.items;
  const p2 = expectStatus(await c.parent2.get('/api/v1/bookings'), 200).json.items;
  const upcoming = (l) => l.filter((b) => Date.parse(b.starts_at) > now && b.activity_status === 'open');
  assert.ok(upcoming(p1).some((b) => b.status === 'booked'), 'parent has an upcoming booking');
  assert.ok(upcoming(p2).some((b) => b.status === 'waiting' && b.position >= 1), 'parent2 waits somewhere');
  assert.ok(p1.some((b) => b.status === 'attended'), 'parent took part earlier this year');
  const open = await listAll(c.parent, '/api/v1/activities?open=1&limit=200');
  assert.ok(open.length >= 3, `bookable near the parent: ${open.length}`);
});
