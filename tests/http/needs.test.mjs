// Needs (需求清单): filing through the API and the pages, the status flow and its
// 409s, scope (a county never sees another county's needs), the parent refused,
// needs derived from the portrait (with the figure, idempotent, also by the CLI),
// bad input refused naming the field with nothing written, and the summary page.
import assert from 'node:assert/strict';
import {
  test, before, after, startServer, login, client, page, run, expectStatus, expectError, listAll,
} from './lib.mjs';

const SCHOOL = '6531210001'; // 疏附县第一小学 (leader, liaison, parent), county 653121
const HOTAN_SCHOOL = '6532210001'; // 和田县第一小学, county 653221
const HELPER = '6501020001'; // a helping school, not a recipient

let srv, admin, shufu, hotan, kashgar, liaison, parent, evaluator;
let sess = {};
before(async () => {
  srv = await startServer();
  for (const who of ['admin', 'shufu', 'hotan', 'kashgar', 'liaison', 'parent', 'evaluator']) {
    sess[who] = await login(srv.url, who);
  }
  admin = client(srv.url, sess.admin);
  shufu = client(srv.url, sess.shufu);
  hotan = client(srv.url, sess.hotan);
  kashgar = client(srv.url, sess.kashgar);
  liaison = client(srv.url, sess.liaison);
  parent = client(srv.url, sess.parent);
  evaluator = client(srv.url, sess.evaluator);
});
after(async () => {
  await srv?.stop();
});

// The server's year (Asia/Shanghai).
const YEAR = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();

const need = (extra = {}) => ({
  school: SCHOOL, category: 'teachers', subject: '美术', quantity: 1, unit: 'teachers', priority: 4,
  wanted_by: `${YEAR}-09-01`, description: '美术教师一名', ...extra,
});

// A cookie session's page request (form posts carry the CSRF token).
const get = (who, p) => page(srv.url, p, { cookie: sess[who].cookie });
const postForm = (who, p, form, { csrf = true } = {}) =>
  page(srv.url, p, { method: 'POST', cookie: sess[who].cookie, form: csrf ? { _csrf: sess[who].csrf, ...form } : form });

const countFor = async (c, school) => (await listAll(c, `/api/v1/needs?school=${school}&limit=500`)).length;

test('file → list → patch through the legal path, every change audited with before and after', async () => {
  const res = expectStatus(await liaison.post('/api/v1/needs', need()), 201);
  const n = res.json;
  assert.equal(n.status, 'open');
  assert.equal(n.source, 'filed');
  assert.equal(n.school, SCHOOL);
  assert.equal(n.year, YEAR);
  assert.equal(n.created_by, 'liaison');
  assert.deepEqual(n.next, ['matched', 'closed']);
  assert.equal(res.headers.location, `/api/v1/needs/${n.id}`);

  const mine = await listAll(liaison, `/api/v1/needs?school=${SCHOOL}&category=teachers&status=open`);
  assert.ok(mine.some((x) => x.id === n.id), 'the new need is in the filtered list');
  assert.ok(mine.every((x) => x.category === 'teachers' && x.status === 'open'), 'filters hold');
  const county = await listAll(shufu, `/api/v1/needs?org=653121&year=${YEAR}&limit=200`);
  assert.ok(county.some((x) => x.id === n.id), 'the county sees it in its subtree');
  expectStatus(await shufu.get(`/api/v1/needs/${n.id}`), 200);

  // fields, then the status flow open → matched → in_progress → met
  const p1 = expectStatus(await liaison.patch(`/api/v1/needs/${n.id}`, { quantity: 2, priority: 5 }), 200).json;
  assert.equal(p1.quantity, 2);
  assert.equal(p1.priority, 5);
  assert.equal(p1.status, 'open');
  for (const st of ['matched', 'in_progress', 'met']) {
    const p = expectStatus(await shufu.patch(`/api/v1/needs/${n.id}`, { status: st }), 200, st).json;
    assert.equal(p.status, st);
  }
  const done = expectStatus(await liaison.get(`/api/v1/needs/${n.id}`), 200).json;
  assert.equal(done.status, 'met');
  assert.deepEqual(done.next, []);

  const audit = expectStatus(await admin.get(`/api/v1/audit?object=need:${n.id}&limit=50`), 200).json.items;
  const actions = audit.map((a) => a.action).sort();
  assert.deepEqual(actions, ['need.create', 'need.status', 'need.status', 'need.status', 'need.update']);
  const toMet = audit.find((a) => a.action === 'need.status' && a.after && a.after.status === 'met');
  assert.ok(toMet, `an audit record of the change to met: ${JSON.stringify(audit).slice(0, 400)}`);
  assert.equal(toMet.before.status, 'in_progress');
  const upd = audit.find((a) => a.action === 'need.update');
  assert.equal(upd.before.quantity, 1);
  assert.equal(upd.after.quantity, 2);
});

