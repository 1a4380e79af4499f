// Three-level evaluation (三级评估): rubrics and their weight rules, evaluator
// assignments (only officials reaching the project's scope; only people holding the
// evaluator role), the three parties' rights (the helping side self-evaluates, the
// recipient school gives feedback, only an assigned evaluator assesses — and sees only
// the projects assigned), scores checked naming the field, totals and the combined
// score (null while a part is missing), locking (final: 409 after, audited with the
// scores), the pages with their form, the Excel export, and the parent refused.
import assert from 'node:assert/strict';
import {
  test, before, after, startServer, login, client, page, expectStatus, expectError, listAll,
} from './lib.mjs';

const HELPER = '6501020001'; // 乌鲁木齐市第一中学: helper-leader (a helping school)
const SCHOOL = '6531210001'; // 疏附县第一小学: leader, liaison (the recipient school)
const COUNTY_PARTNER = 'P0653121'; // the demo's community partner of 疏附县 (project demo)

// The server's date (Asia/Shanghai) and the periods that follow from it.
const now = new Date(Date.now() + 8 * 3600 * 1000);
const YEAR = now.getUTCFullYear();
const HALF = `${YEAR}H${now.getUTCMonth() < 6 ? 1 : 2}`;
const LAST = String(YEAR - 1);
const FUTURE = String(YEAR + 1);

let srv;
const sess = {};
const c = {};
before(async () => {
  srv = await startServer();
  for (const who of ['admin', 'shufu', 'shufu2', 'hotan', 'kashgar', 'helper-leader', 'liaison', 'leader',
    'evaluator', 'evaluator2', 'parent', 'team1']) {
    sess[who] = await login(srv.url, who);
    c[who] = client(srv.url, sess[who]);
  }
});
after(async () => {
  await srv?.stop();
});

const get = (who, p) => page(srv.url, p, { cookie: sess[who].cookie });
const postForm = (who, p, form) =>
  page(srv.url, p, { method: 'POST', cookie: sess[who].cookie, form: { _csrf: sess[who].csrf, ...form } });

async function act(who, id, action, comment = '同意') {
  return expectStatus(await c[who].post(`/api/v1/projects/${id}/transitions`, { action, comment }), 200, `${who} ${action}`).json;
}

// A project in progress led by the helping school for 6531210001 (scope: the region).
async function regionProject(title) {
  const p = expectStatus(await c['helper-leader'].post('/api/v1/projects', {
    title, kind: 'training', lead: HELPER, recipients: [SCHOOL],
    start_date: `${YEAR - 1}-03-01`, end_date: `${YEAR + 1}-07-31`, budget_fen: 1000000,
  }), 201, 'create').json;
  await act('helper-leader', p.id, 'submit');
  await act('admin', p.id, 'approve');
  return act('helper-leader', p.id, 'start');
}

// A project in progress inside 疏附县 (scope: the county 653121).
async function countyProject(title) {
  const p = expectStatus(await c.shufu.post('/api/v1/projects', {
    title, kind: 'parent_education', lead: COUNTY_PARTNER, recipients: [SCHOOL],
    start_date: `${YEAR - 1}-03-01`, end_date: `${YEAR + 1}-07-31`, budget_fen: 500000,
  }), 201, 'create').json;
  await act('shufu', p.id, 'submit');
  await act('shufu2', p.id, 'approve');
  return act('shufu', p.id, 'start');
}

const start = (who, project, period, party, extra = {}) =>
  c[who].post('/api/v1/evaluations', { project, period, party, ...extra });

const std = async () => {
  const list = expectStatus(await c.admin.get('/api/v1/rubrics'), 200).json.items;
  const r = list.find((x) => x.code === 'standard');
  assert.ok(r, 'the demo has the standard rubric');
  return r;
};

const scoresOf = (rubric, values) =>
  rubric.criteria.map((k, i) => ({ criterion: k.code, score: values[i], comment: `评语 ${k.code}` }));
