// Projects (项目申报 → 审批 → 实施 → 验收): the application, the approval chain from
// the rule table (county only for a small county-scope budget; county then
// prefecture for a bigger one; the region for a region-scope one), who may decide
// at which level (never the author; a hotan official never sees a 653121 project),
// return with reasons and resubmission, every illegal transition answering 409 with
// the allowed actions, edits only of drafts and returned applications, scope and
// the evaluator's view, bad input naming the field with nothing written, the rule
// table's API, the Excel export and the pages with their CSRF-checked forms.
import assert from 'node:assert/strict';
import {
  test, before, after, startServer, login, client, page, expectStatus, expectError, listAll,
} from './lib.mjs';

const SCHOOL = '6531210001'; // 疏附县第一小学, a recipient school in county 653121
const HOTAN_SCHOOL = '6532210001'; // 和田县第一小学, county 653221
const HELPER = '6501020001'; // 乌鲁木齐市第一中学, a helping school (helper-leader)
const COUNTY_HELPER = '6531219601'; // made here: a helping school inside 653121

let srv;
const sess = {};
const c = {};
const WHO = ['admin', 'shufu', 'shufu2', 'kashgar', 'kashgar2', 'hotan', 'helper-leader', 'parent',
  'evaluator', 'leader'];

before(async () => {
  srv = await startServer();
  for (const who of WHO) {
    sess[who] = await login(srv.url, who);
    c[who] = client(srv.url, sess[who]);
  }
  expectStatus(await c.admin.post('/api/v1/orgs', {
    code: COUNTY_HELPER, name_zh: '疏附县帮扶测试中学', name_en: 'Shufu helper test school', kind: 'school',
    parent: '653121', stage: 'junior', is_helper: true, is_recipient: false,
  }), 201);
});
after(async () => {
  await srv?.stop();
});

const YEAR = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();
const app = (extra = {}) => ({
  title: '音体美教师组团帮扶', kind: 'teacher_support', lead: COUNTY_HELPER, recipients: [SCHOOL],
  start_date: `${YEAR + 1}-03-01`, end_date: `${YEAR + 1}-12-31`, budget_fen: 10000000, summary: '测试项目',
  ...extra,
});
const create = async (who, extra) => expectStatus(await c[who].post('/api/v1/projects', app(extra)), 201).json;
const act = (who, id, action, comment) => c[who].post(`/api/v1/projects/${id}/transitions`, comment === undefined ? { action } : { action, comment });
const ok = async (who, id, action, comment) => expectStatus(await act(who, id, action, comment), 200, `${who} ${action}`).json;

const get = (who, p) => page(srv.url, p, { cookie: sess[who].cookie });
const postForm = (who, p, form, { csrf = true } = {}) =>
  page(srv.url, p, { method: 'POST', cookie: sess[who].cookie, form: csrf ? { _csrf: sess[who].csrf, ...form } : form });

test('a small county-scope project: the county alone approves, never its author', async () => {
  const p = await create('shufu');
  assert.equal(p.status, 'draft');
  assert.equal(p.scope, '653121');
  assert.equal(p.scope_kind, 'county');
  assert.equal(p.created_by, 'shufu');
  assert.deepEqual(p.recipients, [SCHOOL]);
  assert.deepEqual(p.allowed_actions, ['submit']);
  const s = await ok('shufu', p.id, 'submit');
  assert.equal(s.status, 'submitted');
  assert.equal(s.top_level, 'county');
  assert.deepEqual(s.chain, ['county']);
  assert.equal(s.next_level, 'county');
  assert.equal(s.level_done, null);
  // the author cannot decide on their own application; a region admin is not the county
  expectError(await act('shufu', p.id, 'approve'), 403, 'forbidden');
  expectError(await act('admin', p.id, 'approve'), 403, 'forbidden');
  expectError(await act('kashgar', p.id, 'approve'), 403, 'forbidden');
  // another county never sees it: 404, exactly like a missing one
  expectError(await act('hotan', p.id, 'approve'), 404, 'not_found');
  const a = await ok('shufu2', p.id, 'approve', '同意。');
  assert.equal(a.status, 'approved');
  assert.equal(a.level_done, 'county');
  assert.deepEqual(a.decisions.map((d) => [d.level, d.decision, d.decided_by, d.comment]), [['county', 'approve', 'shufu2', '同意。']]);
  // the audit trail holds the decision with before and after
  const trail = expectStatus(await c.admin.get(`/api/v1/audit?object=project:${p.id}`), 200).json.items;
  const rec = trail.find((x) => x.action === 'project.approve');
  assert.ok(rec, JSON.stringify(trail.map((x) => x.action)));
  assert.equal(rec.before.status, 'submitted');
  assert.equal(rec.after.status, 'approved');
  assert.equal(rec.after.comment, '同意。');
});

