// Getting values in and out: the data-entry form, CSV import (upload and CLI) with
// errors by line and column and a dry run, DHIS2 dataValueSets import and export
// (a round trip into a fresh database), and who may do which where.
// Values are written for 2019–2020, before the demo's own data begins.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  test, before, after, startServer, request, login, client, run, expectStatus, expectError, schoolsOf, TMP, ROOT,
} from './lib.mjs';

const SCHOOL = '6531210001'; // 疏附县第一小学: leader, liaison and parent are here
const HOTAN_SCHOOL = '6532210001'; // 和田县第一小学, in another county

let srv, admin, shufu, hotan, leader, liaison, parent, auditor, other;
before(async () => {
  srv = await startServer();
  const [a, s, h, l, li, p, au] = await Promise.all(
    ['admin', 'shufu', 'hotan', 'leader', 'liaison', 'parent', 'auditor'].map((n) => login(srv.url, n)),
  );
  [admin, shufu, hotan, leader, liaison, parent, auditor] = [a, s, h, l, li, p, au];
  other = await addSchool(srv.url, admin);
  const schools = await schoolsOf(client(srv.url, admin), '653121');
  assert.ok(schools.some((x) => x.code === other), 'a second school in 653121');
});
after(async () => {
  await srv?.stop();
});

/* ------------------------------------------------------------- helpers */

// A second school in 疏附县 (the small demo has one), the same in every database.
async function addSchool(url, sess) {
  const code = '6531219801';
  const r = await request(url, 'POST', '/api/v1/orgs', {
    token: sess.token,
    body: { code, name_zh: '疏附县数据测试小学', name_en: 'Shufu data test school', kind: 'school', parent: '653121', is_recipient: true, stage: 'primary' },
  });
  expectStatus(r, 201, 'a second school');
  return code;
}

const api = (sess, method, p, opts = {}) => request(srv.url, method, p, { token: sess.token, ...opts });
const pageAs = (sess, method, p, opts = {}) => request(srv.url, method, p, { cookie: sess.cookie, ...opts });

// The stored value of a raw indicator at an organisation for its own period, or null.
async function valueOf(org, indicator, period) {
  const r = expectStatus(await api(admin, 'GET', `/api/v1/values?indicator=${indicator}&org=${org}&period=${period}`), 200);
  return r.json.value;
}

// The raw values of a subtree for a period, as a DHIS2 data value set.
async function exportSet(sess, org, period, extra = '') {
  const r = await api(sess, 'GET', `/api/v1/dataValueSets?orgUnit=${org}&period=${period}&children=true${extra}`);
  expectStatus(r, 200, 'export');
  return r.json.dataValues;
}

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

// Uploads csv to POST /import as sess: by API token, or as a browser does (cookie + _csrf).
function upload(sess, csv, { dryRun = false, cookie = false, csrf = true } = {}) {
  const fields = [];
  if (cookie && csrf) fields.push({ name: '_csrf', value: sess.csrf });
  fields.push({ name: 'file', filename: 'values.csv', value: csv });
  if (dryRun) fields.push({ name: 'dry_run', value: '1' });
  const m = multipart(fields);
  const auth = cookie ? { cookie: sess.cookie } : { token: sess.token };
  return request(srv.url, 'POST', '/import?lang=en', { ...auth, body: m.body, headers: { 'Content-Type': m.type } });
}

const csvOf = (rows) => ['org,indicator,period,value', ...rows.map((r) => r.join(','))].join('\n') + '\n';

// Writes a file under build/test-tmp and returns its path relative to the repository.
function tmpFile(name, text) {
  const f = path.join(TMP, `dataio_${process.pid}_${name}`);
  fs.writeFileSync(f, text);
  return path.relative(ROOT, f);
}

/* ------------------------------------------------------------ the form */

