// Supervision (督导, 约谈整改): a supervisor records a visit with rectification
// orders; bad input names the field with nothing written; a parent, a liaison or a
// school leader cannot record one (403) and another county cannot see it (404);
// the school's leader answers, the supervisor closes or reopens with a new
// deadline, and every illegal move answers 409 naming the allowed ones; overdue
// orders are listed up the tree (shufu and kashgar see 653121's, hotan does not);
// the pages with their forms, and the project page's section.
import assert from 'node:assert/strict';
import {
  test, before, after, startServer, login, client, page, expectStatus, expectError, listAll,
} from './lib.mjs';

const SCHOOL = '6531210001'; // 疏附县第一小学 (leader, liaison, parent), county 653121
const HOTAN_SCHOOL = '6532210001';

let srv;
const sess = {};
const c = {};
const WHO = ['admin', 'supervisor', 'shufu', 'kashgar', 'hotan', 'leader', 'liaison', 'parent', 'aksu'];

// today and other days in Asia/Shanghai, as the server counts them
const day = (offset = 0) => new Date(Date.now() + 8 * 3600 * 1000 + offset * 86400 * 1000).toISOString().slice(0, 10);

before(async () => {
  srv = await startServer();
  for (const who of WHO) {
    sess[who] = await login(srv.url, who);
    c[who] = client(srv.url, sess[who]);
  }
});
after(async () => {
  await srv?.stop();
});

const visit = (extra = {}) => ({
  org: SCHOOL, visited_on: day(-3), findings: '课表未按计划调整。', rating: 'fair',
  orders: [{ demand: '调整课表，开齐音体美课程。', deadline: day(20) }], ...extra,
});

const countVisits = async () => (await listAll(c.admin, '/api/v1/supervisions?limit=500')).length;

test('a supervisor records a visit with an order; who may, who sees it', async () => {
  const r = expectStatus(await c.supervisor.post('/api/v1/supervisions', visit()), 201);
  const v = r.json;
  assert.equal(r.headers.location, `/api/v1/supervisions/${v.id}`);
  assert.equal(v.org, SCHOOL);
  assert.equal(v.rating, 'fair');
  assert.equal(v.project, null);
  assert.equal(v.orders.length, 1);
  assert.equal(v.orders[0].status, 'open');
  assert.equal(v.orders[0].overdue, false);
  assert.deepEqual(v.orders[0].next, ['answer']);
  // the unit and those above see it; another county and another prefecture do not
  for (const who of ['leader', 'liaison', 'shufu', 'kashgar', 'admin']) expectStatus(await c[who].get(`/api/v1/supervisions/${v.id}`), 200, who);
  for (const who of ['hotan', 'aksu']) expectError(await c[who].get(`/api/v1/supervisions/${v.id}`), 404, 'not_found', who);
  assert.ok(!(await listAll(c.hotan, '/api/v1/supervisions?limit=500')).some((x) => x.id === v.id));
  // only supervision.write reaching the unit records a visit
  for (const who of ['parent', 'liaison', 'leader']) expectError(await c[who].post('/api/v1/supervisions', visit()), 403, 'forbidden', who);
  expectError(await c.hotan.post('/api/v1/supervisions', visit()), 404, 'not_found');
  expectError(await c.aksu.post(`/api/v1/supervisions/${v.id}/orders`, { demand: 'x', deadline: day(5) }), 404, 'not_found');
  expectError(await c.leader.post(`/api/v1/supervisions/${v.id}/orders`, { demand: 'x', deadline: day(5) }), 403, 'forbidden');
  // a county official may record one too (supervision.write at the county)
  expectStatus(await c.shufu.post('/api/v1/supervisions', visit({ orders: [] })), 201);
  const trail = expectStatus(await c.admin.get(`/api/v1/audit?object=supervision:${v.id}`), 200).json.items;
  assert.ok(trail.some((x) => x.action === 'supervision.create' && x.actor === 'supervisor'));
  const otrail = expectStatus(await c.admin.get(`/api/v1/audit?object=rectification:${v.orders[0].id}`), 200).json.items;
  assert.ok(otrail.some((x) => x.action === 'rectification.create'));
});

