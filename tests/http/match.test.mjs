// Matching (match.c): a run on a small hand-built scenario proposes the optimal
// set (where greedy would not); accepting updates the need and the capacity;
// deciding twice is 409; two servers on one database accepting two proposals that
// together exceed a resource's capacity → exactly one succeeds; scope of every
// route (right person 200, outside reach 404, missing capability 403); bad input;
// the page with its CSRF forms; the CLI.
import assert from 'node:assert/strict';
import { test, before, after, startServer, login, client, api, page, run, expectError, expectStatus } from './lib.mjs';

let srv, srv2, admin, shufu, hotan, kashgar, parent, auditor;
const YEAR = 2031; // no demo need is filed for this year
const day = (offset) => new Date(Date.now() + 8 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
const SA = '6531210001'; // 疏附县第一小学, county 653121, prefecture 653100
const SB = '6532210001'; // 和田县第一小学, county 653221, prefecture 653200
const PROVIDER = '6501020001';

async function need(c, school, subject, quantity, priority) {
  const r = await c.post('/api/v1/needs', {
    school, year: YEAR, category: 'teachers', subject, quantity, unit: '人', priority, wanted_by: day(60),
    description: 'matching test',
  });
  expectStatus(r, 201, `need ${school} ${subject}`);
  return r.json.id;
}

async function resource(c, subject, capacity, reach) {
  const r = await c.post('/api/v1/resources', {
    provider: PROVIDER, kind: 'teacher_secondment', category: 'teachers', subject, title: `支教 ${subject} ${reach.join(',')}`,
    capacity, unit: '人', available_from: day(-10), available_to: day(365), reach, attrs: { teachers: capacity, months: 6 },
  });
  expectStatus(r, 201, `resource ${subject}`);
  return r.json.id;
}

const pairs = (runJson) => runJson.proposals.map((p) => `${p.need.id}:${p.resource.id}:${p.quantity}`).sort();
const accept = (c, run, pid) => c.post(`/api/v1/match-runs/${run}/proposals/${pid}/accept`, {});

let nA, nB, nC, r1, r2, r3, run1;
before(async () => {
  srv = await startServer();
  srv2 = await startServer({ db: srv.db, init: false, demo: false });
  admin = client(srv.url, await login(srv.url, 'admin'));
  shufu = client(srv.url, await login(srv.url, 'shufu'));
  hotan = client(srv.url, await login(srv.url, 'hotan'));
  kashgar = client(srv.url, await login(srv.url, 'kashgar'));
  parent = client(srv.url, await login(srv.url, 'parent'));
  auditor = client(srv.url, await login(srv.url, 'auditor'));
  // Take the demo library out of the way: deactivate every resource a region run
  // for the test subjects could use.
  const pre = expectStatus(await admin.post('/api/v1/match-runs', { scope: '650000', year: YEAR }), 201, 'preliminary run');
  assert.ok(Array.isArray(pre.json.inputs.resources), 'the run shows its inputs');
  for (const x of pre.json.inputs.resources) {
    if (x.category === 'teachers' && ['', 'music', 'art'].includes(x.subject)) {
      expectStatus(await admin.patch(`/api/v1/resources/${x.id}`, { active: false }), 200, `deactivate ${x.id}`);
    }
  }
  // The greedy trap: A (priority 5, 653121) can take R1 (its county, +0.2) or R2
  // (its prefecture, +0.1); B (priority 4, 653221) only R1. Greedy gives R1 to A.
  nA = await need(admin, SA, 'music', 1, 5);
  nB = await need(admin, SB, 'music', 1, 4);
  r1 = await resource(admin, 'music', 1, ['653121', '653221']);
  r2 = await resource(admin, 'music', 1, ['653100']);
  // Capacity 1 for need C (2 wanted): two runs each propose 1.
  nC = await need(admin, SA, 'art', 2, 3);
  r3 = await resource(admin, 'art', 1, ['653121']);
});
after(async () => {
  await srv2?.stop();
  await srv?.stop();
});

test('a region run proposes the optimal set, with scores and reasons, where greedy falls short', async () => {
  const r = expectStatus(await admin.post('/api/v1/match-runs', { scope: '650000', year: YEAR }), 201);
  run1 = r.json;
  const mine = run1.proposals.filter((p) => [nA, nB, nC].includes(p.need.id));
  assert.deepEqual(
    mine.map((p) => `${p.need.id}:${p.resource.id}:${p.quantity}`).sort(),
    [`${nA}:${r2}:1`, `${nB}:${r1}:1`, `${nC}:${r3}:1`].sort(),
    JSON.stringify(mine.map((p) => [p.need.id, p.resource.id, p.quantity])),
  );
  assert.equal(mine.length, run1.proposals.length, 'no other proposal');
  // A–R2 = 5 + 0.1 (prefecture) + 0.1 (date), B–R1 = 4 + 0.2 + 0.1, C–R3 = 3 + 0.2 + 0.1
  assert.ok(Math.abs(run1.objective - (5.2 + 4.3 + 3.3)) < 1e-6, `objective ${run1.objective}`);
  assert.ok(Math.abs(run1.greedy_objective - (5.3 + 3.3)) < 1e-6, `greedy ${run1.greedy_objective}`);
  assert.ok(run1.gap_percent > 0);
  const pa = mine.find((p) => p.need.id === nA);
  assert.equal(pa.status, 'proposed');
  assert.deepEqual({ ...pa.reasons }, { priority: 5, continuity: 0, reach: 0.1, reach_level: 'prefecture', date: 0.1, score: 5.2 });
  assert.ok(Math.abs(pa.score - 5.2) < 1e-9);
  assert.equal(run1.params.units.includes('rounded down'), true);
  // the run is listed and readable
  const list = expectStatus(await admin.get('/api/v1/match-runs?scope=650000'), 200);
  assert.ok(list.json.items.some((x) => x.id === run1.id));
  const got = expectStatus(await admin.get(`/api/v1/match-runs/${run1.id}`), 200);
  assert.deepEqual(pairs(got.json), pairs(run1));
});

test('accept consumes capacity, raises the need, records the supply; deciding twice is 409', async () => {
  const pa = run1.proposals.find((p) => p.need.id === nA);
  const res = expectStatus(await accept(admin, run1.id, pa.id), 200);
  assert.equal(res.json.proposals.find((p) => p.id === pa.id).status, 'accepted');
  const n = expectStatus(await admin.get(`/api/v1/needs/${nA}`), 200).json;
  assert.equal(n.met_quantity, 1);
  assert.equal(n.status, 'matched');
  const rr = expectStatus(await admin.get(`/api/v1/resources/${r2}`), 200).json;
  assert.equal(rr.remaining, 0);
  expectError(await accept(admin, run1.id, pa.id), 409, 'conflict', 'accept twice');
  expectError(await admin.post(`/api/v1/match-runs/${run1.id}/proposals/${pa.id}/reject`, {}), 409, 'conflict', 'reject after accept');
  // reject B's proposal: nothing consumed
  const pb = run1.proposals.find((p) => p.need.id === nB);
  expectStatus(await admin.post(`/api/v1/match-runs/${run1.id}/proposals/${pb.id}/reject`, {}), 200);
  assert.equal(expectStatus(await admin.get(`/api/v1/resources/${r1}`), 200).json.remaining, 1);
  assert.equal(expectStatus(await admin.get(`/api/v1/needs/${nB}`), 200).json.met_quantity, 0);
  // the decisions are audited
  const audit = expectStatus(await auditor.get('/api/v1/audit?limit=50'), 200).json;
  const actions = JSON.stringify(audit);
  assert.ok(actions.includes('match.accept') && actions.includes('match.reject') && actions.includes('match.run'), 'audited');
});

test('override gives another resource; a wrong one or a bad quantity is 422', async () => {
  const r = expectStatus(await admin.post('/api/v1/match-runs', { scope: '653221', year: YEAR }), 201);
  const pb = r.json.proposals.find((p) => p.need.id === nB);
  assert.ok(pb, 'B is proposed R1 again');
  const url = `/api/v1/match-runs/${r.json.id}/proposals/${pb.id}/override`;
  expectError(await admin.post(url, { resource: r3, quantity: 1 }), 422, 'invalid', 'another subject');
  expectError(await admin.post(url, { resource: r1, quantity: 0 }), 422, 'invalid', 'zero');
  expectError(await admin.post(url, { resource: 'x', quantity: 1 }), 422, 'invalid', 'not an id');
  expectError(await admin.post(url, { resource: r1 }), 422, 'invalid', 'no quantity');
  expectError(await admin.post(url, { resource: r1, quantity: 1, extra: 1 }), 422, undefined, 'unknown field');
  expectError(await admin.post(url, { resource: r1, quantity: 5 }), 409, 'conflict', 'more than capacity');
  const ok = expectStatus(await admin.post(url, { resource: r1, quantity: 1 }), 200);
  const p = ok.json.proposals.find((x) => x.id === pb.id);
  assert.equal(p.status, 'overridden');
  assert.equal(p.override_resource, r1);
  assert.equal(expectStatus(await admin.get(`/api/v1/resources/${r1}`), 200).json.remaining, 0);
  // compare: from run1 to this run
  const cmp = expectStatus(await admin.get(`/api/v1/match-runs/${run1.id}/compare/${r.json.id}`), 200).json;
  assert.ok(Array.isArray(cmp.added) && Array.isArray(cmp.removed) && Array.isArray(cmp.changed));
  assert.ok(cmp.removed.some((x) => x.need === nA), 'A is no longer proposed (R2 is used up, A is met)');
});

test('two servers on one database: two accepts exceeding a capacity → exactly one succeeds', async () => {
  // run2 and run1 both propose C–R3 (1 of R3's 1): together they exceed it
  const run2 = expectStatus(await admin.post('/api/v1/match-runs', { scope: '653121', year: YEAR }), 201).json;
  const p1 = run1.proposals.find((p) => p.need.id === nC);
  const p2 = run2.proposals.find((p) => p.need.id === nC);
  assert.ok(p1 && p2 && p2.resource.id === r3, JSON.stringify(run2.proposals));
  const other = client(srv2.url, await login(srv2.url, 'kashgar'));
  const [a, b] = await Promise.all([accept(admin, run1.id, p1.id), accept(other, run2.id, p2.id)]);
  const statuses = [a.status, b.status].sort();
  assert.deepEqual(statuses, [200, 409], `${a.status} ${a.text.slice(0, 200)} / ${b.status} ${b.text.slice(0, 200)}`);
  const rr = expectStatus(await admin.get(`/api/v1/resources/${r3}`), 200).json;
  assert.equal(rr.remaining, 0);
  assert.equal(expectStatus(await admin.get(`/api/v1/needs/${nC}`), 200).json.met_quantity, 1);
});

test('scope: shufu runs for its county, not for 653221 (404); parent 403; hotan cannot see a 653121 run', async () => {
  const mine = expectStatus(await shufu.post('/api/v1/match-runs', { scope: '653121', year: YEAR }), 201).json;
  expectError(await shufu.post('/api/v1/match-runs', { scope: '653221', year: YEAR }), 404, 'not_found');
  expectError(await shufu.post('/api/v1/match-runs', { scope: '653100', year: YEAR }), 404, 'not_found', 'its prefecture');
  expectError(await parent.post('/api/v1/match-runs', { scope: '653121', year: YEAR }), 403, 'forbidden');
  expectError(await parent.get('/api/v1/match-runs'), 403, 'forbidden');
  expectError(await parent.get(`/api/v1/match-runs/${mine.id}`), 403, 'forbidden');
  expectStatus(await kashgar.get(`/api/v1/match-runs/${mine.id}`), 200, 'the prefecture sees it');
  expectError(await hotan.get(`/api/v1/match-runs/${mine.id}`), 404, 'not_found');
  expectError(await hotan.get(`/api/v1/match-runs/${mine.id}/compare/${mine.id}`), 404, 'not_found');
  expectError(await hotan.get('/api/v1/match-runs?scope=653121'), 404, 'not_found');
  assert.ok(!expectStatus(await hotan.get('/api/v1/match-runs'), 200).json.items.some((x) => x.id === mine.id), 'not listed');
  const pid = mine.proposals[0]?.id ?? 1;
  for (const act of ['accept', 'reject']) {
    expectError(await hotan.post(`/api/v1/match-runs/${mine.id}/proposals/${pid}/${act}`, {}), 404, 'not_found', act);
    expectError(await parent.post(`/api/v1/match-runs/${mine.id}/proposals/${pid}/${act}`, {}), 403, 'forbidden', act);
  }
  expectError(await hotan.post(`/api/v1/match-runs/${mine.id}/proposals/${pid}/override`, { resource: r1, quantity: 1 }), 404, 'not_found');
  // an auditor reads but does not run
  expectStatus(await auditor.get(`/api/v1/match-runs/${mine.id}`), 200);
  expectError(await auditor.post(`/api/v1/match-runs/${mine.id}/proposals/${pid}/reject`, {}), 403, 'forbidden');
});

test('bad input: 4xx with a message, never a 500', async () => {
  expectError(await admin.post('/api/v1/match-runs', { scope: '653121' }), 422, 'invalid', 'no year');
  expectError(await admin.post('/api/v1/match-runs', { scope: '653121', year: 'x' }), 422, 'invalid');
  expectError(await admin.post('/api/v1/match-runs', { scope: '653121', year: 1999 }), 422, 'invalid');
  expectError(await admin.post('/api/v1/match-runs', { year: YEAR }), 422, 'invalid', 'no scope');
  expectError(await admin.post('/api/v1/match-runs', { scope: '99999999', year: YEAR }), 404, 'not_found');
  expectError(await admin.post('/api/v1/match-runs', { scope: '653121', year: YEAR, x: 1 }), 422);
  expectError(await admin.post('/api/v1/match-runs', '{"scope":'), 400);
  expectError(await admin.get('/api/v1/match-runs?year=abc'), 400, 'bad_param');
  expectError(await admin.get('/api/v1/match-runs/abc'), 404, 'not_found');
  expectError(await admin.get('/api/v1/match-runs/999999'), 404, 'not_found');
  expectError(await admin.post(`/api/v1/match-runs/${run1.id}/proposals/999999/accept`, {}), 404, 'not_found');
  expectError(await admin.post(`/api/v1/match-runs/${run1.id}/proposals/x/accept`, {}), 404, 'not_found');
  expectError(await admin.post(`/api/v1/match-runs/${run1.id}/proposals/${run1.proposals[0].id}/accept`, { a: 1 }), 422);
});

test('the page: run form, runs, proposals with reasons, CSRF-protected accept', async () => {
  const p = await page(srv.url, `/match?scope=653121&year=${YEAR}`, { cookie: shufu.cookie });
  expectStatus(p, 200);
  assert.match(p.text, /action="\/match"/);
  assert.match(p.text, /name=_csrf/);
  assert.match(p.text, /viewport/);
  const noCsrf = await page(srv.url, '/match', { method: 'POST', cookie: shufu.cookie, form: { scope: '653121', year: String(YEAR) } });
  assert.equal(noCsrf.status, 403);
  const made = await page(srv.url, '/match', { method: 'POST', cookie: shufu.cookie, form: { _csrf: shufu.csrf, scope: '653121', year: String(YEAR) } });
  assert.equal(made.status, 303, made.text.slice(0, 200));
  const loc = made.headers.location;
  const runId = Number(/run=(\d+)/.exec(loc)[1]);
  const shown = expectStatus(await page(srv.url, loc.replace(/#.*$/, ''), { cookie: shufu.cookie }), 200);
  assert.ok(shown.text.includes(`#${runId}`));
  const wrong = await page(srv.url, `/match?scope=653221&year=${YEAR}`, { cookie: shufu.cookie });
  assert.equal(wrong.status, 404);
  const other = await page(srv.url, `/match?scope=653121&year=${YEAR}&run=${runId}`, { cookie: hotan.cookie });
  assert.equal(other.status, 404);
  expectStatus(await page(srv.url, `/match?scope=653121&year=${YEAR}&run=${runId}`, { cookie: kashgar.cookie }), 200);
  assert.equal((await page(srv.url, '/match', { cookie: parent.cookie })).status, 403);
  const bad = await page(srv.url, '/match?year=x', { cookie: shufu.cookie });
  assert.equal(bad.status, 400);
  // decide through the page when the run has a proposal
  const runJson = expectStatus(await shufu.get(`/api/v1/match-runs/${runId}`), 200).json;
  if (runJson.proposals.length) {
    const pid = runJson.proposals[0].id;
    assert.ok(shown.text.includes(`/match/${runId}/decide`), 'accept / reject forms');
    const hot = await page(srv.url, `/match/${runId}/decide`, { method: 'POST', cookie: hotan.cookie, form: { _csrf: hotan.csrf, pid: String(pid), action: 'reject' } });
    assert.equal(hot.status, 404);
    const d = await page(srv.url, `/match/${runId}/decide`, { method: 'POST', cookie: shufu.cookie, form: { _csrf: shufu.csrf, pid: String(pid), action: 'reject' } });
    assert.equal(d.status, 303, d.text.slice(0, 300));
    const again = await page(srv.url, `/match/${runId}/decide`, { method: 'POST', cookie: shufu.cookie, form: { _csrf: shufu.csrf, pid: String(pid), action: 'reject' } });
    assert.equal(again.status, 409);
  }
  const junk = await page(srv.url, `/match/${runId}/decide`, { method: 'POST', cookie: shufu.cookie, form: { _csrf: shufu.csrf, pid: 'x', action: 'accept' } });
  assert.equal(junk.status, 422);
});

test('huiju match prints the proposals with scores and can accept them all', async () => {
  const bad = run(['match', '--db', srv.db, '--scope', '653121']);
  assert.notEqual(bad.status, 0);
  const none = run(['match', '--db', srv.db, '--scope', 'nowhere', '--year', String(YEAR)]);
  assert.notEqual(none.status, 0);
  const r = run(['match', '--db', srv.db, '--scope', '650000', '--year', String(YEAR), '--accept-all']);
  assert.equal(r.status, 0, r.out);
  assert.match(r.stdout, /objective/);
  assert.match(r.stdout, /accepted \d+ of \d+ proposals/);
});
