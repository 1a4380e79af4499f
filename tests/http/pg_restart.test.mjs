// PostgreSQL restart: the server keeps one connection per worker thread; when the
// database server restarts, those connections die. The next request on a dead
// connection answers 503 (never 500, never a crash) and the thread reconnects, so
// service comes back without restarting huiju. Runs its own PostgreSQL cluster on
// a port of its own (so other suites are not disturbed); PostgreSQL only.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test, after, startServer, api, login, sleep, BACKEND, ROOT, run } from './lib.mjs';

const DIR = path.join('build', `pg-restart-${process.pid}`);
const PORT = String(56000 + (process.pid % 900));
const pg = (...args) => spawnSync(path.join(ROOT, 'tests', 'pg.sh'), args, { cwd: ROOT, encoding: 'utf8', timeout: 120000 });

let srv;
after(async () => {
  await srv?.stop();
  pg('stop', DIR);
  spawnSync('rm', ['-rf', path.join(ROOT, DIR)]);
});

test('after a PostgreSQL restart the server answers 503 at most once per thread, then serves again', { skip: BACKEND !== 'pg' && 'PostgreSQL only' }, async () => {
  const started = pg('start', DIR, PORT);
  assert.equal(started.status, 0, started.stderr);
  const made = pg('createdb', DIR, PORT, 'huiju_restart');
  assert.equal(made.status, 0, made.stderr);
  const url = made.stdout.trim().split('\n').pop();
  assert.equal(run(['init', '--db', url]).status, 0);
  assert.equal(run(['demo', '--db', url, '--schools', '24', '--seed', '3'], { timeout: 120000 }).status, 0);
  srv = await startServer({ db: url, args: ['--threads', '2'] });
  const admin = await login(srv.url, 'admin');
  const me = () => api(srv.url, 'GET', '/api/v1/orgs/650000', { token: admin.token });
  assert.equal((await me()).status, 200);

  assert.equal(pg('stop', DIR).status, 0);
  const restarted = pg('start', DIR, PORT);
  assert.equal(restarted.status, 0, restarted.stderr);

  // every worker thread may fail once on its dead connection; then all is well
  const seen = [];
  for (let i = 0; i < 12; i++) {
    const r = await me();
    seen.push(r.status);
    assert.ok([200, 503].includes(r.status), `answer ${r.status}: ${r.text.slice(0, 200)}`);
    if (r.status === 503) assert.match(r.text, /"error"/);
    await sleep(20);
  }
  assert.ok(seen.filter((s) => s === 503).length <= 4, `too many 503s: ${seen}`);
  assert.deepEqual(seen.slice(-4), [200, 200, 200, 200], `back to normal: ${seen}`);
});