test('a bigger county-scope project: county then prefecture; the right person at each level', async () => {
  const p = await create('shufu', { budget_fen: 80000000, title: '多媒体教室建设', kind: 'equipment' });
  const s = await ok('shufu', p.id, 'submit');
  assert.deepEqual(s.chain, ['county', 'prefecture']);
  assert.equal(s.top_level, 'prefecture');
  // kashgar waits for the county
  expectError(await act('kashgar', p.id, 'approve'), 403, 'forbidden');
  expectError(await act('hotan', p.id, 'approve'), 404, 'not_found');
  const a1 = await ok('shufu2', p.id, 'approve', '县级同意');
  assert.equal(a1.status, 'submitted');
  assert.equal(a1.level_done, 'county');
  assert.equal(a1.next_level, 'prefecture');
  // now the county is done: neither county official decides again
  expectError(await act('shufu2', p.id, 'approve'), 403, 'forbidden');
  assert.deepEqual((await c.kashgar.get(`/api/v1/projects/${p.id}`)).json.my_actions, ['approve', 'reject']);
  const a2 = await ok('kashgar', p.id, 'approve', '地区同意');
  assert.equal(a2.status, 'approved');
  assert.deepEqual(a2.decisions.map((d) => `${d.level}:${d.decided_by}`), ['county:shufu2', 'prefecture:kashgar']);
  // acceptance belongs to the top level (the prefecture), never to the author
  await ok('shufu', p.id, 'start');
  await ok('shufu', p.id, 'complete');
  expectError(await act('shufu2', p.id, 'accept', '验收合格'), 403, 'forbidden');
  const acc = await ok('kashgar2', p.id, 'accept', '验收合格');
  assert.equal(acc.status, 'accepted');
  assert.ok(acc.accepted_at > 0);
});

test('a region-scope project (helper in Urumqi): the region decides; the lead sees its own', async () => {
  const p = await create('helper-leader', { lead: HELPER, title: '信息技术教师培训', kind: 'training' });
  assert.equal(p.scope, '650000');
  assert.equal(p.scope_kind, 'region');
  const s = await ok('helper-leader', p.id, 'submit');
  assert.deepEqual(s.chain, ['region']);
  expectError(await act('kashgar', p.id, 'approve'), 403, 'forbidden');
  expectError(await act('shufu', p.id, 'approve'), 403, 'forbidden');
  // the author may withdraw it to a draft and submit again
  assert.equal((await ok('helper-leader', p.id, 'withdraw')).status, 'draft');
  await ok('helper-leader', p.id, 'submit');
  assert.equal((await ok('admin', p.id, 'approve', '同意')).status, 'approved');
  // the recipient school's leader sees it through the recipient
  expectStatus(await c.leader.get(`/api/v1/projects/${p.id}`), 200);
});