test('an illegal status change answers 409 naming the allowed statuses; a final need cannot change', async () => {
  const n = expectStatus(await liaison.post('/api/v1/needs', need({ subject: '书法' })), 201).json;
  let e = expectError(await liaison.patch(`/api/v1/needs/${n.id}`, { status: 'met' }), 409, 'conflict');
  assert.match(e.message, /matched/);
  assert.match(e.message, /closed/);
  const r = await liaison.patch(`/api/v1/needs/${n.id}`, { status: 'dismissed' });
  expectError(r, 409, 'conflict');
  assert.deepEqual(r.json.error.allowed, ['matched', 'closed']);
  expectError(await liaison.patch(`/api/v1/needs/${n.id}`, { status: 'proposed' }), 409, 'conflict');
  expectStatus(await liaison.patch(`/api/v1/needs/${n.id}`, { status: 'closed' }), 200);
  const fin = await liaison.patch(`/api/v1/needs/${n.id}`, { status: 'open' });
  expectError(fin, 409, 'conflict');
  assert.deepEqual(fin.json.error.allowed, []);
  expectError(await liaison.patch(`/api/v1/needs/${n.id}`, { quantity: 9 }), 409, 'conflict');
  const after = expectStatus(await liaison.get(`/api/v1/needs/${n.id}`), 200).json;
  assert.equal(after.status, 'closed');
  assert.equal(after.quantity, 1);
  // an unknown status is bad input, not a conflict
  const e2 = expectError(await liaison.patch(`/api/v1/needs/${n.id}`, { status: 'done' }), 422);
  assert.match(e2.message, /status/);
});

test('scope: a county never sees or changes another county’s needs; lists never leak', async () => {
  const h = expectStatus(await hotan.post('/api/v1/needs', need({ school: HOTAN_SCHOOL, subject: '体育' })), 201).json;
  expectError(await shufu.get(`/api/v1/needs/${h.id}`), 404, 'not_found');
  expectError(await shufu.patch(`/api/v1/needs/${h.id}`, { status: 'closed' }), 404, 'not_found');
  expectError(await shufu.patch(`/api/v1/needs/${h.id}`, { priority: 'x' }), 404, 'not_found');
  expectError(await liaison.get(`/api/v1/needs/${h.id}`), 404, 'not_found');
  expectError(await shufu.get(`/api/v1/needs/999999`), 404, 'not_found');
  expectError(await shufu.get('/api/v1/needs?org=653221'), 404, 'not_found');
  expectError(await shufu.get(`/api/v1/needs?school=${HOTAN_SCHOOL}`), 404, 'not_found');
  // filing for a school out of reach: 404, like a school that does not exist
  expectError(await shufu.post('/api/v1/needs', need({ school: HOTAN_SCHOOL })), 404, 'not_found');
  expectError(await shufu.post('/api/v1/needs', need({ school: '6599999999' })), 404, 'not_found');
  expectStatus(await hotan.get(`/api/v1/needs/${h.id}`), 200);
  expectStatus(await kashgar.get(`/api/v1/needs?org=653121`), 200);
  expectError(await kashgar.get(`/api/v1/needs/${h.id}`), 404, 'not_found'); // 和田 is not in 喀什

  const all = await listAll(shufu, '/api/v1/needs?limit=100');
  assert.ok(all.length > 0);
  const bad = all.filter((x) => !x.school.startsWith('653121'));
  assert.deepEqual(bad.map((x) => x.school), [], 'shufu’s list holds only 653121 schools');
  const mineOnly = await listAll(liaison, '/api/v1/needs?limit=100');
  assert.ok(mineOnly.every((x) => x.school === SCHOOL), 'a liaison sees only their school');
  const regional = await listAll(admin, `/api/v1/needs?limit=500&year=${YEAR}`);
  assert.ok(regional.some((x) => x.id === h.id) && regional.length > all.length, 'the region sees all');

  // pages the same
  expectStatus(await get('shufu', `/needs/${h.id}`), 404);
  expectStatus(await postForm('shufu', `/needs/${h.id}/status`, { status: 'closed' }), 404);
  expectStatus(await get('shufu', '/needs/summary?org=653221'), 404);
  expectStatus(await get('shufu', `/needs/new?school=${HOTAN_SCHOOL}`), 404);
  const list = expectStatus(await get('shufu', '/needs?limit=500'), 200).text;
  assert.ok(!list.includes(HOTAN_SCHOOL), 'the list page does not show 和田县 schools');
});