test('bad input → 422 naming the field, nothing written', async () => {
  const n0 = await countVisits();
  const cases = [
    [{ visited_on: day(1) }, 'visited_on'],
    [{ visited_on: '2026-13-01' }, 'visited_on'],
    [{ rating: 'great' }, 'rating'],
    [{ findings: '' }, 'findings'],
    [{ orders: [{ demand: '整改', deadline: day(-10) }] }, 'orders[0].deadline'],
    [{ orders: [{ demand: '', deadline: day(5) }] }, 'orders[0].demand'],
    [{ orders: [{ demand: 'x' }] }, 'orders[0].deadline'],
    [{ orders: 'x' }, 'orders'],
    [{ project: 'one' }, 'project'],
    [{ org: 7 }, 'org'],
  ];
  for (const [extra, field] of cases) {
    const e = expectError(await c.supervisor.post('/api/v1/supervisions', visit(extra)), 422, 'invalid', JSON.stringify(extra));
    assert.ok(e.message.startsWith(field + ' '), `${JSON.stringify(extra)}: "${e.message}" names ${field}`);
  }
  expectError(await c.supervisor.post('/api/v1/supervisions', visit({ org: 'NOPE12' })), 404, 'not_found');
  expectError(await c.supervisor.post('/api/v1/supervisions', visit({ grade: 1 })), 422, 'unknown_field');
  // a project the supervisor cannot see → 404; one seen but not there → 422 project
  const hotanProjects = await listAll(c.admin, `/api/v1/projects?school=${HOTAN_SCHOOL}&limit=100`);
  assert.ok(hotanProjects.length, 'a project of the hotan school');
  expectError(await c.supervisor.post('/api/v1/supervisions', visit({ project: hotanProjects[0].id })), 404, 'not_found');
  const e = expectError(await c.admin.post('/api/v1/supervisions', visit({ project: hotanProjects[0].id })), 422, 'invalid');
  assert.ok(e.message.startsWith('project '));
  assert.equal(await countVisits(), n0, 'nothing written');
  const v = expectStatus(await c.supervisor.post('/api/v1/supervisions', visit({ orders: [] })), 201).json;
  const oe = expectError(await c.supervisor.post(`/api/v1/supervisions/${v.id}/orders`, { demand: '整改', deadline: day(-4) }), 422, 'invalid');
  assert.ok(oe.message.startsWith('deadline '));
  expectError(await c.supervisor.post(`/api/v1/supervisions/${v.id}/orders`, { demand: 3, deadline: day(4) }), 422, 'invalid');
  assert.equal(expectStatus(await c.admin.get(`/api/v1/supervisions/${v.id}`), 200).json.orders.length, 0);
});

test('the order flow: answer, close, reopen; every illegal move → 409 naming the allowed ones', async () => {
  const v = expectStatus(await c.supervisor.post('/api/v1/supervisions', visit({
    orders: [{ demand: '一', deadline: day(10) }, { demand: '二', deadline: day(10) }],
  })), 201).json;
  const [o1, o2] = v.orders.map((o) => o.id);
  const move = (who, id, action, body) => c[who].post(`/api/v1/rectifications/${id}/${action}`, body);
  // open: only the unit answers
  let e = expectError(await move('supervisor', o1, 'close', {}), 409, 'conflict');
  assert.deepEqual(e.allowed, ['answer']);
  e = expectError(await move('supervisor', o1, 'reopen', { deadline: day(30) }), 409, 'conflict');
  assert.deepEqual(e.allowed, ['answer']);
  expectError(await move('supervisor', o1, 'answer', { response: 'x' }), 403, 'forbidden'); // no data.write
  expectError(await move('hotan', o1, 'answer', { response: 'x' }), 404, 'not_found');
  expectError(await move('parent', o1, 'answer', { response: 'x' }), 403, 'forbidden');
  const ea = expectError(await move('leader', o1, 'answer', { response: '' }), 422, 'invalid');
  assert.ok(ea.message.startsWith('response '));
  expectError(await move('leader', o1, 'answer', { colour: 1 }), 422, 'unknown_field');
  const a = expectStatus(await move('leader', o1, 'answer', { response: '已调整课表并报备。' }), 200).json;
  assert.equal(a.status, 'answered');
  assert.equal(a.responded_by, 'leader');
  assert.deepEqual(a.next, ['close', 'reopen']);
  // answered: the supervisor closes or reopens; a second answer is refused
  e = expectError(await move('leader', o1, 'answer', { response: '再答' }), 409, 'conflict');
  assert.deepEqual(e.allowed, ['close', 'reopen']);
  expectError(await move('leader', o1, 'close', {}), 403, 'forbidden');
  const closed = expectStatus(await move('supervisor', o1, 'close'), 200).json;
  assert.equal(closed.status, 'closed');
  assert.equal(closed.closed_by, 'supervisor');
  assert.deepEqual(closed.next, []);
  for (const [action, body] of [['close', {}], ['reopen', { deadline: day(30) }], ['answer', { response: 'x' }]]) {
    const who = action === 'answer' ? 'leader' : 'supervisor';
    e = expectError(await move(who, o1, action, body), 409, 'conflict', `${action} a closed order`);
    assert.deepEqual(e.allowed, [], 'a closed order is final');
  }
  // the other: answered by the liaison, reopened with a new deadline, answered again by the county
  expectStatus(await move('liaison', o2, 'answer', { response: '部分整改。' }), 200);
  const er = expectError(await move('supervisor', o2, 'reopen', { deadline: day(-1) }), 422, 'invalid');
  assert.ok(er.message.startsWith('deadline '));
  expectError(await move('supervisor', o2, 'reopen', {}), 422, 'invalid');
  const ro = expectStatus(await move('supervisor', o2, 'reopen', { deadline: day(40) }), 200).json;
  assert.equal(ro.status, 'open');
  assert.equal(ro.deadline, day(40));
  e = expectError(await move('supervisor', o2, 'reopen', { deadline: day(41) }), 409, 'conflict');
  assert.deepEqual(e.allowed, ['answer']);
  expectStatus(await move('shufu', o2, 'answer', { response: '全部整改完毕。' }), 200);
  expectStatus(await move('kashgar', o2, 'close', {}), 200);
  const trail = expectStatus(await c.admin.get(`/api/v1/audit?object=rectification:${o2}`), 200).json.items;
  const actions = trail.map((x) => x.action).sort();
  assert.deepEqual(actions, ['rectification.answer', 'rectification.answer', 'rectification.close', 'rectification.create', 'rectification.reopen'].sort());
  const rec = trail.find((x) => x.action === 'rectification.reopen');
  assert.equal(rec.before.status, 'answered');
  assert.equal(rec.after.status, 'open');
});