test('data-entry form: the school people and their county get it; other counties 404, parents 403', async () => {
  for (const who of [leader, liaison, shufu, admin]) {
    const r = await pageAs(who, 'GET', `/orgs/${SCHOOL}/data?period=2019&month=3&lang=en`);
    expectStatus(r, 200, 'form');
    assert.match(r.text, /name="v_teachers_total"/);
    assert.match(r.text, /name="v_training_hours"/);
    assert.match(r.text, /2019-03/, 'monthly fields are for the chosen month');
    assert.ok(!/name="v_teacher_qualification_rate"/.test(r.text), 'a ratio has no input');
    assert.match(r.text, /Teacher structure/, 'grouped by category');
  }
  expectStatus(await pageAs(hotan, 'GET', `/orgs/${SCHOOL}/data`), 404);
  expectStatus(await pageAs(leader, 'GET', `/orgs/${other}/data`), 404, 'a leader reaches only the own school');
  expectStatus(await pageAs(shufu, 'GET', '/orgs/no-such-school/data'), 404);
  // a county's page offers its schools; a form is only ever for a school
  const county = expectStatus(await pageAs(shufu, 'GET', '/orgs/653121/data'), 200, 'county chooser');
  assert.match(county.text, new RegExp(`href="/orgs/${SCHOOL}/data"`));
  const region = expectStatus(await pageAs(admin, 'GET', '/orgs/650000/data'), 200, 'region chooser');
  assert.match(region.text, /href="\/orgs\/653100\/data"/);
  expectStatus(await pageAs(leader, 'GET', '/orgs/653121/data'), 404, 'a leader does not reach the county');
  expectStatus(await pageAs(shufu, 'POST', '/orgs/653121/data', { form: { _csrf: shufu.csrf, period: '2019', v_teachers_total: '1' } }), 404);
  expectStatus(await pageAs(parent, 'GET', `/orgs/${SCHOOL}/data`), 403);
  expectStatus(await pageAs(parent, 'POST', `/orgs/${SCHOOL}/data`, { form: { _csrf: parent.csrf, period: '2019' } }), 403);
  expectStatus(await pageAs(hotan, 'POST', `/orgs/${SCHOOL}/data`, { form: { _csrf: hotan.csrf, period: '2019', v_teachers_total: '1' } }), 404);
  expectStatus(await pageAs(shufu, 'GET', `/orgs/${SCHOOL}/data?period=20x9`), 400);
  assert.equal(await valueOf(SCHOOL, 'teachers_total', '2019'), null, 'nothing written by refused posts');
});

test('data-entry form saves, keeps the input and names the field on errors, writes all or nothing', async () => {
  const post = (form) => pageAs(liaison, 'POST', `/orgs/${SCHOOL}/data?lang=en`, {
    form: { _csrf: liaison.csrf, period: '2019', month: '3', ...form },
  });
  // fine: yearly and monthly values, full-width digits and thousands separators accepted
  let r = await post({ v_teachers_total: '50', v_teachers_qualified: '45', v_training_hours: '１２．５', v_funds_received: '1,200' });
  expectStatus(r, 200, 'save');
  assert.match(r.text, /notice ok/);
  assert.match(r.text, /4 added/);
  assert.match(r.text, /name="v_teachers_total" value="50"/, 'the saved value is shown');
  assert.match(r.text, /90\.0%/, 'the ratio is computed from its parts');
  assert.equal(await valueOf(SCHOOL, 'teachers_total', '2019'), 50);
  assert.equal(await valueOf(SCHOOL, 'training_hours', '2019-03'), 12.5);
  assert.equal(await valueOf(SCHOOL, 'funds_received', '2019-03'), 1200);

  // a bad value: 422, message beside the field, input kept, the good field not written
  r = await post({ v_teachers_total: '51', v_teachers_qualified: 'forty', v_students_enrolled: '2.5' });
  expectStatus(r, 422, 'invalid');
  assert.match(r.text, /name="v_teachers_qualified" value="forty"[^>]*aria-invalid=true/);
  assert.match(r.text, /id="e_teachers_qualified">[^<]*must be a number/);
  assert.match(r.text, /id="e_students_enrolled">[^<]*whole number/);
  assert.match(r.text, /name="v_teachers_total" value="51"/, 'the other input is kept too');
  assert.equal(await valueOf(SCHOOL, 'teachers_total', '2019'), 50, 'nothing written');

  // out of range, and a part larger than its whole (checked with the ratio parts)
  r = await post({ v_teachers_total: '-3' });
  expectStatus(r, 422);
  assert.match(r.text, /id="e_teachers_total">[^<]*lie within/);
  r = await post({ v_arts_posts_needed: '4', v_arts_posts_vacant: '9' });
  expectStatus(r, 422, 'ratio parts');
  assert.match(r.text, /id="e_arts_posts_vacant">[^<]*arts_posts_vacant \(9\) exceeds arts_posts_needed \(4\)/);
  assert.equal(await valueOf(SCHOOL, 'arts_posts_needed', '2019'), null, 'neither part written');

  // clearing a field deletes its value; an unchanged form changes nothing
  r = await post({ v_training_hours: '' });
  expectStatus(r, 200);
  assert.match(r.text, /1 deleted/);
  assert.equal(await valueOf(SCHOOL, 'training_hours', '2019-03'), null);
  r = await post({ v_teachers_total: '50' });
  expectStatus(r, 200);
  assert.match(r.text, /Nothing changed/);

  // the write is audited under the person
  const audit = expectStatus(await api(admin, 'GET', `/api/v1/audit?actor=liaison`), 200);
  assert.ok(audit.json.items.some((x) => x.action === 'datavalues.entry'), 'audited as datavalues.entry');
  // and a form post without the CSRF token is refused
  expectStatus(await pageAs(liaison, 'POST', `/orgs/${SCHOOL}/data`, { form: { period: '2019', v_teachers_total: '1' } }), 403);
});

