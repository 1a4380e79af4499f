// Targets: the plan template loaded by the demo, GET/POST /api/v1/targets with
// their status and scope, the status following values written through
// PUT /api/v1/datavalues, the /targets and /timeline pages, and
// `huiju plan load` refusing a malformed file by line and column.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  test, before, after, startServer, login, client, page, run, expectStatus, expectError,
  schoolsOf, ROOT, TMP,
} from './lib.mjs';

let srv, admin, shufu, hotan, kashgar, liaison, parent, auditor;
let shufuCookie, adminCookie, parentCookie;
before(async () => {
  srv = await startServer();
  const s = {};
  for (const who of ['admin', 'shufu', 'hotan', 'kashgar', 'liaison', 'parent']) s[who] = await login(srv.url, who);
  admin = client(srv.url, s.admin);
  shufu = client(srv.url, s.shufu);
  hotan = client(srv.url, s.hotan);
  kashgar = client(srv.url, s.kashgar);
  liaison = client(srv.url, s.liaison);
  parent = client(srv.url, s.parent);
  auditor = admin; // the region admin reads the audit trail too
  shufuCookie = s.shufu.cookie;
  adminCookie = s.admin.cookie;
  parentCookie = s.parent.cookie;
});
after(async () => {
  await srv?.stop();
});

// The rows of the plan template (its keys, in file order).
const planKeys = () =>
  fs.readFileSync(path.join(ROOT, 'data/plan-targets.csv'), 'utf8')
    .split(/\r?\n/).slice(1).filter((l) => l.trim()).map((l) => l.split(',')[0]);

// The server's year and month (Asia/Shanghai).
const shanghai = () => new Date(Date.now() + 8 * 3600 * 1000);
const thisYear = () => shanghai().getUTCFullYear();
const phaseOfYear = (y) => (y <= 2024 ? 'base' : y <= 2026 ? 'deepening' : 'consolidation');

async function targets(c, query = '') {
  const r = expectStatus(await c.get(`/api/v1/targets${query}`), 200, `targets${query}`);
  return r.json;
}
const byCode = (list, code) => {
  const t = list.items.find((x) => x.code === code);
  assert.ok(t, `${code} not in the list`);
  return t;
};

// Puts a batch of values; fails the test unless 200.
async function put(c, rows) {
  return expectStatus(await c.put('/api/v1/datavalues', rows), 200, 'PUT datavalues').json;
}

test('the demo loads every row of the plan template as a target at the region root', async () => {
  const keys = planKeys();
  const list = await targets(admin, '?scope=650000');
  assert.equal(list.scope.code, '650000');
  assert.equal(list.count, keys.length, 'one target per row of data/plan-targets.csv');
  assert.deepEqual(list.items.map((t) => t.code).sort(), [...keys].sort());
  for (const t of list.items) {
    for (const f of ['code', 'name_zh', 'name_en', 'indicator', 'scope', 'phase', 'baseline', 'baseline_period',
      'target', 'target_period', 'direction', 'unit', 'status', 'actual', 'expected', 'period']) {
      assert.ok(f in t, `${t.code} has no ${f}`);
    }
    assert.equal(t.scope, '650000', `${t.code} is scoped at the root`);
    assert.ok(['on_track', 'at_risk', 'off_track', 'no_data'].includes(t.status), `${t.code}: ${t.status}`);
  }
  const sum = Object.values(list.summary).reduce((a, b) => a + b, 0);
  assert.equal(sum, list.count, 'the summary counts every item');
  // phases from the deadline
  assert.equal(byCode(list, 'backbone_teachers_dispatched').phase, 'base'); // 2024Q2
  assert.equal(byCode(list, 'funding_total').phase, 'base'); // 2024
  assert.equal(byCode(list, 'parent_participation_rate').phase, 'deepening'); // 2025
  assert.equal(byCode(list, 'arts_teacher_gap').phase, 'consolidation'); // 2028
  assert.equal(byCode(list, 'training_hours_it').phase, phaseOfYear(thisYear())); // yearly
  // indicators linked by code, and the two aliases
  assert.equal(byCode(list, 'arts_teacher_gap').indicator, 'arts_teacher_gap');
  assert.equal(byCode(list, 'dropout_rate').indicator, 'dropout_rate');
  assert.equal(byCode(list, 'parent_participation_rate_long').indicator, 'parent_participation_rate');
  assert.equal(byCode(list, 'regional_rank_gain').indicator, 'regional_rank');
  assert.equal(byCode(list, 'regional_rank_gain').measure, 'places_gained');
  assert.equal(byCode(list, 'teacher_qualification_rate').measure, 'gain');
  assert.equal(byCode(list, 'funding_total').indicator, 'funding_total'); // fed from the funds
  assert.equal(byCode(list, 'region_brand_projects_2026').indicator, 'region_brand_projects');
  assert.equal(byCode(list, 'liaison_officers_per_school').indicator, 'liaison_officers');
  assert.equal(byCode(list, 'key_projects_launched').indicator, null); // no figure measures it yet
  assert.equal(byCode(list, 'key_projects_launched').status, 'no_data');
  const gap = byCode(list, 'arts_teacher_gap');
  assert.deepEqual([gap.baseline, gap.baseline_period, gap.target, gap.target_period, gap.direction, gap.unit],
    [34, '2022', 15, '2028', 'down', '%']);
  assert.equal(byCode(list, 'region_media_share').target, null, 'a row without a target value');
});

