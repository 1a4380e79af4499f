// The dashboards and the school portrait in a real browser (Debian's chromium
// through playwright-core): real figures and statuses, charts drawn by ECharts
// from the tables, the tables still there without JavaScript, and a phone's
// width.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { test, before, after, startServer, DEMO_PASSWORD } from '../http/lib.mjs';

const CHROMIUM = process.env.HUIJU_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const SCHOOL = '6531210001'; // 疏附县第一小学

let srv, browser;
before(async () => {
  srv = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

// A logged-in page of a new context; problems collects script errors and CSP refusals.
async function open(who, opts = {}, ip = '10.201.0.1') {
  const ctx = await browser.newContext({ locale: 'zh-CN', extraHTTPHeaders: { 'X-Forwarded-For': ip }, ...opts });
  const pg = await ctx.newPage();
  const problems = [];
  pg.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  pg.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await pg.goto(`${srv.url}/login`);
  await pg.fill('input[name="login"]', who);
  await pg.fill('input[name="password"]', DEMO_PASSWORD);
  await Promise.all([pg.waitForNavigation(), pg.locator('form:has(input[name="password"]) button').first().click()]);
  return { ctx, pg, problems };
}

// Waits until ECharts has drawn at least n charts (charts.js marks each figure).
async function chartsDrawn(pg, n = 1) {
  await pg.waitForFunction((k) => document.querySelectorAll('figure.chart.drawn canvas').length >= k, n, { timeout: 15000 });
  return pg.locator('figure.chart.drawn canvas').count();
}

test('admin opens /dashboard: the region with statuses and figures', async () => {
  const { ctx, pg, problems } = await open('admin');
  try {
    await pg.goto(`${srv.url}/dashboard`);
    assert.match(await pg.locator('h1').innerText(), /新疆维吾尔自治区/);
    const stats = pg.locator('ul.stats[aria-label] li'); // the targets' status counts
    assert.equal(await stats.count(), 4, 'the four status counts');
    assert.match(await stats.first().innerText(), /\d+/, 'a count');
    const table = pg.locator('table#targets');
    assert.ok(await table.isVisible(), 'the targets table');
    const label = table.locator('.status').first();
    assert.ok((await label.innerText()).trim().length >= 2, 'a status label with text');
    assert.match(await table.innerText(), /\d+\.\d%/, 'a figure in percent');
    assert.ok((await chartsDrawn(pg, 2)) >= 2, 'charts drawn');
    // the lagging units link down to the prefectures
    const link = pg.locator('table#lag a[href^="/dashboard/65"]').first();
    assert.ok((await link.count()) > 0, 'a drill-down link');
    await Promise.all([pg.waitForNavigation(), link.click()]);
    assert.match(new URL(pg.url()).pathname, /^\/dashboard\/65\d{4}$/);
    assert.deepEqual(problems, [], 'no script errors or refused resources');
  } finally {
    await ctx.close();
  }
});

test('shufu: the county dashboard and a school portrait with charts and tables', async () => {
  const { ctx, pg, problems } = await open('shufu', {}, '10.201.0.2');
  try {
    await pg.goto(`${srv.url}/dashboard/653121`);
    assert.match(await pg.locator('h1').innerText(), /疏附县/);
    assert.ok((await chartsDrawn(pg, 1)) >= 1, 'a chart on the county dashboard');
    const school = pg.locator(`table#lag a[href="/orgs/${SCHOOL}/portrait"]`);
    assert.ok((await school.count()) > 0, 'the school in the ranking');
    await Promise.all([pg.waitForNavigation(), school.first().click()]);
    assert.equal(new URL(pg.url()).pathname, `/orgs/${SCHOOL}/portrait`);
    assert.match(await pg.locator('h1').innerText(), /疏附县第一小学/);
    const n = await chartsDrawn(pg, 4);
    assert.ok(n >= 4, `${n} charts drawn`);
    const box = await pg.locator('figure.chart.drawn .chart-box').first().boundingBox();
    assert.ok(box && box.width > 200 && box.height > 150, `the chart has a size: ${JSON.stringify(box)}`);
    const hist = pg.locator('table#hist-arts_teacher_gap');
    assert.ok(await hist.isVisible(), 'the history table beside the chart');
    assert.match(await hist.innerText(), /2024[\s\S]*\d+\.\d%/);
    assert.ok(await pg.locator('table#cmp-teachers').isVisible(), 'the comparison table');
    const cmp = await pg.locator('table#cmp-teachers').innerText();
    assert.ok(cmp.includes('疏附县') && cmp.includes('喀什地区'), 'the school beside its county and prefecture');
    assert.ok(await pg.locator('table#targets').isVisible(), 'the gaps against targets');
    assert.deepEqual(problems, [], 'no script errors or refused resources');
  } finally {
    await ctx.close();
  }
});

test('without JavaScript the tables are all there', async () => {
  const { ctx, pg } = await open('shufu', { javaScriptEnabled: false }, '10.201.0.3');
  try {
    await pg.goto(`${srv.url}/orgs/${SCHOOL}/portrait`);
    assert.equal(await pg.locator('canvas').count(), 0, 'no chart drawn');
    assert.equal(await pg.locator('.chart-box:visible').count(), 0, 'no empty chart boxes');
    for (const id of ['now-teachers', 'hist-arts_teacher_gap', 'cmp-teachers', 'targets']) {
      assert.ok(await pg.locator(`table#${id}`).isVisible(), `table ${id}`);
    }
    assert.match(await pg.locator('table#now-teachers').innerText(), /\d+\.\d%/);
    await pg.goto(`${srv.url}/dashboard/653121`);
    assert.ok(await pg.locator('table#targets').isVisible());
    assert.ok(await pg.locator('table#lag').isVisible());
    assert.match(await pg.locator('table#lag').innerText(), /疏附县第一小学|\d+\.\d%/);
  } finally {
    await ctx.close();
  }
});

test('the dashboard and the portrait fit a 375 px wide phone', async () => {
  const { ctx, pg } = await open('shufu', { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true }, '10.201.0.4');
  try {
    for (const p of ['/dashboard/653121', `/orgs/${SCHOOL}/portrait`]) {
      await pg.goto(srv.url + p);
      await chartsDrawn(pg, 1);
      const sw = await pg.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(sw <= 375, `${p}: scrollWidth ${sw} > 375`);
    }
  } finally {
    await ctx.close();
  }
});
