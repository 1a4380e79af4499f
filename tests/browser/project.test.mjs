// One project's whole life in a real browser (Debian's chromium through
// playwright-core), JavaScript off and 375 px wide as on a plain phone, every
// step through the pages: the county official shufu2 applies for a project of
// the county partner P0653121 for 疏附县第一小学; shufu approves it at the county
// level (its author cannot); shufu2 starts it, adds a milestone and reports with
// a PDF as evidence that downloads byte for byte; the prefecture's supervisor
// visits the school with a rectification order that the school answers and the
// supervisor closes; the three-level evaluation is filled and locked by the
// helping side, the school and an assigned third-party evaluator (who sees that
// project and no other); shufu funds it from a county fund with a software line,
// shufu2 records an expenditure that shufu approves and one above the line is
// refused; shufu2 completes it and shufu accepts it (验收).
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { test, before, after, startServer, DEMO_PASSWORD, ip } from '../http/lib.mjs';

const CHROMIUM = process.env.HUIJU_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const SCHOOL = '6531210001'; // 疏附县第一小学, a recipient school of 疏附县
const COUNTY = '653121'; // 疏附县
const PARTNER = 'P0653121'; // the county partner of 疏附县 (made by the project demo)
const YEAR = new Date().getFullYear();

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
async function open(who, n) {
  const ctx = await browser.newContext({
    locale: 'zh-CN',
    javaScriptEnabled: false,
    viewport: { width: 375, height: 740 },
    extraHTTPHeaders: { 'X-Forwarded-For': ip(n) },
  });
  ctx.setDefaultTimeout(10000);
  const pg = await ctx.newPage();
  await pg.goto(`${srv.url}/login`);
  await pg.fill('input[name="login"]', who);
  await pg.fill('input[name="password"]', DEMO_PASSWORD);
  await Promise.all([pg.waitForNavigation(), pg.locator('form:has(input[name="password"]) button').first().click()]);
  assert.notEqual(new URL(pg.url()).pathname, '/login', `${who} is logged in`);
  return { ctx, pg };
}

// Clicks a submit button of form (the last one, or the one matching `button`)
// and waits for the page it leads to; returns the response of that page.
async function submit(pg, form, button) {
  const b = button ? form.locator(button) : form.locator('button[type="submit"], button:not([type])').last();
  assert.equal(await b.count(), 1, `one button ${button || '(submit)'} in the form`);
  const [res] = await Promise.all([pg.waitForNavigation(), b.click()]);
  return res;
}

// Opens a page and checks that it answered 200.
async function go(pg, path, status = 200) {
  const res = await pg.goto(srv.url + path);
  assert.equal(res.status(), status, `GET ${path}`);
  return res;
}

// The text of a locator, whitespace squeezed.
async function text(loc) {
  return (await loc.innerText()).replace(/\s+/g, ' ');
}

// The project page's action form and its button for `action`.
const actions = (pg, id) => pg.locator(`form[action="/projects/${id}/transition"]`);
async function act(pg, id, action, comment) {
  const form = actions(pg, id);
  assert.equal(await form.count(), 1, `the actions form offers ${action}`);
  if (comment !== undefined) await form.locator('textarea[name="comment"]').fill(comment);
  const res = await submit(pg, form, `button[name="action"][value="${action}"]`);
  assert.equal(res.status(), 200, `${action}: the project page after the redirect`);
  assert.equal(new URL(pg.url()).pathname, `/projects/${id}`);
}

// The status the project page shows, from the class of its status tag.
async function statusOf(pg) {
  const tag = pg.locator('main p > span.tag[class*="project-"]:not(.project-lagging), p > span.tag[class*="project-"]:not(.project-lagging)').first();
  const cls = (await tag.getAttribute('class')) || '';
  const m = /\bproject-([a-z_]+)\b/.exec(cls);
  return { status: m && m[1], label: (await tag.innerText()).trim() };
}

