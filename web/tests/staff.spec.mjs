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
import { ADMIN_KEY, SPA_NUMBER, inbound, prerequisites, signedInPage, staffGet, startServerAndBrowser, stopServer, axeCheck, settledNames } from './harness.mjs';

const { msgcenter, chromium } = await prerequisites();

let server;
let api;
let tokens;
let browser;
const problems = [];
const pagesKept = {};  // pages one test leaves to the next

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

test('mute: Maya muted Noah; his new text alerts Ana and raises her badge, not Maya\'s; unmuted, Maya is alerted again', async () => {
  const [maya, ana] = await Promise.all([signIn('maya'), signIn('ana')]);
  await rowIn(ana, 'Noah Berg').click();  // read (shared mode): unread for nobody now
  await ana.getByRole('log', { name: 'Messages with Noah Berg' }).waitFor();
  await ana.keyboard.press('Escape');
  await maya.waitForFunction(() => ![...document.querySelectorAll('button.row')].find((b) => b.textContent.includes('Noah Berg')).classList.contains('unread'));
  await rowIn(maya, 'Noah Berg').focus();
  await maya.keyboard.press('m');
  await rowIn(maya, 'Noah Berg').locator('.flag', { hasText: 'muted' }).waitFor();
  await waitFor('muted on the server', async () => (await staffGet(api, tokens.maya, '/v1/conversations/c2')).conversation.muted);
  const before = { maya: [await badge(maya), await alertCount(maya)], ana: [await badge(ana), await alertCount(ana)] };
  const noahAlerts = async (who) => (await staffGet(api, tokens[who], '/v1/alerts?limit=50')).alerts.filter((a) => a.conversation === 'c2').length;
  const mayaHad = await noahAlerts('maya');
  await inbound(api, '+12025550143', 'One more question about gift cards');
  await waitFor('Ana alerted', async () => (await alertCount(ana)) === before.ana[1] + 1);
  await waitFor('Ana\'s badge', async () => (await badge(ana)) === before.ana[0] + 1);
  await rowIn(maya, 'Noah Berg').filter({ hasText: 'One more question' }).waitFor();  // Maya's list did get the event
  assert.deepEqual([await badge(maya), await alertCount(maya)], before.maya, 'Maya: no alert, no badge');
  assert.equal(await noahAlerts('maya'), mayaHad, 'the server alerted nobody who muted it');
  // The alert list: Ana's alert opens Noah and is acknowledged.
  await ana.getByTestId('alerts').click();
  await ana.getByRole('region', { name: 'Alerts' }).getByRole('button', { name: /New text: Noah Berg/ }).first().click();
  await ana.getByRole('log', { name: 'Messages with Noah Berg' }).getByText('One more question').waitFor();
  await waitFor('acknowledged on the server', async () =>
    (await staffGet(api, tokens.ana, '/v1/alerts?limit=50')).alerts.filter((a) => a.conversation === 'c2').every((a) => a.acked));
  // Unmuted: Maya is alerted again.
  await rowIn(maya, 'Noah Berg').focus();
  await maya.keyboard.press('m');
  await waitFor('unmuted on the server', async () => !(await staffGet(api, tokens.maya, '/v1/conversations/c2')).conversation.muted);
  const alertsNow = await alertCount(maya);
  await inbound(api, '+12025550143', 'And can I pay by card?');
  await waitFor('Maya alerted once unmuted', async () => (await alertCount(maya)) === alertsNow + 1);
  await maya.context().close();
  await ana.context().close();
});

