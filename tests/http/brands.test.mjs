// Brands and media (一校一品): who may designate a project a brand at which level
// (the lead school's leader at school level but not region level; a prefecture
// not containing the lead refused; the region administrator at region level,
// replacing a school brand, and removing it), only for approved or later
// projects (409), audited, moving region_brand_projects / school_brand_projects;
// media coverage (url http/https only, fields named, only the lead's people add
// or delete, out of reach 404), moving projects_region_media and the share; the
// /brands page with its counts against the plan, and the project page's forms.
import assert from 'node:assert/strict';
import {
  test, before, after, startServer, login, client, page, expectStatus, expectError, listAll,
} from './lib.mjs';

const SCHOOL = '6531210001';
const HELPER = '6501020001'; // helping school: helper-leader is its school leader

let srv;
const sess = {};
const c = {};
const WHO = ['admin', 'kashgar', 'shufu', 'hotan', 'helper-leader', 'leader', 'parent', 'team-lead'];

const YEAR = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();
const day = (offset = 0) => new Date(Date.now() + 8 * 3600 * 1000 + offset * 86400 * 1000).toISOString().slice(0, 10);

before(async () => {
  srv = await startServer();
  for (const who of WHO) {
    sess[who] = await login(srv.url, who);
    c[who] = client(srv.url, sess[who]);
  }
});
after(async () => {
  await srv?.stop();
});

// A project led by HELPER for SCHOOL in `status` (draft, approved or in_progress).
async function project(title, status = 'in_progress') {
  const hl = c['helper-leader'];
  const p = expectStatus(await hl.post('/api/v1/projects', {
    title, kind: 'curriculum', lead: HELPER, recipients: [SCHOOL],
    start_date: `${YEAR}-02-01`, end_date: `${YEAR + 1}-01-31`, budget_fen: 2000000,
  }), 201).json;
  if (status === 'draft') return p;
  expectStatus(await hl.post(`/api/v1/projects/${p.id}/transitions`, { action: 'submit' }), 200);
  const a = expectStatus(await c.admin.post(`/api/v1/projects/${p.id}/transitions`, { action: 'approve', comment: '同意' }), 200).json;
  if (status === 'approved') return a;
  return expectStatus(await hl.post(`/api/v1/projects/${p.id}/transitions`, { action: 'start' }), 200).json;
}

const valueOf = async (indicator, org = HELPER) =>
  expectStatus(await c.admin.get(`/api/v1/values?indicator=${indicator}&org=${org}&period=${YEAR}`), 200).json;

const brand = (who, id, level) => c[who].post(`/api/v1/projects/${id}/brand`, { level });