test('return with reasons, edit, resubmit: the chain starts again', async () => {
  const p = await create('shufu', { budget_fen: 80000000, title: '图书室改造' });
  await ok('shufu', p.id, 'submit');
  await ok('shufu2', p.id, 'approve', '县级同意');
  // a return needs its reasons
  const e = expectError(await act('kashgar', p.id, 'reject'), 422, 'invalid');
  assert.match(e.message, /^comment /);
  expectError(await act('kashgar', p.id, 'reject', '   \u0001'), 422, 'invalid');
  const r = await ok('kashgar', p.id, 'reject', '预算明细不清，请补充报价。');
  assert.equal(r.status, 'rejected');
  assert.deepEqual(r.decisions.map((d) => `${d.level}:${d.decision}`), ['county:approve', 'prefecture:reject']);
  assert.equal(r.decisions[1].comment, '预算明细不清，请补充报价。');
  assert.deepEqual(r.allowed_actions, ['submit']);
  // the author edits the returned application (a smaller budget: the county alone)
  const ed = expectStatus(await c.shufu.patch(`/api/v1/projects/${p.id}`, { budget_fen: 30000000, summary: '已补充报价' }), 200).json;
  assert.equal(ed.budget_fen, 30000000);
  assert.equal(ed.status, 'rejected');
  const s = await ok('shufu', p.id, 'submit');
  assert.equal(s.status, 'submitted');
  assert.equal(s.level_done, null);
  assert.deepEqual(s.chain, ['county']);
  assert.equal(s.next_level, 'county');
  assert.equal((await ok('shufu2', p.id, 'approve', '同意')).status, 'approved');
});

// Every action, and from each status the ones that are legal.
const ALL = ['submit', 'withdraw', 'approve', 'reject', 'start', 'suspend', 'resume', 'complete', 'accept'];
const LEGAL = {
  draft: ['submit'], submitted: ['withdraw', 'approve', 'reject'], approved: ['start'], rejected: ['submit'],
  in_progress: ['suspend', 'complete'], suspended: ['resume'], completed: ['accept'], accepted: [],
};

async function illegalEverywhere(id, status) {
  for (const a of ALL) {
    if (LEGAL[status].includes(a)) continue;
    const res = await act('admin', id, a, 'x');
    const e = expectError(res, 409, 'conflict', `${status} → ${a}`);
    assert.deepEqual(e.allowed, LEGAL[status], `${status} → ${a}: allowed`);
    assert.equal(e.status, status);
    assert.ok(e.message.includes(status) && e.message.includes(a), e.message);
  }
}

test('every illegal transition answers 409 naming the allowed actions; nothing changes', async () => {
  const p = await create('shufu', { title: '状态机测试' });
  const path = [
    ['draft', null], ['submitted', ['shufu', 'submit']], ['rejected', ['shufu2', 'reject', '请补充']],
    ['submitted', ['shufu', 'submit']], ['approved', ['shufu2', 'approve', '同意']],
    ['in_progress', ['shufu', 'start']], ['suspended', ['shufu', 'suspend', '暂停整改']],
    ['in_progress', ['shufu', 'resume']], ['completed', ['shufu', 'complete']],
    ['accepted', ['shufu2', 'accept', '验收合格']],
  ];
  for (const [status, step] of path) {
    if (step) assert.equal((await ok(step[0], p.id, step[1], step[2])).status, status);
    await illegalEverywhere(p.id, status);
    assert.equal((await c.shufu.get(`/api/v1/projects/${p.id}`)).json.status, status);
  }
  // an unknown action is bad input, not a transition
  const e = expectError(await act('shufu', p.id, 'explode'), 422, 'invalid');
  assert.match(e.message, /^action /);
});

test('edits only as a draft or returned: 409 otherwise; only the lead side edits', async () => {
  const p = await create('shufu', { title: '编辑测试' });
  expectStatus(await c.shufu.patch(`/api/v1/projects/${p.id}`, { title: '编辑测试（改）' }), 200);
  // the prefecture reaches the lead: it may edit the draft too
  expectStatus(await c.kashgar2.patch(`/api/v1/projects/${p.id}`, { summary: '地区补充说明' }), 200);
  await ok('shufu', p.id, 'submit');
  const e = expectError(await c.shufu.patch(`/api/v1/projects/${p.id}`, { title: '不许改' }), 409, 'conflict');
  assert.deepEqual(e.allowed, ['withdraw', 'approve', 'reject']);
  // also with a bad field: the state is the problem
  expectError(await c.shufu.patch(`/api/v1/projects/${p.id}`, { budget_fen: -1 }), 409, 'conflict');
  assert.equal((await c.shufu.get(`/api/v1/projects/${p.id}`)).json.title, '编辑测试（改）');
  // hotan: 404 on the edit as on the read
  expectError(await c.hotan.patch(`/api/v1/projects/${p.id}`, { title: 'x' }), 404, 'not_found');
  // the recipient school's leader sees it but holds no right at the lead: 403
  const d = await create('shufu', { title: '编辑权限测试' });
  expectError(await c.leader.patch(`/api/v1/projects/${d.id}`, { title: 'x' }), 403, 'forbidden');
});

