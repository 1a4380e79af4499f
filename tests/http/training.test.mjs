// Training records (capability 13): the teachers registry, records refused naming
// the field, the CSV import (a bad row names its line and column and writes
// nothing; a good file adds every row), the 40 h / 30 h rule shares of a school
// and of a prefecture against a hand count, the figures they feed, who falls short
// visible to the county and to no other, the parent refused, the pages and their
// forms, and the Excel workbooks.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  test, before, after, startServer, login, client, page, request, expectStatus, expectError, listAll, TMP,
} from './lib.mjs';

const SCHOOL = '6531210001'; // 疏附县第一小学 (leader), county 653121, prefecture 653100
const HOTAN_SCHOOL = '6532210001'; // 和田县第一小学 (hotan-leader), county 653221

let srv, sess = {}, c = {};
before(async () => {
  srv = await startServer();
  for (const who of ['admin', 'shufu', 'hotan', 'kashgar', 'leader', 'hotan-leader', 'parent', 'liaison']) {
    sess[who] = await login(srv.url, who);
    c[who] = client(srv.url, sess[who]);
  }
});
after(async () => {
  await srv?.stop();
});

// Today and this year in Asia/Shanghai, as the server sees them.
const TODAY = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
const YEAR = Number(TODAY.slice(0, 4));

const get = (who, p) => page(srv.url, p, { cookie: sess[who].cookie });
const postForm = (who, p, form) =>
  page(srv.url, p, { method: 'POST', cookie: sess[who].cookie, form: { _csrf: sess[who].csrf, ...form } });

async function newTeacher(who, school, name, subject = '数学') {
  return expectStatus(await c[who].post('/api/v1/teachers', { school, name, subject }), 201, `teacher ${name}`).json;
}

const record = (teacher, extra = {}) => ({
  teacher, category: 'ethnic_counselling', hours: 8, title: '民族团结教育专题讲座', provider: '县教师发展中心',
  held_on: TODAY, ...extra,
});

const recordsOf = async (who, q) => listAll(c[who], `/api/v1/trainings?${q}&limit=500`);

test('teachers: a name and a subject; the same active name twice at a school is refused', async () => {
  const t = await newTeacher('leader', SCHOOL, '测试教师甲');
  assert.deepEqual(Object.keys(t).sort(), ['active', 'created_at', 'created_by', 'id', 'name', 'school', 'school_name', 'subject']);
  assert.equal(t.school, SCHOOL);
  expectError(await c.leader.post('/api/v1/teachers', { school: SCHOOL, name: '测试教师甲' }), 409, 'conflict');
  const e = expectError(await c.leader.post('/api/v1/teachers', { school: SCHOOL, name: '  ' }), 422, 'invalid');
  assert.match(e.message, /^name /);
  expectError(await c.leader.post('/api/v1/teachers', { school: SCHOOL, name: 'x', ethnicity: 'y' }), 422, 'unknown_field');
  // another county's school is out of the leader's reach: refused as such, nothing told
  const far = expectError(await c.leader.post('/api/v1/teachers', { school: HOTAN_SCHOOL, name: '某某' }), 422, 'invalid');
  assert.match(far.message, /^school /);
  // patch: a subject, then inactive (left the school)
  const p = expectStatus(await c.leader.patch(`/api/v1/teachers/${t.id}`, { subject: '语文' }), 200).json;
  assert.equal(p.subject, '语文');
  expectStatus(await c.hotan.patch(`/api/v1/teachers/${t.id}`, { subject: '英语' }), 404);
  const off = expectStatus(await c.leader.patch(`/api/v1/teachers/${t.id}`, { active: false }), 200).json;
  assert.equal(off.active, false);
  // listed for the school, not for hotan
  const mine = await listAll(c.shufu, `/api/v1/teachers?school=${SCHOOL}&limit=500`);
  assert.ok(mine.some((x) => x.id === t.id));
  expectStatus(await c.hotan.get(`/api/v1/teachers?school=${SCHOOL}`), 404);
  const audit = expectStatus(await c.admin.get(`/api/v1/audit?object=teacher:${t.id}&limit=20`), 200).json.items;
  assert.deepEqual(audit.map((a) => a.action).sort(), ['teacher.create', 'teacher.update', 'teacher.update']);
});

