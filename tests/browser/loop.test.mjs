// The closed loop of needs and supply in a real browser (Debian's chromium through
// playwright-core), JavaScript off as on a plain phone: the school's liaison
// files a need, the county runs matching and accepts the proposal, the need is
// matched, the school's plan shows it with its supply, and the county builds a
// resource pack for the school that is listed at /packs.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { test, before, after, startServer, login, client, expectStatus, DEMO_PASSWORD } from '../http/lib.mjs';

const CHROMIUM = process.env.HUIJU_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const SCHOOL = '6531210001'; // 疏附县第一小学
const COUNTY = '653121'; // 疏附县
const HELPER = '6501020001'; // 乌鲁木齐市第一中学
const YEAR = new Date().getFullYear();
const MUSIC = '音乐';

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

// Clicks the submit button of form and waits for the page it leads to.
async function submit(pg, form) {
  const [res] = await Promise.all([pg.waitForNavigation(), form.locator('button[type="submit"], button:not([type])').last().click()]);
  return res;
}

// A music-teacher resource that can reach the school this year, with room for two
// (offered by the admin through the API when the demo has none).
async function ensureResource() {
  const admin = client(srv.url, await login(srv.url, 'admin', DEMO_PASSWORD, { ip: '10.202.0.9' }));
  const r = await admin.get(`/api/v1/resources?category=teachers&subject=${encodeURIComponent(MUSIC)}&reach=${SCHOOL}&available_on=${YEAR}-06-01&limit=500`);
  expectStatus(r, 200, 'list resources');
  const fit = (r.json.items || []).find((x) => x.active !== false && x.remaining >= 2);
  if (fit) return fit.id;
  const c = await admin.post('/api/v1/resources', {
    provider: HELPER,
    kind: 'teacher_secondment',
    category: 'teachers',
    subject: MUSIC,
    title: '音乐教师支教（闭环测试）',
    capacity: 2,
    unit: 'teachers',
    available_from: `${YEAR}-01-01`,
    available_to: `${YEAR}-12-31`,
    reach: ['653100'],
    attrs: { teachers: 2, months: 6 },
  });
  expectStatus(c, 201, 'create resource');
  return c.json.id;
}

test('the loop: need → matching → matched → plan → resource pack', async () => {
  await ensureResource();

  // 1. the school's liaison files the need
  let needId;
  {
    const { ctx, pg } = await open('liaison', '10.202.0.1');
    try {
      await pg.goto(`${srv.url}/needs/new?school=${SCHOOL}`);
      const form = pg.locator('form[action="/needs"][method="post"]');
      await form.locator('input[name="school"]').fill(SCHOOL);
      await form.locator('select[name="category"]').selectOption('teachers');
      await form.locator('input[name="subject"]').fill(MUSIC);
      await form.locator('input[name="quantity"]').fill('1');
      await form.locator('select[name="priority"]').selectOption('5');
      await form.locator('input[name="year"]').fill(String(YEAR));
      const res = await submit(pg, form);
      assert.equal(res.status(), 200, 'the need page after the redirect');
      const m = /^\/needs\/(\d+)$/.exec(new URL(pg.url()).pathname);
      assert.ok(m, `redirected to the need: ${pg.url()}`);
      needId = Number(m[1]);
      assert.match(await pg.locator('main, body').first().innerText(), new RegExp(MUSIC));
    } finally {
      await ctx.close();
    }
  }

  const { ctx, pg } = await open('shufu', '10.202.0.2');
  try {
    // 2. the county runs matching and accepts the proposal for that need
    await pg.goto(`${srv.url}/match?scope=${COUNTY}&year=${YEAR}`);
    let res = await submit(pg, pg.locator('form[action="/match"][method="post"]'));
    assert.equal(res.status(), 200, 'the run page');
    assert.match(pg.url(), /run=\d+/, 'redirected to the run');
    const card = pg.locator(`div.card:has(a[href="/needs/${needId}"])`);
    assert.equal(await card.count(), 1, 'a proposal for the new need');
    const accept = card.locator('form:has(input[name="action"][value="accept"])');
    assert.equal(await accept.count(), 1, 'an accept button');
    res = await submit(pg, accept);
    assert.equal(res.status(), 200, 'back on the run after accepting');
    assert.match(pg.url(), /done=decided/);

    // 3. the need is matched
    await pg.goto(`${srv.url}/needs/${needId}`);
    assert.match(await pg.locator('body').innerText(), /已匹配/, 'the need shows 已匹配');

    // 4. the school's plan shows the need with its supply
    res = await pg.goto(`${srv.url}/plans/${SCHOOL}/${YEAR}`);
    assert.equal(res.status(), 200);
    const needCard = pg.locator(`#need-${needId}`);
    assert.equal(await needCard.count(), 1, 'the need on the plan');
    const supply = needCard.locator('ul.supply li');
    assert.ok((await supply.count()) >= 1, 'its supply listed');
    assert.match(await needCard.innerText(), /已匹配/);

    // 5. the county builds a resource pack for the school
    await pg.goto(`${srv.url}/packs`);
    const start = pg.locator('form[action="/packs/new"]');
    assert.equal(await start.count(), 1, 'the way to build a pack from /packs');
    await start.locator('input[name="school"]').fill(SCHOOL);
    res = await submit(pg, start);
    assert.equal(res.status(), 200, 'the pack form');
    assert.equal(new URL(pg.url()).pathname, '/packs/new');
    const form = pg.locator('form[action="/packs"][method="post"]');
    const qty = form.locator(`input[name^="q_${needId}_"]`);
    assert.ok((await qty.count()) >= 1, 'resources offered for the need');
    // nothing asked: 422 with the form again
    res = await submit(pg, form);
    assert.equal(res.status(), 422, 'an empty pack is refused');
    assert.ok((await pg.locator('.notice, .error, [class*="notice"]').count()) >= 1, 'a message says why');
    const name = `闭环资源包 ${needId}`;
    await form.locator('input[name="name"]').fill(name);
    await form.locator(`input[name^="q_${needId}_"]`).first().fill('1');
    res = await submit(pg, form);
    assert.equal(res.status(), 200, 'the pack page after the redirect');
    const m = /^\/packs\/(\d+)$/.exec(new URL(pg.url()).pathname);
    assert.ok(m, `redirected to the pack: ${pg.url()}`);
    assert.match(await pg.locator('h1').innerText(), new RegExp(name));

    await pg.goto(`${srv.url}/packs?school=${SCHOOL}`);
    const row = pg.locator(`a[href="/packs/${m[1]}"]`);
    assert.equal(await row.count(), 1, 'the pack listed at /packs');
    assert.equal(await row.innerText(), name);
  } finally {
    await ctx.close();
  }
});