test('who designates a brand at which level; audited; the brand counts move', async () => {
  const p = await project('品牌测试项目');
  const school0 = (await valueOf('school_brand_projects')).value;
  const region0 = (await valueOf('region_brand_projects')).value;
  const regionAll0 = (await valueOf('region_brand_projects', '650000')).value;

  // the lead school's leader: school level yes, region or prefecture level no
  const s = expectStatus(await brand('helper-leader', p.id, 'school'), 200).json;
  assert.equal(s.brand_level, 'school');
  assert.equal(s.brand_by, 'helper-leader');
  assert.equal((await valueOf('school_brand_projects')).value, school0 + 1);
  expectError(await brand('helper-leader', p.id, 'region'), 403, 'forbidden');
  expectError(await brand('helper-leader', p.id, 'prefecture'), 403, 'forbidden');
  // a prefecture that does not contain the lead (Kashgar holds the recipient only)
  expectError(await brand('kashgar', p.id, 'prefecture'), 403, 'forbidden');
  // the recipient school's leader has no brand right over a project it does not lead
  expectError(await brand('leader', p.id, 'school'), 403, 'forbidden');
  // out of reach → 404; no project.approve at all → 403
  expectError(await brand('hotan', p.id, 'school'), 404, 'not_found');
  expectError(await brand('parent', p.id, 'school'), 403, 'forbidden');
  expectError(await brand('team-lead', p.id, 'school'), 403, 'forbidden');
  // the region administrator: region level, replacing the school brand
  const r = expectStatus(await brand('admin', p.id, 'region'), 200).json;
  assert.equal(r.brand_level, 'region');
  assert.equal((await valueOf('region_brand_projects')).value, region0 + 1);
  assert.equal((await valueOf('school_brand_projects')).value, school0);
  assert.equal((await valueOf('region_brand_projects', '650000')).value, regionAll0 + 1, 'rolled up to the region');
  // a school leader can neither remove nor downgrade a region brand
  expectError(await brand('helper-leader', p.id, null), 403, 'forbidden');
  expectError(await brand('helper-leader', p.id, 'school'), 403, 'forbidden');
  // setting the level it has is no change
  assert.equal(expectStatus(await brand('admin', p.id, 'region'), 200).json.brand_level, 'region');
  // bad levels name the field
  const e = expectError(await brand('admin', p.id, 'national'), 422, 'invalid');
  assert.ok(e.message.startsWith('level '));
  expectError(await c.admin.post(`/api/v1/projects/${p.id}/brand`, {}), 422, 'invalid');
  expectError(await c.admin.post(`/api/v1/projects/${p.id}/brand`, { level: 3 }), 422, 'invalid');
  expectError(await c.admin.post(`/api/v1/projects/${p.id}/brand`, { level: 'region', x: 1 }), 422, 'unknown_field');
  // the project API shows it
  assert.equal(expectStatus(await c.shufu.get(`/api/v1/projects/${p.id}`), 200).json.brand_level, 'region');
  // the region removes it
  const n = expectStatus(await brand('admin', p.id, null), 200).json;
  assert.equal(n.brand_level, null);
  assert.equal((await valueOf('region_brand_projects')).value, region0);
  const trail = expectStatus(await c.admin.get(`/api/v1/audit?object=project:${p.id}`), 200).json.items
    .filter((x) => x.action === 'project.brand');
  assert.equal(trail.length, 3, 'school, region, removed: three audited changes');
  assert.ok(trail.some((x) => x.before.brand_level === 'school' && x.after.brand_level === 'region' && x.actor === 'admin'));
});

test('only approved, in-progress, completed or accepted projects can be brands (409)', async () => {
  const d = await project('草稿品牌', 'draft');
  const e = expectError(await brand('helper-leader', d.id, 'school'), 409, 'conflict');
  assert.ok(e.message.includes('draft'));
  const a = await project('已批准品牌', 'approved');
  assert.equal(expectStatus(await brand('helper-leader', a.id, 'school'), 200).json.brand_level, 'school');
  // suspended: the level stays (and still counts as running), but cannot change
  const p = await project('暂停品牌');
  expectStatus(await brand('helper-leader', p.id, 'school'), 200);
  const before = (await valueOf('school_brand_projects')).value;
  expectStatus(await c.admin.post(`/api/v1/projects/${p.id}/transitions`, { action: 'suspend', comment: '暂停' }), 200);
  expectError(await brand('helper-leader', p.id, null), 409, 'conflict');
  expectError(await brand('admin', p.id, 'region'), 409, 'conflict');
  assert.equal(expectStatus(await c.admin.get(`/api/v1/projects/${p.id}`), 200).json.brand_level, 'school');
  assert.equal((await valueOf('school_brand_projects')).value, before, 'a suspended project still counts');
});