test('a training record: every bad field answers 422 naming it; nothing is written', async () => {
  const t = await newTeacher('leader', SCHOOL, '测试教师乙');
  const hotanT = await newTeacher('hotan-leader', HOTAN_SCHOOL, '测试教师丙');
  const before = (await recordsOf('leader', `teacher=${t.id}`)).length;
  const nextYear = `${YEAR + 1}-01-05`;
  const bad = [
    [{ hours: 12.25 }, 'hours'],
    [{ hours: 0 }, 'hours'],
    [{ hours: 501 }, 'hours'],
    [{ hours: '8' }, 'hours'],
    [{ category: 'ethnicity' }, 'category'],
    [{ held_on: nextYear, year: YEAR }, 'held_on'],
    [{ held_on: `${YEAR}-02-30` }, 'held_on'],
    [{ held_on: `${YEAR - 1}-06-01`, year: YEAR }, 'held_on'],
    [{ year: 2019, held_on: '2019-05-05' }, 'year'],
    [{ title: '' }, 'title'],
    [{ title: 'x'.repeat(201) }, 'title'],
  ];
  for (const [extra, field] of bad) {
    const e = expectError(await c.leader.post('/api/v1/trainings', record(t.id, extra)), 422, 'invalid', JSON.stringify(extra));
    assert.ok(e.message.startsWith(`${field} `), `${JSON.stringify(extra)} → ${e.message}`);
  }
  // a teacher of another county is not in the leader's reach: refused as such
  const e = expectError(await c.leader.post('/api/v1/trainings', record(hotanT.id)), 422, 'invalid');
  assert.match(e.message, /^teacher /);
  expectError(await c.leader.post('/api/v1/trainings', record(t.id, { points: 3 })), 422, 'unknown_field');
  expectStatus(await c.leader.post('/api/v1/trainings', '{"teacher":'), 400);
  assert.equal((await recordsOf('leader', `teacher=${t.id}`)).length, before, 'nothing written');
  // a liaison officer reads but does not write training
  expectError(await c.liaison.post('/api/v1/trainings', record(t.id)), 403, 'forbidden');

  // a good one: 201, year from the date, hours kept to one decimal, audited; twice → 409
  const r = expectStatus(await c.leader.post('/api/v1/trainings', record(t.id, { hours: 12.5 })), 201);
  assert.equal(r.json.year, YEAR);
  assert.equal(r.json.hours, 12.5);
  assert.equal(r.headers.location, `/api/v1/trainings/${r.json.id}`);
  expectError(await c.leader.post('/api/v1/trainings', record(t.id, { hours: 12.5 })), 409, 'conflict');
  const audit = expectStatus(await c.admin.get(`/api/v1/audit?object=training:${r.json.id}&limit=5`), 200).json.items;
  assert.equal(audit[0].action, 'training.create');
  // delete: another county cannot see it; the leader can
  expectStatus(await c.hotan.del(`/api/v1/trainings/${r.json.id}`), 404);
  expectStatus(await c.leader.del(`/api/v1/trainings/${r.json.id}`), 204);
  expectStatus(await c.leader.del(`/api/v1/trainings/${r.json.id}`), 404);
});

test('the figures follow the records: a teacher reaching 40 h adds one to teachers_ethnic_40h', async () => {
  const value = async (ind, org) => {
    const r = expectStatus(await c.shufu.get(`/api/v1/values?indicator=${ind}&org=${org}&period=${YEAR}`), 200);
    return r.json.value;
  };
  const before = { e: await value('teachers_ethnic_40h', SCHOOL), n: await value('teachers_in_registry', SCHOOL),
    county: await value('teachers_ethnic_40h', '653121') };
  const t = await newTeacher('leader', SCHOOL, '测试教师丁');
  assert.equal(await value('teachers_in_registry', SCHOOL), before.n + 1, 'a new teacher counts at once');
  expectStatus(await c.leader.post('/api/v1/trainings', record(t.id, { hours: 30, title: '第一期' })), 201);
  assert.equal(await value('teachers_ethnic_40h', SCHOOL), before.e);
  expectStatus(await c.leader.post('/api/v1/trainings', record(t.id, { hours: 10, title: '第二期' })), 201);
  assert.equal(await value('teachers_ethnic_40h', SCHOOL), before.e + 1, '40 h reached');
  assert.equal(await value('teachers_ethnic_40h', '653121'), before.county + 1, 'rolled up to the county');
  const share = expectStatus(await c.shufu.get(`/api/v1/values?indicator=training_hours_ethnic_counselling&org=${SCHOOL}&period=${YEAR}`), 200).json;
  assert.ok(Math.abs(share.value - (100 * share.numerator) / share.denominator) < 1e-9, 'the ratio is the share');
  assert.equal(share.denominator, before.n + 1);
});

