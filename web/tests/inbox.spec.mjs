// The staff inbox in a real browser: Debian's chromium, driven by playwright-core, against
// a real `msgcenter serve --demo` on 127.0.0.1 started here. Sign in, the list and its
// folders, a thread, a reply, inbound texts arriving live, and a dropped stream resumed
// with Last-Event-ID without loss or duplicates. (tests/workflow.spec.mjs: the actions,
// filters, composer, contact panel, shortcuts, two staff and a phone.)
//
//   node web/tests/inbox.spec.mjs [--msgcenter build/cli/msgcenter]
// Exits 77 (CTest: skipped) when chromium is not installed (CHROMIUM_PATH, default
// /usr/bin/chromium); scripts/install-deps.sh installs it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromiumPath, inbound as postInbound, prerequisites, startProxy, startServer } from './harness.mjs';

const { msgcenter, chromium } = await prerequisites();

const EMMA = '+12025550142';
const T = { step: 10000 };

let server;
let api;        // http://127.0.0.1:<server port>
let base;       // http://127.0.0.1:<proxy port>: what the browser uses
let tokens = {};
let printed;    // the sign-in line `serve --demo` prints
let proxy;
let browser;
let page;
const problems = [];  // console errors, page errors, CSP violations, foreign requests

const inbound = (from, body) => postInbound(api, from, body);
const row = (name) => page.locator('button.row', { hasText: name });
const tab = (name) => page.getByRole('tab', { name: new RegExp(`^${name}\\b`) });
const badgeCount = async () => Number(await page.getByTestId('badge').textContent());

before(async () => {
  const started = await startServer(msgcenter);
  server = started.child;
  api = started.url;
  tokens = started.tokens;
  printed = started.printed;
  proxy = await startProxy(Number(new URL(api).port));
  base = `http://127.0.0.1:${proxy.port}`;
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true });
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  context.setDefaultTimeout(T.step);
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(`${base}/`)) problems.push(`request to another origin: ${r.url()}`);
  });
});

after(async () => {
  await browser?.close();
  await proxy?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((ok) => server.on('exit', ok));
    server.kill('SIGTERM');
    await exited;
  }
});

