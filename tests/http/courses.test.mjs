// The online parent school (线上家长学校): publishing (bad input named, organisers
// only), the catalogue with its filters and the near rule, uploads (MP4, MP3, PDF
// only, sniffed; at most 30 MiB), downloads, views counted per account and
// opening (not by the publisher), a parent's own history, and the figures fed
// (parent_micro_courses, course_views).
import assert from 'node:assert/strict';
import {
  test, before, after, startServer, login, client, page, expectStatus, expectError, listAll, DEFAULT_IP,
} from './lib.mjs';

const SCHOOL = '6531210001';
const HOTAN_SCHOOL = '6532210001';
const PW = 'Long-enough-pass-1';
const H = 3600 * 1000;
const monthOf = (ms) => new Date(ms + 8 * H).toISOString().slice(0, 7);

let srv;
const c = {};
const sess = {};
before(async () => {
  srv = await startServer();
  for (const who of ['admin', 'liaison', 'parent', 'parent2', 'hotan']) {
    sess[who] = await login(srv.url, who);
    c[who] = client(srv.url, sess[who]);
  }
  expectStatus(await c.admin.post('/api/v1/users', { login: 'hotan-parent', name: '和田家长', password: PW, role: 'parent', org: HOTAN_SCHOOL }), 201);
  sess['hotan-parent'] = await login(srv.url, 'hotan-parent', PW);
  c['hotan-parent'] = client(srv.url, sess['hotan-parent']);
});
after(async () => {
  await srv?.stop();
});

const course = (extra = {}) => ({
  org: SCHOOL, title: '三分钟学会倾听孩子', stage: 'primary', topic: '亲子沟通', kind: 'micro_course', duration_min: 8, ...extra,
});

async function valueOf(indicator, org, period) {
  const r = expectStatus(await c.admin.get(`/api/v1/values?indicator=${indicator}&org=${org}&period=${period}`), 200).json;
  return r.value ?? 0;
}

// A multipart upload of bytes as field "file".
async function upload(who, id, bytes, name) {
  const fd = new FormData();
  fd.append('file', new Blob([bytes]), name);
  const res = await fetch(`${srv.url}/api/v1/courses/${id}/file`, {
    method: 'POST', body: fd, headers: { Authorization: `Bearer ${sess[who].token}`, 'X-Forwarded-For': DEFAULT_IP },
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not json */ }
  return { status: res.status, json, text };
}

const mp4 = () => Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(2048, 7)]);

test('publish: the catalogue shows it near its unit, filters hold, the figure counts it', async () => {
  const year = monthOf(Date.now()).slice(0, 4);
  const before = await valueOf('parent_micro_courses', SCHOOL, year);
  const k = expectStatus(await c.liaison.post('/api/v1/courses', course({ url: 'https://example.org/course/1' })), 201).json;
  assert.equal(k.org, SCHOOL);
  assert.equal(k.views, 0);
  assert.equal(k.published_on.slice(0, 4), year);
  assert.equal(await valueOf('parent_micro_courses', SCHOOL, year), before + 1);
  const lecture = expectStatus(await c.liaison.post('/api/v1/courses', course({ kind: 'lecture', title: '专家讲座：习惯养成', stage: 'all', topic: '习惯养成', duration_min: 45 })), 201).json;
  assert.equal(await valueOf('parent_micro_courses', SCHOOL, year), before + 1, 'a lecture is no micro-course');
  const all = await listAll(c.parent, '/api/v1/courses?limit=200');
  assert.ok(all.some((x) => x.id === k.id) && all.some((x) => x.id === lecture.id));
  const micro = await listAll(c.parent, '/api/v1/courses?kind=micro_course&stage=primary&limit=200');
  assert.ok(micro.some((x) => x.id === k.id));
  assert.ok(micro.every((x) => x.kind === 'micro_course' && ['primary', 'all'].includes(x.stage)));
  const byTopic = await listAll(c.parent, `/api/v1/courses?topic=${encodeURIComponent('习惯养成')}&limit=200`);
  assert.ok(byTopic.some((x) => x.id === lecture.id) && !byTopic.some((x) => x.id === k.id));
  // a 和田 parent never sees a 疏附 school's course, but sees the region's
  expectError(await c['hotan-parent'].get(`/api/v1/courses/${k.id}`), 404, 'not_found');
  assert.ok(!(await listAll(c['hotan-parent'], '/api/v1/courses?limit=500')).some((x) => x.org === SCHOOL));
  const region = expectStatus(await c.admin.post('/api/v1/courses', course({ org: '650000', title: '全区微课：睡前半小时' })), 201).json;
  expectStatus(await c['hotan-parent'].get(`/api/v1/courses/${region.id}`), 200);
  // the page
  const pg = expectStatus(await page(srv.url, '/courses?kind=micro_course', { cookie: sess.parent.cookie }), 200);
  assert.ok(pg.text.includes('三分钟学会倾听孩子'));
});

test('bad input is 422 naming the field; parents cannot publish', async () => {
  const cases = [
    [{ title: '' }, 'title'], [{ stage: 'college' }, 'stage'], [{ kind: 'movie' }, 'kind'], [{ topic: '' }, 'topic'],
    [{ duration_min: 0 }, 'duration_min'], [{ duration_min: '8' }, 'duration_min'], [{ url: 'ftp://x.org/a' }, 'url'],
    [{ published_on: '2026-02-30' }, 'published_on'], [{ org: '659999' }, null],
  ];
  for (const [patch, field] of cases) {
    const r = await c.liaison.post('/api/v1/courses', course(patch));
    if (!field) {
      expectError(r, 404, 'not_found');
      continue;
    }
    const e = expectError(r, 422, 'invalid', field);
    assert.match(e.message, new RegExp(`^${field} `), e.message);
  }
  expectError(await c.liaison.post('/api/v1/courses', { ...course(), colour: 'red' }), 422, 'unknown_field');
  expectError(await c.parent.post('/api/v1/courses', course()), 403, 'forbidden');
  expectStatus(await page(srv.url, '/courses/new', { cookie: sess.parent.cookie }), 403);
  const form = await page(srv.url, '/courses', {
    method: 'POST', cookie: sess.liaison.cookie,
    form: { _csrf: sess.liaison.csrf, org: SCHOOL, title: '', stage: 'primary', topic: '保留的主题', kind: 'micro_course', duration_min: '5' },
  });
  assert.equal(form.status, 422);
  assert.ok(form.text.includes('title') && form.text.includes('保留的主题'));
});