test('a parent, an evaluator and a county outside reach are refused', async () => {
  const n = expectStatus(await liaison.post('/api/v1/needs', need({ subject: '舞蹈' })), 201).json;
  expectError(await parent.get('/api/v1/needs'), 403, 'forbidden');
  expectError(await parent.get(`/api/v1/needs/${n.id}`), 403, 'forbidden');
  expectError(await parent.post('/api/v1/needs', need()), 403, 'forbidden');
  expectError(await parent.patch(`/api/v1/needs/${n.id}`, { status: 'closed' }), 403, 'forbidden');
  expectError(await parent.post(`/api/v1/needs/derive?org=${SCHOOL}`), 403, 'forbidden');
  for (const p of ['/needs', '/needs/new', `/needs/${n.id}`, '/needs/summary']) {
    expectStatus(await get('parent', p), 403, p);
  }
  expectStatus(await postForm('parent', `/needs/${n.id}/status`, { status: 'closed' }), 403);
  expectStatus(await postForm('parent', '/needs', { school: SCHOOL, category: 'teachers', quantity: '1' }), 403);
  // an evaluator reads but does not write
  expectStatus(await evaluator.get(`/api/v1/needs/${n.id}`), 200);
  expectError(await evaluator.patch(`/api/v1/needs/${n.id}`, { status: 'closed' }), 403, 'forbidden');
  expectError(await evaluator.post('/api/v1/needs', need()), 403, 'forbidden');
  expectError(await evaluator.post(`/api/v1/needs/derive?org=653121`), 403, 'forbidden');
  // the need is unchanged
  assert.equal(expectStatus(await liaison.get(`/api/v1/needs/${n.id}`), 200).json.status, 'open');
  // and anonymous callers
  expectError(await page(srv.url, '/api/v1/needs', {}), 401, 'unauthenticated');
  assert.equal((await page(srv.url, '/needs', {})).status, 303);
});

