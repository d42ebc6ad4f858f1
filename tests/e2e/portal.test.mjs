// Browser tests of the client portal (the client's side of the dialog window, /portal/) and its
// widget (/portal/widget.js): playwright-core drives Debian's Chromium against a running server
// with demo data (BASE_URL), started with --portal-frame-ancestors PORTAL_FRAME_ANCESTORS.
// Staff invite a demo contact through the API; the client signs in by the link, raises a
// request and talks with the staff, who answer in a second browser window (the staff UI).
// Then portal access in the staff UI: invited from the company card, signed in by the link shown
// there, revoked there (the portal session ends), read-only for viewers and others' managers.
// Prints "ok - name" / "not ok - name" per case and a closing "N passed, N failed" line; exits 1
// when any case failed. Screenshots go to /tmp/e2e-portal-*.png.
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';

const BASE = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const EMAIL = process.env.E2E_EMAIL || 'demo@advocate.local';
const PASSWORD = process.env.E2E_PASSWORD || 'demo-password';
const WS = process.env.E2E_WORKSPACE || 'demo';
const SHOTS = process.env.E2E_SHOTS || '/tmp';
const FRAME_ANCESTORS = process.env.PORTAL_FRAME_ANCESTORS || '';
const STEP_TIMEOUT = 15000;
const stamp = Date.now().toString(36);
const cyr = /[А-Яа-яЁё]/;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
});

const problems = [];
/** Collects script errors and CSP violations of a page (and of its frames). */
const watch = (p, label) => {
  p.on('pageerror', (e) => problems.push(`${label}: page error: ${e.message}`));
  p.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`${label}: console: ${m.text()}`);
  });
};

const results = [];
let current = null; // the page to screenshot when a case fails
async function test(name, fn, needs = []) {
  try {
    for (const [ok, what] of needs) if (!ok()) throw new Error(`skipped: ${what}`);
    await fn();
    results.push(true);
    console.log(`ok - ${name}`);
  } catch (e) {
    results.push(false);
    console.log(`not ok - ${name}`);
    console.log(`  # ${String((e && e.stack) || e).split('\n').slice(0, 4).join('\n  # ')}`);
    if (String(e).includes('skipped:') || !current) return;
    await current.screenshot({ path: `${SHOTS}/e2e-portal-failure-${results.length}.png`, fullPage: true }).catch(() => undefined);
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}
async function waitText(locator, re) {
  await locator.filter({ hasText: re }).first().waitFor();
}
async function until(what, fn, ms = STEP_TIMEOUT) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// ---- staff: a signed-in context (its API calls share the cookie with its pages) ----
const staff = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1280, height: 850 } });
staff.setDefaultTimeout(STEP_TIMEOUT);
let staffCsrf = '';
async function staffApi(method, path, body) {
  const r = await staff.request.fetch(`${BASE}/api/v1${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': staffCsrf },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status(), body: text ? JSON.parse(text) : null };
}

// ---- the client: a Russian-preferring browser at laptop size ----
const client = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1280, height: 850 } });
client.setDefaultTimeout(STEP_TIMEOUT);
const page = await client.newPage();
current = page;
watch(page, 'portal');

let person = null; // {contact_id, name, email, account_id, account_name}
let link = '';
let rqId = 0;
const rqSubject = `Рекламация по партии ${stamp}`;
let password = '';
const signedIn = () => link !== '' && person !== null;

await test('portal: /portal/ is its own small page whose CSP lets the configured sites frame it; every other page keeps frame-ancestors \'none\'', async () => {
  const r = await fetch(`${BASE}/portal/`);
  assert(r.status === 200, `GET /portal/ answered ${r.status}`);
  const csp = r.headers.get('content-security-policy') || '';
  const html = await r.text();
  assert(/script-src 'self';/.test(csp) && !/unsafe-inline/.test(csp), `the portal's CSP keeps scripts to the server: ${csp}`);
  assert(FRAME_ANCESTORS !== '', 'run.sh passes PORTAL_FRAME_ANCESTORS');
  assert(csp.endsWith(`frame-ancestors ${FRAME_ANCESTORS}`), `frame-ancestors is the configured list: ${csp}`);
  assert(r.headers.get('x-frame-options') === null, 'no X-Frame-Options on the frameable page');
  assert(r.headers.get('x-content-type-options') === 'nosniff' && r.headers.get('referrer-policy') === 'no-referrer', 'the other security headers stay');
  assert(/\/assets\/portal-[\w-]+\.js/.test(html) && !/\/assets\/index-/.test(html) && !/echarts/.test(html), 'the page loads the portal bundle, not the staff app');
  assert(!/<script>|<script(?![^>]*\bsrc=)[^>]*>/.test(html), 'no inline script');
  for (const path of ['/', '/api/v1/portal/me', `/portal/widget.js`]) {
    const o = await fetch(`${BASE}${path}`);
    const c = o.headers.get('content-security-policy') || '';
    assert(c.endsWith("frame-ancestors 'none'") && o.headers.get('x-frame-options') === 'DENY', `${path} keeps frame-ancestors 'none' and DENY: ${c}`);
  }
  const bare = await fetch(`${BASE}/portal`, { redirect: 'manual' });
  assert(bare.status === 308 && bare.headers.get('location') === '/portal/', `/portal redirects to /portal/ (${bare.status})`);
  const w = await fetch(`${BASE}/portal/widget.js`);
  const js = await w.text();
  assert(/javascript/.test(w.headers.get('content-type') || '') && w.headers.get('etag'), 'the widget is JavaScript with an ETag');
  assert(!/^\s*(import|export)\b/m.test(js) && js.length < 20000, `the widget is one small classic script (${js.length} bytes)`);
});