test('media coverage: validation naming the field, who adds and deletes, the region-media figure', async () => {
  const p = await project('媒体测试项目');
  const hl = c['helper-leader'];
  const item = (extra = {}) => ({ outlet: '新疆日报', level: 'region', published_on: day(-2), url: 'https://www.example.com/a/1.html', title: '帮扶见成效', ...extra });
  const cases = [
    [{ url: 'javascript:alert(1)' }, 'url'],
    [{ url: 'ftp://example.com/x' }, 'url'],
    [{ url: 'http://' }, 'url'],
    [{ url: 'https:// example.com' }, 'url'],
    [{ url: 'https://exa mple.com/' }, 'url'],
    [{ url: 'data:text/html,hi' }, 'url'],
    [{ outlet: '' }, 'outlet'],
    [{ level: 'city' }, 'level'],
    [{ published_on: day(3) }, 'published_on'],
    [{ published_on: '2025-02-30' }, 'published_on'],
    [{ title: 5 }, 'title'],
  ];
  for (const [extra, field] of cases) {
    const e = expectError(await hl.post(`/api/v1/projects/${p.id}/media`, item(extra)), 422, 'invalid', JSON.stringify(extra));
    assert.ok(e.message.startsWith(field + ' '), `${JSON.stringify(extra)}: "${e.message}" names ${field}`);
  }
  assert.deepEqual(expectStatus(await hl.get(`/api/v1/projects/${p.id}/media`), 200).json.items, [], 'nothing written');
  // only project.write reaching the lead adds; out of reach → 404
  expectError(await c.leader.post(`/api/v1/projects/${p.id}/media`, item()), 403, 'forbidden');
  expectError(await c.hotan.post(`/api/v1/projects/${p.id}/media`, item()), 404, 'not_found');
  expectError(await c.hotan.get(`/api/v1/projects/${p.id}/media`), 404, 'not_found');
  expectError(await c.parent.get(`/api/v1/projects/${p.id}/media`), 403, 'forbidden');

  const media0 = (await valueOf('projects_region_media')).value;
  const share0 = await valueOf('region_media_share', '650000');
  const local = expectStatus(await hl.post(`/api/v1/projects/${p.id}/media`, item({ level: 'county', outlet: '县融媒体中心', url: '' })), 201).json;
  assert.equal(local.url, '');
  assert.equal((await valueOf('projects_region_media')).value, media0, 'county media does not count');
  const r = expectStatus(await hl.post(`/api/v1/projects/${p.id}/media`, item()), 201);
  const m = r.json;
  assert.equal(r.headers.location, `/api/v1/projects/${p.id}/media/${m.id}`);
  assert.equal(m.level, 'region');
  assert.equal(m.created_by, 'helper-leader');
  assert.equal((await valueOf('projects_region_media')).value, media0 + 1);
  const share1 = await valueOf('region_media_share', '650000');
  assert.equal(share1.numerator, share0.numerator + 1);
  assert.ok(share1.value > share0.value);
  const national = expectStatus(await hl.post(`/api/v1/projects/${p.id}/media`, item({ level: 'national', outlet: '中国教育报', url: 'http://www.example.com/n' })), 201).json;
  assert.equal((await valueOf('projects_region_media')).value, media0 + 1, 'a project counts once');
  const list = expectStatus(await c.shufu.get(`/api/v1/projects/${p.id}/media`), 200).json.items;
  assert.deepEqual(list.map((x) => x.id).sort(), [local.id, m.id, national.id].sort(), 'a recipient county sees them');

  // delete: only the lead's people; another project's item is not found
  expectError(await c.leader.del(`/api/v1/projects/${p.id}/media/${m.id}`), 403, 'forbidden');
  expectError(await c.hotan.del(`/api/v1/projects/${p.id}/media/${m.id}`), 404, 'not_found');
  const q = await project('媒体测试项目二');
  expectError(await hl.del(`/api/v1/projects/${q.id}/media/${m.id}`), 404, 'not_found');
  assert.equal(expectStatus(await hl.del(`/api/v1/projects/${p.id}/media/${m.id}`), 204).status, 204);
  assert.equal((await valueOf('projects_region_media')).value, media0 + 1, 'the national item still counts');
  expectStatus(await hl.del(`/api/v1/projects/${p.id}/media/${national.id}`), 204);
  assert.equal((await valueOf('projects_region_media')).value, media0);
  expectError(await hl.del(`/api/v1/projects/${p.id}/media/${national.id}`), 404, 'not_found');
  const trail = expectStatus(await c.admin.get(`/api/v1/audit?object=media:${m.id}`), 200).json.items;
  assert.deepEqual(trail.map((x) => x.action).sort(), ['media.create', 'media.delete']);
});

