// Milestones, progress reports, evidence files and the lagging flag (capability 8.3):
// validation answering 422 with the field first, the state rules (409), the percentage
// that never falls, uploads checked by size and sniffed type and served back as the same
// bytes, scope (another county's official sees nothing, a parent is refused), lagging
// projects on the API and the dashboards, and the page forms (CSRF inside multipart).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  test, before, after, startServer, login, client, page, request, expectStatus, expectError, listAll, TMP,
} from './lib.mjs';

// Uploaded files go under build/test-tmp (on PostgreSQL the default would be var/files).
const FILES = process.env.HUIJU_FILES ? null : path.join(TMP, `progress_files_${process.pid}`);
if (FILES) process.env.HUIJU_FILES = FILES;

const SCHOOL = '6531210001'; // 疏附县第一小学, county 653121 (shufu)
const HELPER = '6501020001'; // 乌鲁木齐市第一中学, a helping school (helper-leader)

let srv, sess = {}, admin, helper, shufu, hotan, parent, kashgar;
before(async () => {
  srv = await startServer();
  for (const who of ['admin', 'helper-leader', 'shufu', 'hotan', 'parent', 'kashgar']) {
    sess[who] = await login(srv.url, who);
  }
  admin = client(srv.url, sess.admin);
  helper = client(srv.url, sess['helper-leader']);
  shufu = client(srv.url, sess.shufu);
  hotan = client(srv.url, sess.hotan);
  parent = client(srv.url, sess.parent);
  kashgar = client(srv.url, sess.kashgar);
});
after(async () => {
  await srv?.stop();
  if (FILES) fs.rmSync(FILES, { recursive: true, force: true });
});

// Today in Asia/Shanghai, and dates around it.
const day = (offset = 0) => new Date(Date.now() + 8 * 3600 * 1000 + offset * 86400000).toISOString().slice(0, 10);
const TODAY = day(0);
const YEAR = Number(TODAY.slice(0, 4));
const quarterOf = (d) => `${d.slice(0, 4)}Q${Math.floor((Number(d.slice(5, 7)) - 1) / 3) + 1}`;
const quarterEnd = (q) => {
  const y = Number(q.slice(0, 4)), n = Number(q.slice(5));
  return new Date(Date.UTC(y, n * 3, 0)).toISOString().slice(0, 10);
};

// A project led by the helping school for the Shufu school, taken to `status`
// (draft, submitted, in_progress) through A1's API.
let serial = 0;
async function project(status = 'in_progress', extra = {}) {
  serial++;
  const body = {
    title: `进度测试项目 ${serial} ${Date.now() % 100000}`, kind: 'teacher_support', lead: HELPER,
    recipients: [SCHOOL], start_date: `${YEAR - 1}-01-01`, end_date: `${YEAR + 1}-12-31`,
    budget_fen: 1000000, summary: '测试', ...extra,
  };
  let p = expectStatus(await helper.post('/api/v1/projects', body), 201, 'create project').json;
  if (status === 'draft') return p;
  p = expectStatus(await helper.post(`/api/v1/projects/${p.id}/transitions`, { action: 'submit' }), 200, 'submit').json;
  if (status === 'submitted') return p;
  for (let i = 0; i < 5 && p.status === 'submitted'; i++) {
    p = expectStatus(await admin.post(`/api/v1/projects/${p.id}/transitions`, { action: 'approve', comment: '同意' }), 200, 'approve').json;
  }
  assert.equal(p.status, 'approved');
  if (status === 'approved') return p;
  p = expectStatus(await helper.post(`/api/v1/projects/${p.id}/transitions`, { action: 'start' }), 200, 'start').json;
  assert.equal(p.status, 'in_progress');
  return p;
}

// A multipart/form-data body: fields {name: value} and files [{name, filename, data, type}].
function multipart(fields = {}, files = []) {
  const boundary = `----huiju${Math.random().toString(16).slice(2)}`;
  const chunks = [];
  for (const [k, v] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  for (const f of files) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name || 'file'}"; filename="${f.filename}"\r\nContent-Type: ${f.type || 'application/octet-stream'}\r\n\r\n`));
    chunks.push(Buffer.from(f.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } };
}

