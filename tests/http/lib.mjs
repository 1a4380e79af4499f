// lib.mjs — the harness of the HTTP suite: starts the real binary on a fresh
// database, and wraps fetch for the JSON API and the HTML pages.
//
// Environment:
//   HUIJU_BIN     the binary (default build/huiju; build/huiju-asan for sanitizers)
//   HUIJU_DB      'sqlite' (default): a fresh file per server under build/test-tmp/;
//                 'pg' or a postgres:// URL: a fresh database per server, made with
//                 `tests/pg.sh createdb $HUIJU_PG_DIR $HUIJU_PG_PORT NAME`
//   HUIJU_KEEP=1  keep the SQLite files of passing suites
//
// Every path is relative to the repository root, which is where the binary runs.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as nodeTest from 'node:test';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TMP = path.join(ROOT, 'build', 'test-tmp');
export const BIN = path.resolve(ROOT, process.env.HUIJU_BIN || 'build/huiju');
export const DEMO_PASSWORD = 'huiju-demo-2026';

const dbEnv = process.env.HUIJU_DB || 'sqlite';
export const BACKEND = /^(pg|postgres(ql)?:)/.test(dbEnv) ? 'pg' : 'sqlite';
export const IS_SQLITE = BACKEND === 'sqlite';

// The name of the test file that loaded us, for temp file and database names.
const SUITE = path
  .basename(process.argv[1] || 'suite')
  .replace(/\.test\.mjs$|\.mjs$/, '')
  .toLowerCase()
  .replace(/[^a-z0-9]+/g, '_');

fs.mkdirSync(TMP, { recursive: true });

const live = new Set(); // servers started by this process and not yet stopped
const scratch = []; // SQLite files made by startServer, removed at exit when every test passed
let serial = 0;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A distinct client address for this process: each test file has its own, so
// per-address throttling never crosses files (the server trusts it only with
// --trust-proxy). ip(n) gives further distinct addresses inside a file.
const ipBase = `10.${(process.pid >> 8) & 255}.${process.pid & 255}`;
export function ip(n = 1) {
  return `${ipBase}.${n & 255}`;
}
export const DEFAULT_IP = ip(1);

/* ------------------------------------------------------------------ CLI */

// run(args, {input, timeout}) runs the binary synchronously; returns
// {status, stdout, stderr, out} where out is stdout + stderr.
export function run(args, { input, timeout = 60000, env } = {}) {
  const r = spawnSync(BIN, args, {
    cwd: ROOT,
    input: input === undefined ? '' : input,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, ...(env || {}) },
  });
  if (r.error) throw new Error(`${BIN} ${args.join(' ')}: ${r.error.message}`);
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, out: r.stdout + r.stderr };
}

// Like run() but fails unless the exit status is 0.
export function runOk(args, opts) {
  const r = run(args, opts);
  if (r.status !== 0) {
    throw new Error(`huiju ${args.join(' ')} exited ${r.status ?? r.signal}:\n${tail(r.out, 40)}`);
  }
  return r;
}

// freshDb(label) → the --db argument of a new empty database for this suite.
export function freshDb(label = '') {
  serial++;
  const name = `${SUITE}_${process.pid}_${serial}${label ? '_' + label : ''}`.replace(/[^a-z0-9_]/g, '_');
  if (BACKEND === 'sqlite') {
    const file = path.join(TMP, `${name}.db`);
    for (const f of [file, file + '-wal', file + '-shm']) fs.rmSync(f, { force: true });
    return file;
  }
  const dir = process.env.HUIJU_PG_DIR;
  const port = process.env.HUIJU_PG_PORT;
  if (!dir || !port) throw new Error('HUIJU_DB asks for PostgreSQL but HUIJU_PG_DIR/HUIJU_PG_PORT are not set');
  const r = spawnSync(path.join(ROOT, 'tests', 'pg.sh'), ['createdb', dir, port, `huiju_t_${name}`], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60000,
  });
  if (r.status !== 0) throw new Error(`tests/pg.sh createdb failed:\n${r.stderr}`);
  const url = r.stdout.trim().split('\n').pop();
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`tests/pg.sh createdb printed no URL: ${r.stdout}`);
  return url;
}

