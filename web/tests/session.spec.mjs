// A staff member's session in a real browser, against a fresh `msgcenter serve --demo`:
// reply drafts that survive switching conversations and a reload (and go when sent or
// signed out), a calm backoff when the server answers 429, and the read mode shown in
// the thread, per-staff read points checked on the server.
//
//   node web/tests/session.spec.mjs [--msgcenter build/cli/msgcenter]   (77: no chromium)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as harness from './harness.mjs';
import { ADMIN_KEY, SPA_NUMBER, inbound, prerequisites, signedInPage, staffGet, startServerAndBrowser, stopServer } from './harness.mjs';

const { msgcenter, chromium } = await prerequisites();

let server;
let api;
let tokens;
let browser;
const pages = {};
const problems = [];

const signIn = (who, options) => signedInPage(browser, api, who, tokens[who], problems, options);
const rowIn = (page, name) => page.locator('button.row', { hasText: name });

/// Opens a conversation from the list and waits until its thread (and composer) is there.
async function open(page, name) {
  await rowIn(page, name).click();
  await page.locator('#thread-title', { hasText: name }).waitFor();
  await page.getByLabel(`Reply to ${name}`).waitFor();
}
/// Waits until the reply box shows `text` (a restored draft is set by an effect).
const boxShows = (page, name, text) =>
  page.waitForFunction(([label, t]) => document.querySelector(`textarea[id=reply-body]`)?.value === t
    && document.querySelector('label[for=reply-body]')?.textContent === label, [`Reply to ${name}`, text]);
const pageBadge = (page) => page.getByTestId('badge').textContent().then(Number);
const waitBadge = (page, n) => page.waitForFunction((x) => Number(document.querySelector('[data-testid=badge]').textContent) === x, n);
const serverBadge = async (who) => (await staffGet(api, tokens[who], '/v1/badge')).unread_conversations;
const serverRow = (who, id) => harness.serverRow(api, tokens[who], id);
const serverSays = (who, id, check, what) => harness.serverSays(api, tokens[who], id, check, what);
const draftKeys = (page) => page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('msgcenter.draft.')));

before(async () => {
  ({ child: server, url: api, tokens, browser } = await startServerAndBrowser(msgcenter, chromium));
  pages.maya = await signIn('maya');
});

after(async () => {
  await browser?.close();
  await stopServer(server);
});

test('drafts: kept per conversation across switching and a reload; gone when sent; all gone at sign-out', async () => {
  const { maya } = pages;
  await open(maya, 'Emma Stone');
  await maya.getByLabel('Reply to Emma Stone').fill('Emma, your facial is at 10');
  await open(maya, 'Olivia Park');
  await boxShows(maya, 'Olivia Park', '');
  await maya.getByLabel('Reply to Olivia Park').fill('Olivia: the voucher is ready');
  await open(maya, 'Emma Stone');
  await boxShows(maya, 'Emma Stone', 'Emma, your facial is at 10');

  // A reload (the token is in session storage: still signed in) keeps both.
  await maya.reload();
  await maya.getByTestId('live').filter({ hasText: 'Live' }).waitFor();
  await open(maya, 'Olivia Park');
  await boxShows(maya, 'Olivia Park', 'Olivia: the voucher is ready');
  await open(maya, 'Emma Stone');
  await boxShows(maya, 'Emma Stone', 'Emma, your facial is at 10');
  assert.deepEqual((await draftKeys(maya)).sort(), ['msgcenter.draft.lotus/maya/c1', 'msgcenter.draft.lotus/maya/c4']);

  // Sent: gone from the box, from storage, and after switching back and reloading.
  await maya.locator('#send-button').click();
  await maya.locator('li.msg.out', { hasText: 'Emma, your facial is at 10' }).waitFor();
  await boxShows(maya, 'Emma Stone', '');
  assert.deepEqual(await draftKeys(maya), ['msgcenter.draft.lotus/maya/c4']);
  await open(maya, 'Olivia Park');
  await boxShows(maya, 'Olivia Park', 'Olivia: the voucher is ready');
  await open(maya, 'Emma Stone');
  await boxShows(maya, 'Emma Stone', '');
  const stored = (await staffGet(api, tokens.maya, '/v1/conversations/c1/messages?mark_read=false&limit=100'))
    .messages.filter((m) => m.body === 'Emma, your facial is at 10');
  assert.equal(stored.length, 1, 'sent once');

  // Emptied by hand: forgotten too.
  await open(maya, 'Olivia Park');
  await boxShows(maya, 'Olivia Park', 'Olivia: the voucher is ready');
  await maya.getByLabel('Reply to Olivia Park').fill('Olivia, later');
  await maya.getByLabel('Reply to Olivia Park').fill('');
  assert.deepEqual(await draftKeys(maya), []);
  await maya.getByLabel('Reply to Olivia Park').fill('Olivia, see you Friday');

  // Sign out: no draft is left for the next person at this browser.
  await maya.getByRole('button', { name: 'Sign out' }).click();
  await maya.getByLabel('Staff token').waitFor();
  assert.deepEqual(await draftKeys(maya), []);
  await maya.getByLabel('Staff token').fill(tokens.maya);
  await maya.getByLabel('Staff token').press('Enter');
  await maya.getByTestId('live').filter({ hasText: 'Live' }).waitFor();
  await open(maya, 'Olivia Park');
  await boxShows(maya, 'Olivia Park', '');
});