test('scope: the caller\'s top unit by default, 404 outside data.read reach, 403 without data.read', async () => {
  assert.equal((await targets(shufu)).scope.code, '653121');
  assert.equal((await targets(admin)).scope.code, '650000');
  assert.equal((await targets(kashgar)).scope.code, '653100');
  assert.equal((await targets(liaison)).scope.code, '6531210001');
  assert.equal((await targets(shufu, '?scope=653121')).count, planKeys().length);
  assert.equal((await targets(kashgar, '?scope=653121')).scope.code, '653121', 'a prefecture reads its counties');
  expectError(await shufu.get('/api/v1/targets?scope=653221'), 404, 'not_found');
  expectError(await shufu.get('/api/v1/targets?scope=650000'), 404, 'not_found');
  expectError(await hotan.get('/api/v1/targets?scope=653121'), 404, 'not_found');
  expectError(await shufu.get('/api/v1/targets?scope=nope!'), 404, 'not_found');
  expectError(await liaison.get('/api/v1/targets?scope=653121'), 404, 'not_found');
  expectError(await parent.get('/api/v1/targets'), 403, 'forbidden');
  expectError(await client(srv.url, {}).get('/api/v1/targets'), 401, 'unauthenticated');
});

test('filters by phase and status; bad filters are 400', async () => {
  const base = await targets(admin, '?phase=base');
  assert.ok(base.count > 0 && base.items.every((t) => t.phase === 'base'));
  const nodata = await targets(admin, '?status=no_data');
  assert.ok(nodata.count > 0 && nodata.items.every((t) => t.status === 'no_data'));
  const all = await targets(admin);
  const per = await Promise.all(['on_track', 'at_risk', 'off_track', 'no_data'].map((s) => targets(admin, `?status=${s}`)));
  assert.equal(per.reduce((n, l) => n + l.count, 0), all.count, 'the status filters partition the list');
  expectError(await admin.get('/api/v1/targets?phase=later'), 400, 'bad_param');
  expectError(await admin.get('/api/v1/targets?status=late'), 400, 'bad_param');
  expectError(await admin.get('/api/v1/targets?period=2025Q9'), 400, 'bad_param');
  const y2025 = await targets(admin, '?period=2025');
  for (const t of y2025.items) assert.ok(t.period === null || t.period === '2025', `${t.code}: ${t.period}`);
});