test('scope: another county sees nothing of it; an evaluator only what is assigned; a parent is refused', async () => {
  const p = await create('shufu', { title: '范围测试' });
  expectError(await c.hotan.get(`/api/v1/projects/${p.id}`), 404, 'not_found');
  expectError(await c.hotan.get('/api/v1/projects/999999'), 404, 'not_found');
  const hotanList = await listAll(c.hotan, '/api/v1/projects?limit=200');
  assert.ok(!hotanList.some((x) => x.id === p.id));
  for (const x of hotanList) {
    const places = [x.lead, ...x.recipients];
    assert.ok(places.some((code) => code.startsWith('653221') || code === 'P0007'), `hotan sees ${x.id} ${places}`);
  }
  expectError(await c.hotan.get(`/api/v1/projects?org=653121`), 404, 'not_found');
  expectStatus(await get('hotan', `/projects/${p.id}`), 404);
  // shufu's list holds it, filtered by school, org, status and kind
  for (const q of [`school=${SCHOOL}`, 'org=653121', 'status=draft', 'kind=teacher_support', `year=${YEAR + 1}`, `lead=${COUNTY_HELPER}`]) {
    const l = await listAll(c.shufu, `/api/v1/projects?${q}&limit=100`);
    assert.ok(l.some((x) => x.id === p.id), q);
  }
  assert.ok(!(await listAll(c.shufu, `/api/v1/projects?year=${YEAR + 3}&limit=100`)).some((x) => x.id === p.id));
  assert.ok(!(await listAll(c.shufu, '/api/v1/projects?status=accepted&limit=100')).some((x) => x.id === p.id));
  expectError(await c.shufu.get('/api/v1/projects?status=bogus'), 400, 'bad_param');
  expectError(await c.shufu.get('/api/v1/projects?lagging=2'), 400, 'bad_param');
  // the evaluator: only assigned projects, whatever their evaluator grant reaches
  expectError(await c.evaluator.get(`/api/v1/projects/${p.id}`), 404, 'not_found');
  const doc = (await c.admin.get('/api/v1/openapi.json')).json;
  const before = await listAll(c.evaluator, '/api/v1/projects?limit=200');
  assert.ok(!before.some((x) => x.id === p.id));
  if (doc.paths['/api/v1/projects/{id}/evaluators']) {
    const q = await create('shufu', { title: '评估分配测试' });
    await ok('shufu', q.id, 'submit');
    await ok('shufu2', q.id, 'approve', '同意');
    await ok('shufu', q.id, 'start');
    expectStatus(await c.shufu.post(`/api/v1/projects/${q.id}/evaluators`, { login: 'evaluator', period: String(YEAR) }), [200, 201]);
    const now = await listAll(c.evaluator, '/api/v1/projects?limit=200');
    assert.deepEqual(now.map((x) => x.id).sort(), [...before.map((x) => x.id), q.id].sort());
    expectStatus(await c.evaluator.get(`/api/v1/projects/${q.id}`), 200);
    expectError(await c.evaluator.get(`/api/v1/projects/${p.id}`), 404, 'not_found');
  } else {
    assert.deepEqual(before, [], 'no assignments without the evaluation module');
  }
  // a parent holds no project right at all
  expectError(await c.parent.get('/api/v1/projects'), 403, 'forbidden');
  expectError(await c.parent.get(`/api/v1/projects/${p.id}`), 403, 'forbidden');
  expectError(await c.parent.post('/api/v1/projects', app()), 403, 'forbidden');
  expectError(await act('parent', p.id, 'submit'), 403, 'forbidden');
  expectStatus(await get('parent', '/projects'), 403);
});