test('/brands: brand projects by level against the plan, the region-media share; the demo has 3–4 region brands', async () => {
  const get = (who, p) => page(srv.url, p, { cookie: sess[who].cookie });
  const pg = expectStatus(await get('admin', '/brands'), 200).text;
  assert.ok(pg.includes('id=brand-plan') && pg.includes('id=media-share') && pg.includes('id=brands'));
  // the demo's region-level brands, counted in the plan table against the target of 10
  const row = /<tr><th scope=row>[^<]*<\/th><td data-n>(\d+)<\/td><td data-n>10<\/td>/.exec(pg);
  assert.ok(row, 'the region-level row against 10');
  const regionBrands = Number(row[1]);
  const projects = await listAll(c.admin, '/api/v1/projects?limit=500');
  const demoRegion = projects.filter((x) => x.brand_level === 'region').length;
  assert.equal(regionBrands, demoRegion, 'the count is the region-level brands in reach');
  assert.ok(demoRegion >= 3 && demoRegion <= 4 + 2, `region brands ${demoRegion}`);
  assert.ok(projects.some((x) => x.brand_level === 'school'), 'school-level brands too');
  // a county official sees only those in reach
  const shufuPage = expectStatus(await get('shufu', '/brands'), 200).text;
  assert.ok(shufuPage.includes('id=brand-plan'));
  expectStatus(await get('parent', '/brands'), 403);
  // the demo's region-media share exists as a figure
  const share = await valueOf('region_media_share', '650000');
  assert.ok(share.denominator >= 10 && share.value > 0 && share.value < 40, `region media share ${share.value}`);
});

test('pages: the project section\'s brand and media forms', async () => {
  const get = (who, p) => page(srv.url, p, { cookie: sess[who].cookie });
  const post = (who, p, form) => page(srv.url, p, { method: 'POST', cookie: sess[who].cookie, form: { _csrf: sess[who].csrf, ...form } });
  const p = await project('页面品牌项目');
  const mine = expectStatus(await get('helper-leader', `/projects/${p.id}`), 200).text;
  assert.ok(mine.includes(`/projects/${p.id}/brand`) && mine.includes(`/projects/${p.id}/media`), 'brand and media forms for the lead');
  const form = mine.slice(mine.indexOf(`action="/projects/${p.id}/brand"`));
  const brandForm = form.slice(0, form.indexOf('</form>'));
  assert.ok(brandForm.includes('<option value="school"'), 'the school level for its leader');
  assert.ok(!brandForm.includes('<option value="region"'), 'no region level for a school leader');
  const adminPage = expectStatus(await get('admin', `/projects/${p.id}`), 200).text;
  const af = adminPage.slice(adminPage.indexOf(`action="/projects/${p.id}/brand"`));
  assert.ok(af.slice(0, af.indexOf('</form>')).includes('<option value="region"'), 'the region level for the admin');
  const theirs = expectStatus(await get('leader', `/projects/${p.id}`), 200).text;
  assert.ok(!theirs.includes(`/projects/${p.id}/brand"`) && !theirs.includes(`action="/projects/${p.id}/media"`), 'no forms for the recipient');
  expectStatus(await post('helper-leader', `/projects/${p.id}/brand`, { level: 'school' }), 303);
  assert.equal(expectStatus(await c.admin.get(`/api/v1/projects/${p.id}`), 200).json.brand_level, 'school');
  assert.equal((await post('helper-leader', `/projects/${p.id}/brand`, { level: 'region' })).status, 403);
  const bad = await post('helper-leader', `/projects/${p.id}/media`, { outlet: '天山网', level: 'region', published_on: day(-1), url: 'javascript:alert(1)', title: '页面报道' });
  assert.equal(bad.status, 422);
  assert.ok(bad.text.includes('url') && bad.text.includes('页面报道'), 'names the field, keeps the input');
  assert.ok(!bad.text.includes('href="javascript:'), 'never a javascript link');
  expectStatus(await post('helper-leader', `/projects/${p.id}/media`, { outlet: '天山网', level: 'region', published_on: day(-1), url: 'https://www.example.com/p', title: '页面报道' }), 303);
  const items = expectStatus(await c.admin.get(`/api/v1/projects/${p.id}/media`), 200).json.items;
  assert.equal(items.length, 1);
  const shown = expectStatus(await get('helper-leader', `/projects/${p.id}`), 200).text;
  assert.ok(shown.includes('href="https://www.example.com/p"') && shown.includes('页面报道'));
  expectStatus(await post('helper-leader', `/projects/${p.id}/media/${items[0].id}/delete`, {}), 303);
  assert.equal(expectStatus(await c.admin.get(`/api/v1/projects/${p.id}/media`), 200).json.items.length, 0);
  assert.equal((await post('leader', `/projects/${p.id}/media/${items[0].id}/delete`, {})).status, 404);
  const brands = expectStatus(await get('admin', '/brands'), 200).text;
  assert.ok(brands.includes(`/projects/${p.id}#brand`), 'the new school brand is listed');
});