test('bad input answers 422 naming the field, and nothing is written', async () => {
  const before = await countFor(liaison, SCHOOL);
  const cases = [
    [{ category: 'robots' }, 'category'],
    [{ category: undefined }, 'category'],
    [{ priority: 0 }, 'priority'],
    [{ priority: 6 }, 'priority'],
    [{ priority: 2.5 }, 'priority'],
    [{ quantity: 0 }, 'quantity'],
    [{ quantity: -3 }, 'quantity'],
    [{ quantity: '3' }, 'quantity'],
    [{ quantity: undefined }, 'quantity'],
    [{ wanted_by: '2026-02-30' }, 'wanted_by'],
    [{ wanted_by: '1.9.2026' }, 'wanted_by'],
    [{ wanted_by: 20260901 }, 'wanted_by'],
    [{ subject: 'x'.repeat(101) }, 'subject'],
    [{ unit: 'u'.repeat(33) }, 'unit'],
    [{ description: 'd'.repeat(2001) }, 'description'],
    [{ evidence: 'bad\u0001char' }, 'evidence'],
    [{ year: 1999 }, 'year'],
    [{ school: undefined }, 'school'],
    [{ school: 'not a code!' }, 'school'],
    [{ school: '653121' }, 'school'], // a county, not a school
  ];
  for (const [extra, field] of cases) {
    const body = need(extra);
    for (const k of Object.keys(extra)) if (extra[k] === undefined) delete body[k];
    const who = extra.school === '653121' ? shufu : liaison;
    const e = expectError(await who.post('/api/v1/needs', body), 422, undefined, JSON.stringify(extra).slice(0, 60));
    assert.ok(e.message.startsWith(field), `${JSON.stringify(extra).slice(0, 60)}: message names ${field}: ${e.message}`);
  }
  // a school that is not a recipient
  const e = expectError(await admin.post('/api/v1/needs', need({ school: HELPER })), 422, 'invalid');
  assert.match(e.message, /^school/);
  expectError(await liaison.post('/api/v1/needs', { ...need(), colour: 'red' }), 422, 'unknown_field');
  expectError(await liaison.post('/api/v1/needs', '{"school":'), 400, 'bad_json');
  assert.equal(await countFor(liaison, SCHOOL), before, 'nothing was written');

  // a patch with a bad field changes nothing
  const n = expectStatus(await liaison.post('/api/v1/needs', need({ subject: '陶艺' })), 201).json;
  for (const [body, field] of [[{ priority: 9 }, 'priority'], [{ quantity: 0, priority: 2 }, 'quantity'], [{ wanted_by: '2026-13-01' }, 'wanted_by'], [{ category: 'x' }, 'category']]) {
    const r = expectError(await liaison.patch(`/api/v1/needs/${n.id}`, body), 422);
    assert.ok(r.message.startsWith(field), r.message);
  }
  const same = expectStatus(await liaison.get(`/api/v1/needs/${n.id}`), 200).json;
  assert.equal(same.priority, 4);
  assert.equal(same.quantity, 1);
  expectError(await liaison.get('/api/v1/needs?status=done'), 400, 'bad_param');
  expectError(await liaison.get('/api/v1/needs?category=x'), 400, 'bad_param');
  expectError(await liaison.get('/api/v1/needs?limit=0'), 400, 'bad_param');
  expectError(await liaison.get('/api/v1/needs?cursor=abc'), 400, 'bad_param');
  expectError(await liaison.get('/api/v1/needs/abc'), 404);
});

