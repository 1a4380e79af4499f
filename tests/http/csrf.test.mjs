// CSRF: cookie-authenticated writes need X-CSRF-Token (or the _csrf form field on
// pages); bearer-authenticated writes need none.
import assert from 'node:assert/strict';
import { test, before, after, startServer, api, page, login, expectError, expectStatus } from './lib.mjs';

let srv, admin, other;
before(async () => {
  srv = await startServer();
  admin = await login(srv.url, 'admin');
  other = await login(srv.url, 'kashgar');
});
after(async () => {
  await srv?.stop();
});

const school = (code, name) => ({ code, name_zh: name, name_en: 'CSRF test school', kind: 'school', parent: '653121', is_recipient: true, stage: 'primary' });

async function nameEn(code) {
  const r = await api(srv.url, 'GET', `/api/v1/orgs/${code}`, { token: admin.token });
  expectStatus(r, 200);
  return r.json.name_en;
}

test('a cookie write without X-CSRF-Token is refused with 403 csrf and changes nothing', async () => {
  const r = await api(srv.url, 'POST', '/api/v1/orgs', { cookie: admin.cookie, body: school('6531219801', 'CSRF无令牌') });
  expectError(r, 403, 'csrf');
  expectError(await api(srv.url, 'GET', '/api/v1/orgs/6531219801', { token: admin.token }), 404, 'not_found');
  const before = await nameEn('653121');
  const p = await api(srv.url, 'PATCH', '/api/v1/orgs/653121', { cookie: admin.cookie, body: { name_en: 'Hacked' } });
  expectError(p, 403, 'csrf');
  assert.equal(await nameEn('653121'), before);
});

test('a cookie write with a wrong X-CSRF-Token is refused', async () => {
  const r = await api(srv.url, 'POST', '/api/v1/orgs', { cookie: admin.cookie, csrf: 'x' + admin.csrf.slice(1, -1) + 'y', body: school('6531219802', 'CSRF错令牌') });
  expectError(r, 403, 'csrf');
  const empty = await api(srv.url, 'POST', '/api/v1/orgs', { cookie: admin.cookie, headers: { 'X-CSRF-Token': '' }, body: school('6531219802', 'CSRF空令牌') });
  expectError(empty, 403, 'csrf');
  expectError(await api(srv.url, 'GET', '/api/v1/orgs/6531219802', { token: admin.token }), 404, 'not_found');
});

test("another session's csrf token does not pass", async () => {
  assert.notEqual(admin.csrf, other.csrf, 'two sessions have two csrf tokens');
  const r = await api(srv.url, 'POST', '/api/v1/orgs', { cookie: admin.cookie, csrf: other.csrf, body: school('6531219803', 'CSRF他人令牌') });
  expectError(r, 403, 'csrf');
  expectError(await api(srv.url, 'GET', '/api/v1/orgs/6531219803', { token: admin.token }), 404, 'not_found');
});

test('a cookie write with the right X-CSRF-Token goes through', async () => {
  const r = await api(srv.url, 'POST', '/api/v1/orgs', { cookie: admin.cookie, csrf: admin.csrf, body: school('6531219804', 'CSRF正确令牌') });
  expectStatus(r, 201);
  assert.equal(r.json.code, '6531219804');
  const p = await api(srv.url, 'PATCH', '/api/v1/orgs/6531219804', { cookie: admin.cookie, csrf: admin.csrf, body: { name_en: 'Cookie patched' } });
  expectStatus(p, 200);
  assert.equal(await nameEn('6531219804'), 'Cookie patched');
});

test('a bearer write needs no csrf token', async () => {
  const r = await api(srv.url, 'POST', '/api/v1/orgs', { token: admin.token, body: school('6531219805', 'CSRF持票') });
  expectStatus(r, 201);
  const p = await api(srv.url, 'PATCH', '/api/v1/orgs/6531219805', { token: admin.token, body: { name_en: 'Bearer patched' } });
  expectStatus(p, 200);
  assert.equal(await nameEn('6531219805'), 'Bearer patched');
});

test('logout by cookie without csrf is refused and the session lives on', async () => {
  const s = await login(srv.url, 'hotan');
  expectError(await api(srv.url, 'DELETE', '/api/v1/session', { cookie: s.cookie }), 403, 'csrf');
  expectStatus(await api(srv.url, 'GET', '/api/v1/me', { cookie: s.cookie }), 200);
  expectStatus(await api(srv.url, 'DELETE', '/api/v1/session', { cookie: s.cookie, csrf: s.csrf }), 204);
  expectStatus(await api(srv.url, 'GET', '/api/v1/me', { cookie: s.cookie }), 401);
});

test('POST /logout (HTML) needs the _csrf form field', async () => {
  const s = await login(srv.url, 'shufu');
  const no = await page(srv.url, '/logout', { method: 'POST', cookie: s.cookie, form: {} });
  assert.equal(no.status, 403, `POST /logout without _csrf: ${no.status}`);
  expectStatus(await api(srv.url, 'GET', '/api/v1/me', { cookie: s.cookie }), 200, 'session after a refused logout');
  const wrong = await page(srv.url, '/logout', { method: 'POST', cookie: s.cookie, form: { _csrf: other.csrf } });
  assert.equal(wrong.status, 403, `POST /logout with another session's _csrf: ${wrong.status}`);
  const ok = await page(srv.url, '/logout', { method: 'POST', cookie: s.cookie, form: { _csrf: s.csrf } });
  assert.equal(ok.status, 303, `POST /logout with _csrf: ${ok.status}`);
  expectStatus(await api(srv.url, 'GET', '/api/v1/me', { cookie: s.cookie }), 401, 'session after logout');
});
