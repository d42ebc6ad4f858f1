// Browser tests of the web UI: playwright-core drives Debian's Chromium against a running server
// with demo data (BASE_URL). Prints "ok - name" / "not ok - name" per case and a closing
// "N passed, N failed" line; exits 1 when any case failed. Screenshots go to /tmp/e2e-*.png.
import { chromium } from 'playwright-core';
import { readFile } from 'node:fs/promises';

const BASE = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const EMAIL = process.env.E2E_EMAIL || 'demo@advocate.local';
const PASSWORD = process.env.E2E_PASSWORD || 'demo-password';
const WS = process.env.E2E_WORKSPACE || 'demo';
const SHOTS = process.env.E2E_SHOTS || '/tmp';
const STEP_TIMEOUT = 15000;

const stamp = Date.now().toString(36);
const companyName = `E2E Тестовая компания ${stamp}`;
let accountId = null;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
});
// A Russian-preferring browser: the UI must start in Russian.
const context = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1366, height: 850 } });
context.setDefaultTimeout(STEP_TIMEOUT);
const page = await context.newPage();
const problems = [];
const watch = (p) => {
  p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  p.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
};
watch(page);

/**
 * Opens a phone-sized window (375×740, touch) signed in as the main context, watched for script
 * errors like the main page. The caller closes `phone`.
 */
