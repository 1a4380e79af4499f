// Sessions: login, cookie attributes, rotation, logout, /me, idle and absolute expiry.
import assert from 'node:assert/strict';
import { test, before, after, startServer, api, login, cookieFrom, expectError, expectStatus, hasRole, sleep, DEMO_PASSWORD } from './lib.mjs';

let srv;
before(async () => {
  srv = await startServer();
});
after(async () => {
  await srv?.stop();
});

test('login with the right password gives a token, a csrf token and the user', async () => {
  const res = await api(srv.url, 'POST', '/api/v1/session', { body: { login: 'admin', password: DEMO_PASSWORD } });
  expectStatus(res, 200);
  assert.equal(typeof res.json.token, 'string');
  assert.ok(res.json.token.length >= 20, 'token is long enough to be unguessable');
  assert.equal(typeof res.json.csrf, 'string');
  assert.ok(res.json.csrf.length >= 16);
  const u = res.json.user;
  assert.equal(u.login, 'admin');
  assert.equal(typeof u.name, 'string');
  assert.ok('lang' in u, 'user has lang');
  assert.ok(hasRole(u, 'region_admin', '650000'), `roles: ${JSON.stringify(u.roles)}`);
  assert.ok(!/pw_hash|\$argon2/.test(res.text), 'no password hash in the answer');
});

test('the session cookie is HttpOnly, SameSite=Lax, Path=/', async () => {
  const res = await api(srv.url, 'POST', '/api/v1/session', { body: { login: 'kashgar', password: DEMO_PASSWORD } });
  expectStatus(res, 200);
  const set = res.headers['set-cookie'].find((c) => /^\s*huiju_session=/.test(c));
  assert.ok(set, `Set-Cookie: ${JSON.stringify(res.headers['set-cookie'])}`);
  const attrs = set.split(';').slice(1).map((a) => a.trim().toLowerCase());
  assert.ok(attrs.includes('httponly'), set);
  assert.ok(attrs.includes('samesite=lax'), set);
  assert.ok(attrs.includes('path=/'), set);
  assert.ok(/^huiju_session=[^;]{20,}/.test(set.trim()), 'cookie carries a long value');
  // the cookie alone authenticates
  const me = await api(srv.url, 'GET', '/api/v1/me', { cookie: cookieFrom(res.headers) });
  expectStatus(me, 200);
  assert.equal(me.json.user.login, 'kashgar');
});

test('wrong password and unknown login both give 401 bad_credentials with the same message', async () => {
  const bad = await api(srv.url, 'POST', '/api/v1/session', { body: { login: 'admin', password: 'wrong-password' } });
  const e1 = expectError(bad, 401, 'bad_credentials');
  const unknown = await api(srv.url, 'POST', '/api/v1/session', { body: { login: 'no-such-user', password: 'wrong-password' } });
  const e2 = expectError(unknown, 401, 'bad_credentials');
  assert.equal(e1.message, e2.message);
  assert.equal(cookieFrom(bad.headers), null, 'no session cookie on failure');
  assert.ok(!bad.json.token);
});

test('each login rotates the token; the sessions are separate', async () => {
  const a = await login(srv.url, 'hotan');
  const b = await login(srv.url, 'hotan');
  assert.notEqual(a.token, b.token);
  assert.notEqual(a.cookie, b.cookie);
  for (const s of [a, b]) {
    const byToken = await api(srv.url, 'GET', '/api/v1/me', { token: s.token });
    expectStatus(byToken, 200);
    assert.equal(byToken.json.user.login, 'hotan');
    const byCookie = await api(srv.url, 'GET', '/api/v1/me', { cookie: s.cookie });
    expectStatus(byCookie, 200);
    assert.equal(byCookie.json.csrf, s.csrf, "the cookie names its own session (same csrf)");
  }
  // logging out one leaves the other
  expectStatus(await api(srv.url, 'DELETE', '/api/v1/session', { token: a.token }), 204);
  expectStatus(await api(srv.url, 'GET', '/api/v1/me', { token: a.token }), 401);
  expectStatus(await api(srv.url, 'GET', '/api/v1/me', { cookie: a.cookie }), 401);
  expectStatus(await api(srv.url, 'GET', '/api/v1/me', { token: b.token }), 200);
  expectStatus(await api(srv.url, 'GET', '/api/v1/me', { cookie: b.cookie }), 200);
});

