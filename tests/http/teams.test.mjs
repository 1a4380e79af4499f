// 1+N assistance teams and liaison officers (capability 13, plan 7.1): a team needs
// a subject leader and a backbone teacher, its members are the helping school's
// teachers (another school's → 422), working days are at recipient schools (else
// 422), one per teacher and date (409), recorded by the helping school or by the
// recipient school for itself; who falls short of 40 days and which schools have
// fewer than 3 liaison officers is visible to the recipient school's county and
// not to another (404); the figures follow; a parent is refused; pages, forms and
// the workbook.
import assert from 'node:assert/strict';
import {
  test, before, after, startServer, login, client, page, expectStatus, expectError, listAll,
} from './lib.mjs';

const HELPER = '6501020001'; // 乌鲁木齐市第一中学: helper-leader, team-lead, team1, team2
const SCHOOL = '6531210001'; // 疏附县第一小学, a recipient school: leader, liaison…
const HOTAN_SCHOOL = '6532210001'; // 和田县第一小学, a recipient school of 和田县
const TODAY = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
const YEAR = Number(TODAY.slice(0, 4));

let srv, sess = {}, c = {}, team;
before(async () => {
  srv = await startServer();
  for (const who of ['admin', 'shufu', 'hotan', 'kashgar', 'leader', 'helper-leader', 'hotan-leader', 'team-lead', 'parent', 'liaison']) {
    sess[who] = await login(srv.url, who);
    c[who] = client(srv.url, sess[who]);
  }
  const teams = expectStatus(await c['helper-leader'].get(`/api/v1/teams?org=${HELPER}&year=${YEAR}`), 200).json.items;
  assert.equal(teams.length, 1, 'the demo gives the helping school a team this year');
  team = teams[0];
});
after(async () => {
  await srv?.stop();
});

const get = (who, p) => page(srv.url, p, { cookie: sess[who].cookie });
const postForm = (who, p, form) =>
  page(srv.url, p, { method: 'POST', cookie: sess[who].cookie, form: { _csrf: sess[who].csrf, ...form } });

async function newTeacher(who, school, name) {
  return expectStatus(await c[who].post('/api/v1/teachers', { school, name, subject: '数学' }), 201, name).json;
}

// A weekday of this year, before today, not yet used by the teacher.
async function freeDay(teacherId) {
  const days = await listAll(c.admin, `/api/v1/teams/${team.id}/days?teacher=${teacherId}&limit=500`);
  const used = new Set(days.map((d) => d.worked_on));
  for (let t = Date.parse(`${TODAY}T00:00:00Z`); ; t -= 86400000) {
    const d = new Date(t).toISOString().slice(0, 10);
    if (!d.startsWith(String(YEAR))) throw new Error('no free day left this year');
    if (!used.has(d)) return d;
  }
}

test('the demo team: a subject leader and backbone teachers, the demo people by name, days vs 40', async () => {
  const t = expectStatus(await c['team-lead'].get(`/api/v1/teams/${team.id}`), 200).json;
  assert.equal(t.school, HELPER);
  assert.equal(t.rules.ok, true);
  assert.ok(t.subject_leaders >= 1 && t.backbone >= 3 && t.backbone <= 6, `${t.subject_leaders} + ${t.backbone}`);
  const names = t.members.map((m) => m.name);
  for (const n of ['帮扶团队学科带头人', '帮扶团队骨干教师（一）', '帮扶团队骨干教师（二）']) assert.ok(names.includes(n), n);
  assert.equal(t.members.find((m) => m.name === '帮扶团队学科带头人').role, 'subject_leader');
  for (const m of t.members) assert.equal(m.meets, m.days >= 40, m.name);
  assert.ok(t.members.some((m) => !m.meets) && t.members.some((m) => m.meets), 'some short of 40, some not');
  assert.equal(t.members_40_days, t.members.filter((m) => m.meets).length);
});

