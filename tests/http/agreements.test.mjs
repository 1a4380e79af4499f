// Agreements (校地企社): recording one with its parties and covered projects,
// validation naming the field with nothing written (end not after start, an
// unknown party, a side that does not fit, a project out of reach → 404), the
// three-year rule exactly at its boundary (three years less a day is not
// long-term, 29 February included), the long-term share on /api/v1/values moving
// when a project is linked, unlinked or the term shortened, who sees an agreement
// (owner or a party), the audit trail, the pages and the project page's section.
import assert from 'node:assert/strict';
import {
  test, before, after, startServer, login, client, page, expectStatus, expectError, listAll,
} from './lib.mjs';

const SCHOOL = '6531210001'; // 疏附县第一小学, recipient, county 653121
const HELPER = '6501020001'; // 乌鲁木齐市第一中学, helping school (helper-leader)

let srv;
const sess = {};
const c = {};
const WHO = ['admin', 'shufu', 'hotan', 'kashgar', 'helper-leader', 'team-lead', 'leader', 'parent'];

const YEAR = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();

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

// A project led by HELPER for SCHOOL, taken to in_progress (the region approves a
// project whose scope is the region).
async function runningProject(title) {
  const p = expectStatus(await c['helper-leader'].post('/api/v1/projects', {
    title, kind: 'training', lead: HELPER, recipients: [SCHOOL],
    start_date: `${YEAR}-01-15`, end_date: `${YEAR + 1}-06-30`, budget_fen: 1000000,
  }), 201).json;
  expectStatus(await c['helper-leader'].post(`/api/v1/projects/${p.id}/transitions`, { action: 'submit' }), 200);
  expectStatus(await c.admin.post(`/api/v1/projects/${p.id}/transitions`, { action: 'approve', comment: '同意' }), 200);
  const s = expectStatus(await c['helper-leader'].post(`/api/v1/projects/${p.id}/transitions`, { action: 'start' }), 200).json;
  assert.equal(s.status, 'in_progress');
  return s;
}

const agreement = (extra = {}) => ({
  title: '乌鲁木齐市第一中学与疏附县合作协议',
  owner: HELPER,
  start_date: `${YEAR}-01-01`,
  end_date: `${YEAR + 3}-01-01`,
  summary: '共建共享',
  parties: [
    { org: HELPER, side: 'school', supplies: '骨干教师' },
    { org: '653121', side: 'government', supplies: '场地与配套经费' },
    { org: 'P0004', side: 'enterprise', supplies: '设备' },
  ],
  ...extra,
});

const valueOf = async (indicator, org, period = String(YEAR)) => {
  const r = expectStatus(await c.admin.get(`/api/v1/values?indicator=${indicator}&org=${org}&period=${period}`), 200);
  return r.json;
};

const countAgreements = async () => (await listAll(c.admin, '/api/v1/agreements?limit=500')).length;

test('record an agreement: parties, term, projects; visible to the owner and the parties only', async () => {
  const p = await runningProject('协议测试项目一');
  const r = expectStatus(await c['helper-leader'].post('/api/v1/agreements', agreement({ projects: [p.id] })), 201);
  const a = r.json;
  assert.equal(r.headers.location, `/api/v1/agreements/${a.id}`);
  assert.equal(a.owner, HELPER);
  assert.equal(a.long_term, true);
  assert.deepEqual(a.parties.map((x) => [x.org, x.side]).sort(), [[HELPER, 'school'], ['653121', 'government'], ['P0004', 'enterprise']].sort());
  assert.deepEqual(a.projects.map((x) => x.id), [p.id]);
  assert.equal(a.projects_hidden, 0);
  assert.equal(a.created_by, 'helper-leader');

  // a party (the county) sees it; another county does not, exactly like a missing one
  expectStatus(await c.shufu.get(`/api/v1/agreements/${a.id}`), 200);
  expectStatus(await c.kashgar.get(`/api/v1/agreements/${a.id}`), 200);
  expectError(await c.hotan.get(`/api/v1/agreements/${a.id}`), 404, 'not_found');
  expectError(await c.hotan.patch(`/api/v1/agreements/${a.id}`, { title: 'x' }), 404, 'not_found');
  expectError(await c.hotan.patch(`/api/v1/agreements/${a.id}`, { title: 7 }), 404, 'not_found');
  assert.ok(!(await listAll(c.hotan, '/api/v1/agreements?limit=500')).some((x) => x.id === a.id), 'not in hotan\'s list');
  // a party sees it, but only the keepers (project.write at the owner) change it
  expectError(await c.shufu.patch(`/api/v1/agreements/${a.id}`, { title: 'x' }), 403, 'forbidden');
  expectStatus(await c['team-lead'].get(`/api/v1/agreements/${a.id}`), 200);
  expectError(await c['team-lead'].patch(`/api/v1/agreements/${a.id}`, { title: 'x' }), 403, 'forbidden');

  // filters: party, org (owner or a party under it), long_term, project
  const byParty = await listAll(c.admin, '/api/v1/agreements?party=P0004&limit=500');
  assert.ok(byParty.some((x) => x.id === a.id));
  const byOrg = await listAll(c.kashgar, '/api/v1/agreements?org=653121&limit=500');
  assert.ok(byOrg.some((x) => x.id === a.id), 'a party under the unit');
  assert.ok((await listAll(c.admin, '/api/v1/agreements?long_term=1&limit=500')).some((x) => x.id === a.id));
  assert.ok(!(await listAll(c.admin, '/api/v1/agreements?long_term=0&limit=500')).some((x) => x.id === a.id));
  const byProject = await listAll(c.admin, `/api/v1/agreements?project=${p.id}`);
  assert.deepEqual(byProject.map((x) => x.id), [a.id]);
  expectError(await c.admin.get('/api/v1/agreements?long_term=maybe'), 400, 'bad_param');
  assert.deepEqual(expectStatus(await c.admin.get('/api/v1/agreements?party=NOPE99'), 200).json.items, [], 'an unknown party matches nothing');
  expectError(await c.hotan.get('/api/v1/agreements?org=653121'), 404, 'not_found');

  // the audit trail has the creation with the parties and the project
  const trail = expectStatus(await c.admin.get(`/api/v1/audit?object=agreement:${a.id}`), 200).json.items;
  const rec = trail.find((x) => x.action === 'agreement.create');
  assert.ok(rec, 'agreement.create audited');
  assert.deepEqual(rec.after.projects, [p.id]);
  assert.equal(rec.actor, 'helper-leader');
});

