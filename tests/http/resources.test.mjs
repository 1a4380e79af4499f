// Resources and packs (issue 4, items 2 and 3): the shared library, its
// validation (reach, kind attributes, dates), capacity that never goes below
// what is consumed — also under 20 concurrent pack creations, split over two
// server processes on PostgreSQL —, the pack's deliver → receive order, scope
// for every route, and the pages.
import assert from 'node:assert/strict';
import {
  test, before, after, startServer, api, page, login, client, expectStatus, expectError, items, listAll, IS_SQLITE,
} from './lib.mjs';

const HELPER = '6501020001'; // 乌鲁木齐市第一中学, helper-leader's school
const SCHOOL = '6531210001'; // 疏附县第一小学, a recipient school (leader, liaison, parent)
const YEAR = new Date().getFullYear();
const FROM = `${YEAR}-01-01`;
const TO = `${YEAR}-12-31`;

let srv, c = {};
before(async () => {
  srv = await startServer();
  for (const who of ['admin', 'kashgar', 'shufu', 'hotan', 'leader', 'liaison', 'parent', 'helper-leader', 'auditor']) {
    const s = await login(srv.url, who);
    c[who] = client(srv.url, { token: s.token });
    c[who].session = s;
  }
});
after(async () => {
  await srv?.stop();
});

// A valid new resource body, changed by `over`.
function body(over = {}) {
  return {
    provider: HELPER,
    kind: 'teacher_secondment',
    category: 'teachers',
    subject: '音乐',
    title: '音乐教师支教',
    capacity: 3,
    unit: 'teachers',
    available_from: FROM,
    available_to: TO,
    reach: ['653100'],
    attrs: { teachers: 3, months: 6 },
    ...over,
  };
}

async function create(who, over) {
  const r = await c[who].post('/api/v1/resources', body(over));
  expectStatus(r, 201, 'create resource');
  return r.json;
}

async function count(provider = HELPER) {
  return (await listAll(c.admin, `/api/v1/resources?provider=${provider}&limit=500`)).length;
}

async function packFor(who, resource, quantity = 1, over = {}) {
  return c[who].post('/api/v1/packs', {
    school: SCHOOL,
    year: YEAR,
    name: '疏附县第一小学音乐资源包',
    items: [{ resource, quantity }],
    ...over,
  });
}

test('the demo library: about 300 resources across kinds, reaching mostly the south, available this year', async () => {
  const all = await listAll(c.leader, '/api/v1/resources?limit=500');
  assert.ok(all.length >= 250 && all.length <= 350, `${all.length} demo resources`);
  const kinds = new Set(all.map((x) => x.kind));
  for (const k of ['teacher_secondment', 'course_pack', 'training', 'equipment', 'funds', 'volunteer_service']) {
    assert.ok(kinds.has(k), `a demo resource of kind ${k}`);
  }
  const south = all.filter((x) => x.reach.some((code) => /^65(31|32|29|30)/.test(code))).length;
  assert.ok(south > all.length / 2, `${south} of ${all.length} reach the south`);
  for (const x of all) {
    assert.ok(x.capacity > 0 && x.remaining === x.capacity, `resource ${x.id} capacity`);
    assert.ok(x.available_from >= `${YEAR}-01-01` && x.available_to <= `${YEAR}-12-31`, `resource ${x.id} dates`);
    assert.ok(['school', 'partner'].includes(x.provider.kind), `resource ${x.id} provider`);
  }
  // reach=CODE: every result reaches the county, its prefecture or the region
  const near = await listAll(c.leader, '/api/v1/resources?reach=653121&limit=500');
  assert.ok(near.length > 0 && near.length < all.length);
  for (const x of near) assert.ok(x.reach.some((code) => ['653121', '653100', '650000'].includes(code)), JSON.stringify(x.reach));
  const funds = items(expectStatus(await c.leader.get('/api/v1/resources?kind=funds&category=funds'), 200));
  assert.ok(funds.every((x) => x.kind === 'funds' && Number.isInteger(x.attrs.amount_fen)));
  const on = items(expectStatus(await c.leader.get(`/api/v1/resources?available_on=${YEAR}-01-15&limit=500`), 200));
  assert.ok(on.every((x) => x.available_from <= `${YEAR}-01-15` && x.available_to >= `${YEAR}-01-15`));
  expectError(await c.leader.get('/api/v1/resources?kind=spaceship'), 400, 'bad_param');
  expectError(await c.leader.get('/api/v1/resources?available_on=2026-02-30'), 400, 'bad_param');
  expectError(await c.leader.get('/api/v1/resources?reach=999999'), 400, 'bad_param');
});