/* --------------------------------------------------------------- server */

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function tail(text, n = 30) {
  const lines = String(text || '').split('\n');
  return lines.slice(-n).join('\n');
}

function fileTail(file, n = 30) {
  try {
    return tail(fs.readFileSync(file, 'utf8'), n);
  } catch {
    return '(no log)';
  }
}

const SANITIZER = /ERROR: (Address|Leak|Thread|Memory)Sanitizer|runtime error:|SUMMARY: \w+Sanitizer/;

// The part of a server log worth showing: a sanitizer report from its start when
// there is one, else the last lines.
function logExcerpt(file, n = 25) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return '(no log)';
  }
  const lines = text.split('\n');
  const at = lines.findIndex((l) => SANITIZER.test(l));
  if (at >= 0) return lines.slice(at, at + 40).join('\n');
  return lines.slice(-n).join('\n');
}

// startServer({bin, db, args, init, demo, schools, seed}) → {url, port, db, log, stop()}
//   db      an existing database to serve (then init and demo are skipped unless asked)
//   args    extra arguments for `serve`
//   demo    false to serve a database with no demo data
export async function startServer({ bin, db, args = [], init, demo, schools = 120, seed = 7 } = {}) {
  const exe = bin ? path.resolve(ROOT, bin) : BIN;
  if (!fs.existsSync(exe)) throw new Error(`${path.relative(ROOT, exe)} does not exist: build it with make`);
  const fresh = db === undefined;
  if (fresh) {
    db = freshDb();
    if (BACKEND === 'sqlite') scratch.push(db);
  }
  if (init ?? fresh) runOk(['init', '--db', db]);
  if (demo ?? fresh) runOk(['demo', '--db', db, '--schools', String(schools), '--seed', String(seed)], { timeout: 120000 });

  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    serial++;
    const log = path.join(TMP, `${SUITE}_${process.pid}_${serial}_serve.log`);
    const fd = fs.openSync(log, 'w');
    const child = spawn(exe, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--trust-proxy', ...args], {
      cwd: ROOT,
      stdio: ['ignore', fd, fd],
      // uploaded files of this suite's servers stay under build/test-tmp
      env: { ...process.env, HUIJU_FILES: process.env.HUIJU_FILES || path.join(TMP, `files-${SUITE}`) },
    });
    fs.closeSync(fd);
    let exited = null;
    const exitPromise = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        exited = { code, signal };
        resolve(exited);
      });
    });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20000;
    let up = false;
    while (Date.now() < deadline && !exited) {
      try {
        const r = await fetch(url + '/healthz', { signal: AbortSignal.timeout(2000) });
        await r.arrayBuffer();
        if (r.status === 200) {
          up = true;
          break;
        }
      } catch {
        /* not listening yet */
      }
      await sleep(100);
    }
    if (!up) {
      if (!exited) child.kill('SIGKILL');
      await exitPromise;
      const text = fileTail(log, 30);
      lastError = new Error(`huiju serve did not answer /healthz with 200 within 20 s (exit ${JSON.stringify(exited)}); log tail:\n${text}`);
      if (/address|in use|bind/i.test(text)) continue; // lost a race for the port: try another
      throw lastError;
    }
    const server = {
      url,
      port,
      db,
      log,
      child,
      get exited() {
        return exited;
      },
      async stop() {
        if (!live.has(server)) return exited;
        live.delete(server);
        if (!exited) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exitPromise;
          clearTimeout(timer);
        }
        const text = fs.readFileSync(log, 'utf8');
        if (SANITIZER.test(text)) {
          failed = true;
          throw new Error(`sanitizer report in the server's log ${path.relative(ROOT, log)}:\n${logExcerpt(log)}`);
        }
        return exited;
      },
    };
    live.add(server);
    return server;
  }
  throw lastError;
}