test('bad input → 422 naming the field, a project out of reach → 404, nothing written', async () => {
  const before = await countAgreements();
  const hl = c['helper-leader'];
  const cases = [
    [{ end_date: `${YEAR}-01-01` }, 'end_date'], // end = start
    [{ end_date: `${YEAR - 1}-12-31` }, 'end_date'], // end before start
    [{ start_date: `${YEAR}-02-30` }, 'start_date'],
    [{ title: '' }, 'title'],
    [{ parties: [{ org: HELPER, side: 'school' }, { org: 'NOPE999', side: 'government' }] }, 'parties[1].org'],
    [{ parties: [{ org: HELPER, side: 'school' }] }, 'parties'],
    [{ parties: [{ org: HELPER, side: 'school' }, { org: '653121', side: 'enterprise' }] }, 'parties[1].side'],
    [{ parties: [{ org: HELPER, side: 'school' }, { org: '653121', side: 'martian' }] }, 'parties[1].side'],
    [{ parties: [{ org: HELPER, side: 'school' }, { org: HELPER, side: 'school' }] }, 'parties[1].org'],
    [{ parties: [{ org: HELPER, side: 'school' }, { org: 'P0004', side: 'community' }] }, 'parties[1].side'],
    [{ projects: ['x'] }, 'projects[0]'],
    [{ title: 12 }, 'title'],
  ];
  for (const [extra, field] of cases) {
    const e = expectError(await hl.post('/api/v1/agreements', agreement(extra)), 422, 'invalid', JSON.stringify(extra));
    assert.ok(e.message.startsWith(field + ' '), `${JSON.stringify(extra)}: "${e.message}" names ${field}`);
  }
  expectError(await hl.post('/api/v1/agreements', agreement({ colour: 'red' })), 422, 'unknown_field');
  expectError(await hl.post('/api/v1/agreements', '{"title":'), 400, 'bad_json');
  // a project the caller cannot see: 404, exactly like a missing one
  const all = await listAll(c.admin, '/api/v1/projects?limit=500');
  const foreign = all.find((x) => x.lead !== HELPER);
  assert.ok(foreign, 'a project led elsewhere');
  expectError(await hl.get(`/api/v1/projects/${foreign.id}`), 404);
  expectError(await hl.post('/api/v1/agreements', agreement({ projects: [foreign.id] })), 404, 'not_found');
  expectError(await hl.post('/api/v1/agreements', agreement({ projects: [99999999] })), 404, 'not_found');
  // an owner out of reach → 404; no project.write anywhere → 403
  expectError(await hl.post('/api/v1/agreements', agreement({ owner: '653121' })), 404, 'not_found');
  expectError(await hl.post('/api/v1/agreements', agreement({ owner: undefined })), 422, 'invalid');
  expectError(await c['team-lead'].post('/api/v1/agreements', agreement()), 403, 'forbidden');
  expectError(await c.parent.post('/api/v1/agreements', agreement()), 403, 'forbidden');
  assert.equal(await countAgreements(), before, 'nothing written');
});