async function openPhone() {
  const phone = await browser.newContext({
    locale: 'ru-RU',
    viewport: { width: 375, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    storageState: await context.storageState(),
  });
  phone.setDefaultTimeout(STEP_TIMEOUT);
  const p = await phone.newPage();
  watch(p);
  return { phone, p };
}
/** How many pixels the page is wider than its window (0 when it fits). */
const horizontalOverflow = (p) => p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

const results = [];
let loggedIn = false;
async function test(name, fn, { needsLogin = true } = {}) {
  try {
    if (needsLogin && !loggedIn) throw new Error('skipped: logging in failed');
    await fn();
    results.push(true);
    console.log(`ok - ${name}`);
  } catch (e) {
    results.push(false);
    console.log(`not ok - ${name}`);
    console.log(`  # ${String((e && e.stack) || e).split('\n').slice(0, 4).join('\n  # ')}`);
    if (String(e).includes('skipped:')) return;
    await page.screenshot({ path: `${SHOTS}/e2e-failure-${results.length}.png`, fullPage: true }).catch(() => undefined);
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}
const heading = (p = page) => p.locator('main h1').first();
async function waitText(locator, re) {
  await locator.filter({ hasText: re }).first().waitFor();
}

/** An API call from inside the page (same cookie session), with the session's CSRF token. */
async function pageApi(method, path, body, ifMatch) {
  return page.evaluate(
    async ({ method, path, body, ifMatch }) => {
      const me = await (await fetch('/api/v1/me')).json();
      const headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token };
      if (ifMatch !== undefined) headers['If-Match'] = `"${ifMatch}"`;
      const r = await fetch(`/api/v1${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : null };
    },
    { method, path, body, ifMatch },
  );
}

await test('log in', async () => {
  await page.goto(`${BASE}/`);
  await page.waitForURL(/#\/login$/);
  assert((await page.locator('h2').first().textContent()) === 'Вход', 'login page is in Russian for a Russian browser');
  await page.fill('input[name=email]', EMAIL);
  await page.fill('input[name=password]', 'wrong-password');
  await page.click('button[type=submit]');
  await page.locator('.alert-error').waitFor();
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(new RegExp(`#/w/${WS}/accounts`));
  await waitText(heading(), /Компании-потребители/);
  await page.locator('table.accounts-table tbody tr, .empty').first().waitFor();
  loggedIn = true;
  await page.screenshot({ path: `${SHOTS}/e2e-list.png`, fullPage: false });
}, { needsLogin: false });

await test('create a company', async () => {
  await page.click(`a[href="#/w/${WS}/accounts/new"]`);
  await page.waitForURL(/accounts\/new$/);
  await page.fill('input[name=name]', companyName);
  await page.fill('input[name=inn]', '7707083893');
  await page.selectOption('select[name=status]', 'active');
  await page.click('button[type=submit]');
  await page.waitForURL(/accounts\/\d+$/);
  accountId = Number(/accounts\/(\d+)$/.exec(page.url())[1]);
  await waitText(heading(), companyName);
  await waitText(page.locator('.prop[data-field=inn] dd'), /7707083893/);
  await waitText(page.locator('.card-title .badge'), /активный/);
});

await test('edit it (city) and save', async () => {
  assert(accountId, 'the company was created');
  await page.click('a[data-tab=about]');
  await page.waitForURL(/\/about$/);
  await page.click('button:has-text("Редактировать")');
  await page.fill('input[name=city]', 'Казань');
  await page.click('.save-bar button.btn-primary');
  await waitText(page.locator('.prop[data-field=city] dd'), /^Казань$/);
  const r = await pageApi('GET', `/workspaces/${WS}/accounts/${accountId}`);
  assert(r.status === 200 && r.body.city === 'Казань', `server has the city (got ${JSON.stringify(r.body && r.body.city)})`);
  await page.click('a[data-tab=general]');
  await page.locator('.prop[data-field=name]').waitFor();
  await page.screenshot({ path: `${SHOTS}/e2e-card.png`, fullPage: true });
  await page.click('a[data-tab=history]');
  await page.locator('.timeline .event').first().waitFor();
  await page.screenshot({ path: `${SHOTS}/e2e-history.png`, fullPage: true });
});

await test('find it in the list by search', async () => {
  await page.click('a.back');
  await page.waitForURL(new RegExp(`#/w/${WS}/accounts(\\?.*)?$`));
  await page.fill('#account-search', stamp);
  await page.waitForURL(new RegExp(`q=${stamp}`));
  // The previous page stays on screen until the filtered one arrives: wait for the new rows.
  await page.waitForFunction(() => document.querySelectorAll('table.accounts-table tbody tr').length === 1);
  const link = page.locator(`table.accounts-table a[href="#/w/${WS}/accounts/${accountId}"]`);
  await link.waitFor();
  assert((await link.textContent()) === companyName, 'the found row is the company');
  assert((await page.locator('table.accounts-table tbody tr').count()) === 1, 'exactly one row matches');
});

await test('conflict when someone else saved first', async () => {
  await page.goto(`${BASE}/#/w/${WS}/accounts/${accountId}`);
  await waitText(heading(), companyName);
  await page.click('button:has-text("Редактировать")');
  await page.fill('input[name=segment]', 'Мой сегмент');
  const cur = await pageApi('GET', `/workspaces/${WS}/accounts/${accountId}`);
  const behind = await pageApi('PATCH', `/workspaces/${WS}/accounts/${accountId}`, { segment: 'Их сегмент' }, cur.body.version);
  assert(behind.status === 200, `PATCH behind the card's back answered ${behind.status}`);
  await page.click('.save-bar button.btn-primary');
  const banner = page.locator('.conflict');
  await banner.waitFor();
  assert(/Кто-то другой сохранил/.test(await banner.textContent()), 'the conflict message is shown');
  assert(/Их сегмент/.test(await banner.textContent()), 'their value is shown');
  assert((await page.inputValue('input[name=segment]')) === 'Мой сегмент', 'the unsaved edit stays in the form');
  await page.screenshot({ path: `${SHOTS}/e2e-conflict.png`, fullPage: true });
  // Keep mine on top of their version, then save again: it goes through.
  await banner.locator('button.btn-primary').click();
  await page.click('.save-bar button.btn-primary');
  await waitText(page.locator('.prop[data-field=segment] dd'), /^Мой сегмент$/);
});

const competitorName = `E2E Конкурент ${stamp}`;
await test('add a competitor to the catalogue', async () => {
  await page.click(`a[href="#/w/${WS}/competitors"]`);
  await waitText(heading(), /^Конкуренты$/);
  await page.click('.page-head button.btn-primary');
  await page.fill('form.panel input[name=name]', competitorName);
  await page.fill('form.panel input[name=website]', 'example.com');
  await page.click('form.panel button[type=submit]');
  await waitText(page.locator('.cards .card-name'), competitorName);
});

await test('suppliers tab: add us and a competitor, share over 100% refused', async () => {
  await page.goto(`${BASE}/#/w/${WS}/accounts/${accountId}/suppliers`);
  await page.locator('.suppliers h2').waitFor();
  await page.click('.suppliers .section-head button');
  await page.selectOption('select[name=competitor_id]', 'us');
  await page.fill('input[name=share_pct]', '60');
  await page.click('.suppliers form button[type=submit]');
  await page.locator('.share-bar .share-seg').first().waitFor();
  await page.click('.suppliers .section-head button');
  await page.selectOption('select[name=competitor_id]', { label: competitorName });
  await page.fill('input[name=share_pct]', '30');
  await page.click('.suppliers form button[type=submit]');
  await page.locator('.share-bar .share-seg').nth(1).waitFor();
  await waitText(page.locator('.suppliers-table .cell-name'), competitorName);
  await page.locator('.suppliers-table tbody tr', { hasText: competitorName }).locator('button').first().click();
  await page.fill('input[name=share_pct]', '50');
  await page.click('.suppliers form button[type=submit]');
  await page.locator('.suppliers form .field-error').waitFor(); // total over 100 % → message beside the share field
  await page.click('.suppliers form button.btn-ghost');
  await page.screenshot({ path: `${SHOTS}/e2e-suppliers.png`, fullPage: true });
});

await test('suppliers tab: a deleted supplier is restored', async () => {
  page.once('dialog', (d) => d.accept());
  await page.locator('.suppliers-table tbody tr', { hasText: competitorName }).locator('button.btn-danger').click();
  await page.waitForFunction(() => document.querySelectorAll('.suppliers-table tbody tr').length === 1);
  await page.click('.archived-suppliers > button');
  const row = page.locator('.archived-list li', { hasText: competitorName });
  await row.waitFor();
  assert(/удалён/.test(await row.textContent()), 'the deleted entry says when it was deleted');
  await row.locator('button').click();
  await waitText(page.locator('.suppliers-table tbody tr', { hasText: competitorName }).locator('.cell-name'), competitorName);
  await page.waitForFunction(() => document.querySelectorAll('.suppliers-table tbody tr').length === 2);
});

await test('switch language ru → en', async () => {
  await page.click('a[data-tab=general]');
  await waitText(page.locator('a[data-tab=general]'), /Общие сведения/);
  await page.click('button[data-lang=en]');
  await waitText(page.locator('a[data-tab=general]'), /General info/);
  await waitText(page.locator('a.back'), /Back to the list/);
  await page.click('a.back');
  await waitText(heading(), /^Client companies$/);
  await page.reload();
  await waitText(heading(), /^Client companies$/); // the choice is remembered
  await page.click('button[data-lang=ru]');
  await waitText(heading(), /^Компании-потребители$/);
});

await test('phone viewport renders the list without horizontal overflow', async () => {
  const { phone, p } = await openPhone();
  await p.goto(`${BASE}/#/w/${WS}/accounts`);
  await waitText(heading(p), /Компании-потребители/);
  await p.locator('table.accounts-table tbody tr').first().waitFor();
  const overflow = await horizontalOverflow(p);
  assert(overflow <= 0, `the list overflows horizontally by ${overflow}px`);
  const display = await p.locator('table.accounts-table tbody tr').first().evaluate((el) => getComputedStyle(el).display);
  assert(display === 'block', `rows are stacked as cards on a phone (display: ${display})`);
  await p.screenshot({ path: `${SHOTS}/e2e-phone-list.png` });
  await p.goto(`${BASE}/#/w/${WS}/accounts/${accountId}`);
  await waitText(heading(p), companyName);
  const overflow2 = await horizontalOverflow(p);
  assert(overflow2 <= 0, `the card overflows horizontally by ${overflow2}px`);
  await p.screenshot({ path: `${SHOTS}/e2e-phone-card.png`, fullPage: true });
  await phone.close();
});

await test('archive and restore the company', async () => {
  await page.goto(`${BASE}/#/w/${WS}/accounts/${accountId}`);
  await waitText(heading(), companyName);
  page.once('dialog', (d) => d.accept());
  await page.click('.card-head button.btn-ghost'); // "В архив"
  await page.locator('.card-title .badge-archived').waitFor();
  await page.goto(`${BASE}/#/w/${WS}/accounts?q=${stamp}`);
  await page.locator('.empty').waitFor(); // gone from the list of live companies
  await page.goto(`${BASE}/#/w/${WS}/accounts?q=${stamp}&archived=true`);
  await page.locator(`table.accounts-table a[href="#/w/${WS}/accounts/${accountId}"]`).waitFor();
  await page.goto(`${BASE}/#/w/${WS}/accounts/${accountId}`);
  await page.locator('.card-title .badge-archived').waitFor();
  await page.click('.card-head button.btn-ghost'); // "Восстановить"
  await page.locator('.card-title .badge-archived').waitFor({ state: 'detached' });
});

const importName = `E2E Импорт ${stamp}`;
await test('import a CSV file: dry run, then import', async () => {
  const csv = `Название;ИНН;Статус;Город\n${importName};7707083893;активный;Тверь\nПлохая строка ${stamp};123;активный;Тверь\n`;
  await page.goto(`${BASE}/#/w/${WS}/import`);
  await page.setInputFiles('input[name=file]', { name: 'accounts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  await page.click('.panel .btn-row button:not(.btn-primary)'); // check the file
  await page.locator('.report').waitFor();
  assert(/123|ИНН|inn/i.test(await page.locator('.report table').textContent()), 'the invalid row is reported');
  assert(await page.locator('.panel .btn-row button.btn-primary').isDisabled(), 'import stays disabled while rows are invalid');
  await page.check('input[name=skip_invalid]');
  await page.click('.panel .btn-row button:not(.btn-primary)');
  await page.locator('.report').waitFor();
  await page.locator('.panel .btn-row button.btn-primary:not([disabled])').click();
  await waitText(page.locator('.report h3'), /Импорт завершён/);
  await page.goto(`${BASE}/#/w/${WS}/accounts?q=${encodeURIComponent(importName)}`);
  await waitText(page.locator('table.accounts-table .cell-name a'), importName);
});

// ---------- the loyalty model ----------
const loyaltyUrl = () => `${BASE}/#/w/${WS}/accounts/${accountId}/loyalty`;
const api = (path) => `/workspaces/${WS}${path}`;
/** The seed's "Queues at shipment" factor (negative) and the journey stage "Purchase". */
async function shipmentFactorAndStage() {
  const cat = await pageApi('GET', api('/loyalty/catalogue'));
  assert(cat.status === 200, `GET /loyalty/catalogue answered ${cat.status}`);
  const comp = cat.body.components.find((c) => c.code === 'shipment');
  assert(comp, 'the catalogue has the seed component "shipment"');
  const factor = comp.factors.find((f) => f.active && f.polarity === '-');
  const journey = await pageApi('GET', api('/journey'));
  assert(journey.status === 200, `GET /journey answered ${journey.status}`);
  const stage = journey.body.stages.find((s) => s.code === 'purchase');
  assert(factor && stage, 'a negative shipment factor and the stage "purchase" exist');
  return { cat: cat.body, factor, stage };
}
async function figureOf(locator) {
  if ((await locator.count()) === 0) return 0;
  return Number((await locator.first().textContent()).replace(/[^\d]/g, '')) || 0;
}
async function portfolioCount(fid) {
  await page.goto(`${BASE}/#/w/${WS}/portfolio`);
  await page.locator('.factor-counts').waitFor();
  return figureOf(page.locator(`.factor-counts tr[data-factor-id="${fid}"] .clients`));
}
async function stageSignals(code) {
  await page.goto(`${BASE}/#/w/${WS}/journey`);
  const fig = page.locator(`.stage[data-stage="${code}"] [data-figure=signals]`);
  await fig.waitFor();
  return figureOf(fig);
}
const radarValues = async () => JSON.parse((await page.locator('[data-chart=radar]').getAttribute('data-values')) || 'null');
async function waitIndex(expected) {
  await page.waitForFunction(
    (x) => {
      const el = document.querySelector('.index-value');
      return !!el && el.dataset.index !== '' && Math.abs(Number(el.dataset.index) - x) < 0.051;
    },
    expected,
  );
}

const renamedRu = `Цены и скидки ${stamp}`;
const renamedEn = `Prices and discounts ${stamp}`;
await test('loyalty catalogue: rename a component in both languages, tie a factor to a stage, see them on the card', async () => {
  assert(accountId, 'the company was created');
  await page.goto(`${BASE}/#/w/${WS}/accounts`);
  await page.click(`a[href="#/w/${WS}/loyalty/catalogue"]`);
  await waitText(heading(), /^Каталог лояльности$/);
  const prices = page.locator('.catalogue-component[data-component=prices]');
  await prices.locator('button[data-action=edit-component]').click();
  const form = prices.locator('form.component-form');
  await form.locator('input[name=name_ru]').fill('');
  await form.locator('button[type=submit]').click();
  await form.locator('.field-error').first().waitFor(); // an empty name is refused beside the field
  await form.locator('input[name=name_ru]').fill(renamedRu);
  await form.locator('input[name=name_en]').fill(renamedEn);
  await form.locator('button[type=submit]').click();
  await waitText(prices.locator('.name-ru'), renamedRu);
  await waitText(prices.locator('.name-en'), renamedEn);
  // Tie the shipment factor to the stage "Покупка" through the factor form.
  const { factor } = await shipmentFactorAndStage();
  const row = page.locator(`.catalogue-component[data-component=shipment] li[data-factor-id="${factor.id}"]`);
  await row.locator('button[data-action=edit-factor]').click();
  const fform = page.locator('form.factor-form');
  await fform.locator('select[name=stage_id]').selectOption({ label: 'Покупка' });
  await fform.locator('button[type=submit]').click();
  await waitText(row.locator('.badge-stage'), /Покупка/);
  await page.screenshot({ path: `${SHOTS}/e2e-catalogue.png`, fullPage: true });
  // The card's loyalty tab shows the new name, in each language.
  await page.goto(loyaltyUrl());
  await waitText(page.locator('.loyalty-component[data-component=prices] h3'), renamedRu);
  await page.click('button[data-lang=en]');
  await waitText(page.locator('.loyalty-component[data-component=prices] h3'), renamedEn);
  await waitText(page.locator('.radar-table tr[data-component=prices] td').first(), renamedEn);
  await page.click('button[data-lang=ru]');
  await waitText(page.locator('.loyalty-component[data-component=prices] h3'), renamedRu);
});

await test('loyalty tab: assess a client, the index and the radar change, the factor is counted on the portfolio and its stage', async () => {
  assert(accountId, 'the company was created');
  const { cat, factor, stage } = await shipmentFactorAndStage();
  if (factor.stage_id !== stage.id) {
    const r = await pageApi('PATCH', api(`/loyalty/factors/${factor.id}`), { stage_id: stage.id }, factor.version);
    assert(r.status === 200, `tying the factor to the stage answered ${r.status}`);
  }
  const portfolioBefore = await portfolioCount(factor.id);
  const signalsBefore = await stageSignals('purchase');

  await page.goto(loyaltyUrl());
  await waitText(page.locator('a[data-tab=loyalty]'), /Модель лояльности/);
  await page.locator('.loyalty-index').waitFor();
  await waitText(page.locator('.general-characteristic h3'), /Общая характеристика/);
  assert((await page.locator('.index-value').getAttribute('data-index')) === '', 'a client without assessments has no index');
  const radarBefore = await radarValues();

  // Scores on the default 1–5 scale; weights from the catalogue.
  const scores = { terms: 4, service: 3, prices: 5, shipment: 2 };
  const active = cat.components.filter((c) => c.active);
  const lo = cat.settings.score_min;
  const hi = cat.settings.score_max;
  const expected = (sc) => {
    let sw = 0;
    let swr = 0;
    for (const c of active) {
      if (sc[c.code] === undefined) continue;
      sw += c.weight;
      swr += (c.weight * 100 * (sc[c.code] - lo)) / (hi - lo);
    }
    return swr / sw;
  };
  await page.click('button[data-action=new-assessment]');
  const form = page.locator('form.assessment-form');
  await form.waitFor();
  await form.locator('textarea[name=summary]').fill('Доволен ценой, недоволен отгрузкой.');
  await form.locator('.score-picker[data-name=recommend] button[data-score="8"]').click();
  for (const [code, v] of Object.entries(scores)) {
    await form.locator(`.form-component[data-component=${code}] .score-picker button[data-score="${v}"]`).click();
  }
  await form.locator(`input[name=factor-${factor.id}]`).check();
  await form.locator(`input[name=evidence-${factor.id}]`).fill('очереди по 3 часа');
  // Someone retires another ticked factor meanwhile: the API's 422 shows beside that factor.
  const other = cat.components.find((c) => c.code === 'shipment').factors.find((f) => f.active && f.id !== factor.id);
  await form.locator(`input[name=factor-${other.id}]`).check();
  const retired = await pageApi('PATCH', api(`/loyalty/factors/${other.id}`), { active: false }, other.version);
  assert(retired.status === 200, `retiring a factor answered ${retired.status}`);
  await page.click('button[data-action=save-assessment]');
  await form.locator(`li[data-factor-id="${other.id}"] .field-error`).waitFor();
  await form.locator(`input[name=factor-${other.id}]`).uncheck();
  assert((await form.locator(`li[data-factor-id="${other.id}"] .field-error`).count()) === 0, 'the error goes with the change');
  const restored = await pageApi('PATCH', api(`/loyalty/factors/${other.id}`), { active: true }, retired.body.version);
  assert(restored.status === 200, `restoring the factor answered ${restored.status}`);
  await page.click('button[data-action=save-assessment]');
  await form.waitFor({ state: 'detached' });
  await waitIndex(expected(scores));
  const row = page.locator(`.loyalty-component[data-component=shipment] li[data-factor-id="${factor.id}"]`);
  assert((await row.getAttribute('data-ticked')) === 'true', 'the factor is ticked as observed in the latest assessment');
  await waitText(row.locator('.evidence'), /очереди по 3 часа/);
  await waitText(page.locator('.summary-text'), /Доволен ценой/);
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-chart=radar]');
    return !!el && JSON.parse(el.getAttribute('data-values') || '{}').client.some((v) => v !== null);
  });
  const radarAfter = await radarValues();
  assert(JSON.stringify(radarAfter.client) !== JSON.stringify(radarBefore.client), 'the radar shows the new scores');
  const order = active.map((c) => c.code);
  assert(radarAfter.client[order.indexOf('shipment')] === 2, `the radar has shipment = 2 (got ${JSON.stringify(radarAfter.client)})`);
  await page.hover('[data-chart=radar]'); // tooltips must not break the CSP (checked by the last case)
  await page.hover('[data-chart=trend]');
  await page.screenshot({ path: `${SHOTS}/e2e-loyalty.png`, fullPage: true });

  // A correction is a new version: the index and the radar follow it.
  await page.locator('.assessments .assessment-row').first().click();
  await page.click('.assessments button[data-action=correct]');
  await form.waitFor();
  await form.locator('.form-component[data-component=terms] .score-picker button[data-score="2"]').click();
  await page.click('button[data-action=save-assessment]');
  await form.waitFor({ state: 'detached' });
  await waitIndex(expected({ ...scores, terms: 2 }));
  await waitText(page.locator('.assessments .assessment-row').first(), /в\. 2/);
  const radarCorrected = await radarValues();
  assert(radarCorrected.client[order.indexOf('terms')] === 2, 'the radar follows the correction');

  // Both versions are in the card's change history, with component names rather than ids.
  await page.click('a[data-tab=history]');
  await waitText(page.locator('.timeline .event .badge-entity'), /оценка лояльности/);
  await waitText(page.locator('.timeline .event').first(), /Отгрузка: 2/);

  // The observation counts on the portfolio dashboard and on the factor's journey stage.
  assert((await portfolioCount(factor.id)) === portfolioBefore + 1, `the portfolio counts one more client for the factor (was ${portfolioBefore})`);
  await page.locator('[data-chart=histogram]').waitFor();
  await page.hover('[data-chart=histogram]');
  await page.hover('[data-chart=component-means]');
  await page.screenshot({ path: `${SHOTS}/e2e-portfolio.png`, fullPage: true });
  const signalsAfter = await stageSignals('purchase');
  assert(signalsAfter === signalsBefore + 1, `the stage counts one more signal (was ${signalsBefore}, now ${signalsAfter})`);
  await page.screenshot({ path: `${SHOTS}/e2e-journey.png`, fullPage: true });
});

await test('language switch: the loyalty tab is fully translated', async () => {
  assert(accountId, 'the company was created');
  await page.goto(loyaltyUrl());
  await page.locator('.loyalty-component').first().waitFor();
  await page.click('button[data-lang=en]');
  await waitText(page.locator('a[data-tab=loyalty]'), /^Loyalty model$/);
  await waitText(page.locator('.general-characteristic h3'), /^General characteristic$/);
  await page.click('button[data-action=new-assessment]');
  await page.locator('form.assessment-form').waitFor();
  // Everything but what people typed (summary, evidence, names) must be in English.
  const leftovers = await page.evaluate(() => {
    const root = document.querySelector('.loyalty');
    const clone = root.cloneNode(true);
    clone.querySelectorAll('.user-text, textarea, input').forEach((e) => e.remove());
    const text = [clone.textContent, document.querySelector('.tabs').textContent].join(' ');
    return { cyrillic: text.match(/[А-Яа-яЁё][А-Яа-яЁё ,.«»()-]*/g) || [], keys: text.match(/\b[a-z]+(?:_[a-z]+)+\b/g) || [] };
  });
  assert(leftovers.cyrillic.length === 0, `Russian text left in the English loyalty tab: ${leftovers.cyrillic.slice(0, 5).join(' | ')}`);
  assert(leftovers.keys.length === 0, `untranslated keys: ${leftovers.keys.slice(0, 5).join(', ')}`);
  await page.screenshot({ path: `${SHOTS}/e2e-loyalty-en.png`, fullPage: true });
  await page.click('form.assessment-form button.btn-ghost');
  await page.click('button[data-lang=ru]');
  await waitText(page.locator('.general-characteristic h3'), /^Общая характеристика$/);
  await waitText(page.locator('.loyalty-index h3'), /^Индекс лояльности$/);
  await waitText(page.locator('.loyalty-component .overall').first(), /Общая оценка/);
});

await test('phone viewport: the loyalty tab, its form, the portfolio and the journey map fit the width', async () => {
  assert(accountId, 'the company was created');
  const { phone, p } = await openPhone();
  const overflow = () => horizontalOverflow(p);
  await p.goto(`${BASE}/#/w/${WS}/accounts/${accountId}/loyalty`);
  await p.locator('[data-chart=radar]').waitFor();
  assert((await overflow()) <= 0, `the loyalty tab overflows by ${await overflow()}px`);
  await p.click('button[data-action=new-assessment]');
  await p.locator('form.assessment-form').waitFor();
  assert((await overflow()) <= 0, `the assessment form overflows by ${await overflow()}px`);
  await p.screenshot({ path: `${SHOTS}/e2e-phone-loyalty.png`, fullPage: true });
  await p.goto(`${BASE}/#/w/${WS}/portfolio`);
  await p.locator('[data-chart=histogram]').waitFor();
  assert((await overflow()) <= 0, `the portfolio overflows by ${await overflow()}px`);
  await p.goto(`${BASE}/#/w/${WS}/journey`);
  await p.locator('.board .stage').first().waitFor();
  assert((await overflow()) <= 0, `the journey map overflows by ${await overflow()}px`);
  await phone.close();
});

// ---------- the account map ----------
const mapUrl = () => `${BASE}/#/w/${WS}/accounts/${accountId}/map`;
const mapChart = (p = page) => p.locator('[data-chart=account-map]');
const people = {}; // name → contact id
async function mapOf() {
  const r = await pageApi('GET', api(`/accounts/${accountId}/map`));
  assert(r.status === 200, `GET /map answered ${r.status}`);
  return r.body;
}
async function contactOf(id) {
  const r = await pageApi('GET', api(`/accounts/${accountId}/contacts/${id}`));
  assert(r.status === 200, `GET contact ${id} answered ${r.status}`);
  return r.body;
}
/** Waits until the chart has drawn every one of ids, then returns the node centres (page pixels). */
async function mapNodes(ids) {
  await page.waitForFunction(
    (want) => {
      const el = document.querySelector('[data-chart=account-map]');
      if (!el || !el.dataset.nodes) return false;
      const n = JSON.parse(el.dataset.nodes);
      return want.every((id) => n[id]);
    },
    ids.map(String),
  );
  // Page pixels of the viewport: the chart is near the top of the tab, under the sticky header.
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = await mapChart().boundingBox();
  const n = JSON.parse(await mapChart().getAttribute('data-nodes'));
  const out = {};
  for (const [id, [x, y]] of Object.entries(n)) out[id] = { x: box.x + x, y: box.y + y };
  return out;
}
/** Drags the node of person `from` onto the node of person `to` with the mouse. */
async function dragNode(from, to) {
  const n = await mapNodes([from, to]);
  const a = n[from];
  const b = n[to];
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 15, { steps: 6 });
  await page.mouse.move(b.x, b.y, { steps: 6 });
  await page.mouse.up();
}
async function openPerson(id) {
  const n = await mapNodes([id]);
  await page.mouse.click(n[id].x, n[id].y);
  await page.locator(`.contact-form[data-contact-id="${id}"]`).waitFor();
}

await test('account map: add three people through the form, the risks name them', async () => {
  assert(accountId, 'the company was created');
  await page.goto(mapUrl());
  await waitText(page.locator('a[data-tab=map]'), /^Карта влияния$/);
  await page.locator('.account-map .map-empty').waitFor();
  await page.locator('.risk-list li[data-kind=no_contacts]').waitFor();
  assert((await page.locator('.health-value').getAttribute('data-health')) === '0', 'an empty map has health 0');

  const add = async (f) => {
    await page.click('button[data-action=add-contact]');
    const form = page.locator('.contact-form[data-contact-id=new]');
    await form.waitFor();
    await form.locator('input[name=name]').fill(f.name);
    if (f.position) await form.locator('input[name=position]').fill(f.position);
    if (f.email) await form.locator('input[name=emails-0]').fill(f.email);
    if (f.role) await form.locator('select[name=buying_role]').selectOption(f.role);
    if (f.attitude) await form.locator('select[name=attitude]').selectOption(f.attitude);
    if (f.influence) await form.locator('select[name=influence]').selectOption(f.influence);
    if (f.save !== false) await form.locator('button[data-action=save-contact]').click();
    return form;
  };
  // A bad second e-mail: the API's 422 (/emails/1) shows beside that very row.
  const form = await add({ name: 'Ирина Петрова', position: 'Генеральный директор', email: 'petrova@client.example', role: 'decision_maker', attitude: 'supporter', influence: 'high', save: false });
  await form.locator('button[data-action=add-emails]').click();
  await form.locator('input[name=emails-1]').fill('не-адрес');
  await form.locator('button[data-action=save-contact]').click();
  await form.locator('[data-list=emails] .list-row').nth(1).locator('.field-error').waitFor();
  assert((await form.locator('[data-list=emails] .list-row').first().locator('.field-error').count()) === 0, 'the good e-mail has no error');
  await form.locator('[data-list=emails] .list-row').nth(1).locator('button').click(); // remove the bad row
  await form.locator('button[data-action=save-contact]').click();
  await waitText(page.locator('.contact-form h3'), /^Ирина Петрова$/);
  await add({ name: 'Павел Смирнов', position: 'Инженер-технолог', role: 'user_buyer', attitude: 'neutral', influence: 'medium' });
  await waitText(page.locator('.contact-form h3'), /^Павел Смирнов$/);
  await add({ name: 'Олег Кузнецов', position: 'Главный инженер', attitude: 'skeptic', influence: 'high' });
  await waitText(page.locator('.contact-form h3'), /^Олег Кузнецов$/);

  const map = await mapOf();
  for (const c of map.contacts) people[c.name] = c.id;
  assert(map.contacts.length === 3 && people['Ирина Петрова'] && people['Павел Смирнов'] && people['Олег Кузнецов'], 'three people are stored');
  const irina = map.contacts.find((c) => c.id === people['Ирина Петрова']);
  assert(JSON.stringify(irina.emails) === '["petrova@client.example"]', `the e-mails are stored (${JSON.stringify(irina.emails)})`);
  await mapNodes(Object.values(people));
  const noOwner = page.locator(`.risk-list li[data-kind=no_owner][data-contact-id="${people['Ирина Петрова']}"]`);
  await noOwner.waitFor();
  assert(/Ирина Петрова/.test(await noOwner.textContent()) && /ЛПР/.test(await noOwner.textContent()), 'the risk names the person and the role');
  await page.locator(`.risk-list li[data-kind=hostile_influencer][data-contact-id="${people['Олег Кузнецов']}"]`).waitFor();
  await waitText(page.locator('.risk-list li[data-kind=role_uncovered][data-role=economic_buyer]'), /экономический покупатель/);
  assert((await page.locator('.health-value').getAttribute('data-health')) === String(map.health), `the health shown is the API's ${map.health}`);
  await page.screenshot({ path: `${SHOTS}/e2e-map.png`, fullPage: true });
});

await test('account map: drag a person under another; reports_to and the risks follow', async () => {
  const [irina, pavel] = [people['Ирина Петрова'], people['Павел Смирнов']];
  assert(irina && pavel, 'the people were added');
  await page.goto(mapUrl());
  await dragNode(pavel, irina);
  await page.waitForFunction(
    ([p, i]) => JSON.parse(document.querySelector('[data-chart=account-map]').dataset.values || '{}')[p] === i,
    [String(pavel), irina],
  );
  assert((await contactOf(pavel)).reports_to_id === irina, 'the API has the new manager');
  const n = await mapNodes([irina, pavel]);
  assert(n[pavel].y > n[irina].y + 40, 'the report is drawn below the manager');
  // The decision maker gets a relationship owner: the "no owner" risk goes.
  await openPerson(irina);
  await page.locator('.contact-form select[name=owner_email]').selectOption(EMAIL);
  await page.locator('.contact-form input[name=last_contact_on]').fill(new Date().toISOString().slice(0, 10));
  await page.click('.contact-form button[data-action=save-contact]');
  await page.locator(`.risk-list li[data-kind=no_owner][data-contact-id="${irina}"]`).waitFor({ state: 'detached' });
  const map = await mapOf();
  assert(!map.risks.some((r) => r.kind === 'no_owner' && r.contact_id === irina), 'the API has no no_owner risk for her');
  assert(map.contacts.find((c) => c.id === irina).owner_email === EMAIL, 'the owner is stored');
  assert((await page.locator('.health-value').getAttribute('data-health')) === String(map.health), 'the health follows');
});

await test('account map: a cycle by drag is refused with a message and the chart stays', async () => {
  const [irina, pavel] = [people['Ирина Петрова'], people['Павел Смирнов']];
  await page.goto(mapUrl());
  await mapNodes([irina, pavel]);
  const before = await mapChart().getAttribute('data-nodes'); // pixels within the chart
  await dragNode(irina, pavel);
  const err = page.locator('.account-map > .alert-error');
  await err.waitFor();
  assert(/Ирина Петрова/.test(await err.textContent()), `the message names the person: ${await err.textContent()}`);
  assert((await contactOf(irina)).reports_to_id === null, 'nothing changed on the server');
  await mapNodes([irina, pavel]);
  const after = await mapChart().getAttribute('data-nodes');
  assert(after === before, `the nodes are back where they were (${before} → ${after})`);
  await page.screenshot({ path: `${SHOTS}/e2e-map-cycle.png` });
});

let actionId = null;
await test('account map: influence link, a plan action that is overdue, the portfolio lists them', async () => {
  const [oleg, pavel] = [people['Олег Кузнецов'], people['Павел Смирнов']];
  await page.goto(mapUrl());
  await openPerson(oleg);
  await page.click('.contact-form button[data-action=add-link]');
  await page.locator('.link-form select[name=to_contact_id]').selectOption(String(pavel));
  await page.locator('.link-form select[name=sign]').selectOption('opposes');
  await page.locator('.link-form input[name=link_note]').fill('спорят о бюджете');
  await page.click('.link-form button[data-action=save-link]');
  await page.locator('.contact-links li[data-sign=opposes]').waitFor();
  const links = (await pageApi('GET', api(`/accounts/${accountId}/contact-links`))).body.items;
  assert(links.some((l) => l.from_contact_id === oleg && l.to_contact_id === pavel && l.sign === 'opposes'), 'the link is stored');

  // An action due yesterday is overdue at once.
  const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
  await page.click('.map-plan button[data-action=add-action]');
  const form = page.locator('.action-form');
  assert((await form.locator('select[name=action_contact]').inputValue()) === String(oleg), 'the selected person is preset');
  await form.locator('textarea[name=action_what]').fill('Показать расчёт экономии главному инженеру');
  await form.locator('input[name=action_due]').fill(yesterday);
  await form.locator('button[data-action=save-action]').click();
  const item = page.locator('.map-plan .plan-item[data-overdue=true]');
  await item.waitFor();
  actionId = Number(await item.getAttribute('data-action-id'));
  await waitText(item.locator('.badge-overdue'), /просрочено/);
  await page.screenshot({ path: `${SHOTS}/e2e-map-plan.png`, fullPage: true });

  // The portfolio: the riskiest maps as the API ranks them, and this action among mine overdue.
  const maps = (await pageApi('GET', api('/account-maps?limit=15'))).body;
  await page.goto(`${BASE}/#/w/${WS}/portfolio`);
  await page.waitForFunction((n) => document.querySelectorAll('.riskiest-maps tbody tr').length === n, maps.items.length);
  const first = page.locator('.riskiest-maps tbody tr').first();
  assert(Number(await first.getAttribute('data-account-id')) === maps.items[0].account_id, 'the least healthy map comes first');
  assert((await first.locator('[data-health]').getAttribute('data-health')) === String(maps.items[0].health), 'with its health');
  assert((await page.locator('.riskiest-maps .unmapped').getAttribute('data-unmapped')) === String(maps.unmapped), 'the unmapped count');
  assert((await first.locator('a').getAttribute('href')).endsWith(`/accounts/${maps.items[0].account_id}/map`), 'a row links to the map tab');
  if (maps.items.length === 15) {
    const more = (await pageApi('GET', api('/account-maps?limit=50'))).body.items.length;
    await page.click('.riskiest-maps button[data-action=more-maps]');
    await page.waitForFunction((n) => document.querySelectorAll('.riskiest-maps tbody tr').length === n, more);
  }
  const mine = page.locator(`.overdue-actions li[data-action-id="${actionId}"]`);
  await mine.waitFor();
  await page.screenshot({ path: `${SHOTS}/e2e-map-portfolio.png`, fullPage: true });
  await mine.locator('a').click();
  await page.waitForURL(new RegExp(`accounts/${accountId}/map$`));
  // Done: the action leaves the open plan.
  await page.locator(`.map-plan .plan-item[data-action-id="${actionId}"] button[data-action=done]`).click();
  await page.locator(`.map-plan .plan-item[data-action-id="${actionId}"]`).waitFor({ state: 'detached' });
  const done = (await pageApi('GET', api(`/accounts/${accountId}/actions?status=done`))).body.items;
  assert(done.some((a) => a.id === actionId && a.done_on), 'the action is done');
});

await test('account map: an assessment names the person, whose form shows what they told us', async () => {
  const oleg = people['Олег Кузнецов'];
  const cat = (await pageApi('GET', api('/loyalty/catalogue'))).body;
  const comp = cat.components.find((c) => c.active);
  const factor = comp.factors.find((f) => f.active);
  await page.goto(loyaltyUrl());
  await page.click('button[data-action=new-assessment]');
  const form = page.locator('form.assessment-form');
  await form.locator('select[name=contact_id]').selectOption(String(oleg));
  await form.locator('.score-picker[data-name=recommend] button[data-score="3"]').click();
  await form.locator(`.form-component[data-component=${comp.code}] .score-picker button[data-score="${cat.settings.score_min}"]`).click();
  await form.locator(`input[name=factor-${factor.id}]`).check();
  await page.click('button[data-action=save-assessment]');
  await form.waitFor({ state: 'detached' });
  const list = (await pageApi('GET', api(`/accounts/${accountId}/assessments?limit=1`))).body.items;
  assert(list[0].contact_id === oleg && list[0].person === 'Олег Кузнецов', `the assessment names the person (${JSON.stringify(list[0].contact_id)}, ${list[0].person})`);
  await page.goto(mapUrl());
  await openPerson(oleg);
  const cx = page.locator('.contact-cx .cx-nps');
  await cx.waitFor();
  assert((await cx.getAttribute('data-nps-group')) === 'detractor', 'a 3 is a detractor');
  await waitText(cx, /критик/);
  await page.locator(`.contact-cx .cx-scores tr[data-component="${comp.code}"]`).waitFor();
  await page.locator(`.contact-cx .cx-factors li[data-factor-id="${factor.id}"]`).waitFor();
});

await test('account map: save the chart as PNG', async () => {
  await page.goto(mapUrl());
  await mapNodes(Object.values(people));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-action=save-png]')]);
  assert(download.suggestedFilename() === `account-map-${accountId}.png`, `the file name is ${download.suggestedFilename()}`);
  const bytes = await readFile(await download.path());
  assert(bytes.length > 2000 && bytes.subarray(1, 4).toString() === 'PNG', `a PNG picture (${bytes.length} bytes)`);
});