test('create, get, list and patch a resource; every change is audited', async () => {
  const x = await create('helper-leader');
  assert.equal(x.provider.code, HELPER);
  assert.equal(x.capacity, 3);
  assert.equal(x.remaining, 3);
  assert.deepEqual(x.reach, ['653100']);
  assert.deepEqual(x.attrs, { months: 6, teachers: 3 });
  const got = expectStatus(await c.parent.get(`/api/v1/resources/${x.id}`), [403]);
  assert.equal(got.status, 403, 'a parent does not read the library');
  const seen = expectStatus(await c.hotan.get(`/api/v1/resources/${x.id}`), 200).json;
  assert.equal(seen.title, x.title, 'the library is shared: any reader sees it');
  const mine = await listAll(c.shufu, `/api/v1/resources?provider=${HELPER}&kind=teacher_secondment&subject=${encodeURIComponent('音乐')}`);
  assert.ok(mine.some((y) => y.id === x.id));
  const p = expectStatus(
    await c['helper-leader'].patch(`/api/v1/resources/${x.id}`, { title: '音乐教师支教（改）', capacity: 4, reach: ['653100', '653200'], available_to: `${YEAR}-10-31`, active: true }),
    200,
  ).json;
  assert.equal(p.title, '音乐教师支教（改）');
  assert.equal(p.capacity, 4);
  assert.equal(p.remaining, 4);
  assert.deepEqual(p.reach, ['653100', '653200']);
  assert.equal(p.available_to, `${YEAR}-10-31`);
  const audit = items(expectStatus(await c.auditor.get(`/api/v1/audit?object=resource:${x.id}`), 200));
  const actions = audit.map((a) => a.action);
  assert.ok(actions.includes('resource.create') && actions.includes('resource.update'), actions.join());
  const upd = audit.find((a) => a.action === 'resource.update');
  assert.equal(upd.before.capacity, 3);
  assert.equal(upd.after.capacity, 4);
  // a partner of the prefecture, by the prefecture's official
  const q = await create('kashgar', { provider: 'P0006', kind: 'volunteer_service', category: 'parent_education', subject: '', unit: 'hours', capacity: 120, attrs: { hours: 120 } });
  assert.equal(q.provider.kind, 'partner');
  // deactivation keeps it in the library, marked
  const off = expectStatus(await c.kashgar.patch(`/api/v1/resources/${q.id}`, { active: false }), 200).json;
  assert.equal(off.active, false);
  assert.ok(items(await c.kashgar.get(`/api/v1/resources?provider=P0006&active=0`)).some((y) => y.id === q.id));
  assert.ok(!items(await c.kashgar.get(`/api/v1/resources?provider=P0006&active=1`)).some((y) => y.id === q.id));
});