// A hand count of the rules from the API's own lists.
function handCount(teachers, records) {
  const hours = new Map();
  for (const r of records) {
    const h = hours.get(r.teacher) || { e: 0, i: 0 };
    if (r.category === 'ethnic_counselling') h.e += Math.round(r.hours * 10);
    if (r.category === 'it') h.i += Math.round(r.hours * 10);
    hours.set(r.teacher, h);
  }
  const by = new Map();
  const add = (key, t) => {
    const x = by.get(key) || { teachers: 0, ethnic_ok: 0, it_ok: 0, short: [] };
    const h = hours.get(t.id) || { e: 0, i: 0 };
    x.teachers++;
    if (h.e >= 400) x.ethnic_ok++;
    if (h.i >= 300) x.it_ok++;
    if (h.e < 400 || h.i < 300) x.short.push(t.id);
    by.set(key, x);
  };
  for (const t of teachers) {
    add(t.school, t);
    add(t.school.slice(0, 6), t);
    add(t.school.slice(0, 4) + '00', t);
  }
  return by;
}

test('the rule shares of a school and of a prefecture equal a hand count', async () => {
  const teachers = await listAll(c.kashgar, '/api/v1/teachers?org=653100&active=1&limit=500');
  const records = await listAll(c.kashgar, `/api/v1/trainings?org=653100&year=${YEAR}&limit=500`);
  assert.ok(teachers.length > 20 && records.length > 50, `${teachers.length} teachers, ${records.length} records`);
  const hand = handCount(teachers, records);
  const pre = expectStatus(await c.kashgar.get(`/api/v1/trainings/summary?org=653100&year=${YEAR}`), 200).json;
  const mine = hand.get('653100');
  assert.equal(pre.unit.teachers, mine.teachers);
  assert.equal(pre.unit.ethnic_ok, mine.ethnic_ok);
  assert.equal(pre.unit.it_ok, mine.it_ok);
  assert.ok(Math.abs(pre.unit.ethnic_share - (100 * mine.ethnic_ok) / mine.teachers) < 1e-9);
  assert.ok(mine.ethnic_ok < mine.teachers, 'not every teacher meets the rules in the demo');
  assert.ok(pre.children.length > 1, 'the counties below');
  let sum = 0;
  for (const k of pre.children) {
    const h = hand.get(k.code) || { teachers: 0, ethnic_ok: 0, it_ok: 0 };
    assert.equal(k.teachers, h.teachers, k.code);
    assert.equal(k.ethnic_ok, h.ethnic_ok, k.code);
    assert.equal(k.it_ok, h.it_ok, k.code);
    sum += k.teachers;
  }
  assert.equal(sum, pre.unit.teachers, 'the counties add up to the prefecture');
  // the school, with who falls short
  const s = expectStatus(await c.shufu.get(`/api/v1/trainings/summary?org=${SCHOOL}&year=${YEAR}`), 200).json;
  const hs = hand.get(SCHOOL);
  assert.equal(s.unit.teachers, hs.teachers);
  assert.equal(s.unit.it_ok, hs.it_ok);
  assert.deepEqual(s.short.map((x) => x.teacher).sort((a, b) => a - b), hs.short.sort((a, b) => a - b));
  assert.ok(s.short.length > 0, 'someone falls short at the school');
  for (const x of s.short) assert.ok(x.short_of.length > 0 && x.short_of.every((k) => ['ethnic_counselling', 'it'].includes(k)));
  // the county of the school sees it; 疏附县 does better than 和田县 in the demo
  const county = expectStatus(await c.shufu.get(`/api/v1/trainings/summary?org=653121&year=${YEAR}`), 200).json;
  const hotan = expectStatus(await c.hotan.get(`/api/v1/trainings/summary?org=653221&year=${YEAR}`), 200).json;
  assert.ok(county.unit.ethnic_share + county.unit.it_share > hotan.unit.ethnic_share + hotan.unit.it_share,
    `疏附县 ${county.unit.ethnic_share}/${county.unit.it_share}, 和田县 ${hotan.unit.ethnic_share}/${hotan.unit.it_share}`);
});