test('bad input answers 422 naming the field, and writes nothing', async () => {
  const count = async () => (await listAll(c.admin, '/api/v1/projects?limit=500')).length;
  const n0 = await count();
  const hotanNeed = expectStatus(await c.hotan.post('/api/v1/needs', {
    school: HOTAN_SCHOOL, category: 'teachers', subject: '音乐', quantity: 1, unit: 'teachers', priority: 3,
  }), 201).json;
  const cases = [
    [{ title: '' }, 'title'], [{ title: 5 }, 'title'], [{ kind: 'party' }, 'kind'],
    [{ start_date: '2026-02-30' }, 'start_date'], [{ end_date: '31/12/2026' }, 'end_date'],
    [{ start_date: `${YEAR + 1}-06-01`, end_date: `${YEAR + 1}-05-31` }, 'end_date'],
    [{ recipients: ['6539999999'] }, 'recipients'], [{ recipients: [] }, 'recipients'],
    [{ recipients: [HELPER] }, 'recipients'], [{ recipients: [SCHOOL, SCHOOL] }, 'recipients'],
    [{ recipients: 'x' }, 'recipients'],
    [{ needs: [hotanNeed.id] }, 'needs'], [{ needs: ['1'] }, 'needs'], [{ needs: [99999999] }, 'needs'],
    [{ budget_fen: -1 }, 'budget_fen'], [{ budget_fen: 1.5 }, 'budget_fen'], [{ budget_fen: '100' }, 'budget_fen'],
    [{ lead: SCHOOL }, 'lead'], [{ lead: 'NOPE' }, 'lead'], [{ lead: HOTAN_SCHOOL }, 'lead'],
    [{ summary: 'a\u0001b' }, 'summary'],
  ];
  for (const [extra, field] of cases) {
    const e = expectError(await c.shufu.post('/api/v1/projects', app(extra)), 422, 'invalid', JSON.stringify(extra));
    assert.ok(e.message.startsWith(field + ' '), `${JSON.stringify(extra)}: ${e.message}`);
  }
  // a need of the right school is fine; of another school (even one the caller sees) not
  const mine = expectStatus(await c.shufu.post('/api/v1/needs', {
    school: SCHOOL, category: 'equipment', quantity: 2, unit: 'sets', priority: 3,
  }), 201).json;
  const e = expectError(await c.admin.post('/api/v1/projects', app({ needs: [hotanNeed.id] })), 422, 'invalid');
  assert.match(e.message, /^needs /);
  const withNeed = await create('shufu', { needs: [mine.id], title: '关联需求' });
  assert.deepEqual(withNeed.needs, [mine.id]);
  // a missing required field, unknown field, bad JSON
  const { title: _t, ...noTitle } = app();
  assert.match(expectError(await c.shufu.post('/api/v1/projects', noTitle), 422, 'invalid').message, /^title /);
  expectError(await c.shufu.post('/api/v1/projects', { ...app(), colour: 'red' }), 422, 'unknown_field');
  expectError(await c.shufu.post('/api/v1/projects', '{"title":'), 400, 'bad_json');
  // out of reach lead: hotan cannot apply for a 653121 school's project
  assert.match(expectError(await c.hotan.post('/api/v1/projects', app()), 422, 'invalid').message, /^lead /);
  assert.equal(await count(), n0 + 1);
  // a bad comment type on a transition
  expectError(await c.shufu.post(`/api/v1/projects/${withNeed.id}/transitions`, { action: 'submit', comment: 5 }), 422, 'invalid');
  expectError(await c.shufu.post(`/api/v1/projects/${withNeed.id}/transitions`, { action: 'submit', x: 1 }), 422, 'unknown_field');
});