test('every kind is checked for its own attributes', async () => {
  const ok = {
    course_pack: { category: 'curriculum', subject: '数学', stage: 'primary', attrs: { format: '视频课程' } },
    training: { category: 'training', attrs: { hours: 24, category: '学科教学', seats: 40 } },
    equipment: { category: 'equipment', attrs: { kind: '体育器材', value_fen: 3000000 } },
    funds: { category: 'funds', unit: 'yuan', capacity: 50000, attrs: { amount_fen: 5000000 } },
    volunteer_service: { category: 'community', attrs: { hours: 80.5 } },
  };
  for (const [kind, over] of Object.entries(ok)) {
    const x = await create('admin', { kind, ...over });
    assert.equal(x.kind, kind);
    if (kind === 'course_pack') assert.deepEqual(x.attrs, { format: '视频课程', stage: 'primary', subject: '数学' });
  }
  const bad = [
    [{ attrs: { teachers: 3 } }, 'attrs.months'],
    [{ attrs: { teachers: 0, months: 6 } }, 'attrs.teachers'],
    [{ attrs: { teachers: 2, months: 6, colour: 'red' } }, 'attrs.colour'],
    [{ kind: 'equipment', category: 'equipment', attrs: { kind: '图书', value_fen: 12.5 } }, 'attrs.value_fen'],
    [{ kind: 'funds', category: 'funds', attrs: { amount_fen: '100' } }, 'attrs.amount_fen'],
    [{ kind: 'training', category: 'training', attrs: { hours: 8, category: '学科', seats: -1 } }, 'attrs.seats'],
    [{ kind: 'course_pack', category: 'curriculum', subject: '', attrs: { format: 'x', stage: 'kindergarten', subject: '数学' } }, 'attrs.stage'],
    [{ attrs: 'none' }, 'attrs'],
  ];
  for (const [over, field] of bad) {
    const before_ = await count();
    const e = expectError(await c.admin.post('/api/v1/resources', body(over)), 422, 'invalid', field);
    assert.ok(e.message.includes(field), `message names ${field}: ${e.message}`);
    assert.equal(await count(), before_, `nothing written for ${field}`);
  }
});

test('bad input answers 422 naming the field, and writes nothing', async () => {
  const cases = [
    [{ reach: ['653100', '999999'] }, 'reach', '999999'],
    [{ reach: [SCHOOL] }, 'reach', SCHOOL],
    [{ reach: [] }, 'reach'],
    [{ reach: '653100' }, 'reach'],
    [{ capacity: 0 }, 'capacity'],
    [{ capacity: 'three' }, 'capacity'],
    [{ available_from: `${YEAR}-12-01`, available_to: `${YEAR}-01-01` }, 'available_to'],
    [{ available_from: `${YEAR}-02-30` }, 'available_from'],
    [{ kind: 'spaceship' }, 'kind'],
    [{ category: 'music' }, 'category'],
    [{ title: '' }, 'title'],
    [{ subject: '' }, 'subject'],
    [{ provider: SCHOOL }, 'provider'], // a recipient school offers nothing
    [{ provider: '653121' }, 'provider'], // nor does a county
  ];
  const before_ = await count();
  for (const [over, field, word] of cases) {
    const e = expectError(await c.admin.post('/api/v1/resources', body(over)), 422, 'invalid', field);
    assert.ok(e.message.startsWith(field), `${field}: ${e.message}`);
    if (word) assert.ok(e.message.includes(word), `names ${word}: ${e.message}`);
  }
  expectError(await c.admin.post('/api/v1/resources', { ...body(), colour: 'red' }), 422, 'unknown_field');
  expectError(await c.admin.post('/api/v1/resources', '{"provider":'), 400, 'bad_json');
  assert.equal(await count(), before_, 'nothing written');
  assert.equal(await count(SCHOOL), 0);
  const x = await create('admin');
  for (const [patch, field] of [[{ capacity: -1 }, 'capacity'], [{ reach: ['000001'] }, 'reach'], [{ available_to: `${YEAR - 1}-01-01` }, 'available_to'], [{ active: 'yes' }, 'active'], [{ title: '' }, 'title']]) {
    expectError(await c.admin.patch(`/api/v1/resources/${x.id}`, patch), 422, 'invalid', field);
  }
  expectError(await c.admin.patch(`/api/v1/resources/${x.id}`, { kind: 'funds' }), 422, 'unknown_field');
  const same = expectStatus(await c.admin.get(`/api/v1/resources/${x.id}`), 200).json;
  assert.deepEqual({ ...same, updated_at: 0 }, { ...x, updated_at: 0 }, 'a refused patch changes nothing');
});