const totalOf = (rubric, values) => {
  let sw = 0, s = 0;
  rubric.criteria.forEach((k, i) => { sw += k.weight; s += k.weight * values[i]; });
  return s / sw;
};
const near = (a, b, what) => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} ≠ ${b}`);

test('the standard rubric: five criteria, combined weights 0.2 / 0.3 / 0.5', async () => {
  const r = await std();
  assert.deepEqual(r.criteria.map((k) => k.name_zh), ['目标达成', '过程管理', '资源使用', '受援校满意度', '长效机制']);
  assert.deepEqual(r.criteria.map((k) => k.weight), [30, 20, 20, 15, 15]);
  assert.deepEqual([r.w_self, r.w_feedback, r.w_third], [0.2, 0.3, 0.5]);
  assert.equal(r.active, true);
  expectStatus(await c.evaluator.get(`/api/v1/rubrics/${r.id}`), 200);
  expectError(await c.admin.get('/api/v1/rubrics/999999'), 404);
});

test('rubrics: created and changed by plan.write only, weights validated, 422 naming the field', async () => {
  const body = {
    code: 'light', name_zh: '简化量表', name_en: 'Light rubric', w_self: 0.1, w_feedback: 0.2, w_third: 0.7,
    active: false, criteria: [{ code: 'goals', name_zh: '目标', weight: 2 }, { code: 'effect', name_zh: '成效', weight: 1 }],
  };
  expectError(await c.shufu.post('/api/v1/rubrics', body), 403, 'forbidden');
  for (const [bad, field] of [
    [{ w_third: 0.6 }, 'w_self'], // sums to 0.9
    [{ w_self: -0.1, w_third: 0.9 }, 'w_self'],
    [{ w_feedback: 'x' }, 'w_feedback'],
    [{ criteria: [{ code: 'a', name_zh: '甲', weight: 0 }] }, 'criteria[0].weight'],
    [{ criteria: [{ code: 'a', name_zh: '甲', weight: 1 }, { code: 'a', name_zh: '乙', weight: 1 }] }, 'criteria[1].code'],
    [{ criteria: [] }, 'criteria'],
    [{ criteria: [{ code: 'a', weight: 1 }] }, 'criteria[0].name_zh'],
    [{ code: '坏' }, 'code'],
  ]) {
    const e = expectError(await c.admin.post('/api/v1/rubrics', { ...body, ...bad }), 422, 'invalid', JSON.stringify(bad));
    assert.ok(e.message.startsWith(field), `${JSON.stringify(bad)}: ${e.message}`);
  }
  const made = expectStatus(await c.admin.post('/api/v1/rubrics', body), 201).json;
  assert.equal(made.code, 'light');
  assert.equal(made.active, false);
  assert.deepEqual(made.criteria.map((k) => k.code), ['goals', 'effect']);
  expectError(await c.admin.post('/api/v1/rubrics', body), 409, 'conflict');
  // floating sums within 1e-9 pass: 0.1 + 0.2 + 0.7
  const p1 = expectStatus(await c.admin.patch(`/api/v1/rubrics/${made.id}`, { w_self: 0.3, w_feedback: 0.3, w_third: 0.4, name_en: 'Light' }), 200).json;
  assert.equal(p1.w_third, 0.4);
  const e = expectError(await c.admin.patch(`/api/v1/rubrics/${made.id}`, { w_third: 0.5 }), 422, 'invalid');
  assert.match(e.message, /^w_self/);
  expectError(await c.shufu.patch(`/api/v1/rubrics/${made.id}`, { name_en: 'x' }), 403);
  expectError(await c.admin.patch('/api/v1/rubrics/999999', { name_en: 'x' }), 404);
  // an inactive rubric cannot be chosen (later test: a locked one cannot change)
  const proj = await countyProject('评估：停用量表不可选');
  const bad = expectError(await start('shufu', proj.id, HALF, 'self', { rubric: 'light' }), 422, 'invalid');
  assert.match(bad.message, /^rubric/);
});

test('assignment: only officials reaching the scope; the assignee must be an evaluator', async () => {
  const region = await regionProject('评估：指派（全区）');
  const county = await countyProject('评估：指派（县域）');
  // hotan does not see a 653121 project at all
  expectError(await c.hotan.post(`/api/v1/projects/${county.id}/evaluators`, { login: 'evaluator', period: HALF }), 404);
  // shufu sees the region-scope project (a recipient school in reach) but may not assign there
  expectError(await c.shufu.post(`/api/v1/projects/${region.id}/evaluators`, { login: 'evaluator', period: HALF }), 403);
  // the helping school's leader sees it, holds project.approve only at the school: 403
  expectError(await c['helper-leader'].post(`/api/v1/projects/${region.id}/evaluators`, { login: 'evaluator', period: HALF }), 403);
  // the assignee must hold the evaluator role; the period must be one
  let e = expectError(await c.shufu.post(`/api/v1/projects/${county.id}/evaluators`, { login: 'liaison', period: HALF }), 422, 'invalid');
  assert.match(e.message, /^login/);
  e = expectError(await c.shufu.post(`/api/v1/projects/${county.id}/evaluators`, { login: 'nobody-here', period: HALF }), 422, 'invalid');
  assert.match(e.message, /^login/);
  e = expectError(await c.shufu.post(`/api/v1/projects/${county.id}/evaluators`, { login: 'evaluator', period: `${YEAR}Q1` }), 422, 'invalid');
  assert.match(e.message, /^period/);
  const a = expectStatus(await c.shufu.post(`/api/v1/projects/${county.id}/evaluators`, { login: 'evaluator', period: HALF }), 201).json;
  assert.equal(a.created, true);
  assert.equal(expectStatus(await c.shufu.post(`/api/v1/projects/${county.id}/evaluators`, { login: 'evaluator', period: HALF }), 200).json.created, false);
  expectStatus(await c.admin.post(`/api/v1/projects/${region.id}/evaluators`, { login: 'evaluator2', period: HALF }), 201);
  const sum = expectStatus(await c.admin.get(`/api/v1/projects/${region.id}/evaluations`), 200).json;
  assert.equal(sum.may_assign, true);
  assert.deepEqual(sum.periods.find((x) => x.period === HALF).evaluators, ['evaluator2']);
  // evaluator2 sees the region project now; removing the assignment hides it again
  expectStatus(await c.evaluator2.get(`/api/v1/projects/${region.id}`), 200);
  expectError(await c.admin.del(`/api/v1/projects/${region.id}/evaluators/evaluator2`), 400);
  expectStatus(await c.admin.del(`/api/v1/projects/${region.id}/evaluators/evaluator2?period=${HALF}`), 204);
  expectError(await c.admin.del(`/api/v1/projects/${region.id}/evaluators/evaluator2?period=${HALF}`), 404);
  expectError(await c.evaluator2.get(`/api/v1/projects/${region.id}`), 404);
  const audit = expectStatus(await c.admin.get(`/api/v1/audit?object=evaluation_assignment:${region.id}:${HALF}:evaluator2&limit=10`), 200).json.items;
  assert.deepEqual(audit.map((x) => x.action).sort(), ['evaluation.assign', 'evaluation.unassign']);
});

test('the evaluator sees only the projects assigned, and cannot fill self or feedback', async () => {
  const mine = await regionProject('评估：第三方可见');
  const other = await regionProject('评估：第三方不可见');
  const fb = expectStatus(await start('liaison', other.id, HALF, 'feedback'), 201).json;
  expectStatus(await c.admin.post(`/api/v1/projects/${mine.id}/evaluators`, { login: 'evaluator', period: HALF }), 201);

  // another project: 404 everywhere, exactly like a missing one
  expectError(await c.evaluator.get(`/api/v1/projects/${other.id}`), 404);
  expectError(await c.evaluator.get(`/api/v1/projects/${other.id}/evaluations`), 404);
  expectError(await c.evaluator.get(`/api/v1/evaluations?project=${other.id}`), 404);
  expectError(await c.evaluator.get(`/api/v1/evaluations/${fb.id}`), 404);
  expectError(await start('evaluator', other.id, HALF, 'third_party'), 404);
  expectStatus(await get('evaluator', `/evaluations/${fb.id}`), 404);

  // every project the evaluator sees, and every evaluation listed, is an assigned one
  const projects = await listAll(c.evaluator, '/api/v1/projects?limit=200');
  assert.ok(projects.some((p) => p.id === mine.id), 'the assigned project is listed');
  const assigned = new Set();
  for (const p of projects) {
    const s = expectStatus(await c.evaluator.get(`/api/v1/projects/${p.id}/evaluations`), 200).json;
    assert.ok(s.periods.some((x) => x.evaluators.includes('evaluator')), `project ${p.id} is assigned to the evaluator`);
    assigned.add(p.id);
  }
  const evs = await listAll(c.evaluator, '/api/v1/evaluations?limit=200');
  for (const e of evs) assert.ok(assigned.has(e.project.id), `evaluation ${e.id} of project ${e.project.id}`);
  // the admin's list is wider
  const all = await listAll(c.admin, '/api/v1/evaluations?limit=500');
  assert.ok(all.some((e) => e.id === fb.id));

  // the evaluator may not fill self or feedback, nor a period not assigned
  expectError(await start('evaluator', mine.id, HALF, 'self'), 403, 'forbidden');
  expectError(await start('evaluator', mine.id, HALF, 'feedback'), 403, 'forbidden');
  expectError(await start('evaluator', mine.id, LAST, 'third_party'), 403, 'forbidden');
  // evaluator2 (not assigned here) does not see it
  expectError(await start('evaluator2', mine.id, HALF, 'third_party'), 404);
  const t = expectStatus(await start('evaluator', mine.id, HALF, 'third_party'), 201).json;
  assert.equal(t.party, 'third_party');
  assert.equal(t.author, 'evaluator');
  // nor anyone else a third-party assessment, even an official reaching everything
  expectError(await start('admin', mine.id, LAST, 'third_party'), 403);
  // the evaluator's page lists the assignment
  const pg = expectStatus(await get('evaluator', '/evaluations'), 200);
  assert.ok(pg.text.includes(`/projects/${mine.id}`), 'the assignment is on the evaluator page');
  assert.ok(pg.text.includes(`/evaluations/${t.id}`));
  assert.ok(!pg.text.includes(`/evaluations/${fb.id}"`), 'nothing of the other project');
});