test('the status of arts_teacher_gap at a county follows the values written for its schools', async () => {
  const year = String(thisYear());
  const schools = await schoolsOf(shufu, '653121');
  // every school of the county: 1000 posts needed, `vacant` of them vacant
  const writeGap = (vacant) =>
    put(shufu, schools.flatMap((s) => [
      { org: s.code, indicator: 'arts_posts_needed', period: year, value: 1000 },
      { org: s.code, indicator: 'arts_posts_vacant', period: year, value: vacant },
    ]));
  const status = async () => byCode(await targets(shufu, '?scope=653121'), 'arts_teacher_gap');

  await writeGap(100); // 10 %: below the target of 15 %, on track whatever the month
  const v = expectStatus(await shufu.get(`/api/v1/values?indicator=arts_teacher_gap&org=653121&period=${year}`), 200).json;
  assert.ok(Math.abs(v.value - 10) < 1e-9, `the county's gap is 10 %: ${v.value}`);
  let t = await status();
  assert.equal(t.status, 'on_track');
  assert.equal(t.period, year);
  assert.ok(Math.abs(t.actual - 10) < 1e-9, `actual ${t.actual}`);
  assert.ok(t.expected > 15 && t.expected < 34, `expected ${t.expected} lies on the trajectory`);

  await writeGap(400); // 40 %: worse than the baseline of 34 %
  t = await status();
  assert.equal(t.status, 'off_track');
  assert.ok(Math.abs(t.actual - 40) < 1e-9);

  // just above the expected value, inside 80 % of the expected fall: at risk
  const risky = t.expected + 0.1 * (34 - t.expected);
  await writeGap(Math.round(risky * 10));
  t = await status();
  assert.equal(t.status, 'at_risk', `actual ${t.actual}, expected ${t.expected}`);

  // the prefecture and the region see the same write in their roll-up
  const pref = byCode(await targets(kashgar, '?scope=653100'), 'arts_teacher_gap');
  assert.equal(pref.period, year);
  // and the school itself
  const school = byCode(await targets(shufu, `?scope=${schools[0].code}`), 'arts_teacher_gap');
  assert.ok(Math.abs(school.actual - Math.round(risky * 10) / 10) < 1e-9, `school actual ${school.actual}`);
});

test('points of increase and places gained are counted from the baseline year', async () => {
  const year = String(thisYear());
  const school = '6531210001';
  await put(liaison, [
    { org: school, indicator: 'teachers_total', period: '2023', value: 100 },
    { org: school, indicator: 'teachers_qualified', period: '2023', value: 70 },
    { org: school, indicator: 'teachers_total', period: year, value: 100 },
    { org: school, indicator: 'teachers_qualified', period: year, value: 82 },
    { org: school, indicator: 'regional_rank', period: '2023', value: 50 },
    { org: school, indicator: 'regional_rank', period: year, value: 47 },
  ]);
  const list = await targets(liaison, `?scope=${school}`);
  const q = byCode(list, 'teacher_qualification_rate');
  assert.ok(Math.abs(q.current - 82) < 1e-9, `current ${q.current}`);
  assert.ok(Math.abs(q.baseline_value - 70) < 1e-9, `baseline value ${q.baseline_value}`);
  assert.ok(Math.abs(q.actual - 12) < 1e-9, `a gain of 12 points: ${q.actual}`);
  const want = q.actual >= q.expected ? 'on_track' : q.actual >= 0.8 * q.expected ? 'at_risk' : 'off_track';
  assert.equal(q.status, want, `12 points against ${q.expected}`);
  const rank = byCode(list, 'regional_rank_gain');
  assert.equal(rank.actual, 3, 'from place 50 to place 47: three places gained');
  assert.equal(rank.current, 47);
  assert.equal(rank.baseline_value, 50);
  assert.equal(rank.status, rank.actual >= rank.expected ? 'on_track' : rank.actual >= 0.8 * rank.expected ? 'at_risk' : 'off_track');
  // the rank is not summed: the region (many schools) has no rank, so no data there
  assert.equal(byCode(await targets(admin, '?scope=650000'), 'regional_rank_gain').status, 'no_data');
});

const newTarget = (over = {}) => ({
  code: 'shufu_dropout', name_zh: '疏附县辍学率', name_en: 'Shufu dropout rate', unit: '%',
  direction: 'max', indicator: 'dropout_rate', scope: '653121', target: 0.5, target_period: '2027', ...over,
});