const upload = (c, p, rid, file) => {
  const m = multipart({}, [file]);
  return request(srv.url, 'POST', `/api/v1/projects/${p.id}/reports/${rid}/files`, { token: c.token, body: m.body, headers: m.headers });
};

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const EXE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00', 'latin1'), Buffer.alloc(64)]);
const HTML = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n');
const ZIP = Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00', 'latin1'), Buffer.alloc(40)]);

const report = (extra = {}) => ({ body: '本季度完成送教 4 次。', figures: { 参训教师: 12, 送教课时: 8.5 }, percent_done: 10, ...extra });

test('milestones: created by the lead side, validated field by field, marked done; listed with their state', async () => {
  const p = await project('in_progress');
  const q = quarterOf(TODAY);
  const m = expectStatus(await helper.post(`/api/v1/projects/${p.id}/milestones`, { quarter: q, title: '首轮送教完成' }), 201).json;
  assert.equal(m.quarter, q);
  assert.equal(m.due_date, quarterEnd(q), 'due date defaults to the end of the quarter');
  assert.equal(m.done_on, null);
  assert.equal(m.state, 'due');
  assert.equal(m.created_by, 'helper-leader');

  const bad = async (body, field) => {
    const e = expectError(await helper.post(`/api/v1/projects/${p.id}/milestones`, body), 422, 'invalid', JSON.stringify(body));
    assert.ok(e.message.startsWith(field), `${JSON.stringify(body)}: "${e.message}" should name ${field}`);
  };
  await bad({ quarter: `${YEAR}Q5`, title: 'x' }, 'quarter');
  await bad({ quarter: `${YEAR}q3`, title: 'x' }, 'quarter');
  await bad({ quarter: '2026-07', title: 'x' }, 'quarter');
  await bad({ title: 'x' }, 'quarter');
  await bad({ quarter: q }, 'title');
  await bad({ quarter: q, title: '   ' }, 'title');
  await bad({ quarter: q, title: 7 }, 'title');
  await bad({ quarter: `${YEAR}Q1`, title: 'x', due_date: `${YEAR}-04-01` }, 'due_date');
  await bad({ quarter: `${YEAR}Q1`, title: 'x', due_date: `${YEAR}-02-30` }, 'due_date');
  await bad({ quarter: `${YEAR + 3}Q1`, title: 'x' }, 'due_date'); // after the project's end
  await bad({ quarter: `${YEAR - 2}Q4`, title: 'x' }, 'due_date'); // before its start
  await bad({ quarter: q, title: 'x', done_on: day(3) }, 'done_on');
  await bad({ quarter: q, title: 'x', done_on: 5 }, 'done_on');
  expectError(await helper.post(`/api/v1/projects/${p.id}/milestones`, { quarter: q, title: 'x', colour: 'red' }), 422);
  expectError(await helper.post(`/api/v1/projects/${p.id}/milestones`, '{"quarter":'), 400, 'bad_json');

  // mark done; the list shows both states
  const done = expectStatus(await helper.patch(`/api/v1/projects/${p.id}/milestones/${m.id}`, { done_on: TODAY }), 200).json;
  assert.equal(done.done_on, TODAY);
  assert.equal(done.state, 'done');
  expectError(await helper.patch(`/api/v1/projects/${p.id}/milestones/${m.id}`, { done_on: day(1) }), 422, 'invalid');
  const patched = expectStatus(await helper.patch(`/api/v1/projects/${p.id}/milestones/${m.id}`, { title: '首轮送教全部完成' }), 200).json;
  assert.equal(patched.title, '首轮送教全部完成');
  assert.equal(patched.done_on, TODAY);
  const late = expectStatus(await helper.post(`/api/v1/projects/${p.id}/milestones`, { quarter: `${YEAR - 1}Q3`, title: '方案确定' }), 201).json;
  assert.equal(late.state, 'late');
  const list = expectStatus(await shufu.get(`/api/v1/projects/${p.id}/milestones`), 200).json.items;
  assert.deepEqual(list.map((x) => x.id), [late.id, m.id], 'by due date');
  assert.deepEqual(list.map((x) => x.state), ['late', 'done']);

  // the audit trail holds every change with before and after
  const audit = expectStatus(await admin.get(`/api/v1/audit?object=milestone:${m.id}&limit=20`), 200).json.items;
  assert.deepEqual(audit.map((a) => a.action).sort(), ['milestone.create', 'milestone.done', 'milestone.update']);

  // rights: the county official of a recipient sees but does not write; other counties see nothing
  expectError(await shufu.post(`/api/v1/projects/${p.id}/milestones`, { quarter: q, title: 'x' }), 403, 'forbidden');
  expectError(await shufu.patch(`/api/v1/projects/${p.id}/milestones/${m.id}`, { title: 'x' }), 403, 'forbidden');
  expectError(await hotan.get(`/api/v1/projects/${p.id}/milestones`), 404);
  expectError(await hotan.post(`/api/v1/projects/${p.id}/milestones`, { quarter: 'bad' }), 404);
  expectError(await hotan.patch(`/api/v1/projects/${p.id}/milestones/${m.id}`, { title: 'x' }), 404);
  expectError(await parent.get(`/api/v1/projects/${p.id}/milestones`), 403);
  expectError(await helper.patch(`/api/v1/projects/${p.id}/milestones/999999`, { title: 'x' }), 404);
});