await test('language switch: the account map tab is fully translated', async () => {
  await page.goto(mapUrl());
  await mapNodes(Object.values(people));
  await page.click('button[data-lang=en]');
  await waitText(page.locator('a[data-tab=map]'), /^Account map$/);
  await openPerson(people['Олег Кузнецов']);
  await page.locator('.contact-cx .cx-nps').waitFor();
  await waitText(page.locator('.map-health h3'), /^Map health$/);
  const leftovers = await page.evaluate(() => {
    const root = document.querySelector('.account-map');
    const clone = root.cloneNode(true);
    clone.querySelectorAll('.user-text, textarea, input').forEach((e) => e.remove());
    const text = [clone.textContent, document.querySelector('.tabs').textContent].join(' ');
    return { cyrillic: text.match(/[А-Яа-яЁё][А-Яа-яЁё ,.«»()-]*/g) || [], keys: text.match(/\b[a-z]+(?:_[a-z]+)+\b/g) || [] };
  });
  assert(leftovers.cyrillic.length === 0, `Russian text left in the English map tab: ${leftovers.cyrillic.slice(0, 5).join(' | ')}`);
  assert(leftovers.keys.length === 0, `untranslated keys: ${leftovers.keys.slice(0, 5).join(', ')}`);
  await waitText(page.locator('.risk-list li[data-kind=hostile_influencer]'), /against us and highly influential/);
  await page.screenshot({ path: `${SHOTS}/e2e-map-en.png`, fullPage: true });
  await page.click('button[data-lang=ru]');
  await waitText(page.locator('.map-health h3'), /^Здоровье карты$/);
});

await test('account map: deleting a manager asks about the reports; restore', async () => {
  const [irina, pavel] = [people['Ирина Петрова'], people['Павел Смирнов']];
  await page.goto(mapUrl());
  await openPerson(irina);
  page.once('dialog', (d) => d.accept());
  await page.click('.contact-form button[data-action=delete-contact]');
  const dialog = page.locator('[data-dialog=delete-reports]');
  await dialog.waitFor();
  await waitText(dialog, /Павел Смирнов/);
  await dialog.locator('button[data-action=reparent]').click();
  await dialog.waitFor({ state: 'detached' });
  await page.waitForFunction((id) => !(String(id) in JSON.parse(document.querySelector('[data-chart=account-map]').dataset.values || '{}')), irina);
  assert((await contactOf(pavel)).reports_to_id === null, 'her report moved to her (absent) manager: the top');
  assert((await contactOf(irina)).archived_at, 'she is deleted (archived)');
  await page.click('button[data-action=toggle-removed]');
  await page.locator(`.removed-contacts li[data-contact-id="${irina}"] button[data-action=restore-contact]`).click();
  await page.waitForFunction((id) => String(id) in JSON.parse(document.querySelector('[data-chart=account-map]').dataset.values || '{}'), irina);
});

await test('account maps: the stale-days setting is edited in the loyalty catalogue', async () => {
  await page.goto(`${BASE}/#/w/${WS}/loyalty/catalogue`);
  await page.click('button[data-action=edit-map-settings]');
  await page.fill('input[name=stale_days]', '0');
  await page.click('button[data-action=save-map-settings]');
  await page.locator('.map-settings .field-error').waitFor(); // the API refuses 0 beside the field
  await page.fill('input[name=stale_days]', '30');
  await page.click('button[data-action=save-map-settings]');
  await page.locator('.map-settings [data-stale-days="30"]').waitFor();
  const s = await pageApi('GET', api('/account-maps/settings'));
  assert(s.body.stale_days === 30, `the setting is stored (${JSON.stringify(s.body)})`);
  const back = await pageApi('PATCH', api('/account-maps/settings'), { stale_days: 90 });
  assert(back.status === 200, `restoring the setting answered ${back.status}`);
});

await test('phone viewport: the account map stacks its panels and fits the width', async () => {
  const { phone, p } = await openPhone();
  const overflow = () => horizontalOverflow(p);
  await p.goto(mapUrl());
  await p.waitForFunction(() => {
    const el = document.querySelector('[data-chart=account-map]');
    return !!el && !!el.dataset.nodes;
  });
  assert((await overflow()) <= 0, `the map tab overflows by ${await overflow()}px`);
  const main = await p.locator('.map-main').boundingBox();
  const side = await p.locator('.map-side').boundingBox();
  assert(side.y >= main.y + main.height - 1, 'the side panels are under the chart');
  await p.locator(`.risk-list li[data-contact-id] button`).first().click();
  await p.locator('.contact-form').waitFor();
  assert((await overflow()) <= 0, `the person form overflows by ${await overflow()}px`);
  await p.screenshot({ path: `${SHOTS}/e2e-phone-map.png`, fullPage: true });
  await phone.close();
});