test('the recipient school gives feedback but not self; the helping side self but not feedback', async () => {
  const p = await regionProject('评估：各方权限');
  expectError(await start('liaison', p.id, HALF, 'self'), 403, 'forbidden');
  expectError(await start('helper-leader', p.id, HALF, 'feedback'), 403, 'forbidden');
  expectError(await start('team1', p.id, HALF, 'self'), 403); // team members hold no evaluation.write
  const fb = expectStatus(await start('liaison', p.id, HALF, 'feedback'), 201);
  assert.equal(fb.headers.location, `/api/v1/evaluations/${fb.json.id}`);
  assert.equal(fb.json.status, 'draft');
  assert.equal(fb.json.rubric.code, 'standard', 'the default rubric');
  const self = expectStatus(await start('helper-leader', p.id, HALF, 'self'), 201).json;
  // one per party and period
  expectError(await start('leader', p.id, HALF, 'feedback'), 409, 'conflict');
  // writing: each party only its own
  const r = await std();
  const full = scoresOf(r, [80, 80, 80, 80, 80]);
  expectError(await c['helper-leader'].put(`/api/v1/evaluations/${fb.json.id}`, { scores: full }), 403);
  expectError(await c.liaison.put(`/api/v1/evaluations/${self.id}`, { scores: full }), 403);
  expectError(await c.liaison.post(`/api/v1/evaluations/${self.id}/lock`, {}), 403);
  expectStatus(await c.leader.put(`/api/v1/evaluations/${fb.json.id}`, { scores: full }), 200); // the same school
  // bad input
  for (const [body, field] of [
    [{ party: 'nobody' }, 'party'],
    [{ period: '2025Q3' }, 'period'],
    [{ period: FUTURE }, 'period'],
    [{ period: '2021' }, 'period'], // before the project starts
    [{ rubric: 'no-such' }, 'rubric'],
  ]) {
    const e = expectError(await c.liaison.post('/api/v1/evaluations', { project: p.id, period: HALF, party: 'feedback', ...body }), 422, 'invalid', field);
    assert.ok(e.message.startsWith(field), e.message);
  }
  expectError(await c.liaison.post('/api/v1/evaluations', { project: 999999, period: HALF, party: 'feedback' }), 404);
  expectError(await c.liaison.post('/api/v1/evaluations', { project: p.id, period: HALF, party: 'feedback', extra: 1 }), 422, 'unknown_field');
  expectError(await c.liaison.post('/api/v1/evaluations', '{"project":'), 400, 'bad_json');
});