test('state rules: milestones only while approved, in progress or suspended; reports only in progress or suspended (409 naming the allowed)', async () => {
  const draft = await project('draft');
  const q = quarterOf(TODAY);
  let e = expectError(await helper.post(`/api/v1/projects/${draft.id}/reports`, report()), 409, 'conflict');
  assert.ok(e.message.includes('in_progress') && e.message.includes('suspended'), e.message);
  assert.deepEqual(e.allowed, ['in_progress', 'suspended']);
  e = expectError(await helper.post(`/api/v1/projects/${draft.id}/milestones`, { quarter: q, title: 'x' }), 409, 'conflict');
  assert.deepEqual(e.allowed, ['approved', 'in_progress', 'suspended']);
  const sub = await project('submitted');
  expectError(await helper.post(`/api/v1/projects/${sub.id}/reports`, report()), 409, 'conflict');
  // approved: milestones yes, reports not yet
  const appr = await project('approved');
  expectStatus(await helper.post(`/api/v1/projects/${appr.id}/milestones`, { quarter: q, title: '启动' }), 201);
  expectError(await helper.post(`/api/v1/projects/${appr.id}/reports`, report()), 409, 'conflict');
  // nothing was written on the refused ones
  assert.equal(expectStatus(await helper.get(`/api/v1/projects/${draft.id}/reports`), 200).json.items.length, 0);
  assert.equal(expectStatus(await helper.get(`/api/v1/projects/${draft.id}/milestones`), 200).json.items.length, 0);
});