test('visibility `assigned`: Leo sees only what he owns, live when Ana assigns him more; Maya (subscribe_all) sees all, Ana (manage_messages) may open any', async () => {
  await admin('PUT', '/businesses/lotus', {
    name: 'Lotus Day Spa', region: 'US', default_number: SPA_NUMBER,
    settings: { visibility: 'assigned', timezone: 'America/New_York', twilio_account_sid: 'ACdemo00000000000000000000000000', twilio_auth_token: 'demo-auth-token' },
  });
  const leo = await signIn('leo');
  assert.deepEqual(await settledNames(leo, ['Olivia Park']), ['Olivia Park'], 'only the conversation assigned to him');
  await leo.getByRole('tab', { name: /^All/ }).click();
  await leo.waitForFunction(() => document.title.includes('All'));
  await rowIn(leo, 'Olivia Park').waitFor();
  assert.deepEqual(await settledNames(leo, ['Olivia Park']), ['Olivia Park']);
  assert.equal(await leo.locator('#tab-all .count').textContent(), '1', 'the counts too');
  await leo.getByLabel('Search conversations').fill('emma');
  await leo.getByLabel('Search conversations').press('Enter');
  await leo.getByText('No conversations in All, search “emma”').waitFor();
  const direct = await staffGet(api, tokens.leo, '/v1/conversations/c1');
  assert.equal(direct.ok, false, 'nor by its id');
  await leo.getByLabel('Search conversations').fill('');
  await leo.getByLabel('Search conversations').press('Enter');
  await rowIn(leo, 'Olivia Park').waitFor();
  // Ana (manage_messages) assigns Noah to Leo: it appears in his list, with an alert.
  const alerts = await alertCount(leo);
  const assigned = await fetch(`${api}/v1/conversations/c2/actions`, {
    method: 'POST', headers: { Authorization: `Bearer ${tokens.ana}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ action: 'assign', staff: 'leo' }),
  });
  assert.equal(assigned.status, 200);
  await rowIn(leo, 'Noah Berg').waitFor();
  await waitFor('Leo alerted of the assignment', async () => (await alertCount(leo)) === alerts + 1);
  const maya = await signIn('maya');
  assert.ok((await names(maya)).includes('Emma Stone'), 'subscribe_all: Maya sees everything');
  // Ana (manage_messages, not subscribe_all) lists what she owns, and may open any other.
  assert.equal((await staffGet(api, tokens.ana, '/v1/conversations/c1')).ok, true, 'Ana may open Emma\'s');
  const anaList = await staffGet(api, tokens.ana, '/v1/conversations?folder=all&limit=500');
  assert.ok(!anaList.rows.some((r) => r.conversation === 'c1'), 'but does not list it');
  await maya.context().close();
  pagesKept.leo = leo;
});

test('a token revoked mid-session: the stream ends, the page signs out with a message, no retry storm', async () => {
  const leo = pagesKept.leo;
  const after = [];
  let signedOut = false;
  leo.on('request', (r) => signedOut && after.push(r.url()));
  await admin('DELETE', '/businesses/lotus/staff/leo/tokens');
  await leo.getByRole('alert').getByText('Your session ended: sign in again.').waitFor();
  signedOut = true;
  await leo.getByLabel('Staff token').waitFor();
  assert.equal(await leo.evaluate(() => sessionStorage.getItem('msgcenter.token')), null);
  await new Promise((r) => setTimeout(r, 2000));
  assert.deepEqual(after, [], 'nothing asked after signing out');
  // The old token is refused on the form too.
  await leo.getByLabel('Staff token').fill(tokens.leo);
  await leo.getByLabel('Staff token').press('Enter');
  await leo.getByRole('alert').getByText('This token is not valid (or was revoked).').waitFor();
  await leo.context().close();
});

test('link a new number to a contact found by name in the contact panel (the conversation search)', async () => {
  const maya = await signIn('maya');
  await inbound(api, '+12025550199', 'Hi, it is Emma from my new phone');
  await rowIn(maya, '(202) 555-0199').click();
  await maya.getByRole('button', { name: 'Contact' }).click();
  const panel = maya.getByRole('complementary', { name: 'Not a contact' });
  const find = panel.getByRole('search', { name: 'Find a contact to link' });
  await find.getByLabel('Find a contact').fill('nobody-like-this');
  await find.getByLabel('Find a contact').press('Enter');
  await panel.getByText('No contact found for “nobody-like-this”.').waitFor();
  await find.getByLabel('Find a contact').fill('stone');
  await find.getByLabel('Find a contact').press('Enter');
  const results = panel.getByRole('list', { name: 'Contacts found' });
  assert.deepEqual(await results.getByRole('button').allTextContents(), ['Link to Emma Stone (client)'], 'each contact once');
  await axeCheck(maya, 'contact search results');
  await results.getByRole('button', { name: /Emma Stone/ }).click();
  await maya.getByRole('complementary', { name: 'Emma Stone' }).getByText('emma@example.com').waitFor();
  const conv = (await staffGet(api, tokens.maya, '/v1/conversations?folder=all&q=555-0199')).rows[0];
  assert.equal(conv.contact?.contact, 'emma', 'linked on the server');
  assert.deepEqual(await maya.evaluate(() => window.__csp), [], 'CSP');
  await maya.context().close();
});

test('no page error, foreign request or console error but the revoked token\'s 401s', () => {
  assert.deepEqual(problems.filter((p) => !(p.startsWith('leo') && /status of 401/.test(p))), []);
});
