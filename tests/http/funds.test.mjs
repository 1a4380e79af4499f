// Funds (经费): funds, budget lines and expenditures through the API and the pages.
// Every earmarking rule — nothing over the line (409), nothing over the fund (409),
// nothing charged to another category or project (422), a voucher once per line
// (409) — one and two approvers, no self-approval, never the same person twice,
// scope (a hotan official never sees a 疏附县 fund, approval out of reach is 404,
// a parent is refused), the auditor's read-only chain, the views adding up to the
// lines, the figures they feed, real Excel files, and bad input named by field.
import assert from 'node:assert/strict';
import {
  test, before, after, startServer, login, client, page, run, expectStatus, expectError, listAll,
} from './lib.mjs';

const COUNTY = '653121'; // 疏附县: shufu, shufu2
const SCHOOL = '6531210001'; // its recipient school: leader, liaison, parent
const YEAR = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();
const TODAY = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

let srv;
const sess = {};
const c = {};
const WHO = ['admin', 'shufu', 'shufu2', 'hotan', 'kashgar', 'auditor', 'parent', 'leader', 'helper-leader'];

// two projects under way for 6531210001 and a draft, as shufu sees them
let project, other, draft;

before(async () => {
  srv = await startServer();
  for (const who of WHO) {
    sess[who] = await login(srv.url, who);
    c[who] = client(srv.url, sess[who]);
  }
  const mine = await listAll(c.shufu, `/api/v1/projects?org=${COUNTY}&limit=200`);
  const fundable = mine.filter((p) => ['approved', 'in_progress', 'completed'].includes(p.status));
  project = fundable.find((p) => p.lead === '6501020001') || fundable[0];
  other = fundable.find((p) => p.id !== project.id);
  draft = mine.find((p) => p.status === 'draft');
  assert.ok(project && other && draft, 'the demo has two fundable projects and a draft in 653121');
});
after(async () => {
  await srv?.stop();
});

const get = (who, p) => page(srv.url, p, { cookie: sess[who].cookie });
const postForm = (who, p, form) =>
  page(srv.url, p, { method: 'POST', cookie: sess[who].cookie, form: { _csrf: sess[who].csrf, ...form } });

let serial = 0;
const fundBody = (extra = {}) => ({
  source: 'government', name: `测试专项经费 ${++serial}`, owner: COUNTY, year: YEAR,
  amount_fen: 1_000_000, dual_approval_fen: 300_000, ...extra,
});
const newFund = async (extra) => expectStatus(await c.shufu.post('/api/v1/funds', fundBody(extra)), 201).json;
const newLine = async (fund, amount = 400_000, extra = {}) =>
  expectStatus(await c.shufu.post('/api/v1/budget-lines', {
    fund: fund.id, project: project.id, category: 'software', amount_fen: amount, ...extra,
  }), 201).json;
let vouchers = 0;
const exp = (line, amount, extra = {}) => ({
  line: line.id, amount_fen: amount, spent_on: TODAY, payee: '新疆教师发展中心',
  voucher: `T-${++vouchers}`, ...extra,
});
const lineNow = async (id) => expectStatus(await c.shufu.get(`/api/v1/budget-lines/${id}`), 200).json;
const fundNow = async (id) => expectStatus(await c.shufu.get(`/api/v1/funds/${id}`), 200).json;

// The message of a 422 starts with the field's name.
function expectField(res, field, what = '') {
  const e = expectError(res, 422, undefined, what);
  assert.ok(e.message.startsWith(field), `${what}: message "${e.message}" should name ${field}`);
}

