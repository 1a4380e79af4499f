// Portrait and dashboards: who may open them (200 / 404 outside reach / 403
// without data.read), the API's figures agree with /api/v1/values, the Excel
// exports are real workbooks, and a write shows on the very next request.
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { test, before, after, startServer, login, client, page, expectStatus, expectError, DEFAULT_IP } from './lib.mjs';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const SCHOOL = '6531210001'; // 疏附县第一小学 (shufu, leader, liaison, parent)
const HOTAN_SCHOOL = '6532210001'; // 和田县第一小学 (653221)
const KEYS = ['arts_teacher_gap', 'family_guidance_coverage', 'parent_participation_rate', 'dropout_rate'];

let srv;
const who = {};
before(async () => {
  srv = await startServer();
  for (const name of ['admin', 'kashgar', 'shufu', 'hotan', 'leader', 'liaison', 'parent', 'auditor']) {
    const s = await login(srv.url, name);
    who[name] = { ...s, api: client(srv.url, { token: s.token }) };
  }
});
after(async () => {
  await srv?.stop();
});

// A page as a logged-in person (cookie, like a browser).
const view = (name, p) => page(srv.url, p, { cookie: who[name].cookie });

// The raw bytes of a response (the harness reads text, which would spoil a zip).
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

// Checks a workbook response and returns its entries.
function workbook(res, what) {
  assert.equal(res.status, 200, `${what}: ${res.status} ${res.body.toString('utf8', 0, 200)}`);
  assert.equal(res.headers['content-type'], XLSX, `${what}: content type`);
  assert.match(res.headers['content-disposition'] || '', /^attachment; filename="[A-Za-z0-9._-]+\.xlsx"/, `${what}: Content-Disposition`);
  assert.equal(res.body.readUInt32LE(0), 0x04034b50, `${what}: starts like a zip file`);
  const z = unzip(res.body);
  for (const f of ['[Content_Types].xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml']) assert.ok(f in z, `${what}: has ${f}`);
  return z;
}

const near = (a, b) => a === b || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)));

async function valueOf(c, indicator, org, period) {
  const r = expectStatus(await c.get(`/api/v1/values?indicator=${indicator}&org=${org}&period=${period}`), 200, `values ${indicator} ${org} ${period}`);
  return r.json.value;
}

/* ------------------------------------------------------------------ pages */

test('admin: /dashboard is the region, with statuses and figures', async () => {
  const r = expectStatus(await view('admin', '/dashboard'), 200);
  assert.match(r.headers['content-type'], /text\/html/);
  assert.ok(r.text.includes('新疆维吾尔自治区'), 'the region');
  assert.match(r.text, /class="status st-(on_track|at_risk|off_track)"/, 'a status label');
  assert.match(r.text, /<td[^>]*data-n[^>]*>\d[\d,.]*%/, 'a figure in a table');
  assert.ok(r.text.includes('href="/timeline"'), 'a link to the timeline');
  assert.ok(r.text.includes('href="/dashboard/650000.xlsx"'), 'the export link');
  for (const p of ['653100', '653200']) assert.ok(r.text.includes(`href="/dashboard/${p}"`), `drill-down to ${p}`);
  assert.ok(r.text.includes('src="/assets/echarts.min.js" defer'), 'ECharts, deferred');
  assert.ok(!/<script>|<script [^>]*>[^<]/.test(r.text), 'no inline script');
  expectStatus(await view('admin', '/dashboard/650000'), 200);
});