/* ------------------------------------------------------------ CSV import */

test('import page: data.write only', async () => {
  const r = expectStatus(await pageAs(liaison, 'GET', '/import?lang=en'), 200);
  assert.match(r.text, /enctype="multipart\/form-data"/);
  assert.match(r.text, /type=file name=file/);
  assert.match(r.text, /name=dry_run/);
  expectStatus(await pageAs(parent, 'GET', '/import'), 403);
  expectStatus(await pageAs(auditor, 'GET', '/import'), 403);
  expectStatus(await upload(parent, csvOf([[SCHOOL, 'teachers_total', '2020', '1']])), 403);
});

test('CSV upload: a good file is imported whole', async () => {
  const r = await upload(shufu, csvOf([
    [SCHOOL, 'students_enrolled', '2020', '800'],
    [SCHOOL, 'students_dropped_out', '2020', '4'],
    [other, 'students_enrolled', '2020', '600'],
    [other, 'training_hours', '202004', '30'], // DHIS2's month form
    [other, 'training_hours', '2020-05', '"1,250"'],
  ]));
  expectStatus(r, 200, 'import');
  assert.match(r.text, /notice ok/);
  assert.match(r.text, /<b>5<\/b>added/);
  assert.equal(await valueOf(SCHOOL, 'students_enrolled', '2020'), 800);
  assert.equal(await valueOf(other, 'training_hours', '2020-04'), 30);
  assert.equal(await valueOf(other, 'training_hours', '2020-05'), 1250);
  // the county sees its schools' sum
  assert.equal(await valueOf('653121', 'students_enrolled', '2020'), 1400);
});