test('who falls short is visible to the school\'s county, not to another (404 on the other\'s school)', async () => {
  expectStatus(await c.hotan.get(`/api/v1/trainings/summary?org=${SCHOOL}`), 404);
  expectStatus(await c.hotan.get(`/api/v1/trainings/summary?org=653121`), 404);
  expectStatus(await c.shufu.get(`/api/v1/trainings/summary?org=${HOTAN_SCHOOL}`), 404);
  expectStatus(await c.hotan.get(`/api/v1/trainings?school=${SCHOOL}`), 404);
  assert.equal((await get('hotan', `/training/school/${SCHOOL}`)).status, 404);
  assert.equal((await get('hotan', `/training/shortfalls?org=653121`)).status, 404);
  assert.equal((await get('shufu', `/training/school/${HOTAN_SCHOOL}`)).status, 404);
  const pg = await get('shufu', `/training/shortfalls?org=653121&year=${YEAR}`);
  assert.equal(pg.status, 200);
  const s = expectStatus(await c.shufu.get(`/api/v1/trainings/summary?org=${SCHOOL}&year=${YEAR}`), 200).json;
  for (const x of s.short) assert.ok(pg.text.includes(x.name), `${x.name} listed on the shortfall page`);
});

test('a parent is refused the training records and pages', async () => {
  for (const p of ['/api/v1/teachers', '/api/v1/trainings', `/api/v1/trainings/summary?org=${SCHOOL}`]) {
    expectError(await c.parent.get(p), 403, 'forbidden', p);
  }
  expectError(await c.parent.post('/api/v1/trainings', record(1)), 403, 'forbidden');
  for (const p of ['/training', `/training/school/${SCHOOL}`, '/training/shortfalls', '/training.xlsx']) {
    assert.equal((await get('parent', p)).status, 403, p);
  }
});

const CSV_HEAD = 'school_code,teacher_name,subject,year,category,hours,title,provider,held_on';

