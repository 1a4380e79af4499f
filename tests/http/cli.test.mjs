// CLI: --help, --version, wrong arguments, user add, check, backup.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test, before, after, startServer, api, login, run, runOk, freshDb, hasRole, expectError, TMP, ROOT, IS_SQLITE } from './lib.mjs';

let srv;
before(async () => {
  srv = await startServer();
});
after(async () => {
  await srv?.stop();
});

// One line of error on stderr, non-zero exit.
function oneLineError(args, opts) {
  const r = run(args, opts);
  assert.notEqual(r.status, 0, `huiju ${args.join(' ')} exited 0: ${r.out}`);
  assert.ok(r.status !== null, `huiju ${args.join(' ')} died of ${r.signal}`);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `huiju ${args.join(' ')}: stderr is not one line:\n${r.stderr}`);
  return lines[0];
}

test('--help lists the verbs and exits 0', () => {
  const r = run(['--help']);
  assert.equal(r.status, 0, r.out);
  for (const verb of ['init', 'demo', 'serve', 'user', 'check', 'backup', 'routes']) {
    assert.match(r.stdout, new RegExp(`\\b${verb}\\b`), `--help does not mention ${verb}`);
  }
  for (const flag of ['--db', '--listen', '--trust-proxy', '--idle-timeout', '--session-lifetime']) {
    assert.ok(r.stdout.includes(flag), `--help does not mention ${flag}`);
  }
});

test('--version prints one line with a version and exits 0', () => {
  const r = run(['--version']);
  assert.equal(r.status, 0, r.out);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, r.stdout);
  assert.match(lines[0], /\d+\.\d+/);
});

test('a wrong argument gives one line on stderr and a non-zero exit', () => {
  oneLineError(['frobnicate']);
  oneLineError(['--no-such-flag']);
  oneLineError(['serve', '--db', srv.db, '--listen']);
  oneLineError(['serve', '--db', srv.db, '--listen', 'not-an-address']);
  oneLineError(['serve', '--db', srv.db, '--idle-timeout', 'soon']);
  oneLineError(['demo', '--db', srv.db, '--schools', 'many']);
  oneLineError(['init', '--db', srv.db, '--bogus']);
  oneLineError(['check', '--db']);
  oneLineError(['user', 'add', '--db', srv.db]);
  oneLineError(['user', 'frob', 'x', '--db', srv.db]);
  oneLineError(['check', '--db', path.relative(ROOT, path.join(TMP, 'no-such-dir', 'x.db'))]);
});

test('user add reads the password from stdin; the user can log in', async () => {
  const pw = 'Cli-added-pass-2026';
  const r = run(['user', 'add', 'cli-user', '--role', 'county_official', '--org', '653121', '--name', '命令行用户', '--db', srv.db], { input: pw + '\n' });
  assert.equal(r.status, 0, r.out);
  assert.ok(!r.out.includes(pw), 'the password is not echoed');
  const s = await login(srv.url, 'cli-user', pw);
  assert.equal(s.user.name, '命令行用户');
  assert.ok(hasRole(s.user, 'county_official', '653121'), JSON.stringify(s.user.roles));
  expectError(await api(srv.url, 'POST', '/api/v1/session', { body: { login: 'cli-user', password: pw + '\n' } }), 401, 'bad_credentials');
});

test('user add refuses bad input with one line and adds nobody', async () => {
  oneLineError(['user', 'add', 'cli-bad1', '--role', 'emperor', '--org', '653121', '--db', srv.db], { input: 'Cli-added-pass-2026\n' });
  oneLineError(['user', 'add', 'cli-bad2', '--role', 'volunteer', '--org', '659999', '--db', srv.db], { input: 'Cli-added-pass-2026\n' });
  oneLineError(['user', 'add', 'cli-bad3', '--role', 'volunteer', '--org', '653121', '--db', srv.db], { input: '' });
  oneLineError(['user', 'add', 'cli-user', '--role', 'volunteer', '--org', '653121', '--db', srv.db], { input: 'Another-pass-2026\n' });
  const admin = await login(srv.url, 'admin');
  for (const l of ['cli-bad1', 'cli-bad2', 'cli-bad3']) {
    expectError(await api(srv.url, 'GET', `/api/v1/users/${l}`, { token: admin.token }), 404, 'not_found', l);
  }
});

test('check exits 0 on a good database', () => {
  const r = run(['check', '--db', srv.db]);
  assert.equal(r.status, 0, r.out);
});

test('routes and roles print JSON', () => {
  const routes = JSON.parse(runOk(['routes', '--db', srv.db]).stdout);
  assert.ok(Array.isArray(routes) && routes.length > 0);
  for (const k of ['method', 'pattern', 'capability', 'api']) assert.ok(k in routes[0], `route lacks ${k}`);
  const roles = JSON.parse(runOk(['roles', '--db', srv.db]).stdout);
  assert.ok(Array.isArray(roles.region_admin));
});

test('backup FILE writes a database that check accepts', () => {
  const file = path.join(TMP, `cli_backup_${process.pid}.db`);
  fs.rmSync(file, { force: true });
  const r = run(['backup', path.relative(ROOT, file), '--db', srv.db]);
  assert.equal(r.status, 0, r.out);
  assert.ok(fs.existsSync(file) && fs.statSync(file).size > 0, 'the backup file exists and is not empty');
  if (IS_SQLITE) {
    const c = run(['check', '--db', path.relative(ROOT, file)]);
    assert.equal(c.status, 0, `check on the backup: ${c.out}`);
  }
  fs.rmSync(file, { force: true });
});

test('init on a fresh database, then check', () => {
  const db = freshDb('init');
  runOk(['init', '--db', db]);
  const c = run(['check', '--db', db]);
  assert.equal(c.status, 0, c.out);
  // init twice is harmless
  const again = run(['init', '--db', db]);
  assert.ok(again.status === 0 || again.stderr.split('\n').filter(Boolean).length === 1, `second init: ${again.out}`);
  assert.equal(run(['check', '--db', db]).status, 0);
  if (IS_SQLITE) for (const f of [db, db + '-wal', db + '-shm']) fs.rmSync(f, { force: true });
});