// ---- research dashboard and negative base (helper-ui-dash) ----
/** A study of our own with a dozen submitted responses of known answers: NPS 50 over n = 12. */
let raStudyId = null;
async function raEnsureStudy() {
  if (raStudyId) return raStudyId;
  const comps = await pageApi('GET', `/workspaces/${WS}/loyalty/components`);
  assert(comps.status === 200, `components: ${comps.status}`);
  const component = (comps.body.items || comps.body).find((c) => c.active !== false);
  assert(component, 'the demo has a loyalty component');
  const accs = await pageApi('GET', `/workspaces/${WS}/accounts?limit=12`);
  assert(accs.status === 200 && accs.body.items.length > 0, 'the demo has accounts');
  const st = await pageApi('POST', `/workspaces/${WS}/studies`, { name: `E2E dashboard ${stamp}`, kind: 'survey', status: 'open' });
  assert(st.status === 201, `study created: ${st.status} ${JSON.stringify(st.body)}`);
  const sid = st.body.id;
  for (const q of [
    { code: 'nps', kind: 'recommend', text: { ru: 'Порекомендуете ли вы нас?', en: 'Would you recommend us?' } },
    { code: 'comp', kind: 'component', component_id: component.id, text: { ru: 'Оценка', en: 'Rating' } },
  ]) {
    const r = await pageApi('POST', `/workspaces/${WS}/studies/${sid}/questions`, q);
    assert(r.status === 201, `question ${q.code}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  // 8 promoters, 2 passives, 2 detractors: NPS = 100 (8 − 2) / 12 = 50.
  const nps = [10, 9, 10, 9, 10, 9, 10, 9, 8, 7, 3, 5];
  for (let i = 0; i < nps.length; i++) {
    const account = accs.body.items[i % accs.body.items.length];
    const r = await pageApi('POST', `/workspaces/${WS}/studies/${sid}/responses`, {
      channel: 'interview', account_id: account.id, status: 'submitted',
      answers: { nps: nps[i], comp: nps[i] >= 9 ? 5 : nps[i] >= 7 ? 4 : 2 },
    });
    assert(r.status === 201, `response ${i}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  raStudyId = sid;
  return sid;
}
const raPanel = (figure, p = page) => p.locator(`section[data-figure="${figure}"]`);

await test('research dashboard: NPS with its interval, a study filter and a period filter change it, CSV downloads (English)', async () => {
  const sid = await raEnsureStudy();
  await page.goto(`${BASE}/#/w/${WS}/research/dashboard`);
  await page.click('button[data-lang=en]');
  await waitText(heading(), /^Research dashboard$/);
  await waitText(page.locator('.research-nav a[data-research=dashboard]'), /.+/);
  const nps = raPanel('nps');
  await nps.locator('.nps-value').waitFor();
  await nps.locator('[data-chart=nps-interval]').waitFor();
  await nps.locator('[data-chart=nps-distribution]').waitFor();
  const before = await nps.locator('.ra-n').getAttribute('data-n');
  // Choose our study: NPS 50 over 12 answers, with its interval and the "few responses" warning.
  await page.click('button[name=filter-study]');
  await page.check(`.multi-select-list input[value="${sid}"]`);
  await page.waitForURL(new RegExp(`study_id=${sid}`));
  await page.keyboard.press('Escape');
  await nps.locator('.ra-n[data-n="12"]').waitFor();
  await page.waitForFunction(() => {
    const v = document.querySelector('section[data-figure=nps] .nps-value');
    return v && v.getAttribute('data-nps') === '50';
  });
  const ci = await nps.locator('.nps-ci').getAttribute('data-ci');
  const [lo, hi] = ci.split(',').map(Number);
  assert(lo < 50 && hi > 50 && lo >= -100 && hi <= 100, `the interval surrounds the NPS: ${ci}`);
  await waitText(nps.locator('.nps-ci'), /95% interval/);
  await waitText(nps.locator('.badge-few'), /^few responses$/);
  const dist = JSON.parse(await nps.locator('[data-chart=nps-distribution]').getAttribute('data-values'));
  assert(dist.length === 11 && dist[10] === 4 && dist[9] === 4 && dist[3] === 1, `the distribution 0..10: ${dist}`);
  await waitText(raPanel('components').locator('h3'), /^Component scores$/);
  // A period in the future leaves no answer.
  await page.fill('input[name=filter-from]', '2099-01-01');
  await page.waitForURL(/from=2099-01-01/);
  await nps.locator('.ra-n[data-n="0"]').waitFor();
  // The CSV link carries the same filters and answers CSV.
  const csvUrl = await nps.locator('a.csv-link').getAttribute('href');
  assert(csvUrl.includes('format=csv') && csvUrl.includes(`study_id=${sid}`) && csvUrl.includes('from=2099-01-01'), `CSV link: ${csvUrl}`);
  await page.fill('input[name=filter-from]', '');
  await page.waitForFunction(() => !location.hash.includes('from='));
  const csvUrl2 = await nps.locator('a.csv-link').getAttribute('href');
  const csv = await page.evaluate(async (u) => {
    const r = await fetch(u);
    return { status: r.status, type: r.headers.get('Content-Type') || '', text: await r.text() };
  }, csvUrl2);
  assert(csv.status === 200 && /text\/csv/.test(csv.type), `CSV answer: ${csv.status} ${csv.type}`);
  assert(csv.text.split(/\r?\n/).filter(Boolean).length >= 2, `CSV has a header and rows: ${csv.text.slice(0, 200)}`);
  for (const f of ['components', 'drivers', 'quadrants', 'competitors', 'segments', 'trend']) {
    await raPanel(f).locator('a.csv-link').waitFor();
  }
  assert(before !== null, 'the unfiltered NPS showed its n');
  await page.screenshot({ path: `${SHOTS}/e2e-research-dashboard.png`, fullPage: true });
});

await test('research dashboard: per account / revenue-weighted switch; no Russian left in English, Russian labels back', async () => {
  assert(raStudyId, 'the study was made');
  await page.goto(`${BASE}/#/w/${WS}/research/dashboard?study_id=${raStudyId}`);
  const nps = raPanel('nps');
  await nps.locator('.ra-n[data-n="12"]').waitFor();
  await nps.locator('button[data-basis=accounts]').click();
  await nps.locator('button[data-basis=accounts][aria-pressed=true]').waitFor();
  await nps.locator('.ra-n[data-n="12"]').waitFor(); // twelve distinct accounts answered
  await nps.locator('button[data-basis=revenue_weighted]').click();
  await nps.locator('.nps-value').waitFor();
  await nps.locator('button[data-basis=respondents]').click();
  const leftovers = await page.evaluate(() => {
    const root = document.querySelector('.research-dashboard').cloneNode(true);
    root.querySelectorAll('.multi-select, select, input, .ra-rival h4, td:first-child, th').forEach((e) => e.remove());
    const text = root.textContent;
    return text.match(/[А-Яа-яЁё][А-Яа-яЁё ,.«»()-]*/g) || [];
  });
  assert(leftovers.length === 0, `Russian text left on the English dashboard: ${leftovers.slice(0, 5).join(' | ')}`);
  await page.click('button[data-lang=ru]');
  await waitText(heading(), /^Аналитика исследований$/);
  await waitText(nps.locator('.badge-few'), /^мало ответов$/);
  await page.click('button[data-lang=en]');
});

await test('negative base page renders with its figures and CSV', async () => {
  await page.goto(`${BASE}/#/w/${WS}/research/negative-base`);
  await waitText(heading(), /^Negative base$/);
  await page.locator('section[data-figure=negative-scores] h3').filter({ hasText: /Last scores/ }).waitFor();
  await page.locator('section[data-figure=negative-factors] h3').filter({ hasText: /more frequent among the churned/ }).waitFor();
  await page.locator('dd[data-kpi=churned]').waitFor();
  await page.fill('input[name=filter-from]', '2000-01-01');
  await page.waitForURL(/from=2000-01-01/);
  const csvUrl = await page.locator('.page-head a.csv-link').getAttribute('href');
  assert(csvUrl.includes('negative-base') && csvUrl.includes('format=csv') && csvUrl.includes('from=2000-01-01'), `CSV link: ${csvUrl}`);
  const csv = await page.evaluate(async (u) => {
    const r = await fetch(u);
    return { status: r.status, type: r.headers.get('Content-Type') || '', text: await r.text() };
  }, csvUrl);
  assert(csv.status === 200 && /text\/csv/.test(csv.type) && csv.text.length > 0, `CSV answer: ${csv.status} ${csv.type}`);
  await page.screenshot({ path: `${SHOTS}/e2e-negative-base.png`, fullPage: true });
  await page.click('button[data-lang=ru]');
  await waitText(heading(), /^Негативная база$/);
});
// ---- end of research dashboard and negative base ----

// ---------- research: studies, questionnaires, interviews, invitations ----------
const studyName = `E2E Исследование ${stamp}`;
let studyId = null;
const studyUrl = (tab) => `${BASE}/#/w/${WS}/research/studies/${studyId}${tab ? `/${tab}` : ''}`;
/** The codes of the active questions in the order the questionnaire tab shows them. */
const shownOrder = () => page.locator('.questionnaire ol.question-list > li[data-question]').evaluateAll((els) => els.map((e) => e.dataset.question));
/** Fills the open question form: kind, code, Russian and English texts. */
async function questionBasics(kind, code, ru, en) {
  const form = page.locator('form[data-question-form]');
  await form.waitFor();
  await form.locator('select[name=kind]').selectOption(kind);
  await form.locator('input[name=code]').fill(code);
  await form.locator('textarea[name=text_ru]').fill(ru);
  await form.locator('textarea[name=text_en]').fill(en);
  return form;
}
async function saveQuestion(code) {
  await page.click('form[data-question-form] button[data-action=save-question]');
  await page.locator(`.questionnaire li[data-question="${code}"]`).waitFor();
  await page.locator('form[data-question-form]').waitFor({ state: 'detached' });
}

await test('research: the studies list, a new study with its guide, filters', async () => {
  await page.goto(`${BASE}/#/w/${WS}/accounts`);
  await page.click('#main-nav a:text-is("Исследования")');
  await page.waitForURL(/#\/w\/[^/]+\/research\/studies$/);
  await waitText(heading(), /^Исследования$/);
  await waitText(page.locator('.research-nav a[data-research=dashboard]'), /^Аналитика$/);
  await waitText(page.locator('.research-nav a[data-research=negative]'), /^Негативная база$/);
  await page.click('button[data-action=new-study]');
  const form = page.locator('form.study-form');
  await form.locator('input[name=name]').fill(studyName);
  await form.locator('select[name=kind]').selectOption('csm_interview');
  await form.locator('select[name=status]').selectOption('open');
  await form.locator('input[name=starts_on]').fill('2026-03-01');
  await form.locator('input[name=ends_on]').fill('2026-02-01');
  await form.locator('textarea[name=guide]').fill('1. Знакомство и роль собеседника\n2. Оценки по процессам\n3. Почему такая оценка?');
  await page.click('button[data-action=save-study]');
  await waitText(form.locator('.field-error'), /раньше начала/); // the period is checked before sending
  await form.locator('input[name=ends_on]').fill('2026-04-30');
  await page.click('button[data-action=save-study]');
  await page.waitForURL(/research\/studies\/\d+$/);
  studyId = Number(/studies\/(\d+)$/.exec(page.url())[1]);
  await waitText(heading(), studyName);
  await waitText(page.locator('.card-title .badge'), /идёт/);
  await page.click('.study-guide-box summary');
  await waitText(page.locator('.study-guide'), /Оценки по процессам/);
  // Edit: a draft again, then back to open (a merge patch with If-Match).
  await page.click('button[data-action=edit-study]');
  await page.locator('form.study-form select[name=status]').selectOption('draft');
  await page.click('button[data-action=save-study]');
  await waitText(page.locator('.card-title .badge'), /черновик/);
  await page.click('button[data-action=edit-study]');
  await page.locator('form.study-form select[name=status]').selectOption('open');
  await page.click('button[data-action=save-study]');
  await waitText(page.locator('.card-title .badge'), /идёт/);
  // Listed, with its kind; a filter by another kind hides it.
  await page.click('a.back');
  const row = page.locator(`tr[data-study-id="${studyId}"]`);
  await waitText(row, /Интервью CSM/);
  await page.locator('.studies-filters select[name=kind]').selectOption('survey');
  await page.waitForURL(/kind=survey/);
  await row.waitFor({ state: 'detached' });
  await page.locator('.studies-filters select[name=kind]').selectOption('csm_interview');
  await row.waitFor();
});

await test('research: questions of several kinds, reordered by buttons and by drag, one retired', async () => {
  assert(studyId, 'the study was created');
  await page.goto(studyUrl());
  await waitText(page.locator('a[data-tab=questions].active'), /Анкета/);
  await page.click('button[data-action=add-question]');
  let form = await questionBasics('recommend', 'nps', 'Насколько вероятно, что вы порекомендуете нас?', 'How likely are you to recommend us?');
  await form.locator('input[name=required]').check();
  await saveQuestion('nps');
  await page.click('button[data-action=add-question]');
  form = await questionBasics('component', 'terms', 'Оцените отгрузку', 'Rate the shipment');
  await form.locator('select[name=component_id]').selectOption({ index: 1 });
  await saveQuestion('terms');
  await page.click('button[data-action=add-question]');
  form = await questionBasics('factors', 'why', 'Что повлияло на оценку?', 'What made the score?');
  await saveQuestion('why');
  await page.click('button[data-action=add-question]');
  form = await questionBasics('choice', 'pick', 'Как часто вы заказываете?', 'How often do you order?');
  await page.click('button[data-action=save-question]');
  await waitText(form.locator('.field-error'), /двух вариантов/);
  await form.locator('button[data-action=add-option]').click();
  await form.locator('button[data-action=add-option]').click();
  await form.locator('input[name=option_0_code]').fill('weekly');
  await form.locator('input[name="options/0/text_ru"]').fill('Каждую неделю');
  await form.locator('input[name="options/0/text_en"]').fill('Every week');
  await form.locator('input[name=option_1_code]').fill('monthly');
  await form.locator('input[name="options/1/text_ru"]').fill('Раз в месяц');
  await saveQuestion('pick');
  await page.click('button[data-action=add-question]');
  await questionBasics('text', 'comment', 'Что нам улучшить?', 'What should we improve?');
  await saveQuestion('comment');
  await page.click('button[data-action=add-question]');
  await questionBasics('text', 'extra', 'Лишний вопрос', 'A spare question');
  await saveQuestion('extra');
  assert(JSON.stringify(await shownOrder()) === JSON.stringify(['nps', 'terms', 'why', 'pick', 'comment', 'extra']), `order ${await shownOrder()}`);
  await waitText(page.locator('li[data-question=pick] .q-options'), /Каждую неделю/);
  // ↑ moves "comment" above "pick"; the API keeps the order.
  await page.click('li[data-question=comment] button[data-action=up]');
  await page.waitForFunction(() => [...document.querySelectorAll('.questionnaire ol.question-list > li[data-question]')].map((e) => e.dataset.question).join() === 'nps,terms,why,comment,pick,extra');
  // Drag "why" (by its row) onto "nps": it goes first.
  await page.locator('li[data-question=why]').dragTo(page.locator('li[data-question=nps]'));
  await page.waitForFunction(() => [...document.querySelectorAll('.questionnaire ol.question-list > li[data-question]')].map((e) => e.dataset.question).join() === 'why,nps,terms,comment,pick,extra');
  const qs = await pageApi('GET', `/workspaces/${WS}/studies/${studyId}/questions`);
  assert(qs.body.items.map((q) => q.code).join() === 'why,nps,terms,comment,pick,extra', `API order ${qs.body.items.map((q) => q.code)}`);
  // Edit a question's text; retire the spare one (it moves to the retired list) and restore it, retire again.
  await page.click('li[data-question=comment] button[data-action=edit-question]');
  await page.locator('form[data-question-form] textarea[name=text_ru]').fill('Что нам улучшить в первую очередь?');
  await page.click('form[data-question-form] button[data-action=save-question]');
  await waitText(page.locator('li[data-question=comment] .q-text'), /в первую очередь/);
  page.once('dialog', (d) => d.accept());
  await page.click('li[data-question=extra] button[data-action=retire]');
  await page.locator('li[data-question=extra].retired').waitFor();
  await page.click('li[data-question=extra] button[data-action=restore]');
  await page.locator('ol.question-list > li[data-question=extra]').waitFor();
  page.once('dialog', (d) => d.accept());
  await page.click('li[data-question=extra] button[data-action=retire]');
  await page.locator('li[data-question=extra].retired').waitFor();
  await waitText(page.locator('.meta'), /вопросов: 5/);
});

await test('research: record an interview — a required answer is asked for, then it is submitted and listed', async () => {
  assert(studyId && accountId, 'the study and the company exist');
  await page.goto(studyUrl('interview'));
  await waitText(page.locator('.guide-aside .study-guide'), /Знакомство/); // the guide beside the form
  await page.fill('input[name=interview_account]', companyName);
  await page.locator(`.pick-list button[data-account-id="${accountId}"]`).click();
  await page.locator(`[data-picked-account="${accountId}"]`).waitFor();
  // Submitting without the required recommend answer marks that question.
  await page.click('button[data-action=submit-interview]');
  await waitText(page.locator('.interview-question[data-question=nps] .field-error'), /нужен ответ/);
  await page.click('[data-name=a_nps] button[data-score="9"]');
  await page.locator('.interview-question[data-question=nps] .field-error').waitFor({ state: 'detached' });
  await page.locator('.interview-question[data-question=terms] .score-picker button[data-score]:not([data-score=""])').last().click();
  await page.locator('.interview-question[data-question=why] input[type=checkbox]').first().check();
  await page.locator('.interview-question[data-question=pick] input[value=monthly]').check();
  await page.fill('textarea[name=a_comment]', 'Быстрее отвечать на звонки');
  await page.fill('textarea[name=notes]', 'Говорили 40 минут');
  await page.fill('textarea[name=quote_0]', 'Вы лучше всех по срокам');
  await page.click('button[data-action=add-quote]');
  await page.fill('textarea[name=quote_1]', 'Но звонки — беда');
  await page.click('button[data-action=submit-interview]');
  await page.waitForURL(/\/responses$/);
  await waitText(page.locator('.alert-ok'), /Интервью отправлено/);
  const row = page.locator('table.responses-table tbody tr[data-response-id]').first();
  await waitText(row, /интервью/);
  await waitText(row, /отправлен/);
  await waitText(row, new RegExp(companyName));
  await row.locator('button[data-action=open-response]').click();
  const detail = page.locator('[data-response-detail]');
  await waitText(detail.locator('[data-answer=nps] dt'), /порекомендуете/);
  await waitText(detail.locator('[data-answer=nps] dd'), /^9$/);
  await waitText(detail.locator('[data-answer=pick] dd'), /Раз в месяц/);
  await waitText(detail.locator('.quotes'), /звонки — беда/);
  // The filters: drafts only → empty; submitted → listed.
  await page.locator('select[name=response_status]').selectOption('draft');
  await page.locator('.responses .empty').waitFor();
  await page.locator('select[name=response_status]').selectOption('submitted');
  await row.waitFor();
  // The API has it as an assessment of the company.
  const list = await pageApi('GET', `/workspaces/${WS}/studies/${studyId}/responses`);
  const r = list.body.items[0];
  assert(r.account_id === accountId && r.status === 'submitted' && r.answers.nps === 9 && r.quotes.length === 2, JSON.stringify(r));
});

await test('research: a draft interview is saved and continued; archive and restore a response', async () => {
  await page.goto(studyUrl('interview'));
  await page.fill('input[name=interview_account]', companyName);
  await page.locator(`.pick-list button[data-account-id="${accountId}"]`).click();
  await page.fill('textarea[name=a_comment]', 'Черновик');
  // A question retired meanwhile: the API's 422 at /answers/comment is shown at that question.
  const path = `/workspaces/${WS}/studies/${studyId}/questions`;
  const comment = (await pageApi('GET', path)).body.items.find((q) => q.code === 'comment');
  const off = await pageApi('PATCH', `${path}/${comment.id}`, { active: false }, comment.version);
  assert(off.status === 200, `retiring answered ${off.status}`);
  await page.click('button[data-action=save-draft]');
  await waitText(page.locator('.interview-question[data-question=comment] .field-error'), /comment/);
  const on = await pageApi('PATCH', `${path}/${comment.id}`, { active: true }, off.body.version);
  assert(on.status === 200, `restoring answered ${on.status}`);
  await page.click('button[data-action=save-draft]');
  await page.waitForURL(/\/responses$/);
  const draftRow = page.locator('table.responses-table tbody tr[data-response-id]').filter({ hasText: /черновик/ }).first();
  await draftRow.locator('button[data-action=open-response]').click();
  await page.click('button[data-action=continue-response]');
  await page.waitForURL(/\/interview$/);
  await waitText(page.locator('.interview-form h2'), /Продолжение интервью/);
  assert((await page.inputValue('textarea[name=a_comment]')) === 'Черновик', 'the draft answer is filled in');
  await page.click('button[data-action=save-draft]');
  await page.waitForURL(/\/responses$/);
  const id = await draftRow.getAttribute('data-response-id');
  await draftRow.locator('button[data-action=open-response]').click();
  page.once('dialog', (d) => d.accept());
  await page.click('button[data-action=archive-response]');
  await page.locator(`tr[data-response-id="${id}"]`).waitFor({ state: 'detached' });
  await page.locator('input[name=response_archived]').check();
  await page.locator(`tr[data-response-id="${id}"] button[data-action=open-response]`).click();
  await page.click('button[data-action=restore-response]');
  await page.locator(`tr[data-response-id="${id}"]`).waitFor({ state: 'detached' });
});

await test('research: invite a person — the link is shown once — and an anonymous link', async () => {
  const made = await pageApi('POST', `/workspaces/${WS}/accounts/${accountId}/contacts`, { name: `Опрашиваемый ${stamp}` });
  assert(made.status === 201, `POST contacts answered ${made.status}`);
  await page.goto(studyUrl('invitations'));
  await page.click('button[data-action=invite]');
  await page.fill('input[name=invite_account]', companyName);
  await page.locator(`.pick-list button[data-account-id="${accountId}"]`).click();
  await page.locator(`label[data-contact-id="${made.body.id}"] input`).check();
  await page.click('button[data-action=make-invitations]');
  const link = page.locator('[data-fresh-links] input.once-link-url');
  await link.first().waitFor();
  const url = await link.first().inputValue();
  assert(/^http:\/\/[^/]+\/s\/[A-Za-z0-9_-]{20,}$/.test(url), `the link ${url}`);
  await page.locator('[data-fresh-links] button[data-action=copy]').first().click();
  const row = page.locator('table.invitations-table tbody tr').filter({ hasText: `Опрашиваемый ${stamp}` });
  await waitText(row, /отправлено/);
  // The public page opens (a new context: no session) and the invitation becomes "opened".
  const anon = await browser.newContext();
  const p = await anon.newPage();
  const res = await p.goto(url);
  assert(res.status() === 200, `the survey page answered ${res.status()}`);
  await anon.close();
  await page.reload();
  await waitText(row, /открыто/);
  // Shown once: after a reload the list has no link.
  assert((await page.locator('[data-fresh-links]').count()) === 0, 'the link is not shown again');
  page.once('dialog', (d) => d.accept());
  await row.locator('button[data-action=revoke]').click();
  await row.waitFor({ state: 'detached' });
  // The anonymous link: made, shown once, then replaced and revoked.
  await page.click('button[data-action=make-anon]');
  const anonLink = page.locator('[data-anon-link] input.once-link-url');
  assert(/\/s\/[A-Za-z0-9_-]{20,}$/.test(await anonLink.inputValue()), 'the anonymous link is shown');
  await waitText(page.locator('[data-anon-link] .anon-state'), /ответов: 0/);
  const first = await anonLink.inputValue();
  page.once('dialog', (d) => d.accept());
  await page.click('button[data-action=make-anon-en]');
  await page.waitForFunction((old) => {
    const el = document.querySelector('[data-anon-link] input.once-link-url');
    return el && el.value !== old;
  }, first);
  page.once('dialog', (d) => d.accept());
  await page.click('button[data-action=revoke-anon]');
  await waitText(page.locator('[data-anon-link] .anon-state'), /нет анонимной ссылки/);
});

await test('research: the study pages in English', async () => {
  await page.goto(studyUrl());
  await waitText(page.locator('a[data-tab=questions]'), /^Анкета$/);
  await page.click('button[data-lang=en]');
  await waitText(page.locator('a[data-tab=questions]'), /^Questionnaire$/);
  await waitText(page.locator('a[data-tab=interview]'), /^Record an interview$/);
  await waitText(page.locator('#main-nav a.active'), /^Research$/);
  await waitText(page.locator('li[data-question=nps] .q-text'), /How likely are you to recommend us\?/);
  await waitText(page.locator('li[data-question=nps] .badge'), /Likelihood to recommend/);
  await page.click('a.back');
  await waitText(heading(), /^Studies$/);
  await waitText(page.locator(`tr[data-study-id="${studyId}"]`), /CSM interviews/);
  await page.click('button[data-lang=ru]');
  await waitText(heading(), /^Исследования$/);
});

await test('research: phone viewport — the questionnaire and the interview form fit the width', async () => {
  const { phone, p } = await openPhone();
  const overflow = () => horizontalOverflow(p);
  await p.goto(studyUrl());
  await p.locator('li[data-question=nps] .q-text').waitFor();
  assert((await overflow()) <= 0, `the questionnaire overflows by ${await overflow()}px`);
  const text = await p.locator('li[data-question=nps] .q-text').boundingBox();
  assert(text.width > 200, `the question text is squeezed to ${text.width}px`);
  await p.goto(studyUrl('interview'));
  await p.locator('.interview-question[data-question=nps]').waitFor();
  assert((await overflow()) <= 0, `the interview form overflows by ${await overflow()}px`);
  await p.screenshot({ path: `${SHOTS}/e2e-phone-interview.png`, fullPage: true });
  await phone.close();
});

// ---- responses import/export, corrections, figure settings (helper-ui-io) ----
let rioStudyId = null;
const rioUrl = (tab) => `${BASE}/#/w/${WS}/research/studies/${rioStudyId}${tab ? `/${tab}` : ''}`;
async function rioEnsureStudy() {
  if (rioStudyId) return rioStudyId;
  const st = await pageApi('POST', `/workspaces/${WS}/studies`, { name: `E2E импорт ${stamp}`, kind: 'survey', status: 'open' });
  assert(st.status === 201, `study created: ${st.status} ${JSON.stringify(st.body)}`);
  for (const q of [
    { code: 'nps', kind: 'recommend', text: { ru: 'Порекомендуете ли вы нас?', en: 'Would you recommend us?' } },
    { code: 'comment', kind: 'text', text: { ru: 'Комментарий', en: 'Comment' } },
  ]) {
    const r = await pageApi('POST', `/workspaces/${WS}/studies/${st.body.id}/questions`, q);
    assert(r.status === 201, `question ${q.code}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  rioStudyId = st.body.id;
  return rioStudyId;
}

await test('research: import responses — the dry run names the bad line and column, a good file imports, the CSV export has the codes', async () => {
  await rioEnsureStudy();
  await page.goto(rioUrl('responses'));
  await page.locator('.responses .empty').waitFor();
  await page.click('button[data-action=import-responses]');
  const panel = page.locator('[data-part=responses-import]');
  await panel.locator('.rio-codes tr[data-code=nps]').waitFor();
  await panel.locator('code[data-id-column=respondent_id]').waitFor();
  const upload = (text) => panel.locator('input[name=responses_file]').setInputFiles({ name: 'responses.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
  await upload('respondent_id;nps;comment\nr1;9;Всё хорошо\nr2;11;Плохо\n');
  await panel.locator('button[data-action=import-check]').click();
  const rej = panel.locator('table.rio-rejected tbody tr').first();
  await rej.waitFor();
  assert((await rej.getAttribute('data-line')) === '3', `the bad line is 3 (got ${await rej.getAttribute('data-line')})`);
  assert((await rej.getAttribute('data-field')) === 'nps', `the bad column is nps (got ${await rej.getAttribute('data-field')})`);
  assert(await panel.locator('button[data-action=import-run]').isDisabled(), 'import stays disabled while rows are invalid');
  await upload('respondent_id;nps;comment\nr1;9;Всё хорошо\nr2;6;Медленно\n');
  await panel.locator('button[data-action=import-check]').click();
  await panel.locator('.report[data-dry-run=true] [data-stat=imported] dd').filter({ hasText: /^2$/ }).waitFor();
  await panel.locator('button[data-action=import-run]:not([disabled])').click();
  await panel.locator('.report[data-dry-run=false]').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('table.responses-table tbody tr[data-response-id]').length === 2);
  const href = await page.locator('a[data-export=csv]').getAttribute('href');
  assert(/exports\/responses\?format=csv$/.test(href), `export link ${href}`);
  const res = await page.evaluate(async (h) => {
    const r = await fetch(h);
    return { status: r.status, type: r.headers.get('Content-Type') || '', text: await r.text() };
  }, href);
  assert(res.status === 200 && /text\/csv/.test(res.type), `export answers CSV (${res.status} ${res.type})`);
  const header = res.text.replace(/^\uFEFF/, '').split(/\r?\n/)[0].split(';').map((c) => c.replace(/"/g, ''));
  assert(header.includes('nps') && header.includes('comment') && header.includes('respondent_id'), `header ${header}`);
  assert(/Медленно/.test(res.text), 'the exported rows hold the imported answers');
});

await test('research: correct a submitted response — a conflict offers a reload, then the answer changes', async () => {
  assert(rioStudyId, 'the import study exists');
  await page.goto(rioUrl('responses'));
  const list = await pageApi('GET', `/workspaces/${WS}/studies/${rioStudyId}/responses`);
  const r = list.body.items.find((x) => x.respondent_key === 'r2');
  assert(r && r.status === 'submitted' && r.answers.nps === 6, `imported response ${JSON.stringify(r)}`);
  await page.locator(`tr[data-response-id="${r.id}"] button[data-action=open-response]`).click();
  await page.click('button[data-action=edit-response]');
  const form = page.locator(`form[data-response-edit="${r.id}"]`);
  await form.waitFor();
  // Someone else changes the response meanwhile: saving is refused (412) with a reload offered.
  const other = await pageApi('PATCH', `/workspaces/${WS}/studies/${rioStudyId}/responses/${r.id}`, { notes: 'Правка коллеги' }, r.version);
  assert(other.status === 200, `the other edit: ${other.status}`);
  await form.locator('[data-name=re_nps] button[data-score="10"]').click();
  await form.locator('button[data-action=save-correction]').click();
  await form.locator('[data-conflict]').waitFor();
  await form.locator('button[data-action=reload-response]').click();
  await form.locator('[data-conflict]').waitFor({ state: 'detached' });
  assert((await form.locator('textarea[name=redit_notes]').inputValue()) === 'Правка коллеги', 'the reload shows the other version');
  await form.locator('[data-name=re_nps] button[data-score="10"]').click();
  await form.locator('button[data-action=save-correction]').click();
  await form.waitFor({ state: 'detached' });
  await waitText(page.locator(`[data-response-detail="${r.id}"] [data-answer=nps] dd`), /^10$/);
  const after = await pageApi('GET', `/workspaces/${WS}/studies/${rioStudyId}/responses/${r.id}`);
  assert(after.body.answers.nps === 10 && after.body.answers.comment === 'Медленно' && after.body.notes === 'Правка коллеги',
    `corrected: ${JSON.stringify(after.body)}`);
});

await test('research dashboard: k, thresholds and the quadrants target kept in the URL and the CSV links; k = 3 gives three clusters', async () => {
  const sid = await raEnsureStudy();
  await page.goto(`${BASE}/#/w/${WS}/research/dashboard?study_id=${sid}`);
  const seg = raPanel('segments');
  await seg.locator('select[name=segments-k]').waitFor();
  await seg.locator('select[name=segments-k]').selectOption('3');
  await page.waitForURL(/[?&]k=3/);
  await page.waitForFunction(() => document.querySelectorAll('section[data-figure=segments] tr[data-cluster]').length === 3);
  assert(/[?&]k=3/.test(await seg.locator('a[data-csv]').getAttribute('href')), 'the segments CSV carries k');
  await seg.locator('input[name=segments-sat_high]').fill('4');
  await seg.locator('input[name=segments-sat_high]').press('Enter');
  await page.waitForURL(/sat_high=4/);
  await page.waitForFunction(() => /sat_high=4/.test(document.querySelector('section[data-figure=segments] a[data-csv]').getAttribute('href')));
  await raPanel('quadrants').locator('select[name=quadrants-target]').selectOption('satisfaction');
  await page.waitForURL(/quadrants_target=satisfaction/);
  await page.waitForFunction(() => /target=satisfaction/.test(document.querySelector('section[data-figure=quadrants] a[data-csv]').getAttribute('href')));
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('section[data-figure=segments] tr[data-cluster]').length === 3);
  assert((await seg.locator('select[name=segments-k]').inputValue()) === '3', 'k survives a reload');
  assert((await raPanel('quadrants').locator('select[name=quadrants-target]').inputValue()) === 'satisfaction', 'the target survives a reload');
});
// ---- end of helper-ui-io ----

// ---- requests: the dialog window, staff side (helper-ui-requests) ----
const rqSubject = `E2E рекламация ${stamp}`;
let rqAccount = null; // { id, name, contact: { id, name } }
let rqId = null;
const rqUrl = (id = rqId) => `${BASE}/#/w/${WS}/requests/${id}`;
const rqGet = async (id = rqId) => (await pageApi('GET', `/workspaces/${WS}/requests/${id}`)).body;
const rqSide = (name) => page.locator(`select[name="side-${name}"]`);
/** Waits until the server's copy of the request satisfies pred (the UI saved it). */
async function rqUntil(pred, what, id = rqId) {
  for (let i = 0; i < 50; i++) {
    const r = await rqGet(id);
    if (pred(r)) return r;
    await page.waitForTimeout(100);
  }
  throw new Error(`the request never got ${what}: ${JSON.stringify(await rqGet(id))}`);
}

/** A demo company that has a person on its account map. */
async function rqDemoAccount() {
  if (rqAccount) return rqAccount;
  const list = await pageApi('GET', `/workspaces/${WS}/accounts?sort=name&limit=30`);
  for (const a of list.body.items) {
    if (a.name.startsWith('E2E')) continue;
    const c = await pageApi('GET', `/workspaces/${WS}/accounts/${a.id}/contacts`);
    const person = (c.body.items || []).find((x) => !x.archived_at && !x.left_on);
    if (person) {
      rqAccount = { id: a.id, name: a.name, contact: { id: person.id, name: person.name } };
      return rqAccount;
    }
  }
  throw new Error('no demo company with a person');
}

await test('requests: record a request for a demo company from the inbox', async () => {
  const acc = await rqDemoAccount();
  await page.goto(`${BASE}/#/w/${WS}/accounts`);
  await page.click(`#main-nav a[href="#/w/${WS}/requests"]`);
  await waitText(heading(), /^Обращения$/);
  assert(/active/.test(await page.locator(`#main-nav a[href="#/w/${WS}/requests"]`).getAttribute('class')), 'the nav item is active');
  await page.locator('table.requests-table tbody tr').first().waitFor();
  await page.click('button[data-action=new-request]');
  const form = page.locator('form[data-form=new-request]');
  await form.locator('#f-request_account').fill(acc.name);
  await form.locator(`button[data-account-id="${acc.id}"]`).click();
  await form.locator(`select[name=contact_id] option[value="${acc.contact.id}"]`).waitFor({ state: 'attached' });
  await form.locator('select[name=contact_id]').selectOption(String(acc.contact.id));
  await form.locator('select[name=kind]').selectOption('complaint');
  await form.locator('select[name=priority]').selectOption('high');
  // An empty text is refused beside the field, in Russian.
  await form.locator('input[name=subject]').fill(rqSubject);
  await form.locator('button[type=submit]').click();
  await waitText(form.locator('.field-error'), /Обязательное поле|Обязательно/);
  await form.locator('textarea[name=body]').fill('Пришла партия с браком.\nПросим заменить 12 позиций.');
  await form.locator('button[type=submit]').click();
  await page.waitForURL(/#\/w\/[^/]+\/requests\/\d+$/);
  rqId = Number(/requests\/(\d+)$/.exec(page.url())[1]);
  await waitText(heading(), rqSubject);
  const facts = page.locator('.request-facts');
  assert((await facts.locator('a[data-link=company]').getAttribute('href')) === `#/w/${WS}/accounts/${acc.id}`, 'the company links to its card');
  await waitText(facts.locator('[data-fact=person] dd'), acc.contact.name);
  await waitText(page.locator('.card-title [data-kind=complaint]'), /^рекламация$/);
  await waitText(page.locator('.card-title [data-status=new]'), /^новое$/);
  await waitText(page.locator('.card-title [data-priority=high]'), /^высокий$/);
  const first = page.locator('li.msg').first();
  assert((await first.getAttribute('data-author')) === 'client', 'the recorded text is the client’s message');
  assert((await first.locator('.msg-body').textContent()) === 'Пришла партия с браком.\nПросим заменить 12 позиций.', 'line breaks are kept');
  const r = await rqGet();
  assert(r.account_id === acc.id && r.contact_id === acc.contact.id && r.kind === 'complaint' && r.priority === 'high',
    `recorded: ${JSON.stringify(r)}`);
});

await test('requests: reply, internal note, a refused move (409 beside the field), waiting and resolved', async () => {
  assert(rqId, 'the request was recorded');
  await page.goto(rqUrl());
  await waitText(heading(), rqSubject);
  const box = page.locator('form[data-form=reply]');
  await box.locator('button[data-action=reply-reply]').click();
  await box.locator('[data-error=reply]').waitFor(); // empty text
  await box.locator('textarea[name=reply]').fill('Здравствуйте! Разбираемся, ответим сегодня.');
  await box.locator('button[data-action=reply-reply]').click();
  await page.locator('li.msg-staff').first().waitFor();
  await page.locator('.card-title [data-status=open]').waitFor(); // the first reply opens it
  assert((await box.locator('textarea[name=reply]').inputValue()) === '', 'the box is emptied');

  await box.locator('textarea[name=reply]').fill('Проверить партию на складе в Казани.');
  await box.locator('button[data-action=reply-note]').click();
  const note = page.locator('li.msg-internal');
  await note.waitFor();
  assert(/Внутренняя заметка/.test(await note.textContent()), 'the note is labelled as internal');
  const bg = await note.evaluate((el) => getComputedStyle(el).backgroundColor);
  assert(bg === 'rgb(255, 246, 199)', `the note has a yellow background (${bg})`);
  const staffBg = await page.locator('li.msg-staff').first().evaluate((el) => getComputedStyle(el).backgroundColor);
  const clientBg = await page.locator('li.msg-client').first().evaluate((el) => getComputedStyle(el).backgroundColor);
  assert(staffBg !== clientBg, 'client messages and our replies look different');
  await page.locator('.card-title [data-status=open]').waitFor(); // a note changes nothing

  // open → closed is not allowed: the server's detail shows beside the status and it stays open.
  await rqSide('status').selectOption('closed');
  const err = page.locator('.request-side .field-invalid .field-error');
  await err.waitFor();
  assert(/cannot become closed/.test(await err.textContent()), `the 409 detail: ${await err.textContent()}`);
  assert((await rqSide('status').inputValue()) === 'open', 'the status select shows the server’s value again');

  await box.locator('textarea[name=reply]').fill('Уточните, пожалуйста, номера позиций.');
  await box.locator('button[data-action=reply-wait]').click();
  await page.locator('.card-title [data-status=waiting]').waitFor();
  await waitText(page.locator('.card-title [data-status=waiting]'), /^ждёт клиента$/);
  assert((await page.locator('.request-side .field-error').count()) === 0, 'the old error is gone');

  await rqSide('status').selectOption('resolved');
  await page.locator('.card-title [data-status=resolved]').waitFor();
  const r = await rqUntil((x) => x.status === 'resolved', 'resolved');
  const kinds = r.thread.map((m) => (m.internal ? 'note' : m.author));
  assert(JSON.stringify(kinds) === '["client","staff","note","staff"]', `the thread: ${kinds}`);
  await waitText(page.locator('.request-facts [data-fact=resolved] dd'), /\d/);
  await page.screenshot({ path: `${SHOTS}/e2e-request.png`, fullPage: true });
});

await test('requests: assign and classify in the side panel, every change with If-Match; a 422 beside its field', async () => {
  assert(rqId, 'the request was recorded');
  await page.goto(rqUrl());
  await waitText(heading(), rqSubject);
  const patches = [];
  const onReq = (rq) => {
    if (rq.method() === 'PATCH' && rq.url().includes('/requests/')) patches.push(rq.headers()['if-match'] || null);
  };
  page.on('request', onReq);
  try {
    await page.click('.request-side button[data-action=take]');
    await rqUntil((x) => x.assignee_email === EMAIL, 'the caller as assignee');
    await page.locator('.request-side button[data-action=take]').waitFor({ state: 'detached' });
    await rqSide('assignee').selectOption('manager@advocate.local');
    await rqUntil((x) => x.assignee_email === 'manager@advocate.local', 'the manager as assignee');

    await rqSide('component_id').locator('option:nth-child(2)').waitFor({ state: 'attached' });
    const component = await rqSide('component_id').locator('option:nth-child(2)').getAttribute('value');
    await rqSide('component_id').selectOption(component);
    await rqUntil((x) => String(x.component_id) === component, 'a component');
    const factorOption = rqSide('factor_id').locator('option:nth-child(2)');
    await factorOption.waitFor({ state: 'attached' });
    const factor = await factorOption.getAttribute('value');
    await rqSide('factor_id').selectOption(factor);
    await rqUntil((x) => String(x.factor_id) === factor, 'a factor');
    await rqSide('stage_id').locator('option:nth-child(2)').waitFor({ state: 'attached' });
    const stage = await rqSide('stage_id').locator('option:nth-child(2)').getAttribute('value');
    await rqSide('stage_id').selectOption(stage);
    const r = await rqUntil((x) => String(x.stage_id) === stage, 'a stage');
    assert(String(r.component_id) === component && String(r.factor_id) === factor, `classified: ${JSON.stringify(r)}`);
    await page.waitForFunction(() => !document.querySelector('.request-side select:disabled'));

    // A stage the server does not know (the body altered on its way): 422 naming /stage_id.
    await page.route('**/api/v1/workspaces/*/requests/*', async (route) => {
      if (route.request().method() !== 'PATCH') return route.continue();
      await route.continue({ postData: JSON.stringify({ stage_id: 999999999 }) });
    });
    await rqSide('stage_id').selectOption('');
    const err = page.locator('.request-side .field-invalid .field-error');
    await err.waitFor();
    assert(/stage/.test(await err.textContent()), `the 422 detail: ${await err.textContent()}`);
    assert((await err.locator('xpath=..').locator('select').getAttribute('name')) === 'side-stage_id', 'it is beside the stage');
    assert((await rqSide('stage_id').inputValue()) === stage, 'the stage select shows the server’s value again');
    await page.unroute('**/api/v1/workspaces/*/requests/*');
  } finally {
    page.off('request', onReq);
  }
  assert(patches.length >= 6 && patches.every((h) => /^"\d+"$/.test(h || '')), `every PATCH carries If-Match: ${JSON.stringify(patches)}`);
});

await test('requests: the inbox filtered by status (several), assignee, kind and company, kept in the URL; load more', async () => {
  assert(rqId, 'the request was recorded');
  await page.goto(`${BASE}/#/w/${WS}/requests`);
  await waitText(heading(), /^Обращения$/);
  const rows = page.locator('table.requests-table tbody tr');
  await rows.first().waitFor();
  // The demo holds more than one page: "load more" appends the next one.
  const before = await rows.count();
  assert(before === 50, `the first page has 50 rows (${before})`);
  await page.click('button[data-action=load-more]');
  await page.waitForFunction((n) => document.querySelectorAll('table.requests-table tbody tr').length > n, before);
  await page.locator('button[data-action=load-more]').waitFor({ state: 'detached' });

  await page.check('input[name=filter-status][value=resolved]');
  await page.waitForURL(/status=resolved$/);
  await page.locator(`tr[data-request-id="${rqId}"]`).waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('table.requests-table tbody tr')].every((tr) => tr.dataset.status === 'resolved'));
  await page.check('input[name=filter-status][value=waiting]');
  await page.waitForURL(/status=waiting(%2C|,)resolved/);
  await page.waitForFunction(() => [...document.querySelectorAll('table.requests-table tbody tr')].some((tr) => tr.dataset.status === 'waiting'));
  assert(await page.locator('table.requests-table tbody tr').evaluateAll((trs) => trs.every((tr) => ['waiting', 'resolved'].includes(tr.dataset.status))),
    'only waiting and resolved requests are listed');
  await page.selectOption('select[name=filter-assignee]', 'manager@advocate.local');
  await page.waitForURL(/assignee=manager/);
  await page.selectOption('select[name=filter-kind]', 'complaint');
  await page.waitForURL(/kind=complaint/);
  await page.fill('#f-filter_account', rqAccount.name);
  await page.click(`.company-filter button[data-account-id="${rqAccount.id}"]`);
  await page.waitForURL(new RegExp(`account_id=${rqAccount.id}`));
  await page.waitForFunction((id) => {
    const trs = document.querySelectorAll('table.requests-table tbody tr');
    return trs.length === 1 && trs[0].dataset.requestId === String(id);
  }, rqId);
  const row = page.locator(`tr[data-request-id="${rqId}"]`);
  await waitText(row.locator('td').nth(1), rqAccount.name);
  await waitText(row, /рекламация/);
  await waitText(row, /решено/);
  await waitText(row, /Марина Ковалёва/);
  // The filters survive a reload.
  await page.reload();
  await page.locator(`tr[data-request-id="${rqId}"]`).waitFor();
  assert(await page.isChecked('input[name=filter-status][value=waiting]') && await page.isChecked('input[name=filter-status][value=resolved]'),
    'both statuses stay ticked');
  assert(!(await page.isChecked('input[name=filter-status][value=open]')), 'other statuses are not ticked');
  assert((await page.inputValue('select[name=filter-assignee]')) === 'manager@advocate.local', 'the assignee stays');
  await waitText(page.locator('.company-filter .picked'), rqAccount.name);
  // "Nobody" excludes it; back to the list from the request keeps the filters.
  await page.selectOption('select[name=filter-assignee]', 'none');
  await page.waitForURL(/assignee=none/);
  await page.locator(`tr[data-request-id="${rqId}"]`).waitFor({ state: 'detached' });
  await page.selectOption('select[name=filter-assignee]', 'manager@advocate.local');
  await page.locator(`tr[data-request-id="${rqId}"] a`).first().click();
  await waitText(heading(), rqSubject);
  await page.click('a.back');
  await page.waitForURL(/assignee=manager/);
  await page.locator(`tr[data-request-id="${rqId}"]`).waitFor();
  await page.screenshot({ path: `${SHOTS}/e2e-requests.png`, fullPage: true });
  await page.click('button[data-action=reset-filters]');
  await page.waitForURL(new RegExp(`#/w/${WS}/requests$`));
});

await test('requests: the company card’s tab lists its requests and records one for it', async () => {
  assert(rqId, 'the request was recorded');
  await page.goto(`${BASE}/#/w/${WS}/accounts/${rqAccount.id}`);
  await page.click('a[data-tab=requests]');
  await page.waitForURL(/\/requests$/);
  const row = page.locator(`.account-requests tr[data-request-id="${rqId}"]`);
  await row.waitFor();
  assert((await row.locator('a').first().getAttribute('href')) === `#/w/${WS}/requests/${rqId}`, 'the row links to the request');
  const all = await pageApi('GET', `/workspaces/${WS}/requests?account_id=${rqAccount.id}&limit=500`);
  assert((await page.locator('.account-requests tbody tr').count()) === all.body.items.length, 'exactly the company’s requests');
  assert((await page.locator('.account-requests a[data-link=inbox]').getAttribute('href')).endsWith(`?account_id=${rqAccount.id}`),
    'the inbox link filters by the company');
  await page.click('.account-requests button[data-action=new-request]');
  const form = page.locator('form[data-form=new-request]');
  assert((await form.locator('#f-request_account').count()) === 0, 'the company is fixed on its card');
  await form.locator('input[name=subject]').fill(`E2E вопрос с карточки ${stamp}`);
  await form.locator('textarea[name=body]').fill('Когда будет следующая поставка?');
  await form.locator('button[type=submit]').click();
  await page.waitForURL(/#\/w\/[^/]+\/requests\/\d+$/);
  await waitText(page.locator('.request-facts a[data-link=company]'), rqAccount.name);
  await waitText(page.locator('.card-title [data-kind=question]'), /вопрос/);
});

await test('requests: a 412 when the request was changed through the API meanwhile, then a reload', async () => {
  assert(rqId, 'the request was recorded');
  // Without its live stream (a fresh page whose stream is cut), the page does not learn of the
  // other change by itself: the PATCH carries the version on screen.
  await page.route('**/api/v1/workspaces/*/events*', (route) => route.abort());
  try {
    await page.goto('about:blank');
    await page.goto(rqUrl());
    await waitText(heading(), rqSubject);
    await page.waitForFunction(() => document.querySelector('select[name=side-priority]') && !document.querySelector('select[name=side-priority]').disabled);
    const cur = await rqGet();
    const other = await pageApi('PATCH', `/workspaces/${WS}/requests/${rqId}`, { priority: 'urgent' }, cur.version);
    assert(other.status === 200, `the other change: ${other.status}`);
    await rqSide('priority').selectOption('low');
    const banner = page.locator('[data-conflict]');
    await banner.waitFor();
    assert(/Кто-то другой изменил это обращение/.test(await banner.textContent()), 'the conflict is explained');
    assert((await rqSide('priority').inputValue()) === 'high', 'the select shows the version on screen, not the refused change');
    assert((await rqGet()).priority === 'urgent', 'nothing was overwritten');
    await banner.locator('button[data-action=reload-request]').click();
    await banner.waitFor({ state: 'detached' });
    await page.locator('.card-title [data-priority=urgent]').waitFor();
    assert((await rqSide('priority').inputValue()) === 'urgent', 'the reload shows their change');
    await rqSide('priority').selectOption('low');
    await rqUntil((x) => x.priority === 'low', 'the repeated change');
    await page.locator('.card-title [data-priority=low]').waitFor();
  } finally {
    await page.unroute('**/api/v1/workspaces/*/events*');
    await page.reload(); // the stream back for the next cases
  }
});

await test('requests: HTML and <script> in a subject and messages are shown as text', async () => {
  const acc = await rqDemoAccount();
  const subject = `<script>window.__rqXss = 1</script><b>Жирная</b> тема ${stamp}`;
  const body = '<img src=x onerror="window.__rqXss = 2"><i>курсив</i> & <a href="javascript:alert(1)">ссылка</a>';
  const made = await pageApi('POST', `/workspaces/${WS}/requests`, { account_id: acc.id, kind: 'other', subject, body });
  assert(made.status === 201, `created: ${made.status} ${JSON.stringify(made.body)}`);
  await page.goto(rqUrl(made.body.id));
  await waitText(heading(), /Жирная/);
  const box = page.locator('form[data-form=reply]');
  await box.locator('textarea[name=reply]').fill('<b>ответ</b><script>window.__rqXss = 3</script>');
  await box.locator('button[data-action=reply-reply]').click();
  await page.locator('li.msg-staff').waitFor();
  assert((await heading().textContent()) === subject, 'the subject is the literal text');
  assert((await page.locator('main h1 b, main h1 script').count()) === 0, 'no elements made of the subject');
  assert((await page.locator('li.msg-client .msg-body').textContent()) === body, 'the client’s text is literal');
  assert((await page.locator('li.msg-staff .msg-body').textContent()) === '<b>ответ</b><script>window.__rqXss = 3</script>', 'the reply is literal');
  assert((await page.locator('.msg-body img, .msg-body i, .msg-body a, .msg-body b, .msg-body script').count()) === 0, 'no elements in the thread');
  await page.goto(`${BASE}/#/w/${WS}/requests?kind=other&account_id=${acc.id}`);
  const row = page.locator(`tr[data-request-id="${made.body.id}"] .cell-name a`);
  await row.waitFor();
  assert((await row.textContent()) === subject, 'the inbox shows it as text too');
  assert((await page.evaluate(() => window.__rqXss)) === undefined, 'no script ran');
});

await test('requests: the inbox and the request in English', async () => {
  assert(rqId, 'the request was recorded');
  await page.goto(rqUrl());
  await waitText(heading(), rqSubject);
  await page.click('button[data-lang=en]');
  await waitText(page.locator('.thread h2'), /^Conversation$/);
  await waitText(page.locator('.request-side h2'), /^Handling$/);
  await waitText(page.locator('.card-title [data-kind=complaint]'), /^complaint$/);
  await waitText(page.locator('.card-title [data-status=resolved]'), /^resolved$/);
  await waitText(page.locator('li.msg-internal .msg-label'), /^Internal note$/);
  await waitText(page.locator('button[data-action=reply-wait]'), /^Reply and wait for the client$/);
  await waitText(page.locator('a.back'), /All requests/);
  const cyr = /[А-Яа-яЁё]/;
  const chrome = await page.evaluate(() => [
    ...[...document.querySelectorAll('.request-side label, .request-side h2, .request-side h3, .request-facts dt, .reply-box label, .reply-box button, .thread h2, .msg-label, .msg-hint, #main-nav > a')]
      .map((e) => e.textContent),
    ...[...document.querySelectorAll('.request-side select[name=side-status] option, .request-side select[name=side-kind] option, .request-side select[name=side-priority] option')]
      .map((e) => e.textContent),
    document.querySelector('textarea[name=reply]').placeholder,
  ]);
  const russian = chrome.filter((s) => cyr.test(s));
  assert(russian.length === 0, `Russian left in English: ${JSON.stringify(russian)}`);
  await page.click(`#main-nav a[href="#/w/${WS}/requests"]`);
  await waitText(heading(), /^Requests$/);
  await page.locator('table.requests-table tbody tr').first().waitFor();
  const listChrome = await page.evaluate(() => [
    ...document.querySelectorAll('.requests-table thead th, .request-filters legend, .request-filters .filter > span, .request-filters label[for], .status-checks span, button[data-action], .requests-table .badge'),
  ].map((e) => e.textContent));
  const russian2 = listChrome.filter((s) => cyr.test(s));
  assert(russian2.length === 0, `Russian left on the inbox: ${JSON.stringify(russian2)}`);
  await page.screenshot({ path: `${SHOTS}/e2e-requests-en.png` });
  await page.click('button[data-lang=ru]');
  await waitText(heading(), /^Обращения$/);
});

await test('requests: phone viewport — the inbox, the filters and the request fit the width', async () => {
  assert(rqId, 'the request was recorded');
  const { phone, p } = await openPhone();
  const overflow = () => horizontalOverflow(p);
  await p.goto(`${BASE}/#/w/${WS}/requests`);
  await waitText(heading(p), /^Обращения$/);
  await p.locator('table.requests-table tbody tr').first().waitFor();
  assert((await overflow()) <= 0, `the inbox overflows by ${await overflow()}px`);
  const display = await p.locator('table.requests-table tbody tr').first().evaluate((el) => getComputedStyle(el).display);
  assert(display === 'block', `rows are stacked as cards (display: ${display})`);
  await p.click('.filters-toggle');
  await p.locator('input[name=filter-status][value=new]').waitFor();
  assert((await overflow()) <= 0, `the open filters overflow by ${await overflow()}px`);
  await p.screenshot({ path: `${SHOTS}/e2e-phone-requests.png` });
  await p.goto(`${BASE}/#/w/${WS}/requests/${rqId}`);
  await waitText(heading(p), rqSubject);
  await p.locator('li.msg-internal').waitFor();
  assert((await overflow()) <= 0, `the request overflows by ${await overflow()}px`);
  const main = await p.locator('.request-main').boundingBox();
  const side = await p.locator('.request-side').boundingBox();
  assert(side.y >= main.y + main.height - 1 && side.width > 300, `the side panel goes under the thread (${JSON.stringify({ main, side })})`);
  const send = await p.locator('button[data-action=reply-reply]').boundingBox();
  assert(send.width > 250, `the reply buttons take the width (${send.width}px)`);
  await p.screenshot({ path: `${SHOTS}/e2e-phone-request.png`, fullPage: true });
  await phone.close();
});
// ---- end of helper-ui-requests ----

// ---- requests: suggestion, settings, figures (helper-ui-requests-more) ----
const rqSettingsPath = `/workspaces/${WS}/request-settings`;
const rqFiguresApi = async (query = '') => (await pageApi('GET', `/workspaces/${WS}/request-figures${query ? `?${query}` : ''}`)).body;
/** The local date n days ago, YYYY-MM-DD (as the figures page computes its presets). */
const rqDaysAgo = (n) => {
  const d = new Date();
  d.setDate(d.getDate() - n);
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
};
let rqSettingsBefore = null; // the demo's settings, put back after the settings tests
let rqSuggested = null; // { id, suggestion } of a request with the model's suggestion
const rqDocOf = (s) => ({ calendar: s.calendar, reopen_days: s.reopen_days, service_levels: s.service_levels, assignment_rules: s.assignment_rules });
const rqNumberOf = async (locator) => Number(await locator.getAttribute('data-n'));

await test('requests: the classifier’s suggestion (the trained model) applied with one PATCH, then corrected', async () => {
  const acc = await rqDemoAccount();
  // Like a demo request the staff classified: the workspace's model knows it.
  const made = await pageApi('POST', `/workspaces/${WS}/requests`, {
    account_id: acc.id, kind: 'shipment_problem', subject: 'Отгрузка задерживается на три дня',
    body: 'Отгрузку по заказу обещали во вторник, сейчас пятница. Стоит наша линия.',
  });
  assert(made.status === 201, `created: ${made.status} ${JSON.stringify(made.body)}`);
  const s = made.body.suggestion;
  assert(s && s.source === 'model' && s.component_id && s.stage_id, `the model suggests: ${JSON.stringify(s)}`);
  rqSuggested = { id: made.body.id, suggestion: s };
  const comps = (await pageApi('GET', `/workspaces/${WS}/loyalty/components?include_retired=true`)).body.items;
  const stages = (await pageApi('GET', `/workspaces/${WS}/journey`)).body.stages;
  const factor = s.factor_id ? (await pageApi('GET', `/workspaces/${WS}/loyalty/factors/${s.factor_id}`)).body : null;
  const factorFits = factor && factor.component_id === s.component_id;

  await page.goto(rqUrl(made.body.id));
  await waitText(heading(), /Отгрузка задерживается/);
  const box = page.locator('.request-side .suggestion[data-suggestion=model]');
  await box.waitFor();
  await waitText(box.locator('.suggestion-source'), /^по обученной модели$/);
  assert(/^уверенность (> )?\d+ %$/.test(await box.locator('.suggestion-confidence').textContent()),
    `the confidence as a percentage: ${await box.locator('.suggestion-confidence').textContent()}`);
  await waitText(box.locator('[data-suggested=component] dd'), comps.find((c) => c.id === s.component_id).name.ru);
  await waitText(box.locator('[data-suggested=stage] dd'), stages.find((x) => x.id === s.stage_id).name.ru);
  if (factorFits) await waitText(box.locator('[data-suggested=factor] dd'), factor.text.ru);
  await page.screenshot({ path: `${SHOTS}/e2e-request-suggestion.png`, fullPage: true });

  const patches = [];
  const onReq = (rq) => {
    if (rq.method() === 'PATCH' && rq.url().includes('/requests/')) patches.push({ ifMatch: rq.headers()['if-match'] || null, body: rq.postDataJSON() });
  };
  page.on('request', onReq);
  try {
    await box.locator('button[data-action=apply-suggestion]').click();
    const r = await rqUntil((x) => x.component_id === s.component_id && x.stage_id === s.stage_id, 'the suggestion', made.body.id);
    if (factorFits) assert(r.factor_id === s.factor_id, `the factor too: ${JSON.stringify(r)}`);
    await page.locator('.request-side [data-suggestion=matches]').waitFor();
    assert(patches.length === 1 && /^"\d+"$/.test(patches[0].ifMatch || ''), `one PATCH with If-Match: ${JSON.stringify(patches)}`);
    assert(patches[0].body.component_id === s.component_id && patches[0].body.stage_id === s.stage_id, `its body: ${JSON.stringify(patches[0].body)}`);
    assert((await rqSide('component_id').inputValue()) === String(s.component_id), 'the select shows the applied component');
    assert((await rqSide('stage_id').inputValue()) === String(s.stage_id), 'the select shows the applied stage');

    // Correcting: another stage chosen as before; the suggestion shows again, as differing.
    await page.waitForFunction(() => !document.querySelector('.request-side select:disabled'));
    const other = await rqSide('stage_id').locator('option').evaluateAll((os, cur) => os.map((o) => o.value).find((v) => v && v !== cur), String(s.stage_id));
    await rqSide('stage_id').selectOption(other);
    await rqUntil((x) => String(x.stage_id) === other, 'the corrected stage', made.body.id);
    await box.waitFor();
    assert(await box.locator('[data-suggested=stage]').evaluate((el) => el.classList.contains('differs')), 'the differing stage is marked');
  } finally {
    page.off('request', onReq);
  }
});

await test('requests: settings — change the working hours, add a holiday and a service level, save, reload and see them', async () => {
  const before = await pageApi('GET', rqSettingsPath);
  assert(before.status === 200, `settings: ${before.status}`);
  rqSettingsBefore = before.body;
  await page.goto(`${BASE}/#/w/${WS}/requests`);
  await page.click('.requests-nav a[data-requests-tab=settings]');
  await page.waitForURL(/\/requests\/settings$/);
  await waitText(heading(), /^Настройки окна диалога$/);
  const form = page.locator('form[data-form=request-settings]');
  await form.locator('select[name=timezone]').waitFor();
  assert((await form.locator('select[name=timezone]').inputValue()) === String(rqSettingsBefore.calendar.utc_offset_minutes), 'the time zone shown');
  assert(/Москва/.test(await form.locator('select[name=timezone] option:checked').textContent()), 'Moscow is the demo’s zone');
  await form.locator('input[name=day_start]').fill('08:30');
  await form.locator('input[name=day_end]').fill('17:30');
  await form.locator('input[name=workday][value=sat]').check();
  await form.locator('input[name=holiday-new]').fill('2027-01-07');
  await form.locator('button[data-action=add-holiday]').click();
  await form.locator('li[data-holiday="2027-01-07"]').waitFor();
  const rows = form.locator('table.rq-levels tbody tr');
  const n0 = await rows.count();
  await form.locator('button[data-action=add-level]').click();
  await page.waitForFunction((n) => document.querySelectorAll('table.rq-levels tbody tr').length === n + 1, n0);
  const row = rows.nth(n0);
  await row.locator('select[name=level-kind]').selectOption('praise');
  await row.locator('select[name=level-priority]').selectOption('low');
  await row.locator('input[name=level-first-h]').fill('2');
  await row.locator('input[name=level-first-m]').fill('15');
  await row.locator('input[name=level-resolution-h]').fill('24');
  await form.locator('[data-dirty]').waitFor();
  const puts = [];
  const onReq = (r) => { if (r.method() === 'PUT' && r.url().includes('/request-settings')) puts.push(r.headers()['if-match'] || null); };
  page.on('request', onReq);
  try {
    await form.locator('button[data-action=save-settings]').click();
    await waitText(page.locator('.alert-ok'), /Настройки сохранены/);
  } finally {
    page.off('request', onReq);
  }
  assert(puts.length === 1 && puts[0] === `"${rqSettingsBefore.version}"`, `PUT with If-Match of the version: ${JSON.stringify(puts)}`);
  const after = (await pageApi('GET', rqSettingsPath)).body;
  assert(after.calendar.day_start === '08:30' && after.calendar.day_end === '17:30', `hours saved: ${JSON.stringify(after.calendar)}`);
  assert(after.calendar.workdays.includes('sat') && after.calendar.holidays.includes('2027-01-07'), `days saved: ${JSON.stringify(after.calendar)}`);
  const level = after.service_levels.find((l) => l.kind === 'praise' && l.priority === 'low');
  assert(level && level.first_response_minutes === 135 && level.resolution_minutes === 1440, `the level in minutes: ${JSON.stringify(after.service_levels)}`);
  assert(after.service_levels.length === rqSettingsBefore.service_levels.length + 1, 'the other levels stay');

  await page.reload();
  await form.locator('select[name=timezone]').waitFor();
  assert((await form.locator('input[name=day_start]').inputValue()) === '08:30', 'the start after a reload');
  assert((await form.locator('input[name=day_end]').inputValue()) === '17:30', 'the end after a reload');
  assert(await form.locator('input[name=workday][value=sat]').isChecked(), 'Saturday stays');
  await form.locator('li[data-holiday="2027-01-07"]').waitFor();
  const saved = form.locator('table.rq-levels tbody tr').filter({ has: page.locator('select[name=level-kind] option:checked[value=praise]') });
  assert((await saved.count()) === 1, 'the new level is listed');
  assert((await saved.locator('input[name=level-first-h]').inputValue()) === '2' && (await saved.locator('input[name=level-first-m]').inputValue()) === '15',
    'its first response in hours and minutes');
  assert((await saved.locator('input[name=level-resolution-h]').inputValue()) === '24', 'its resolution in hours');
  assert((await page.locator('[data-dirty]').count()) === 0, 'nothing unsaved after a reload');
  await page.screenshot({ path: `${SHOTS}/e2e-request-settings.png`, fullPage: true });
});

await test('requests: settings — the server’s 422 beside its field (day_end before day_start, a level twice, a rule without a team)', async () => {
  assert(rqSettingsBefore, 'the settings were loaded');
  await page.goto(`${BASE}/#/w/${WS}/requests/settings`);
  const form = page.locator('form[data-form=request-settings]');
  await form.locator('select[name=timezone]').waitFor();
  await form.locator('input[name=day_end]').fill('08:00');
  await form.locator('button[data-action=save-settings]').click();
  const err = form.locator('.field-invalid').filter({ has: page.locator('input[name=day_end]') }).locator('.field-error');
  await err.waitFor();
  assert(/day_end must be later than day_start/.test(await err.textContent()), `the server’s message: ${await err.textContent()}`);
  assert((await form.locator('[data-error="calendar/day_start"]').count()) === 0, 'not beside the start');
  // Typing in the field clears its message; the next refusal names a service level by index.
  await form.locator('input[name=day_end]').fill('18:00');
  await form.locator('[data-error="calendar/day_end"]').waitFor({ state: 'detached' });
  const rows = form.locator('table.rq-levels tbody tr');
  const n = await rows.count();
  await form.locator('button[data-action=add-level]').click();
  await rows.nth(n).locator('select[name=level-kind]').selectOption('praise');
  await rows.nth(n).locator('select[name=level-priority]').selectOption('low');
  await rows.nth(n).locator('input[name=level-first-h]').fill('1');
  await form.locator('button[data-action=save-settings]').click();
  const levelErr = rows.nth(n).locator(`[data-error="service_levels/${n}"]`);
  await levelErr.waitFor();
  assert(/two service levels for the same kind and priority/.test(await levelErr.textContent()), `the level’s message: ${await levelErr.textContent()}`);
  await rows.nth(n).locator('button[data-action=remove-level]').click();
  // A rule with nobody in it: the message is beside its team.
  await form.locator('button[data-action=add-rule]').click();
  const rule = form.locator('li[data-rule]').last();
  await rule.locator('select[name=rule-kind]').selectOption('complaint');
  await form.locator('button[data-action=save-settings]').click();
  const ruleErr = rule.locator('[data-field=members] .field-error');
  await ruleErr.waitFor();
  assert(/members must list/.test(await ruleErr.textContent()), `the rule’s message: ${await ruleErr.textContent()}`);
  const server = (await pageApi('GET', rqSettingsPath)).body;
  assert(server.calendar.day_end === '17:30' && server.assignment_rules.length === rqSettingsBefore.assignment_rules.length, 'nothing refused was stored');
  await form.locator('button[data-action=discard-settings]').click();
  assert((await form.locator('input[name=day_end]').inputValue()) === '17:30', 'discarding shows the saved value again');
});

await test('requests: settings — an assignment rule with a team in turn order', async () => {
  await page.goto(`${BASE}/#/w/${WS}/requests/settings`);
  const form = page.locator('form[data-form=request-settings]');
  await form.locator('select[name=timezone]').waitFor();
  await form.locator('button[data-action=add-rule]').click();
  const rule = form.locator('li[data-rule]').last();
  await rule.locator('select[name=rule-kind]').selectOption('complaint');
  await rule.locator('select[name=rule-component] option:nth-child(2)').waitFor({ state: 'attached' });
  const component = await rule.locator('select[name=rule-component] option:nth-child(2)').getAttribute('value');
  await rule.locator('select[name=rule-component]').selectOption(component);
  await rule.locator('select[name=rule-member-add]').selectOption('manager@advocate.local');
  await rule.locator('select[name=rule-member-add]').selectOption(EMAIL);
  await rule.locator(`li[data-member="${EMAIL}"]`).waitFor();
  assert(!(await rule.locator('select[name=rule-member-add] option[value="viewer@advocate.local"]').count()), 'a viewer is not offered');
  await rule.locator(`li[data-member="${EMAIL}"] button[data-action=member-up]`).click();
  const order = await rule.locator('.rq-members li').evaluateAll((lis) => lis.map((li) => li.dataset.member));
  assert(JSON.stringify(order) === JSON.stringify([EMAIL, 'manager@advocate.local']), `the order: ${order}`);
  await form.locator('button[data-action=save-settings]').click();
  await waitText(page.locator('.alert-ok'), /Настройки сохранены/);
  const after = (await pageApi('GET', rqSettingsPath)).body;
  const saved = after.assignment_rules[after.assignment_rules.length - 1];
  assert(saved.kind === 'complaint' && String(saved.component_id) === component && JSON.stringify(saved.members) === JSON.stringify(order),
    `the rule saved: ${JSON.stringify(after.assignment_rules)}`);
});

await test('requests: settings — a viewer sees them read-only', async () => {
  const viewer = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1280, height: 850 } });
  viewer.setDefaultTimeout(STEP_TIMEOUT);
  const v = await viewer.newPage();
  watch(v);
  try {
    await v.goto(`${BASE}/`);
    await v.waitForURL(/#\/login$/);
    await v.fill('input[name=email]', 'viewer@advocate.local');
    await v.fill('input[name=password]', PASSWORD);
    await v.click('button[type=submit]');
    await v.waitForURL(/#\/w\//);
    await v.goto(`${BASE}/#/w/${WS}/requests/settings`);
    const form = v.locator('form[data-form=request-settings]');
    await form.locator('select[name=timezone]').waitFor();
    await v.locator('[data-read-only]').waitFor();
    assert(/только владельцы/.test(await v.locator('[data-read-only]').textContent()), 'the note says who may change them');
    assert((await form.locator('input[name=day_start]').inputValue()) === '08:30', 'the viewer sees the saved hours');
    assert(await form.locator('input[name=day_start]').isDisabled(), 'the hours cannot be changed');
    assert(await form.locator('select[name=level-kind]').first().isDisabled(), 'the levels cannot be changed');
    assert((await form.locator('button[data-action=save-settings], button[data-action=add-level], button[data-action=add-rule]').count()) === 0,
      'no buttons to change them');
    // The figures are everyone's.
    await v.click('.requests-nav a[data-requests-tab=figures]');
    await v.locator('.rq-summary .ra-n[data-n]').waitFor();
  } finally {
    await viewer.close();
  }
});

// The demo's settings back as they were, so that later requests (the portal's tests) see them.
if (rqSettingsBefore) {
  const cur = await pageApi('GET', rqSettingsPath).catch(() => null);
  if (cur && cur.status === 200) await pageApi('PUT', rqSettingsPath, rqDocOf(rqSettingsBefore), cur.body.version).catch(() => undefined);
}

await test('requests: figures — n and charts for the demo, the period in the URL changes n, a CSV download', async () => {
  const all = await rqFiguresApi();
  assert(all.n > 30, `the demo has requests: ${all.n}`);
  await page.goto(`${BASE}/#/w/${WS}/requests`);
  await page.click('.requests-nav a[data-requests-tab=figures]');
  await page.waitForURL(/\/requests\/figures$/);
  await waitText(heading(), /^Показатели окна диалога$/);
  const summary = page.locator('.rq-summary .ra-n[data-n]');
  await summary.waitFor();
  assert((await rqNumberOf(summary)) === all.n, `the n shown is the server’s (${await rqNumberOf(summary)} vs ${all.n})`);
  for (const f of ['rq-kind', 'rq-status', 'rq-component', 'rq-stage', 'rq-company', 'rq-first-response', 'rq-resolution', 'rq-sla', 'rq-ratings', 'rq-helpful']) {
    await page.locator(`section[data-figure=${f}] a[data-csv]`).waitFor();
  }
  for (const f of ['rq-kind', 'rq-status', 'rq-component', 'rq-stage', 'rq-company']) {
    await page.locator(`section[data-figure=${f}] [data-chart=${f}] canvas`).waitFor();
  }
  const kinds = JSON.parse(await page.locator('[data-chart=rq-kind]').getAttribute('data-values'));
  assert(kinds.length === 7 && kinds.reduce((a, k) => a + k.n, 0) === all.n, `the kinds add up to n: ${JSON.stringify(kinds)}`);
  const comps = JSON.parse(await page.locator('[data-chart=rq-component]').getAttribute('data-values'));
  assert(comps.reduce((a, k) => a + k.n, 0) === all.n && comps.some((c) => c.key === null) === all.by_component.some((c) => c.component_id === null),
    `the components (unclassified included): ${JSON.stringify(comps)}`);
  // Each figure carries its own n, and a warning where the sample is small.
  assert((await rqNumberOf(page.locator('section[data-figure=rq-first-response] .ra-head .ra-n'))) === all.first_response.n, 'the first response’s n');
  assert((await rqNumberOf(page.locator('section[data-figure=rq-ratings] .ra-head .ra-n'))) === all.ratings.n, 'the ratings’ n');
  assert((await page.locator('section[data-figure=rq-ratings] .ra-head [data-few]').count()) === (all.ratings.small_sample ? 1 : 0), 'the ratings’ warning');
  assert((await page.locator('section[data-figure=rq-resolution] .ra-head [data-few]').count()) === (all.resolution.small_sample ? 1 : 0), 'the resolution’s warning');
  await waitText(page.locator('section[data-figure=rq-first-response] [data-basis=working_hours]'), /Рабочие часы/);
  await waitText(page.locator('section[data-figure=rq-sla] [data-sla=first_response]'), new RegExp(`в срок ${all.sla.first_response.met} из ${all.sla.first_response.n}`));
  await page.screenshot({ path: `${SHOTS}/e2e-request-figures.png`, fullPage: true });

  // CSV of a figure: the header and one row per kind.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('section[data-figure=rq-kind] a[data-csv]')]);
  const csv = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '');
  const lines = csv.split(/\r?\n/).filter(Boolean);
  assert(lines[0] === 'kind,label,n', `the CSV header: ${lines[0]}`);
  assert(lines.length === 8 && lines.slice(1).reduce((a, l) => a + Number(l.split(',').pop()), 0) === all.n, `the CSV rows: ${JSON.stringify(lines)}`);
  assert(/^requests-by-kind-.*\.csv$/.test(download.suggestedFilename()), `the file name: ${download.suggestedFilename()}`);
  const [d2] = await Promise.all([page.waitForEvent('download'), page.click('section[data-figure=rq-first-response] a[data-csv]')]);
  const csv2 = (await readFile(await d2.path(), 'utf8')).replace(/^\uFEFF/, '').split(/\r?\n/);
  assert(csv2[0] === 'basis,n,p50,p90,p99,mean' && /^calendar_hours,/.test(csv2[1]), `the times CSV: ${csv2.slice(0, 2)}`);

  // A period: the last 14 days (in the URL), then a preset, both with the server's n.
  const from = rqDaysAgo(14);
  await page.fill('input[name=filter-from]', from);
  await page.waitForURL(new RegExp(`from=${from}`));
  const part = await rqFiguresApi(`from=${from}`);
  assert(part.n < all.n, `the period has fewer requests (${part.n} of ${all.n})`);
  await page.waitForFunction((n) => document.querySelector('.rq-summary .ra-n')?.dataset.n === String(n), part.n);
  await page.reload();
  await page.waitForFunction((n) => document.querySelector('.rq-summary .ra-n')?.dataset.n === String(n), part.n);
  assert((await page.inputValue('input[name=filter-from]')) === from, 'the period stays after a reload');
  await page.click('button[data-period="30"]');
  await page.waitForURL(new RegExp(`from=${rqDaysAgo(30)}`));
  const month = await rqFiguresApi(`from=${rqDaysAgo(30)}`);
  await page.waitForFunction((n) => document.querySelector('.rq-summary .ra-n')?.dataset.n === String(n), month.n);
  assert((await page.locator('button[data-period="30"]').getAttribute('aria-pressed')) === 'true', 'the preset is marked');
  const [d3] = await Promise.all([page.waitForEvent('download'), page.click('section[data-figure=rq-status] a[data-csv]')]);
  assert(d3.suggestedFilename().includes(rqDaysAgo(30)), `the period is in the file name: ${d3.suggestedFilename()}`);
  await page.click('button[data-period=all]');
  await page.waitForURL(/\/requests\/figures$/);
  await page.waitForFunction((n) => document.querySelector('.rq-summary .ra-n')?.dataset.n === String(n), all.n);
});

await test('requests: figures — the company card’s tab shows the company’s figures above its list', async () => {
  const acc = await rqDemoAccount();
  const mine = await rqFiguresApi(`account_id=${acc.id}`);
  await page.goto(`${BASE}/#/w/${WS}/accounts/${acc.id}/requests`);
  const figures = page.locator('.account-requests .rq-company-figures');
  const n = figures.locator('.rq-summary .ra-n[data-n]');
  await n.waitFor();
  assert((await rqNumberOf(n)) === mine.n && mine.n > 0, `the company’s n (${await rqNumberOf(n)} vs ${mine.n})`);
  assert((await figures.locator('.rq-summary [data-few]').count()) === (mine.small_sample ? 1 : 0), 'a small sample is flagged');
  assert((await figures.locator('section[data-figure=rq-company]').count()) === 0, 'no "top companies" on a company’s card');
  await figures.locator('[data-chart=rq-kind] canvas').waitFor();
  const list = await page.locator('.account-requests table.requests-table').boundingBox();
  const box = await figures.boundingBox();
  assert(box.y < list.y, 'the figures are above the list');
  assert((await figures.locator('a[data-link=figures]').getAttribute('href')) === `#/w/${WS}/requests/figures?account_id=${acc.id}`, 'a link to the figures page');
  await figures.locator('a[data-link=figures]').click();
  await page.waitForFunction((n) => document.querySelector('.rq-summary .ra-n')?.dataset.n === String(n), mine.n);
  await waitText(page.locator('.company-filter .picked'), acc.name);
});

await test('requests: suggestion, settings and figures in English', async () => {
  assert(rqSuggested, 'a request with a suggestion was made');
  const cyr = /[А-Яа-яЁё]/;
  await page.goto(`${BASE}/#/w/${WS}/requests/figures`);
  await page.locator('.rq-summary .ra-n[data-n]').waitFor();
  await page.click('button[data-lang=en]');
  await waitText(heading(), /^Figures of the dialog window$/);
  await waitText(page.locator('section[data-figure=rq-component] h3'), /^By loyalty component$/);
  const figChrome = await page.evaluate(() => [
    ...document.querySelectorAll('.requests-nav a, .rq-figure-filters span, .rq-figure-filters label, .rq-figure-filters button, .rq-panel h3, .rq-panel .ra-n, .rq-panel .csv-link, .rq-panel dt, .rq-panel [role=columnheader], .rq-panel [role=rowheader], .rq-summary, .rq-times-hint'),
  ].map((e) => e.textContent));
  const ru1 = figChrome.filter((s) => cyr.test(s));
  assert(ru1.length === 0, `Russian left on the figures: ${JSON.stringify(ru1)}`);
  await page.screenshot({ path: `${SHOTS}/e2e-request-figures-en.png` });

  await page.click('.requests-nav a[data-requests-tab=settings]');
  await waitText(heading(), /^Settings of the dialog window$/);
  await page.locator('select[name=timezone]').waitFor();
  assert(/Moscow/.test(await page.locator('select[name=timezone] option:checked').textContent()), 'the zone in English');
  const setChrome = await page.evaluate(() => [
    ...document.querySelectorAll('.rq-settings h2, .rq-settings h3, .rq-settings label, .rq-settings legend, .rq-settings th, .rq-settings .label, .rq-settings .unit, .rq-settings button, .rq-settings .small-note, .rq-settings option'),
  ].map((e) => e.textContent).filter((s) => s.trim()));
  const ru2 = setChrome.filter((s) => cyr.test(s) && !/Демидова|Ковалёва|Белов|Орлов/.test(s));
  assert(ru2.length === 0, `Russian left on the settings: ${JSON.stringify(ru2)}`);

  await page.goto(rqUrl(rqSuggested.id));
  const box = page.locator('.request-side .suggestion');
  await box.waitFor();
  await waitText(box.locator('.suggestion-source'), /^by the trained model$/);
  await waitText(box.locator('.suggestion-confidence'), /^confidence (> )?\d+ %$/);
  await waitText(box.locator('button[data-action=apply-suggestion]'), /^Apply$/);
  const sugChrome = await box.evaluate((el) => [...el.querySelectorAll('strong, .suggestion-source, dt, button, .hint')].map((e) => e.textContent));
  const ru3 = sugChrome.filter((s) => cyr.test(s));
  assert(ru3.length === 0, `Russian left in the suggestion: ${JSON.stringify(ru3)}`);
  await page.click('button[data-lang=ru]');
  await waitText(box.locator('.suggestion-source'), /^по обученной модели$/);
});

await test('requests: phone viewport — figures, settings and the suggestion fit the width', async () => {
  assert(rqSuggested, 'a request with a suggestion was made');
  const { phone, p } = await openPhone();
  try {
    const overflow = () => horizontalOverflow(p);
    await p.goto(`${BASE}/#/w/${WS}/requests/figures`);
    await p.locator('.rq-summary .ra-n[data-n]').waitFor();
    await p.locator('[data-chart=rq-company] canvas').waitFor();
    assert((await overflow()) <= 0, `the figures overflow by ${await overflow()}px`);
    const chart = await p.locator('[data-chart=rq-kind]').boundingBox();
    assert(chart.width > 250 && chart.x + chart.width <= 375, `a chart takes the width (${JSON.stringify(chart)})`);
    await p.screenshot({ path: `${SHOTS}/e2e-phone-request-figures.png`, fullPage: true });
    await p.goto(`${BASE}/#/w/${WS}/requests/settings`);
    await p.locator('select[name=timezone]').waitFor();
    await p.locator('table.rq-levels tbody tr').first().waitFor();
    assert((await overflow()) <= 0, `the settings overflow by ${await overflow()}px`);
    const display = await p.locator('table.rq-levels tbody tr').first().evaluate((el) => getComputedStyle(el).display);
    assert(display === 'block', `the levels are stacked as cards (display: ${display})`);
    await p.screenshot({ path: `${SHOTS}/e2e-phone-request-settings.png`, fullPage: true });
    await p.goto(`${BASE}/#/w/${WS}/requests/${rqSuggested.id}`);
    await p.locator('.request-side .suggestion').waitFor();
    assert((await overflow()) <= 0, `the request with its suggestion overflows by ${await overflow()}px`);
  } finally {
    await phone.close();
  }
});
// ---- end of helper-ui-requests-more ----

// ---- requests: the staff side live (helper-ui-live) ----
// Two windows: a client signed in to the portal (/portal/, invited through the staff API) and a
// staff member in this browser context. Each sees what the other does without a reload (the
// staff pages follow GET /workspaces/{ws}/events through web/src/live.ts).
const lvSubject = `E2E живое обращение ${stamp}`;
let lvClient = null; // the client's browser context
let lvPortal = null; // the client's page
let lvStaff = null; // the staff page (same context as `page`: the same signed-in session)
let lvId = null; // the request the client raises
/** Marks a page's document, so that a later check can tell it was not reloaded. */
const lvMark = (p) => p.evaluate(() => { window.__lvSameDocument = true; });
const lvSameDocument = (p) => p.evaluate(() => window.__lvSameDocument === true);
const lvStaffBadge = (p = lvStaff) => p.locator('.live-state[data-live=live]');

await test('requests live: a client is invited and signs in to the portal; the staff inbox says it is live', async () => {
  // A demo contact with an e-mail address who is not a portal user yet (the portal's own tests
  // pick theirs among the same companies, skipping the people taken).
  const taken = new Set((await pageApi('GET', `/workspaces/${WS}/portal-users?limit=500&include_revoked=true`)).body.items.map((u) => u.contact_id));
  const accounts = (await pageApi('GET', `/workspaces/${WS}/accounts?limit=40&status=active`)).body.items;
  let person = null;
  for (const a of accounts.filter((x) => !x.name.startsWith('E2E'))) {
    const cs = (await pageApi('GET', `/workspaces/${WS}/accounts/${a.id}/contacts`)).body.items;
    const c = cs.find((x) => x.emails && x.emails.length && !taken.has(x.id) && !x.left_on && !x.archived_at);
    if (c) {
      person = { contact_id: c.id, account_id: a.id, account_name: a.name };
      break;
    }
  }
  assert(person, 'a demo contact with an e-mail address');
  const inv = await pageApi('POST', `/workspaces/${WS}/portal-users`, { contact_id: person.contact_id, lang: 'ru' });
  assert(inv.status === 201 && inv.body.link, `invited: ${inv.status} ${JSON.stringify(inv.body)}`);

  lvStaff = await context.newPage();
  watch(lvStaff);
  await lvStaff.goto(`${BASE}/#/w/${WS}/requests`);
  await waitText(heading(lvStaff), /^Обращения$/);
  await lvStaff.locator('table.requests-table tbody tr').first().waitFor();
  await lvStaffBadge().waitFor();
  await waitText(lvStaff.locator('.page-head .live-state'), /^Онлайн$/);
  assert((await heading(lvStaff).textContent()) === 'Обращения', 'the mark stays out of the title');

  lvClient = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1280, height: 850 } });
  lvClient.setDefaultTimeout(STEP_TIMEOUT);
  lvPortal = await lvClient.newPage();
  watch(lvPortal);
  await lvPortal.goto(`${BASE}${inv.body.link}`);
  await lvPortal.locator('[data-page=list]').waitFor();
  await waitText(lvPortal.locator('.p-company'), person.account_name);
  await lvPortal.locator('[data-live=on]').waitFor();
});