test('GET /api/v1/me answers the user and csrf; 401 unauthenticated without credentials', async () => {
  const s = await login(srv.url, 'shufu');
  const me = await api(srv.url, 'GET', '/api/v1/me', { token: s.token });
  expectStatus(me, 200);
  assert.equal(me.json.user.login, 'shufu');
  assert.ok(hasRole(me.json.user, 'county_official', '653121'), JSON.stringify(me.json.user.roles));
  assert.equal(me.json.csrf, s.csrf);
  expectError(await api(srv.url, 'GET', '/api/v1/me'), 401, 'unauthenticated');
  expectError(await api(srv.url, 'GET', '/api/v1/me', { token: 'not-a-token' }), 401);
  expectError(await api(srv.url, 'GET', '/api/v1/me', { token: s.token.slice(0, -2) + (s.token.endsWith('AA') ? 'BB' : 'AA') }), 401);
  expectError(await api(srv.url, 'GET', '/api/v1/me', { cookie: 'huiju_session=forged-value-0123456789abcdef' }), 401);
});

test('logout with the cookie (and csrf) ends the session', async () => {
  const s = await login(srv.url, 'auditor');
  const out = await api(srv.url, 'DELETE', '/api/v1/session', { cookie: s.cookie, csrf: s.csrf });
  expectStatus(out, 204);
  expectError(await api(srv.url, 'GET', '/api/v1/me', { cookie: s.cookie }), 401, 'unauthenticated');
  expectError(await api(srv.url, 'GET', '/api/v1/me', { token: s.token }), 401, 'unauthenticated');
  // logging in again works
  const again = await login(srv.url, 'auditor');
  expectStatus(await api(srv.url, 'GET', '/api/v1/me', { token: again.token }), 200);
});

test('a session idle for longer than --idle-timeout dies; one in use does not', async () => {
  // a second server on the same database (app nodes are stateless), with its own flags
  const idle = await startServer({ db: srv.db, args: ['--idle-timeout', '2'] });
  try {
    const busy = await login(idle.url, 'admin');
    const lazy = await login(idle.url, 'kashgar');
    // busy: used every 0.5 s for 3.5 s, so it is never idle for 2 s
    for (let i = 0; i < 7; i++) {
      await sleep(500);
      expectStatus(await api(idle.url, 'GET', '/api/v1/me', { token: busy.token }), 200, `busy session at ${(i + 1) * 0.5} s`);
    }
    // lazy: not used since login, 3.5 s ago
    expectError(await api(idle.url, 'GET', '/api/v1/me', { token: lazy.token }), 401, undefined, 'idle session');
    expectError(await api(idle.url, 'GET', '/api/v1/me', { cookie: lazy.cookie }), 401, undefined, 'idle session by cookie');
    // and busy dies too once left alone
    await sleep(3200);
    expectError(await api(idle.url, 'GET', '/api/v1/me', { token: busy.token }), 401, undefined, 'busy session left idle');
  } finally {
    await idle.stop();
  }
});

test('a session dies after --session-lifetime even when used every second', async () => {
  const short = await startServer({ db: srv.db, args: ['--session-lifetime', '3', '--idle-timeout', '100'] });
  try {
    const s = await login(short.url, 'admin');
    const t0 = Date.now();
    await sleep(1000);
    expectStatus(await api(short.url, 'GET', '/api/v1/me', { token: s.token }), 200, 'at 1 s');
    let diedAt = null;
    while (Date.now() - t0 < 6000) {
      await sleep(1000);
      const r = await api(short.url, 'GET', '/api/v1/me', { token: s.token });
      if (r.status === 401) {
        diedAt = (Date.now() - t0) / 1000;
        break;
      }
      expectStatus(r, 200);
    }
    assert.ok(diedAt !== null, 'the session still worked 6 s after login with --session-lifetime 3');
    assert.ok(diedAt >= 2, `died after ${diedAt} s, before its lifetime`);
    expectStatus(await api(short.url, 'GET', '/api/v1/me', { cookie: s.cookie }), 401);
    // a new login gets a new working session
    const again = await login(short.url, 'admin');
    expectStatus(await api(short.url, 'GET', '/api/v1/me', { token: again.token }), 200);
  } finally {
    await short.stop();
  }
});
