// Routes: walks `huiju routes` — every route names a capability, every
// non-public route refuses anonymous callers, a parent is refused every route
// needing a capability parents lack, and the OpenAPI document describes them all.
import assert from 'node:assert/strict';
import { test, before, after, startServer, api, login, run, expectStatus, expectError } from './lib.mjs';

let srv, routes, roles, parent, openapi;
before(async () => {
  srv = await startServer();
  const r = run(['routes', '--db', srv.db]);
  assert.equal(r.status, 0, `huiju routes: ${r.out}`);
  routes = JSON.parse(r.stdout);
  const rr = run(['roles', '--db', srv.db]);
  assert.equal(rr.status, 0, `huiju roles: ${rr.out}`);
  roles = JSON.parse(rr.stdout);
  parent = await login(srv.url, 'parent');
  openapi = expectStatus(await api(srv.url, 'GET', '/api/v1/openapi.json'), 200).json;
});
after(async () => {
  await srv?.stop();
});

// A real value for each path parameter.
const VALUES = { code: '653121', org: '653121', login: 'volunteer', user: 'volunteer', id: '1', seq: '1', lang: 'en' };
const fill = (pattern) => pattern.replace(/\{([^}]+)\}/g, (_, n) => encodeURIComponent(VALUES[n] ?? 'x1'));
const params = (pattern) => [...pattern.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
const isPublic = (rt) => rt.capability === 'public';
const label = (rt) => `${rt.method} ${rt.pattern}`;
const writes = (m) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(m);

test('huiju routes lists the routes of the contract, each with a capability', () => {
  assert.ok(Array.isArray(routes) && routes.length >= 20, `${routes.length} routes`);
  const known = new Set(Object.values(roles).flat());
  for (const rt of routes) {
    assert.ok(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(rt.method), label(rt));
    assert.match(rt.pattern, /^\//, label(rt));
    assert.equal(typeof rt.api, 'boolean', `${label(rt)}: api`);
    assert.equal(typeof rt.capability, 'string', `${label(rt)} has no capability`);
    assert.ok(rt.capability.length > 0, `${label(rt)} has an empty capability`);
    assert.ok(known.has(rt.capability), `${label(rt)} needs ${rt.capability}, which no role grants (huiju roles)`);
  }
  const have = new Set(routes.map(label));
  for (const want of [
    'GET /healthz', 'POST /api/v1/session', 'DELETE /api/v1/session', 'GET /api/v1/me',
    'GET /api/v1/tokens', 'POST /api/v1/tokens', 'DELETE /api/v1/tokens/{id}',
    'GET /api/v1/orgs', 'POST /api/v1/orgs', 'GET /api/v1/orgs/{code}', 'PATCH /api/v1/orgs/{code}',
    'GET /api/v1/users', 'POST /api/v1/users', 'GET /api/v1/users/{login}', 'PATCH /api/v1/users/{login}',
    'GET /api/v1/audit', 'GET /api/v1/openapi.json',
    'GET /login', 'POST /login', 'POST /logout', 'GET /orgs', 'GET /orgs/{code}', 'GET /users', 'GET /audit',
  ]) {
    assert.ok(have.has(want), `huiju routes lacks ${want}`);
  }
  assert.equal(have.size, routes.length, 'no route twice');
  for (const pub of ['GET /healthz', 'POST /api/v1/session', 'GET /api/v1/openapi.json', 'GET /login', 'POST /login']) {
    assert.equal(routes.find((rt) => label(rt) === pub).capability, 'public', `${pub} is public`);
  }
  for (const priv of ['GET /api/v1/orgs', 'GET /api/v1/audit', 'POST /api/v1/users', 'GET /orgs', 'GET /audit']) {
    assert.notEqual(routes.find((rt) => label(rt) === priv).capability, 'public', `${priv} is not public`);
  }
});

test('huiju roles prints every role with its capabilities', () => {
  for (const r of ['region_admin', 'prefecture_official', 'county_official', 'school_leader', 'liaison_officer', 'team_member', 'volunteer', 'parent', 'evaluator', 'auditor', 'supervisor']) {
    assert.ok(Array.isArray(roles[r]), `huiju roles lacks ${r}`);
  }
  assert.ok(roles.auditor.some((c) => /audit/.test(c)), 'the auditor reads the audit');
  assert.ok(!roles.parent.some((c) => /audit/.test(c)), 'a parent does not');
});

test('every non-public route refuses an anonymous caller: 401 for the API, 303 to /login for pages', async () => {
  let walked = 0;
  for (const rt of routes.filter((x) => !isPublic(x))) {
    const p = fill(rt.pattern);
    const r = await api(srv.url, rt.method, p, writes(rt.method) ? (rt.api ? { body: {} } : { form: {} }) : {});
    if (rt.api) {
      expectError(r, 401, 'unauthenticated', label(rt));
    } else {
      assert.equal(r.status, 303, `${label(rt)} anonymous: ${r.status}`);
      const loc = r.headers.location || '';
      assert.match(loc, /^(https?:\/\/[^/]+)?\/login(\?|$)/, `${label(rt)} redirects to ${loc}`);
      if (rt.method === 'GET') assert.ok(loc.includes('next='), `${label(rt)}: no next= in ${loc}`);
    }
    walked++;
  }
  assert.ok(walked >= 10, `walked ${walked} routes`);
});

test("a parent is refused every route needing a capability parents lack", async () => {
  const mine = new Set(roles.parent);
  let walked = 0;
  for (const rt of routes.filter((x) => !mine.has(x.capability))) {
    const p = fill(rt.pattern);
    const opts = rt.api
      ? { token: parent.token, ...(writes(rt.method) ? { body: {} } : {}) }
      : { cookie: parent.cookie, ...(writes(rt.method) ? { form: { _csrf: parent.csrf } } : {}) };
    const r = await api(srv.url, rt.method, p, opts);
    assert.ok([403, 404].includes(r.status), `${label(rt)} as parent: ${r.status} ${r.text.slice(0, 200)}`);
    if (rt.api && r.status === 403) expectError(r, 403, 'forbidden', label(rt));
    walked++;
  }
  assert.ok(walked >= 8, `walked ${walked} routes`);
  // and the parent is still logged in: refusals are not logouts
  expectStatus(await api(srv.url, 'GET', '/api/v1/me', { token: parent.token }), 200);
});

test('every route is in /api/v1/openapi.json with its method, path parameters and error responses', () => {
  assert.match(String(openapi.openapi), /^3\.1/, `openapi: ${openapi.openapi}`);
  assert.ok(openapi.info && openapi.info.title, 'info.title');
  const base = (openapi.servers?.[0]?.url || '').replace(/^https?:\/\/[^/]+/, '').replace(/\/$/, '');
  const find = (pattern) => openapi.paths[pattern] || (base && pattern.startsWith(base) ? openapi.paths[pattern.slice(base.length) || '/'] : undefined);
  let checked = 0;
  for (const rt of routes) {
    const item = find(rt.pattern);
    assert.ok(item, `openapi.paths lacks ${rt.pattern}`);
    const op = item[rt.method.toLowerCase()];
    assert.ok(op, `openapi.paths[${rt.pattern}] lacks ${rt.method}`);
    assert.ok(op.responses && Object.keys(op.responses).length > 0, `${label(rt)}: no responses`);
    const declared = [...(item.parameters || []), ...(op.parameters || [])]
      .map((x) => (x.$ref ? resolve(x.$ref) : x))
      .filter((x) => x && x.in === 'path')
      .map((x) => x.name);
    for (const n of params(rt.pattern)) assert.ok(declared.includes(n), `${label(rt)}: path parameter ${n} not declared`);
    if (!isPublic(rt)) {
      for (const s of ['401', '403']) assert.ok(s in op.responses, `${label(rt)}: no ${s} response in openapi`);
    }
    if ('x-capability' in op) assert.equal(op['x-capability'], rt.capability, `${label(rt)}: x-capability`);
    checked++;
  }
  assert.ok(checked >= 24, `checked ${checked} routes`);
  // and nothing in the document that the server does not route
  const have = new Set(routes.map((rt) => `${rt.method.toLowerCase()} ${rt.pattern}`));
  for (const [p, item] of Object.entries(openapi.paths)) {
    for (const m of Object.keys(item).filter((k) => ['get', 'post', 'put', 'patch', 'delete'].includes(k))) {
      assert.ok(have.has(`${m} ${p}`) || have.has(`${m} ${base}${p}`), `openapi documents ${m.toUpperCase()} ${p}, which huiju routes does not list`);
    }
  }
});

function resolve(ref) {
  return ref.replace(/^#\//, '').split('/').reduce((o, k) => (o ? o[k] : undefined), openapi);
}

test('unknown routes → 404', async () => {
  expectError(await api(srv.url, 'GET', '/api/v1/no-such-thing', { token: parent.token }), 404);
  expectError(await api(srv.url, 'GET', '/api/v2/orgs'), 404);
  expectError(await api(srv.url, 'GET', '/api/v1/orgs/653121/nope', { token: parent.token }), 404);
  const page = await api(srv.url, 'GET', '/no-such-page');
  assert.equal(page.status, 404);
  const anon = await api(srv.url, 'POST', '/api/v1/no-such-thing', { body: {} });
  assert.equal(anon.status, 404, 'unknown route even without credentials');
});
