// One school, one plan (一校一策): GET /api/v1/plans/{school}/{year}, the page,
// the print view, the workbook and the lists — what they show (confirmed needs
// with their supply and packs, the right gap totals, the key figures), and who
// may open them (in reach 200, outside reach 404, no data.read 403, bad year 400).
//
// Fixtures: the needs, resources, supplies and packs of this test are written
// straight into the database before the server starts — with the sqlite3 CLI on
// the SQLite file, or psql on the PostgreSQL database — because the needs,
// resources and matching APIs are being built at the same time as this one. They
// go to a school of their own (6531219901, a recipient school added under
// 疏附县 653121), so that whatever the demo itself files cannot change the totals.
// The SQL is the portable subset both engines take.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import zlib from 'node:zlib';
import {
  test, before, after, startServer, freshDb, runOk, login, client, page, expectStatus, expectError,
  BACKEND, DEFAULT_IP,
} from './lib.mjs';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const FX = '6531219901'; // the fixture school, under 653121 (shufu)
const SCHOOL = '6531210001'; // 疏附县第一小学 (leader, liaison, parent)
const HOTAN_SCHOOL = '6532210001'; // 和田县第一小学 (653221)
const YEAR = 2025;

const FIXTURES = `
INSERT INTO orgs(code, parent_id, path, depth, kind, name_zh, name_en, is_recipient, stage, created_at, updated_at)
  SELECT '${FX}', id, path || '${FX}/', depth + 1, 'school', '疏附县惠聚测试小学', 'Shufu fixture school', 1, 'primary', 0, 0
  FROM orgs WHERE code = '653121';
INSERT INTO needs(school_id, year, category, subject, quantity, met_quantity, unit, priority, wanted_by, description, status, source, created_by, created_at, updated_at)
  SELECT o.id, v.y, v.c, v.s, v.q, v.m, v.u, v.p, '2025-09-01', v.d, v.st, 'filed', 'fixture', 0, 0
  FROM orgs o, (
    SELECT ${YEAR} AS y, 'teachers' AS c, '音乐' AS s, 3 AS q, 1 AS m, 'people' AS u, 1 AS p, 'fx-A' AS d, 'matched' AS st
    UNION ALL SELECT ${YEAR}, 'teachers', '体育', 2, 0, 'people', 2, 'fx-B', 'open'
    UNION ALL SELECT ${YEAR}, 'equipment', '', 10, 10, 'sets', 3, 'fx-C', 'met'
    UNION ALL SELECT ${YEAR}, 'training', '', 40, 15, 'seats', 2, 'fx-D', 'in_progress'
    UNION ALL SELECT ${YEAR}, 'funds', '', 5000, 0, 'yuan', 3, 'fx-E', 'proposed'
    UNION ALL SELECT ${YEAR}, 'other', '', 1, 0, '', 5, 'fx-F', 'dismissed'
    UNION ALL SELECT ${YEAR - 1}, 'curriculum', '', 2, 0, 'courses', 3, 'fx-G', 'open'
  ) v WHERE o.code = '${FX}';
INSERT INTO resources(provider_id, kind, category, subject, title, capacity, remaining, unit, available_from, available_to, created_by, created_at, updated_at)
  SELECT o.id, v.k, v.c, '', v.t, v.cap, v.rem, v.u, '2025-01-01', '2025-12-31', 'fixture', 0, 0
  FROM orgs o, (
    SELECT 'teacher_secondment' AS k, 'teachers' AS c, 'fx-R1 音乐支教教师' AS t, 5 AS cap, 4 AS rem, 'people' AS u
    UNION ALL SELECT 'equipment', 'equipment', 'fx-R2 音乐器材', 10, 0, 'sets'
    UNION ALL SELECT 'training', 'training', 'fx-R3 班主任培训', 50, 35, 'seats'
  ) v WHERE o.code = '6501020001';
INSERT INTO supplies(need_id, resource_id, school_id, provider_id, quantity, created_by, created_at)
  SELECT n.id, rs.id, n.school_id, rs.provider_id, v.q, 'fixture', 0
  FROM needs n, resources rs, (
    SELECT 'fx-A' AS d, 'fx-R1 音乐支教教师' AS t, 1 AS q
    UNION ALL SELECT 'fx-C', 'fx-R2 音乐器材', 10
    UNION ALL SELECT 'fx-D', 'fx-R3 班主任培训', 15
  ) v WHERE n.description = v.d AND rs.title = v.t;
INSERT INTO packs(school_id, year, name, status, delivered_at, delivered_by, received_at, received_by, created_by, created_at, updated_at)
  SELECT id, ${YEAR}, 'fx-P 2025 春季资源包', 'received', 1740000000, 'helper-leader', 1740100000, 'liaison', 'fixture', 0, 0
  FROM orgs WHERE code = '${FX}';
INSERT INTO pack_items(pack_id, resource_id, need_id, quantity)
  SELECT pk.id, rs.id, n.id, v.q FROM packs pk, resources rs, needs n, (
    SELECT 'fx-R2 音乐器材' AS t, 'fx-C' AS d, 10 AS q
    UNION ALL SELECT 'fx-R1 音乐支教教师', 'fx-A', 1
  ) v WHERE pk.name = 'fx-P 2025 春季资源包' AND rs.title = v.t AND n.description = v.d;
`;