test('team rules: members from the helping school only (422), once (409); a new team says what it lacks', async () => {
  const mine = await newTeacher('helper-leader', HELPER, '新骨干教师');
  const other = await newTeacher('leader', SCHOOL, '别校教师');
  const hl = c['helper-leader'];
  const e1 = expectError(await hl.post(`/api/v1/teams/${team.id}/members`, { teacher: other.id, role: 'backbone' }), 422, 'invalid');
  assert.match(e1.message, /^teacher /);
  const e2 = expectError(await hl.post(`/api/v1/teams/${team.id}/members`, { teacher: mine.id, role: 'captain' }), 422, 'invalid');
  assert.match(e2.message, /^role /);
  const added = expectStatus(await hl.post(`/api/v1/teams/${team.id}/members`, { teacher: mine.id, role: 'backbone' }), 201).json;
  assert.ok(added.members.some((m) => m.teacher === mine.id && m.role === 'backbone' && m.days === 0));
  expectError(await hl.post(`/api/v1/teams/${team.id}/members`, { teacher: mine.id, role: 'subject_leader' }), 409, 'conflict');
  // the recipient school's leader sees the team (it works there) but does not change it
  expectError(await c.leader.post(`/api/v1/teams/${team.id}/members`, { teacher: mine.id, role: 'backbone' }), 403, 'forbidden');
  expectStatus(await hl.del(`/api/v1/teams/${team.id}/members?teacher=${mine.id}`), 204);
  expectStatus(await hl.del(`/api/v1/teams/${team.id}/members?teacher=${mine.id}`), 404);

  // next year's team: none yet, then one, then no second; it lacks both roles until given them
  const created = expectStatus(await hl.post('/api/v1/teams', { school: HELPER, year: YEAR + 1, name: '下一年团队' }), 201).json;
  assert.equal(created.rules.ok, false);
  assert.equal(created.rules.has_subject_leader, false);
  assert.ok(created.rules.problem, 'says what the team lacks');
  expectError(await hl.post('/api/v1/teams', { school: HELPER, year: YEAR + 1, name: '再来一个' }), 409, 'conflict');
  const notHelper = expectError(await c.leader.post('/api/v1/teams', { school: SCHOOL, name: '受援校团队' }), 422, 'invalid');
  assert.match(notHelper.message, /^school /);
  const p1 = expectStatus(await hl.post(`/api/v1/teams/${created.id}/members`, { teacher: mine.id, role: 'backbone' }), 201).json;
  assert.equal(p1.rules.has_backbone, true);
  assert.equal(p1.rules.has_subject_leader, false);
  assert.equal(p1.rules.ok, false);
  const renamed = expectStatus(await hl.patch(`/api/v1/teams/${created.id}`, { name: '下一年帮扶团队' }), 200).json;
  assert.equal(renamed.name, '下一年帮扶团队');
  const pg = await get('helper-leader', `/teams/${created.id}?lang=en`);
  assert.equal(pg.status, 200);
  assert.match(pg.text, /subject leader/i);
});