await test('requests live: the staff inbox shows a request the client just raised, highlighted, without reload', async () => {
  assert(lvPortal && lvStaff, 'both windows are open');
  await lvMark(lvStaff);
  await lvPortal.click('[data-action=new-request]');
  const form = lvPortal.locator('form[data-form=new-request]');
  await form.locator('select[name=kind]').selectOption('question');
  await form.locator('input[name=subject]').fill(lvSubject);
  await form.locator('textarea[name=body]').fill('Когда придёт следующая партия?');
  await form.locator('button[type=submit]').click();
  await lvPortal.waitForURL(/#\/r\/\d+$/);
  lvId = Number(/#\/r\/(\d+)$/.exec(lvPortal.url())[1]);
  const row = lvStaff.locator(`table.requests-table tr[data-request-id="${lvId}"]`);
  await row.waitFor();
  assert((await row.locator('.cell-name a').textContent()) === lvSubject, 'the row shows the subject');
  assert(/row-fresh/.test((await row.getAttribute('class')) || ''), 'the new row is highlighted');
  await waitText(row.locator('[data-status=new]'), /новое/);
  assert((await lvStaff.locator('table.requests-table tbody tr').first().getAttribute('data-request-id')) === String(lvId),
    'the newest activity comes first');
  await lvStaff.waitForFunction((id) => !document.querySelector(`tr[data-request-id="${id}"].row-fresh`), lvId, { timeout: 10000 });
  assert(await lvSameDocument(lvStaff), 'the inbox was not reloaded');
  await lvStaff.screenshot({ path: `${SHOTS}/e2e-live-inbox.png` });
});

await test('requests live: the inbox follows a change of status and a new message in place', async () => {
  assert(lvId, 'the client raised a request');
  await lvMark(lvStaff);
  const row = lvStaff.locator(`table.requests-table tr[data-request-id="${lvId}"]`);
  const cur = (await pageApi('GET', `/workspaces/${WS}/requests/${lvId}`)).body;
  const moved = await pageApi('PATCH', `/workspaces/${WS}/requests/${lvId}`, { status: 'open', assignee_email: 'manager@advocate.local' }, cur.version);
  assert(moved.status === 200, `the change: ${moved.status}`);
  await lvStaff.locator(`tr[data-request-id="${lvId}"][data-status=open]`).waitFor();
  await waitText(row, /Марина Ковалёва/);
  const before = Number(await row.locator('td.num').textContent());
  await lvPortal.locator('form[data-form=reply] textarea').fill(`Уточнение к вопросу ${stamp}`);
  await lvPortal.click('button[data-action=send]');
  await lvStaff.waitForFunction(({ id, n }) => {
    const td = document.querySelector(`tr[data-request-id="${id}"] td.num`);
    return td && Number(td.textContent) === n + 1;
  }, { id: lvId, n: before });
  assert(await lvSameDocument(lvStaff), 'the inbox was not reloaded');
});

await test('requests live: two windows — the client and the staff member see each other’s messages without reload; the draft stays', async () => {
  assert(lvId, 'the client raised a request');
  await lvStaff.click(`table.requests-table tr[data-request-id="${lvId}"] .cell-name a`);
  await waitText(heading(lvStaff), lvSubject);
  await lvStaffBadge().waitFor();
  await lvMark(lvStaff);
  await lvMark(lvPortal);
  await lvPortal.locator(`[data-page=request][data-request-id="${lvId}"]`).waitFor();
  await lvPortal.locator('[data-live=on]').waitFor();
  const box = lvStaff.locator('form[data-form=reply] textarea[name=reply]');
  // A draft being typed on the staff side stays while the client's message arrives.
  const draft = 'Черновик ответа:\nещё не отправлен';
  await box.fill(draft);
  const fromClient = `Клиент пишет в живую переписку ${stamp}`;
  await lvPortal.locator('form[data-form=reply] textarea').fill(fromClient);
  await lvPortal.click('button[data-action=send]');
  const arrived = lvStaff.locator('li.msg-client', { hasText: fromClient });
  await arrived.waitFor();
  assert((await arrived.locator('.msg-body').textContent()) === fromClient, 'the client’s message as written');
  assert(/msg-fresh/.test((await arrived.getAttribute('class')) || ''), 'the new message is highlighted');
  assert((await box.inputValue()) === draft, 'the draft is untouched');

  const fromStaff = `Отвечаем сразу, без перезагрузки ${stamp}`;
  await box.fill(fromStaff);
  await lvStaff.click('button[data-action=reply-reply]');
  const reply = lvPortal.locator('li.p-msg-staff', { hasText: fromStaff });
  await reply.waitFor();
  assert((await reply.locator('.p-msg-body').textContent()) === fromStaff, 'the staff reply reaches the client');
  await lvStaff.locator('li.msg-staff', { hasText: fromStaff }).waitFor();
  assert((await box.inputValue()) === '', 'the box is emptied once sent');
  // One more message from the client: by the time it shows, the staff page has refetched after
  // its own reply's events — and still shows that reply once.
  const again = `Спасибо, ждём ${stamp}`;
  await lvPortal.locator('form[data-form=reply] textarea').fill(again);
  await lvPortal.click('button[data-action=send]');
  await lvStaff.locator('li.msg-client', { hasText: again }).waitFor();
  assert((await lvStaff.locator('li.msg-staff', { hasText: fromStaff }).count()) === 1, 'the posted reply is shown once');
  const ids = await lvStaff.locator('li.msg').evaluateAll((els) => els.map((e) => e.dataset.messageId));
  assert(new Set(ids).size === ids.length, `no message twice: ${ids}`);
  assert(await lvSameDocument(lvStaff) && await lvSameDocument(lvPortal), 'neither window was reloaded');
  await lvStaff.screenshot({ path: `${SHOTS}/e2e-live-request.png`, fullPage: true });
});

await test('requests live: notes and changes by others appear on the staff view; a status change by staff reaches the client', async () => {
  assert(lvId, 'the client raised a request');
  await lvMark(lvStaff);
  // Someone else (through the API, not this page) adds a note and classifies the request.
  const note = `Заметка коллеги ${stamp}`;
  const posted = await pageApi('POST', `/workspaces/${WS}/requests/${lvId}/messages`, { body: note, internal: true });
  assert(posted.status === 201, `the note: ${posted.status}`);
  await lvStaff.locator('li.msg-internal', { hasText: note }).waitFor();
  assert((await lvPortal.locator('li', { hasText: note }).count()) === 0, 'the client never sees the note');
  const cur = (await pageApi('GET', `/workspaces/${WS}/requests/${lvId}`)).body;
  const stages = (await pageApi('GET', `/workspaces/${WS}/journey`)).body.stages;
  const stage = stages.find((s) => s.id !== cur.stage_id);
  const changed = await pageApi('PATCH', `/workspaces/${WS}/requests/${lvId}`, { priority: 'urgent', assignee_email: EMAIL, stage_id: stage.id }, cur.version);
  assert(changed.status === 200, `the change: ${changed.status}`);
  await lvStaff.locator('.card-title [data-priority=urgent]').waitFor();
  await lvStaff.waitForFunction(({ email, stage }) => {
    const v = (n) => document.querySelector(`select[name="side-${n}"]`)?.value;
    return v('assignee') === email && v('priority') === 'urgent' && v('stage_id') === String(stage);
  }, { email: EMAIL, stage: stage.id });

  // The staff member resolves it in the side panel; the client's open thread follows.
  await lvStaff.locator('select[name="side-status"]:not(:disabled)').waitFor();
  await lvStaff.locator('select[name="side-status"]').selectOption('waiting');
  await lvPortal.locator(`[data-page=request][data-status=waiting]`).waitFor();
  await waitText(lvPortal.locator('.p-thread-meta [data-status]'), /Ждёт вашего ответа/);
  await lvStaff.locator('.card-title [data-status=waiting]').waitFor();
  await lvStaff.locator('select[name="side-status"]').selectOption('resolved');
  await lvPortal.locator(`[data-page=request][data-status=resolved]`).waitFor();
  assert(await lvPortal.locator('form[data-form=reply] textarea').isDisabled(), 'the client’s reply box is disabled with the reason');
  // The client reopens it; the staff view follows.
  await lvPortal.click('[data-action=reopen]');
  await lvStaff.locator('.card-title [data-status=open]').waitFor();
  await lvStaff.waitForFunction(() => document.querySelector('select[name="side-status"]')?.value === 'open');
  assert(await lvSameDocument(lvStaff) && await lvSameDocument(lvPortal), 'neither window was reloaded');
});

await test('requests live: HTML and <script> in a client’s message stay inert text on the staff side', async () => {
  assert(lvId, 'the client raised a request');
  const evil = `<img src=x onerror="window.__lvXss=1"><script>window.__lvXss=2</script><b>жирный</b> ${stamp}`;
  await lvPortal.locator('form[data-form=reply] textarea').fill(evil);
  await lvPortal.click('button[data-action=send]');
  const li = lvStaff.locator('li.msg-client', { hasText: `жирный</b> ${stamp}` });
  await li.waitFor();
  assert((await li.locator('.msg-body').textContent()) === evil, 'the message reads as typed');
  assert((await lvStaff.locator('.msg-body img, .msg-body script, .msg-body b').count()) === 0, 'no element came out of it');
  assert(await lvStaff.evaluate(() => window.__lvXss === undefined), 'nothing ran');
  assert(await lvSameDocument(lvStaff), 'the staff page was not reloaded');
});

await test('requests live: the mark and the live strings in English', async () => {
  assert(lvStaff, 'the staff page is open');
  await lvStaff.click('button[data-lang=en]');
  await waitText(lvStaff.locator('.card-head .live-state'), /^Live$/);
  const title = await lvStaff.locator('.card-head .live-state').getAttribute('title');
  assert(title && !/[А-Яа-яЁё]/.test(title), `the hint is in English: ${title}`);
  await lvStaff.click('button[data-lang=ru]');
  await waitText(lvStaff.locator('.card-head .live-state'), /^Онлайн$/);
});

await test('requests live: a refused stream shows “reconnecting”, and what was missed arrives once it is back', async () => {
  assert(lvId, 'the client raised a request');
  // A fresh staff window whose stream the network refuses for a while.
  const p = await context.newPage();
  watch(p);
  let refuse = true;
  await p.route('**/api/v1/workspaces/*/events*', (route) => (refuse ? route.fulfill({ status: 503, body: '' }) : route.continue()));
  try {
    await p.goto(`${BASE}/#/w/${WS}/requests/${lvId}`);
    await waitText(heading(p), lvSubject);
    await p.locator('.live-state[data-live=connecting], .live-state[data-live=reconnecting]').first().waitFor();
    await lvMark(p);
    const missed = `Пока связь прервана ${stamp}`;
    await lvPortal.locator('form[data-form=reply] textarea').fill(missed);
    await lvPortal.click('button[data-action=send]');
    await lvPortal.locator('li.p-msg-client', { hasText: missed }).waitFor();
    refuse = false;
    await lvStaffBadge(p).waitFor({ timeout: 20000 });
    await p.locator('li.msg-client', { hasText: missed }).waitFor();
    assert(await lvSameDocument(p), 'the page was not reloaded');
  } finally {
    await p.unroute('**/api/v1/workspaces/*/events*');
    await p.close();
  }
});

if (lvClient) await lvClient.close();
if (lvStaff) await lvStaff.close();
// ---- end of helper-ui-live ----

// ---- webhooks: the owner's page (helper-ui-webhooks) ----
// A receiver on a random loopback port records the POSTs; the demo owner registers an endpoint
// pointing at it from #/w/{ws}/requests/webhooks. The server's worker pauses 10 s after a failed
// attempt, so only first failed attempts are looked at; nothing waits for a backoff.
const whHttp = await import('node:http');
const whCrypto = await import('node:crypto');
const whHits = [];
let whAnswer = 200;
const whReceiver = whHttp.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    whHits.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks), status: whAnswer });
    res.writeHead(whAnswer, { 'Content-Type': 'text/plain' });
    res.end(whAnswer === 200 ? 'ok' : 'broken');
  });
});
await new Promise((resolve) => whReceiver.listen(0, '127.0.0.1', resolve));
const whUrl = `http://127.0.0.1:${whReceiver.address().port}/hooks/${stamp}`;
const whPage = `${BASE}/#/w/${WS}/requests/webhooks`;
const whApiPath = `/workspaces/${WS}/webhooks`;
let whEndpoint = null;
let whSecret = null;
let whPingId = null;
const whRow = () => page.locator(`table.wh-endpoint-table tr[data-endpoint="${whEndpoint.id}"]`);
const whLog = () => page.locator(`.wh-log[data-log="${whEndpoint.id}"]`);
const whDeliveryRow = (id) => whLog().locator(`tr[data-delivery="${id}"]`);
/** The receiver's hits of one delivery id (the same on every attempt). */
const whHitsOf = (id) => whHits.filter((h) => h.headers['x-advocate-delivery'] === String(id));
/** Waits (bounded) until the receiver has seen n hits of a delivery. */
async function whWaitHits(id, n) {
  const until = Date.now() + STEP_TIMEOUT;
  while (whHitsOf(id).length < n) {
    if (Date.now() > until) throw new Error(`the receiver saw ${whHitsOf(id).length} of ${n} hits of delivery ${id}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
/** Opens a page of the UI afresh (going to the same hash again would not load anything). */
async function whOpen(url) {
  await page.goto(url);
  await page.reload();
}
/** Logs in as someone else in a fresh Russian browser context; the caller closes it. */
async function whOtherPage(email) {
  const ctx = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1280, height: 850 } });
  ctx.setDefaultTimeout(STEP_TIMEOUT);
  const p = await ctx.newPage();
  watch(p);
  await p.goto(`${BASE}/`);
  await p.waitForURL(/#\/login$/);
  await p.fill('input[name=email]', email);
  await p.fill('input[name=password]', PASSWORD);
  await p.click('button[type=submit]');
  await p.waitForURL(/#\/w\//);
  return { ctx, p };
}

await test('webhooks: a non-owner (analyst) sees that only owners manage them, and nothing to manage', async () => {
  const { ctx, p } = await whOtherPage('analyst@advocate.local');
  try {
    await p.goto(`${BASE}/#/w/${WS}/requests/settings`);
    await p.click('.requests-nav a[data-requests-tab=webhooks]');
    await p.waitForURL(/\/requests\/webhooks$/);
    await waitText(heading(p), /^Вебхуки$/);
    const note = p.locator('[data-owners-only]');
    await note.waitFor();
    assert(/только владельцы/.test(await note.textContent()), `the note: ${await note.textContent()}`);
    assert((await p.locator('[data-action=add-webhook], table.wh-endpoint-table, form[data-form=webhook], .wh-log').count()) === 0,
      'no list, form or log');
    const r = await p.evaluate(async (path) => (await fetch(`/api/v1${path}`)).status, whApiPath);
    assert(r === 403, `the server refuses the analyst too (${r})`);
  } finally {
    await ctx.close();
  }
});

