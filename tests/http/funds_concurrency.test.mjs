// Earmarking under concurrency: two server processes on the SAME database
// (meaningful on PostgreSQL, where they really run side by side; on SQLite the
// writes serialise, and the test must pass too). Concurrent approvals, spread
// over both servers, can never together spend more than the line: of 20 pending
// expenditures of 10,000 fen on a line of 100,000, exactly 10 are approved and
// 10 answered 409; concurrent line creation can never commit more than the fund;
// a final approval sent ten times at once spends once. The audit chain stays
// intact (huiju check).
import assert from 'node:assert/strict';
import { test, before, after, startServer, login, client, run, expectStatus, listAll } from './lib.mjs';

const COUNTY = '653121';
const YEAR = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();
const TODAY = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

let one, two; // the two servers
const on = {}; // who → [client on server one, client on server two]
let project;

before(async () => {
  one = await startServer();
  two = await startServer({ db: one.db });
  for (const who of ['shufu', 'shufu2', 'helper-leader']) {
    on[who] = [client(one.url, await login(one.url, who)), client(two.url, await login(two.url, who))];
  }
  const mine = await listAll(on.shufu[0], `/api/v1/projects?org=${COUNTY}&status=in_progress&limit=200`);
  project = mine[0];
  assert.ok(project, 'an in-progress project in 653121');
});
after(async () => {
  await two?.stop();
  await one?.stop();
});

const fund = async (amount, threshold) =>
  expectStatus(await on.shufu[0].post('/api/v1/funds', {
    source: 'government', name: `并发测试经费 ${amount}/${threshold}`, owner: COUNTY, year: YEAR,
    amount_fen: amount, dual_approval_fen: threshold,
  }), 201).json;
const line = async (f, amount) =>
  expectStatus(await on.shufu[1].post('/api/v1/budget-lines', {
    fund: f.id, project: project.id, category: 'software', amount_fen: amount,
  }), 201).json;
const statuses = (rs) => rs.map((r) => r.status).sort().join(',');
const count = (rs, s) => rs.filter((r) => r.status === s).length;

test('20 concurrent final approvals of 10,000 on a line of 100,000, over two servers: exactly 10 pass', async () => {
  const f = await fund(1_000_000, 10_000); // every one of these needs two approvers
  const l = await line(f, 100_000);
  const ids = [];
  for (let i = 0; i < 20; i++) {
    const e = await on['helper-leader'][i % 2].post('/api/v1/expenditures', {
      line: l.id, amount_fen: 10_000, spent_on: TODAY, payee: '讲师', voucher: `C-${i}`,
    });
    ids.push(expectStatus(e, 201, `recording ${i}`).json.id);
  }
  // the first approvals, all at once: recorded, nothing spent
  const firsts = await Promise.all(ids.map((id, i) => on.shufu2[i % 2].post(`/api/v1/expenditures/${id}/approve`)));
  assert.equal(count(firsts, 200), 20, statuses(firsts));
  for (const r of firsts) assert.equal(r.json.status, 'pending');
  assert.equal(expectStatus(await on.shufu[0].get(`/api/v1/budget-lines/${l.id}`), 200).json.spent_fen, 0);
  // the second approvals, all at once, alternating servers: the line holds ten
  const finals = await Promise.all(ids.map((id, i) => on.shufu[i % 2].post(`/api/v1/expenditures/${id}/approve`)));
  assert.equal(count(finals, 200), 10, statuses(finals));
  assert.equal(count(finals, 409), 10, statuses(finals));
  for (const r of finals.filter((x) => x.status === 409)) assert.match(r.json.error.message, /\S/);
  const after1 = expectStatus(await on.shufu[1].get(`/api/v1/budget-lines/${l.id}`), 200).json;
  assert.equal(after1.spent_fen, 100_000);
  const exps = await listAll(on.shufu[0], `/api/v1/expenditures?line=${l.id}`);
  const approved = exps.filter((e) => e.status === 'approved');
  assert.equal(approved.length, 10);
  assert.equal(approved.reduce((s, e) => s + e.amount_fen, 0), after1.spent_fen, 'the approved sum is what was spent');
  for (const e of approved) {
    assert.equal(e.approver1, 'shufu2');
    assert.equal(e.approver2, 'shufu');
  }
  assert.equal(exps.filter((e) => e.status === 'pending').length, 10, 'the refused ones stay pending');
});

test('20 concurrent lines of 10,000 on a fund of 100,000, over two servers: exactly 10 are drawn', async () => {
  const f = await fund(100_000, 5_000_000);
  const rs = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    on.shufu[i % 2].post('/api/v1/budget-lines', { fund: f.id, project: project.id, category: i % 2 ? 'hardware' : 'software', amount_fen: 10_000 })));
  assert.equal(count(rs, 201), 10, statuses(rs));
  assert.equal(count(rs, 409), 10, statuses(rs));
  const now = expectStatus(await on.shufu[1].get(`/api/v1/funds/${f.id}`), 200).json;
  assert.equal(now.committed_fen, 100_000);
  const lines = await listAll(on.shufu[0], `/api/v1/budget-lines?fund=${f.id}`);
  assert.equal(lines.length, 10);
  assert.equal(lines.reduce((s, x) => s + x.amount_fen, 0), now.committed_fen);
});

test('one final approval sent ten times at once, to both servers, spends once', async () => {
  const f = await fund(1_000_000, 5_000_000);
  const l = await line(f, 50_000);
  const e = expectStatus(await on['helper-leader'][0].post('/api/v1/expenditures', {
    line: l.id, amount_fen: 7_000, spent_on: TODAY, payee: '讲师', voucher: 'D-1',
  }), 201).json;
  const rs = await Promise.all(Array.from({ length: 10 }, (_, i) =>
    on[i % 4 < 2 ? 'shufu' : 'shufu2'][i % 2].post(`/api/v1/expenditures/${e.id}/approve`)));
  assert.equal(count(rs, 200), 1, statuses(rs));
  assert.equal(count(rs, 409), 9, statuses(rs));
  assert.equal(expectStatus(await on.shufu[1].get(`/api/v1/budget-lines/${l.id}`), 200).json.spent_fen, 7_000);
  // and the same voucher recorded at once on both servers: one is refused
  const vs = await Promise.all([0, 1, 0, 1].map((i) => on['helper-leader'][i].post('/api/v1/expenditures', {
    line: l.id, amount_fen: 100, spent_on: TODAY, payee: '讲师', voucher: 'D-2',
  })));
  assert.equal(count(vs, 201), 1, statuses(vs));
  assert.equal(count(vs, 409), 3, statuses(vs));
});

test('huiju check: the audit chain is intact after the concurrent writes', async () => {
  const r = run(['check', '--db', one.db]);
  assert.equal(r.status, 0, r.out);
});
