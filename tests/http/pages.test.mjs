// HTML pages: login form, redirects, language, escaping, logout.
import assert from 'node:assert/strict';
import { test, before, after, startServer, page, login, client, cookieFrom, expectStatus, DEMO_PASSWORD } from './lib.mjs';

let srv, admin;
before(async () => {
  srv = await startServer();
  admin = await login(srv.url, 'admin');
});
after(async () => {
  await srv?.stop();
});

const htmlLang = (text) => (/<html[^>]*\blang="([^"]+)"/.exec(text) || [])[1];

test('GET /login is a Chinese form with login and password fields', async () => {
  const r = expectStatus(await page(srv.url, '/login'), 200);
  assert.match(r.headers['content-type'], /text\/html/);
  assert.equal(htmlLang(r.text), 'zh-CN');
  assert.match(r.text, /<form[^>]*method="?post"?[^>]*action="?\/login"?|<form[^>]*action="?\/login"?[^>]*method="?post"?/i);
  assert.match(r.text, /<input[^>]*name="?login"?[\s>]/);
  assert.match(r.text, /<input[^>]*name="?password"?[^>]*type="?password"?|<input[^>]*type="?password"?[^>]*name="?password"?[\s>]/);
});

test('English with ?lang=en or Accept-Language: en', async () => {
  assert.equal(htmlLang((await page(srv.url, '/login?lang=en')).text), 'en');
  assert.equal(htmlLang((await page(srv.url, '/login', { headers: { 'Accept-Language': 'en-US,en;q=0.9' } })).text), 'en');
  assert.equal(htmlLang((await page(srv.url, '/login', { headers: { 'Accept-Language': 'zh-CN,zh;q=0.9' } })).text), 'zh-CN');
});

test('POST /login with the right password → 303 to / with the session cookie', async () => {
  const r = await page(srv.url, '/login', { method: 'POST', form: { login: 'kashgar', password: DEMO_PASSWORD } });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.match(r.headers.location, /^(https?:\/\/[^/]+)?\/$/);
  const cookie = cookieFrom(r.headers);
  assert.ok(cookie, 'a session cookie');
  const home = expectStatus(await page(srv.url, '/', { cookie }), 200);
  assert.ok(home.text.includes('组织机构'), 'the navigation has the organisation tree');
  assert.ok(home.text.includes('/orgs'), 'a link to /orgs');
});

test('POST /login with a wrong password does not log in', async () => {
  const r = await page(srv.url, '/login', { method: 'POST', form: { login: 'kashgar', password: 'wrong' } });
  assert.notEqual(r.status, 303);
  assert.ok([200, 401, 422].includes(r.status), `status ${r.status}`);
  assert.equal(cookieFrom(r.headers), null);
  assert.match(r.text, /<input[^>]*name="?login"?[\s>]/, 'the form again');
});

test('POST /login follows a safe next=, never an external one', async () => {
  const ok = await page(srv.url, '/login?next=%2Forgs%2F653100', { method: 'POST', form: { login: 'hotan', password: DEMO_PASSWORD, next: '/orgs/653100' } });
  assert.equal(ok.status, 303);
  const evil = await page(srv.url, '/login?next=https%3A%2F%2Fevil.example%2F', { method: 'POST', form: { login: 'hotan', password: DEMO_PASSWORD, next: 'https://evil.example/' } });
  assert.equal(evil.status, 303);
  assert.ok(!/evil\.example/.test(evil.headers.location || ''), `open redirect to ${evil.headers.location}`);
  const evil2 = await page(srv.url, '/login?next=%2F%2Fevil.example%2F', { method: 'POST', form: { login: 'hotan', password: DEMO_PASSWORD, next: '//evil.example/' } });
  assert.ok(!/evil\.example/.test(evil2.headers.location || ''), `open redirect to ${evil2.headers.location}`);
});

test('pages redirect to /login?next=… when not logged in', async () => {
  for (const p of ['/orgs', '/orgs/653100', '/users', '/audit']) {
    const r = await page(srv.url, p);
    assert.equal(r.status, 303, `${p}: ${r.status}`);
    assert.match(r.headers.location, /\/login\?next=/, `${p} → ${r.headers.location}`);
    assert.ok(decodeURIComponent(r.headers.location).includes(p), `${p}: next= names the page: ${r.headers.location}`);
  }
});

test('/orgs shows the tree and drills down', async () => {
  const r = expectStatus(await page(srv.url, '/orgs', { cookie: admin.cookie }), 200);
  assert.ok(r.text.includes('新疆维吾尔自治区'));
  assert.ok(r.text.includes('喀什地区'));
  assert.ok(r.text.includes('/orgs/653100'), 'a link to the prefecture');
  const k = expectStatus(await page(srv.url, '/orgs/653100', { cookie: admin.cookie }), 200);
  assert.ok(k.text.includes('疏附县') && k.text.includes('喀什市'), 'the counties of 喀什地区');
  const en = expectStatus(await page(srv.url, '/orgs?lang=en', { cookie: admin.cookie }), 200);
  assert.equal(htmlLang(en.text), 'en');
});

test('pages are scoped like the API', async () => {
  const shufu = await login(srv.url, 'shufu');
  expectStatus(await page(srv.url, '/orgs/653121', { cookie: shufu.cookie }), 200);
  const r = await page(srv.url, '/orgs/653221', { cookie: shufu.cookie });
  assert.equal(r.status, 404, `shufu → /orgs/653221: ${r.status}`);
  assert.ok(!r.text.includes('和田县'), 'the page does not name the org out of reach');
  const audit = await page(srv.url, '/audit', { cookie: shufu.cookie });
  assert.equal(audit.status, 403, `shufu → /audit: ${audit.status}`);
  expectStatus(await page(srv.url, '/users', { cookie: admin.cookie }), 200);
  expectStatus(await page(srv.url, '/audit', { cookie: admin.cookie }), 200);
});

test('text is escaped in pages', async () => {
  const c = client(srv.url, admin);
  expectStatus(await c.post('/api/v1/orgs', { code: '6531219401', name_zh: '<script>alert(1)</script>学校', name_en: '"><img src=x onerror=alert(2)>', kind: 'school', parent: '653121', stage: 'primary', is_recipient: true }), 201);
  for (const p of ['/orgs/653121', '/orgs/6531219401']) {
    const r = expectStatus(await page(srv.url, p, { cookie: admin.cookie }), 200);
    assert.ok(!r.text.includes('<script>alert(1)'), `${p}: raw <script> from data`);
    assert.ok(!r.text.includes('<img src=x'), `${p}: raw <img> from data`);
    assert.ok(r.text.includes('&lt;script&gt;alert(1)'), `${p}: the name is shown escaped`);
  }
});

test('POST /logout with _csrf ends the session and returns to /login', async () => {
  const s = await login(srv.url, 'auditor');
  expectStatus(await page(srv.url, '/orgs', { cookie: s.cookie }), 200);
  const r = await page(srv.url, '/logout', { method: 'POST', cookie: s.cookie, form: { _csrf: s.csrf } });
  assert.equal(r.status, 303);
  const after = await page(srv.url, '/orgs', { cookie: s.cookie });
  assert.equal(after.status, 303, 'logged out');
});