await test('portal: staff invite a demo contact; the client opens the link and lands signed in, the token gone from the address and history', async () => {
  const login = await staff.request.post(`${BASE}/api/v1/auth/login`, { data: { email: EMAIL, password: PASSWORD } });
  assert(login.ok(), `staff login answered ${login.status()}`);
  staffCsrf = (await login.json()).csrf_token;
  // A demo contact with an e-mail address who is not a portal user yet.
  const taken = new Set((await staffApi('GET', `/workspaces/${WS}/portal-users?limit=500&include_revoked=true`)).body.items.map((u) => u.contact_id));
  const accounts = (await staffApi('GET', `/workspaces/${WS}/accounts?limit=40&status=active`)).body.items;
  for (const a of accounts.slice(5)) {
    const cs = (await staffApi('GET', `/workspaces/${WS}/accounts/${a.id}/contacts`)).body.items;
    const c = cs.find((x) => x.emails && x.emails.length && !taken.has(x.id) && !x.left_on);
    if (c) {
      person = { contact_id: c.id, name: c.name, email: c.emails[0].toLowerCase(), account_id: a.id, account_name: a.name };
      break;
    }
  }
  assert(person, 'a demo contact with an e-mail address');
  const inv = await staffApi('POST', `/workspaces/${WS}/portal-users`, { contact_id: person.contact_id, lang: 'ru' });
  assert(inv.status === 201 && /^\/portal\/#\/link\/[\w-]{43}$/.test(inv.body.link), `invited: ${inv.status} ${JSON.stringify(inv.body)}`);
  const token = inv.body.link.split('/').pop();
  await page.goto(`${BASE}${inv.body.link}`);
  await page.locator('[data-page=list]').waitFor();
  link = inv.body.link;
  await waitText(page.locator('.p-company'), person.account_name);
  await waitText(page.locator('main h1'), new RegExp(`Обращения компании`));
  assert(!page.url().includes(token) && (await page.evaluate(() => window.location.hash)) === '#/', `the address keeps no token: ${page.url()}`);
  assert((await page.evaluate(() => document.title)) === 'Обращения', 'the page is in Russian');
  await page.locator('[data-hint=password]').waitFor(); // no password yet: the hint to set one
  await page.screenshot({ path: `${SHOTS}/e2e-portal-list.png` });
  // Back leaves the portal (the link's entry was replaced), and forward returns signed in.
  await page.goBack();
  assert(!page.url().includes(token), `history holds no token: ${page.url()}`);
  await page.goForward();
  await page.locator('[data-page=list]').waitFor();
  assert(!page.url().includes(token), 'forward again: no token');
});

await test('portal: a used invitation link says to ask the supplier\'s manager for a new invitation', async () => {
  const other = await browser.newContext({ locale: 'ru-RU' });
  const p = await other.newPage();
  watch(p, 'portal (used link)');
  await p.goto(`${BASE}${link}`);
  const box = p.locator('[data-problem=link]');
  await box.waitFor();
  const text = await box.textContent();
  assert(/больше не действует/.test(text) && /менеджера у поставщика/.test(text) && /новое приглашение/.test(text), `the message: ${text}`);
  assert(!p.url().includes(link.split('/').pop()), 'the dead token left the address too');
  await p.locator('form[data-form=signin] input[name=password]').waitFor(); // signing in by password stays possible
  await p.screenshot({ path: `${SHOTS}/e2e-portal-dead-link.png` });
  await other.close();
}, [[signedIn, 'signing in by link failed']]);

await test('portal: a dead link offers a new one by e-mail (the supplier code from the page address), and the sign-in screen does too; both say a link is on its way', async () => {
  const other = await browser.newContext({ locale: 'ru-RU' });
  const p = await other.newPage();
  watch(p, 'portal (new link)');
  const asked = [];
  p.on('request', (rq) => {
    if (rq.url().endsWith('/api/v1/portal/auth/link-request')) asked.push(rq.postDataJSON());
  });
  const email = person ? person.email : `someone-${stamp}@example.ru`;
  await p.goto(`${BASE}/portal/?ws=${WS}#/link/${'A'.repeat(43)}`);
  await p.locator('[data-problem=link]').waitFor();
  const form = p.locator('form[data-form=link-request]');
  await form.waitFor();
  assert((await form.locator('input[name=workspace]').count()) === 0, 'the supplier code comes from the address');
  await waitText(p.locator(`[data-workspace="${WS}"]`), WS);
  await form.locator('input[name=email]').fill(email);
  await p.screenshot({ path: `${SHOTS}/e2e-portal-link-request.png` });
  await form.locator('button[type=submit]').click();
  const sent = p.locator('[data-state=link-sent]');
  await sent.waitFor();
  let text = await sent.textContent();
  assert(/Если этот адрес зарегистрирован, ссылка уже в пути/.test(text) && /30 минут/.test(text), `the confirmation: ${text}`);
  assert(asked.length === 1 && asked[0].workspace === WS && asked[0].email === email && !('lang' in asked[0]), `the request: ${JSON.stringify(asked)}`);
  await p.locator('form[data-form=signin] input[name=password]').waitFor(); // the password form stays below
  // The sign-in screen, in English: the same form on request, the code typed; an unknown address
  // gets the same answer.
  await p.goto(`${BASE}/portal/`);
  await p.locator('form[data-form=signin]').waitFor();
  await p.click('button[data-lang=en]');
  assert((await p.locator('form[data-form=link-request]').count()) === 0, 'no link form until asked for');
  await p.click('[data-action=request-link]');
  const form2 = p.locator('form[data-form=link-request]');
  await form2.locator('input[name=workspace]').fill(WS);
  await form2.locator('input[name=email]').fill(`nobody-${stamp}@example.ru`);
  await form2.locator('button[type=submit]').click();
  await p.locator('[data-state=link-sent]').waitFor();
  text = await p.locator('[data-state=link-sent]').textContent();
  assert(/If this address is registered, a link is on its way/.test(text), `the confirmation: ${text}`);
  assert(asked.length === 2 && asked[1].lang === 'en' && asked[1].workspace === WS, `the request: ${JSON.stringify(asked[1])}`);
  await p.screenshot({ path: `${SHOTS}/e2e-portal-link-sent.png` });
  await other.close();
});

await test('portal: raise a request («Рекламация», subject, text) and land in its thread', async () => {
  await page.click('[data-action=new-request]');
  const form = page.locator('form[data-form=new-request]');
  await form.waitFor();
  const label = await form.locator('select[name=kind] option[value=complaint]').textContent();
  assert(label === 'Рекламация', `the kind's Russian label: ${label}`);
  await form.locator('select[name=kind]').selectOption('complaint');
  await form.locator('input[name=subject]').fill(rqSubject);
  await form.locator('textarea[name=body]').fill('Пришла партия с повреждённой упаковкой.\nПросим замену.');
  await form.locator('button[type=submit]').click();
  await page.waitForURL(/#\/r\/\d+$/);
  rqId = Number(/#\/r\/(\d+)$/.exec(page.url())[1]);
  await waitText(page.locator('main h1'), rqSubject);
  const first = page.locator('li.p-msg-client').first();
  await first.waitFor();
  assert((await first.locator('.p-msg-body').textContent()) === 'Пришла партия с повреждённой упаковкой.\nПросим замену.', 'line breaks kept');
  await waitText(page.locator('[data-kind=complaint]'), /Рекламация/);
  const rq = await staffApi('GET', `/workspaces/${WS}/requests/${rqId}`);
  assert(rq.status === 200 && rq.body.kind === 'complaint' && rq.body.channel === 'portal' && rq.body.account_id === person.account_id, `the staff see it: ${JSON.stringify(rq.body)}`);
}, [[signedIn, 'signing in by link failed']]);

let staffPage = null;
await test('portal: two windows — a reply typed in the staff UI appears in the client\'s open thread without reload, and the client\'s answer reaches the staff live', async () => {
  staffPage = await staff.newPage();
  watch(staffPage, 'staff');
  await staffPage.goto(`${BASE}/#/w/${WS}/requests/${rqId}`);
  await waitText(staffPage.locator('main h1'), rqSubject);
  // The staff side listens to the request's live events like the staff UI would.
  await staffPage.evaluate((id) => {
    window.__events = [];
    const es = new EventSource(`/api/v1/workspaces/${document.location.hash.split('/')[2]}/events?topic_id=${id}`);
    const keep = (e) => window.__events.push(JSON.parse(e.data));
    for (const n of ['request.message', 'request.status', 'request.rate', 'request.mark']) es.addEventListener(n, keep);
    window.__es = es;
    return new Promise((resolve) => { es.onopen = resolve; });
  }, rqId);
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.locator('[data-live=on]').waitFor(); // the client's stream is up
  const reply = `Принято, проверяем партию ${stamp}. <i>не курсив</i>`;
  await staffPage.locator('form[data-form=reply] textarea').fill(reply);
  await staffPage.click('button[data-action=reply-reply]');
  const theirs = page.locator('li.p-msg-staff', { hasText: `проверяем партию ${stamp}` });
  await theirs.waitFor();
  assert((await theirs.locator('.p-msg-body').textContent()) === reply, 'the staff reply is shown as text');
  assert((await theirs.locator('.p-msg-body i').count()) === 0, 'its markup is inert');
  assert(await page.evaluate(() => window.__sameDocument === true), 'the client page was not reloaded');
  await waitText(page.locator('.p-thread-meta [data-status]'), /В работе/);
  await page.screenshot({ path: `${SHOTS}/e2e-portal-thread.png`, fullPage: true });

  const mine = `Спасибо, ждём замену ${stamp}`;
  await page.locator('form[data-form=reply] textarea').fill(mine);
  await page.click('button[data-action=send]');
  await page.locator('li.p-msg-client', { hasText: mine }).waitFor();
  assert((await page.locator('form[data-form=reply] textarea').inputValue()) === '', 'the reply box is emptied');
  await until('the staff stream to carry the client\'s message', () =>
    staffPage.evaluate((id) => window.__events.some((e) => e.type === 'request.message' && e.topic_id === id), rqId));
  // The staff request page follows the stream too: the message appears there without a reload.
  await staffPage.locator('li.msg-client', { hasText: mine }).waitFor();
  assert(await staffPage.evaluate(() => Array.isArray(window.__events)), 'the staff page was not reloaded');
  await staffPage.screenshot({ path: `${SHOTS}/e2e-portal-staff-side.png`, fullPage: true });
}, [[() => rqId > 0, 'no request']]);

await test('portal: <script> and HTML in a subject or message are shown as inert text', async () => {
  const evil = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>жирный</b> ${stamp}`;
  await page.locator('form[data-form=reply] textarea').fill(evil);
  await page.click('button[data-action=send]');
  const li = page.locator('li.p-msg-client', { hasText: `жирный</b> ${stamp}` });
  await li.waitFor();
  assert((await li.locator('.p-msg-body').textContent()) === evil, 'the message reads as typed');
  assert((await li.locator('.p-msg-body img, .p-msg-body script, .p-msg-body b').count()) === 0, 'no element came out of it');
  // A subject with markup, through the API of the same session.
  const made = await page.evaluate(async (subject) => {
    const me = await (await fetch('/api/v1/portal/me')).json();
    const r = await fetch('/api/v1/portal/requests', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
      body: JSON.stringify({ kind: 'question', subject, body: '<svg onload="window.__xss=3">' }),
    });
    return { status: r.status, body: await r.json() };
  }, `<script>window.__xss=4</script> вопрос ${stamp}`);
  assert(made.status === 201, `created: ${JSON.stringify(made)}`);
  const created = made.body.id;
  await page.evaluate((id) => { window.location.hash = `#/r/${id}`; }, created);
  await page.locator(`[data-page=request][data-request-id="${created}"]`).waitFor();
  await waitText(page.locator('main h1'), /вопрос/);
  assert((await page.locator('main h1').textContent()) === `<script>window.__xss=4</script> вопрос ${stamp}`, 'the subject reads as typed');
  await page.evaluate(() => { window.location.hash = '#/'; });
  await page.locator(`li[data-request-id="${created}"]`).waitFor();
  assert(await page.evaluate(() => window.__xss === undefined), 'nothing ran');
}, [[() => rqId > 0, 'no request']]);

await test('portal: the list follows live events — a staff answer moves the status and marks the request unread', async () => {
  await page.goto(`${BASE}/portal/#/`);
  const row = page.locator(`li[data-request-id="${rqId}"]`);
  await row.waitFor();
  await page.locator('[data-live=on]').waitFor();
  await page.evaluate(() => { window.__sameDocument = true; });
  assert(!(await row.getAttribute('class') || '').includes('p-unread'), 'read before the answer');
  const r = await staffApi('POST', `/workspaces/${WS}/requests/${rqId}/messages`, { body: `Уточните номер накладной ${stamp}`, status: 'waiting' });
  assert(r.status === 201, `staff reply answered ${r.status}`);
  await page.locator(`li[data-request-id="${rqId}"][data-status=waiting]`).waitFor();
  await waitText(row.locator('[data-status]'), /Ждёт вашего ответа/);
  await page.locator(`li[data-request-id="${rqId}"].p-unread .p-dot`).waitFor();
  assert(await page.evaluate(() => window.__sameDocument === true), 'the list was not reloaded');
  await row.locator('a').click();
  await page.locator('li.p-msg-staff', { hasText: `Уточните номер накладной ${stamp}` }).waitFor();
  await page.goto(`${BASE}/portal/#/`);
  await row.waitFor();
  assert(!(await row.getAttribute('class') || '').includes('p-unread'), 'read once opened');
}, [[() => rqId > 0, 'no request']]);

await test('portal: resolved — the reply box is disabled with the reason; helpful marks, a rating, reopen, close', async () => {
  await page.goto(`${BASE}/portal/#/r/${rqId}`);
  await waitText(page.locator('main h1'), rqSubject);
  await page.locator('[data-live=on]').waitFor();
  const done = await staffApi('POST', `/workspaces/${WS}/requests/${rqId}/messages`, { body: `Замена отгружена ${stamp}`, status: 'resolved' });
  assert(done.status === 201, `staff resolve answered ${done.status}`);
  await page.locator('[data-page=request][data-status=resolved]').waitFor();
  const box = page.locator('form[data-form=reply] textarea');
  assert(await box.isDisabled(), 'the reply box is disabled');
  const why = await page.locator('.p-reply-why').textContent();
  assert(/решено/i.test(why) && /открой|откройте/i.test(why), `the reason: ${why}`);
  assert((await box.getAttribute('aria-describedby')) === 'p-reply-why', 'the reason describes the box');
  await page.locator('[data-action=send]').waitFor({ state: 'detached' });

  // Helpful marks on the staff replies.
  const replies = page.locator('li.p-msg-staff');
  const n = await replies.count();
  assert(n >= 3, `three staff replies (${n})`);
  await replies.nth(0).locator('[data-helpful=yes]').click();
  await page.locator('li.p-msg-staff').nth(0).locator('[data-helpful=yes][aria-pressed=true]').waitFor();
  await replies.nth(1).locator('[data-helpful=no]').click();
  await page.locator('li.p-msg-staff').nth(1).locator('[data-helpful=no][aria-pressed=true]').waitFor();
  const marks = (await staffApi('GET', `/workspaces/${WS}/requests/${rqId}`)).body.thread.filter((m) => m.author === 'staff' && !m.internal).map((m) => m.helpful);
  assert(marks[0] === true && marks[1] === false, `the server has the marks: ${JSON.stringify(marks)}`);

  // A rating with a comment.
  const form = page.locator('form[data-form=rating]');
  await form.locator('label').nth(3).click(); // 4 of 5
  await form.locator('textarea[name=comment]').fill('Быстро, но упаковка снова <b>так себе</b>');
  await form.locator('[data-action=rate]').click();
  await page.locator('.p-rating[data-rated="4"]').waitFor();
  let rq = (await staffApi('GET', `/workspaces/${WS}/requests/${rqId}`)).body;
  assert(rq.rating === 4 && rq.rating_comment === 'Быстро, но упаковка снова <b>так себе</b>', `rated: ${rq.rating} ${rq.rating_comment}`);
  assert((await page.locator('.p-rating b').count()) === 0, 'the comment is text');
  await page.screenshot({ path: `${SHOTS}/e2e-portal-resolved.png`, fullPage: true });

  // Reopen: writing is possible again.
  await page.click('[data-action=reopen]');
  await page.locator('[data-page=request][data-status=open]').waitFor();
  assert(!(await box.isDisabled()), 'the reply box is enabled again');
  // Resolved again by the staff, then closed by the client.
  await staffApi('POST', `/workspaces/${WS}/requests/${rqId}/messages`, { body: `Ещё раз проверили ${stamp}`, status: 'resolved' });
  await page.locator('[data-page=request][data-status=resolved]').waitFor();
  await page.click('[data-action=close]');
  await page.locator('[data-page=request][data-status=closed]').waitFor();
  assert(/закрыто/i.test(await page.locator('.p-reply-why').textContent()), 'the reason names the closed request');
  await page.locator('[data-action=reopen]').waitFor(); // still within the reopening window
  await page.locator('[data-action=close]').waitFor({ state: 'detached' });
  rq = (await staffApi('GET', `/workspaces/${WS}/requests/${rqId}`)).body;
  assert(rq.status === 'closed' && rq.reopened >= 1, `the server: ${rq.status}, reopened ${rq.reopened}`);
}, [[() => rqId > 0, 'no request']]);

await test('portal: the English version, remembered across a reload', async () => {
  try {
    await english();
  } finally {
    await page.click('button[data-lang=ru]').catch(() => undefined);
  }
}, [[signedIn, 'signing in by link failed']]);

async function english() {
  await page.goto(`${BASE}/portal/#/`);
  await page.locator('[data-page=list]').waitFor();
  await page.click('button[data-lang=en]');
  await waitText(page.locator('main h1'), /^Requests of /);
  await page.reload();
  await waitText(page.locator('main h1'), /^Requests of /);
  assert((await page.evaluate(() => document.documentElement.lang)) === 'en', 'html lang is en');
  const chrome = async () => page.evaluate(() => [
    ...document.querySelectorAll('.p-nav a, [data-action], .p-badge, .p-kind, .p-hint, label > span, legend, .p-reply-why, .p-back, [data-helpful]'),
  ].map((e) => e.textContent));
  let russian = (await chrome()).filter((s) => cyr.test(s));
  assert(russian.length === 0, `Russian left on the list: ${JSON.stringify(russian)}`);
  await page.goto(`${BASE}/portal/#/r/${rqId}`);
  await page.locator('[data-page=request]').waitFor();
  await waitText(page.locator('.p-thread-meta [data-status]'), /^Closed$/);
  await waitText(page.locator('.p-thread-meta [data-kind]'), /^Complaint$/);
  russian = (await chrome()).filter((s) => cyr.test(s));
  assert(russian.length === 0, `Russian left on the thread: ${JSON.stringify(russian)}`);
  await page.goto(`${BASE}/portal/#/new`);
  assert((await page.locator('select[name=kind] option[value=complaint]').textContent()) === 'Complaint', 'kinds in English');
  await page.screenshot({ path: `${SHOTS}/e2e-portal-en.png` });
  await page.click('button[data-lang=ru]');
  await waitText(page.locator('main h1'), /^Новое обращение$/);
}

await test('portal: phone width — the list, the thread and the forms fit the screen', async () => {
  const phone = await browser.newContext({
    locale: 'ru-RU',
    viewport: { width: 375, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    storageState: await client.storageState(),
  });
  phone.setDefaultTimeout(STEP_TIMEOUT);
  const p = await phone.newPage();
  watch(p, 'portal (phone)');
  const overflow = () => p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await p.goto(`${BASE}/portal/#/`);
  await p.locator(`li[data-request-id="${rqId}"]`).waitFor();
  assert((await overflow()) <= 0, `the list overflows by ${await overflow()}px`);
  await p.screenshot({ path: `${SHOTS}/e2e-portal-phone-list.png` });
  await p.locator(`li[data-request-id="${rqId}"] a`).tap();
  await p.locator('li.p-msg-staff').first().waitFor();
  assert((await overflow()) <= 0, `the thread overflows by ${await overflow()}px`);
  const reopen = await p.locator('[data-action=reopen]').boundingBox();
  assert(reopen.width > 280, `the buttons take the width (${reopen.width}px)`);
  const msg = await p.locator('li.p-msg').first().boundingBox();
  assert(msg.x >= 0 && msg.x + msg.width <= 375, `messages fit (${JSON.stringify(msg)})`);
  await p.screenshot({ path: `${SHOTS}/e2e-portal-phone-thread.png`, fullPage: true });
  await p.goto(`${BASE}/portal/#/new`);
  await p.locator('form[data-form=new-request]').waitFor();
  assert((await overflow()) <= 0, `the form overflows by ${await overflow()}px`);
  await phone.close();
}, [[() => rqId > 0, 'no request']]);

await test('portal: set a password, sign out, sign in with the supplier code, e-mail and password', async () => {
  await page.goto(`${BASE}/portal/#/password`);
  const form = page.locator('form[data-form=password]');
  await form.locator('input[name=password]').fill('короткий');
  await form.locator('input[name=password2]').fill('короткий');
  await form.locator('button[type=submit]').click();
  await waitText(form.locator('.p-alert-error'), /короче 10/);
  password = `Пароль-${stamp}-42`;
  await form.locator('input[name=password]').fill(password);
  await form.locator('input[name=password2]').fill(password);
  await form.locator('button[type=submit]').click();
  await waitText(form.locator('.p-alert-ok'), /Пароль сохранён/);
  await page.click('[data-action=signout]');
  const signin = page.locator('form[data-form=signin]');
  await signin.waitFor();
  assert((await signin.locator('input[name=workspace]').inputValue()) === WS, 'the supplier code is remembered');
  await signin.locator('input[name=email]').fill(person.email.toUpperCase());
  await signin.locator('input[name=password]').fill('wrong-password-1');
  await signin.locator('button[type=submit]').click();
  await waitText(page.locator('.p-alert-error'), /Неверный e-mail или пароль/);
  await signin.locator('input[name=password]').fill(password);
  await signin.locator('button[type=submit]').click();
  await page.locator('[data-page=list]').waitFor();
  assert((await page.locator('[data-hint=password]').count()) === 0, 'no password hint once one is set');
}, [[signedIn, 'signing in by link failed']]);

// ---- the widget on the supplier's own site: a page of another origin that this test serves ----
const hostPage = (widgetSrc, extra = '') => `<!doctype html><html lang="ru"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Поставщик</title></head>
<body><h1>Сайт поставщика</h1><p>Текст страницы.</p>${extra}
<script src="${widgetSrc}" async data-workspace="${WS}"></script></body></html>`;
const site = createServer((req, res) => {
  const csp = `default-src 'none'; script-src ${BASE}; frame-src ${BASE}; style-src 'none'; img-src 'none'`;
  if (req.url === '/') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp });
    res.end(hostPage(`${BASE}/portal/widget.js`));
  } else if (req.url === '/staff-frame') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp });
    res.end(hostPage(`${BASE}/portal/widget.js`, `<iframe id="staff" src="${BASE}/" title="staff"></iframe>`));
  } else {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((r) => site.listen(0, '127.0.0.1', r));
const sitePort = site.address().port;

await test('widget: one script tag on another origin (strict CSP there) adds a button that opens the portal in a panel, signed in', async () => {
  const p = await client.newPage();
  current = p;
  const hostErrors = [];
  p.on('pageerror', (e) => hostErrors.push(e.message));
  p.on('console', (m) => { if (m.type() === 'error' && !/favicon/.test(m.location().url || '')) hostErrors.push(`${m.text()} ${m.location().url || ''}`); });
  await p.goto(`http://127.0.0.1:${sitePort}/`);
  const button = p.locator('[data-advocate-widget] [data-part=button]');
  await button.waitFor();
  assert((await button.textContent()).includes('Обращения'), 'the button is labelled');
  assert((await button.getAttribute('aria-expanded')) === 'false', 'closed at first');
  const box = await button.boundingBox();
  assert(box.x > 1000 && box.y > 700, `the button floats bottom right (${JSON.stringify(box)})`);
  await button.click();
  const panel = p.locator('[data-advocate-widget] [data-part=panel]');
  await panel.waitFor();
  assert((await button.getAttribute('aria-expanded')) === 'true', 'open');
  const frame = p.frameLocator('[data-advocate-widget] iframe[data-part=frame]');
  await frame.locator('[data-page=list]').waitFor();
  await waitText(frame.locator('.p-company'), person.account_name);
  const full = await p.locator('[data-advocate-widget] [data-part=full]').getAttribute('href');
  assert(full === `${BASE}/portal/?ws=${WS}`, `the full page link: ${full}`);
  const pb = await panel.boundingBox();
  assert(pb.width >= 380 && pb.width <= 420 && pb.height > 400, `a panel above the button (${JSON.stringify(pb)})`);
  await p.screenshot({ path: `${SHOTS}/e2e-portal-widget.png` });
  // A phone: the panel takes the screen.
  await p.setViewportSize({ width: 375, height: 700 });
  await until('the panel to fill the phone', async () => {
    const b = await panel.boundingBox();
    return b && b.width === 375 && b.height === 700;
  });
  await p.screenshot({ path: `${SHOTS}/e2e-portal-widget-phone.png` });
  await p.locator('[data-advocate-widget] [data-part=close]').click();
  await panel.waitFor({ state: 'hidden' });
  assert(hostErrors.length === 0, `no errors on the host page: ${hostErrors.join('; ')}`);
  await p.close();
  current = page;
}, [[signedIn, 'signing in by link failed']]);

await test('widget: the staff app cannot be framed by that site (frame-ancestors \'none\'), the portal can', async () => {
  const p = await client.newPage();
  const refused = [];
  p.on('console', (m) => { if (/frame-ancestors/i.test(m.text())) refused.push(m.text()); });
  await p.goto(`http://127.0.0.1:${sitePort}/staff-frame`);
  await until('Chromium to refuse the staff frame', async () => refused.length > 0);
  assert(refused.some((t) => t.includes(`'${BASE}/'`) && /frame-ancestors 'none'/.test(t)), `refused because of frame-ancestors: ${refused.join('; ')}`);
  const staffFrame = await (await p.$('#staff')).contentFrame();
  assert(!staffFrame.url().startsWith(BASE), `the staff frame shows an error page (${staffFrame.url()})`);
  await p.locator('[data-advocate-widget] [data-part=button]').click();
  await p.frameLocator('[data-advocate-widget] iframe[data-part=frame]').locator('[data-page=list]').waitFor();
  assert(refused.every((t) => !t.includes('/portal/')), `the portal was not refused: ${refused.join('; ')}`);
  await p.close();
}, [[signedIn, 'signing in by link failed']]);

await test('widget: on another site (cross-site frame) the SameSite=Lax cookie does not stick — the portal says to open it in its own tab', async () => {
  const p = await client.newPage();
  current = p;
  watch(p, 'widget (cross-site)');
  await p.goto(`http://localhost:${sitePort}/`);
  await p.locator('[data-advocate-widget] [data-part=button]').click();
  const frame = p.frameLocator('[data-advocate-widget] iframe[data-part=frame]');
  const form = frame.locator('form[data-form=signin]');
  await form.waitFor(); // the client's cookie is not sent to a third-party frame
  assert((await form.locator('input[name=workspace]').inputValue()) === WS, 'the widget passed the supplier code');
  await form.locator('input[name=email]').fill(person.email);
  await form.locator('input[name=password]').fill(password);
  await form.locator('button[type=submit]').click();
  const warn = frame.locator('[data-problem=frame]');
  await warn.waitFor();
  assert(/отдельной вкладке/.test(await warn.textContent()), 'the advice to open the full page');
  assert((await warn.locator('a').getAttribute('target')) === '_blank', 'with a link to a tab of its own');
  await p.screenshot({ path: `${SHOTS}/e2e-portal-widget-crosssite.png` });
  await p.close();
  current = page;
}, [[() => password !== '', 'no password was set']]);

// ---- portal access in the staff UI: the company card's «Портал клиента» panel and a person's
// portal block (web/src/components/portalAccess/). Self-contained: its own staff and client
// contexts, its own company and people made through the API. ----
const paStaff = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1280, height: 900 } });
paStaff.setDefaultTimeout(STEP_TIMEOUT);
await paStaff.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
const paClient = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1280, height: 850 } });
paClient.setDefaultTimeout(STEP_TIMEOUT);
let paCsrf = '';
async function paApi(method, path, body, ctx = paStaff, csrf = paCsrf) {
  const r = await ctx.request.fetch(`${BASE}/api/v1${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status(), body: text ? JSON.parse(text) : null };
}
/** Signs a context in as a demo user (its pages share the session cookie); the CSRF token. */
async function paLogin(ctx, email) {
  const r = await ctx.request.post(`${BASE}/api/v1/auth/login`, { data: { email, password: PASSWORD } });
  assert(r.ok(), `login of ${email} answered ${r.status()}`);
  return (await r.json()).csrf_token;
}
const paPage = await paStaff.newPage();
watch(paPage, 'staff (portal access)');
const paPortal = await paClient.newPage();
watch(paPortal, 'portal (portal access)');
const paEvil = `<img src=x onerror="window.__paXss=1"><b>Пётр</b> Доступов ${stamp}`;
const paEmail = `petr.dostupov.${stamp}@example.ru`;
let paAccount = null; // {id, name, owner_email}
let paContact = 0; // the contact with markup in the name
let paLink = '';
const paMapUrl = () => `${BASE}/#/w/${WS}/accounts/${paAccount.id}/map`;
const paPanel = () => paPage.locator('[data-portal-panel]');
const paRow = (contactId) => paPanel().locator(`.pa-item[data-contact-id="${contactId}"]`);

await test('portal access: the owner invites a person from the company card («Портал клиента»): language, e-mail on by default; the one-time link is shown once with its expiry, the e-mail queued; markup in the name stays text', async () => {
  current = paPage;
  paCsrf = await paLogin(paStaff, EMAIL);
  const accounts = (await paApi('GET', `/workspaces/${WS}/accounts?limit=40&status=active`)).body.items;
  paAccount = accounts.find((a) => !person || a.id !== person.account_id);
  assert(paAccount, 'an active demo company');
  const made = await paApi('POST', `/workspaces/${WS}/accounts/${paAccount.id}/contacts`, { name: paEvil, emails: [paEmail], position: 'Закупки' });
  assert(made.status === 201, `the contact: ${made.status} ${JSON.stringify(made.body)}`);
  paContact = made.body.id;

  await paPage.goto(paMapUrl());
  const panel = paPanel();
  await panel.waitFor();
  await waitText(panel.locator('h2'), /^Портал клиента$/);
  await paPage.locator('[data-portal-panel][data-can-write=true] [data-action=portal-invite]').click();
  const form = panel.locator('form[data-form=portal-invite]');
  await form.waitFor();
  assert(await form.locator('input[name=send_email]').isChecked(), '«send by e-mail» is on by default');
  const option = form.locator(`select[name=contact_id] option[value="${paContact}"]`);
  assert((await option.textContent()) === `${paEvil} <${paEmail}>`, `the choice reads as typed: ${await option.textContent()}`);
  await form.locator('select[name=contact_id]').selectOption(String(paContact));
  await form.locator(`[data-invite-email="${paEmail}"]`).waitFor();
  await form.locator('select[name=lang]').selectOption('en');
  const sent = paPage.waitForRequest((rq) => rq.method() === 'POST' && rq.url().endsWith(`/workspaces/${WS}/portal-users`));
  await form.locator('[data-action=portal-invite-submit]').click();
  const body = (await sent).postDataJSON();
  assert(body.contact_id === paContact && body.lang === 'en' && body.send_email === true, `the request: ${JSON.stringify(body)}`);

  const box = panel.locator('[data-once-link]');
  await box.waitFor();
  paLink = await box.locator('input[name=portal-link]').inputValue();
  assert(new RegExp(`^${BASE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/portal/#/link/[\\w-]{43}$`).test(paLink), `the full link: ${paLink}`);
  assert((await box.getAttribute('data-email-queued')) === 'true', 'the e-mail was queued');
  const expires = Date.parse(await box.getAttribute('data-expires-at')) - Date.now();
  assert(Math.abs(expires - 7 * 86400e3) < 3600e3, `the link lives 7 days (${expires} ms)`);
  const once = await box.locator('[data-once-note]').textContent();
  assert(/только сейчас/.test(once) && /один раз/.test(once), `the once note: ${once}`);
  const mail = await box.locator('[data-email-note]').textContent();
  assert(mail.includes(paEmail) && /в очередь/.test(mail), `the e-mail note: ${mail}`);
  assert((await box.locator('h4').textContent()).includes(paEvil), 'the title names the person as typed');
  await box.locator('[data-action=copy-portal-link]').click();
  await waitText(box.locator('[data-action=copy-portal-link]'), /^Скопировано$/);
  assert((await paPage.evaluate(() => navigator.clipboard.readText())) === paLink, 'the link is on the clipboard');

  const row = paRow(paContact);
  await paPage.locator(`[data-portal-panel] .pa-item[data-contact-id="${paContact}"][data-status=invited]`).waitFor();
  assert((await row.locator('.pa-name').textContent()) === paEvil, 'the name reads as typed');
  assert((await row.locator('.pa-email').textContent()) === paEmail, 'the address');
  await waitText(row.locator('[data-status]'), /^приглашение$/);
  await waitText(row.locator('.pa-status-detail'), /ещё не входил/);
  await waitText(row.locator('[data-lang=en]'), /английский$/);
  await waitText(row, /Ольга Демидова/); // invited by
  assert((await panel.locator('img, b').count()) === 0, 'no element came out of the name');
  assert(await paPage.evaluate(() => window.__paXss === undefined), 'nothing ran');
  await paPage.screenshot({ path: `${SHOTS}/e2e-portal-access-invited.png`, fullPage: true });
  // Done: the link is gone for good (shown once).
  await box.locator('[data-action=portal-link-done]').click();
  await box.waitFor({ state: 'detached' });
  assert((await paPage.content()).indexOf(paLink.split('/').pop()) < 0, 'the token is nowhere on the page any more');
});

await test('portal access: the link opened in another browser lands signed in on the portal; the panel then shows the person active with the last sign-in', async () => {
  current = paPortal;
  await paPortal.goto(paLink);
  await paPortal.locator('[data-page=list]').waitFor();
  await waitText(paPortal.locator('.p-company'), paAccount.name);
  assert((await paPortal.evaluate(() => document.documentElement.lang)) === 'en', 'the portal speaks the invitation\'s language');
  current = paPage;
  await paPanel().locator('[data-action=portal-refresh]').click();
  const row = paRow(paContact);
  await paPage.locator(`[data-portal-panel] .pa-item[data-contact-id="${paContact}"][data-status=active]`).waitFor();
  await waitText(row.locator('.pa-status-detail'), /последний вход/);
  await waitText(row.locator('[data-status]'), /^доступ активен$/);
}, [[() => paLink !== '', 'no invitation link']]);

await test('portal access: refusals are shown beside the field they name — 409 at /contact_id (the address has access already), 422 at /send_email (an address mail cannot reach); unticked, the link comes without e-mail', async () => {
  current = paPage;
  const twin = await paApi('POST', `/workspaces/${WS}/accounts/${paAccount.id}/contacts`, { name: `Двойник ${stamp}`, emails: [paEmail.toUpperCase()] });
  const idn = await paApi('POST', `/workspaces/${WS}/accounts/${paAccount.id}/contacts`, { name: `Кириллица ${stamp}`, emails: [`пётр.${stamp}@пример.рф`] });
  assert(twin.status === 201 && idn.status === 201, `the contacts: ${twin.status} ${idn.status}`);
  await paPage.reload();
  const panel = paPanel();
  await panel.locator('[data-action=portal-invite]').click();
  const form = panel.locator('form[data-form=portal-invite]');
  await form.locator('select[name=contact_id]').selectOption(String(twin.body.id));
  const answered = paPage.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/portal-users'));
  await form.locator('[data-action=portal-invite-submit]').click();
  assert((await answered).status() === 409, 'the server answered 409');
  const err = form.locator('[data-field=contact_id] .field-error');
  await err.waitFor();
  assert(/another person with portal access/.test(await err.textContent()), `the server's message beside the person: ${await err.textContent()}`);
  assert((await form.locator('[data-field=contact_id].field-invalid select[aria-invalid=true]').count()) === 1, 'the field is marked');
  assert((await panel.locator('[data-once-link]').count()) === 0, 'no link');

  await form.locator('select[name=contact_id]').selectOption(String(idn.body.id));
  assert((await form.locator('[data-field=contact_id] .field-error').count()) === 0, 'a new choice clears the message');
  await form.locator('[data-action=portal-invite-submit]').click();
  const err2 = form.locator('[data-field=send_email] .field-error');
  await err2.waitFor();
  assert(/mail cannot be sent/.test(await err2.textContent()), `the server's message beside the checkbox: ${await err2.textContent()}`);
  await paPage.screenshot({ path: `${SHOTS}/e2e-portal-access-422.png`, fullPage: true });
  await form.locator('input[name=send_email]').uncheck();
  await form.locator('[data-action=portal-invite-submit]').click();
  const box = panel.locator('[data-once-link][data-email-queued=false]');
  await box.waitFor();
  await waitText(box.locator('[data-email-note]'), /Письмо не отправлялось/);
  await paPage.locator(`[data-portal-panel] .pa-item[data-contact-id="${idn.body.id}"][data-status=invited]`).waitFor();
  await box.locator('[data-action=portal-link-done]').click();
}, [[() => paAccount !== null && paContact > 0, 'no company or contact']]);

await test('portal access: in English — the panel, the form and the person\'s block, no Russian left but people\'s own words', async () => {
  current = paPage;
  await paPage.goto('about:blank');
  await paPage.goto(paMapUrl());
  await paPanel().waitFor();
  await paPage.click('button[data-lang=en]');
  try {
    await waitText(paPanel().locator('h2'), /^Client portal$/);
    await paPanel().locator('[data-action=portal-invite]').click();
    await paPanel().locator('form[data-form=portal-invite]').waitFor();
    await paPage.locator('.people-list').evaluate((d) => { d.open = true; });
    await paPage.locator(`.people-list li[data-contact-id="${paContact}"] button`).click();
    const block = paPage.locator('.contact-form [data-contact-portal][data-status=active]');
    await block.waitFor();
    await waitText(block.locator('[data-status]'), /^active$/);
    const chrome = await paPage.evaluate(() => {
      const out = [];
      for (const root of document.querySelectorAll('[data-portal-panel], [data-contact-portal]')) {
        const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let n = walk.nextNode(); n; n = walk.nextNode()) {
          const el = n.parentElement;
          if (el.closest('.user-text') || el.closest('select[name=contact_id]')) continue;
          if (n.textContent.trim()) out.push(n.textContent.trim());
        }
        for (const el of root.querySelectorAll('[title], [aria-label]')) out.push(el.getAttribute('title') || el.getAttribute('aria-label'));
      }
      return out;
    });
    // The inviter's name is a person's own words too.
    const russian = chrome.filter((s) => cyr.test(s.replace('Ольга Демидова', '')));
    assert(russian.length === 0, `Russian left: ${JSON.stringify(russian)}`);
    await paPage.screenshot({ path: `${SHOTS}/e2e-portal-access-en.png`, fullPage: true });
    await paPanel().locator('[data-action=portal-invite-cancel]').click();
  } finally {
    await paPage.click('button[data-lang=ru]');
  }
}, [[() => paLink !== '', 'no invitation link']]);

await test('portal access: revoking from the person\'s card asks first (DELETE → 204); the panel\'s list refreshes and the portal\'s next reload shows the sign-in page', async () => {
  current = paPage;
  await paPage.goto('about:blank');
  await paPage.goto(paMapUrl());
  await paPanel().waitFor();
  await paPage.locator('.people-list').evaluate((d) => { d.open = true; });
  await paPage.locator(`.people-list li[data-contact-id="${paContact}"] button`).click();
  const block = paPage.locator('.contact-form [data-contact-portal][data-status=active]');
  await block.waitFor();
  await block.locator('[data-action=portal-revoke]').click();
  const dialog = paPage.locator('[data-dialog=portal-revoke]');
  await dialog.waitFor();
  assert((await dialog.locator('h3').textContent()).includes(paEvil), 'the question names the person as typed');
  // Cancel first: nothing changes.
  await dialog.locator('[data-action=portal-revoke-cancel]').click();
  await dialog.waitFor({ state: 'detached' });
  await paPage.locator(`[data-portal-panel] .pa-item[data-contact-id="${paContact}"][data-status=active]`).waitFor();
  await block.locator('[data-action=portal-revoke]').click();
  const gone = paPage.waitForResponse((r) => r.request().method() === 'DELETE' && /\/portal-users\/\d+$/.test(r.url()));
  await dialog.locator('[data-action=portal-revoke-confirm]').click();
  assert((await gone).status() === 204, 'revoked: 204');
  await dialog.waitFor({ state: 'detached' });
  await paRow(paContact).waitFor({ state: 'detached' }); // revoked people are hidden by default
  await paPage.locator('.contact-form [data-contact-portal][data-status=revoked]').waitFor();
  await paPanel().locator('input[name=include_revoked]').check();
  const row = paRow(paContact);
  await paPage.locator(`[data-portal-panel] .pa-item[data-contact-id="${paContact}"][data-status=revoked]`).waitFor();
  await waitText(row.locator('.pa-status-detail'), /отозван/);
  await row.locator('[data-action=portal-invite-again]').waitFor();
  assert((await row.locator('[data-action=portal-revoke]').count()) === 0, 'no revoking twice');
  await paPage.screenshot({ path: `${SHOTS}/e2e-portal-access-revoked.png`, fullPage: true });

  current = paPortal;
  await paPortal.reload();
  await paPortal.locator('form[data-form=signin]').waitFor();
  assert((await paPortal.locator('[data-page=list]').count()) === 0, 'the company\'s requests are gone');

  // The change history tells both in words.
  current = paPage;
  await paPage.goto(`${BASE}/#/w/${WS}/accounts/${paAccount.id}/history`);
  const revoked = paPage.locator('.history li.event', { hasText: 'отозвал(а) доступ к порталу' }).first();
  await revoked.waitFor();
  await waitText(revoked.locator('.badge-entity'), /^доступ к порталу$/);
  const invited = paPage.locator('.history li.event', { hasText: 'пригласил(а) в портал' }).filter({ hasText: paEmail }).first();
  await invited.waitFor();
  await waitText(invited.locator('tr', { hasText: 'Язык' }), /английский/);
  await waitText(invited.locator('tr', { hasText: 'Человек' }), paEvil);
  assert(await paPage.evaluate(() => window.__paXss === undefined), 'nothing ran');
}, [[() => paLink !== '', 'no invitation link']]);

await test('portal access: a viewer sees the portal people read-only; a manager gets the buttons only for the companies they own', async () => {
  const viewer = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1280, height: 850 } });
  viewer.setDefaultTimeout(STEP_TIMEOUT);
  const manager = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1280, height: 850 } });
  manager.setDefaultTimeout(STEP_TIMEOUT);
  try {
    await paLogin(viewer, 'viewer@advocate.local');
    const v = await viewer.newPage();
    current = v;
    watch(v, 'staff (viewer)');
    await v.goto(paMapUrl());
    await v.locator('[data-portal-panel][data-can-write=false] [data-read-only]').waitFor();
    await v.locator('[data-portal-panel] .pa-item[data-status=invited]').first().waitFor();
    await v.locator('[data-portal-panel] input[name=include_revoked]').check();
    await v.locator(`[data-portal-panel] .pa-item[data-contact-id="${paContact}"][data-status=revoked]`).waitFor();
    assert((await v.locator('[data-action^=portal-]:not([data-action=portal-refresh]):not([data-action=portal-include-revoked])').count()) === 0,
      'no button to invite or revoke');

    const mcsrf = await paLogin(manager, 'manager@advocate.local');
    const own = (await paApi('GET', `/workspaces/${WS}/accounts?limit=1&owner=manager@advocate.local`, undefined, manager, mcsrf)).body.items[0];
    const other = (await paApi('GET', `/workspaces/${WS}/accounts?limit=40`, undefined, manager, mcsrf)).body.items.find((a) => a.owner_email !== 'manager@advocate.local');
    assert(own && other, 'a company the manager owns and one they do not');
    const m = await manager.newPage();
    current = m;
    watch(m, 'staff (manager)');
    await m.goto(`${BASE}/#/w/${WS}/accounts/${own.id}/map`);
    await m.locator('[data-portal-panel][data-can-write=true] [data-action=portal-invite]').waitFor();
    await m.goto(`${BASE}/#/w/${WS}/accounts/${other.id}/map`);
    await m.locator('[data-portal-panel][data-can-write=false] [data-read-only]').waitFor();
    assert((await m.locator('[data-action=portal-invite]').count()) === 0, 'no invitation on another\'s company');
  } finally {
    current = paPage;
    await viewer.close();
    await manager.close();
  }
}, [[() => paLink !== '', 'no invitation link']]);

await paClient.close();
await paStaff.close();
current = page;

await test('portal: no script errors or CSP violations', async () => {
  assert(problems.length === 0, problems.join('; '));
});

site.close();
await browser.close();
const passed = results.filter(Boolean).length;
const failed = results.length - passed;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