test('reports: validated field by field; the percentage never falls; the project takes percent and last report time, not updated_at', async () => {
  const p = await project('in_progress');
  const other = await project('in_progress');
  const om = expectStatus(await helper.post(`/api/v1/projects/${other.id}/milestones`, { quarter: quarterOf(TODAY), title: 'x' }), 201).json;
  const m = expectStatus(await helper.post(`/api/v1/projects/${p.id}/milestones`, { quarter: quarterOf(TODAY), title: '送教' }), 201).json;
  const bad = async (body, field, status = 422) => {
    const e = expectError(await helper.post(`/api/v1/projects/${p.id}/reports`, body), status, 'invalid', JSON.stringify(body));
    assert.ok(e.message.startsWith(field), `${JSON.stringify(body).slice(0, 80)}: "${e.message}" should name ${field}`);
  };
  await bad(report({ body: '' }), 'body');
  await bad({ percent_done: 10 }, 'body');
  await bad(report({ body: 'x'.repeat(8001) }), 'body');
  await bad(report({ percent_done: 101 }), 'percent_done');
  await bad(report({ percent_done: -1 }), 'percent_done');
  await bad(report({ percent_done: 5.5 }), 'percent_done');
  await bad({ body: 'x' }, 'percent_done');
  const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, i]));
  await bad(report({ figures: many }), 'figures');
  await bad(report({ figures: { ['名'.repeat(41)]: 1 } }), 'figures');
  await bad(report({ figures: { 教师: '12' } }), 'figures');
  await bad(report({ figures: [1, 2] }), 'figures');
  await bad(report({ milestone_id: om.id }), 'milestone_id');
  await bad(report({ milestone_id: 'x' }), 'milestone_id');
  await bad(report({ reported_on: day(2) }), 'reported_on');
  await bad(report({ reported_on: '2026-13-01' }), 'reported_on');
  assert.equal(expectStatus(await helper.get(`/api/v1/projects/${p.id}/reports`), 200).json.items.length, 0, 'nothing written');
  // 20 figures with 40-character names are fine
  const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`${'名'.repeat(38)}${String(i).padStart(2, '0')}`, i * 1.5]));
  const before = expectStatus(await helper.get(`/api/v1/projects/${p.id}`), 200).json;
  const r1 = expectStatus(await helper.post(`/api/v1/projects/${p.id}/reports`, report({ figures: twenty, percent_done: 30, milestone_id: m.id, reported_on: day(-1) })), 201);
  assert.equal(r1.headers.location, `/api/v1/projects/${p.id}/reports/${r1.json.id}`);
  assert.equal(r1.json.percent_done, 30);
  assert.equal(r1.json.milestone_id, m.id);
  assert.equal(r1.json.reported_on, day(-1));
  assert.deepEqual(r1.json.figures, twenty);
  assert.deepEqual(r1.json.files, []);
  const after1 = expectStatus(await helper.get(`/api/v1/projects/${p.id}`), 200).json;
  assert.equal(after1.percent_done, 30);
  assert.ok(after1.last_report_at >= before.created_at, 'last_report_at set');
  assert.equal(after1.updated_at, before.updated_at, 'updated_at untouched');
  // the report marks nothing by itself
  const ms = expectStatus(await helper.get(`/api/v1/projects/${p.id}/milestones`), 200).json.items;
  assert.equal(ms.find((x) => x.id === m.id).done_on, null);
  // lower than the previous: 422 naming percent_done, nothing written; equal and higher are fine
  const e = expectError(await helper.post(`/api/v1/projects/${p.id}/reports`, report({ percent_done: 29 })), 422, 'invalid');
  assert.ok(e.message.startsWith('percent_done') && e.message.includes('30'), e.message);
  expectStatus(await helper.post(`/api/v1/projects/${p.id}/reports`, report({ percent_done: 30 })), 201);
  expectStatus(await helper.post(`/api/v1/projects/${p.id}/reports`, report({ percent_done: 45, figures: {} })), 201);
  // concurrent reports can never lower it either: the last committed one holds the maximum
  const res = await Promise.all([50, 60, 55, 70, 65].map((pct) => helper.post(`/api/v1/projects/${p.id}/reports`, report({ percent_done: pct }))));
  for (const x of res) expectStatus(x, [201, 422]);
  const list = await listAll(helper, `/api/v1/projects/${p.id}/reports?limit=2`);
  assert.ok(list.length >= 4, `${list.length} reports`);
  const byId = [...list].sort((a, b) => a.id - b.id).map((x) => x.percent_done);
  for (let i = 1; i < byId.length; i++) assert.ok(byId[i] >= byId[i - 1], `percent fell: ${byId}`);
  assert.equal(expectStatus(await helper.get(`/api/v1/projects/${p.id}`), 200).json.percent_done, byId[byId.length - 1]);
  assert.deepEqual(list.map((x) => x.id), [...list].map((x) => x.id).sort((a, b) => b - a), 'newest first');
  // one report; scope
  const one = expectStatus(await shufu.get(`/api/v1/projects/${p.id}/reports/${r1.json.id}`), 200).json;
  assert.equal(one.body, report().body);
  expectError(await hotan.get(`/api/v1/projects/${p.id}/reports/${r1.json.id}`), 404);
  expectError(await helper.get(`/api/v1/projects/${other.id}/reports/${r1.json.id}`), 404, undefined, 'a report of another project');
  expectError(await shufu.post(`/api/v1/projects/${p.id}/reports`, report({ percent_done: 90 })), 403, 'forbidden');
  expectError(await parent.post(`/api/v1/projects/${p.id}/reports`, report({ percent_done: 90 })), 403);
  const audit = expectStatus(await admin.get(`/api/v1/audit?object=progress_report:${r1.json.id}&limit=5`), 200).json.items;
  assert.equal(audit.length, 1);
  assert.equal(audit[0].action, 'progress.report');
});