test('CSV import: a bad row names its line and column and nothing is written; a good file adds every row', async () => {
  const name = '导入教师甲';
  const rows = [
    `${SCHOOL},${name},语文,${YEAR},ethnic_counselling,24,"讲座, 第一期",县教师发展中心,${TODAY}`,
    `${SCHOOL},${name},语文,${YEAR},it,abc,智慧课堂,县教师发展中心,${TODAY}`,
    `${SCHOOL},导入教师乙,数学,${YEAR},it,30,智慧课堂,,${TODAY}`,
  ];
  const csv = [CSV_HEAD, ...rows].join('\n') + '\n';
  const countBefore = (await recordsOf('shufu', `school=${SCHOOL}&year=${YEAR}`)).length;
  const teachersBefore = (await listAll(c.shufu, `/api/v1/teachers?school=${SCHOOL}&limit=500`)).length;
  const send = (text, q = '') => c.leader.post(`/api/v1/trainings/import?lang=en${q.replace('?', '&')}`, text, { headers: { 'Content-Type': 'text/csv' } });
  const bad = expectError(await send(csv), 422, 'invalid');
  assert.match(bad.message, /^line 3, column 6 \(hours\): /);
  const res = (await send(csv)).json.error;
  assert.equal(res.errors.length, 1);
  assert.deepEqual({ line: res.errors[0].line, column: res.errors[0].column, field: res.errors[0].field }, { line: 3, column: 6, field: 'hours' });
  assert.equal((await recordsOf('shufu', `school=${SCHOOL}&year=${YEAR}`)).length, countBefore, 'no record written');
  assert.equal((await listAll(c.shufu, `/api/v1/teachers?school=${SCHOOL}&limit=500`)).length, teachersBefore, 'no teacher made');

  // several problems at once, each with its place; a school out of reach among them
  const many = [CSV_HEAD,
    `${HOTAN_SCHOOL},某,语文,${YEAR},it,8,x,,${TODAY}`,
    `${SCHOOL},某,语文,${YEAR},sports,8,x,,${TODAY}`,
    `${SCHOOL},某,语文,${YEAR},it,8,x,,${YEAR + 1}-01-01`,
    `${SCHOOL},某,语文,${YEAR},it,8,x,,${TODAY}`,
    `${SCHOOL},某,语文,${YEAR},it,8,x,,${TODAY}`].join('\n');
  const m = (await send(many)).json.error;
  const at = m.errors.map((e) => `${e.line}:${e.column}:${e.field}`);
  assert.ok(at.includes('2:1:school_code'), at.join(' '));
  assert.ok(at.includes('3:5:category'), at.join(' '));
  assert.ok(at.includes('4:9:held_on'), at.join(' '));
  assert.ok(m.errors.some((e) => e.line === 6 && /line 5/.test(e.message)), 'the same record twice');
  // a header that is not ours
  const h = (await send('org,indicator,period,value\n6531210001,x,2026,1\n')).json.error;
  assert.equal(h.errors[0].line, 1);

  // the good file: a dry run counts and writes nothing, then the import adds it all
  const good = [CSV_HEAD, rows[0], rows[0].replace(',24,', ',16,').replace('第一期', '第二期'), rows[2]].join('\r\n');
  const dry = expectStatus(await send(good, '?dry_run=1'), 200).json;
  assert.deepEqual(dry, { rows: 3, records_added: 3, teachers_added: 2, dry_run: true, written: false });
  assert.equal((await recordsOf('shufu', `school=${SCHOOL}&year=${YEAR}`)).length, countBefore);
  const done = expectStatus(await send(good), 200).json;
  assert.deepEqual(done, { rows: 3, records_added: 3, teachers_added: 2, dry_run: false, written: true });
  const after = await recordsOf('shufu', `school=${SCHOOL}&year=${YEAR}`);
  assert.equal(after.length, countBefore + 3);
  const jia = after.filter((r) => r.teacher_name === name);
  assert.equal(jia.length, 2);
  assert.ok(jia.some((r) => r.title === '讲座, 第一期'), 'a quoted field with a comma');
  assert.equal(jia.reduce((s, r) => s + r.hours, 0), 40);
  const s = expectStatus(await c.shufu.get(`/api/v1/trainings/summary?org=${SCHOOL}&year=${YEAR}`), 200).json;
  const jiaShort = s.short.find((x) => x.name === name);
  assert.ok(jiaShort && jiaShort.short_of.join() === 'it', 'meets the 40 h rule, not the IT one');
  // the same file again: every row is already recorded, nothing written
  const again = (await send(good)).json.error;
  assert.ok(again.errors.length >= 2 && again.errors.every((e) => /already recorded/.test(e.message)), JSON.stringify(again.errors));
  assert.equal((await recordsOf('shufu', `school=${SCHOOL}&year=${YEAR}`)).length, countBefore + 3);
  // hotan cannot import for 疏附县
  const far = (await c['hotan-leader'].post('/api/v1/trainings/import', good, { headers: { 'Content-Type': 'text/csv' } })).json.error;
  assert.ok(far.errors.every((e) => e.field === 'school_code'));
});