test('scope: resource.write reaching the provider; others 404 (outside) or 403 (no capability)', async () => {
  // a county official cannot offer for a provider outside the county
  expectStatus(await c.shufu.post('/api/v1/resources', body()), 404);
  expectStatus(await c.hotan.post('/api/v1/resources', body({ provider: 'P0006' })), 404);
  expectStatus(await c.leader.post('/api/v1/resources', body()), 404);
  expectStatus(await c.shufu.post('/api/v1/resources', body({ provider: 'P9999' })), 404);
  // a parent and an auditor hold no resource.write
  expectError(await c.parent.post('/api/v1/resources', body()), 403);
  expectError(await c.auditor.post('/api/v1/resources', body()), 403);
  expectError(await c.parent.get('/api/v1/resources'), 403);
  expectStatus(await c.auditor.get('/api/v1/resources?limit=1'), 200);
  const x = await create('helper-leader');
  // visible to all readers, changed only by the provider's side
  expectError(await c.shufu.patch(`/api/v1/resources/${x.id}`, { title: 'x' }), 403, 'forbidden');
  expectError(await c.leader.patch(`/api/v1/resources/${x.id}`, { title: 'x' }), 403, 'forbidden');
  expectError(await c.parent.patch(`/api/v1/resources/${x.id}`, { title: 'x' }), 403);
  expectStatus(await c.admin.patch(`/api/v1/resources/${x.id}`, { title: '区级修改' }), 200);
  expectStatus(await c.admin.get('/api/v1/resources/999999'), 404);
  expectStatus(await c.admin.patch('/api/v1/resources/999999', { title: 'x' }), 404);
  expectStatus(await c.admin.get('/api/v1/resources/abc'), 404);
});

test('capacity never goes below what packs have consumed', async () => {
  const x = await create('helper-leader', { capacity: 5, attrs: { teachers: 5, months: 6 } });
  const p = expectStatus(await packFor('helper-leader', x.id, 3), 201).json;
  assert.equal(p.status, 'draft');
  assert.equal(p.items[0].quantity, 3);
  let now = expectStatus(await c.admin.get(`/api/v1/resources/${x.id}`), 200).json;
  assert.equal(now.remaining, 2);
  assert.equal(now.consumed, 3);
  const e = expectError(await c['helper-leader'].patch(`/api/v1/resources/${x.id}`, { capacity: 2 }), 422, 'invalid');
  assert.match(e.message, /^capacity/);
  now = expectStatus(await c['helper-leader'].patch(`/api/v1/resources/${x.id}`, { capacity: 3 }), 200).json;
  assert.equal(now.remaining, 0);
  const full = expectError(await packFor('helper-leader', x.id, 1), 409, 'capacity');
  assert.ok(full.message.includes(String(x.id)), `409 names the resource: ${full.message}`);
  now = expectStatus(await c['helper-leader'].patch(`/api/v1/resources/${x.id}`, { capacity: 10 }), 200).json;
  assert.equal(now.remaining, 7);
  assert.equal(now.capacity, 10);
  // two items, the second too big: all or nothing
  const y = await create('helper-leader', { capacity: 1, attrs: { teachers: 1, months: 3 } });
  const packsBefore = (await listAll(c.admin, `/api/v1/packs?school=${SCHOOL}`)).length;
  expectError(
    await packFor('helper-leader', x.id, 1, { items: [{ resource: x.id, quantity: 2 }, { resource: y.id, quantity: 2 }] }),
    409,
    'capacity',
  );
  assert.equal(expectStatus(await c.admin.get(`/api/v1/resources/${x.id}`), 200).json.remaining, 7, 'first item rolled back');
  assert.equal((await listAll(c.admin, `/api/v1/packs?school=${SCHOOL}`)).length, packsBefore, 'no pack written');
});