test('evidence files: PDF and PNG taken and served back byte for byte as attachments; other types, oversize and traversal handled', async () => {
  const p = await project('in_progress');
  const rep = expectStatus(await helper.post(`/api/v1/projects/${p.id}/reports`, report()), 201).json;
  const pdf = expectStatus(await upload(helper, p, rep.id, { filename: '培训签到表.pdf', data: PDF, type: 'application/pdf' }), 201).json;
  assert.equal(pdf.mime, 'application/pdf');
  assert.equal(pdf.size, PDF.length);
  assert.equal(pdf.name, '培训签到表.pdf');
  assert.equal(pdf.url, `/api/v1/files/${pdf.id}`);
  // the client's Content-Type does not count: a PNG sent as text/html is a PNG
  const png = expectStatus(await upload(helper, p, rep.id, { filename: 'photo.png', data: PNG, type: 'text/html' }), 201).json;
  assert.equal(png.mime, 'image/png');
  const trav = expectStatus(await upload(helper, p, rep.id, { filename: '../../etc/passwd.txt', data: Buffer.from('纪要：第一次送教\n'), type: 'text/plain' }), 201).json;
  assert.equal(trav.name, 'passwd.txt', 'the last path component');
  assert.match(trav.mime, /^text\/plain/);
  const win = expectStatus(await upload(helper, p, rep.id, { filename: '..\\..\\windows\\会议;纪要.txt', data: Buffer.from('纪要\n') }), 201).json;
  assert.equal(win.name, '会议纪要.txt', 'backslashes are separators too; no semicolon');

  for (const [what, f] of [
    ['an .exe', { filename: 'setup.exe', data: EXE }],
    ['HTML', { filename: 'report.html', data: HTML, type: 'text/html' }],
    ['HTML named .txt', { filename: 'notes.txt', data: HTML }],
    ['a zip without an Office name', { filename: 'evidence.zip', data: ZIP }],
  ]) {
    const r = await upload(helper, p, rep.id, f);
    assert.ok([415, 422].includes(r.status), `${what}: ${r.status} ${r.text.slice(0, 200)}`);
    const e = expectError(r, r.status);
    assert.match(e.message, /PDF/, `${what}: the message names the allowed types: ${e.message}`);
  }
  const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(11 * 1024 * 1024, 0x20)]);
  const e = expectError(await upload(helper, p, rep.id, { filename: 'big.pdf', data: big }), 413, 'too_large');
  assert.match(e.message, /10 MiB/, e.message);
  expectError(await upload(helper, p, rep.id, { filename: 'empty.pdf', data: Buffer.alloc(0) }), 422, 'invalid');
  const nofile = multipart({ other: 'x' });
  let r = await request(srv.url, 'POST', `/api/v1/projects/${p.id}/reports/${rep.id}/files`, { token: helper.token, body: nofile.body, headers: nofile.headers });
  assert.ok(expectError(r, 422, 'invalid').message.startsWith('file'));
  r = await request(srv.url, 'POST', `/api/v1/projects/${p.id}/reports/${rep.id}/files`, { token: helper.token, body: { file: 'x' } });
  expectError(r, 422, 'invalid');

  // the report lists exactly the four files taken
  const got = expectStatus(await helper.get(`/api/v1/projects/${p.id}/reports/${rep.id}`), 200).json;
  assert.deepEqual(got.files.map((f) => f.id), [pdf.id, png.id, trav.id, win.id]);

  // downloads: the same bytes, as an attachment, never sniffed
  for (const [f, bytes] of [[pdf, PDF], [png, PNG]]) {
    const res = await fetch(`${srv.url}/api/v1/files/${f.id}`, { headers: { Authorization: `Bearer ${shufu.token}` } });
    assert.equal(res.status, 200);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
    assert.match(res.headers.get('content-disposition'), /^attachment;/);
    // (files_send and the server's security headers both set it: fetch joins the two)
    assert.match(res.headers.get('x-content-type-options'), /^nosniff(, nosniff)?$/);
    assert.equal(res.headers.get('content-type'), f.mime);
  }
  const viaPage = await fetch(`${srv.url}/projects/${p.id}/files/${pdf.id}`, { headers: { Cookie: sess.shufu.cookie }, redirect: 'manual' });
  assert.equal(viaPage.status, 200);
  assert.deepEqual(Buffer.from(await viaPage.arrayBuffer()), PDF);
  assert.match(viaPage.headers.get('content-disposition'), /attachment/);
  const tr = await fetch(`${srv.url}/api/v1/files/${trav.id}`, { headers: { Authorization: `Bearer ${helper.token}` } });
  assert.match(tr.headers.get('content-disposition'), /filename="passwd.txt"/);

  // scope: another county's official, a parent, a wrong project in the page path
  expectError(await hotan.get(`/api/v1/files/${pdf.id}`), 404);
  const hp = await page(srv.url, `/projects/${p.id}/files/${pdf.id}`, { cookie: sess.hotan.cookie });
  assert.equal(hp.status, 404);
  expectStatus(await parent.get(`/api/v1/files/${pdf.id}`), [403, 404]);
  expectError(await hotan.post(`/api/v1/projects/${p.id}/reports/${rep.id}/files`, {}), 404);
  expectError(await upload(shufu, p, rep.id, { filename: 'a.pdf', data: PDF }), 403, 'forbidden');
  const other = await project('in_progress');
  assert.equal((await page(srv.url, `/projects/${other.id}/files/${pdf.id}`, { cookie: sess['helper-leader'].cookie })).status, 404);
  expectError(await helper.get('/api/v1/files/999999'), 404);
  const audit = expectStatus(await admin.get(`/api/v1/audit?object=evidence_file:${pdf.id}&limit=5`), 200).json.items;
  assert.equal(audit[0]?.action, 'evidence.add');
});