test('the page and its modules are served with the strict policy', async () => {
  const res = await fetch(`${base}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  const csp = res.headers.get('content-security-policy');
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /connect-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  for (const path of ['/app/main.js', '/vendor/preact.js', '/vendor/signals.js']) {
    const js = await fetch(base + path);
    assert.equal(js.status, 200, path);
    assert.match(js.headers.get('content-type'), /^text\/javascript/, path);
  }
  assert.equal((await fetch(`${base}/package.json`)).status, 404);
  assert.equal((await fetch(`${base}/%2e%2e/README.md`)).status, 404);
});

test('sign in: a wrong token is refused, the printed demo token opens the inbox', async () => {
  assert.equal(printed.url, api, 'serve prints the page URL');
  assert.equal(printed.staff, 'maya');
  assert.equal(printed.token, tokens.maya);
  await page.goto(`${base}/`);
  await page.getByLabel('Staff token').fill('mcs_wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
  await page.getByLabel('Staff token').fill(printed.token);
  await page.getByLabel('Staff token').press('Enter');
  await page.getByTestId('live').filter({ hasText: 'Live' }).waitFor();
  await row('Emma Stone').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('msgcenter.token')), tokens.maya);
});

test('the list: pinned first, folders with counts, the badge in the tab title', async () => {
  const names = await page.locator('button.row .who').allTextContents();
  assert.equal(names[0], 'Emma Stone', 'Maya pinned Emma');
  assert.ok(names.length >= 5, names.join(', '));
  assert.ok(!names.includes('(202) 555-0150'), 'the archived conversation is not in the inbox');
  const badge = await badgeCount();
  assert.ok(badge > 0);
  await page.waitForFunction((n) => document.title.startsWith(`(${n}) Inbox`), badge);
  await tab('Archived').filter({ hasText: '1' }).waitFor();
  // Keyboard: from the selected tab, the arrow keys change folder.
  await tab('Inbox').focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.title.includes('Unread'));
  assert.equal(await tab('Unread').getAttribute('aria-selected'), 'true');
  await row('Noah Berg').waitFor();
  const unread = await page.locator('button.row').evaluateAll((rows) => rows.every((r) => r.classList.contains('unread')));
  assert.ok(unread, 'the unread folder lists only unread conversations');
  await page.keyboard.press('End');
  await row('(202) 555-0150').waitFor();  // "All" lists the archived one too
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.title.includes('Inbox'));
  await row('Emma Stone').waitFor();
});

test('a thread: messages with direction, author and status; opening reads it', async () => {
  const before = await badgeCount();
  assert.ok(await row('Emma Stone').evaluate((b) => b.classList.contains('unread')));
  // Keyboard only: the first row, Enter.
  await row('Emma Stone').focus();
  await page.keyboard.press('Enter');
  const thread = page.getByRole('log', { name: 'Messages with Emma Stone' });
  await thread.getByText('2pm please').waitFor();
  const inbound = thread.locator('li.msg.in', { hasText: '2pm please' });
  assert.equal(await inbound.locator('.author').textContent(), 'Emma Stone');
  const outbound = thread.locator('li.msg.out', { hasText: 'Booked: Saturday 2pm' });
  assert.equal(await outbound.locator('.author').textContent(), 'maya');
  assert.match(await outbound.getByTestId('status').textContent(), /Queued|Sent|Delivered/);
  assert.equal(await thread.locator('li.msg', { hasText: 'STOP' }).count(), 0);
  // The server marks it read; its events update the row and the badge without a reload.
  await page.waitForFunction(() => !document.querySelector('button.row.selected')?.classList.contains('unread'));
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=badge]').textContent) === n - 1, before);
});

test('a reply is sent and shows in the thread and the list', async () => {
  await page.evaluate(() => (window.__sameDocument = true));
  const box = page.getByLabel('Reply to Emma Stone');
  await box.fill('A facial at 3pm works. See you Saturday!');
  await box.press('Control+Enter');
  const thread = page.getByRole('log', { name: 'Messages with Emma Stone' });
  const sent = thread.locator('li.msg.out', { hasText: 'A facial at 3pm works' });
  await sent.waitFor();
  assert.equal(await sent.locator('.author').textContent(), 'maya');
  assert.equal(await sent.count(), 1, 'the POST answer and the live event are one message');
  assert.equal(await box.inputValue(), '');
  await row('Emma Stone').filter({ hasText: 'You: A facial at 3pm works' }).waitFor();
});

test('inbound texts arrive live: in the open thread, and as a new conversation', async () => {
  const before = await badgeCount();
  await inbound(EMMA, 'Great, thank you!');
  const thread = page.getByRole('log', { name: 'Messages with Emma Stone' });
  await thread.locator('li.msg.in', { hasText: 'Great, thank you!' }).waitFor();
  // Emma's conversation is unread again (the page does not mark what arrives while a thread
  // is open as read: docs/web.md), and the new number is a new unread conversation.
  await inbound('+12025550177', 'Hello, do you do gel nails?');
  const fresh = row('(202) 555-0177');
  await fresh.filter({ hasText: 'do you do gel nails' }).waitFor();
  assert.ok(await fresh.evaluate((b) => b.classList.contains('unread')));
  const names = await page.locator('button.row .who').allTextContents();
  assert.equal(names[1], '(202) 555-0177', 'newest first, after the pinned conversation');
  await page.waitForFunction((n) => document.title.startsWith(`(${n + 2}) `), before);
  await page.getByText('New text from (202) 555-0177').waitFor({ state: 'attached' });  // announced
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload happened');
});

test('a dropped stream resumes with Last-Event-ID: nothing lost, nothing twice', async () => {
  const offlineFrom = problems.length;
  proxy.cut();
  await page.getByTestId('live').filter({ hasText: 'Offline' }).waitFor();
  const lastSeen = proxy.lastEventId();
  assert.ok(lastSeen, 'events came before the drop');
  await inbound(EMMA, 'Missed while offline (1)');
  await inbound('+12025550178', 'Missed while offline (2)');
  const heads = proxy.heads.length;
  proxy.restore();
  await page.evaluate(() => window.dispatchEvent(new Event('online')));  // back online: no waiting
  await page.getByTestId('live').filter({ hasText: 'Live' }).waitFor();
  const thread = page.getByRole('log', { name: 'Messages with Emma Stone' });
  await thread.locator('li.msg.in', { hasText: 'Missed while offline (1)' }).waitFor();
  await row('(202) 555-0178').waitFor();
  // The cut resets whatever was on the wire (the stream, a counts reload): the browser logs
  // those network errors itself. Any other problem of the window stays.
  const offline = problems.splice(offlineFrom);
  problems.push(...offline.filter((p) => !/net::ERR_(CONNECTION_RESET|CONNECTION_CLOSED|EMPTY_RESPONSE)/.test(p)));
  const resumed = proxy.heads.slice(heads).find((h) => h.startsWith('GET /v1/events'));
  assert.ok(resumed, 'the page reconnected');
  assert.match(resumed, /^last-event-id: \d+$/im, 'the reconnect carries Last-Event-ID');
  assert.match(resumed, new RegExp(`^last-event-id: ${lastSeen}\r?$`, 'im'), 'the last id seen');
  assert.equal(await thread.locator('li.msg', { hasText: 'Missed while offline (1)' }).count(), 1);
  assert.equal(await thread.locator('li.msg', { hasText: 'Great, thank you!' }).count(), 1);
  assert.equal(await row('(202) 555-0178').count(), 1);
  const after = proxy.heads.slice(heads);
  assert.ok(!after.some((h) => h.startsWith('GET /v1/badge')), 'replayed, not refetched');
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload happened');
});

test('sign out clears the session; nothing broke the policy or left this origin', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Staff token').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('msgcenter.token')), null);
  const csp = await page.evaluate(() => window.__csp);
  assert.deepEqual(csp, [], 'Content-Security-Policy violations');
  // A wrong token's 401 is the one console error a browser logs by itself.
  assert.deepEqual(problems.filter((p) => !/401 \(Unauthorized\)/.test(p)), []);
});

test('the server stops cleanly on SIGTERM (and, under ASan, without a report)', async () => {
  await browser.close();
  browser = null;
  const exited = new Promise((ok) => server.on('exit', (code, signal) => ok({ code, signal })));
  server.kill('SIGTERM');
  const { code, signal } = await exited;
  assert.deepEqual({ code, signal }, { code: 0, signal: null }, server.stderrText());
  assert.doesNotMatch(server.stderrText(), /Sanitizer|runtime error/);
});