test('needs derived from the portrait: proposed with the figure, idempotent, confirmed or dismissed', async () => {
  // the demo derived this year's needs already: running it again proposes nothing new
  const again = expectStatus(await admin.post(`/api/v1/needs/derive?org=650000&year=${YEAR}`), 200).json;
  assert.equal(again.proposed, 0, JSON.stringify(again));
  assert.ok(again.existing > 0, `the demo's derived needs are there: ${JSON.stringify(again)}`);
  const demo = await listAll(admin, `/api/v1/needs?status=proposed&year=${YEAR}&limit=500`);
  assert.ok(demo.length > 0 && demo.every((x) => x.source === 'derived' && x.rule_code && x.trigger_value !== null));

  // a school whose music/PE/art gap is 50 % in 2024
  const Y = 2024;
  expectStatus(await shufu.put('/api/v1/datavalues', [
    { org: SCHOOL, indicator: 'arts_posts_needed', period: String(Y), value: 10 },
    { org: SCHOOL, indicator: 'arts_posts_vacant', period: String(Y), value: 5 },
  ]), 200);
  // a liaison may derive for their own school but not for the county
  expectError(await liaison.post(`/api/v1/needs/derive?org=653121&year=${Y}`), 404, 'not_found');
  expectError(await hotan.post(`/api/v1/needs/derive?org=653121&year=${Y}`), 404, 'not_found');
  expectError(await shufu.post(`/api/v1/needs/derive?year=${Y}`), 400, 'bad_param');
  expectError(await shufu.post(`/api/v1/needs/derive?org=653121&year=20x4`), 400, 'bad_param');
  const c1 = expectStatus(await liaison.post(`/api/v1/needs/derive?org=${SCHOOL}&year=${Y}`), 200).json;
  assert.equal(c1.schools, 1);
  assert.ok(c1.rules >= 4, JSON.stringify(c1));
  assert.ok(c1.proposed >= 1, JSON.stringify(c1));
  const got = await listAll(liaison, `/api/v1/needs?school=${SCHOOL}&year=${Y}&status=proposed`);
  const arts = got.filter((x) => x.rule_code === 'arts_teacher_gap_high');
  assert.equal(arts.length, 1, JSON.stringify(got).slice(0, 300));
  const a = arts[0];
  assert.equal(a.source, 'derived');
  assert.equal(a.category, 'teachers');
  assert.equal(a.priority, 4);
  assert.equal(a.trigger_value, 50);
  assert.equal(a.trigger_period, String(Y));
  assert.equal(a.quantity, 5, 'the vacant posts');
  assert.match(a.description, /50\.0%/);
  assert.match(a.description, /15\.0%/);
  assert.deepEqual(a.next, ['open', 'dismissed']);
  const c2 = expectStatus(await shufu.post(`/api/v1/needs/derive?org=653121&year=${Y}`), 200).json;
  assert.ok(c2.existing >= c1.proposed, JSON.stringify(c2));
  const c3 = expectStatus(await liaison.post(`/api/v1/needs/derive?org=${SCHOOL}&year=${Y}`), 200).json;
  assert.equal(c3.proposed, 0, 'idempotent');
  assert.equal(c3.existing, c1.proposed);
  assert.equal((await listAll(liaison, `/api/v1/needs?school=${SCHOOL}&year=${Y}`)).filter((x) => x.rule_code === 'arts_teacher_gap_high').length, 1);

  // a person confirms one and dismisses another; a dismissed need is not proposed again
  expectStatus(await liaison.patch(`/api/v1/needs/${a.id}`, { status: 'open' }), 200);
  const other = got.find((x) => x.id !== a.id);
  if (other) expectStatus(await liaison.patch(`/api/v1/needs/${other.id}`, { status: 'dismissed' }), 200);
  const c4 = expectStatus(await liaison.post(`/api/v1/needs/derive?org=${SCHOOL}&year=${Y}`), 200).json;
  assert.equal(c4.proposed, 0);
  // the CLI verb, on the same database
  const cli = run(['needs', 'derive', '--db', srv.db, '--org', '653121', '--year', String(Y)]);
  assert.equal(cli.status, 0, cli.out);
  const counts = JSON.parse(cli.stdout.trim().split('\n').pop());
  assert.equal(counts.org, '653121');
  assert.equal(counts.year, Y);
  assert.ok(counts.schools >= 1 && counts.rules >= 4, cli.stdout);
  assert.notEqual(run(['needs', 'derive', '--db', srv.db, '--org', 'nope!']).status, 0);
  assert.notEqual(run(['needs', 'derive', '--db', srv.db, '--org', '653121', '--year', 'x']).status, 0);
  // a second CLI run proposes nothing
  const cli2 = JSON.parse(run(['needs', 'derive', '--db', srv.db, '--org', '653121', '--year', String(Y)]).stdout.trim());
  assert.equal(cli2.proposed, 0);
  // the derived need's page quotes the rule and the figure, with confirm/dismiss buttons for a proposed one
  const prop = (await listAll(shufu, `/api/v1/needs?org=653121&status=proposed&year=${YEAR}&limit=500`))[0];
  if (prop) {
    const html = expectStatus(await get('shufu', `/needs/${prop.id}`), 200).text;
    assert.ok(html.includes(prop.rule_code), 'the rule is named');
    assert.ok(html.includes('name=status value="open"') && html.includes('name=status value="dismissed"'), 'confirm and dismiss buttons');
  }
});