// Runs SQL on the test database: sqlite3 on the file, psql on the PostgreSQL URL.
function sql(db, text) {
  const r = BACKEND === 'sqlite'
    ? spawnSync('sqlite3', ['-bail', db], { input: text, encoding: 'utf8' })
    : spawnSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', db], { input: text, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fixture SQL failed: ${r.stderr || r.error}`);
  return r.stdout;
}

let srv;
const who = {};
before(async () => {
  const db = freshDb('plan');
  runOk(['init', '--db', db]);
  runOk(['demo', '--db', db, '--schools', '120', '--seed', '7'], { timeout: 120000 });
  sql(db, FIXTURES);
  srv = await startServer({ db });
  for (const name of ['admin', 'kashgar', 'shufu', 'hotan', 'leader', 'parent']) {
    const s = await login(srv.url, name);
    who[name] = { ...s, api: client(srv.url, { token: s.token }) };
  }
});
after(async () => {
  await srv?.stop();
});

const view = (name, p) => page(srv.url, p, { cookie: who[name].cookie });

async function bytes(name, p) {
  const res = await fetch(srv.url + p, {
    headers: { Authorization: `Bearer ${who[name].token}`, 'X-Forwarded-For': DEFAULT_IP },
    redirect: 'manual',
  });
  return { status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(await res.arrayBuffer()) };
}

// The entries of a zip file, by name → Buffer (central directory; stored or deflated).
function unzip(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  assert.ok(eocd >= 0, 'the zip has an end-of-central-directory record');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = {};
  for (let k = 0; k < count; k++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'a central directory entry');
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nlen = buf.readUInt16LE(p + 28), xlen = buf.readUInt16LE(p + 30), clen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nlen);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + csize);
    out[name] = method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data);
    p += 46 + nlen + xlen + clen;
  }
  return out;
}

const byDesc = (plan, d) => plan.needs.find((n) => n.description === d);

test('the plan of a school shows its confirmed needs, their supply and packs, and the right gap totals', async () => {
  const plan = expectStatus(await who.shufu.api.get(`/api/v1/plans/${FX}/${YEAR}`), 200).json;
  assert.equal(plan.year, YEAR);
  assert.equal(plan.school.code, FX);
  assert.equal(plan.school.county.code, '653121');
  assert.equal(plan.school.prefecture.code, '653100');
  // confirmed needs only: not proposed, not dismissed, not another year
  assert.deepEqual(plan.needs.map((n) => n.description).sort(), ['fx-A', 'fx-B', 'fx-C', 'fx-D']);
  const a = byDesc(plan, 'fx-A');
  assert.equal(a.status, 'matched');
  assert.equal(a.open_quantity, 2);
  assert.equal(a.supplies.length, 1);
  assert.equal(a.supplies[0].resource.title, 'fx-R1 音乐支教教师');
  assert.equal(a.supplies[0].provider.code, '6501020001');
  assert.equal(a.supplies[0].quantity, 1);
  assert.equal(a.packs.length, 1);
  assert.equal(a.packs[0].status, 'received');
  assert.equal(a.packs[0].received_by, 'liaison');
  assert.equal(a.packs[0].delivered_at, 1740000000);
  assert.equal(byDesc(plan, 'fx-C').open_quantity, 0, 'a need that is met has no gap');
  assert.equal(byDesc(plan, 'fx-B').supplies.length, 0);
  // the packs, with their items
  assert.equal(plan.packs.length, 1);
  assert.equal(plan.packs[0].items.length, 2);
  assert.deepEqual(plan.projects, [], 'no projects table yet');
  // the gaps: A (2 people), B (2 people), D (25 seats); totals by category and unit
  assert.deepEqual(plan.gaps.items.map((g) => g.open_quantity).sort((x, y) => x - y), [2, 2, 25]);
  assert.equal(plan.gaps.open_needs, 3);
  const tot = Object.fromEntries(plan.gaps.by_category.map((t) => [`${t.category}/${t.unit}`, t]));
  assert.deepEqual(
    { needs: tot['teachers/people'].needs, q: tot['teachers/people'].quantity, met: tot['teachers/people'].met_quantity, open: tot['teachers/people'].open_quantity },
    { needs: 2, q: 5, met: 1, open: 4 },
  );
  assert.equal(tot['equipment/sets'].open_quantity, 0);
  assert.equal(tot['training/seats'].open_quantity, 25);
  assert.equal(tot['training/seats'].open_needs, 1);
  assert.equal(Object.keys(tot).length, 3);
  // key figures: the five, present even when the fixture school has no values
  assert.deepEqual(plan.figures.map((f) => f.indicator), ['arts_teacher_gap', 'teacher_qualification_rate', 'family_guidance_coverage', 'parent_participation_rate', 'dropout_rate']);
  assert.ok(plan.figures.every((f) => f.value === null));
  // the year before holds only need G
  const before2024 = expectStatus(await who.shufu.api.get(`/api/v1/plans/${FX}/${YEAR - 1}`), 200).json;
  assert.deepEqual(before2024.needs.map((n) => n.description), ['fx-G']);
  assert.equal(before2024.packs.length, 0);
});