test('overdue orders are flagged up the tree: shufu and kashgar see 653121\'s, hotan does not', async () => {
  const v = expectStatus(await c.supervisor.post('/api/v1/supervisions', visit({
    visited_on: day(-30), orders: [{ demand: '逾期整改', deadline: day(-5) }],
  })), 201).json;
  const oid = v.orders[0].id;
  assert.equal(v.orders[0].overdue, true);
  const overdueOf = async (who, q = '') => expectStatus(await c[who].get(`/api/v1/rectifications?overdue=1&limit=500${q}`), 200).json;
  const s = await overdueOf('shufu');
  assert.ok(s.items.some((x) => x.id === oid), 'shufu sees it');
  assert.ok(s.items.every((x) => x.overdue && x.status === 'open'), 'only overdue ones');
  assert.equal(s.unit, '653121');
  const sc = s.by_unit.find((x) => x.org === SCHOOL);
  assert.ok(sc && sc.count >= 2, `counted under the school (demo's and this one): ${JSON.stringify(s.by_unit)}`);
  const k = await overdueOf('kashgar');
  assert.ok(k.items.some((x) => x.id === oid), 'kashgar sees it');
  assert.equal(k.unit, '653100');
  const kc = k.by_unit.find((x) => x.org === '653121');
  assert.ok(kc && kc.count === s.by_unit.reduce((n, x) => n + x.count, 0), 'kashgar counts it under the county');
  const h = await overdueOf('hotan');
  assert.ok(!h.items.some((x) => x.org === SCHOOL), 'hotan does not');
  assert.ok(!h.by_unit.some((x) => x.org === SCHOOL));
  const a = await overdueOf('admin');
  assert.ok(a.by_unit.some((x) => x.org === '653100'), 'the region sees it under the prefecture');
  // org filter, and the list's scope: hotan cannot ask for 653121
  const f = await overdueOf('kashgar', `&org=${SCHOOL}`);
  assert.ok(f.items.length >= 1 && f.items.every((x) => x.org === SCHOOL));
  expectError(await c.hotan.get('/api/v1/rectifications?org=653121'), 404, 'not_found');
  expectError(await c.hotan.get('/api/v1/rectifications?overdue=2'), 400, 'bad_param');
  // answering takes it off the overdue list
  expectStatus(await c.leader.post(`/api/v1/rectifications/${oid}/answer`, { response: '已整改。' }), 200);
  assert.ok(!(await overdueOf('shufu')).items.some((x) => x.id === oid));
  // the page: overdue orders with counts by the unit below
  const pg = expectStatus(await page(srv.url, '/supervisions?overdue=1', { cookie: sess.kashgar.cookie }), 200).text;
  assert.ok(pg.includes('id=by-unit') && pg.includes('?org=653121'), 'kashgar\'s page counts 653121');
  const hp = expectStatus(await page(srv.url, '/supervisions?overdue=1', { cookie: sess.hotan.cookie }), 200).text;
  assert.ok(!hp.includes(SCHOOL), 'hotan\'s page does not show the school');
});

