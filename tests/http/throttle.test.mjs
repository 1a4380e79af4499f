// Login throttling: 5 failures for one login, or 20 from one address, within
// 15 minutes → 429 throttled, even with the right password.
import assert from 'node:assert/strict';
import { test, before, after, startServer, api, ip, expectError, expectStatus, DEMO_PASSWORD } from './lib.mjs';

let srv;
before(async () => {
  srv = await startServer();
});
after(async () => {
  await srv?.stop();
});

const attempt = (login, password, addr) => api(srv.url, 'POST', '/api/v1/session', { body: { login, password }, ip: addr });

test('5 failed attempts for one login → 429 throttled, even with the right password, from any address', async () => {
  // each failure from its own address, so that only the per-login counter grows
  for (let i = 0; i < 5; i++) {
    expectError(await attempt('volunteer', 'wrong-' + i, ip(10 + i)), 401, 'bad_credentials', `failure ${i + 1}`);
  }
  expectError(await attempt('volunteer', DEMO_PASSWORD, ip(20)), 429, 'throttled', 'right password after 5 failures');
  expectError(await attempt('volunteer', 'wrong-again', ip(21)), 429, 'throttled', 'wrong password after 5 failures');
  const r = await attempt('volunteer', DEMO_PASSWORD, ip(22));
  expectError(r, 429, 'throttled', 'right password from a new address');
  assert.ok(!r.json.token, 'no token while throttled');
});

test('per-login throttling leaves other logins alone', async () => {
  const r = await attempt('parent', DEMO_PASSWORD, ip(23));
  expectStatus(r, 200, 'another login from a fresh address');
  assert.ok(r.json.token);
});

test('20 failed attempts from one address → 429 for any login from that address', async () => {
  const addr = ip(100);
  // 20 different unknown logins: each one fails once, so no per-login limit is reached
  for (let i = 0; i < 20; i++) {
    expectError(await attempt(`ghost${i}`, 'wrong', addr), 401, 'bad_credentials', `failure ${i + 1} from ${addr}`);
  }
  expectError(await attempt('leader', DEMO_PASSWORD, addr), 429, 'throttled', 'right password from the throttled address');
  expectError(await attempt('liaison', DEMO_PASSWORD, addr), 429, 'throttled', 'another login from the throttled address');
  // the same logins from another address are fine
  const other = await attempt('leader', DEMO_PASSWORD, ip(101));
  expectStatus(other, 200, 'the same login from another address');
  assert.ok(other.json.token);
});

test('the address limit counts wrong passwords of real logins too', async () => {
  const addr = ip(150);
  const logins = ['admin', 'kashgar', 'shufu', 'hotan', 'auditor'];
  // 4 failures for each of 5 real logins = 20 from this address, none reaching 5 per login
  for (let round = 0; round < 4; round++) {
    for (const l of logins) expectError(await attempt(l, 'wrong-' + round, addr), 401, 'bad_credentials', `${l} round ${round}`);
  }
  expectError(await attempt('evaluator', DEMO_PASSWORD, addr), 429, 'throttled');
  // the real logins are not locked for other addresses (4 failures each < 5)
  expectStatus(await attempt('admin', DEMO_PASSWORD, ip(151)), 200, 'admin from another address');
});