test('a fund is created in fen by fund.write at its owner; bad amounts are refused naming the field', async () => {
  const res = expectStatus(await c.shufu.post('/api/v1/funds', fundBody()), 201);
  const f = res.json;
  assert.equal(f.owner, COUNTY);
  assert.equal(f.amount_fen, 1_000_000);
  assert.equal(f.committed_fen, 0);
  assert.equal(f.left_fen, 1_000_000);
  assert.equal(res.headers.location, `/api/v1/funds/${f.id}`);
  for (const [amount, what] of [['12.345', 'text with three decimals'], [-5, 'negative'], ['abc', 'text'], [12.5, 'half a fen'], [0, 'nothing']]) {
    expectField(await c.shufu.post('/api/v1/funds', fundBody({ amount_fen: amount })), 'amount_fen', what);
  }
  expectField(await c.shufu.post('/api/v1/funds', fundBody({ dual_approval_fen: -1 })), 'dual_approval_fen');
  expectField(await c.shufu.post('/api/v1/funds', fundBody({ source: 'loan' })), 'source');
  expectField(await c.shufu.post('/api/v1/funds', fundBody({ year: '2026' })), 'year');
  expectField(await c.shufu.post('/api/v1/funds', fundBody({ owner: SCHOOL })), 'owner', 'a school owns no fund');
  expectField(await c.shufu.post('/api/v1/funds', fundBody({ name: '' })), 'name');
  expectError(await c.shufu.post('/api/v1/funds', { ...fundBody(), colour: 'red' }), 422, 'unknown_field');
  expectError(await c.shufu.post('/api/v1/funds', '{"source":'), 400, 'bad_json');
  // nothing half-written: the refused ones left no fund behind
  const all = await listAll(c.shufu, `/api/v1/funds?org=${COUNTY}&year=${YEAR}&limit=500`);
  assert.ok(all.every((x) => !x.name.startsWith('测试专项经费') || x.amount_fen === 1_000_000));
  // out of reach or without the right
  expectError(await c.hotan.post('/api/v1/funds', fundBody()), 404, 'not_found', 'hotan for 653121');
  expectError(await c.auditor.post('/api/v1/funds', fundBody()), 403, 'forbidden');
  expectError(await c.parent.get('/api/v1/funds'), 403, 'forbidden');
  // a hotan official cannot see it, a parent cannot ask, the region and the prefecture can
  expectError(await c.hotan.get(`/api/v1/funds/${f.id}`), 404, 'not_found');
  expectError(await c.hotan.patch(`/api/v1/funds/${f.id}`, { amount_fen: 'x' }), 404, 'not_found', 'a bad field out of reach is still 404');
  assert.ok(!(await listAll(c.hotan, '/api/v1/funds?limit=500')).some((x) => x.id === f.id));
  expectStatus(await c.kashgar.get(`/api/v1/funds/${f.id}`), 200);
  expectStatus(await c.auditor.get(`/api/v1/funds/${f.id}`), 200);
  expectError(await c.auditor.patch(`/api/v1/funds/${f.id}`, { name: 'x' }), 403, 'forbidden');
  // owner and year stay
  expectField(await c.shufu.patch(`/api/v1/funds/${f.id}`, { year: YEAR + 1 }), 'year');
  const p = expectStatus(await c.shufu.patch(`/api/v1/funds/${f.id}`, { name: '改名', amount_fen: 1_200_000 }), 200).json;
  assert.equal(p.name, '改名');
  assert.equal(p.amount_fen, 1_200_000);
  const audit = expectStatus(await c.admin.get(`/api/v1/audit?object=fund:${f.id}`), 200).json.items;
  assert.deepEqual(audit.map((a) => a.action).sort(), ['fund.create', 'fund.update']);
});

