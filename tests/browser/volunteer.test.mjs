// A volunteer's day in a real browser (Debian's chromium through playwright-core) at
// a phone's width, in Chinese, JavaScript off: the demo volunteer of 疏附县 logs hours
// on /m/hours, the county's organiser verifies them on /service-hours from another
// browser context, and the volunteer sees the points on /m/points and redeems a
// reward there; every page fits 375 px.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { test, before, after, startServer, DEMO_PASSWORD } from '../http/lib.mjs';

const CHROMIUM = process.env.HUIJU_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const SCHOOL = '6531210001'; // 疏附县第一小学
const WHAT = '浏览器测试：课后阅读陪伴';

let srv, browser;
before(async () => {
  srv = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

// A logged-in page of a new context without JavaScript, at a phone's width.
async function open(who, addr) {
  const ctx = await browser.newContext({
    locale: 'zh-CN',
    javaScriptEnabled: false,
    viewport: { width: 375, height: 740 },
    extraHTTPHeaders: { 'X-Forwarded-For': addr },
  });
  const pg = await ctx.newPage();
  await pg.goto(`${srv.url}/login`);
  await pg.fill('input[name="login"]', who);
  await pg.fill('input[name="password"]', DEMO_PASSWORD);
  await Promise.all([pg.waitForNavigation(), pg.locator('form:has(input[name="password"]) button').first().click()]);
  return { ctx, pg };
}

async function fits(pg, what) {
  const sw = await pg.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= 375, `${what}: scrollWidth ${sw} > 375`);
}

// Submits the form holding `button` and waits for the page it leads to.
async function press(pg, button) {
  const [res] = await Promise.all([pg.waitForNavigation(), button.click()]);
  return res;
}

const balance = async (pg) => Number((await pg.locator('.m-balance').textContent()).trim());

test('log hours on the phone, the organiser verifies them, the points buy a reward', async () => {
  const vol = await open('volunteer', '10.203.0.1');
  const org = await open('shufu', '10.203.0.2');
  try {
    const v = vol.pg;
    // 1. the volunteer logs three hours at the school
    let res = await v.goto(`${srv.url}/m/hours`);
    assert.equal(res.status(), 200);
    assert.equal(await v.getAttribute('html', 'lang'), 'zh-CN');
    await fits(v, '/m/hours');
    const waitingBefore = await v.locator('.hours-logged').count();
    const form = v.locator('form[action="/m/hours"]');
    await form.locator('input[name="hours"]').fill('3');
    await form.locator('select[name="org"]').selectOption(SCHOOL);
    await form.locator('textarea[name="description"]').fill(WHAT);
    res = await press(v, form.locator('button'));
    assert.equal(res.status(), 200);
    assert.match(v.url(), /\/m\/hours\?logged=1$/);
    assert.equal(await v.locator('p.notice.ok').count(), 1, 'a notice says it was sent');
    assert.equal(await v.locator('.hours-logged').count(), waitingBefore + 1, 'one more entry awaits verification');
    await v.goto(`${srv.url}/m/points`);
    const before = await balance(v);
    assert.equal(before, 120, 'the demo volunteer starts with 120 points');

    // 2. the organiser of 疏附县 verifies them from another browser
    const o = org.pg;
    res = await o.goto(`${srv.url}/service-hours`);
    assert.equal(res.status(), 200);
    await fits(o, '/service-hours');
    const row = o.locator('tr', { hasText: WHAT });
    assert.equal(await row.count(), 1, 'the new hours are listed for verification');
    res = await press(o, row.locator('form[action$="/verify"] button'));
    assert.equal(res.status(), 200);
    assert.match(o.url(), /done=verified/);
    assert.equal(await o.locator('tr', { hasText: WHAT }).locator('form[action$="/verify"]').count(), 0, 'no longer awaiting');

    // 3. the volunteer sees the points and redeems the stationery pack (100 points)
    res = await v.goto(`${srv.url}/m/points`);
    assert.equal(res.status(), 200);
    await fits(v, '/m/points');
    assert.equal(await balance(v), before + 30, '3 h × 10 points');
    const item = v.locator('ul.m-rewards li', { hasText: '文具礼包' });
    assert.equal(await item.count(), 1, 'the reward is offered');
    res = await press(v, item.locator('button'));
    assert.equal(res.status(), 200);
    assert.match(v.url(), /\/m\/points\?redeemed=\d+$/);
    assert.equal(await v.locator('p.notice.ok').count(), 1);
    assert.equal(await balance(v), before + 30 - 100);
    const first = v.locator('table tbody tr').first();
    assert.match(await first.textContent(), /-100/, 'the ledger shows the redemption first');
    // the verified hours are on the hours page with their points
    await v.goto(`${srv.url}/m/hours`);
    assert.match(await v.locator('table tbody').textContent(), /\+30/);
  } finally {
    await vol.ctx.close();
    await org.ctx.close();
  }
});
