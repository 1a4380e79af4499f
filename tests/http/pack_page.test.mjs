// The pack-building pages (src/pack_page.c): GET /packs/new lists a school's open
// and matched needs with the resources that can serve each; POST /packs builds
// the pack through the same code as POST /api/v1/packs (all or nothing, capacity
// consumed), answers 409 beside the item when not enough is left and 422 naming
// the field, and redirects to the pack. Access: resource.write in reach.
import assert from 'node:assert/strict';
import { test, before, after, startServer, login, client, expectStatus, page } from './lib.mjs';

const YEAR = 2031; // no demo need or resource for this year
const SCHOOL = '6531210001'; // 疏附县第一小学
const HELPER = '6501020001';

let srv, s = {};
before(async () => {
  srv = await startServer();
  let n = 0;
  for (const who of ['admin', 'shufu', 'hotan', 'liaison', 'auditor']) {
    s[who] = await login(srv.url, who, undefined, { ip: `10.203.0.${++n}` });
    s[who].c = client(srv.url, s[who]);
  }
});
after(async () => {
  await srv?.stop();
});

async function resource(title, capacity, category = 'teachers', reach = ['653100']) {
  const r = await s.admin.c.post('/api/v1/resources', {
    provider: HELPER, kind: 'teacher_secondment', category, subject: '音乐', title, capacity, unit: '人',
    available_from: `${YEAR}-01-01`, available_to: `${YEAR}-12-31`, reach, attrs: { teachers: capacity, months: 6 },
  });
  expectStatus(r, 201, 'resource');
  return r.json;
}

async function need(subject = '音乐') {
  const r = await s.liaison.c.post('/api/v1/needs', {
    school: SCHOOL, year: YEAR, category: 'teachers', subject, quantity: 2, unit: '人', priority: 4,
  });
  expectStatus(r, 201, 'need');
  return r.json.id;
}

const form = (who, fields) => page(srv.url, '/packs', { method: 'POST', cookie: s[who].cookie, form: { _csrf: s[who].csrf, ...fields } });
const get = (who, p) => page(srv.url, p, { cookie: s[who].cookie });

test('GET /packs/new: the needs with the resources that can serve them; access by reach and capability', async () => {
  const x = await resource('打包页面 音乐支教', 3);
  const far = await resource('打包页面 和田支教', 3, 'teachers', ['653200']); // does not reach the school
  const other = await resource('打包页面 培训', 3, 'training'); // another category
  const n = await need();
  const ok = await get('shufu', `/packs/new?school=${SCHOOL}&year=${YEAR}`);
  assert.equal(ok.status, 200, ok.text.slice(0, 300));
  assert.ok(ok.text.includes(`name="q_${n}_${x.id}"`), 'the fitting resource under the need');
  assert.ok(!ok.text.includes(`_${far.id}"`), 'no resource that does not reach the school');
  assert.ok(!ok.text.includes(`_${other.id}"`), 'no resource of another category');
  assert.match(ok.text, /name="?_csrf/);
  // out of reach: the same 404 as a missing school
  assert.equal((await get('hotan', `/packs/new?school=${SCHOOL}&year=${YEAR}`)).status, 404);
  assert.equal((await get('shufu', `/packs/new?school=6599999999&year=${YEAR}`)).status, 404);
  // no resource.write
  assert.equal((await get('liaison', `/packs/new?school=${SCHOOL}&year=${YEAR}`)).status, 403);
  assert.equal((await get('auditor', `/packs/new?school=${SCHOOL}&year=${YEAR}`)).status, 403);
  // bad parameters
  assert.equal((await get('shufu', `/packs/new?school=${SCHOOL}&year=19`)).status, 400);
  assert.equal((await get('shufu', '/packs/new')).status, 400);
  assert.equal((await get('shufu', '/packs/new?school=653121')).status, 400, 'a county is no recipient school');
  // /packs links to it
  const list = await get('shufu', '/packs');
  assert.match(list.text, /action="\/packs\/new"/);
});

test('POST /packs: creates, consumes capacity, 409 beside the item, 422 naming the field', async () => {
  const x = await resource('打包页面 容量', 2);
  const n = await need();
  const field = `q_${n}_${x.id}`;
  const base = { school: SCHOOL, year: String(YEAR), name: '页面资源包', note: '' };

  const over = await form('shufu', { ...base, [field]: '3' });
  assert.equal(over.status, 409, over.text.slice(0, 300));
  assert.match(over.text, /class=field-error/, 'the message beside the item');
  assert.equal((await s.admin.c.get(`/api/v1/resources/${x.id}`)).json.remaining, 2, 'nothing consumed');

  const bad = await form('shufu', { ...base, [field]: 'abc' });
  assert.equal(bad.status, 422);
  assert.ok(bad.text.includes(field), 'names the field');
  const noname = await form('shufu', { ...base, name: '', [field]: '1' });
  assert.equal(noname.status, 422);
  assert.match(noname.text, /name/);
  const none = await form('shufu', { ...base, [field]: '' });
  assert.equal(none.status, 422, 'no item at all');

  // out of reach, missing capability, no CSRF
  assert.equal((await form('hotan', { ...base, [field]: '1' })).status, 404);
  assert.equal((await form('liaison', { ...base, [field]: '1' })).status, 403);
  assert.equal((await form('shufu', { ...base, _csrf: '', [field]: '1' })).status, 403);

  const made = await form('shufu', { ...base, [field]: '2' });
  assert.ok([302, 303].includes(made.status), `${made.status} ${made.text.slice(0, 200)}`);
  const m = /^\/packs\/(\d+)$/.exec(made.headers.location || '');
  assert.ok(m, `redirect to the pack: ${made.headers.location}`);
  const pk = expectStatus(await s.shufu.c.get(`/api/v1/packs/${m[1]}`), 200).json;
  assert.equal(pk.items.length, 1);
  assert.equal(pk.items[0].need, n);
  assert.equal(pk.items[0].quantity, 2);
  assert.equal((await s.admin.c.get(`/api/v1/resources/${x.id}`)).json.remaining, 0, 'capacity consumed');
  const again = await form('shufu', { ...base, [field]: '1' });
  assert.equal(again.status, 409, 'nothing left now');
});