test('working days: a recipient school only (422), one per teacher and date (409), the field named', async () => {
  const t = expectStatus(await c.admin.get(`/api/v1/teams/${team.id}`), 200).json;
  const m = t.members.find((x) => x.name === '帮扶团队骨干教师（二）');
  assert.ok(m && !m.meets, 'team2 falls short in the demo');
  const day = await freeDay(m.teacher);
  const hl = c['helper-leader'];
  const bad = [
    [{ school: HELPER }, 'school'], // the helping school itself
    [{ school: '6501020001x' }, 'school'],
    [{ school: '653121' }, 'school'], // a county, not a school
    [{ worked_on: `${YEAR + 1}-01-02` }, 'worked_on'],
    [{ worked_on: `${YEAR - 1}-12-30` }, 'worked_on'],
    [{ worked_on: `${YEAR}-02-30` }, 'worked_on'],
    [{ days: 0.3 }, 'days'],
    [{ days: 2 }, 'days'],
    [{ teacher: 999999 }, 'teacher'],
  ];
  for (const [extra, field] of bad) {
    const e = expectError(await hl.post(`/api/v1/teams/${team.id}/days`, { teacher: m.teacher, school: SCHOOL, worked_on: day, ...extra }), 422, 'invalid', JSON.stringify(extra));
    assert.ok(e.message.startsWith(`${field} `), `${JSON.stringify(extra)}: ${e.message}`);
  }
  // a helping school that is not a recipient: refused
  const helpers = await listAll(c.admin, '/api/v1/orgs?kind=school&limit=500');
  const pureHelper = helpers.find((o) => o.is_helper && !o.is_recipient && o.code !== HELPER);
  if (pureHelper) {
    const e = expectError(await hl.post(`/api/v1/teams/${team.id}/days`, { teacher: m.teacher, school: pureHelper.code, worked_on: day }), 422, 'invalid');
    assert.match(e.message, /^school /);
  }
  const before = (await listAll(c.admin, `/api/v1/teams/${team.id}/days?teacher=${m.teacher}&limit=500`)).length;
  const ok = expectStatus(await hl.post(`/api/v1/teams/${team.id}/days`, { teacher: m.teacher, school: SCHOOL, worked_on: day, days: 0.5, note: '送教' }), 201).json;
  assert.equal(ok.days, 0.5);
  assert.equal(ok.school, SCHOOL);
  expectError(await hl.post(`/api/v1/teams/${team.id}/days`, { teacher: m.teacher, school: HOTAN_SCHOOL, worked_on: day }), 409, 'conflict');
  assert.equal((await listAll(c.admin, `/api/v1/teams/${team.id}/days?teacher=${m.teacher}&limit=500`)).length, before + 1);
  const after = expectStatus(await c.admin.get(`/api/v1/teams/${team.id}`), 200).json.members.find((x) => x.teacher === m.teacher);
  assert.equal(after.days, m.days + 0.5);
  // the recipient school's leader records days at their own school, not at another
  const day2 = await freeDay(m.teacher);
  expectStatus(await c.leader.post(`/api/v1/teams/${team.id}/days`, { teacher: m.teacher, school: SCHOOL, worked_on: day2 }), 201);
  const day3 = await freeDay(m.teacher);
  expectError(await c.leader.post(`/api/v1/teams/${team.id}/days`, { teacher: m.teacher, school: HOTAN_SCHOOL, worked_on: day3 }), 403, 'forbidden');
  // the audit has the day
  const audit = expectStatus(await c.admin.get(`/api/v1/audit?object=team_day:${ok.id}&limit=5`), 200).json.items;
  assert.equal(audit[0].action, 'team.day');
});

test('the figures follow: team_members_40_days and backbone_teachers_dispatched of the helping school', async () => {
  const value = async (ind) =>
    expectStatus(await c['helper-leader'].get(`/api/v1/values?indicator=${ind}&org=${HELPER}&period=${YEAR}`), 200).json.value;
  const t = expectStatus(await c.admin.get(`/api/v1/teams/${team.id}`), 200).json;
  assert.equal(await value('team_members'), t.members_count);
  assert.equal(await value('team_members_40_days'), t.members_40_days);
  assert.equal(await value('backbone_teachers_dispatched'), t.members.filter((m) => m.role === 'backbone' && m.days > 0).length);
  // a member short of 40 days, given the days they lack
  const m = t.members.find((x) => !x.meets);
  const hl = c['helper-leader'];
  for (let left = 40 - m.days; left > 0; left -= 1) {
    const d = await freeDay(m.teacher);
    expectStatus(await hl.post(`/api/v1/teams/${team.id}/days`, { teacher: m.teacher, school: SCHOOL, worked_on: d, days: left >= 1 ? 1 : 0.5 }), 201);
  }
  assert.equal(await value('team_members_40_days'), t.members_40_days + 1);
  const region = expectStatus(await c.admin.get(`/api/v1/values?indicator=team_member_days&org=650000&period=${YEAR}`), 200).json;
  assert.ok(region.denominator > 0 && region.numerator <= region.denominator);
});