test('a line never commits more than its fund has left; a fund never goes below its lines', async () => {
  const f = await newFund();
  const l1 = await newLine(f, 600_000);
  assert.equal(l1.project, project.id);
  assert.equal(l1.fund, f.id);
  assert.equal((await fundNow(f.id)).committed_fen, 600_000);
  const over = await c.shufu.post('/api/v1/budget-lines?lang=en', { fund: f.id, project: project.id, category: 'hardware', amount_fen: 400_001 });
  const e = expectError(over, 409, 'conflict', 'over the fund');
  assert.match(e.message, /not enough left in the fund/);
  assert.match(e.message, /4,000\.00/);
  assert.equal(over.json.error.left_fen, 400_000);
  await newLine(f, 400_000, { category: 'hardware' }); // exactly what is left
  const full = await fundNow(f.id);
  assert.equal(full.committed_fen, 1_000_000);
  assert.equal(full.left_fen, 0);
  // the fund's amount never below its lines; the line raised only within the fund
  expectError(await c.shufu.patch(`/api/v1/funds/${f.id}`, { amount_fen: 999_999 }), 409, 'conflict');
  expectError(await c.shufu.patch(`/api/v1/budget-lines/${l1.id}`, { amount_fen: 600_001 }), 409, 'conflict');
  expectStatus(await c.shufu.patch(`/api/v1/funds/${f.id}`, { amount_fen: 1_100_000 }), 200);
  const raised = expectStatus(await c.shufu.patch(`/api/v1/budget-lines/${l1.id}`, { amount_fen: 700_000 }), 200).json;
  assert.equal(raised.amount_fen, 700_000);
  assert.equal((await fundNow(f.id)).committed_fen, 1_100_000);
  // lowered releases; never below what is spent
  const x = expectStatus(await c['helper-leader'].post('/api/v1/expenditures', exp(l1, 200_000)), 201).json;
  expectStatus(await c.shufu.post(`/api/v1/expenditures/${x.id}/approve`), 200);
  expectError(await c.shufu.patch(`/api/v1/budget-lines/${l1.id}`, { amount_fen: 199_999 }), 409, 'conflict');
  expectStatus(await c.shufu.patch(`/api/v1/budget-lines/${l1.id}`, { amount_fen: 200_000 }), 200);
  assert.equal((await fundNow(f.id)).committed_fen, 600_000);
  // only projects under way; known categories; the fund's owner's people only
  expectError(await c.shufu.post('/api/v1/budget-lines', { fund: f.id, project: draft.id, category: 'other', amount_fen: 100 }), 409, 'conflict', 'a draft project');
  expectField(await c.shufu.post('/api/v1/budget-lines', { fund: f.id, project: project.id, category: 'training', amount_fen: 100 }), 'category');
  expectField(await c.shufu.post('/api/v1/budget-lines', { fund: f.id, project: project.id, category: 'other', amount_fen: '1.5' }), 'amount_fen');
  expectField(await c.shufu.patch(`/api/v1/budget-lines/${l1.id}`, { category: 'other' }), 'category');
  expectError(await c.hotan.post('/api/v1/budget-lines', { fund: f.id, project: project.id, category: 'other', amount_fen: 100 }), 404, 'not_found');
  // the lead side sees the fund through its project's line, but draws nothing on it
  expectStatus(await c['helper-leader'].get(`/api/v1/funds/${f.id}`), 200);
  expectError(await c['helper-leader'].post('/api/v1/budget-lines', { fund: f.id, project: project.id, category: 'other', amount_fen: 100 }), 403, 'forbidden');
});

test('expenditures: the line\'s own project and category, a voucher once, never over the line, a real date', async () => {
  const f = await newFund();
  const line = await newLine(f, 400_000);
  const lead = c['helper-leader'];
  const e1 = expectStatus(await lead.post('/api/v1/expenditures', exp(line, 100_000, { project: project.id, category: 'software' })), 201).json;
  assert.equal(e1.status, 'pending');
  assert.equal(e1.awaiting, 'approval');
  assert.equal(e1.project, project.id);
  assert.equal(e1.category, 'software');
  assert.equal(e1.created_by, 'helper-leader');
  assert.equal((await lineNow(line.id)).pending_fen, 100_000);
  // another project or category: 422 naming the field, nothing written
  const wrongP = await lead.post('/api/v1/expenditures?lang=en', exp(line, 1000, { project: other.id }));
  expectField(wrongP, 'project');
  assert.match(wrongP.json.error.message, /another category or project/);
  expectField(await lead.post('/api/v1/expenditures', exp(line, 1000, { category: 'hardware' })), 'category');
  // a voucher once per line
  const dup = await lead.post('/api/v1/expenditures', exp(line, 1000, { voucher: e1.voucher }));
  expectError(dup, 409, 'conflict', 'duplicate voucher');
  assert.equal(dup.json.error.field, 'voucher');
  // never over what the line has left
  const big = await lead.post('/api/v1/expenditures?lang=en', exp(line, 400_001));
  expectError(big, 409, 'conflict', 'over the line');
  assert.match(big.json.error.message, /would exceed the line/);
  // dates, amounts, texts
  const tomorrow = new Date(Date.now() + 8 * 3600 * 1000 + 86400 * 1000).toISOString().slice(0, 10);
  expectField(await lead.post('/api/v1/expenditures', exp(line, 1000, { spent_on: tomorrow })), 'spent_on', 'the future');
  expectField(await lead.post('/api/v1/expenditures', exp(line, 1000, { spent_on: `${YEAR - 2}-06-01` })), 'spent_on', 'two years before');
  expectField(await lead.post('/api/v1/expenditures', exp(line, 1000, { spent_on: `${YEAR}-02-30` })), 'spent_on', 'no such day');
  for (const amount of ['12.345', -5, 'abc', 0]) expectField(await lead.post('/api/v1/expenditures', exp(line, amount)), 'amount_fen', String(amount));
  expectField(await lead.post('/api/v1/expenditures', exp(line, 1000, { payee: '' })), 'payee');
  expectField(await lead.post('/api/v1/expenditures', exp(line, 1000, { voucher: '' })), 'voucher');
  expectField(await lead.post('/api/v1/expenditures', { ...exp(line, 1000), line: 'x' }), 'line');
  // who records: the lead side or the owner; not the recipient school's leader; nobody out of reach
  expectError(await c.leader.post('/api/v1/expenditures', exp(line, 1000)), 403, 'forbidden');
  expectError(await c.hotan.post('/api/v1/expenditures', exp(line, 1000)), 404, 'not_found');
  expectStatus(await c.shufu.post('/api/v1/expenditures', exp(line, 1000)), 201);
  const list = await listAll(c.shufu, `/api/v1/expenditures?line=${line.id}`);
  assert.equal(list.length, 2, 'only the two accepted ones were written');
  // a rejected claim frees its voucher for the corrected one
  expectField(await c.shufu.post(`/api/v1/expenditures/${e1.id}/reject`, {}), 'reason');
  const rej = expectStatus(await c.shufu.post(`/api/v1/expenditures/${e1.id}/reject`, { reason: '发票金额不符' }), 200).json;
  assert.equal(rej.status, 'rejected');
  assert.equal(rej.rejected_by, 'shufu');
  assert.equal(rej.reject_reason, '发票金额不符');
  expectError(await c.shufu.post(`/api/v1/expenditures/${e1.id}/approve`), 409, 'conflict', 'approve after reject');
  expectStatus(await lead.post('/api/v1/expenditures', exp(line, 90_000, { voucher: e1.voucher })), 201);
  assert.equal((await lineNow(line.id)).spent_fen, 0, 'nothing is spent before an approval');
});