test('CSV upload: a bad row at line 3 column 4 → 422 naming it, and nothing written', async () => {
  const csv = csvOf([
    [SCHOOL, 'teachers_total', '2020', '61'],
    [SCHOOL, 'teachers_qualified', '2020', 'many'],
    [other, 'teachers_total', '2020', '40'],
  ]);
  const r = await upload(shufu, csv);
  expectStatus(r, 422, 'bad row');
  assert.match(r.text, /line 3, column 4:<\/b> the value must be a number/);
  assert.equal(await valueOf(SCHOOL, 'teachers_total', '2020'), null, 'the good rows are not written either');
  assert.equal(await valueOf(other, 'teachers_total', '2020'), null);

  // every problem is listed, each with its line and column
  const many = [
    'org,indicator,period,value',
    `${SCHOOL},teachers_total,2020,1`,
    `${SCHOOL},no_such_indicator,2020,1`,
    `${SCHOOL},training_hours,2020,1`,
    `${SCHOOL},teachers_total,2020,2`,
    `${SCHOOL},"teachers"x,2020,1`,
    `${SCHOOL},teachers_total,2020`,
  ].join('\n');
  const m = await upload(shufu, many);
  expectStatus(m, 422);
  assert.match(m.text, /line 3, column 2:<\/b> no such indicator/);
  assert.match(m.text, /line 4, column 3:<\/b> training_hours: this indicator is entered per month/);
  assert.match(m.text, /line 5, column 1:<\/b> the same organisation, indicator and period as line 2/);
  assert.match(m.text, /line 6, column 22:<\/b> malformed quoting/, 'the byte column where the quoting breaks');
  assert.match(m.text, /line 7, column 4:<\/b> missing field: value/);
  assert.equal(await valueOf(SCHOOL, 'teachers_total', '2020'), null);
  // no header, no file
  const h = await upload(shufu, `${SCHOOL},teachers_total,2020,1\n`);
  expectStatus(h, 422);
  assert.match(h.text, /line 1, column 1:<\/b> unknown column/);
  const m2 = multipart([{ name: 'dry_run', value: '1' }]);
  expectStatus(await request(srv.url, 'POST', '/import', { token: shufu.token, body: m2.body, headers: { 'Content-Type': m2.type } }), 400);
});

test('CSV upload: a dry run checks everything, reports what would change and writes nothing', async () => {
  const csv = csvOf([
    [SCHOOL, 'students_enrolled', '2020', '810'], // changes the 800 above
    [SCHOOL, 'students_dropped_out', '2020', ''], // deletes
    [SCHOOL, 'students_arts_science', '2020', '300'], // adds
  ]);
  const r = await upload(shufu, csv, { dryRun: true });
  expectStatus(r, 200, 'dry run');
  assert.match(r.text, /Dry run/);
  assert.match(r.text, /<b>1<\/b>would be added/);
  assert.match(r.text, /<b>1<\/b>would be changed/);
  assert.match(r.text, /<b>1<\/b>would be deleted/);
  assert.equal(await valueOf(SCHOOL, 'students_enrolled', '2020'), 800, 'unchanged');
  assert.equal(await valueOf(SCHOOL, 'students_dropped_out', '2020'), 4, 'not deleted');
  assert.equal(await valueOf(SCHOOL, 'students_arts_science', '2020'), null, 'not added');
  // a dry run of a bad file reports the same errors
  const bad = await upload(shufu, csvOf([[SCHOOL, 'students_enrolled', '2020', '-5']]), { dryRun: true });
  expectStatus(bad, 422);
  assert.match(bad.text, /line 2, column 4:<\/b> the value must lie within/);
});

test('CSV upload: shufu cannot import for a 653221 school — worded exactly like an unknown organisation', async () => {
  const r = await upload(shufu, csvOf([
    [SCHOOL, 'teachers_total', '2020', '10'],
    [HOTAN_SCHOOL, 'teachers_total', '2020', '10'],
    ['9999999999', 'teachers_total', '2020', '10'],
  ]));
  expectStatus(r, 422, 'out of reach');
  const msg = (line) => {
    const m = new RegExp(`line ${line}, column 1:</b> ([^<]*)</li>`).exec(r.text);
    assert.ok(m, `no error on line ${line}: ${r.text.slice(0, 2000)}`);
    return m[1];
  };
  assert.equal(msg(3), `no such organisation in your reach: ${HOTAN_SCHOOL}`);
  assert.equal(msg(4), 'no such organisation in your reach: 9999999999');
  assert.equal(await valueOf(HOTAN_SCHOOL, 'teachers_total', '2020'), null);
  assert.equal(await valueOf(SCHOOL, 'teachers_total', '2020'), null);
  // a school's own people reach only their school
  const l = await upload(liaison, csvOf([[other, 'teachers_total', '2020', '10']]));
  expectStatus(l, 422);
  assert.match(l.text, /no such organisation in your reach/);
});