test('who falls short is visible to the recipient school\'s county, not to another county (404)', async () => {
  // the precondition: the demo team works in 疏附县 and never in 和田县
  const days = await listAll(c.admin, `/api/v1/teams/${team.id}/days?limit=500`);
  assert.ok(days.some((d) => d.school.startsWith('653121')));
  assert.ok(!days.some((d) => d.school.startsWith('653221')));
  const s = expectStatus(await c.shufu.get(`/api/v1/teams/shortfalls?org=653121&year=${YEAR}`), 200).json;
  const t = expectStatus(await c.admin.get(`/api/v1/teams/${team.id}`), 200).json;
  const short = t.members.filter((m) => !m.meets).map((m) => m.teacher).sort();
  assert.deepEqual(s.members.filter((x) => x.team === team.id).map((x) => x.teacher).sort(), short);
  for (const x of s.members) assert.ok(x.days < 40 && Math.abs(x.short_by - (40 - x.days)) < 1e-9);
  expectStatus(await c.shufu.get(`/api/v1/teams/${team.id}`), 200);
  // 和田县 sees neither 疏附县's list nor the team
  expectStatus(await c.hotan.get(`/api/v1/teams/shortfalls?org=653121`), 404);
  expectStatus(await c.hotan.get(`/api/v1/teams/shortfalls?org=${SCHOOL}`), 404);
  expectStatus(await c.hotan.get(`/api/v1/teams/${team.id}`), 404);
  expectStatus(await c.hotan.get(`/api/v1/teams/${team.id}/days`), 404);
  assert.equal((await get('hotan', `/teams/${team.id}`)).status, 404);
  const own = expectStatus(await c.hotan.get(`/api/v1/teams/shortfalls?org=653221&year=${YEAR}`), 200).json;
  assert.ok(!own.members.some((x) => x.team === team.id));
  const list = expectStatus(await c.hotan.get(`/api/v1/teams?year=${YEAR}`), 200).json.items;
  assert.ok(!list.some((x) => x.id === team.id));
  // the helping school's side sees its team too; the county's page lists the short members
  const pg = await get('shufu', `/training/shortfalls?org=653121&year=${YEAR}`);
  assert.equal(pg.status, 200);
  for (const x of s.members) assert.ok(pg.text.includes(x.name), x.name);
  const hs = expectStatus(await c['helper-leader'].get(`/api/v1/teams/shortfalls?org=${HELPER}&year=${YEAR}`), 200).json;
  assert.deepEqual(hs.members.map((x) => x.teacher).sort(), short);
});

test('liaison officers: at least 3 per recipient school; the phone and the linked login checked', async () => {
  const list = await listAll(c.leader, `/api/v1/liaison-officers?school=${SCHOOL}&limit=500`);
  const active = list.filter((l) => l.active);
  assert.equal(active.length, 3);
  assert.deepEqual(active.map((l) => l.user).sort(), ['liaison', 'liaison2', 'liaison3']);
  const bad = [
    [{ phone: '12345' }, 'phone'],
    [{ phone: '1391234567a' }, 'phone'],
    [{ name: '' }, 'name'],
    [{ since: `${YEAR + 1}-01-01` }, 'since'],
    [{ user: 'parent' }, 'user'], // not a liaison officer of the school
    [{ user: 'liaison' }, 'user'], // already linked
    [{ user: 'hotan-liaison1' }, 'user'], // another school's
  ];
  for (const [extra, field] of bad) {
    const e = expectError(await c.leader.post('/api/v1/liaison-officers', { school: SCHOOL, name: '新联络员', ...extra }), 422, 'invalid', JSON.stringify(extra));
    assert.ok(e.message.startsWith(`${field} `), `${JSON.stringify(extra)}: ${e.message}`);
  }
  const notRecipient = expectError(await c['helper-leader'].post('/api/v1/liaison-officers', { school: HELPER, name: '联络员' }), 422, 'invalid');
  assert.match(notRecipient.message, /^school /);
  expectError(await c.hotan.post('/api/v1/liaison-officers', { school: SCHOOL, name: '联络员' }), 422, 'invalid');
  expectError(await c.liaison.post('/api/v1/liaison-officers', { school: SCHOOL, name: '联络员' }), 403, 'forbidden');
  const value = async () =>
    expectStatus(await c.shufu.get(`/api/v1/values?indicator=liaison_officers&org=${SCHOOL}&period=${YEAR}`), 200).json.value;
  assert.equal(await value(), 3);
  const n = expectStatus(await c.leader.post('/api/v1/liaison-officers', { school: SCHOOL, name: '第四联络员', phone: '13912345678' }), 201).json;
  assert.equal(n.since, TODAY);
  assert.equal(n.user, null);
  assert.equal(await value(), 4);
  // two leave: the school falls under 3 and the county sees it; 和田县 does not
  for (const l of [n, active[0]]) expectStatus(await c.leader.patch(`/api/v1/liaison-officers/${l.id}`, { active: false }), 200);
  assert.equal(await value(), 2);
  const s = expectStatus(await c.shufu.get(`/api/v1/teams/shortfalls?org=653121&year=${YEAR}`), 200).json;
  const me = s.liaison_schools.find((x) => x.school === SCHOOL);
  assert.ok(me, 'the school is listed');
  assert.equal(me.active_officers, 2);
  assert.equal(me.short_by, 1);
  const hs = expectStatus(await c.hotan.get(`/api/v1/teams/shortfalls?org=653221&year=${YEAR}`), 200).json;
  assert.ok(!hs.liaison_schools.some((x) => x.school === SCHOOL));
  const pg = await get('shufu', `/training/shortfalls?org=653121&year=${YEAR}`);
  assert.ok(pg.text.includes(`/training/school/${SCHOOL}#liaison`));
  expectStatus(await c.hotan.patch(`/api/v1/liaison-officers/${n.id}`, { active: true }), 404);
  // back: the link of a re-activated officer is checked again (still free, so fine)
  expectStatus(await c.leader.patch(`/api/v1/liaison-officers/${active[0].id}`, { active: true }), 200);
  assert.equal(await value(), 3);
  const fine = expectStatus(await c.shufu.get(`/api/v1/teams/shortfalls?org=653121&year=${YEAR}`), 200).json;
  assert.ok(!fine.liaison_schools.some((x) => x.school === SCHOOL));
  // unlink and link a login
  const un = expectStatus(await c.leader.patch(`/api/v1/liaison-officers/${active[2].id}`, { user: null }), 200).json;
  assert.equal(un.user, null);
  const re = expectStatus(await c.leader.patch(`/api/v1/liaison-officers/${active[2].id}`, { user: active[2].user }), 200).json;
  assert.equal(re.user, active[2].user);
});