test('approval: one approver below the threshold, two different people from it; never the recorder', async () => {
  const f = await newFund({ dual_approval_fen: 300_000, amount_fen: 2_000_000 });
  const line = await newLine(f, 1_000_000);
  const lead = c['helper-leader'];
  // below the threshold: one approval moves the money
  const small = expectStatus(await lead.post('/api/v1/expenditures', exp(line, 299_999)), 201).json;
  assert.equal(small.needs_two, false);
  const a = expectStatus(await c.shufu.post(`/api/v1/expenditures/${small.id}/approve`), 200).json;
  assert.equal(a.status, 'approved');
  assert.equal(a.approver1, 'shufu');
  assert.equal(a.approver2, null);
  assert.equal((await lineNow(line.id)).spent_fen, 299_999);
  expectError(await c.shufu2.post(`/api/v1/expenditures/${small.id}/approve`), 409, 'conflict', 'approved twice');
  assert.equal((await lineNow(line.id)).spent_fen, 299_999, 'a second approval spends nothing');
  // from the threshold on: the first approval is recorded, the money moves at the second
  const big = expectStatus(await lead.post('/api/v1/expenditures', exp(line, 300_000)), 201).json;
  assert.equal(big.needs_two, true);
  assert.equal(big.awaiting, 'first_approval');
  const first = expectStatus(await c.shufu.post(`/api/v1/expenditures/${big.id}/approve`), 200).json;
  assert.equal(first.status, 'pending');
  assert.equal(first.approver1, 'shufu');
  assert.equal(first.awaiting, 'second_approval');
  assert.equal((await lineNow(line.id)).spent_fen, 299_999, 'nothing moves at the first approval');
  expectError(await c.shufu.post(`/api/v1/expenditures/${big.id}/approve`), 409, 'conflict', 'the same person twice');
  const done = expectStatus(await c.kashgar.post(`/api/v1/expenditures/${big.id}/approve`), 200).json;
  assert.equal(done.status, 'approved');
  assert.equal(done.approver2, 'kashgar');
  assert.deepEqual(done.approvals.map((x) => x.by), ['shufu', 'kashgar']);
  assert.equal((await lineNow(line.id)).spent_fen, 599_999);
  // the recorder never approves their own, not as first nor as second
  const own = expectStatus(await c.shufu.post('/api/v1/expenditures', exp(line, 1000)), 201).json;
  expectError(await c.shufu.post(`/api/v1/expenditures/${own.id}/approve`), 403, 'forbidden', 'self-approval');
  expectError(await c.shufu.post(`/api/v1/expenditures/${own.id}/reject`, { reason: 'x' }), 403, 'forbidden');
  expectStatus(await c.shufu2.post(`/api/v1/expenditures/${own.id}/approve`), 200);
  const own2 = expectStatus(await c.shufu2.post('/api/v1/expenditures', exp(line, 300_000)), 201).json;
  expectStatus(await c.shufu.post(`/api/v1/expenditures/${own2.id}/approve`), 200);
  expectError(await c.shufu2.post(`/api/v1/expenditures/${own2.id}/approve`), 403, 'forbidden', 'the recorder as second');
  // out of reach 404; no fund.approve 403; a parent 403
  expectError(await c.hotan.post(`/api/v1/expenditures/${own2.id}/approve`), 404, 'not_found');
  expectError(await c.hotan.get(`/api/v1/expenditures/${own2.id}`), 404, 'not_found');
  expectError(await c.leader.post(`/api/v1/expenditures/${own2.id}/approve`), 403, 'forbidden');
  expectError(await c.auditor.post(`/api/v1/expenditures/${own2.id}/approve`), 403, 'forbidden');
  expectError(await c.parent.post(`/api/v1/expenditures/${own2.id}/approve`), 403, 'forbidden');
  // two pending that fit alone but not together: the second approval is refused
  const l2 = await newLine(f, 100_000, { category: 'personnel' });
  const p1 = expectStatus(await lead.post('/api/v1/expenditures', exp(l2, 60_000, { category: 'personnel' })), 201).json;
  const p2 = expectStatus(await lead.post('/api/v1/expenditures', exp(l2, 60_000)), 201).json;
  expectStatus(await c.shufu.post(`/api/v1/expenditures/${p1.id}/approve`), 200);
  const refused = await c.shufu.post(`/api/v1/expenditures/${p2.id}/approve?lang=en`);
  expectError(refused, 409, 'conflict', 'over the line at approval');
  assert.match(refused.json.error.message, /would exceed the line/);
  assert.equal(refused.json.error.left_fen, 40_000);
  const still = expectStatus(await c.shufu.get(`/api/v1/expenditures/${p2.id}`), 200).json;
  assert.equal(still.status, 'pending');
  assert.equal((await lineNow(l2.id)).spent_fen, 60_000);
  // every step audited
  const acts = expectStatus(await c.admin.get(`/api/v1/audit?object=expenditure:${big.id}`), 200).json.items.map((x) => x.action).sort();
  assert.deepEqual(acts, ['expenditure.approve', 'expenditure.approve1', 'expenditure.create']);
});