test('POST /api/v1/targets: the region admin creates a target for a county; audited; 409 for a taken code', async () => {
  const r = expectStatus(await admin.post('/api/v1/targets', newTarget()), 201);
  assert.equal(r.json.code, 'shufu_dropout');
  assert.equal(r.json.scope, '653121');
  assert.equal(r.json.phase, 'consolidation');
  assert.equal(r.json.kind, 'rate');
  assert.ok('status' in r.json && 'expected' in r.json);
  // it applies to the county and below, not to another county nor above
  assert.ok((await targets(shufu, '?scope=653121')).items.some((t) => t.code === 'shufu_dropout'));
  assert.ok((await targets(liaison)).items.some((t) => t.code === 'shufu_dropout'));
  assert.ok(!(await targets(hotan)).items.some((t) => t.code === 'shufu_dropout'));
  assert.ok(!(await targets(admin, '?scope=650000')).items.some((t) => t.code === 'shufu_dropout'));
  const audit = expectStatus(await auditor.get('/api/v1/audit?object=target:shufu_dropout'), 200).json;
  assert.ok(audit.items.some((a) => a.action === 'target.create' && a.actor === 'admin'), JSON.stringify(audit.items));
  expectError(await admin.post('/api/v1/targets', newTarget({ name_zh: '又一个' })), 409, 'conflict');
  // a baseline and a phase given explicitly
  const b = expectStatus(await admin.post('/api/v1/targets', newTarget({
    code: 'shufu_gap', indicator: 'arts_teacher_gap', direction: 'down', baseline: 30, baseline_period: '2024',
    target: 12, target_period: '2028', phase: 'deepening', applies_to: 'school',
  })), 201).json;
  assert.deepEqual([b.baseline, b.baseline_period, b.phase, b.applies_to], [30, '2024', 'deepening', 'school']);
});

test('POST /api/v1/targets: 403 for a county official and a liaison officer, 401 anonymous', async () => {
  expectError(await shufu.post('/api/v1/targets', newTarget({ code: 'by_shufu' })), 403, 'forbidden');
  expectError(await liaison.post('/api/v1/targets', newTarget({ code: 'by_liaison', scope: '6531210001' })), 403, 'forbidden');
  expectError(await client(srv.url, {}).post('/api/v1/targets', newTarget({ code: 'anon' })), 401);
  const list = await targets(admin, '?scope=653121');
  assert.ok(!list.items.some((t) => ['by_shufu', 'by_liaison', 'anon'].includes(t.code)));
});

test('POST /api/v1/targets: bad input is 422 naming the field, and writes nothing', async () => {
  const before = (await targets(admin, '?scope=6531210001')).count;
  const cases = [
    [{ code: 'Bad Code' }, 'code'],
    [{ name_zh: '' }, 'name_zh'],
    [{ direction: 'sideways' }, 'direction'],
    [{ target: 'high' }, 'target'],
    [{ target: null }, 'target'],
    [{ target_period: undefined }, 'target_period'],
    [{ target_period: '2027Q5' }, 'target_period'],
    [{ baseline: 3 }, 'baseline_period'],
    [{ baseline_period: '2024' }, 'baseline'],
    [{ baseline: 1, baseline_period: '2030' }, 'baseline_period'],
    [{ direction: 'up', baseline: 80, baseline_period: '2023', target: 70 }, 'target'],
    [{ kind: 'vibes' }, 'kind'],
    [{ phase: 'later' }, 'phase'],
    [{ applies_to: 'planet' }, 'applies_to'],
    [{ scope: '999999' }, 'scope'],
    [{ scope: undefined }, 'scope'],
    [{ indicator: 'no_such_indicator' }, 'indicator'],
    [{ code: 'ok_code', name_en: 7 }, 'name_en'],
  ];
  for (const [over, field] of cases) {
    const body = newTarget({ code: 'bad_input_case', ...over });
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    const e = expectError(await admin.post('/api/v1/targets', body), 422, undefined, JSON.stringify(over));
    assert.match(e.message, new RegExp(`^${field}\\b`), `${JSON.stringify(over)} → ${e.message}`);
  }
  expectError(await admin.post('/api/v1/targets', { ...newTarget({ code: 'x_extra' }), colour: 'red' }), 422, 'unknown_field');
  expectError(await admin.post('/api/v1/targets', '{"code": '), 400, 'bad_json');
  expectError(await admin.post('/api/v1/targets', '[1,2]'), 400, 'bad_json');
  assert.equal((await targets(admin, '?scope=6531210001')).count, before, 'nothing was written');
});