test('the three-year rule at its boundary, also from 29 February', async () => {
  const hl = c['helper-leader'];
  const a = expectStatus(await hl.post('/api/v1/agreements', agreement({ start_date: '2025-03-01', end_date: '2028-02-29' })), 201).json;
  assert.equal(a.long_term, false, 'three years less a day is not long-term');
  const b = expectStatus(await hl.patch(`/api/v1/agreements/${a.id}`, { end_date: '2028-03-01' }), 200).json;
  assert.equal(b.long_term, true, 'exactly three years is');
  const l = expectStatus(await hl.patch(`/api/v1/agreements/${a.id}`, { start_date: '2024-02-29', end_date: '2027-02-28' }), 200).json;
  assert.equal(l.long_term, false, '29 Feb 2024 + 3 years is 1 Mar 2027');
  const m = expectStatus(await hl.patch(`/api/v1/agreements/${a.id}`, { end_date: '2027-03-01' }), 200).json;
  assert.equal(m.long_term, true);
  expectError(await hl.patch(`/api/v1/agreements/${a.id}`, { end_date: '2024-02-29' }), 422, 'invalid');
  const long = await listAll(c.admin, '/api/v1/agreements?long_term=1&limit=500');
  assert.ok(long.some((x) => x.id === a.id));
});

test('linking, unlinking and shortening move projects_long_term and the long-term share', async () => {
  const p = await runningProject('协议测试项目二');
  const hl = c['helper-leader'];
  const lead0 = await valueOf('projects_long_term', HELPER);
  const run0 = await valueOf('projects_running', HELPER);
  const share0 = await valueOf('long_term_project_share', '650000');
  assert.ok(run0.value >= 1, 'the running project is counted');

  // a long-term agreement covering the project: +1 at the lead and in the region's share
  const a = expectStatus(await hl.post('/api/v1/agreements', agreement({ title: '长期协议', projects: [p.id] })), 201).json;
  const lead1 = await valueOf('projects_long_term', HELPER);
  assert.equal(lead1.value, lead0.value + 1);
  const share1 = await valueOf('long_term_project_share', '650000');
  assert.equal(share1.numerator, share0.numerator + 1);
  assert.equal(share1.denominator, share0.denominator);
  assert.ok(share1.value > share0.value, `the share rose: ${share0.value} → ${share1.value}`);

  // a second long-term agreement on the same project changes nothing more
  const a2 = expectStatus(await hl.post('/api/v1/agreements', agreement({ title: '第二份协议', projects: [p.id] })), 201).json;
  assert.equal((await valueOf('projects_long_term', HELPER)).value, lead1.value);
  expectStatus(await hl.patch(`/api/v1/agreements/${a2.id}`, { unlink: [p.id] }), 200);

  // unlink: back
  const u = expectStatus(await hl.patch(`/api/v1/agreements/${a.id}`, { unlink: [p.id] }), 200).json;
  assert.deepEqual(u.projects, []);
  assert.equal((await valueOf('projects_long_term', HELPER)).value, lead0.value);
  assert.equal((await valueOf('long_term_project_share', '650000')).numerator, share0.numerator);

  // link again, then shorten the term below three years: the mechanism goes
  expectStatus(await hl.patch(`/api/v1/agreements/${a.id}`, { link: [p.id] }), 200);
  assert.equal((await valueOf('projects_long_term', HELPER)).value, lead0.value + 1);
  const s = expectStatus(await hl.patch(`/api/v1/agreements/${a.id}`, { end_date: `${YEAR + 2}-12-31` }), 200).json;
  assert.equal(s.long_term, false);
  assert.equal((await valueOf('projects_long_term', HELPER)).value, lead0.value);
  // and the dashboard's target for the share reads the same figure
  const dash = expectStatus(await c.admin.get('/api/v1/dashboard/650000'), 200).json;
  const text = JSON.stringify(dash);
  assert.ok(text.includes('long_term_project_share'), 'the dashboard carries the long-term share');

  // projects (replace) keeps the links the caller cannot see and sets the visible ones
  const r = expectStatus(await hl.patch(`/api/v1/agreements/${a.id}`, { projects: [p.id], end_date: `${YEAR + 4}-01-01` }), 200).json;
  assert.deepEqual(r.projects.map((x) => x.id), [p.id]);
  assert.equal((await valueOf('projects_long_term', HELPER)).value, lead0.value + 1);
  const trail = expectStatus(await c.admin.get(`/api/v1/audit?object=agreement:${a.id}`), 200).json.items;
  assert.ok(trail.filter((x) => x.action === 'agreement.update').length >= 4, 'every change audited');
  assert.ok(trail.some((x) => x.action === 'agreement.update' && x.before && x.after), 'with before and after');
});