test('the auditor reads the whole chain of a fund and writes nothing; others need audit.read', async () => {
  const f = await newFund({ dual_approval_fen: 50_000 });
  const line = await newLine(f, 200_000);
  const e = expectStatus(await c['helper-leader'].post('/api/v1/expenditures', exp(line, 80_000)), 201).json;
  expectStatus(await c.shufu.post(`/api/v1/expenditures/${e.id}/approve`), 200);
  expectStatus(await c.shufu2.post(`/api/v1/expenditures/${e.id}/approve`), 200);
  const chain = expectStatus(await c.auditor.get(`/api/v1/funds/${f.id}/chain`), 200).json;
  assert.equal(chain.fund.id, f.id);
  assert.deepEqual(chain.fund.audit.map((a) => a.action), ['fund.create']);
  assert.equal(chain.lines.length, 1);
  const l = chain.lines[0];
  assert.equal(l.id, line.id);
  assert.deepEqual(l.audit.map((a) => a.action), ['budget_line.create']);
  assert.equal(l.expenditures.length, 1);
  const x = l.expenditures[0];
  assert.deepEqual(x.approvals.map((a) => [a.step, a.by]), [[1, 'shufu'], [2, 'shufu2']]);
  assert.deepEqual(x.audit.map((a) => a.action), ['expenditure.create', 'expenditure.approve1', 'expenditure.approve']);
  const seqs = [...chain.fund.audit, ...l.audit, ...x.audit].map((a) => a.seq);
  assert.deepEqual(seqs, [...seqs].sort((p, q) => p - q), 'budget → approval → expenditure in the order of the audit');
  for (const a of x.audit) {
    assert.match(a.hash, /^[0-9a-f]{64}$/);
    assert.ok(a.at > 0 && a.actor);
  }
  // the page is read-only: no form that writes
  const pg = expectStatus(await get('auditor', `/funds/${f.id}/audit`), 200);
  assert.match(pg.text, /expenditure\.approve1/);
  assert.doesNotMatch(pg.text.split('<main')[1] || pg.text, /<form method=post/);
  // the auditor writes nothing anywhere in the chain
  expectError(await c.auditor.post('/api/v1/expenditures', exp(line, 100)), 403, 'forbidden');
  expectError(await c.auditor.post('/api/v1/budget-lines', { fund: f.id, project: project.id, category: 'other', amount_fen: 100 }), 403, 'forbidden');
  expectError(await c.auditor.post(`/api/v1/expenditures/${e.id}/reject`, { reason: 'x' }), 403, 'forbidden');
  expectStatus(await postForm('auditor', `/expenditures/${e.id}/approve`, {}), 403);
  // the chain needs audit.read; out of reach stays 404
  expectError(await c.shufu.get(`/api/v1/funds/${f.id}/chain`), 403, 'forbidden');
  expectError(await c.hotan.get(`/api/v1/funds/${f.id}/chain`), 403, 'forbidden');
  expectStatus(await get('shufu', `/funds/${f.id}/audit`), 403);
  expectError(await c.parent.get(`/api/v1/funds/${f.id}/chain`), 403, 'forbidden');
});

