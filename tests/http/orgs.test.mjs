// Organisation tree: read, drill down, search, paginate, create, patch.
import assert from 'node:assert/strict';
import { test, before, after, startServer, login, client, listAll, items, expectStatus, expectError } from './lib.mjs';

let srv, admin;
before(async () => {
  srv = await startServer();
  admin = client(srv.url, await login(srv.url, 'admin'));
});
after(async () => {
  await srv?.stop();
});

const STAGES = ['primary', 'junior', 'senior', 'vocational', 'university', 'nine_year', 'complete'];
const KINDS = ['region', 'prefecture', 'county', 'school', 'partner'];

function checkShape(o) {
  for (const k of ['code', 'name_zh', 'name_en', 'kind', 'partner_kind', 'parent', 'is_helper', 'is_recipient', 'stage', 'children']) {
    assert.ok(k in o, `org ${o.code} lacks ${k}: ${JSON.stringify(o)}`);
  }
  assert.equal(typeof o.code, 'string');
  assert.ok(KINDS.includes(o.kind), o.kind);
  assert.equal(typeof o.is_helper, 'boolean', `is_helper of ${o.code}`);
  assert.equal(typeof o.is_recipient, 'boolean', `is_recipient of ${o.code}`);
  assert.equal(typeof o.children, 'number', `children of ${o.code}`);
  if (o.kind === 'school') assert.ok(STAGES.includes(o.stage), `stage of ${o.code}: ${o.stage}`);
}

test('the region is the root', async () => {
  const r = expectStatus(await admin.get('/api/v1/orgs/650000'), 200).json;
  checkShape(r);
  assert.equal(r.name_zh, '新疆维吾尔自治区');
  assert.equal(r.kind, 'region');
  assert.equal(r.parent, null);
  assert.deepEqual(r.path.filter((c) => c !== '650000'), [], `path of the root: ${JSON.stringify(r.path)}`);
  assert.ok(r.children >= 14, `the region has ${r.children} children`);
});

test('the region has the 14 prefectures', async () => {
  const list = await listAll(admin, '/api/v1/orgs?parent=650000&kind=prefecture&limit=500');
  assert.equal(list.length, 14, list.map((o) => o.name_zh).join(' '));
  for (const o of list) {
    checkShape(o);
    assert.equal(o.kind, 'prefecture');
    assert.equal(o.parent, '650000');
    assert.ok(/^65\d{4}$/.test(o.code), o.code);
  }
  const byCode = Object.fromEntries(list.map((o) => [o.code, o]));
  assert.equal(byCode['653100']?.name_zh, '喀什地区');
  assert.equal(byCode['653200']?.name_zh, '和田地区');
  assert.equal(byCode['650100']?.name_zh, '乌鲁木齐市');
});

test('drill down: prefecture → counties → schools', async () => {
  const counties = await listAll(admin, '/api/v1/orgs?parent=653100&limit=500');
  const codes = counties.map((o) => o.code);
  assert.ok(codes.includes('653101') && codes.includes('653121'), codes.join(' '));
  const byCode = Object.fromEntries(counties.map((o) => [o.code, o]));
  assert.equal(byCode['653101'].name_zh, '喀什市');
  assert.equal(byCode['653121'].name_zh, '疏附县');
  for (const o of counties) assert.equal(o.parent, '653100');
  const k = expectStatus(await admin.get('/api/v1/orgs/653100'), 200).json;
  assert.equal(k.children, counties.length, 'children counts the listed children');

  const county = expectStatus(await admin.get('/api/v1/orgs/653121'), 200).json;
  assert.equal(county.parent, '653100');
  assert.deepEqual(county.path.filter((c) => c !== '653121'), ['650000', '653100'], `path: ${JSON.stringify(county.path)}`);
  const schools = await listAll(admin, '/api/v1/orgs?parent=653121&kind=school&limit=500');
  assert.ok(schools.length > 0, 'the demo has schools in 疏附县');
  for (const s of schools) {
    checkShape(s);
    assert.equal(s.kind, 'school');
    assert.equal(s.parent, '653121');
    assert.ok(/^653121\d{4}$/.test(s.code), `school code ${s.code}`);
  }
  assert.ok(schools.some((s) => s.is_recipient), 'a recipient school in 653121 (the demo leader works at one)');
  const one = expectStatus(await admin.get(`/api/v1/orgs/${schools[0].code}`), 200).json;
  assert.deepEqual(one.path.filter((c) => c !== one.code), ['650000', '653100', '653121']);
});

test('kind filter and search by q', async () => {
  const hits = await listAll(admin, `/api/v1/orgs?q=${encodeURIComponent('喀什')}&limit=500`);
  const codes = hits.map((o) => o.code);
  assert.ok(codes.includes('653100'), `q=喀什 finds 喀什地区: ${codes.slice(0, 20)}`);
  assert.ok(codes.includes('653101'), 'q=喀什 finds 喀什市');
  for (const o of hits) assert.ok(`${o.name_zh} ${o.name_en} ${o.code}`.toLowerCase().includes('喀什'), `q=喀什 gave ${o.code} ${o.name_zh}`);
  const byCode = items(expectStatus(await admin.get('/api/v1/orgs?q=653121&limit=500'), 200));
  assert.ok(byCode.some((o) => o.code === '653121'), 'q by code');
  const prefs = items(expectStatus(await admin.get(`/api/v1/orgs?q=${encodeURIComponent('喀什')}&kind=prefecture`), 200));
  assert.deepEqual(prefs.map((o) => o.code), ['653100']);
  const counties = await listAll(admin, '/api/v1/orgs?kind=county&limit=500');
  assert.ok(counties.length > 90, `${counties.length} counties`);
  for (const o of counties) assert.equal(o.kind, 'county');
  assert.deepEqual(items(expectStatus(await admin.get('/api/v1/orgs?q=no-such-place-zzz'), 200)), []);
});