test('uploads: MP4, MP3 and PDF by their bytes, at most 30 MiB; served back as a download', async () => {
  const k = expectStatus(await c.liaison.post('/api/v1/courses', course({ title: '上传测试' })), 201).json;
  const ok = await upload('liaison', k.id, mp4(), 'lesson.mp4');
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.file.type, 'video/mp4');
  assert.equal(ok.json.file.name, 'lesson.mp4');
  for (const [bytes, name, type] of [
    [Buffer.concat([Buffer.from('ID3'), Buffer.alloc(512, 1)]), 'talk.mp3', 'audio/mpeg'],
    [Buffer.from('%PDF-1.4\n%demo\n'), 'handout.pdf', 'application/pdf'],
  ]) {
    const r = await upload('liaison', k.id, bytes, name);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.file.type, type);
  }
  // the type comes from the bytes, not the name
  const png = await upload('liaison', k.id, Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(64)]), 'fake.mp4');
  assert.equal(png.status, 422, png.text);
  assert.match(png.json.error.message, /^file /);
  assert.equal((await upload('liaison', k.id, Buffer.from('just some text'), 'notes.pdf')).status, 422);
  assert.equal((await upload('liaison', k.id, Buffer.alloc(0), 'empty.mp4')).status, 422);
  const big = Buffer.concat([mp4(), Buffer.alloc(31 * 1024 * 1024)]);
  const tooBig = await upload('liaison', k.id, big, 'big.mp4');
  assert.equal(tooBig.status, 413, tooBig.text.slice(0, 200));
  assert.equal((await upload('parent', k.id, mp4(), 'x.mp4')).status, 403);
  // the last good upload stays: the PDF
  const res = await fetch(`${srv.url}/api/v1/courses/${k.id}/file`, { headers: { Authorization: `Bearer ${sess.parent.token}`, 'X-Forwarded-For': DEFAULT_IP } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  assert.match(res.headers.get('content-disposition') || '', /^attachment; filename="handout\.pdf"/);
  assert.equal(Buffer.from(await res.arrayBuffer()).toString(), '%PDF-1.4\n%demo\n');
  expectError(await c['hotan-parent'].get(`/api/v1/courses/${k.id}/file`), 404, 'not_found');
});

test('views: one per opening and account, the publisher not counted; my history; the monthly figure', async () => {
  const k = expectStatus(await c.liaison.post('/api/v1/courses', course({ title: '观看计数测试' })), 201).json;
  const month = monthOf(Date.now());
  const before = await valueOf('course_views', SCHOOL, month);
  for (let i = 0; i < 2; i++) expectStatus(await page(srv.url, `/courses/${k.id}`, { cookie: sess.parent.cookie }), 200);
  expectStatus(await page(srv.url, `/courses/${k.id}`, { cookie: sess.parent2.cookie }), 200);
  expectStatus(await page(srv.url, `/courses/${k.id}`, { cookie: sess.liaison.cookie }), 200); // the publisher
  let got = expectStatus(await c.parent.get(`/api/v1/courses/${k.id}`), 200).json;
  assert.equal(got.views, 3);
  assert.equal(got.my_views, 2);
  const v = expectStatus(await c.parent2.post(`/api/v1/courses/${k.id}/views`), 201).json;
  assert.equal(v.counted, true);
  assert.equal(v.views, 4);
  assert.equal(v.my_views, 2);
  const pub = expectStatus(await c.liaison.post(`/api/v1/courses/${k.id}/views`), 200).json;
  assert.equal(pub.counted, false);
  assert.equal(await valueOf('course_views', SCHOOL, month), before + 4);
  got = expectStatus(await c.liaison.get(`/api/v1/courses/${k.id}`), 200).json;
  assert.equal(got.views, 4);
  const hist = expectStatus(await page(srv.url, '/m/courses', { cookie: sess.parent.cookie }), 200);
  assert.ok(hist.text.includes('观看计数测试'), 'in the parent’s history');
  const other = expectStatus(await page(srv.url, '/m/courses', { cookie: sess['hotan-parent'].cookie }), 200);
  assert.ok(!other.text.includes('观看计数测试'));
  expectError(await c.parent.get('/api/v1/courses?stage=college'), 400, 'bad_param');
});

test('the demo: 200+ micro-courses published in the last twelve months, and viewed', async () => {
  const list = await listAll(c.admin, '/api/v1/courses?kind=micro_course&limit=500');
  const since = new Date(Date.now() - 366 * 24 * H).toISOString().slice(0, 10);
  const lastYear = list.filter((x) => x.published_on >= since);
  assert.ok(lastYear.length >= 200, `micro-courses in the last twelve months: ${lastYear.length}`);
  assert.ok(lastYear.filter((x) => x.views > 0).length > 100, 'most are viewed');
  const year = monthOf(Date.now()).slice(0, 4);
  const region = await valueOf('parent_micro_courses', '650000', year);
  assert.equal(region, list.filter((x) => x.published_on.startsWith(year)).length, 'the figure counts them');
});