const sum = (xs, k) => xs.reduce((s, x) => s + x[k], 0);

test('the views add up to the lines, by project, fund, category and unit', async () => {
  for (const [org, year] of [[COUNTY, YEAR], ['653100', 0], ['650000', 2025]]) {
    const q = `org=${org}${year ? `&year=${year}` : ''}`;
    const lines = await listAll(c.admin, `/api/v1/budget-lines?${q}&limit=500`);
    assert.ok(lines.length > 0, `${q}: some lines`);
    for (const by of ['project', 'fund', 'category', 'unit']) {
      const s = expectStatus(await c.admin.get(`/api/v1/funds/summary?${q}&by=${by}`), 200, `${q} ${by}`).json;
      assert.equal(s.by, by);
      assert.equal(sum(s.rows, 'budget_fen'), sum(lines, 'amount_fen'), `${q} by ${by}: budget`);
      assert.equal(sum(s.rows, 'spent_fen'), sum(lines, 'spent_fen'), `${q} by ${by}: spent`);
      assert.equal(sum(s.rows, 'pending_fen'), sum(lines, 'pending_fen'), `${q} by ${by}: pending`);
      assert.equal(s.total.budget_fen, sum(lines, 'amount_fen'));
      assert.equal(s.total.lines, lines.length);
      assert.equal(sum(s.rows, 'lines'), lines.length);
      if (by === 'category') {
        assert.deepEqual(s.rows.map((r) => r.key), ['hardware', 'software', 'personnel', 'other']);
        for (const r of s.rows) assert.equal(r.budget_fen, sum(lines.filter((l) => l.category === r.key), 'amount_fen'));
      }
      if (by === 'project') for (const r of s.rows) assert.equal(r.budget_fen, sum(lines.filter((l) => String(l.project) === r.key), 'amount_fen'));
    }
  }
  // the plan's funding: 500 million yuan in 2024, +20 % a year
  const region = expectStatus(await c.admin.get('/api/v1/funds/summary?org=650000'), 200).json;
  const y = Object.fromEntries(region.funding.map((r) => [r.year, r]));
  assert.equal(y[2024].amount_fen, 50_000_000_000);
  assert.equal(y[2025].amount_fen, 60_000_000_000);
  assert.equal(y[2025].growth_pct, 20);
  assert.ok(Math.abs(y[2024].growth_pct - 20) < 0.01, `2024 growth ${y[2024].growth_pct}`);
  assert.equal(region.funding_growth_target_pct, 20);
  assert.equal(region.software_share_target_pct, 50);
  // the software share is software ÷ all approved, by the year of spending
  const approved = await listAll(c.admin, '/api/v1/expenditures?org=650000&status=approved&limit=500');
  for (const r of region.software_share) {
    const ofYear = approved.filter((e) => e.spent_on.startsWith(String(r.year)));
    assert.equal(r.spent_fen, sum(ofYear, 'amount_fen'), `${r.year}: all approved`);
    assert.equal(r.software_fen, sum(ofYear.filter((e) => e.category === 'software'), 'amount_fen'));
    assert.ok(Math.abs(r.share_pct - (r.software_fen / r.spent_fen) * 100) < 0.01);
  }
  const share = region.software_share.find((r) => r.year === 2025);
  assert.ok(share && share.share_pct > 40 && share.share_pct < 60, `the demo's software share is near half: ${share && share.share_pct}`);
  // the same figures fed to the indicators: the dashboards read them
  const val = async (ind, org, period) =>
    expectStatus(await c.admin.get(`/api/v1/values?indicator=${ind}&org=${org}&period=${period}`), 200).json.value;
  assert.equal(await val('funding_total', '650000', '2024'), 500_000_000);
  assert.equal(await val('funding_growth', '650000', '2025'), 20);
  const s25 = await val('software_spending_share', '650000', '2025');
  assert.ok(Math.abs(s25 - share.share_pct) < 0.01, `indicator ${s25} = view ${share.share_pct}`);
  // bad parameters
  expectError(await c.admin.get('/api/v1/funds/summary?by=colour'), 400, 'bad_param');
  expectError(await c.admin.get('/api/v1/funds/summary?year=20x6'), 400, 'bad_param');
  expectError(await c.hotan.get(`/api/v1/funds/summary?org=${COUNTY}`), 404, 'not_found');
});