test('pagination: limit and cursor walk the whole list once', async () => {
  const all = await listAll(admin, '/api/v1/orgs?kind=school&limit=500');
  assert.ok(all.length >= 100, `${all.length} schools in a 120-school demo`);
  const first = expectStatus(await admin.get('/api/v1/orgs?kind=school&limit=7'), 200).json;
  assert.equal(first.items.length, 7);
  assert.equal(typeof first.next_cursor, 'string');
  const paged = await listAll(admin, '/api/v1/orgs?kind=school&limit=7');
  assert.equal(paged.length, all.length);
  assert.equal(new Set(paged.map((o) => o.code)).size, paged.length, 'no org twice');
  assert.deepEqual(paged.map((o) => o.code).sort(), all.map((o) => o.code).sort());
  const dflt = expectStatus(await admin.get('/api/v1/orgs?kind=school'), 200).json;
  assert.equal(dflt.items.length, 50, 'default limit 50');
  const last = expectStatus(await admin.get('/api/v1/orgs?parent=653100&limit=500'), 200).json;
  assert.equal(last.next_cursor, null, 'next_cursor is null on the last page');
});

test('create a school, a partner and a prefecture', async () => {
  const s = await admin.post('/api/v1/orgs', { code: '6531219601', name_zh: '疏附县测试小学', name_en: 'Shufu Test Primary', kind: 'school', parent: '653121', is_helper: false, is_recipient: true, stage: 'primary', address: '疏附县托克扎克镇' });
  expectStatus(s, 201);
  checkShape(s.json);
  assert.equal(s.json.code, '6531219601');
  assert.equal(s.json.parent, '653121');
  assert.equal(s.json.is_recipient, true);
  const got = expectStatus(await admin.get('/api/v1/orgs/6531219601'), 200).json;
  assert.equal(got.name_zh, '疏附县测试小学');
  assert.equal(got.stage, 'primary');
  assert.equal(got.address, '疏附县托克扎克镇');
  assert.deepEqual(got.path.filter((c) => c !== got.code), ['650000', '653100', '653121']);
  const kids = await listAll(admin, '/api/v1/orgs?parent=653121&limit=500');
  assert.ok(kids.some((o) => o.code === '6531219601'), 'the new school is among its county\'s children');

  const p = await admin.post('/api/v1/orgs', { code: 'P6531210901', name_zh: '疏附县测试企业', name_en: 'Test enterprise', kind: 'partner', partner_kind: 'enterprise', parent: '653121' });
  expectStatus(p, 201);
  assert.equal(p.json.kind, 'partner');
  assert.equal(p.json.partner_kind, 'enterprise');
  const pr = await admin.post('/api/v1/orgs', { code: '659001', name_zh: '测试地区', name_en: 'Test prefecture', kind: 'prefecture', parent: '650000' });
  expectStatus(pr, 201);
  const c = await admin.post('/api/v1/orgs', { code: '659002', name_zh: '测试县', kind: 'county', parent: '659001' });
  expectStatus(c, 201);
  assert.equal(c.json.parent, '659001');
  const found = items(expectStatus(await admin.get(`/api/v1/orgs?q=${encodeURIComponent('疏附县测试')}`), 200)).map((o) => o.code).sort();
  assert.deepEqual(found, ['6531219601', 'P6531210901']);
});

test('patch an org', async () => {
  const before = expectStatus(await admin.get('/api/v1/orgs/6531219601'), 200).json;
  const r = await admin.patch('/api/v1/orgs/6531219601', { name_en: 'Shufu Test Nine-year', is_helper: true, stage: 'nine_year', address: '新地址' });
  expectStatus(r, 200);
  assert.equal(r.json.name_en, 'Shufu Test Nine-year');
  const got = expectStatus(await admin.get('/api/v1/orgs/6531219601'), 200).json;
  assert.equal(got.name_en, 'Shufu Test Nine-year');
  assert.equal(got.is_helper, true);
  assert.equal(got.is_recipient, true, 'fields not in the PATCH stay');
  assert.equal(got.stage, 'nine_year');
  assert.equal(got.address, '新地址');
  assert.equal(got.name_zh, before.name_zh);
  expectStatus(await admin.patch('/api/v1/orgs/6531219601', { name_zh: '疏附县测试学校' }), 200);
  assert.equal(expectStatus(await admin.get('/api/v1/orgs/6531219601'), 200).json.name_zh, '疏附县测试学校');
  expectStatus(await admin.patch('/api/v1/orgs/P6531210901', { partner_kind: 'community' }), 200);
  assert.equal(expectStatus(await admin.get('/api/v1/orgs/P6531210901'), 200).json.partner_kind, 'community');
  const off = await admin.patch('/api/v1/orgs/6531219601', { active: false });
  expectStatus(off, 200);
  if ('active' in off.json) assert.equal(off.json.active, false);
  expectError(await admin.patch('/api/v1/orgs/6531219999', { name_en: 'nobody' }), 404, 'not_found');
});

test('a county official manages orgs inside its county', async () => {
  const shufu = client(srv.url, await login(srv.url, 'shufu'));
  expectStatus(await shufu.post('/api/v1/orgs', { code: '6531219602', name_zh: '疏附县第二测试学校', kind: 'school', parent: '653121', stage: 'junior', is_recipient: true }), 201);
  expectStatus(await shufu.patch('/api/v1/orgs/6531219602', { name_en: 'Second test school' }), 200);
  expectError(await shufu.post('/api/v1/orgs', { code: '653198', name_zh: '新县', kind: 'county', parent: '653100' }), 404, 'not_found');
});
