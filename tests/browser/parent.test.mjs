// A parent on a phone (Debian's chromium through playwright-core, 375 px, zh-CN,
// JavaScript off): the parent finds an activity on /m, books it, cancels, books
// again; the school's liaison, in another browser context, checks the parent in
// from the activity's list; the parent then sees the booking as attended. The
// pages fit the phone's width.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { test, before, after, startServer, login, client, expectStatus, DEMO_PASSWORD } from '../http/lib.mjs';

const CHROMIUM = process.env.HUIJU_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const SCHOOL = '6531210001'; // 疏附县第一小学
const TITLE = '家长课堂：浏览器测试';

let srv, browser, activity;
before(async () => {
  srv = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  // an activity of the parent's school starting in half an hour: bookable and open for check-in
  const liaison = client(srv.url, await login(srv.url, 'liaison', DEMO_PASSWORD, { ip: '10.203.0.9' }));
  const now = Date.now();
  activity = expectStatus(await liaison.post('/api/v1/activities', {
    org: SCHOOL, kind: 'parent_class', title: TITLE, place: '学校多功能厅',
    starts_at: new Date(now + 30 * 60e3).toISOString(), ends_at: new Date(now + 150 * 60e3).toISOString(), capacity: 20,
  }), 201).json;
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

// A logged-in page of a new context without JavaScript, at a phone's width.
async function open(who, ip) {
  const ctx = await browser.newContext({
    locale: 'zh-CN',
    javaScriptEnabled: false,
    viewport: { width: 375, height: 740 },
    extraHTTPHeaders: { 'X-Forwarded-For': ip },
  });
  const pg = await ctx.newPage();
  await pg.goto(`${srv.url}/login`);
  await pg.fill('input[name="login"]', who);
  await pg.fill('input[name="password"]', DEMO_PASSWORD);
  await Promise.all([pg.waitForNavigation(), pg.locator('form:has(input[name="password"]) button').first().click()]);
  return { ctx, pg };
}

// Clicks the button of a form and waits for the page it leads to.
async function press(pg, selector) {
  const [res] = await Promise.all([pg.waitForNavigation(), pg.locator(selector).first().click()]);
  return res;
}

// Whether the page is no wider than the phone.
async function fits(pg) {
  const w = await pg.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 375, `page is ${w} px wide`);
}

test('a parent books on the phone, cancels, books again; the liaison checks them in; the parent sees attended', async () => {
  const parent = await open('parent', '10.203.0.1');
  const liaison = await open('liaison', '10.203.0.2');
  try {
    const { pg } = parent;
    // the phone home page lists the activity open for booking near the parent
    await pg.goto(`${srv.url}/m`);
    assert.equal(await pg.locator('html').getAttribute('lang'), 'zh-CN');
    await fits(pg);
    const link = pg.locator(`ul.m-list a[href="/m/activities/${activity.id}"]`).first();
    assert.equal(await link.count(), 1, 'the new activity is on /m');
    await Promise.all([pg.waitForNavigation(), link.click()]);
    assert.match(await pg.locator('h1').innerText(), /浏览器测试/);
    await fits(pg);

    // book
    let res = await press(pg, `form[action="/m/activities/${activity.id}/book"] button`);
    assert.equal(res.status(), 200);
    assert.match(pg.url(), /done=booked/);
    assert.equal(await pg.locator('.tag.bk-booked').count(), 1, 'booked');

    // my bookings, cancel there
    await pg.goto(`${srv.url}/m/bookings`);
    await fits(pg);
    const cancel = pg.locator(`li:has(a[href="/m/activities/${activity.id}"]) form[action$="/cancel"] button`);
    assert.equal(await cancel.count(), 1, 'a cancel button for the booking');
    res = await press(pg, `li:has(a[href="/m/activities/${activity.id}"]) form[action$="/cancel"] button`);
    assert.match(pg.url(), /done=cancelled/);
    assert.equal(await pg.locator('.tag.bk-booked').count(), 0, 'no longer booked');

    // book again from the activity page
    res = await press(pg, `form[action="/m/activities/${activity.id}/book"] button`);
    assert.match(pg.url(), /done=booked/);
    assert.equal(await pg.locator('.tag.bk-booked').count(), 1);
    assert.equal(await pg.locator('form[action="/m/checkin"] input[name="code"]').count(), 1, 'the code can be entered now');

    // the liaison checks the parent in from the activity's list
    const lp = liaison.pg;
    await lp.goto(`${srv.url}/activities/${activity.id}`);
    assert.equal(await lp.locator('html').getAttribute('lang'), 'zh-CN');
    await fits(lp);
    assert.ok((await lp.locator('.act-code b').innerText()).length === 6, 'the organiser sees the code');
    const row = lp.locator('tr:has-text("疏附县第一小学学生家长"):not(:has-text("（二）"))');
    assert.equal(await row.count(), 1, 'the parent is on the list');
    await Promise.all([lp.waitForNavigation(), row.locator('form[action$="/checkin"] button').click()]);
    assert.equal(await lp.locator('tr:has-text("疏附县第一小学学生家长"):not(:has-text("（二）")) .tag.bk-attended').count(), 1);

    // the parent sees it
    await pg.goto(`${srv.url}/m/activities/${activity.id}`);
    assert.equal(await pg.locator('.tag.bk-attended').count(), 1, 'attended');
    await pg.goto(`${srv.url}/m/bookings`);
    assert.equal(await pg.locator(`li:has(a[href="/m/activities/${activity.id}"]) .tag.bk-attended`).count(), 1);
    await fits(pg);
    // and the parent school's pages fit the phone too
    await pg.goto(`${srv.url}/m/courses`);
    await fits(pg);
  } finally {
    await parent.ctx.close();
    await liaison.ctx.close();
  }
});