test('only projects in progress, completed or accepted are evaluated', async () => {
  const draft = expectStatus(await c['helper-leader'].post('/api/v1/projects', {
    title: '评估：草稿项目', kind: 'training', lead: HELPER, recipients: [SCHOOL],
    start_date: `${YEAR - 1}-03-01`, end_date: `${YEAR + 1}-07-31`, budget_fen: 1000,
  }), 201).json;
  const e = expectError(await start('helper-leader', draft.id, HALF, 'self'), 409, 'conflict');
  assert.match(e.message, /in_progress[,、] ?completed[,、] ?accepted/);
  // a suspended project: its drafts cannot change either
  const p = await regionProject('评估：暂停');
  const self = expectStatus(await start('helper-leader', p.id, HALF, 'self'), 201).json;
  await act('admin', p.id, 'suspend');
  expectError(await c['helper-leader'].put(`/api/v1/evaluations/${self.id}`, { scores: [] }), 409);
  await act('admin', p.id, 'resume');
  expectStatus(await c['helper-leader'].put(`/api/v1/evaluations/${self.id}`, { scores: [] }), 200);
});

test('scores: 0–100 per criterion of the rubric, 422 naming the field; totals; lock is final and audited', async () => {
  const r = await std();
  const p = await regionProject('评估：打分与锁定');
  const self = expectStatus(await start('helper-leader', p.id, HALF, 'self'), 201).json;
  const url = `/api/v1/evaluations/${self.id}`;
  const h = c['helper-leader'];
  for (const [scores, field] of [
    [[{ criterion: 'goals', score: 101 }], 'scores[0].score'],
    [[{ criterion: 'goals', score: -1 }], 'scores[0].score'],
    [[{ criterion: 'goals', score: '80' }], 'scores[0].score'],
    [[{ criterion: 'goals', score: 80 }, { criterion: 'nonsense', score: 80 }], 'scores[1].criterion'],
    [[{ criterion: 'goals', score: 80 }, { criterion: 'goals', score: 70 }], 'scores[1].criterion'],
    [[{ criterion: 'goals', score: 80, weight: 3 }], 'scores[0].weight'],
  ]) {
    const e = expectError(await h.put(url, { scores }), 422, 'invalid', field);
    assert.ok(e.message.startsWith(field), `${field}: ${e.message}`);
  }
  // nothing was written by the refused ones
  const still = expectStatus(await h.get(url), 200).json;
  assert.ok(still.scores.every((s) => s.score === null));
  // partly scored: no total, the missing criteria listed, cannot be locked
  const part = expectStatus(await h.put(url, { scores: scoresOf(r, [90, 80]).slice(0, 2), comment: '进行中' }), 200).json;
  assert.equal(part.total, null);
  assert.deepEqual(part.missing, r.criteria.slice(2).map((k) => k.code));
  const e409 = expectError(await h.post(`${url}/lock`, {}), 409, 'conflict');
  assert.match(e409.message, /resources/);
  // every criterion: total = Σ weight·score / Σ weight
  const values = [90, 80, 85, 70, 75];
  const full = expectStatus(await h.put(url, { scores: scoresOf(r, values), comment: '总体良好' }), 200).json;
  near(full.total, totalOf(r, values), 'total');
  assert.deepEqual(full.missing, []);
  assert.equal(full.comment, '总体良好');
  assert.equal(full.scores[0].comment, '评语 goals');
  // PUT replaces: a shorter list drops the others
  const fewer = expectStatus(await h.put(url, { scores: scoresOf(r, values).slice(1) }), 200).json;
  assert.equal(fewer.scores[0].score, null);
  assert.equal(fewer.total, null);
  expectStatus(await h.put(url, { scores: scoresOf(r, values), comment: '总体良好' }), 200);
  const locked = expectStatus(await h.post(`${url}/lock`, {}), 200).json;
  assert.equal(locked.status, 'locked');
  assert.equal(locked.locked_by, 'helper-leader');
  // final
  expectError(await h.put(url, { scores: scoresOf(r, [50, 50, 50, 50, 50]) }), 409, 'conflict');
  expectError(await h.post(`${url}/lock`, {}), 409, 'conflict');
  // a locked evaluation is 409 even with bad input
  expectError(await h.put(url, { scores: [{ criterion: 'goals', score: 500 }] }), 409);
  near(expectStatus(await h.get(url), 200).json.total, totalOf(r, values), 'unchanged');
  // the audit has the lock, with the scores
  const audit = expectStatus(await c.admin.get(`/api/v1/audit?object=evaluation:${self.id}&limit=50`), 200).json.items;
  const lockRec = audit.find((a) => a.action === 'evaluation.lock');
  assert.ok(lockRec, `actions: ${audit.map((a) => a.action)}`);
  assert.equal(lockRec.actor, 'helper-leader');
  assert.equal(lockRec.after.status, 'locked');
  assert.deepEqual(lockRec.after.scores.map((s) => s.score), values);
  near(lockRec.after.total, totalOf(r, values), 'audited total');
  assert.ok(audit.some((a) => a.action === 'evaluation.create'));
  assert.ok(audit.filter((a) => a.action === 'evaluation.update').length >= 3);
  // the rubric a locked evaluation uses keeps its criteria and weights
  const crit = r.criteria.map(({ code, name_zh, weight }) => ({ code, name_zh, weight }));
  crit[0].weight = 40;
  expectError(await c.admin.patch(`/api/v1/rubrics/${r.id}`, { criteria: crit }), 409, 'conflict');
  expectError(await c.admin.patch(`/api/v1/rubrics/${r.id}`, { w_self: 0.3, w_feedback: 0.2 }), 409, 'conflict');
  const renamed = expectStatus(await c.admin.patch(`/api/v1/rubrics/${r.id}`, { name_en: 'The standard rubric' }), 200).json;
  assert.equal(renamed.in_use, true);
});