test('CSV upload from the browser: the session cookie with the form\'s CSRF field', async () => {
  const r = await upload(liaison, csvOf([[SCHOOL, 'community_resources', '2020', '7']]), { cookie: true });
  expectStatus(r, 200, 'upload with cookie and _csrf (needs req_form to read multipart bodies)');
  assert.equal(await valueOf(SCHOOL, 'community_resources', '2020'), 7);
  const n = await upload(liaison, csvOf([[SCHOOL, 'community_resources', '2020', '8']]), { cookie: true, csrf: false });
  expectStatus(n, 403, 'no _csrf');
  assert.equal(await valueOf(SCHOOL, 'community_resources', '2020'), 7);
});

/* ------------------------------------------------------------ CLI import */

test('huiju import datavalues: --dry-run writes nothing, a real run writes as "cli", a malformed file fails', async () => {
  const good = tmpFile('good.csv', csvOf([
    [HOTAN_SCHOOL, 'activities_held', '2020-06', '3'],
    [HOTAN_SCHOOL, 'activities_low_participation', '2020-06', '1'],
  ]));
  let r = run(['import', 'datavalues', good, '--dry-run', '--db', srv.db], { env: { LANG: 'C' } });
  assert.equal(r.status, 0, r.out);
  assert.match(r.stdout, /2 would be added/);
  assert.match(r.stdout, /nothing written/);
  assert.equal(await valueOf(HOTAN_SCHOOL, 'activities_held', '2020-06'), null, 'dry run wrote nothing');

  r = run(['import', 'datavalues', good, '--db', srv.db], { env: { LANG: 'C' } });
  assert.equal(r.status, 0, r.out);
  assert.match(r.stdout, /2 added/);
  assert.equal(await valueOf(HOTAN_SCHOOL, 'activities_held', '2020-06'), 3);
  const audit = expectStatus(await api(admin, 'GET', '/api/v1/audit?actor=cli'), 200);
  assert.ok(audit.json.items.some((x) => x.action === 'datavalues.import'), 'audited as cli');

  const malformed = tmpFile('bad.csv', [
    'org,indicator,period,value',
    `${HOTAN_SCHOOL},activities_held,2020-07,5`,
    `${HOTAN_SCHOOL},activities_held,"2020-08"x,5`,
    `${HOTAN_SCHOOL},activities_held,2020-09,5`,
  ].join('\n'));
  r = run(['import', 'datavalues', malformed, '--db', srv.db], { env: { LANG: 'C' } });
  assert.notEqual(r.status, 0, 'a malformed file fails');
  assert.ok(r.status !== null, `died of ${r.signal}`);
  assert.match(r.stderr, /line 3, column 37: malformed quoting/);
  assert.match(r.stderr, /nothing written/);
  assert.equal(await valueOf(HOTAN_SCHOOL, 'activities_held', '2020-07'), null, 'nothing written');
  assert.equal(await valueOf(HOTAN_SCHOOL, 'activities_held', '2020-09'), null);

  // standard input, and the audit record names the file
  r = run(['import', 'datavalues', '-', '--db', srv.db], { input: csvOf([[HOTAN_SCHOOL, 'activities_held', '2020-10', '2']]), env: { LANG: 'C' } });
  assert.equal(r.status, 0, r.out);
  assert.equal(await valueOf(HOTAN_SCHOOL, 'activities_held', '2020-10'), 2);
  const named = expectStatus(await api(admin, 'GET', '/api/v1/audit?actor=cli'), 200);
  assert.ok(named.json.items.some((x) => x.object_key === path.basename(good)), 'audit names the file');

  const bad = tmpFile('badvalue.csv', csvOf([[HOTAN_SCHOOL, 'activities_held', '2020-07', '2.5']]));
  r = run(['import', 'datavalues', bad, '--dry-run', '--db', srv.db], { env: { LANG: 'C' } });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /line 2, column 4: the value must be a whole number/);
  r = run(['import', 'datavalues', 'no/such/file.csv', '--db', srv.db]);
  assert.notEqual(r.status, 0);
  r = run(['import', 'datavalues', '--db', srv.db]);
  assert.equal(r.status, 2, 'no FILE');
});

/* ------------------------------------------------------------ DHIS2 */

