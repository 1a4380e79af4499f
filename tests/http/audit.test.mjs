// Audit: every write is recorded with before and after, only auditors and region
// admins read it, `huiju check` verifies the hash chain and names a broken link.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test, before, after, startServer, login, client, items, listAll, schoolsOf, run, expectStatus, expectError, IS_SQLITE } from './lib.mjs';

let srv, admin, auditor, shufu, school;
before(async () => {
  srv = await startServer();
  admin = client(srv.url, await login(srv.url, 'admin'));
  auditor = client(srv.url, await login(srv.url, 'auditor'));
  shufu = client(srv.url, await login(srv.url, 'shufu'));
  school = (await schoolsOf(admin, '653121'))[0].code;
});
after(async () => {
  await srv?.stop();
});

const trail = async (object) => listAll(auditor, `/api/v1/audit?object=${encodeURIComponent(object)}&limit=500`);
const parse = (v) => (typeof v === 'string' ? JSON.parse(v) : v);

let patchSeq;

test('creating and patching an org is recorded with before and after', async () => {
  expectStatus(await admin.post('/api/v1/orgs', { code: '6531219501', name_zh: '审计测试学校', name_en: 'Audit school', kind: 'school', parent: '653121', stage: 'primary', is_recipient: true }), 201);
  expectStatus(await admin.patch('/api/v1/orgs/6531219501', { name_en: 'Audit school renamed', is_helper: true }), 200);
  const rows = await trail('org:6531219501');
  assert.equal(rows.length, 2, JSON.stringify(rows));
  for (const r of rows) {
    for (const k of ['seq', 'at', 'actor', 'action', 'object_kind', 'object_key', 'before', 'after', 'hash']) assert.ok(k in r, `audit row lacks ${k}`);
    assert.equal(r.actor, 'admin');
    assert.equal(r.object_kind, 'org');
    assert.equal(r.object_key, '6531219501');
    assert.match(String(r.hash), /^[0-9a-f]{32,}$/i);
  }
  const [create, patch] = [...rows].sort((a, b) => Number(a.seq) - Number(b.seq));
  assert.ok(Number(patch.seq) > Number(create.seq));
  assert.ok(create.before === null || create.before === undefined, `create has no before: ${JSON.stringify(create.before)}`);
  assert.equal(parse(create.after).name_zh, '审计测试学校');
  assert.equal(parse(patch.before).name_en, 'Audit school');
  assert.equal(parse(patch.after).name_en, 'Audit school renamed');
  assert.equal(parse(patch.before).is_helper, false);
  assert.equal(parse(patch.after).is_helper, true);
  assert.notEqual(create.hash, patch.hash);
  patchSeq = Number(patch.seq);
});

test('creating and changing a user is recorded, without the password', async () => {
  const pw = 'Audit-test-pass-2026';
  expectStatus(await shufu.post('/api/v1/users', { login: 'a-user', name: '审计用户', password: pw, role: 'volunteer', org: '653121' }), 201);
  expectStatus(await admin.patch('/api/v1/users/a-user', { name: '审计用户二', add_role: { role: 'team_member', org: school } }), 200);
  expectStatus(await admin.patch('/api/v1/users/a-user', { password: pw + 'x' }), 200);
  const rows = await trail('user:a-user');
  assert.ok(rows.length >= 3, `${rows.length} rows for 3 writes: ${JSON.stringify(rows)}`);
  const sorted = [...rows].sort((a, b) => Number(a.seq) - Number(b.seq));
  assert.equal(sorted[0].actor, 'shufu');
  assert.equal(parse(sorted[0].after).name, '审计用户');
  assert.ok(sorted.some((r) => r.before && parse(r.before).name === '审计用户' && parse(r.after).name === '审计用户二'), 'rename recorded with before and after');
  const text = JSON.stringify(rows);
  assert.ok(!text.includes(pw), 'the password is not in the audit trail');
  assert.ok(!/\$argon2/.test(text), 'no password hash in the audit trail');
});

test('creating an API token is recorded', async () => {
  expectStatus(await admin.post('/api/v1/tokens', { name: 'audit-token', days: 1 }), 201);
  const all = await listAll(auditor, '/api/v1/audit?limit=500');
  assert.ok(all.some((r) => r.actor === 'admin' && /token/i.test(`${r.object_kind} ${r.action}`)), 'token creation recorded');
});

test('the audit list pages by cursor in seq order', async () => {
  const first = expectStatus(await auditor.get('/api/v1/audit?limit=20'), 200).json;
  assert.equal(first.items.length, 20);
  const paged = [];
  let cursor = null;
  for (let i = 0; i < 10; i++) {
    const r = expectStatus(await auditor.get('/api/v1/audit?limit=2' + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '')), 200).json;
    assert.equal(r.items.length, 2);
    paged.push(...r.items);
    cursor = r.next_cursor;
    assert.equal(typeof cursor, 'string', 'next_cursor while there is more');
  }
  assert.deepEqual(paged.map((r) => r.seq), first.items.map((r) => r.seq));
  const all = await listAll(auditor, '/api/v1/audit?limit=500');
  const seqs = all.map((r) => Number(r.seq));
  const asc = [...seqs].sort((a, b) => a - b);
  const desc = [...asc].reverse();
  assert.ok(JSON.stringify(seqs) === JSON.stringify(asc) || JSON.stringify(seqs) === JSON.stringify(desc), 'seq order');
  assert.equal(new Set(seqs).size, seqs.length, 'seq is unique');
});

test('only auditors and region admins read the audit', async () => {
  expectStatus(await admin.get('/api/v1/audit?limit=1'), 200);
  expectError(await shufu.get('/api/v1/audit?limit=1'), 403, 'forbidden');
  const parent = client(srv.url, await login(srv.url, 'parent'));
  expectError(await parent.get('/api/v1/audit'), 403, 'forbidden');
  expectError(await client(srv.url).get('/api/v1/audit'), 401, 'unauthenticated');
});

test('the audit is append-only over the API', async () => {
  const r1 = await admin.del('/api/v1/audit');
  assert.ok([403, 404, 405].includes(r1.status), `DELETE /api/v1/audit: ${r1.status}`);
  const r2 = await admin.post('/api/v1/audit', { actor: 'nobody' });
  assert.ok([403, 404, 405].includes(r2.status), `POST /api/v1/audit: ${r2.status}`);
});

test('huiju check exits 0 on the live database', async () => {
  const r = run(['check', '--db', srv.db]);
  assert.equal(r.status, 0, r.out);
});

test('huiju check finds a tampered audit row and names its seq (SQLite)', { skip: !IS_SQLITE && 'tampering is done with the sqlite3 CLI' }, async () => {
  assert.ok(patchSeq, 'the patch seq is known');
  await srv.stop(); // no writer while we tamper
  const sql = `DROP TRIGGER IF EXISTS audit_no_update; UPDATE audit SET after_json = '{"name_en":"forged"}' WHERE seq = ${patchSeq};`;
  const t = spawnSync('sqlite3', [srv.db, sql], { encoding: 'utf8' });
  assert.equal(t.status, 0, `sqlite3: ${t.stderr}`);
  const r = run(['check', '--db', srv.db]);
  assert.notEqual(r.status, 0, `check passed a tampered audit: ${r.out}`);
  assert.match(r.out, new RegExp(`\\b${patchSeq}\\b`), `check output does not name seq ${patchSeq}: ${r.out}`);
});