test('20 concurrent pack creations for a capacity of 5: exactly 5 succeed', async () => {
  // on PostgreSQL a second server process on the same database takes half the requests
  const other = IS_SQLITE ? null : await startServer({ db: srv.db });
  try {
    const x = await create('helper-leader', { capacity: 5, attrs: { teachers: 5, months: 12 } });
    const tokens = [c['helper-leader'].session.token];
    let second;
    if (other) {
      second = client(other.url, { token: (await login(other.url, 'helper-leader')).token });
    }
    const first = client(srv.url, { token: tokens[0] });
    const calls = [];
    for (let i = 0; i < 20; i++) {
      const cl = other && i % 2 ? second : first;
      calls.push(cl.post('/api/v1/packs', { school: SCHOOL, year: YEAR, name: `并发资源包 ${i}`, items: [{ resource: x.id, quantity: 1 }] }));
    }
    const res = await Promise.all(calls);
    const statuses = res.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 5, `statuses: ${statuses.join(',')}`);
    assert.equal(statuses.filter((s) => s === 409).length, 15, `statuses: ${statuses.join(',')}`);
    const now = expectStatus(await c.admin.get(`/api/v1/resources/${x.id}`), 200).json;
    assert.equal(now.remaining, 0);
    const packs = (await listAll(c.admin, `/api/v1/packs?school=${SCHOOL}&limit=500`)).filter((p) => p.items.some((it) => it.resource.id === x.id));
    assert.equal(packs.length, 5);
  } finally {
    await other?.stop();
  }
});

test('a pack is delivered by a provider, then received by the school, in that order', async () => {
  const x = await create('helper-leader', { capacity: 2, attrs: { teachers: 2, months: 6 } });
  const p = expectStatus(await packFor('shufu', x.id, 1), 201).json; // the county builds it
  assert.equal(p.school.code, SCHOOL);
  assert.equal(p.created_by, 'shufu');
  expectError(await c.liaison.post(`/api/v1/packs/${p.id}/receive`), 409, 'conflict'); // not delivered yet
  expectError(await c.leader.post(`/api/v1/packs/${p.id}/deliver`), 403, 'forbidden'); // not a provider
  expectStatus(await c.hotan.post(`/api/v1/packs/${p.id}/deliver`), 404); // cannot see it
  expectError(await c.parent.post(`/api/v1/packs/${p.id}/deliver`), 403);
  const d = expectStatus(await c['helper-leader'].post(`/api/v1/packs/${p.id}/deliver`), 200).json;
  assert.equal(d.status, 'delivered');
  assert.equal(d.delivered_by, 'helper-leader');
  assert.ok(d.delivered_at > 0);
  expectError(await c['helper-leader'].post(`/api/v1/packs/${p.id}/deliver`), 409, 'conflict');
  expectError(await c['helper-leader'].post(`/api/v1/packs/${p.id}/receive`), 403, 'forbidden');
  expectError(await c.parent.post(`/api/v1/packs/${p.id}/receive`), 403);
  const rcv = expectStatus(await c.liaison.post(`/api/v1/packs/${p.id}/receive`), 200).json;
  assert.equal(rcv.status, 'received');
  assert.equal(rcv.received_by, 'liaison');
  expectError(await c.liaison.post(`/api/v1/packs/${p.id}/receive`), 409, 'conflict');
  expectError(await c['helper-leader'].post(`/api/v1/packs/${p.id}/deliver`), 409, 'conflict');
  const audit = items(expectStatus(await c.auditor.get(`/api/v1/audit?object=pack:${p.id}`), 200)).map((a) => a.action);
  for (const a of ['pack.create', 'pack.deliver', 'pack.receive']) assert.ok(audit.includes(a), audit.join());
});