test('429: a calm notice; the read waits as told (Retry-After), then backs off 2 s, 4 s; no other read slips out meanwhile', async () => {
  const { maya } = pages;
  await open(maya, 'Noah Berg');
  // The Unread tab's list is refused three times: first with Retry-After: 4, then without.
  const tries = [];
  const reads = [];  // every other GET of the API (not the event stream), with its time
  const isUnreadList = (u) => u.pathname === '/v1/conversations' && u.searchParams.get('folder') === 'unread';
  const onRequest = (r) => {
    const u = new URL(r.url());
    if (r.method() === 'GET' && u.pathname.startsWith('/v1/') && u.pathname !== '/v1/events' && !isUnreadList(u))
      reads.push({ path: u.pathname, at: Date.now() });
  };
  maya.on('request', onRequest);
  await maya.route((u) => isUnreadList(u), async (route) => {
    tries.push(Date.now());
    if (tries.length > 3) return route.continue();
    await route.fulfill({
      status: 429,
      headers: tries.length === 1 ? { 'Retry-After': '4' } : {},
      contentType: 'application/json',
      body: JSON.stringify({ ok: false, error: { code: 'overloaded', message: 'rate limited' } }),
    });
  });
  await maya.getByRole('tab', { name: /Unread/ }).click();
  const notice = maya.getByTestId('busy');
  await notice.getByText(/The server is busy: waiting \d s before asking again/).waitFor();
  assert.equal(await notice.getAttribute('role'), 'status', 'a status, not an alert');
  // A read the staff member asks for while the page waits (the contact panel's history)
  // waits for the same gate.
  const clicked = Date.now();
  await maya.getByRole('button', { name: 'Contact' }).click();
  await maya.waitForFunction(() => document.querySelector('[data-testid=busy]').textContent === '', null, { timeout: 20000 });
  await maya.locator('button.row').first().waitFor();
  const listed = (await staffGet(api, tokens.maya, '/v1/conversations?folder=unread')).rows.length;
  await maya.waitForFunction((n) => document.querySelectorAll('button.row').length === n, listed);
  maya.off('request', onRequest);
  await maya.unroute(isUnreadList);

  assert.equal(tries.length, 4, 'three refusals, one answer: no more');
  const gaps = tries.slice(1).map((t, i) => t - tries[i]);
  // One clock, but the test sees each request a little after the page sent it.
  const slack = 100;
  assert.ok(gaps[0] >= 4000 - slack && gaps[0] < 4000 + 4000, `as told: ${gaps}`);
  assert.ok(gaps[1] >= 2000 - slack && gaps[1] < 2200 + 4000, `2 s: ${gaps}`);
  assert.ok(gaps[2] >= 4000 - slack && gaps[2] < 4400 + 4000, `4 s: ${gaps}`);
  const held = reads.filter((r) => r.at >= tries[0]);
  assert.ok(held.some((r) => r.path.startsWith('/v1/contacts/')), `the panel asked: ${JSON.stringify(reads)}`);
  // Reads held by the gate go out when it opens, with the list's retry (seen within a
  // few ms of it, before or after): none in between.
  const near = 250;
  for (let i = 0; i < 3; i++) {
    const during = held.filter((r) => r.at > tries[i] + near && r.at < tries[i + 1] - near);
    assert.deepEqual(during, [], `nothing went out while it waited (refusal ${i + 1})`);
  }
  assert.ok(clicked < tries[1], 'the panel was opened during the first wait');
  const history = held.find((r) => r.path.startsWith('/v1/contacts/'));
  assert.ok(history.at >= tries[1] - near, `the panel's read waited for the gate: ${history.at - tries[1]} ms`);
  assert.equal(await maya.getByText('The list cannot be loaded').count(), 0, 'no error: it only waited');
});