// Stops whatever this process left running (a crash in a test must not leave
// servers behind: node --test waits for the child otherwise).
process.on('exit', (code) => {
  for (const s of live) {
    try {
      s.child.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
  if (code === 0 && !failed && !process.env.HUIJU_KEEP) {
    for (const db of scratch) for (const f of [db, db + '-wal', db + '-shm']) fs.rmSync(f, { force: true });
  }
});

/* ------------------------------------------------------------ test glue */

let failed = false;

function printLogs(name, err) {
  failed = true;
  for (const s of live) {
    process.stderr.write(
      `\n--- test "${name}" failed (${err && err.message ? err.message.split('\n')[0] : err});` +
        ` ${path.relative(ROOT, s.log)}${s.exited ? ` (server exited: ${JSON.stringify(s.exited)})` : ''}:\n${logExcerpt(s.log)}\n---\n`,
    );
  }
}

// Every failing test prints the tail of every live server's log.
nodeTest.afterEach((t) => {
  if (t && t.passed === false) printLogs(t.name, t.error);
});
export const { test, before, after, describe } = nodeTest;

/* ----------------------------------------------------------------- HTTP */

function headersOf(res) {
  const h = {};
  for (const [k, v] of res.headers) h[k] = v;
  h['set-cookie'] = res.headers.getSetCookie ? res.headers.getSetCookie() : [];
  return h;
}

// request(url, method, path, opts) — the raw call under api() and page().
//   token    sent as Authorization: Bearer
//   cookie   sent as Cookie ('huiju_session=…')
//   csrf     sent as X-CSRF-Token
//   body     an object (sent as JSON), or a string/Buffer sent as is
//   form     an object sent as application/x-www-form-urlencoded
//   headers  extra headers
//   ip       X-Forwarded-For (default: this file's own address); null for none
export async function request(url, method, p, { token, cookie, csrf, body, form, headers = {}, ip: addr } = {}) {
  const h = { ...headers };
  if (addr !== null) h['X-Forwarded-For'] = addr || DEFAULT_IP;
  if (token) h['Authorization'] = `Bearer ${token}`;
  if (cookie) h['Cookie'] = cookie;
  if (csrf) h['X-CSRF-Token'] = csrf;
  let payload;
  if (form !== undefined) {
    payload = new URLSearchParams(form).toString();
    h['Content-Type'] ??= 'application/x-www-form-urlencoded';
  } else if (body !== undefined) {
    payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    h['Content-Type'] ??= 'application/json';
  }
  let res;
  try {
    res = await fetch(url + p, {
      method,
      headers: h,
      body: payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(30000),
    });
  } catch (e) {
    // a server that died says why in its log: show that rather than "fetch failed"
    const srv = [...live].find((x) => x.url === url);
    if (srv) {
      for (let i = 0; i < 20 && !srv.exited; i++) await sleep(50);
      if (srv.exited) {
        throw new Error(`${method} ${p.slice(0, 80)}: the server has exited (${JSON.stringify(srv.exited)}); ${path.relative(ROOT, srv.log)}:\n${logExcerpt(srv.log)}`);
      }
    }
    throw new Error(`${method} ${p.slice(0, 80)}: ${e.message}${e.cause ? ' (' + (e.cause.code || e.cause.message) + ')' : ''}`);
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, json, text, headers: headersOf(res) };
}

// api(url, method, path, opts) → {status, json, text, headers}
export const api = request;

// page(url, path, opts) → GET of an HTML page, same shape as api().
export function page(url, p, opts = {}) {
  return request(url, opts.method || 'GET', p, opts);
}

// cookieFrom(headers) → 'huiju_session=VALUE' from a response's Set-Cookie, or null.
export function cookieFrom(headers) {
  for (const c of headers['set-cookie'] || []) {
    const m = /^\s*huiju_session=([^;]*)/.exec(c);
    if (m) return `huiju_session=${m[1]}`;
  }
  return null;
}

// login(url, login, password, {ip}) → {token, cookie, csrf, user, res}; throws unless 200.
export async function login(url, name, password = DEMO_PASSWORD, { ip: addr } = {}) {
  const res = await request(url, 'POST', '/api/v1/session', { body: { login: name, password }, ip: addr });
  if (res.status !== 200 || !res.json || !res.json.token) {
    throw new Error(`login ${name}: ${res.status} ${res.text.slice(0, 300)}`);
  }
  return { token: res.json.token, cookie: cookieFrom(res.headers), csrf: res.json.csrf, user: res.json.user, res };
}

// client(url, {token, cookie, csrf}) → a small client bound to one set of credentials:
//   c.get(path), c.post(path, body), c.patch(path, body), c.del(path)
export function client(url, { token, cookie, csrf } = {}) {
  const o = { token, cookie, csrf };
  return {
    url,
    ...o,
    get: (p, extra = {}) => request(url, 'GET', p, { ...o, ...extra }),
    post: (p, body, extra = {}) => request(url, 'POST', p, { ...o, body, ...extra }),
    patch: (p, body, extra = {}) => request(url, 'PATCH', p, { ...o, body, ...extra }),
    put: (p, body, extra = {}) => request(url, 'PUT', p, { ...o, body, ...extra }),
    del: (p, extra = {}) => request(url, 'DELETE', p, { ...o, ...extra }),
  };
}

// errorOf(res) → the error code of an API error body, or undefined.
export function errorOf(res) {
  return res.json && res.json.error ? res.json.error.code : undefined;
}

// expectError(res, status, code): asserts an API error of that status and code.
export function expectError(res, status, code, what = '') {
  const ctx = `${what ? what + ': ' : ''}got ${res.status} ${res.text.slice(0, 300)}`;
  if (res.status !== status) throw new Error(`expected ${status}${code ? ' ' + code : ''}; ${ctx}`);
  if (!res.json || typeof res.json.error !== 'object' || typeof res.json.error.message !== 'string') {
    throw new Error(`expected an {"error":{"code","message"}} body; ${ctx}`);
  }
  if (code && res.json.error.code !== code) throw new Error(`expected error code ${code}; ${ctx}`);
  return res.json.error;
}

// expectStatus(res, status): asserts the status, showing the body when it differs.
export function expectStatus(res, status, what = '') {
  const ok = Array.isArray(status) ? status.includes(res.status) : res.status === status;
  if (!ok) throw new Error(`${what ? what + ': ' : ''}expected ${status}, got ${res.status} ${res.text.slice(0, 400)}`);
  return res;
}

// items(res) → the item list of a list answer.
export function items(res) {
  if (!res.json || !Array.isArray(res.json.items)) {
    throw new Error(`expected {"items":[…]}, got ${res.status} ${res.text.slice(0, 300)}`);
  }
  return res.json.items;
}

// listAll(c, path) → every item of a paginated list, following next_cursor.
export async function listAll(c, p, { max = 100 } = {}) {
  const all = [];
  let cursor = null;
  for (let i = 0; i < max; i++) {
    const sep = p.includes('?') ? '&' : '?';
    const res = await c.get(cursor ? `${p}${sep}cursor=${encodeURIComponent(cursor)}` : p);
    expectStatus(res, 200, p);
    all.push(...items(res));
    cursor = res.json.next_cursor;
    if (cursor === null || cursor === undefined) return all;
  }
  throw new Error(`${p}: more than ${max} pages`);
}

// schoolsOf(c, county) → the school orgs directly under a county (as seen by c).
export async function schoolsOf(c, county) {
  const list = await listAll(c, `/api/v1/orgs?parent=${county}&kind=school&limit=500`);
  if (!list.length) throw new Error(`no school under ${county} in the demo data`);
  return list;
}

// orgCode(x) → an org given as a code or as an object with a code.
export function orgCode(x) {
  return x && typeof x === 'object' ? x.code : String(x);
}

// hasRole(user, role, org) → whether user.roles holds that grant.
export function hasRole(user, role, org) {
  return (user.roles || []).some((g) => g.role === role && orgCode(g.org) === String(org));
}