test('pack scope and validation', async () => {
  const x = await create('helper-leader', { capacity: 10, attrs: { teachers: 10, months: 6 } });
  const p = expectStatus(await packFor('helper-leader', x.id, 1), 201).json;
  // readers through the school or through the provider; others 404, parents 403
  for (const who of ['admin', 'kashgar', 'shufu', 'leader', 'liaison', 'helper-leader']) {
    expectStatus(await c[who].get(`/api/v1/packs/${p.id}`), 200, who);
  }
  expectStatus(await c.hotan.get(`/api/v1/packs/${p.id}`), 404);
  expectError(await c.parent.get(`/api/v1/packs/${p.id}`), 403);
  expectError(await c.parent.get('/api/v1/packs'), 403);
  assert.ok(!(await listAll(c.hotan, '/api/v1/packs?limit=500')).some((k) => k.id === p.id), 'not in hotan\'s list');
  assert.ok((await listAll(c.shufu, '/api/v1/packs?limit=500')).some((k) => k.id === p.id), 'in shufu\'s list');
  expectStatus(await c.admin.get('/api/v1/packs/999999'), 404);
  // creating: outside reach 404, seen but not writable 403
  expectStatus(await packFor('hotan', x.id, 1), 404);
  expectError(await packFor('liaison', x.id, 1), 403);
  expectError(await packFor('leader', x.id, 1), 403, 'forbidden');
  // bad input: 422 naming the field, nothing consumed or written
  const before_ = (await listAll(c.admin, `/api/v1/packs?school=${SCHOOL}&limit=500`)).length;
  const south = await create('helper-leader', { reach: ['653200'] });
  const old = await create('helper-leader', { available_from: `${YEAR - 1}-01-01`, available_to: `${YEAR - 1}-12-31` });
  const cases = [
    [{ items: [{ resource: south.id, quantity: 1 }] }, 'items[0].resource', 'does not reach'],
    [{ items: [{ resource: old.id, quantity: 1 }] }, 'items[0].resource'],
    [{ items: [{ resource: x.id, quantity: -1 }] }, 'items[0].quantity'],
    [{ items: [{ resource: x.id, quantity: 1 }, { resource: 999999, quantity: 1 }] }, 'items[1].resource'],
    [{ items: [{ resource: x.id, quantity: 1, colour: 1 }] }, 'items[0].colour'],
    [{ items: [{ resource: x.id, quantity: 1, need: 999999 }] }, 'items[0].need'],
    [{ items: [] }, 'items'],
    [{ year: 1999 }, 'year'],
    [{ name: '' }, 'name'],
    [{ school: HELPER }, 'school'],
  ];
  for (const [over, field] of cases) {
    const e = expectError(await packFor('admin', x.id, 1, over), 422, 'invalid', field);
    assert.ok(e.message.startsWith(field), `${field}: ${e.message}`);
  }
  assert.equal(expectStatus(await c.admin.get(`/api/v1/resources/${x.id}`), 200).json.remaining, 9, 'nothing consumed');
  assert.equal((await listAll(c.admin, `/api/v1/packs?school=${SCHOOL}&limit=500`)).length, before_, 'no pack written');
  expectError(await c.admin.get('/api/v1/packs?status=lost'), 400, 'bad_param');
});