// A minimal valid one-page PDF with a correct cross-reference table.
function tinyPdf(label) {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    null, // the content stream, below
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const stream = `BT /F1 12 Tf 20 50 Td (${label}) Tj ET`;
  objs[3] = `<< /Length ${Buffer.byteLength(stream)} >>\nstream\n${stream}\nendstream`;
  let out = '%PDF-1.4\n';
  const offsets = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

test('a project from application to acceptance, with its evaluation and funds', async (t) => {
  const t0 = Date.now();
  const title = `家长学校共育（全流程测试 ${process.pid}）`;
  let id;

  // ---- 1. shufu2 applies for the partner's project and submits it
  const a = await open('shufu2', 11);
  try {
    const { pg } = a;
    await go(pg, '/projects/new');
    const form = pg.locator('form[action="/projects"][method="post"]');
    assert.equal(await form.count(), 1, 'the application form');
    await form.locator('input[name="title"]').fill(title);
    await form.locator('select[name="kind"]').selectOption('parent_education');
    await form.locator('select[name="lead"]').selectOption(PARTNER);
    const box = form.locator(`input[name="recipients"][value="${SCHOOL}"]`);
    if (await box.count()) await box.check();
    else await form.locator('input[name="recipient_codes"]').fill(SCHOOL);
    await form.locator('input[name="start_date"]').fill(`${YEAR}-01-01`);
    await form.locator('input[name="end_date"]').fill(`${YEAR}-12-31`);
    await form.locator('input[name="budget"]').fill('30,000'); // a county project under 500,000: the county decides alone
    await form.locator('textarea[name="summary"]').fill('每月一次家长课堂，覆盖全校家长。');
    let res = await submit(pg, form);
    assert.equal(res.status(), 200, 'the project page after saving the draft');
    const m = /^\/projects\/(\d+)$/.exec(new URL(pg.url()).pathname);
    assert.ok(m, `redirected to the project: ${pg.url()}`);
    id = Number(m[1]);
    assert.equal((await statusOf(pg)).status, 'draft');
    const facts = await text(pg.locator('dl.facts').first());
    assert.match(facts, new RegExp(PARTNER), 'the lead is the partner');
    assert.match(facts, new RegExp(`(^|\\s)${COUNTY} \\(`), 'the scope is the county');
    assert.match(facts, /30,000\.00/, 'the budget in yuan');
    assert.equal(await pg.locator(`dl.facts a[href="/orgs/${SCHOOL}"]`).count(), 1, 'the recipient school');

    await act(pg, id, 'submit');
    assert.equal((await statusOf(pg)).status, 'submitted');
    // the chain is the county alone, awaiting its decision
    const chain = pg.locator('section.project-chain tbody tr');
    assert.equal(await chain.count(), 1, 'one level: the county');
    assert.equal(await chain.first().locator('.status.ms-upcoming').count(), 1, 'the county level awaits a decision');
    // its author may not approve it
    assert.equal(await pg.locator('button[name="action"][value="approve"]').count(), 0, 'no approve button for the author');
    assert.equal(await pg.locator('button[name="action"][value="reject"]').count(), 0, 'no return button for the author');
  } finally {
    await a.ctx.close();
  }

  // ---- 2. shufu approves it at the county level
  const shufu = await open('shufu', 12);
  const { pg: sp } = shufu;
  try {
    await go(sp, `/projects/${id}`);
    const comment = '同意立项，注意家长参与率。';
    await act(sp, id, 'approve', comment);
    assert.equal((await statusOf(sp)).status, 'approved');
    const row = sp.locator('section.project-chain tbody tr').first();
    assert.equal(await row.locator('.status.ms-done').count(), 1, 'the county level approved');
    const rowText = await text(row);
    assert.match(rowText, /\bshufu\b/, 'the decider');
    assert.match(rowText, new RegExp(comment), 'the comment');
  } catch (e) {
    await shufu.ctx.close();
    throw e;
  }

  const s2 = await open('shufu2', 13);
  const { pg: p2 } = s2;
  try {
    // ---- 3. shufu2 starts it, adds a milestone and reports with a PDF
    await go(p2, `/projects/${id}`);
    await act(p2, id, 'start');
    assert.equal((await statusOf(p2)).status, 'in_progress');

    const quarter = `${YEAR}Q4`;
    const msTitle = '第一期家长课堂完成';
    const msForm = p2.locator(`form[action="/projects/${id}/milestones"]`);
    assert.equal(await msForm.count(), 1, 'the milestone form');
    await p2.locator('details:has(#add-milestone) > summary').click(); // it sits folded
    await msForm.locator('input[name="quarter"]').fill(quarter);
    await msForm.locator('input[name="title"]').fill(msTitle);
    let res = await submit(p2, msForm);
    assert.equal(res.status(), 200);
    const msRow = p2.locator('#sec-progress tr[id^="milestone-"]', { hasText: msTitle });
    assert.equal(await msRow.count(), 1, 'the milestone listed');
    assert.match(await text(msRow), new RegExp(`${quarter}.*${YEAR}-12-31`), 'its quarter and due date (the quarter\'s last day)');

    const pdf = tinyPdf('huiju evidence');
    const repForm = p2.locator(`form[action="/projects/${id}/reports/files"]`);
    assert.equal(await repForm.count(), 1, 'the report form');
    assert.equal(await repForm.getAttribute('enctype'), 'multipart/form-data');
    const body = '第一次家长课堂已举办，家长到场踊跃。';
    await repForm.locator('textarea[name="body"]').fill(body);
    await repForm.locator('textarea[name="figures"]').fill('家长人次: 120\n课时: 2');
    await repForm.locator('input[name="percent_done"]').fill('40');
    await repForm.locator('select[name="milestone_id"]').selectOption({ label: `${quarter} · ${msTitle}` });
    await repForm.locator('input[type="file"][name="file"]').setInputFiles({ name: '签到表.pdf', mimeType: 'application/pdf', buffer: pdf });
    res = await submit(p2, repForm);
    assert.equal(res.status(), 200, 'the project page after the report');
    assert.match(new URL(p2.url()).hash, /^#report-\d+$/, 'back at the report');
    const report = p2.locator(new URL(p2.url()).hash);
    assert.equal(await report.count(), 1, 'the report listed');
    const repText = await text(report);
    assert.match(repText, new RegExp(body));
    assert.match(repText, /40 %/);
    assert.match(repText, new RegExp(msTitle), 'the report names its milestone');
    assert.match(repText, /120/, 'its figures');
    assert.match(await text(p2.locator('#sec-progress > p').first()), /40 %/, 'the project is 40 % done');
    const link = report.locator(`ul.files a[href^="/projects/${id}/files/"]`);
    assert.equal(await link.count(), 1, 'the evidence file listed');
    assert.equal((await link.innerText()).trim(), '签到表.pdf');
    const dl = await p2.request.get(srv.url + (await link.getAttribute('href')));
    assert.equal(dl.status(), 200, 'the download answers');
    assert.match(dl.headers()['content-type'] || '', /application\/pdf/);
    assert.match(dl.headers()['content-disposition'] || '', /attachment/);
    assert.ok(Buffer.from(await dl.body()).equals(pdf), 'the same bytes come back');

    // ---- 4. the supervisor visits the school about the project with an order
    let visitId, orderId;
    const sup = await open('supervisor', 14);
    try {
      const { pg } = sup;
      await go(pg, `/projects/${id}`);
      const start = pg.locator(`#supervision a[href="/supervisions/new?project=${id}"]`);
      assert.equal(await start.count(), 1, 'the supervisor may record a visit about the project');
      await Promise.all([pg.waitForNavigation(), start.click()]);
      const form = pg.locator('form[action="/supervisions"][method="post"]');
      assert.equal(await form.locator('input[name="org"]').inputValue(), SCHOOL, 'the visit is to the recipient school');
      assert.equal(await form.locator('input[name="project"]').inputValue(), String(id));
      await form.locator('select[name="rating"]').selectOption({ index: 1 });
      await form.locator('textarea[name="findings"]').fill('家长课堂记录不完整。');
      const demand = '补齐每次家长课堂的签到与照片。';
      await form.locator('textarea[name="demand_1"]').fill(demand);
      await form.locator('input[name="deadline_1"]').fill(`${YEAR + 1}-01-31`);
      res = await submit(pg, form);
      assert.equal(res.status(), 200, 'the visit page after the redirect');
      const m = /^\/supervisions\/(\d+)$/.exec(new URL(pg.url()).pathname);
      assert.ok(m, `redirected to the visit: ${pg.url()}`);
      visitId = Number(m[1]);
      assert.equal(await pg.locator(`dl.facts a[href="/projects/${id}"]`).count(), 1, 'the visit names the project');
      const order = pg.locator('article[id^="order-"]');
      assert.equal(await order.count(), 1, 'one order');
      orderId = Number((await order.getAttribute('id')).slice('order-'.length));
      assert.match(await text(order), new RegExp(demand));
      assert.equal(await order.locator('.tag.rect-open').count(), 1, 'the order is open');
    } finally {
      await sup.ctx.close();
    }
    const leader = await open('leader', 15);
    try {
      const { pg } = leader;
      await go(pg, `/supervisions/${visitId}`);
      const form = pg.locator(`form[action="/rectifications/${orderId}/answer"]`);
      assert.equal(await form.count(), 1, 'the school may answer');
      await form.locator('textarea[name="response"]').fill('已补齐签到表和照片，建立台账。');
      res = await submit(pg, form);
      assert.equal(res.status(), 200);
      const order = pg.locator(`#order-${orderId}`);
      assert.equal(await order.locator('.tag.rect-answered').count(), 1, 'the order is answered');
      assert.match(await text(order), /建立台账/);
    } finally {
      await leader.ctx.close();
    }
    {
      const again = await open('supervisor', 16);
      try {
        const { pg } = again;
        await go(pg, `/projects/${id}`);
        assert.match(await text(pg.locator('#supervision')), new RegExp(`#${orderId}`), 'the answered order is still listed on the project');
        await go(pg, `/supervisions/${visitId}`);
        res = await submit(pg, pg.locator(`form[action="/rectifications/${orderId}/close"]`));
        assert.equal(res.status(), 200);
        const order = pg.locator(`#order-${orderId}`);
        assert.equal(await order.locator('.tag.rect-closed').count(), 1, 'the order is closed');
        assert.match(await text(order), /supervisor/, 'closed by the supervisor');
      } finally {
        await again.ctx.close();
      }
    }
    await go(p2, `/projects/${id}`);
    const supSec = p2.locator('#supervision');
    assert.equal(await supSec.locator(`a[href="/supervisions/${visitId}"]`).count(), 1, 'the project lists the visit');
    assert.equal(await supSec.locator(`a[href="/supervisions/${visitId}#order-${orderId}"]`).count(), 0, 'a closed order is no longer listed as open');

    // ---- 5. the three-level evaluation
    let period;
    {
      await go(sp, `/projects/${id}`);
      const form = sp.locator(`form[action="/projects/${id}/evaluators"]:has(select[name="login"])`);
      assert.equal(await form.count(), 1, 'shufu may assign an evaluator');
      await form.locator('select[name="login"]').selectOption('evaluator');
      period = await form.locator('input[name="period"]').inputValue();
      assert.match(period, new RegExp(`^${YEAR}(H[12])?$`), 'the current period is offered');
      res = await submit(sp, form);
      assert.equal(res.status(), 200);
      assert.match(await text(sp.locator('#evaluation')), new RegExp(`${period} · evaluator`), 'the evaluator is assigned');
    }
    // one party fills every criterion with `score` and locks; returns the evaluation's id
    async function evaluate(pg, party, score) {
      await go(pg, `/projects/${id}`);
      const start = pg.locator(`#evaluation form[action="/evaluations"]:has(input[name="party"][value="${party}"]):has(input[name="period"][value="${period}"])`);
      assert.equal(await start.count(), 1, `${party}: the start button on the project page`);
      res = await submit(pg, start);
      assert.equal(res.status(), 200);
      const m = /^\/evaluations\/(\d+)$/.exec(new URL(pg.url()).pathname);
      assert.ok(m, `${party}: redirected to the evaluation: ${pg.url()}`);
      const eid = Number(m[1]);
      const form = pg.locator(`form[action="/evaluations/${eid}"]`);
      const scores = form.locator('input[name^="score_"]');
      const n = await scores.count();
      assert.ok(n >= 2, `${party}: the rubric's criteria`);
      for (let i = 0; i < n; i++) await scores.nth(i).fill(String(score));
      await form.locator('textarea[name="comment"]').fill(`${party} 评价`);
      res = await submit(pg, form, `button[formaction="/evaluations/${eid}/lock"]`);
      assert.equal(res.status(), 200, `${party}: locked`);
      assert.equal(new URL(pg.url()).pathname, `/evaluations/${eid}`);
      assert.equal(await pg.locator('.tag.eval-locked').count(), 1, `${party}: shows locked`);
      assert.equal(await pg.locator(`form[action="/evaluations/${eid}"]`).count(), 0, `${party}: no form once locked`);
      assert.match(await text(pg.locator('dl.facts')), new RegExp(`${score}\\.0`), `${party}: its total`);
      return eid;
    }
    const selfId = await evaluate(p2, 'self', 80);
    const leader2 = await open('leader', 17);
    try {
      await evaluate(leader2.pg, 'feedback', 90);
    } finally {
      await leader2.ctx.close();
    }
    const ev = await open('evaluator', 18);
    let assigned = [];
    try {
      const { pg } = ev;
      await go(pg, '/evaluations');
      const mine = pg.locator('section.card', { has: pg.locator(`a[href="/projects/${id}"]`) });
      assert.equal(await mine.count(), 1, "the evaluator's assignments list the project");
      assert.match(await text(mine), new RegExp(period));
      await evaluate(pg, 'third_party', 70);
      await go(pg, '/evaluations');
      assert.equal(await pg.locator(`section.card a[href="/projects/${id}"]`).count(), 1, 'still listed after the assessment');
      assert.ok((await pg.locator('section.card .tag.eval-locked').count()) >= 1, 'with its locked assessment');
      assigned = await hrefIds(pg.locator('section.card a[href^="/projects/"]'));
      await go(pg, `/projects/${id}`); // the assigned project is in sight
    } catch (e) {
      await ev.ctx.close();
      throw e;
    }
    // the combined score by the rubric's weights
    const evj = await p2.request.get(`${srv.url}/api/v1/evaluations/${selfId}`);
    assert.equal(evj.status(), 200);
    const rid = (await evj.json()).rubric.id;
    const rb = await p2.request.get(`${srv.url}/api/v1/rubrics/${rid}`);
    assert.equal(rb.status(), 200);
    const w = await rb.json();
    const combined = (w.w_self * 80 + w.w_feedback * 90 + w.w_third * 70).toFixed(1);
    await go(p2, `/projects/${id}`);
    const evRow = p2.locator('#evaluation tbody tr', { hasText: period });
    assert.equal(await evRow.count(), 1, 'the period on the project page');
    assert.equal(await evRow.locator('.tag.eval-locked').count(), 3, 'three locked evaluations');
    assert.equal((await evRow.locator('td').last().innerText()).trim(), combined, `the combined score ${combined}`);
    {
      // the evaluator sees this project and no other
      const { pg } = ev;
      try {
        const otherId = await otherProject(sp, [id, ...assigned]);
        await go(pg, `/projects/${otherId}`, 404);
      } finally {
        await ev.ctx.close();
      }
    }

    // ---- 6. funds: a county fund, a software line, an expenditure approved by another official
    let fundId, lineId;
    {
      await go(sp, '/funds/new');
      const form = sp.locator('form[action="/funds"][method="post"]');
      await form.locator('select[name="source"]').selectOption('government');
      await form.locator('input[name="name"]').fill(`疏附县家校共育专项 ${process.pid}`);
      assert.equal(await form.locator('input[name="owner"]').inputValue(), COUNTY, 'the fund is the county\'s');
      await form.locator('input[name="year"]').fill(String(YEAR));
      await form.locator('input[name="amount"]').fill('100,000');
      res = await submit(sp, form);
      assert.equal(res.status(), 200, 'the fund page');
      const m = /^\/funds\/(\d+)$/.exec(new URL(sp.url()).pathname);
      assert.ok(m, `redirected to the fund: ${sp.url()}`);
      fundId = Number(m[1]);
      const line = sp.locator(`form[action="/funds/${fundId}/lines"]`);
      await line.locator('select[name="project"]').selectOption(String(id));
      await line.locator('select[name="category"]').selectOption('software');
      await line.locator('input[name="amount"]').fill('20,000');
      await line.locator('input[name="note"]').fill('家长课堂课程开发');
      res = await submit(sp, line);
      assert.equal(res.status(), 200);
      const row = sp.locator('tr', { has: sp.locator(`a[href="/projects/${id}"]`) });
      assert.equal(await row.count(), 1, 'the line on the fund page');
      lineId = Number(/#(\d+)/.exec(await row.locator('td').first().innerText())[1]);
      assert.match(await text(row), /20,000\.00/);
    }
    {
      await go(p2, `/projects/${id}`);
      const form = p2.locator('#funds form[action="/expenditures"]');
      assert.equal(await form.count(), 1, 'shufu2 may record an expenditure from the project page');
      await form.locator('select[name="line"]').selectOption(String(lineId));
      await form.locator('input[name="amount"]').fill('8,000');
      await form.locator('input[name="payee"]').fill('疏附县教师发展中心');
      await form.locator('input[name="voucher"]').fill(`V-${id}-1`);
      res = await submit(p2, form);
      assert.equal(res.status(), 200, 'back on the project page');
      assert.equal(new URL(p2.url()).pathname, `/projects/${id}`);
      const exp = p2.locator('#funds tr[id^="e"]');
      assert.equal(await exp.count(), 1, 'the expenditure listed');
      assert.equal(await exp.locator('.tag.exp-pending').count(), 1, 'pending');
      assert.equal(await exp.locator('form[action$="/approve"]').count(), 0, 'its recorder may not approve it');
    }
    {
      await go(sp, `/projects/${id}`);
      const exp = sp.locator('#funds tr[id^="e"]');
      const approve = exp.locator('form[action$="/approve"]');
      assert.equal(await approve.count(), 1, 'shufu may approve it');
      res = await submit(sp, approve);
      assert.equal(res.status(), 200);
      assert.equal(new URL(sp.url()).pathname, `/projects/${id}`, 'back on the project page');
      assert.equal(await sp.locator('#funds tr[id^="e"] .tag.exp-approved').count(), 1, 'approved');
      assert.match(await text(sp.locator('#funds tr[id^="e"]')), /1: shufu/, 'by shufu');
      const total = sp.locator('#funds table').first().locator('tbody tr').last();
      const cells = await total.locator('td[data-n]').allInnerTexts();
      assert.deepEqual(cells.map((c) => c.trim()), ['20,000.00', '8,000.00', '12,000.00'], 'budget, spent and left');
    }
    {
      // above what is left on the line: refused, the page says why
      await go(p2, `/projects/${id}`);
      const form = p2.locator('#funds form[action="/expenditures"]');
      await form.locator('select[name="line"]').selectOption(String(lineId));
      await form.locator('input[name="amount"]').fill('12,000.01');
      await form.locator('input[name="payee"]').fill('疏附县教师发展中心');
      await form.locator('input[name="voucher"]').fill(`V-${id}-2`);
      res = await submit(p2, form);
      assert.equal(res.status(), 409, 'an expenditure above the line is refused');
      const notice = await text(p2.locator('.notice').first());
      assert.match(notice, /12,000\.00/, `the notice names what is left: ${notice}`);
      const kept = p2.locator('form[action="/expenditures"] input[name="amount"]');
      assert.equal(await kept.inputValue(), '12,000.01', 'the amount typed is kept');
      await go(p2, `/projects/${id}`);
      assert.equal(await p2.locator('#funds tr[id^="e"]').count(), 1, 'nothing was recorded');
    }

    // ---- 7. shufu2 completes it, shufu accepts it
    await go(p2, `/projects/${id}`);
    await act(p2, id, 'complete');
    assert.equal((await statusOf(p2)).status, 'completed');
    assert.equal(await p2.locator('button[name="action"][value="accept"]').count(), 0, 'its author may not accept it');
    await go(sp, `/projects/${id}`);
    const opinion = '验收通过：家长参与率达标。';
    await act(sp, id, 'accept', opinion);
    const st = await statusOf(sp);
    assert.equal(st.status, 'accepted');
    // the label: 已验收 once translated (today the catalogue gives the msgid "Accepted" the
    // 已采纳 of the matching pages), or the English label
    assert.match(st.label, /验收|Accepted|已采纳/, `the label: ${st.label}`);
    assert.match(await text(sp.locator('section.project-chain')), new RegExp(opinion), 'the acceptance opinion');
    assert.equal(await actions(sp, id).count(), 0, 'nothing more to do');
    assert.equal(await sp.locator('#funds form[action="/expenditures"]').count(), 0, 'no more expenditures on an accepted project');
  } finally {
    await s2.ctx.close();
    await shufu.ctx.close();
  }
  t.diagnostic(`the walk took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
});

// The project ids of the links of loc (/projects/{id}).
async function hrefIds(loc) {
  const ids = [];
  for (let i = 0; i < (await loc.count()); i++) {
    const m = /^\/projects\/(\d+)$/.exec((await loc.nth(i).getAttribute('href')) || '');
    if (m) ids.push(Number(m[1]));
  }
  return ids;
}

// A project that the /projects list of pg's user shows, none of `not`.
async function otherProject(pg, not) {
  await go(pg, '/projects');
  const other = (await hrefIds(pg.locator('table a[href^="/projects/"]'))).find((n) => !not.includes(n));
  assert.ok(other, 'another project in the county, not assigned to the evaluator');
  return other;
}