test('DHIS2 import: an ImportSummary; all or nothing with conflicts; strings and numbers, 2019-03 and 201903', async () => {
  const set = {
    dataSet: 'ignored', completeDate: '2019-12-31', attributeOptionCombo: 'HllvX50cXC0',
    dataValues: [
      { dataElement: 'parent_households', period: '2019', orgUnit: other, value: '500', categoryOptionCombo: 'x' },
      { dataElement: 'families_guided', period: '201903', orgUnit: other, value: 40 },
      { dataElement: 'families_guided', period: '2019-04', orgUnit: other, value: '35' },
    ],
  };
  let r = await api(shufu, 'POST', '/api/v1/dataValueSets?dryRun=true', { body: set });
  expectStatus(r, 200, 'dry run');
  assert.equal(r.json.status, 'SUCCESS');
  assert.equal(r.json.importCount.imported, 3);
  assert.equal(await valueOf(other, 'parent_households', '2019'), null, 'dry run wrote nothing');

  r = await api(shufu, 'POST', '/api/v1/dataValueSets', { body: set });
  expectStatus(r, 200, 'import');
  assert.equal(r.json.responseType, 'ImportSummary');
  assert.equal(r.json.status, 'SUCCESS');
  assert.deepEqual(r.json.importCount, { imported: 3, updated: 0, ignored: 0, deleted: 0 });
  assert.deepEqual(r.json.conflicts, []);
  assert.equal(await valueOf(other, 'families_guided', '2019-03'), 40);

  // again, with one change and one value deleted
  set.dataValues[1].value = '41';
  set.dataValues[2] = { ...set.dataValues[2], value: '' };
  r = await api(shufu, 'POST', '/api/v1/dataValueSets', { body: set });
  assert.deepEqual(r.json.importCount, { imported: 0, updated: 1, ignored: 1, deleted: 1 });
  assert.equal(await valueOf(other, 'families_guided', '2019-04'), null);

  // conflicts: 409, status ERROR, each conflict naming its object and index, nothing written
  r = await api(shufu, 'POST', '/api/v1/dataValueSets?lang=en', {
    body: {
      dataValues: [
        { dataElement: 'parent_households', period: '2019', orgUnit: other, value: '501' },
        { dataElement: 'parent_households', period: '2019', orgUnit: HOTAN_SCHOOL, value: '5' },
        { dataElement: 'nope', period: '2019', orgUnit: other, value: '5' },
        { dataElement: 'families_guided', period: '2019W1', orgUnit: other, value: '5' },
        { dataElement: 'parent_households', period: '2019', orgUnit: other, value: true },
      ],
    },
  });
  expectStatus(r, 409, 'conflicts');
  assert.equal(r.json.status, 'ERROR');
  assert.equal(r.json.importCount.imported + r.json.importCount.updated + r.json.importCount.deleted, 0);
  const byIndex = (i) => r.json.conflicts.find((c) => (c.indexes || []).includes(i));
  assert.equal(byIndex(1).object, HOTAN_SCHOOL);
  assert.match(byIndex(1).value, /no such organisation in your reach/);
  assert.equal(byIndex(2).object, 'nope');
  assert.equal(byIndex(3).object, '2019W1');
  assert.ok(byIndex(4), 'a boolean value is a conflict');
  assert.equal(await valueOf(other, 'parent_households', '2019'), 500, 'nothing written');

  // malformed bodies and access
  expectError(await api(shufu, 'POST', '/api/v1/dataValueSets', { body: '{"dataValues":' }), 400, 'bad_json');
  expectError(await api(shufu, 'POST', '/api/v1/dataValueSets', { body: { values: [] } }), 400, 'bad_json');
  expectError(await api(auditor, 'POST', '/api/v1/dataValueSets', { body: { dataValues: [] } }), 403, 'forbidden');
  expectError(await api(parent, 'POST', '/api/v1/dataValueSets', { body: { dataValues: [] } }), 403, 'forbidden');
});