test("the key figures are the school portrait's figures for the year", async () => {
  const plan = expectStatus(await who.leader.api.get(`/api/v1/plans/${SCHOOL}/${YEAR}`), 200).json;
  for (const f of plan.figures) {
    const v = expectStatus(await who.leader.api.get(`/api/v1/values?indicator=${f.indicator}&org=${SCHOOL}&period=${YEAR}`), 200).json;
    const want = v.value ?? null;
    if (want === null) assert.equal(f.value, null, f.indicator);
    else assert.ok(Math.abs(f.value - want) < 1e-9, `${f.indicator}: ${f.value} vs ${want}`);
  }
  assert.ok(plan.figures.some((f) => f.value !== null), 'the demo school has figures for 2025');
});

test('the page shows the plan in sections, linking the print view and the workbook', async () => {
  const r = expectStatus(await view('shufu', `/plans/${FX}/${YEAR}`), 200);
  assert.match(r.headers['content-type'], /text\/html/);
  for (const s of ['sec-figures', 'sec-needs', 'sec-packs', 'sec-projects', 'sec-gaps']) assert.ok(r.text.includes(`id=${s}`), s);
  assert.ok(r.text.includes('fx-R1 音乐支教教师'));
  assert.ok(r.text.includes('fx-P 2025 春季资源包'));
  assert.ok(!r.text.includes('fx-E') && !r.text.includes('fx-F'), 'no proposed or dismissed need');
  assert.ok(r.text.includes(`href="/plans/${FX}/${YEAR}/print"`));
  assert.ok(r.text.includes(`href="/plans/${FX}/${YEAR}.xlsx"`));
  assert.ok(r.text.includes('name=viewport'));
});