test('pages: list with filters, the form keeps input and names the field, status buttons, summary', async () => {
  const list = expectStatus(await get('liaison', `/needs?category=teachers&year=${YEAR}`), 200).text;
  assert.match(list, /疏附县第一小学/);
  assert.match(list, /<select name=category>/);
  expectStatus(await get('liaison', '/needs?status=bogus'), 400);
  const form = expectStatus(await get('liaison', `/needs/new?school=${SCHOOL}`), 200).text;
  assert.match(form, /name=quantity/);
  assert.ok(form.includes(`value="${SCHOOL}"`));
  expectStatus(await get('liaison', '/needs/new'), 200);

  const before = await countFor(liaison, SCHOOL);
  const bad = await postForm('liaison', '/needs', {
    school: SCHOOL, category: 'equipment', subject: '篮球架<b>', quantity: 'zwei', unit: 'sets', priority: '3', year: String(YEAR), wanted_by: '', description: '', evidence: '',
  });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /class=field-error/);
  assert.ok(bad.text.includes('value="篮球架&lt;b&gt;"'), 'the input is kept, escaped');
  const badDate = await postForm('liaison', '/needs', { school: SCHOOL, category: 'equipment', quantity: '2', priority: '3', wanted_by: '2026-02-31' });
  assert.equal(badDate.status, 422);
  assert.match(badDate.text, /wanted_by/);
  assert.equal(await countFor(liaison, SCHOOL), before, 'nothing written');
  expectStatus(await postForm('liaison', '/needs', { school: SCHOOL, category: 'equipment', quantity: '2' }, { csrf: false }), 403);

  const ok = await postForm('liaison', '/needs', {
    school: SCHOOL, category: 'equipment', subject: '篮球架', quantity: '2', unit: 'sets', priority: '2', year: String(YEAR), wanted_by: `${YEAR}-10-01`, description: '操场篮球架两副', evidence: '',
  });
  assert.equal(ok.status, 303, ok.text.slice(0, 300));
  const m = /^\/needs\/(\d+)$/.exec(ok.headers.location || '');
  assert.ok(m, `redirect to the need: ${ok.headers.location}`);
  const id = m[1];
  const show = expectStatus(await get('liaison', `/needs/${id}`), 200).text;
  assert.match(show, /篮球架/);
  assert.ok(show.includes(`action="/needs/${id}/status"`), 'status buttons');
  assert.ok(show.includes('value="matched"') && show.includes('value="closed"') && !show.includes('value="met"'), 'only the allowed moves');
  // a move the page did not offer
  const ill = await postForm('liaison', `/needs/${id}/status`, { status: 'met' });
  assert.equal(ill.status, 409);
  assert.match(ill.text, /matched/);
  expectStatus(await postForm('liaison', `/needs/${id}/status`, { status: 'matched' }, { csrf: false }), 403);
  const mv = await postForm('liaison', `/needs/${id}/status`, { status: 'matched' });
  assert.equal(mv.status, 303);
  assert.equal(expectStatus(await liaison.get(`/api/v1/needs/${id}`), 200).json.status, 'matched');
  expectStatus(await get('liaison', '/needs/999999'), 404);
  expectStatus(await get('liaison', '/needs/abc'), 404);

  // the summary of a county, a prefecture and the region: tables with charts
  for (const [who, org] of [['shufu', '653121'], ['kashgar', '653100'], ['admin', '650000'], ['shufu', '']]) {
    const s = expectStatus(await get(who, `/needs/summary${org ? `?org=${org}&year=${YEAR}` : ''}`), 200, `${who} ${org}`).text;
    assert.match(s, /data-chart="bar"/);
    assert.match(s, /id="by-category"/);
    assert.match(s, /id="by-unit"/);
    assert.match(s, /data-x="[^"]+" data-s="[^"]+" data-v="\d+"/);
    assert.match(s, /\/assets\/charts\.js/);
  }
  const sch = expectStatus(await get('liaison', `/needs/summary?org=${SCHOOL}`), 200).text;
  assert.ok(!sch.includes('id="by-unit"'), 'a school has no units below it');
  expectStatus(await get('shufu', '/needs/summary?year=99'), 400);
  expectStatus(await get('shufu', '/needs/summary?org=nope'), 404);
});