test('an approval moves the spending figures at the project\'s lead in the same transaction', async () => {
  const lead = expectStatus(await c.admin.get(`/api/v1/projects/${project.id}`), 200).json.lead;
  const val = async (ind) =>
    (await c.admin.get(`/api/v1/values?indicator=${ind}&org=${lead}&period=${YEAR}`)).json?.value ?? 0;
  const before = await val('spending_total'), soft = await val('spending_software');
  const f = await newFund();
  const line = await newLine(f, 100_000);
  const e = expectStatus(await c['helper-leader'].post('/api/v1/expenditures', exp(line, 12_345)), 201).json;
  assert.equal(await val('spending_total'), before, 'pending counts nothing');
  expectStatus(await c.shufu.post(`/api/v1/expenditures/${e.id}/approve`), 200);
  assert.ok(Math.abs((await val('spending_total')) - before - 123.45) < 1e-6);
  assert.ok(Math.abs((await val('spending_software')) - soft - 123.45) < 1e-6);
  const fundingBefore = (await c.admin.get(`/api/v1/values?indicator=funding_total&org=${COUNTY}&period=${YEAR}`)).json.value;
  await newFund({ amount_fen: 55_500 });
  const fundingAfter = (await c.admin.get(`/api/v1/values?indicator=funding_total&org=${COUNTY}&period=${YEAR}`)).json.value;
  assert.ok(Math.abs(fundingAfter - fundingBefore - 555) < 1e-6);
});

test('Excel: every fund table of a unit, and one fund, as real xlsx files', async () => {
  const isXlsx = (res) => {
    assert.equal(res.status, 200, res.text.slice(0, 200));
    assert.match(res.headers['content-type'], /spreadsheetml/);
    assert.match(res.headers['content-disposition'] || '', /attachment/);
    const b = Buffer.from(res.body);
    assert.equal(b.subarray(0, 4).toString('hex'), '504b0304', 'a zip file');
    return b.toString('latin1');
  };
  const fetchBin = async (who, p) => {
    const r = await fetch(srv.url + p, { headers: { Authorization: `Bearer ${sess[who].token}`, 'X-Forwarded-For': '10.9.9.9' } });
    return { status: r.status, headers: Object.fromEntries(r.headers), body: await r.arrayBuffer(), text: '' };
  };
  const all = isXlsx(await fetchBin('shufu', `/funds.xlsx?org=${COUNTY}&year=${YEAR}`));
  assert.match(all, /xl\/workbook\.xml/);
  for (let i = 1; i <= 9; i++) assert.match(all, new RegExp(`xl/worksheets/sheet${i}\\.xml`), `sheet ${i}`);
  const f = await newFund();
  const one = isXlsx(await fetchBin('shufu', `/funds/${f.id}.xlsx`));
  assert.match(one, /xl\/worksheets\/sheet3\.xml/);
  expectStatus(await c.hotan.get(`/funds/${f.id}.xlsx`), 404);
  expectStatus(await c.parent.get(`/funds.xlsx`), 403);
});