test('the combined score: w_self·self + w_feedback·feedback + w_third·third over locked parts, else null with the missing', async () => {
  const r = await std();
  const p = await regionProject('评估：综合得分');
  expectStatus(await c.admin.post(`/api/v1/projects/${p.id}/evaluators`, { login: 'evaluator', period: LAST }), 201);
  const vs = { self: [90, 90, 90, 90, 90], feedback: [70, 80, 60, 90, 75], third_party: [80, 70, 85, 65, 60] };
  const who = { self: 'helper-leader', feedback: 'liaison', third_party: 'evaluator' };
  const ids = {};
  for (const party of ['self', 'feedback', 'third_party']) {
    ids[party] = expectStatus(await start(who[party], p.id, LAST, party), 201).json.id;
    expectStatus(await c[who[party]].put(`/api/v1/evaluations/${ids[party]}`, { scores: scoresOf(r, vs[party]) }), 200);
  }
  const period = async () => expectStatus(await c.shufu.get(`/api/v1/projects/${p.id}/evaluations`), 200).json.periods.find((x) => x.period === LAST);
  let s = await period();
  assert.equal(s.combined, null);
  assert.equal(s.complete, false);
  assert.deepEqual(s.missing, ['self', 'feedback', 'third_party'], 'drafts count as missing');
  assert.equal(s.parts.self.status, 'draft');
  expectStatus(await c['helper-leader'].post(`/api/v1/evaluations/${ids.self}/lock`, {}), 200);
  expectStatus(await c.liaison.post(`/api/v1/evaluations/${ids.feedback}/lock`, {}), 200);
  s = await period();
  assert.equal(s.combined, null);
  assert.deepEqual(s.missing, ['third_party']);
  near(s.parts.self.total, 90, 'self');
  expectStatus(await c.evaluator.post(`/api/v1/evaluations/${ids.third_party}/lock`, {}), 200);
  s = await period();
  assert.deepEqual(s.missing, []);
  assert.equal(s.complete, true);
  assert.deepEqual(s.weights, { self: 0.2, feedback: 0.3, third_party: 0.5 });
  near(s.combined, 0.2 * totalOf(r, vs.self) + 0.3 * totalOf(r, vs.feedback) + 0.5 * totalOf(r, vs.third_party), 'combined');
  // the list filters
  const locked = await listAll(c.admin, `/api/v1/evaluations?project=${p.id}&status=locked`);
  assert.equal(locked.length, 3);
  assert.deepEqual((await listAll(c.admin, `/api/v1/evaluations?project=${p.id}&party=feedback`)).map((e) => e.id), [ids.feedback]);
  assert.equal((await listAll(c.admin, `/api/v1/evaluations?project=${p.id}&period=${HALF}`)).length, 0);
  expectError(await c.admin.get('/api/v1/evaluations?party=x'), 400, 'bad_param');
  expectError(await c.admin.get('/api/v1/evaluations?period=2025Q1'), 400, 'bad_param');
  // the combined score on the list page
  const pg = expectStatus(await get('shufu', `/evaluations?project=${p.id}`), 200);
  const combined = (0.2 * totalOf(r, vs.self) + 0.3 * totalOf(r, vs.feedback) + 0.5 * totalOf(r, vs.third_party)).toFixed(1);
  assert.ok(pg.text.includes(`<b>${combined}</b>`), `the page shows ${combined}`);
});