await test('webhooks: from the settings to the page; a bad URL is refused beside the URL field (422)', async () => {
  const before = (await pageApi('GET', whApiPath)).body.items.length;
  await page.goto(`${BASE}/#/w/${WS}/requests/settings`);
  await page.click('.requests-nav a[data-requests-tab=webhooks]');
  await page.waitForURL(/\/requests\/webhooks$/);
  await waitText(heading(), /^Вебхуки$/);
  await page.click('button[data-action=add-webhook]');
  const form = page.locator('form[data-form=webhook]');
  await form.locator('input[name=url]').fill('ftp://user:secret@example.com/hooks');
  await form.locator('input[name=event][value="request.created"]').check();
  await form.locator('button[data-action=save-webhook]').click();
  const err = form.locator('[data-field=url].field-invalid [data-error=url]');
  await err.waitFor();
  assert((await err.textContent()).trim().length > 0, 'the server’s message is shown');
  assert((await form.locator('[data-error=events], [data-error=other]').count()) === 0, 'only the URL is named');
  assert((await form.locator('input[name=url]').getAttribute('aria-invalid')) === 'true', 'the field is marked invalid');
  // Typing clears it; nothing was stored.
  await form.locator('input[name=url]').fill('https://example.com/');
  await form.locator('[data-error=url]').waitFor({ state: 'detached' });
  assert((await pageApi('GET', whApiPath)).body.items.length === before, 'nothing was registered');
  // No event: said beside the events, before asking the server.
  await form.locator('input[name=event][value="request.created"]').uncheck();
  await form.locator('button[data-action=save-webhook]').click();
  await waitText(form.locator('[data-field=events] [data-error=events]'), /хотя бы одно событие/);
  await form.locator('button[data-action=cancel-webhook]').click();
  await form.waitFor({ state: 'detached' });
});