test('each person sees their own top unit; a school person is sent to the portrait', async () => {
  const k = expectStatus(await view('kashgar', '/dashboard'), 200);
  assert.ok(k.text.includes('喀什地区'));
  assert.ok(k.text.includes('href="/dashboard/653121"'), 'drill-down to 疏附县');
  const s = expectStatus(await view('shufu', '/dashboard'), 200);
  assert.ok(s.text.includes('疏附县'));
  assert.ok(s.text.includes(`href="/orgs/${SCHOOL}/portrait"`), 'drill-down to a school portrait');
  for (const name of ['leader', 'liaison']) {
    const r = await view(name, '/dashboard');
    assert.equal(r.status, 303, `${name}: ${r.status}`);
    assert.match(r.headers.location, new RegExp(`/orgs/${SCHOOL}/portrait$`));
  }
  expectStatus(await view('auditor', '/dashboard'), 200);
});

test('dashboards: 200 in reach, 404 outside, 403 for a parent, 303 for a school', async () => {
  expectStatus(await view('kashgar', '/dashboard/653121'), 200);
  expectStatus(await view('shufu', '/dashboard/653121'), 200);
  for (const [name, code] of [['kashgar', '650000'], ['shufu', '653100'], ['shufu', '653221'], ['hotan', '653121'], ['admin', 'nope-0'], ['admin', '999999']]) {
    assert.equal((await view(name, `/dashboard/${code}`)).status, 404, `${name} /dashboard/${code}`);
    expectError(await who[name].api.get(`/api/v1/dashboard/${code}`), 404, undefined, `${name} API ${code}`);
  }
  assert.equal((await view('parent', '/dashboard')).status, 403);
  assert.equal((await view('parent', '/dashboard/653121')).status, 403);
  expectError(await who.parent.api.get('/api/v1/dashboard/653121'), 403, 'forbidden');
  const s = await view('shufu', `/dashboard/${SCHOOL}`);
  assert.equal(s.status, 303);
  assert.match(s.headers.location, new RegExp(`/orgs/${SCHOOL}/portrait$`));
  assert.equal((await view('shufu', `/dashboard/${HOTAN_SCHOOL}`)).status, 404, 'a school out of reach is not redirected');
});

test('?period= chooses the year; a bad or future period is a 400 with a message', async () => {
  const r = expectStatus(await view('admin', '/dashboard/650000?period=2025'), 200);
  assert.match(r.text, /<option value="2025" selected>/);
  for (const p of ['2024Q5', 'abc', '2999']) {
    assert.equal((await view('admin', `/dashboard/650000?period=${p}`)).status, 400, `page period=${p}`);
    const e = expectError(await who.admin.api.get(`/api/v1/dashboard/650000?period=${p}`), 400, 'bad_param');
    assert.ok(e.message.length > 5);
  }
  const j = expectStatus(await who.admin.api.get('/api/v1/dashboard/650000?period=2024'), 200).json;
  assert.equal(j.period, '2024');
  for (const t of j.targets.filter((t) => t.measured)) assert.ok(t.period === null || t.period === '2024', `${t.code}: ${t.period}`);
});

test('portrait: the school in reach, 404 outside, 403 for a parent', async () => {
  for (const name of ['admin', 'kashgar', 'shufu', 'leader', 'liaison']) {
    const r = expectStatus(await view(name, `/orgs/${SCHOOL}/portrait`), 200, name);
    assert.ok(r.text.includes('疏附县第一小学'), `${name}: the school's name`);
  }
  const r = (await view('shufu', `/orgs/${SCHOOL}/portrait`)).text;
  for (const id of ['sec-teachers', 'sec-academic', 'sec-students', 'sec-home_school', 'sec-targets']) assert.ok(r.includes(`id="${id}"`), `section ${id}`);
  assert.match(r, /<figure class=chart data-chart="line"/, 'a history chart');
  assert.match(r, /data-x="2024" data-s="[^"]+" data-v="[\d.]+"/, 'the chart reads its numbers from the table');
  assert.match(r, /<table id="hist-arts_teacher_gap"/, 'the history table');
  assert.match(r, /<table id="cmp-teachers"/, 'the comparison table');
  assert.ok(r.includes('疏附县') && r.includes('喀什地区') && r.includes('新疆维吾尔自治区'), 'beside county, prefecture, region');
  assert.match(r, /class="status st-(on_track|at_risk|off_track|no_data)"/, 'target statuses');
  assert.ok(r.includes(`href="/orgs/${SCHOOL}/portrait.xlsx"`), 'the export link');
  assert.equal((await view('shufu', `/orgs/${HOTAN_SCHOOL}/portrait`)).status, 404, 'shufu → a 653221 school');
  assert.equal((await view('hotan', `/orgs/${SCHOOL}/portrait`)).status, 404, 'hotan → a 653121 school');
  assert.equal((await view('leader', `/orgs/${HOTAN_SCHOOL}/portrait`)).status, 404, 'a school leader → another school');
  assert.equal((await view('admin', '/orgs/nope-0/portrait')).status, 404);
  assert.equal((await view('parent', `/orgs/${SCHOOL}/portrait`)).status, 403);
  const up = await view('shufu', '/orgs/653121/portrait');
  assert.equal(up.status, 303, 'a county has a dashboard, not a portrait');
  assert.match(up.headers.location, /\/dashboard\/653121$/);
});