test('pages: the form with a row per criterion, draft, errors naming the field, lock, read-only after', async () => {
  const r = await std();
  const p = await regionProject('评估：页面表单');
  // start from the project's section / the list page form
  const made = await postForm('liaison', '/evaluations', { project: p.id, period: HALF, party: 'feedback' });
  assert.equal(made.status, 303, made.text.slice(0, 300));
  const id = Number(made.headers.location.match(/\/evaluations\/(\d+)$/)[1]);
  const again = await postForm('liaison', '/evaluations', { project: p.id, period: HALF, party: 'feedback' });
  assert.equal(again.status, 409);
  assert.ok(again.text.includes(`/evaluations/${id}`), 'links to the existing one');
  assert.equal((await postForm('liaison', '/evaluations', { project: p.id, period: HALF, party: 'self' })).status, 403);
  const form = expectStatus(await get('liaison', `/evaluations/${id}`), 200).text;
  for (const k of r.criteria) {
    assert.ok(form.includes(`name="score_${k.code}"`), `a score field for ${k.code}`);
    assert.ok(form.includes(`name="comment_${k.code}"`), `a comment field for ${k.code}`);
  }
  assert.ok(form.includes(`formaction="/evaluations/${id}/lock"`), 'a lock button');
  assert.ok(form.includes('name=viewport'), 'phone viewport');
  assert.ok(!/<script/i.test(form), 'no script needed');
  // a bad score: 422, the field named, the input kept
  const bad = await postForm('liaison', `/evaluations/${id}`, { score_goals: '150', score_process: '88', comment_process: '很好' });
  assert.equal(bad.status, 422);
  assert.ok(bad.text.includes('score_goals'), 'names the field');
  assert.ok(bad.text.includes('value="88"') && bad.text.includes('很好'), 'keeps the input');
  const bad2 = await postForm('liaison', `/evaluations/${id}`, { comment_goals: '只有评语' });
  assert.equal(bad2.status, 422);
  assert.ok(bad2.text.includes('score_goals'));
  // a draft, then lock with a criterion missing: saved, not locked, 409 naming it
  const fields = Object.fromEntries(r.criteria.map((k, i) => [`score_${k.code}`, String(70 + i)]));
  const partial = { ...fields, score_sustainability: '' };
  assert.equal((await postForm('liaison', `/evaluations/${id}`, { ...partial, comment: '草稿' })).status, 303);
  let ev = expectStatus(await c.liaison.get(`/api/v1/evaluations/${id}`), 200).json;
  assert.equal(ev.status, 'draft');
  assert.equal(ev.comment, '草稿');
  assert.deepEqual(ev.missing, ['sustainability']);
  const no = await postForm('liaison', `/evaluations/${id}/lock`, { ...partial, score_goals: '60' });
  assert.equal(no.status, 409);
  assert.ok(no.text.includes('sustainability'));
  ev = expectStatus(await c.liaison.get(`/api/v1/evaluations/${id}`), 200).json;
  assert.equal(ev.status, 'draft');
  assert.equal(ev.scores[0].score, 60, 'what was typed is kept as a draft');
  // complete and lock
  const ok = await postForm('liaison', `/evaluations/${id}/lock`, { ...fields, comment: '完成' });
  assert.equal(ok.status, 303, ok.text.slice(0, 300));
  ev = expectStatus(await c.liaison.get(`/api/v1/evaluations/${id}`), 200).json;
  assert.equal(ev.status, 'locked');
  near(ev.total, totalOf(r, r.criteria.map((k, i) => 70 + i)), 'total');
  const ro = expectStatus(await get('liaison', `/evaluations/${id}`), 200).text;
  assert.ok(!ro.includes('name="score_goals"'), 'read-only once locked');
  assert.equal((await postForm('liaison', `/evaluations/${id}`, fields)).status, 409);
  assert.equal((await postForm('liaison', `/evaluations/${id}/lock`, fields)).status, 409);
  // others see it read-only; hotan does not see it
  const other = expectStatus(await get('shufu', `/evaluations/${id}`), 200).text;
  assert.ok(!other.includes('name="score_goals"'));
  expectStatus(await get('hotan', `/evaluations/${id}`), 404);
  // the assignment form (page) of an official reaching the scope
  const as = await postForm('admin', `/projects/${p.id}/evaluators`, { login: 'evaluator2', period: HALF });
  assert.equal(as.status, 303, as.text.slice(0, 300));
  assert.equal((await postForm('shufu', `/projects/${p.id}/evaluators`, { login: 'evaluator2', period: HALF })).status, 403);
  assert.equal((await postForm('admin', `/projects/${p.id}/evaluators`, { login: 'liaison', period: HALF })).status, 422);
  const rm = await postForm('admin', `/projects/${p.id}/evaluators`, { login: 'evaluator2', period: HALF, action: 'remove' });
  assert.equal(rm.status, 303);
  expectError(await c.evaluator2.get(`/api/v1/projects/${p.id}`), 404);
});