test('the demo: visits across the prefectures, 6531210001 with one overdue and one answered order', async () => {
  const all = await listAll(c.admin, '/api/v1/rectifications?limit=500');
  const mine = all.filter((x) => x.org === SCHOOL && x.created_by === 'supervisor');
  assert.ok(mine.some((x) => x.status === 'open' && x.overdue), 'one open and overdue');
  assert.ok(mine.some((x) => x.status === 'answered'), 'one answered');
  const visits = await listAll(c.admin, '/api/v1/supervisions?limit=500');
  const prefs = new Set();
  for (const v of visits) {
    const o = expectStatus(await c.admin.get(`/api/v1/orgs/${v.org}`), 200).json;
    prefs.add(o.path[1]);
  }
  assert.ok(prefs.size >= 4, `visits in ${prefs.size} prefectures`);
});

test('pages: list, form (422 names the field), one visit with its forms, answer and close by form, the project section', async () => {
  const get = (who, p) => page(srv.url, p, { cookie: sess[who].cookie });
  const post = (who, p, form) => page(srv.url, p, { method: 'POST', cookie: sess[who].cookie, form: { _csrf: sess[who].csrf, ...form } });
  expectStatus(await get('supervisor', '/supervisions'), 200);
  expectStatus(await get('supervisor', `/supervisions/new?org=${SCHOOL}`), 200);
  expectStatus(await get('supervisor', `/supervisions/new?org=${HOTAN_SCHOOL}`), 404);
  expectStatus(await get('leader', '/supervisions/new'), 403);
  const fields = { org: SCHOOL, visited_on: day(-1), findings: '表单督导', rating: 'good', demand_1: '表单整改', deadline_1: day(9) };
  const bad = await post('supervisor', '/supervisions', { ...fields, visited_on: day(2) });
  assert.equal(bad.status, 422);
  assert.ok(bad.text.includes('visited_on') && bad.text.includes('表单督导'), 'names the field, keeps the input');
  const ok = expectStatus(await post('supervisor', '/supervisions', fields), 303);
  const id = Number(/\/supervisions\/(\d+)$/.exec(ok.headers.location)[1]);
  const v = expectStatus(await c.admin.get(`/api/v1/supervisions/${id}`), 200).json;
  assert.equal(v.orders.length, 1);
  const oid = v.orders[0].id;
  const asLeader = expectStatus(await get('leader', `/supervisions/${id}`), 200).text;
  assert.ok(asLeader.includes(`/rectifications/${oid}/answer`), 'the leader gets the answer form');
  assert.ok(!asLeader.includes(`/rectifications/${oid}/close`));
  expectStatus(await get('hotan', `/supervisions/${id}`), 404);
  expectStatus(await post('leader', `/rectifications/${oid}/answer`, { response: '表单答复' }), 303);
  const again = await post('leader', `/rectifications/${oid}/answer`, { response: '再答' });
  assert.equal(again.status, 409);
  const asSup = expectStatus(await get('supervisor', `/supervisions/${id}`), 200).text;
  assert.ok(asSup.includes(`/rectifications/${oid}/close`) && asSup.includes(`/rectifications/${oid}/reopen`));
  const badRe = await post('supervisor', `/rectifications/${oid}/reopen`, { deadline: day(-3) });
  assert.equal(badRe.status, 422);
  expectStatus(await post('supervisor', `/rectifications/${oid}/close`, {}), 303);
  assert.equal(expectStatus(await c.admin.get(`/api/v1/supervisions/${id}`), 200).json.orders[0].status, 'closed');
  const order = await post('supervisor', `/supervisions/${id}/orders`, { demand: '', deadline: day(3) });
  assert.equal(order.status, 422);
  expectStatus(await post('supervisor', `/supervisions/${id}/orders`, { demand: '新整改', deadline: day(3) }), 303);
  // a visit about a project shows on the project's page
  const projects = await listAll(c.supervisor, `/api/v1/projects?school=${SCHOOL}&limit=100`);
  const p = projects.find((x) => ['approved', 'in_progress', 'completed', 'accepted'].includes(x.status));
  assert.ok(p, 'a running project of the school');
  const pv = expectStatus(await c.supervisor.post('/api/v1/supervisions', visit({ project: p.id })), 201).json;
  assert.equal(pv.project, p.id);
  const listed = await listAll(c.shufu, `/api/v1/supervisions?project=${p.id}`);
  assert.ok(listed.some((x) => x.id === pv.id));
  const proj = expectStatus(await get('shufu', `/projects/${p.id}`), 200).text;
  assert.ok(proj.includes('id=supervision') && proj.includes(`/supervisions/${pv.id}`), 'the section lists the visit');
});