await test('webhooks: register an endpoint; its secret is shown once, with a warning, and is gone after a reload', async () => {
  await whOpen(whPage);
  await page.click('button[data-action=add-webhook]');
  const form = page.locator('form[data-form=webhook]');
  await form.locator('input[name=url]').fill(whUrl);
  await form.locator('input[name=event][value="request.created"]').check();
  await form.locator('input[name=event][value="request.resolved"]').check();
  await form.locator('button[data-action=save-webhook]').click();
  const box = page.locator('[data-secret-box]');
  await box.waitFor();
  whSecret = await box.locator('input[data-secret]').inputValue();
  assert(/^whsec_/.test(whSecret), `the secret: ${whSecret}`);
  assert(/больше он показан не будет/.test(await box.locator('[data-secret-warning]').textContent()), 'the warning');
  await box.locator('button[data-action=copy-secret]').click();
  await waitText(box.locator('button[data-action=copy-secret]'), /Скопировано|Выделите/);
  const list = (await pageApi('GET', whApiPath)).body.items;
  whEndpoint = list.find((e) => e.url === whUrl);
  assert(whEndpoint && !('secret' in whEndpoint), `the endpoint is listed without its secret: ${JSON.stringify(list)}`);
  await waitText(whRow().locator('[data-field=url]'), whUrl);
  await waitText(whRow().locator('[data-field=active]'), /^активен$/);
  const events = await whRow().locator('[data-field=events] [data-event]').evaluateAll((els) => els.map((e) => e.dataset.event));
  assert(JSON.stringify(events) === JSON.stringify(['request.created', 'request.resolved']), `the events: ${events}`);
  assert(/Создано обращение/.test(await whRow().locator('[data-field=events]').textContent()), 'the events in Russian');
  assert((await whRow().locator('[data-field=created]').textContent()).trim() !== '—', 'when it was created');
  await page.screenshot({ path: `${SHOTS}/e2e-webhooks-secret.png`, fullPage: true });
  await page.reload();
  await whRow().waitFor();
  assert((await page.locator('[data-secret-box]').count()) === 0, 'no secret box after a reload');
  assert(!(await page.evaluate(() => document.body.innerText)).includes(whSecret), 'the secret is nowhere on the page');
  const one = await pageApi('GET', `${whApiPath}/${whEndpoint.id}`);
  assert(one.status === 200 && !('secret' in one.body), 'the server does not answer it again');
});