test('the demo: agreements cover about 40 % of the running projects with a long-term mechanism', async () => {
  const share = await valueOf('long_term_project_share', '650000');
  // the other tests of this file add a few, so only the order of magnitude is asked here
  assert.ok(share.denominator >= 10, `running projects ${share.denominator}`);
  assert.ok(share.value >= 25 && share.value <= 60, `long-term share ${share.value}`);
  const demo = await listAll(c.admin, '/api/v1/agreements?limit=500');
  const kinds = new Set();
  for (const a of demo.slice(0, 20)) {
    const full = expectStatus(await c.admin.get(`/api/v1/agreements/${a.id}`), 200).json;
    for (const p of full.parties) kinds.add(p.side);
  }
  for (const side of ['school', 'government', 'enterprise']) assert.ok(kinds.has(side), `a ${side} party`);
});

test('pages: the list, the form (422 keeps the input and names the field), one agreement, link/unlink, the project section', async () => {
  const hl = 'helper-leader';
  const get = (who, p) => page(srv.url, p, { cookie: sess[who].cookie });
  const post = (who, p, form) => page(srv.url, p, { method: 'POST', cookie: sess[who].cookie, form: { _csrf: sess[who].csrf, ...form } });
  const p = await runningProject('协议测试项目三');
  expectStatus(await get(hl, '/agreements'), 200);
  const form = expectStatus(await get(hl, `/agreements/new?project=${p.id}&owner=${HELPER}`), 200).text;
  assert.ok(form.includes('name=party_org_1') && form.includes(`value="${p.id}"`), 'the form with the project');
  expectStatus(await get('shufu', `/agreements/new?owner=${HELPER}`), 404);
  const fields = {
    title: '页面协议', owner: HELPER, start_date: `${YEAR}-01-01`, end_date: `${YEAR}-06-30`, summary: '',
    party_org_1: HELPER, party_side_1: 'school', party_supplies_1: '教师',
    party_org_2: '653121', party_side_2: 'government', party_supplies_2: '场地',
    projects: String(p.id),
  };
  const bad = await post(hl, '/agreements', { ...fields, end_date: `${YEAR - 1}-01-01` });
  assert.equal(bad.status, 422);
  assert.ok(bad.text.includes('end_date') && bad.text.includes('页面协议'), 'names the field, keeps the input');
  const bad2 = await post(hl, '/agreements', { ...fields, projects: '12, abc' });
  assert.equal(bad2.status, 422);
  assert.ok(bad2.text.includes('projects'));
  const ok = expectStatus(await post(hl, '/agreements', fields), 303);
  const id = Number(/\/agreements\/(\d+)$/.exec(ok.headers.location)[1]);
  const a = expectStatus(await c.admin.get(`/api/v1/agreements/${id}`), 200).json;
  assert.equal(a.long_term, false);
  assert.deepEqual(a.projects.map((x) => x.id), [p.id]);
  const show = expectStatus(await get(hl, `/agreements/${id}`), 200).text;
  assert.ok(show.includes('页面协议') && show.includes(`/projects/${p.id}`), 'the agreement with its project');
  assert.ok(show.includes('name=action value=unlink'), 'an unlink button for the keeper');
  const other = expectStatus(await get('shufu', `/agreements/${id}`), 200).text;
  assert.ok(!other.includes('name=action value=unlink'), 'no buttons for a party');
  expectStatus(await get('hotan', `/agreements/${id}`), 404);
  expectStatus(await post(hl, `/agreements/${id}`, { action: 'unlink', project: String(p.id) }), 303);
  assert.deepEqual(expectStatus(await c.admin.get(`/api/v1/agreements/${id}`), 200).json.projects, []);
  expectStatus(await post(hl, `/agreements/${id}`, { action: 'link', project: String(p.id) }), 303);
  const notmine = await post('shufu', `/agreements/${id}`, { action: 'link', project: String(p.id) });
  assert.equal(notmine.status, 403);
  const edit = await post(hl, `/agreements/${id}`, { action: 'edit', ...fields, end_date: `${YEAR + 3}-01-01` });
  expectStatus(edit, 303);
  assert.equal(expectStatus(await c.admin.get(`/api/v1/agreements/${id}`), 200).json.long_term, true);
  const badEdit = await post(hl, `/agreements/${id}`, { action: 'edit', ...fields, party_org_2: '' });
  assert.equal(badEdit.status, 422);
  assert.ok(badEdit.text.includes('parties'));
  // without the CSRF token: refused
  const nocsrf = await page(srv.url, `/agreements/${id}`, { method: 'POST', cookie: sess[hl].cookie, form: { action: 'link', project: String(p.id) } });
  assert.equal(nocsrf.status, 403);
  // the project page's section says the project has a long-term mechanism
  const proj = expectStatus(await get(hl, `/projects/${p.id}`), 200).text;
  assert.ok(proj.includes('id=agreements') && proj.includes(`/agreements/${id}`), 'the section lists it');
});