test('lagging: a late milestone lists the project for its county (API and dashboard), not for another county', async () => {
  const countOf = async (c, code) => expectStatus(await c.get(`/api/v1/dashboard/${code}`), 200).json.attention;
  const shufuBefore = await countOf(shufu, '653121');
  const hotanBefore = await countOf(admin, '653221');
  assert.equal(typeof shufuBefore.lagging_projects, 'number');
  assert.equal(typeof shufuBefore.overdue_rectifications, 'number');
  const p = await project('in_progress', { start_date: `${YEAR - 3}-01-01` });
  const q = `${YEAR - 3}Q1`;
  const m = expectStatus(await helper.post(`/api/v1/projects/${p.id}/milestones`, { quarter: q, title: '调研完成' }), 201).json;
  // a fresh report: the milestone alone makes it lag
  expectStatus(await helper.post(`/api/v1/projects/${p.id}/reports`, report()), 201);
  assert.equal(expectStatus(await helper.get(`/api/v1/projects/${p.id}`), 200).json.lagging, true);

  const list = await listAll(shufu, '/api/v1/projects/lagging?org=653121&limit=5');
  const mine = list.find((x) => x.id === p.id);
  assert.ok(mine, 'the project is listed for 653121');
  assert.equal(mine.link, `/projects/${p.id}`);
  assert.equal(mine.reasons.length, 1);
  assert.equal(mine.reasons[0].kind, 'milestone_late');
  assert.equal(mine.reasons[0].milestone_id, m.id);
  assert.equal(mine.reasons[0].due_date, quarterEnd(q));
  assert.ok(mine.reasons[0].text.includes('调研完成') && mine.reasons[0].text.includes(quarterEnd(q)), mine.reasons[0].text);
  assert.equal(mine.overdue_since, quarterEnd(q));
  assert.ok(mine.days_overdue > 365 * 2, `${mine.days_overdue}`);
  for (let i = 1; i < list.length; i++) assert.ok(list[i - 1].days_overdue >= list[i].days_overdue, 'most overdue first');
  const hotanList = await listAll(admin, '/api/v1/projects/lagging?org=653221');
  assert.ok(!hotanList.some((x) => x.id === p.id), 'not lagging in another county');
  assert.ok((await listAll(admin, '/api/v1/projects/lagging?org=650000')).some((x) => x.id === p.id), 'and in the region');
  expectError(await hotan.get('/api/v1/projects/lagging?org=653121'), 404);
  assert.ok(!(await listAll(hotan, '/api/v1/projects/lagging')).some((x) => x.id === p.id), 'hotan sees only its own');
  expectError(await shufu.get('/api/v1/projects/lagging?org=bad!code'), 400);
  expectError(await parent.get('/api/v1/projects/lagging'), 403);

  const shufuAfter = await countOf(shufu, '653121');
  assert.equal(shufuAfter.lagging_projects, shufuBefore.lagging_projects + 1);
  assert.equal((await countOf(admin, '653221')).lagging_projects, hotanBefore.lagging_projects);
  const top = shufuAfter.projects;
  assert.ok(top.length <= 10);
  assert.ok(top.some((x) => x.id === p.id), 'among the ten most overdue');
  const html = expectStatus(await page(srv.url, '/dashboard/653121', { cookie: sess.shufu.cookie }), 200).text;
  assert.ok(html.includes('id=sec-attention'), 'the panel is on the county dashboard');
  assert.ok(html.includes(`href="/projects/${p.id}"`), 'with a link to the project');
  const other = expectStatus(await page(srv.url, '/dashboard/653221', { cookie: sess.admin.cookie }), 200).text;
  assert.ok(other.includes('id=sec-attention') && !other.includes(`href="/projects/${p.id}"`), 'not on another county\'s');
  const pref = expectStatus(await page(srv.url, '/dashboard/653100', { cookie: sess.kashgar.cookie }), 200).text;
  assert.ok(pref.includes('id=sec-attention'), 'on the prefecture dashboard too');
  const portrait = expectStatus(await page(srv.url, `/orgs/${SCHOOL}/portrait`, { cookie: sess.shufu.cookie }), 200).text;
  assert.ok(portrait.includes(`href="/projects/${p.id}"`), 'and on the recipient school\'s portrait');

  // marking the milestone done clears it
  expectStatus(await helper.patch(`/api/v1/projects/${p.id}/milestones/${m.id}`, { done_on: TODAY }), 200);
  assert.ok(!(await listAll(shufu, '/api/v1/projects/lagging?org=653121')).some((x) => x.id === p.id));
});