await test('webhooks: a test ping is delivered, signed with the secret (HMAC-SHA256 of timestamp.body); a delivered one is sent again', async () => {
  assert(whEndpoint && whSecret, 'the endpoint was registered');
  whAnswer = 200;
  await whOpen(whPage);
  await whRow().locator('button[data-action=ping-webhook]').click();
  await page.waitForURL(new RegExp(`requests/webhooks\\?endpoint=${whEndpoint.id}$`));
  await waitText(page.locator('.alert-ok'), /Проверочная доставка поставлена в очередь/);
  const top = whLog().locator('tbody tr[data-delivery]').first();
  await waitText(top.locator('[data-field=status]'), /^доставлено$/);
  whPingId = Number(await top.getAttribute('data-delivery'));
  await waitText(top, /Проверка/);
  assert((await top.locator('[data-field=attempts]').textContent()) === '1', 'one attempt');
  assert((await top.locator('[data-field=http]').textContent()) === '200', 'the receiver’s status');
  await whWaitHits(whPingId, 1);
  const hit = whHitsOf(whPingId)[0];
  const ts = hit.headers['x-advocate-timestamp'];
  const mac = whCrypto.createHmac('sha256', Buffer.from(whSecret, 'utf8')).update(Buffer.concat([Buffer.from(`${ts}.`), hit.body])).digest('hex');
  assert(hit.headers['x-advocate-signature'] === `sha256=${mac}`, `the signature ${hit.headers['x-advocate-signature']} is sha256=${mac}`);
  assert(Math.abs(Date.now() / 1000 - Number(ts)) < 300, `a fresh timestamp: ${ts}`);
  assert(hit.headers['x-advocate-event'] === 'ping' && /^application\/json/.test(hit.headers['content-type']), 'the event and type headers');
  assert(hit.path === `/hooks/${stamp}`, `the path: ${hit.path}`);
  const body = JSON.parse(hit.body.toString('utf8'));
  assert(body.id === whPingId && body.type === 'ping' && body.workspace === WS && body.data.endpoint_id === whEndpoint.id, `the body: ${hit.body}`);
  // The payload (the event's data), on demand, in a row of its own under the delivery.
  await top.locator('button[data-action=toggle-payload]').click();
  const payload = whLog().locator(`tr[data-payload-of="${whPingId}"] pre[data-payload]`);
  await waitText(payload, new RegExp(`"endpoint_id": ${whEndpoint.id}`));
  assert(JSON.stringify(JSON.parse(await payload.textContent())) === JSON.stringify(body.data), 'the payload is the body’s data');
  await top.locator('button[data-action=toggle-payload]').click();
  await payload.waitFor({ state: 'detached' });
  // Send it again: the same delivery id reaches the receiver a second time.
  await top.locator('button[data-action=retry-delivery]').click();
  await waitText(whLog().locator('.alert-ok'), new RegExp(`Доставка ${whPingId} снова поставлена в очередь`));
  await whWaitHits(whPingId, 2);
  await waitText(whDeliveryRow(whPingId).locator('[data-field=status]'), /^доставлено$/);
  await page.screenshot({ path: `${SHOTS}/e2e-webhooks-log.png`, fullPage: true });
});

await test('webhooks: the log pages by next_cursor', async () => {
  assert(whPingId, 'a ping was delivered');
  whAnswer = 200;
  for (let i = 0; i < 21; i++) {
    const r = await pageApi('POST', `${whApiPath}/${whEndpoint.id}/test`);
    assert(r.status === 202 && r.body.status === 'pending', `a ping queued: ${r.status}`);
  }
  const all = (await pageApi('GET', `${whApiPath}/${whEndpoint.id}/deliveries?limit=500`)).body.items;
  assert(all.length === 22, `22 deliveries: ${all.length}`);
  await whOpen(`${whPage}?endpoint=${whEndpoint.id}`);
  // The log asks again by itself while deliveries are pending: wait until none is.
  await whLog().locator('tbody tr[data-delivery]').first().waitFor();
  await page.waitForFunction((id) => {
    const rows = document.querySelectorAll(`.wh-log[data-log="${id}"] tbody tr[data-delivery]`);
    return rows.length === 20 && ![...rows].some((r) => r.dataset.status === 'pending');
  }, whEndpoint.id);
  const older = whLog().locator('button[data-action=older-deliveries]');
  await older.click();
  await page.waitForFunction((id) => document.querySelectorAll(`.wh-log[data-log="${id}"] tbody tr[data-delivery]`).length === 22, whEndpoint.id);
  assert((await older.count()) === 0, 'no more pages');
  const ids = await whLog().locator('tbody tr[data-delivery]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.delivery)));
  assert(JSON.stringify(ids) === JSON.stringify(all.map((d) => d.id)), `newest first, each once: ${ids}`);
  await waitText(whLog().locator('[data-log-count]'), /Показано: 22/);
});

await test('webhooks: the receiver answers 500 — the failed attempt with its status; "send again" while pending says 409 clearly', async () => {
  assert(whPingId, 'a ping was delivered');
  await whOpen(`${whPage}?endpoint=${whEndpoint.id}`);
  const top = whLog().locator('tbody tr[data-delivery]').first();
  await waitText(top.locator('[data-field=status]'), /^доставлено$/);
  const topId = Number(await top.getAttribute('data-delivery'));
  // Behind the page's back the newest delivery is sent again, to a receiver that now fails.
  whAnswer = 500;
  const r = await pageApi('POST', `${whApiPath}/${whEndpoint.id}/deliveries/${topId}/retry`);
  assert(r.status === 202, `retried by the API: ${r.status}`);
  // The page still shows it delivered: sending it again now is the server's 409.
  await top.locator('button[data-action=retry-delivery]').click();
  const note = whLog().locator('[data-retry-conflict]');
  await note.waitFor();
  assert(new RegExp(`Доставка ${topId} ещё отправляется`).test(await note.textContent()), `the 409 is said: ${await note.textContent()}`);
  // The log reloads: the failed attempt, pending a retry, with the receiver's status.
  await whWaitHits(topId, 2);
  await page.click('button[data-action=refresh-log]');
  await waitText(top.locator('[data-field=http]'), /^500$/);
  await waitText(top.locator('[data-field=status]'), /^отправляется$/);
  await waitText(top.locator('[data-field=error]'), /500/);
  assert((await top.locator('[data-field=attempts]').textContent()) === '1', 'the first attempt of the new round');
  assert((await top.locator('[data-field=next]').count()) === 1, 'when it is tried next');
  assert((await top.locator('button[data-action=retry-delivery]').count()) === 0, 'no "send again" while pending');
  // A new ping fails the same way.
  await whRow().locator('button[data-action=ping-webhook]').click();
  await page.waitForFunction(({ id, prev }) => {
    const row = document.querySelector(`.wh-log[data-log="${id}"] tbody tr[data-delivery]`);
    return row && Number(row.dataset.delivery) > prev && row.querySelector('[data-field=http]').textContent === '500';
  }, { id: whEndpoint.id, prev: topId });
  await waitText(top.locator('[data-field=status]'), /^отправляется$/);
  await page.screenshot({ path: `${SHOTS}/e2e-webhooks-failed.png`, fullPage: true });
});

await test('webhooks: change the events with If-Match — a 412 says so and loads the latest version; then switch it off', async () => {
  assert(whEndpoint, 'the endpoint was registered');
  await whOpen(`${whPage}?endpoint=${whEndpoint.id}`);
  await whRow().locator('button[data-action=edit-webhook]').click();
  const form = page.locator('form[data-form=webhook][data-mode=edit]');
  assert((await form.locator('input[name=url]').inputValue()) === whUrl, 'the form holds the URL');
  await form.locator('input[name=event][value="request.message"]').check();
  // Someone else changes the events first.
  const cur = (await pageApi('GET', `${whApiPath}/${whEndpoint.id}`)).body;
  const behind = await pageApi('PATCH', `${whApiPath}/${whEndpoint.id}`, { events: ['request.rated'] }, cur.version);
  assert(behind.status === 200, `PATCH behind the page's back: ${behind.status}`);
  await form.locator('button[data-action=save-webhook]').click();
  const conflict = form.locator('[data-conflict=changed]');
  await conflict.waitFor();
  assert(/Кто-то другой изменил этот адрес/.test(await conflict.textContent()), 'the conflict is said');
  assert(await form.locator('input[name=event][value="request.rated"]').isChecked(), 'their events are loaded');
  assert(!(await form.locator('input[name=event][value="request.message"]').isChecked()), 'mine are not kept silently');
  await waitText(whRow().locator('[data-field=events]'), /Клиент оценил результат/);
  // Repeat the change on their version: it goes through.
  await form.locator('input[name=event][value="request.message"]').check();
  await form.locator('button[data-action=save-webhook]').click();
  await waitText(page.locator('.alert-ok'), /Адрес сохранён/);
  const after = (await pageApi('GET', `${whApiPath}/${whEndpoint.id}`)).body;
  assert(JSON.stringify(after.events) === JSON.stringify(['request.message', 'request.rated']) && after.version === behind.body.version + 1,
    `saved: ${JSON.stringify(after)}`);
  // Switching it off fails what is pending and stops the test pings.
  await whRow().locator('button[data-action=edit-webhook]').click();
  await form.locator('input[name=active]').uncheck();
  await form.locator('button[data-action=save-webhook]').click();
  await waitText(whRow().locator('[data-field=active]'), /^выключен$/);
  assert(await whRow().locator('button[data-action=ping-webhook]').isDisabled(), 'no test ping for an inactive endpoint');
  await waitText(whLog().locator('tbody tr[data-delivery]').first().locator('[data-field=status]'), /^не доставлено$/);
  assert((await whLog().locator('tbody tr[data-status=pending]').count()) === 0, 'nothing is pending any more');
});

await test('webhooks: the page in English', async () => {
  assert(whEndpoint, 'the endpoint was registered');
  const cyr = /[А-Яа-яЁё]/;
  await whOpen(`${whPage}?endpoint=${whEndpoint.id}`);
  await whLog().locator('tbody tr[data-delivery]').first().waitFor();
  await page.click('button[data-lang=en]');
  try {
    await waitText(heading(), /^Webhooks$/);
    await waitText(whRow().locator('[data-field=active]'), /^off$/);
    await page.click('button[data-action=add-webhook]');
    await page.locator('form[data-form=webhook]').waitFor();
    const chrome = await page.evaluate(() => [
      ...document.querySelectorAll('.webhooks-page h1, .webhooks-page h2, .webhooks-page > p, .webhooks-page th, .webhooks-page button, .webhooks-page label, .webhooks-page legend, .webhooks-page .hint, .webhooks-page .badge, .webhooks-page .chip, .webhooks-page summary, .webhooks-page dt, .webhooks-page .requests-nav a, .webhooks-page [data-log-count]'),
    ].map((e) => e.textContent).filter((s) => s.trim()));
    const ru = chrome.filter((s) => cyr.test(s));
    assert(ru.length === 0, `Russian left: ${JSON.stringify(ru)}`);
    await page.click('button[data-action=cancel-webhook]');
  } finally {
    await page.click('button[data-lang=ru]');
  }
  await waitText(heading(), /^Вебхуки$/);
});

await test('webhooks: phone viewport — the endpoints, the form and the log fit the width', async () => {
  assert(whEndpoint, 'the endpoint was registered');
  const { phone, p } = await openPhone();
  try {
    const overflow = () => horizontalOverflow(p);
    await p.goto(`${whPage}?endpoint=${whEndpoint.id}`);
    await p.locator(`.wh-log[data-log="${whEndpoint.id}"] tbody tr[data-delivery]`).first().waitFor();
    await p.locator(`.wh-log tbody tr[data-delivery] button[data-action=toggle-payload]`).first().click();
    await p.locator('.wh-log pre[data-payload]').waitFor();
    assert((await overflow()) <= 0, `the page overflows by ${await overflow()}px`);
    await p.click('button[data-action=edit-webhook]');
    await p.locator('form[data-form=webhook] input[name=url]').waitFor();
    assert((await overflow()) <= 0, `the form overflows by ${await overflow()}px`);
    await p.screenshot({ path: `${SHOTS}/e2e-phone-webhooks.png`, fullPage: true });
  } finally {
    await phone.close();
  }
});

await test('webhooks: delete after a confirmation (declined first)', async () => {
  assert(whEndpoint, 'the endpoint was registered');
  await whOpen(`${whPage}?endpoint=${whEndpoint.id}`);
  await whLog().waitFor();
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await whRow().locator('button[data-action=delete-webhook]').click();
  assert(asked.includes(whUrl), `the confirmation names the URL: ${asked}`);
  assert((await pageApi('GET', `${whApiPath}/${whEndpoint.id}`)).status === 200, 'declined: still there');
  page.once('dialog', (d) => d.accept());
  await whRow().locator('button[data-action=delete-webhook]').click();
  await waitText(page.locator('.alert-ok'), /Адрес удалён/);
  await whRow().waitFor({ state: 'detached' });
  await page.waitForURL(/\/requests\/webhooks$/);
  assert((await page.locator('.wh-log').count()) === 0, 'its log is closed');
  assert((await pageApi('GET', `${whApiPath}/${whEndpoint.id}`)).status === 404, 'the server has it no more');
});

whReceiver.closeAllConnections?.();
await new Promise((resolve) => whReceiver.close(() => resolve()));
// ---- end of helper-ui-webhooks ----

await test('no script errors or CSP violations', async () => {
  assert(problems.length === 0, problems.join('; '));
}, { needsLogin: false });

await browser.close();
const passed = results.filter(Boolean).length;
const failed = results.length - passed;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