test('the project page has the evaluation section with the parts, the combined score and the forms', async () => {
  const p = await regionProject('评估：项目页');
  const self = expectStatus(await start('helper-leader', p.id, HALF, 'self'), 201).json;
  const adminPage = expectStatus(await get('admin', `/projects/${p.id}`), 200).text;
  assert.ok(adminPage.includes('id=evaluation'), 'the section');
  assert.ok(adminPage.includes(`action="/projects/${p.id}/evaluators"`), 'the assign form for an official reaching the scope');
  assert.ok(adminPage.includes(`/evaluations/${self.id}`), 'links the self-evaluation');
  const liaisonPage = expectStatus(await get('liaison', `/projects/${p.id}`), 200).text;
  assert.ok(!liaisonPage.includes(`action="/projects/${p.id}/evaluators"`), 'no assign form for the school');
  assert.ok(/name=party value="feedback"/.test(liaisonPage), 'a start button for the feedback');
  assert.ok(!/name=party value="self"/.test(liaisonPage), 'no start button for self');
});

test('Excel: a real workbook of the filtered list with the combined scores', async () => {
  const res = await fetch(srv.url + '/evaluations.xlsx?status=locked', { headers: { Cookie: sess.admin.cookie, 'X-Forwarded-For': '10.1.1.1' } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /spreadsheetml/);
  assert.match(res.headers.get('content-disposition') || '', /attachment/);
  const buf = Buffer.from(await res.arrayBuffer());
  assert.equal(buf.subarray(0, 4).toString('binary'), 'PK\x03\x04', 'a zip file');
  const text = buf.toString('latin1');
  assert.ok(text.includes('xl/workbook.xml') && text.includes('xl/worksheets/sheet2.xml'), 'two sheets');
  const bad = await page(srv.url, '/evaluations.xlsx?party=nobody', { cookie: sess.admin.cookie });
  assert.equal(bad.status, 400);
  // an evaluator exports too (scoped like the list: only the assigned projects)
  const ev = await fetch(srv.url + '/evaluations.xlsx', { headers: { Cookie: sess.evaluator.cookie, 'X-Forwarded-For': '10.1.1.1' } });
  assert.equal(ev.status, 200);
  assert.equal(Buffer.from(await ev.arrayBuffer()).subarray(0, 2).toString('binary'), 'PK');
  // a project out of reach is 404, as on the list
  const hidden = await page(srv.url, '/evaluations.xlsx?project=999999', { cookie: sess.admin.cookie });
  assert.equal(hidden.status, 404);
});

test('a parent is refused: 403 on the API and pages', async () => {
  expectError(await c.parent.get('/api/v1/evaluations'), 403, 'forbidden');
  expectError(await c.parent.get('/api/v1/rubrics'), 403, 'forbidden');
  expectError(await c.parent.post('/api/v1/evaluations', { project: 1, period: HALF, party: 'feedback' }), 403, 'forbidden');
  expectError(await c.parent.put('/api/v1/evaluations/1', { scores: [] }), 403, 'forbidden');
  assert.equal((await get('parent', '/evaluations')).status, 403);
  assert.equal((await get('parent', '/evaluations.xlsx')).status, 403);
  assert.equal((await postForm('parent', '/evaluations', { project: 1, period: HALF, party: 'feedback' })).status, 403);
});

test('the demo: standard rubric, locked and draft evaluations, assignments for evaluator and evaluator2', async () => {
  const all = await listAll(c.admin, '/api/v1/evaluations?limit=500');
  const locked = all.filter((e) => e.status === 'locked');
  assert.ok(locked.length >= 10, `${locked.length} locked`);
  assert.ok(all.some((e) => e.status === 'draft' && e.author !== 'liaison'), 'demo drafts');
  for (const e of locked.filter((x) => x.author !== 'helper-leader' && x.author !== 'liaison' && x.author !== 'evaluator')) {
    assert.ok(e.total >= 60 && e.total <= 95, `demo total ${e.total}`);
  }
  for (const who of ['evaluator', 'evaluator2']) {
    const projects = await listAll(c[who], '/api/v1/projects?limit=200');
    assert.ok(projects.length >= 2, `${who} has ${projects.length} projects assigned`);
  }
  // the known project (6501020001 for 6531210001, in progress) is assigned to the evaluator
  const known = (await listAll(c.evaluator, '/api/v1/projects?limit=200')).filter((p) => p.lead === HELPER);
  assert.ok(known.length >= 1, 'the evaluator sees the known project');
});