test('read mode in the thread header; per_staff: Maya opening Mia reads it for her only, Ana\'s stays unread until she opens it', async () => {
  const { maya } = pages;
  await maya.locator('#tab-inbox').click();
  await maya.locator('#tab-inbox[aria-selected=true]').waitFor();
  await open(maya, 'Noah Berg');
  await maya.locator('[data-testid=read-mode][data-mode=shared]', { hasText: 'Read status: shared' }).waitFor();

  const res = await fetch(`${api}/v1/admin/businesses/lotus`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      name: 'Lotus Day Spa', region: 'US', default_number: SPA_NUMBER,
      settings: { read_status: 'per_staff', timezone: 'America/New_York', twilio_account_sid: 'ACdemo00000000000000000000000000', twilio_auth_token: 'demo-auth-token' },
    }),
  });
  assert.equal((await res.json()).ok, true);
  assert.equal((await staffGet(api, tokens.maya, '/v1/me')).settings.read_status, 'per_staff');
  assert.equal((await serverRow('maya', 'c7')).folder, 'unread', 'Mia is unread for Maya');
  assert.equal((await serverRow('ana', 'c7')).folder, 'unread', 'and for Ana');

  await maya.reload();  // the page learns the modes at its full load (GET /v1/me)
  await maya.getByTestId('live').filter({ hasText: 'Live' }).waitFor();
  const ana = await signIn('ana');
  pages.ana = ana;
  const anaBefore = await serverBadge('ana');
  await waitBadge(ana, anaBefore);

  // Peeking says whose unread it keeps.
  await rowIn(maya, 'Fresh Towels Co').click({ modifiers: ['Shift'] });
  await maya.locator('p.peek', { hasText: 'Peeking: not marked read (still unread for you).' }).waitFor();
  assert.equal((await serverRow('maya', 'c6')).folder, 'unread', 'peeking read nothing');

  await open(maya, 'Mia Lopez');
  await maya.locator('[data-testid=read-mode][data-mode=per_staff]', { hasText: 'Read status: your own' }).waitFor();
  await serverSays('maya', 'c7', (r) => r.folder !== 'unread', 'read for Maya');
  // Maya's read is done on the server: Ana's point did not move.
  assert.equal((await serverRow('ana', 'c7')).folder, 'unread', 'still unread for Ana');
  assert.equal(await serverBadge('ana'), anaBefore, 'Ana\'s badge on the server');
  // A later text from Noah reaches Ana's page after anything Maya's read would have sent
  // her: her badge rises by exactly one (his), and Mia's row is still unread.
  await inbound(api, '+12025550143', 'Is the sauna open on Sunday?');
  await waitBadge(ana, anaBefore + 1);
  assert.equal(await rowIn(ana, 'Mia Lopez').evaluate((b) => b.classList.contains('unread')), true, 'Mia unread on Ana\'s page');
  assert.equal(await pageBadge(ana), await serverBadge('ana'));

  // Ana opens it herself: read for her now, on the server and on her page.
  await open(ana, 'Mia Lopez');
  await ana.locator('[data-testid=read-mode][data-mode=per_staff]').waitFor();
  await serverSays('ana', 'c7', (r) => r.folder !== 'unread', 'read for Ana');
  await waitBadge(ana, anaBefore);
});

test('nothing threw or left the origin', () => {
  // The browser logs each refused resource: the sign-out's 401s and the test's three 429s.
  const refused = problems.filter((p) => /status of 429 .*folder=unread/.test(p));
  assert.equal(refused.length, 3);
  assert.deepEqual(problems.filter((p) => !/401 \(Unauthorized\)/.test(p) && !refused.includes(p)), []);
});