test('DHIS2 export: native periods inside the period, the subtree with children=true, data.read reach', async () => {
  const set = await exportSet(auditor, '653121', '2019', '&periodFormat=dhis2');
  const mine = set.filter((v) => v.orgUnit === other);
  assert.deepEqual(
    mine.map((v) => `${v.dataElement} ${v.period} ${v.value}`).sort(),
    ['families_guided 201903 41', 'parent_households 2019 500'],
  );
  for (const v of set) assert.equal(typeof v.value, 'string', 'values are strings, as DHIS2 writes them');
  // our own period format by default; a quarter selects its months only
  const q = await exportSet(shufu, other, '2019Q1');
  assert.deepEqual(q.map((v) => [v.dataElement, v.period]), [['families_guided', '2019-03']]);
  // one element; without children the organisation alone
  const one = await exportSet(shufu, '653121', '2019', '&dataElement=parent_households');
  assert.ok(one.length >= 1 && one.every((v) => v.dataElement === 'parent_households'));
  const alone = expectStatus(await api(shufu, 'GET', '/api/v1/dataValueSets?orgUnit=653121&period=2019'), 200);
  assert.deepEqual(alone.json.dataValues, [], 'the county itself holds no raw values');
  // reach and bad parameters
  expectError(await api(hotan, 'GET', `/api/v1/dataValueSets?orgUnit=${SCHOOL}&period=2019`), 404, 'not_found');
  expectError(await api(parent, 'GET', `/api/v1/dataValueSets?orgUnit=${SCHOOL}&period=2019`), 403, 'forbidden');
  expectError(await api(shufu, 'GET', '/api/v1/dataValueSets?orgUnit=653121'), 400, 'bad_param');
  expectError(await api(shufu, 'GET', '/api/v1/dataValueSets?orgUnit=653121&period=2019&dataElement=dropout_rate'), 400, 'bad_param');
  expectError(await api(shufu, 'GET', '/api/v1/dataValueSets?orgUnit=653121&period=2019&children=yes'), 400, 'bad_param');
});

test('DHIS2 round trip: export from one database, import into a fresh one, export again — identical', async () => {
  // a year of values in several schools of one county, yearly and monthly, written by CSV
  const schools = (await schoolsOf(client(srv.url, admin), '653121')).map((s) => s.code);
  assert.ok(schools.length >= 2, 'two schools');
  const rows = [];
  schools.forEach((s, i) => {
    rows.push([s, 'teachers_total', '2020', String(40 + i)]);
    rows.push([s, 'teachers_qualified', '2020', String(30 + i)]);
    for (let m = 1; m <= 12; m++) rows.push([s, 'funds_received', `2020-${String(m).padStart(2, '0')}`, String(1000 * m + i + 0.25)]);
  });
  expectStatus(await upload(admin, csvOf(rows)), 200, 'seed');
  const first = expectStatus(await api(admin, 'GET', '/api/v1/dataValueSets?orgUnit=653121&period=2020&children=true&periodFormat=dhis2'), 200);
  assert.ok(first.json.dataValues.length >= rows.length, `exported ${first.json.dataValues.length}`);

  const fresh = await startServer();
  try {
    const admin2 = await login(fresh.url, 'admin');
    await addSchool(fresh.url, admin2);
    const empty = expectStatus(await request(fresh.url, 'GET', '/api/v1/dataValueSets?orgUnit=653121&period=2020&children=true', { token: admin2.token }), 200);
    assert.deepEqual(empty.json.dataValues, [], 'the fresh database has nothing for 2020 yet');
    const imp = await request(fresh.url, 'POST', '/api/v1/dataValueSets', { token: admin2.token, body: first.json });
    expectStatus(imp, 200, 'import into the fresh database');
    assert.equal(imp.json.importCount.imported, first.json.dataValues.length);
    const again = expectStatus(await request(fresh.url, 'GET', '/api/v1/dataValueSets?orgUnit=653121&period=2020&children=true&periodFormat=dhis2', { token: admin2.token }), 200);
    assert.equal(again.text, first.text, 'byte for byte the same');
    // and the roll-up in the fresh database is the same figure
    const a = expectStatus(await api(admin, 'GET', '/api/v1/values?indicator=funds_received&org=653121&period=2020'), 200);
    const b = expectStatus(await request(fresh.url, 'GET', '/api/v1/values?indicator=funds_received&org=653121&period=2020', { token: admin2.token }), 200);
    assert.equal(b.json.value, a.json.value);
  } finally {
    await fresh.stop();
  }
});