test('the print view has no navigation and a signature block for the school leader and the county official', async () => {
  const r = expectStatus(await view('shufu', `/plans/${FX}/${YEAR}/print`), 200);
  assert.ok(!/<nav[\s>]/.test(r.text), 'no <nav>');
  assert.ok(!r.text.includes('class=top'), 'no page header');
  assert.ok(r.text.includes('class=signatures'));
  assert.equal((r.text.match(/class=sign-box/g) || []).length, 2, 'two signature boxes');
  assert.equal((r.text.match(/class=sign-line/g) || []).length, 4, 'a signature and a date line each');
  assert.ok(r.text.includes('疏附县'), 'the county is named in its box');
  assert.ok(r.text.includes('/assets/plan.css'));
  assert.ok(r.text.includes('fx-R3 班主任培训'));
  const css = expectStatus(await page(srv.url, '/assets/plan.css'), 200).text;
  assert.match(css, /@page\{size:A4/);
  assert.match(css, /@media print/);
});

test('the workbook is a zip with the right content type, filename and one sheet per section', async () => {
  const res = await bytes('shufu', `/plans/${FX}/${YEAR}.xlsx`);
  assert.equal(res.status, 200, res.body.toString('utf8', 0, 200));
  assert.equal(res.headers['content-type'], XLSX);
  assert.match(res.headers['content-disposition'] || '', new RegExp(`^attachment; filename="plan-${FX}-${YEAR}\\.xlsx"`));
  assert.equal(res.body.readUInt32LE(0), 0x04034b50, 'starts like a zip file');
  const z = unzip(res.body);
  for (let i = 1; i <= 6; i++) assert.ok(`xl/worksheets/sheet${i}.xml` in z, `sheet ${i}`);
  assert.ok(!('xl/worksheets/sheet7.xml' in z));
  const strings = (z['xl/sharedStrings.xml'] || Buffer.alloc(0)).toString('utf8') +
    Object.keys(z).filter((k) => k.startsWith('xl/worksheets/')).map((k) => z[k].toString('utf8')).join('');
  for (const s of ['fx-R1 音乐支教教师', 'fx-R2 音乐器材', 'fx-P 2025 春季资源包', '疏附县惠聚测试小学']) assert.ok(strings.includes(s), s);
});

test('the list of recipient schools counts needs, met and open gaps and links to each plan', async () => {
  const res = expectStatus(await who.shufu.api.get(`/api/v1/plans?org=653121&year=${YEAR}`), 200).json;
  assert.equal(res.org, '653121');
  const fx = res.items.find((x) => x.code === FX);
  assert.ok(fx, 'the fixture school is listed');
  assert.deepEqual({ needs: fx.needs, met: fx.met, open: fx.open_gaps }, { needs: 4, met: 1, open: 3 });
  assert.equal(fx.plan, `/api/v1/plans/${FX}/${YEAR}`);
  assert.ok(res.items.every((x) => x.code.startsWith('653121')), 'only the county');
  // the default is the caller's own unit
  const mine = expectStatus(await who.shufu.api.get(`/api/v1/plans?year=${YEAR}`), 200).json;
  assert.equal(mine.org, '653121');
  const pg = expectStatus(await view('shufu', `/plans?org=653121&year=${YEAR}`), 200);
  assert.ok(pg.text.includes(`href="/plans/${FX}/${YEAR}"`));
  // the prefecture reaches it too; hotan does not reach 653121
  const k = expectStatus(await who.kashgar.api.get(`/api/v1/plans?org=653100&year=${YEAR}`), 200).json;
  assert.ok(k.items.length > 0 && k.items.every((x) => x.code.startsWith('6531')));
  expectError(await who.hotan.api.get(`/api/v1/plans?org=653121&year=${YEAR}`), 404);
  expectError(await who.shufu.api.get('/api/v1/plans?org=653121&year=20x5'), 400, 'bad_param');
  expectError(await who.shufu.api.get('/api/v1/plans?org=653121&cursor=%27x'), 400, 'bad_param');
});

test('scope: in reach 200, outside reach 404, without data.read 403', async () => {
  expectStatus(await who.hotan.api.get(`/api/v1/plans/${HOTAN_SCHOOL}/${YEAR}`), 200);
  expectStatus(await who.admin.api.get(`/api/v1/plans/${FX}/${YEAR}`), 200);
  expectStatus(await who.kashgar.api.get(`/api/v1/plans/${FX}/${YEAR}`), 200);
  expectError(await who.shufu.api.get(`/api/v1/plans/${HOTAN_SCHOOL}/${YEAR}`), 404, 'not_found');
  expectError(await who.hotan.api.get(`/api/v1/plans/${FX}/${YEAR}`), 404, 'not_found');
  // out of reach looks exactly like a school that does not exist
  const missing = await who.shufu.api.get(`/api/v1/plans/6531219999/${YEAR}`);
  const out = await who.shufu.api.get(`/api/v1/plans/${HOTAN_SCHOOL}/${YEAR}`);
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.json, out.json);
  // a unit that is not a recipient school has no plan
  expectError(await who.shufu.api.get(`/api/v1/plans/653121/${YEAR}`), 404);
  for (const p of [`/plans/${HOTAN_SCHOOL}/${YEAR}`, `/plans/${HOTAN_SCHOOL}/${YEAR}/print`]) {
    assert.equal((await view('shufu', p)).status, 404, p);
  }
  assert.equal((await bytes('shufu', `/plans/${HOTAN_SCHOOL}/${YEAR}.xlsx`)).status, 404);
  // a parent lacks data.read
  expectError(await who.parent.api.get(`/api/v1/plans/${SCHOOL}/${YEAR}`), 403, 'forbidden');
  expectError(await who.parent.api.get(`/api/v1/plans?year=${YEAR}`), 403, 'forbidden');
  for (const p of [`/plans/${SCHOOL}/${YEAR}`, `/plans/${SCHOOL}/${YEAR}/print`, `/plans/${SCHOOL}/${YEAR}.xlsx`, '/plans']) {
    assert.equal((await view('parent', p)).status, 403, p);
  }
  // nobody logged in
  expectError(await page(srv.url, `/api/v1/plans/${SCHOOL}/${YEAR}`), 401);
  assert.equal((await page(srv.url, `/plans/${SCHOOL}/${YEAR}`)).status, 303);
});

test('a bad year answers 400 with a message', async () => {
  for (const y of ['20x5', '1999', '2101', '-1', '2025.5']) {
    const e = expectError(await who.shufu.api.get(`/api/v1/plans/${FX}/${y}`), 400, 'bad_param');
    assert.match(e.message, /2000/);
  }
  assert.equal((await view('shufu', `/plans/${FX}/abcd`)).status, 400);
  assert.equal((await view('shufu', `/plans/${FX}/abcd/print`)).status, 400);
  assert.equal((await bytes('shufu', `/plans/${FX}/abcd.xlsx`)).status, 400);
});