// A multipart/form-data body: fields are {name, value} or {name, filename, value}.
function multipart(fields) {
  const boundary = `----huiju${Math.random().toString(16).slice(2)}`;
  const chunks = [];
  for (const f of fields) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"`;
    if (f.filename !== undefined) head += `; filename="${f.filename}"\r\nContent-Type: text/csv`;
    chunks.push(Buffer.from(`${head}\r\n\r\n`), Buffer.from(f.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

test('pages: the school page, its forms keep the input and name the field, the upload lists line and column', async () => {
  const pg = await get('leader', `/training/school/${SCHOOL}?lang=en`);
  assert.equal(pg.status, 200);
  for (const want of ['action="/training/school/6531210001/records"', 'action="/training/school/6531210001/teachers"',
    'action="/trainings/import"', 'enctype="multipart/form-data"', 'name=_csrf', 'Who falls short']) {
    assert.ok(pg.text.includes(want), want);
  }
  const teacher = await newTeacher('leader', SCHOOL, '表单教师');
  const bad = await postForm('leader', `/training/school/${SCHOOL}/records?lang=en`, {
    teacher: String(teacher.id), category: 'it', hours: '12.25', title: '表单培训', provider: '', held_on: TODAY,
  });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /hours/);
  assert.ok(bad.text.includes('value="12.25"') && bad.text.includes('value="表单培训"'), 'the input is kept');
  const ok = await postForm('leader', `/training/school/${SCHOOL}/records`, {
    teacher: String(teacher.id), category: 'it', hours: '12.5', title: '表单培训', provider: '', held_on: TODAY,
  });
  assert.equal(ok.status, 303);
  assert.equal((await recordsOf('leader', `teacher=${teacher.id}`)).length, 1);
  // without the CSRF token: refused
  const nocsrf = await page(srv.url, `/training/school/${SCHOOL}/teachers`, { method: 'POST', cookie: sess.leader.cookie, form: { name: '无令牌' } });
  assert.equal(nocsrf.status, 403);
  const added = await postForm('leader', `/training/school/${SCHOOL}/teachers`, { name: '表单教师二', subject: '音乐' });
  assert.equal(added.status, 303);
  const dup = await postForm('leader', `/training/school/${SCHOOL}/teachers?lang=en`, { name: '表单教师二', subject: '音乐' });
  assert.equal(dup.status, 409);
  // the upload form
  const csv = `${CSV_HEAD}\n${SCHOOL},上传教师,语文,${YEAR},it,8,x,,${TODAY}\n${SCHOOL},上传教师,语文,${YEAR},it,-1,y,,${TODAY}\n`;
  const mp = multipart([{ name: '_csrf', value: sess.leader.csrf }, { name: 'school', value: SCHOOL },
    { name: 'file', filename: 'trainings.csv', value: csv }]);
  const up = await request(srv.url, 'POST', '/trainings/import?lang=en', { cookie: sess.leader.cookie, body: mp.body, headers: { 'Content-Type': mp.type } });
  assert.equal(up.status, 422);
  assert.match(up.text, /line 3, column 6 \(hours\)/);
  const mp2 = multipart([{ name: '_csrf', value: sess.leader.csrf }, { name: 'dry_run', value: '1' },
    { name: 'file', filename: 'trainings.csv', value: csv.split('\n').slice(0, 2).join('\n') }]);
  const up2 = await request(srv.url, 'POST', '/trainings/import?lang=en', { cookie: sess.leader.cookie, body: mp2.body, headers: { 'Content-Type': mp2.type } });
  assert.equal(up2.status, 200);
  assert.match(up2.text, /Dry run/);
  // the unit page: shares by the units below, with status marks
  const idx = await get('kashgar', `/training?org=653100&year=${YEAR}`);
  assert.equal(idx.status, 200);
  assert.ok(idx.text.includes('/training?org=653121') && /status st-(on_track|at_risk|off_track)/.test(idx.text));
  assert.ok(idx.text.includes(`/training/shortfalls?org=653100&amp;year=${YEAR}`));
});

// The names of the files in a zip archive, and the text of one of them.
function unzip(buf, member) {
  const f = path.join(TMP, `training_${process.pid}_${Math.random().toString(16).slice(2)}.xlsx`);
  fs.writeFileSync(f, buf);
  try {
    const list = execFileSync('unzip', ['-Z1', f], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const text = member ? execFileSync('unzip', ['-p', f, member], { encoding: 'utf8' }) : '';
    return { list, text };
  } finally {
    fs.rmSync(f, { force: true });
  }
}

test('Excel: the training table and the shortfalls are real workbooks', async () => {
  for (const [p, sheets] of [[`/training.xlsx?org=653121&year=${YEAR}`, 2], [`/training/shortfalls.xlsx?org=653121&year=${YEAR}`, 3]]) {
    const r = await fetch(srv.url + p, { headers: { Authorization: `Bearer ${sess.shufu.token}` } });
    assert.equal(r.status, 200, p);
    assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.match(r.headers.get('content-disposition') || '', /attachment; filename="(training|shortfalls)-653121-\d{4}\.xlsx"/);
    const buf = Buffer.from(await r.arrayBuffer());
    assert.equal(buf.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
    const z = unzip(buf, 'xl/sharedStrings.xml');
    assert.ok(z.list.includes('xl/workbook.xml'));
    assert.equal(z.list.filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n)).length, sheets, p);
    assert.ok(z.text.includes('疏附县第一小学'), 'the school is in the workbook');
  }
  const r = await fetch(srv.url + `/training.xlsx?org=${SCHOOL}`, { headers: { Authorization: `Bearer ${sess.hotan.token}` } });
  assert.equal(r.status, 404);
});