test('the approval rules: a table, replaced as a whole, checked', async () => {
  const rules = expectStatus(await c.shufu.get('/api/v1/approval-rules'), 200).json.items;
  assert.equal(rules.length, 9);
  const county = rules.filter((x) => x.scope_kind === 'county').map((x) => [x.min_fen, x.max_fen, x.top_level]);
  assert.deepEqual(county, [[0, 50000000, 'county'], [50000000, 200000000, 'prefecture'], [200000000, null, 'region']]);
  expectError(await c.kashgar.put('/api/v1/approval-rules', { rules }), 403, 'forbidden');
  const bad = [
    [[{ scope_kind: 'county', min_fen: 0, max_fen: 100, top_level: 'county' }, { scope_kind: 'county', min_fen: 50, max_fen: null, top_level: 'region' }], 'rules[1].min_fen'],
    [[{ scope_kind: 'prefecture', min_fen: 0, max_fen: null, top_level: 'county' }], 'rules[0].top_level'],
    [[{ scope_kind: 'town', min_fen: 0, top_level: 'county' }], 'rules[0].scope_kind'],
    [[{ scope_kind: 'county', min_fen: 100, max_fen: 100, top_level: 'county' }], 'rules[0].max_fen'],
  ];
  for (const [set, field] of bad) {
    const e = expectError(await c.admin.put('/api/v1/approval-rules', { rules: set }), 422, 'invalid');
    assert.ok(e.message.startsWith(field), e.message);
  }
  expectError(await c.admin.put('/api/v1/approval-rules', { rules: [] }), 422, 'invalid');
  // every county-scope project to the region: the chain follows the table
  const mine = [{ scope_kind: 'county', min_fen: 0, max_fen: null, top_level: 'region' }];
  expectStatus(await c.admin.put('/api/v1/approval-rules', { rules: mine }), 200);
  const p = await create('shufu', { title: '规则测试' });
  assert.deepEqual((await ok('shufu', p.id, 'submit')).chain, ['county', 'prefecture', 'region']);
  // a scope no rule covers cannot be submitted
  const q = await create('helper-leader', { lead: HELPER, title: '无规则' });
  const e = expectError(await act('helper-leader', q.id, 'submit'), 409, 'conflict');
  assert.deepEqual(e.allowed, ['submit']);
  expectStatus(await c.admin.put('/api/v1/approval-rules', { rules: rules.map(({ id: _id, ...x }) => x) }), 200);
  assert.equal(expectStatus(await c.admin.get('/api/v1/approval-rules'), 200).json.items.length, 9);
  // the replacement is audited with before and after
  const trail = expectStatus(await c.admin.get('/api/v1/audit?object=approval_rules:active'), 200).json.items;
  assert.ok(trail.filter((x) => x.action === 'approval_rules.replace').length >= 2);
});

test('the demo: every state, the demo people\'s projects where the brief puts them', async () => {
  const all = await listAll(c.admin, '/api/v1/projects?limit=500');
  const states = new Set(all.map((x) => x.status));
  for (const s of Object.keys(LEGAL)) assert.ok(states.has(s), `a demo project ${s}`);
  assert.ok(all.length >= 40, `${all.length} projects`);
  // (a school out of the helper's reach cannot be a filter: 404 like a missing one)
  expectError(await c['helper-leader'].get(`/api/v1/projects?school=${SCHOOL}`), 404, 'not_found');
  const hl = (await listAll(c['helper-leader'], `/api/v1/projects?lead=${HELPER}&limit=100`)).filter((x) => x.recipients.includes(SCHOOL));
  assert.ok(hl.some((x) => x.status === 'in_progress' && x.created_by === 'helper-leader'));
  assert.ok(hl.some((x) => x.status === 'draft' && x.created_by === 'helper-leader'));
  assert.ok(hl.some((x) => x.status === 'completed'));
  const shufuTodo = (await listAll(c.shufu, '/api/v1/projects?status=submitted&limit=100')).filter((x) => x.my_actions.includes('approve'));
  assert.ok(shufuTodo.some((x) => x.next_level === 'county' && x.scope === '653121'), 'one awaits shufu');
  const kashgarTodo = (await listAll(c.kashgar, '/api/v1/projects?status=submitted&limit=200')).filter((x) => x.my_actions.includes('approve'));
  assert.ok(kashgarTodo.some((x) => x.next_level === 'prefecture'), 'one awaits kashgar');
  // decisions agree with the chains
  for (const x of all) {
    const approvals = x.decisions.filter((d) => d.decision === 'approve');
    if (['approved', 'in_progress', 'suspended', 'completed', 'accepted'].includes(x.status)) {
      assert.deepEqual(approvals.slice(-x.chain.length).map((d) => d.level), x.chain, `#${x.id}`);
      assert.equal(x.level_done, x.top_level);
    }
    if (x.status === 'rejected') assert.equal(x.decisions.at(-1).decision, 'reject');
    if (x.status === 'draft') assert.equal(x.top_level, null);
  }
});