test('pages: the list and views, a fund with its forms, refusals naming the field with the input kept', async () => {
  const idx = expectStatus(await get('shufu', '/funds'), 200);
  assert.match(idx.text, /software-share/);
  assert.match(idx.text, /by-unit/);
  expectStatus(await get('shufu', `/funds?org=${COUNTY}&by=project`), 200);
  expectStatus(await get('parent', '/funds'), 403);
  expectStatus(await get('shufu', '/funds/new'), 200);
  // a new fund by form; bad amounts named, input kept
  for (const amount of ['12.345', '-5', 'abc']) {
    const r = await postForm('shufu', '/funds', { source: 'government', name: '表单经费', owner: COUNTY, year: String(YEAR), amount, dual_approval: '1,000' });
    assert.equal(r.status, 422, `amount ${amount}`);
    assert.match(r.text, /amount/);
    assert.match(r.text, /value="表单经费"/);
  }
  const created = await postForm('shufu', '/funds', { source: 'donation', name: '表单经费', owner: COUNTY, year: String(YEAR), amount: '5,000.00', dual_approval: '1,000' });
  assert.equal(created.status, 303);
  const fundPath = created.headers.location;
  assert.match(fundPath, /^\/funds\/\d+$/);
  const fid = Number(fundPath.split('/').pop());
  // a line by form: over the fund 409, then fine
  const over = await postForm('shufu', `${fundPath}/lines?lang=en`, { project: String(project.id), category: 'software', amount: '5,000.01' });
  assert.equal(over.status, 409);
  assert.match(over.text, /not enough left in the fund/);
  assert.equal((await postForm('shufu', `${fundPath}/lines`, { project: String(project.id), category: 'software', amount: '3,000' })).status, 303);
  const lines = await listAll(c.shufu, `/api/v1/budget-lines?fund=${fid}`);
  assert.equal(lines.length, 1);
  // an expenditure by form from the project page, back to it
  const bad = await postForm('helper-leader', '/expenditures', { line: String(lines[0].id), amount: '12.345', spent_on: TODAY, payee: '讲师', voucher: 'F-1', back: `project:${project.id}` });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /amount/);
  assert.match(bad.text, /value="F-1"/);
  const ok = await postForm('helper-leader', '/expenditures', { line: String(lines[0].id), amount: '1,500', spent_on: TODAY, payee: '讲师', voucher: 'F-1', back: `project:${project.id}` });
  assert.equal(ok.status, 303);
  assert.match(ok.headers.location, new RegExp(`^/projects/${project.id}#e\\d+$`));
  const eid = Number(ok.headers.location.split('#e')[1]);
  const dupe = await postForm('helper-leader', '/expenditures', { line: String(lines[0].id), amount: '1', spent_on: TODAY, payee: '讲师', voucher: 'F-1' });
  assert.equal(dupe.status, 409);
  // the fund page shows approve buttons to an approver, none to the recorder
  const forShufu = expectStatus(await get('shufu', fundPath), 200).text;
  assert.match(forShufu, new RegExp(`/expenditures/${eid}/approve`));
  const forLead = expectStatus(await get('helper-leader', fundPath), 200).text;
  assert.doesNotMatch(forLead, new RegExp(`/expenditures/${eid}/approve`));
  // the project page's section: its lines and the expenditure
  const proj = expectStatus(await get('shufu', `/projects/${project.id}`), 200).text;
  assert.match(proj, /<section id=funds>/);
  assert.match(proj, new RegExp(`/funds/${fid}"`));
  // 1,500 yuan from a threshold of 1,000: two approvals by form; the same person twice is 409
  const ap = await postForm('shufu', `/expenditures/${eid}/approve`, { back: `project:${project.id}` });
  assert.equal(ap.status, 303);
  assert.equal(ap.headers.location, `/projects/${project.id}#e${eid}`);
  assert.equal((await postForm('shufu', `/expenditures/${eid}/approve`, {})).status, 409);
  assert.equal((await postForm('shufu2', `/expenditures/${eid}/approve`, {})).status, 303);
  assert.equal((await postForm('shufu2', `/expenditures/${eid}/approve`, {})).status, 409);
  assert.equal(expectStatus(await c.shufu.get(`/api/v1/expenditures/${eid}`), 200).json.status, 'approved');
  const rj = await postForm('shufu', `/expenditures/${eid}/reject`, { reason: '' });
  assert.equal(rj.status, 409, 'an approved one is not rejected');
  expectStatus(await get('hotan', fundPath), 404);
  assert.equal((await postForm('hotan', `/expenditures/${eid}/approve`, {})).status, 404);
});

test('huiju check: the audit chain is intact after all of it', async () => {
  const r = run(['check', '--db', srv.db]);
  assert.equal(r.status, 0, r.out);
});