test('lagging: a project whose reports stopped lists "no report since", and a new report clears it', async () => {
  const all = await listAll(admin, '/api/v1/projects/lagging?limit=500');
  const quiet = all.find((x) => x.reasons.length === 1 && x.reasons[0].kind === 'reports_stopped');
  assert.ok(quiet, `the demo has a project whose reports stopped (${all.length} lagging)`);
  assert.ok(quiet.reasons[0].since < day(-90), quiet.reasons[0].since);
  assert.ok(quiet.reasons[0].text.includes(quiet.reasons[0].since));
  const p = expectStatus(await admin.get(`/api/v1/projects/${quiet.id}`), 200).json;
  assert.equal(p.lagging, true);
  expectStatus(await admin.post(`/api/v1/projects/${p.id}/reports`, report({ percent_done: p.percent_done })), 201);
  const after = await listAll(admin, '/api/v1/projects/lagging?limit=500');
  assert.ok(!after.some((x) => x.id === p.id), 'no longer lagging');
  assert.equal(expectStatus(await admin.get(`/api/v1/projects/${p.id}`), 200).json.lagging, false);
});

test('the project page: the section with its forms; milestone, report with a file and upload through forms (CSRF in multipart)', async () => {
  const p = await project('in_progress');
  const who = sess['helper-leader'];
  let html = expectStatus(await page(srv.url, `/projects/${p.id}`, { cookie: who.cookie }), 200).text;
  assert.ok(html.includes('id=sec-progress'), 'the progress section');
  assert.ok(html.includes(`action="/projects/${p.id}/milestones"`), 'the add-milestone form');
  assert.ok(html.includes(`action="/projects/${p.id}/reports/files"`) && html.includes('enctype="multipart/form-data"'), 'the report form uploads');
  // a county official of the recipient sees it without forms
  const ro = expectStatus(await page(srv.url, `/projects/${p.id}`, { cookie: sess.shufu.cookie }), 200).text;
  assert.ok(ro.includes('id=sec-progress') && !ro.includes(`action="/projects/${p.id}/milestones"`));

  const form = (path, fields) => page(srv.url, path, { method: 'POST', cookie: who.cookie, form: { _csrf: who.csrf, ...fields } });
  // refused: the form comes back with the input kept and the field named
  let r = await form(`/projects/${p.id}/milestones`, { quarter: `${YEAR}Q9`, title: '保留的标题', due_date: '' });
  assert.equal(r.status, 422);
  assert.ok(r.text.includes('quarter') && r.text.includes('保留的标题'), 'field named, input kept');
  r = await form(`/projects/${p.id}/milestones`, { quarter: quarterOf(TODAY), title: '页面里加的', due_date: '' });
  assert.equal(r.status, 303);
  const ms = expectStatus(await helper.get(`/api/v1/projects/${p.id}/milestones`), 200).json.items;
  const m = ms.find((x) => x.title === '页面里加的');
  assert.ok(m);
  r = await form(`/projects/${p.id}/milestones/done`, { milestone_id: String(m.id), done_on: day(5) });
  assert.equal(r.status, 422);
  assert.ok(r.text.includes('done_on'), 'a date in the future is refused, the field named');
  assert.equal((await form(`/projects/${p.id}/milestones/done`, { milestone_id: '999999', done_on: TODAY })).status, 422);
  assert.equal((await form(`/projects/${p.id}/milestones/done`, { milestone_id: String(m.id), done_on: TODAY })).status, 303);
  assert.equal(expectStatus(await helper.get(`/api/v1/projects/${p.id}/milestones`), 200).json.items.find((x) => x.id === m.id).done_on, TODAY);

  // the report form is multipart with its CSRF token inside
  const send = (fields, files, { csrf = true } = {}) => {
    const mp = multipart(csrf ? { _csrf: who.csrf, ...fields } : fields, files);
    return request(srv.url, 'POST', `/projects/${p.id}/reports/files`, { cookie: who.cookie, body: mp.body, headers: mp.headers });
  };
  const fields = { body: '页面提交的进展', figures: '参训教师: 15\n送教课时 = 6', percent_done: '20', milestone_id: String(m.id), reported_on: TODAY };
  assert.equal((await send(fields, [], { csrf: false })).status, 403, 'no CSRF token, no report');
  r = await send({ ...fields, figures: '参训教师 十五' }, []);
  assert.equal(r.status, 422);
  assert.ok(r.text.includes('figures') && r.text.includes('页面提交的进展'), 'figures named, body kept');
  r = await send({ ...fields }, [{ filename: 'x.exe', data: EXE }]);
  assert.ok([415, 422].includes(r.status), `exe through the form: ${r.status}`);
  assert.equal(expectStatus(await helper.get(`/api/v1/projects/${p.id}/reports`), 200).json.items.length, 0, 'nothing written');
  r = await send(fields, [{ filename: '签到表.pdf', data: PDF, type: 'application/pdf' }]);
  assert.equal(r.status, 303, r.text.slice(0, 300));
  let reps = expectStatus(await helper.get(`/api/v1/projects/${p.id}/reports`), 200).json.items;
  assert.equal(reps.length, 1);
  assert.deepEqual(reps[0].figures, { 参训教师: 15, 送教课时: 6 });
  assert.equal(reps[0].percent_done, 20);
  assert.equal(reps[0].files.length, 1);
  // an empty file field is no file
  r = await send({ ...fields, percent_done: '25' }, [{ filename: '', data: Buffer.alloc(0) }]);
  assert.equal(r.status, 303, r.text.slice(0, 300));
  // the per-report upload form
  const up = (fields2, files) => {
    const mp = multipart(fields2, files);
    return request(srv.url, 'POST', `/projects/${p.id}/reports/${reps[0].id}/files`, { cookie: who.cookie, body: mp.body, headers: mp.headers });
  };
  assert.equal((await up({}, [{ filename: 'a.png', data: PNG }])).status, 403, 'CSRF required');
  assert.equal((await up({ _csrf: who.csrf }, [{ filename: 'a.png', data: PNG }])).status, 303);
  reps = expectStatus(await helper.get(`/api/v1/projects/${p.id}/reports`), 200).json.items;
  assert.equal(reps.find((x) => x.id === reps[reps.length - 1].id).files.length, 2);
  // the page shows reports newest first, figures and download links
  html = expectStatus(await page(srv.url, `/projects/${p.id}`, { cookie: sess.shufu.cookie }), 200).text;
  assert.ok(html.indexOf(`id="report-${reps[0].id}"`) < html.indexOf(`id="report-${reps[1].id}"`), 'newest first');
  assert.ok(html.includes('签到表.pdf') && html.includes(`/projects/${p.id}/files/`), 'download links');
  assert.ok(html.includes('参训教师'), 'figures shown');
  // another county cannot post forms on it
  const h = sess.hotan;
  r = await page(srv.url, `/projects/${p.id}/milestones`, { method: 'POST', cookie: h.cookie, form: { _csrf: h.csrf, quarter: quarterOf(TODAY), title: 'x' } });
  assert.equal(r.status, 404);
});