test('pages: the library, the form with per-kind fields, a resource, packs with CSRF buttons', async () => {
  const hl = c['helper-leader'].session;
  const list = await page(srv.url, '/resources?kind=teacher_secondment', { cookie: hl.cookie });
  expectStatus(list, 200);
  assert.match(list.text, /<table/);
  assert.match(list.text, /href="\/resources\/\d+"/);
  const form = await page(srv.url, '/resources/new', { cookie: hl.cookie });
  expectStatus(form, 200);
  for (const f of ['a_teacher_secondment_teachers', 'a_course_pack_format', 'a_training_seats', 'a_equipment_value_fen', 'a_funds_amount_fen', 'a_volunteer_service_hours']) {
    assert.ok(form.text.includes(`name="${f}"`), `form has ${f}`);
  }
  assert.ok(form.text.includes(`value="${HELPER}"`), 'the provider choice has the helper school');
  const fields = {
    _csrf: hl.csrf, provider: HELPER, kind: 'funds', category: 'funds', title: '图书室改造资金', capacity: '30000', unit: 'yuan',
    available_from: FROM, available_to: TO, reach: '653100', reach_codes: '653221', a_funds_amount_fen: '30000',
    a_teacher_secondment_teachers: 'ignored: another kind',
  };
  const made = await page(srv.url, '/resources', { method: 'POST', cookie: hl.cookie, form: fields });
  assert.equal(made.status, 303, made.text.slice(0, 300));
  const id = /\/resources\/(\d+)$/.exec(made.headers.location)[1];
  const x = expectStatus(await c.admin.get(`/api/v1/resources/${id}`), 200).json;
  assert.equal(x.attrs.amount_fen, 3000000, 'yuan in the form, fen in the record');
  assert.deepEqual(x.reach, ['653100', '653221']);
  const bad = await page(srv.url, '/resources', { method: 'POST', cookie: hl.cookie, form: { ...fields, a_funds_amount_fen: '' } });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /field-error/);
  assert.ok(bad.text.includes('图书室改造资金'), 'the form keeps what was typed');
  const noCsrf = await page(srv.url, '/resources', { method: 'POST', cookie: hl.cookie, form: { ...fields, _csrf: '' } });
  assert.equal(noCsrf.status, 403);
  const show = await page(srv.url, `/resources/${id}`, { cookie: hl.cookie });
  expectStatus(show, 200);
  assert.ok(show.text.includes(`action="/resources/${id}"`), 'the provider sees the edit form');
  const other = await page(srv.url, `/resources/${id}`, { cookie: c.leader.session.cookie });
  expectStatus(other, 200);
  assert.ok(!other.text.includes(`action="/resources/${id}"`), 'others do not');
  const edit = await page(srv.url, `/resources/${id}`, { method: 'POST', cookie: hl.cookie, form: { _csrf: hl.csrf, title: '图书室改造资金（二期）', capacity: '40000', available_from: FROM, available_to: TO, reach_codes: '653100', active: 'on' } });
  expectStatus(edit, 200);
  assert.equal(expectStatus(await c.admin.get(`/api/v1/resources/${id}`), 200).json.capacity, 40000);
  const editBad = await page(srv.url, `/resources/${id}`, { method: 'POST', cookie: hl.cookie, form: { _csrf: hl.csrf, title: 'x', capacity: '0', available_from: FROM, available_to: TO, reach_codes: '653100', active: 'on' } });
  assert.equal(editBad.status, 422);
  // packs
  const p = expectStatus(await packFor('helper-leader', Number(id), 1000), 201).json;
  const packs = await page(srv.url, '/packs', { cookie: c.liaison.session.cookie });
  expectStatus(packs, 200);
  assert.ok(packs.text.includes(`href="/packs/${p.id}"`));
  const mine = await page(srv.url, `/packs/${p.id}`, { cookie: hl.cookie });
  assert.ok(mine.text.includes(`action="/packs/${p.id}/deliver"`), 'deliver button for the provider');
  const theirs = await page(srv.url, `/packs/${p.id}`, { cookie: c.liaison.session.cookie });
  assert.ok(!theirs.text.includes('/deliver"') && !theirs.text.includes('/receive"'), 'no button for the school before delivery');
  assert.equal((await page(srv.url, `/packs/${p.id}/deliver`, { method: 'POST', cookie: hl.cookie, form: {} })).status, 403, 'CSRF');
  const dl = await page(srv.url, `/packs/${p.id}/deliver`, { method: 'POST', cookie: hl.cookie, form: { _csrf: hl.csrf } });
  assert.equal(dl.status, 303);
  const again = await page(srv.url, `/packs/${p.id}/deliver`, { method: 'POST', cookie: hl.cookie, form: { _csrf: hl.csrf } });
  assert.equal(again.status, 409);
  const ls = c.liaison.session;
  const now = await page(srv.url, `/packs/${p.id}`, { cookie: ls.cookie });
  assert.ok(now.text.includes(`action="/packs/${p.id}/receive"`), 'receive button for the school');
  const rc = await page(srv.url, `/packs/${p.id}/receive`, { method: 'POST', cookie: ls.cookie, form: { _csrf: ls.csrf } });
  assert.equal(rc.status, 303);
  assert.equal(expectStatus(await c.admin.get(`/api/v1/packs/${p.id}`), 200).json.status, 'received');
  expectStatus(await page(srv.url, `/packs/${p.id}`, { cookie: c.hotan.session.cookie }), 404);
  expectStatus(await page(srv.url, '/resources/new', { cookie: c.parent.session.cookie }), 403);
  expectStatus(await page(srv.url, '/resources', { cookie: c.parent.session.cookie }), 403);
});