test('a parent is refused the teams and liaison officers', async () => {
  for (const p of ['/api/v1/teams', `/api/v1/teams/${team.id}`, '/api/v1/teams/shortfalls', '/api/v1/liaison-officers']) {
    expectError(await c.parent.get(p), 403, 'forbidden', p);
  }
  expectError(await c.parent.post(`/api/v1/teams/${team.id}/days`, {}), 403, 'forbidden');
  for (const p of ['/teams', `/teams/${team.id}`, '/teams.xlsx']) assert.equal((await get('parent', p)).status, 403, p);
});

test('pages: the team page with its forms; a refused day keeps the input and names the field; the workbook', async () => {
  const pg = await get('helper-leader', `/teams/${team.id}?lang=en`);
  assert.equal(pg.status, 200);
  for (const want of [`action="/teams/${team.id}/days"`, `action="/teams/${team.id}/members"`, '帮扶团队骨干教师（二）', '/ 40']) {
    assert.ok(pg.text.includes(want), want);
  }
  const t = expectStatus(await c.admin.get(`/api/v1/teams/${team.id}`), 200).json;
  const m = t.members.find((x) => x.name === '帮扶团队骨干教师（一）');
  const bad = await postForm('helper-leader', `/teams/${team.id}/days?lang=en`, { teacher: String(m.teacher), school: HELPER, worked_on: TODAY, days: '1', note: '保留的备注' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /school/);
  assert.ok(bad.text.includes('保留的备注'), 'the input is kept');
  const d = await freeDay(m.teacher);
  const ok = await postForm('helper-leader', `/teams/${team.id}/days`, { teacher: String(m.teacher), school: SCHOOL, worked_on: d, days: '1', note: '' });
  assert.equal(ok.status, 303);
  const dup = await postForm('helper-leader', `/teams/${team.id}/days?lang=en`, { teacher: String(m.teacher), school: SCHOOL, worked_on: d, days: '0.5', note: '' });
  assert.equal(dup.status, 409);
  // the list of teams and the workbook
  const idx = await get('kashgar', `/teams?year=${YEAR}`);
  assert.equal(idx.status, 200);
  assert.ok(idx.text.includes(`/teams/${team.id}`));
  const r = await fetch(`${srv.url}/teams.xlsx?org=653121&year=${YEAR}`, { headers: { Authorization: `Bearer ${sess.shufu.token}` } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const buf = Buffer.from(await r.arrayBuffer());
  assert.equal(buf.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  assert.ok(buf.includes(Buffer.from('xl/worksheets/sheet2.xml')), 'two sheets');
  const start = await postForm('helper-leader', '/teams?lang=en', { school: SCHOOL, name: '错误', year: String(YEAR) });
  assert.equal(start.status, 422);
  assert.match(start.text, /school/);
});