test('the portrait shows the same figures as /api/v1/values', async () => {
  const r = (await view('shufu', `/orgs/${SCHOOL}/portrait`)).text;
  const m = /<table id="hist-dropout_rate"[\s\S]*?<\/table>/.exec(r);
  assert.ok(m, 'the dropout history');
  let seen = 0;
  for (const [, year, v] of m[0].matchAll(/data-x="(\d{4})" data-s="[^"]+" data-v="([^"]+)"/g)) {
    const want = await valueOf(who.shufu.api, 'dropout_rate', SCHOOL, year);
    assert.ok(near(Number(v), want), `dropout ${year}: page ${v}, values ${want}`);
    seen++;
  }
  assert.ok(seen >= 2, `${seen} years of dropout figures`);
});

test('a new school with no values yet: the portrait says so, the workbook still opens', async () => {
  const code = '6531219901';
  expectStatus(await who.admin.api.post('/api/v1/orgs', { code, parent: '653121', kind: 'school', name_zh: '疏附县测试学校', is_recipient: true }), [200, 201]);
  const r = expectStatus(await view('shufu', `/orgs/${code}/portrait`), 200);
  assert.ok(r.text.includes('疏附县测试学校'));
  assert.match(r.text, /class="notice error"/, 'a notice that there is no data');
  assert.ok(!/data-v=/.test(r.text), 'no chart points');
  workbook(await bytes('shufu', `/orgs/${code}/portrait.xlsx`), 'empty portrait.xlsx');
  const j = expectStatus(await who.shufu.api.get('/api/v1/dashboard/653121'), 200).json;
  const u = j.lagging.units.find((x) => x.code === code);
  assert.ok(u, 'the new school is listed');
  assert.equal(u.figures.dropout_rate.value, null);
  assert.equal(u.figures.dropout_rate.status, 'no_data');
  assert.equal(j.lagging.units[j.lagging.units.length - 1].off_track, 0, 'no-data units are not ranked as lagging');
});

/* -------------------------------------------------------------------- API */

test('API: the targets and the lagging units agree with /api/v1/values', async () => {
  for (const [name, code] of [['admin', '650000'], ['kashgar', '653100'], ['shufu', '653121']]) {
    const c = who[name].api;
    const j = expectStatus(await c.get(`/api/v1/dashboard/${code}`), 200, code).json;
    assert.equal(j.org.code, code);
    assert.match(j.as_of, /^\d{4}-\d{2}$/);
    const measured = j.targets.filter((t) => t.measured);
    assert.ok(measured.length >= 5, `${code}: ${measured.length} measured targets`);
    const counts = { on_track: 0, at_risk: 0, off_track: 0, no_data: 0 };
    for (const t of measured) counts[t.status]++;
    for (const k of Object.keys(counts)) assert.equal(j.summary[k], counts[k], `${code}: summary.${k}`);
    assert.equal(j.summary.not_measured, j.targets.length - measured.length);
    let compared = 0;
    for (const t of measured) {
      assert.ok(['on_track', 'at_risk', 'off_track', 'no_data'].includes(t.status), `${t.code}: ${t.status}`);
      assert.equal(typeof t.status_label, 'string');
      if (t.value === null || !t.period) continue;
      const v = await valueOf(c, t.indicator, code, t.period);
      assert.ok(near(t.value, v), `${code} ${t.code} (${t.indicator} ${t.period}): dashboard ${t.value}, values ${v}`);
      if (t.measure === 'value') assert.ok(near(t.actual, v), `${t.code}: actual`);
      compared++;
    }
    assert.ok(compared >= 5, `${code}: compared ${compared} targets`);
    const keys = Object.fromEntries(j.lagging.keys.map((k) => [k.indicator, k]));
    for (const k of KEYS) assert.ok(keys[k], `${code}: key indicator ${k}`);
    assert.ok(j.lagging.units.length > 0, `${code}: children`);
    const kind = { '650000': 'prefecture', '653100': 'county', '653121': 'school' }[code];
    for (const u of j.lagging.units) assert.equal(u.kind, kind, `${code}: child ${u.code}`);
    // worst first
    for (let i = 1; i < j.lagging.units.length; i++) {
      const a = j.lagging.units[i - 1], b = j.lagging.units[i];
      assert.ok(a.off_track > b.off_track || (a.off_track === b.off_track && a.at_risk >= b.at_risk), `${code}: ranking at ${i}`);
    }
    for (const u of j.lagging.units.slice(0, 3)) {
      assert.equal(u.link, kind === 'school' ? `/orgs/${u.code}/portrait` : `/dashboard/${u.code}`);
      for (const k of KEYS) {
        const v = await valueOf(c, k, u.code, keys[k].period);
        const f = u.figures[k];
        assert.ok(near(f.value, v), `${code} child ${u.code} ${k} ${keys[k].period}: dashboard ${f.value}, values ${v}`);
      }
    }
  }
});

test('API: a school is evaluated like any unit, with no children', async () => {
  const j = expectStatus(await who.liaison.api.get(`/api/v1/dashboard/${SCHOOL}`), 200).json;
  assert.equal(j.org.kind, 'school');
  assert.deepEqual(j.lagging.units, []);
  expectError(await who.liaison.api.get('/api/v1/dashboard/653121'), 404, undefined, 'a liaison officer does not reach the county');
});

test('a write shows on the very next request', async () => {
  const c = who.shufu.api;
  const before = expectStatus(await c.get('/api/v1/dashboard/653121'), 200).json;
  const period = before.lagging.keys.find((k) => k.indicator === 'dropout_rate').period;
  const enrolled = await valueOf(c, 'students_enrolled', SCHOOL, period);
  assert.ok(enrolled > 0, `students enrolled in ${period}: ${enrolled}`);
  const dropped = Math.min(enrolled, Math.round(enrolled * 0.5)); // a dreadful year
  expectStatus(await c.put('/api/v1/datavalues', [{ org: SCHOOL, indicator: 'students_dropped_out', period, value: dropped }]), 200);
  const after = expectStatus(await c.get('/api/v1/dashboard/653121'), 200).json;
  const unit = after.lagging.units.find((u) => u.code === SCHOOL);
  assert.ok(near(unit.figures.dropout_rate.value, (dropped / enrolled) * 100), `dropout now ${unit.figures.dropout_rate.value}`);
  assert.equal(unit.figures.dropout_rate.status, 'off_track');
  assert.equal(after.lagging.units[0].code, SCHOOL, 'the school now lags most');
  const county = await valueOf(c, 'dropout_rate', '653121', period);
  const t = after.targets.find((x) => x.indicator === 'dropout_rate' && x.period === period);
  if (t) assert.ok(near(t.value, county), 'the county figure moved too');
});

/* ------------------------------------------------------------------ Excel */

test('portrait.xlsx: a workbook with a sheet per section, same access rule', async () => {
  const res = await bytes('shufu', `/orgs/${SCHOOL}/portrait.xlsx`);
  const z = workbook(res, 'portrait.xlsx');
  assert.match(res.headers['content-disposition'], /filename\*=UTF-8''/, 'a UTF-8 file name too');
  const wb = z['xl/workbook.xml'].toString('utf8');
  assert.equal((wb.match(/<sheet /g) || []).length, 5, 'four sections and the targets');
  const strings = z['xl/sharedStrings.xml'].toString('utf8');
  assert.ok(strings.includes('疏附县第一小学'), 'the school');
  assert.ok(strings.includes('疏附县') && strings.includes('喀什地区'), 'the comparison units');
  const sheet = z['xl/worksheets/sheet1.xml'].toString('utf8');
  assert.match(sheet, /<c r="[A-Z]+\d+"[^>]*><v>[\d.]+<\/v><\/c>/, 'numbers stored as numbers');
  assert.equal((await bytes('shufu', `/orgs/${HOTAN_SCHOOL}/portrait.xlsx`)).status, 404);
  assert.equal((await bytes('parent', `/orgs/${SCHOOL}/portrait.xlsx`)).status, 403);
});

test('dashboard.xlsx: every table of the dashboard, same access rule', async () => {
  for (const [name, code] of [['admin', '650000'], ['kashgar', '653100'], ['shufu', '653121']]) {
    const res = await bytes(name, `/dashboard/${code}.xlsx`);
    const z = workbook(res, `${code}.xlsx`);
    assert.match(res.headers['content-disposition'], new RegExp(`filename="dashboard-${code}-`));
    const wb = z['xl/workbook.xml'].toString('utf8');
    assert.equal((wb.match(/<sheet /g) || []).length, 2, 'targets and the lagging units');
    const strings = z['xl/sharedStrings.xml'].toString('utf8');
    const j = (await who[name].api.get(`/api/v1/dashboard/${code}`)).json;
    for (const u of j.lagging.units.slice(0, 3)) assert.ok(strings.includes(u.name_zh), `${code}.xlsx lists ${u.name_zh}`);
    for (const t of j.targets.slice(0, 3)) assert.ok(strings.includes(t.name_zh), `${code}.xlsx lists ${t.name_zh}`);
  }
  const p = await bytes('admin', '/dashboard/650000.xlsx?period=2025');
  workbook(p, 'period=2025');
  assert.match(p.headers['content-disposition'], /dashboard-650000-2025\.xlsx/);
  assert.equal((await bytes('kashgar', '/dashboard/650000.xlsx')).status, 404);
  assert.equal((await bytes('shufu', '/dashboard/653221.xlsx')).status, 404);
  assert.equal((await bytes('parent', '/dashboard/653121.xlsx')).status, 403);
  const s = await bytes('shufu', `/dashboard/${SCHOOL}.xlsx`);
  assert.equal(s.status, 303, 'a school: its portrait workbook');
  assert.match(s.headers.location, new RegExp(`/orgs/${SCHOOL}/portrait\\.xlsx$`));
});

test('the chart assets are served with a long cache', async () => {
  for (const f of ['echarts.min.js', 'charts.js', 'dashboard.css', 'echarts.LICENSE.txt']) {
    const r = await fetch(`${srv.url}/assets/${f}`);
    assert.equal(r.status, 200, f);
    assert.match(r.headers.get('cache-control') || '', /max-age=\d{5,}/, `${f}: cache`);
    const body = await r.text();
    if (f === 'echarts.min.js') assert.ok(body.length > 500000 && body.includes('echarts'), 'the ECharts bundle');
    if (f === 'echarts.LICENSE.txt') assert.ok(body.includes('Apache License') && body.includes('5.6.0'));
  }
});