test('Excel export of the filtered list is a real workbook', async () => {
  const res = await page(srv.url, '/projects.xlsx?org=653121', { cookie: sess.shufu.cookie });
  expectStatus(res, 200);
  assert.match(res.headers['content-type'], /spreadsheetml/);
  assert.ok(res.text.startsWith('PK'), 'a zip file');
  expectStatus(await get('hotan', '/projects.xlsx?org=653121'), 404);
});

test('pages: the list, the form with CSRF, a project with its chain and buttons, the edit form', async () => {
  const list = expectStatus(await get('shufu', '/projects?org=653121'), 200).text;
  assert.ok(list.includes('/projects.xlsx?org=653121'));
  assert.ok(list.includes('project-counts'));
  const form = expectStatus(await get('shufu', `/projects/new?schools=${SCHOOL}`), 200).text;
  assert.ok(form.includes('name=_csrf'));
  assert.ok(form.includes(`value="${COUNTY_HELPER}"`), 'the county helper is offered as lead');
  assert.ok(form.includes(`name=recipients value="${SCHOOL}" checked`));
  const fields = {
    title: '页面申报测试', kind: 'training', lead: COUNTY_HELPER, recipients: SCHOOL, recipient_codes: '',
    start_date: `${YEAR + 1}-04-01`, end_date: `${YEAR + 1}-10-31`, budget: '12,000.50', summary: '页面',
  };
  expectStatus(await postForm('shufu', '/projects', fields, { csrf: false }), 403);
  const bad = await postForm('shufu', '/projects', { ...fields, end_date: `${YEAR + 1}-01-01` });
  expectStatus(bad, 422);
  assert.ok(bad.text.includes('end_date') && bad.text.includes('页面申报测试'), 'the field named, the input kept');
  expectStatus(await postForm('shufu', '/projects', { ...fields, budget: '-5' }), 422);
  const made = expectStatus(await postForm('shufu', '/projects', fields), 303);
  const id = Number(/\/projects\/(\d+)$/.exec(made.headers.location)[1]);
  const p = (await c.shufu.get(`/api/v1/projects/${id}`)).json;
  assert.equal(p.budget_fen, 1200050);
  assert.equal(p.status, 'draft');
  // the edit form of the draft
  expectStatus(await postForm('shufu', `/projects/${id}`, { ...fields, title: '页面申报测试（改）' }), 303);
  assert.equal((await c.shufu.get(`/api/v1/projects/${id}`)).json.title, '页面申报测试（改）');
  let show = expectStatus(await get('shufu', `/projects/${id}`), 200).text;
  assert.ok(show.includes('value="submit"'));
  expectStatus(await postForm('shufu', `/projects/${id}/transition`, { action: 'submit' }, { csrf: false }), 403);
  expectStatus(await postForm('shufu', `/projects/${id}/transition`, { action: 'submit' }), 303);
  // the county's other official sees the approve and return buttons; a return needs reasons
  show = expectStatus(await get('shufu2', `/projects/${id}`), 200).text;
  assert.ok(show.includes('value="approve"') && show.includes('value="reject"'));
  assert.ok(show.includes('project-chain'));
  const noReason = await postForm('shufu2', `/projects/${id}/transition`, { action: 'reject', comment: '' });
  expectStatus(noReason, 422);
  assert.ok(noReason.text.includes('comment'));
  expectStatus(await postForm('shufu2', `/projects/${id}/transition`, { action: 'approve', comment: '同意' }), 303);
  show = expectStatus(await get('shufu', `/projects/${id}`), 200).text;
  assert.ok(show.includes('同意') && show.includes('shufu2'));
  // an illegal action by form: 409 with the page
  expectStatus(await postForm('shufu', `/projects/${id}/transition`, { action: 'accept', comment: 'x' }), 409);
  // editing outside draft/rejected: 409
  expectStatus(await postForm('shufu', `/projects/${id}`, fields), 409);
  expectStatus(await get('hotan', `/projects/${id}`), 404);
  // the demo's helper-leader sees its own projects and the form
  expectStatus(await get('helper-leader', '/projects'), 200);
  expectStatus(await get('helper-leader', '/projects/new'), 200);
  expectStatus(await get('shufu', '/projects?lagging=1'), 200);
  expectStatus(await get('shufu', '/projects?status=nope'), 400);
});
