// Staff who differ, in a real browser against a fresh `msgcenter serve --demo`: the page
// follows the rights GET /v1/me lists (a limited token sees no reply box, no assign, no
// remove, no export, each with the reason), mute suppresses only that staff member's alert
// and badge, visibility `assigned` hides what it must, and a token revoked mid-session
// signs the page out with a message and no retry storm.
//
//   node web/tests/staff.spec.mjs [--msgcenter build/cli/msgcenter]   (77: no chromium)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { ADMIN_KEY, SPA_NUMBER, inbound, prerequisites, signedInPage, staffGet, startServerAndBrowser, stopServer, axeCheck } from './harness.mjs';

const { msgcenter, chromium } = await prerequisites();

let server;
let api;
let tokens;
let browser;
const problems = [];
const expectedProblems = [];  // regexps of console errors a test caused on purpose

async function admin(method, path, body) {
  const res = await fetch(`${api}/v1/admin${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json();
  assert.equal(data.ok, true, JSON.stringify(data));
  return data;
}

const signIn = (who, token = tokens[who]) => signedInPage(browser, api, who, token, problems, { acceptDownloads: true });

const rowIn = (page, name) => page.locator('button.row', { hasText: name });
const names = (page) => page.locator('button.row .who').allTextContents();
const badge = async (page) => Number(await page.getByTestId('badge').textContent());
const alertCount = async (page) => Number(await page.getByTestId('alerts').locator('.count').textContent());
const waitFor = async (what, check, ms = 5000) => {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) assert.fail(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

before(async () => {
  ({ child: server, url: api, tokens, browser } = await startServerAndBrowser(msgcenter, chromium));
});

after(async () => {
  await browser?.close();
  await stopServer(server);
});

test('a limited token (view_messages only): no reply box, no assign, no remove, no export, each with the reason', async () => {
  const { token } = await admin('PUT', '/businesses/lotus/staff/kim',
    { name: 'Kim (reception, read only)', rights: ['view_messages'], locations: [], subscribe_all: false });
  const kim = await signIn('kim', token);
  const sent = [];
  kim.on('request', (r) => /\/actions|\/bulk|\/v1\/messages|export\.csv/.test(r.url()) && sent.push(r.url()));
  await rowIn(kim, 'Noah Berg').click();
  await kim.getByRole('log', { name: 'Messages with Noah Berg' }).getByText('gift cards').waitFor();
  await kim.getByTestId('no-send').getByText('You may not send texts (right send_sms).').waitFor();
  assert.equal(await kim.locator('#reply-body').count(), 0, 'no reply box');
  assert.equal(await kim.getByRole('button', { name: 'Export' }).count(), 0, 'no export without the export right');
  // The menu: pin, mute and read are Kim's own; archive, assign and remove are disabled, with the reason.
  await kim.getByRole('button', { name: 'Actions' }).click();
  const menu = kim.getByRole('menu', { name: 'Conversation actions' });
  const state = await menu.getByRole('menuitem').evaluateAll((items) =>
    Object.fromEntries(items.map((i) => [i.dataset.action, i.getAttribute('aria-disabled') === 'true' ? i.querySelector('.why').textContent : 'enabled'])));
  assert.deepEqual(state, {
    mark_unread: 'enabled', pin: 'enabled', mute: 'enabled',
    archive: 'You may not archive conversations (right manage_messages).',
    assign: 'You may not assign conversations (right manage_messages).',
    hide: 'You may not remove conversations from the list (right remove_feed).',
  });
  await axeCheck(kim, 'menu with disabled items');
  await menu.getByRole('menuitem', { name: /^Archive/ }).click({ force: true });
  assert.ok(await menu.isVisible(), 'a disabled item does nothing');
  await kim.keyboard.press('Escape');
  // The keys say why and send nothing.
  await kim.keyboard.press('a');
  await kim.getByTestId('notice-error').getByText('You may not assign conversations (right manage_messages).').waitFor();
  assert.equal(await kim.getByRole('dialog').count(), 0, 'no assign dialog');
  await kim.keyboard.press('#');
  await kim.getByTestId('notice-error').getByText(/remove conversations from the list \(right remove_feed\)/).waitFor();
  assert.equal(await rowIn(kim, 'Noah Berg').count(), 1);
  // Bulk: read/unread are offered, Remove is not.
  await kim.getByLabel('Select Emma Stone').check();
  const bar = kim.getByRole('toolbar', { name: 'Selected conversations' });
  await bar.getByRole('button', { name: 'Mark unread' }).waitFor();
  assert.equal(await bar.getByRole('button', { name: 'Remove' }).count(), 0);
  await bar.getByTestId('no-remove').getByText('right remove_feed').waitFor();
  await kim.getByLabel('Select Emma Stone').uncheck();
  // A phone that is no contact: Kim may not link it.
  await inbound(api, '+12025550191', 'Hello?');
  await rowIn(kim, '(202) 555-0191').click();
  await kim.getByRole('button', { name: 'Contact' }).click();
  await kim.getByTestId('no-link').getByText(/You may not link conversations to contacts \(right manage_messages\)/).waitFor();
  assert.equal(await kim.getByLabel('First name').count(), 0);
  assert.deepEqual(sent, [], 'nothing refused was sent');
  // The pin is Kim's own: allowed and done.
  await kim.keyboard.press('Escape');
  await kim.keyboard.press('p');
  await kim.getByTestId('notice').getByText(/^Pinned/).waitFor();
  await kim.context().close();
});

test('Ana (export right) downloads a conversation as CSV, the same as the API\'s', async () => {
  const ana = await signIn('ana');
  await rowIn(ana, 'Emma Stone').click();
  await ana.getByRole('log', { name: 'Messages with Emma Stone' }).getByText('2pm please').waitFor();
  const [download] = await Promise.all([ana.waitForEvent('download'), ana.getByRole('button', { name: 'Export' }).click()]);
  assert.equal(download.suggestedFilename(), 'Emma-Stone.csv');
  const got = readFileSync(await download.path(), 'utf8');
  const res = await fetch(`${api}/v1/conversations/c1/export.csv`, { headers: { Authorization: `Bearer ${tokens.ana}` } });
  assert.equal(got, await res.text());
  assert.match(got.split('\n')[0], /^message_id,thread_id,/);
  await ana.context().close();
});
