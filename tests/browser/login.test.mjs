// A real browser (Debian's chromium through playwright-core) logs in, walks the
// organisation tree, fits a phone screen, and works without JavaScript.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { test, before, after, startServer, DEMO_PASSWORD } from '../http/lib.mjs';

const CHROMIUM = process.env.HUIJU_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let srv, browser;
before(async () => {
  srv = await startServer();
  // launch() gives chromium a fresh, empty user-data dir of its own (removed on close)
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

// Logs in through the form and waits for the page after it.
async function formLogin(pg, who = 'admin') {
  await pg.goto(`${srv.url}/login`);
  await pg.fill('input[name="login"]', who);
  await pg.fill('input[name="password"]', DEMO_PASSWORD);
  await Promise.all([pg.waitForNavigation(), pg.locator('form:has(input[name="password"]) [type="submit"], form:has(input[name="password"]) button').first().click()]);
}

async function noHorizontalScroll(pg, what) {
  const { sw, cw } = await pg.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: window.innerWidth }));
  assert.ok(sw <= 375, `${what}: scrollWidth ${sw} > 375 (viewport ${cw})`);
}

test('log in, see the tree, drill down into 喀什地区', async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN', extraHTTPHeaders: { 'X-Forwarded-For': '10.200.0.1' } });
  try {
    const pg = await ctx.newPage();
    const errors = [];
    pg.on('pageerror', (e) => errors.push(e.message));
    await formLogin(pg);
    assert.ok(!new URL(pg.url()).pathname.startsWith('/login'), `still on ${pg.url()}`);
    const nav = pg.locator('nav');
    assert.ok((await nav.count()) > 0, 'the page has a <nav>');
    assert.ok((await nav.first().innerText()).includes('组织机构'), 'the navigation has 组织机构');
    await pg.goto(`${srv.url}/orgs`);
    const body = await pg.locator('body').innerText();
    assert.ok(body.includes('新疆维吾尔自治区'), 'the region');
    assert.ok(body.includes('喀什地区'), 'a prefecture');
    await Promise.all([pg.waitForNavigation(), pg.getByRole('link', { name: '喀什地区' }).first().click()]);
    assert.match(pg.url(), /\/orgs\/653100/);
    const k = await pg.locator('body').innerText();
    assert.ok(k.includes('疏附县') && k.includes('喀什市'), 'the counties of 喀什地区');
    assert.deepEqual(errors, [], 'no script errors');
    const lang = await pg.locator('html').getAttribute('lang');
    assert.equal(lang, 'zh-CN');
  } finally {
    await ctx.close();
  }
});

test('the pages fit a 375 px wide phone screen', async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, extraHTTPHeaders: { 'X-Forwarded-For': '10.200.0.2' } });
  try {
    const pg = await ctx.newPage();
    await pg.goto(`${srv.url}/login`);
    await noHorizontalScroll(pg, '/login');
    await formLogin(pg);
    await noHorizontalScroll(pg, 'home');
    for (const p of ['/orgs', '/orgs/653100', '/orgs/653121', '/users', '/audit']) {
      await pg.goto(srv.url + p);
      await noHorizontalScroll(pg, p);
    }
  } finally {
    await ctx.close();
  }
});

test('works with JavaScript disabled', async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN', javaScriptEnabled: false, extraHTTPHeaders: { 'X-Forwarded-For': '10.200.0.3' } });
  try {
    const pg = await ctx.newPage();
    await formLogin(pg, 'shufu');
    assert.ok(!new URL(pg.url()).pathname.startsWith('/login'), `still on ${pg.url()}`);
    assert.ok((await pg.locator('nav').first().innerText()).includes('组织机构'));
    await pg.goto(`${srv.url}/orgs/653121`);
    assert.ok((await pg.locator('body').innerText()).includes('疏附县'));
    // logging out is a plain form too
    const out = pg.locator('form[action="/logout"] [type="submit"], form[action="/logout"] button').first();
    assert.ok((await out.count()) > 0, 'a logout form');
    await Promise.all([pg.waitForNavigation(), out.click()]);
    await pg.goto(`${srv.url}/orgs`);
    assert.match(new URL(pg.url()).pathname, /^\/login/, 'after logout /orgs leads to /login');
  } finally {
    await ctx.close();
  }
});