// ---- pages -----------------------------------------------------------------

test('/targets shows the unit\'s targets by phase with status labels in words, and filters', async () => {
  const r = expectStatus(await page(srv.url, '/targets?lang=en', { cookie: shufuCookie }), 200);
  assert.match(r.headers['content-type'], /text\/html/);
  assert.match(r.text, /<meta name=viewport/);
  assert.ok(!/<script/i.test(r.text), 'no JavaScript');
  for (const h of ['Base period (2024)', 'Deepening (2025–2026)', 'Consolidation (2027–2028)']) assert.ok(r.text.includes(h), h);
  assert.match(r.text, /疏附县/);
  const row = r.text.match(/<tr id="t-arts_teacher_gap">.*?<\/tr>/s);
  assert.ok(row, 'a row for arts_teacher_gap');
  assert.match(row[0], /34% \(2022\) → 15% \(2028\)/);
  assert.match(row[0], /class="status st-(on_track|at_risk|off_track|no_data)"/);
  assert.match(row[0], /(On track|At risk|Off track|No data)<\/span>/, 'the status is written in words');
  assert.equal((r.text.match(/<tr id="t-/g) || []).length, planKeys().length + 2, 'the plan and the two county targets');
  // the phase filter
  const base = expectStatus(await page(srv.url, '/targets?lang=en&phase=base', { cookie: shufuCookie }), 200);
  assert.ok(base.text.includes('Base period (2024)') && !base.text.includes('<h2>Deepening'));
  assert.match(base.text, /<option value="base" selected>/);
  // the status filter
  const off = expectStatus(await page(srv.url, '/targets?lang=en&status=no_data', { cookie: shufuCookie }), 200);
  const rows = off.text.match(/<tr id="t-.*?<\/tr>/gs) || [];
  assert.ok(rows.length > 0 && rows.every((x) => x.includes('st-no_data')), 'only no-data rows');
  // Chinese by default
  const zh = expectStatus(await page(srv.url, '/targets', { cookie: adminCookie }), 200);
  assert.match(zh.text, /<html lang="zh-CN"/);
  expectStatus(await page(srv.url, '/targets?phase=later', { cookie: shufuCookie }), 400);
});

test('/targets and /timeline: scope and access', async () => {
  expectStatus(await page(srv.url, '/targets?scope=653221', { cookie: shufuCookie }), 404);
  expectStatus(await page(srv.url, '/timeline?scope=653221', { cookie: shufuCookie }), 404);
  expectStatus(await page(srv.url, '/targets?scope=653221', { cookie: adminCookie }), 200);
  expectStatus(await page(srv.url, '/targets', { cookie: parentCookie }), 403);
  expectStatus(await page(srv.url, '/timeline', { cookie: parentCookie }), 403);
  const anon = await page(srv.url, '/timeline');
  assert.equal(anon.status, 303);
});

test('/timeline shows the phases, the quarters with their milestones, and today', async () => {
  const r = expectStatus(await page(srv.url, '/timeline?lang=en&scope=653121', { cookie: shufuCookie }), 200);
  assert.ok(!/<script/i.test(r.text), 'no JavaScript');
  for (const h of ['Base period (2024)', 'Deepening (2025–2026)', 'Consolidation (2027–2028)']) assert.ok(r.text.includes(h), h);
  for (const q of ['2024Q1', '2024Q2', '2025Q4', '2026Q4', '2028Q4']) assert.ok(r.text.includes(`id="q-${q}"`), q);
  const quarter = (q) => (r.text.match(new RegExp(`<tr[^>]*id="q-${q}">.*?</tr>`, 's')) || [''])[0];
  assert.match(quarter('2024Q2'), /backbone teachers sent/, 'a 2024Q2 deadline sits on 2024Q2');
  assert.match(quarter('2024Q3'), /first key projects launched/);
  assert.match(quarter('2025Q4'), /parent participation rate/, 'a 2025 deadline sits on 2025Q4');
  assert.ok(!/every year/.test(r.text.match(/<table class=timeline>.*<\/table>/s)[0]), 'no yearly rules among milestones');
  // passed deadlines without a figure are late; every milestone is marked in words
  assert.match(quarter("2024Q2"), /class="status ms-late"><span aria-hidden=true>✗<\/span> Late</);
  for (const m of r.text.matchAll(/<div class="milestone ms-(\w+)">/g)) assert.ok(['done', 'late', 'upcoming'].includes(m[1]));
  // today's position
  const now = shanghai();
  const ym = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  const q = `${now.getUTCFullYear()}Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
  assert.match(r.text, new RegExp(`<tr class=now id="q-${q}">`), 'the current quarter is marked');
  assert.ok(r.text.includes(`Today ${ym}`), 'today is shown');
  assert.match(r.text, /<progress /);
});

// ---- huiju plan load ------------------------------------------------------------

const HEADER = 'key,name_zh,name_en,unit,kind,direction,baseline,baseline_period,target,target_period,applies_to,seed_section\n';

test('huiju plan load: a malformed file names the line and column and loads nothing', async () => {
  const before = (await targets(admin, '?scope=650000')).count;
  const file = path.join(TMP, `targets_bad_${process.pid}.csv`);
  fs.writeFileSync(file, HEADER +
    'cli_one,命令行目标,cli one,%,rate,up,10,2023,20,2026,school,\n' +
    'cli_two,命令行目标二,cli two,%,rate,up,10,2023,lots,2026,school,\n');
  let r = run(['plan', 'load', file, '--db', srv.db]);
  assert.notEqual(r.status, 0, r.out);
  assert.match(r.stderr, /line 3, column 9: target must be a number/);
  assert.match(r.stderr, /nothing was loaded/);
  fs.writeFileSync(file, HEADER + 'cli_one,"命令行目标,cli one,%,rate,up,10,2023,20,2026,school,\n');
  r = run(['plan', 'load', file, '--db', srv.db]);
  assert.notEqual(r.status, 0, r.out);
  assert.match(r.stderr, /line 2, column 2: a quoted field is not closed/);
  assert.equal((await targets(admin, '?scope=650000')).count, before, 'nothing was loaded');
  r = run(['plan', 'load', path.join(TMP, 'no-such-file.csv'), '--db', srv.db]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /no-such-file\.csv/);
  fs.rmSync(file, { force: true });
});

test('huiju plan load: a good file adds and updates targets; the same file again changes nothing', async () => {
  const file = path.join(TMP, `targets_good_${process.pid}.csv`);
  fs.writeFileSync(file, HEADER +
    'cli_one,命令行目标,cli one,%,rate,up,10,2023,20,2026,school,\n' +
    'dropout_rate,辍学率,dropout rate,%,rate,max,,,0.8,2028,school,9.1\n');
  let r = run(['plan', 'load', file, '--db', srv.db]);
  assert.equal(r.status, 0, r.out);
  assert.match(r.stdout, /2 targets \(1 new, 1 changed, 0 unchanged\)/);
  const list = await targets(admin, '?scope=650000');
  assert.equal(byCode(list, 'cli_one').phase, 'deepening');
  assert.equal(byCode(list, 'dropout_rate').target, 0.8);
  const audit = expectStatus(await auditor.get('/api/v1/audit?object=target:dropout_rate'), 200).json;
  assert.ok(audit.items.some((a) => a.action === 'target.update' && a.before && a.after), 'the update is audited with before and after');
  r = run(['plan', 'load', file, '--db', srv.db]);
  assert.equal(r.status, 0, r.out);
  assert.match(r.stdout, /0 new, 0 changed, 2 unchanged/);
  fs.rmSync(file, { force: true });
});
