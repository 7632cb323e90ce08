// The staff inbox's work in a real browser, against a fresh `msgcenter serve --demo`: the
// action menu and shortcuts (optimistic, Undo, rollback on a refusal), peek, filters and
// search in the URL, bulk actions, the composer (segments, templates, attachments,
// consent), the contact panel, the shortcut sheet, axe-core, two staff in two browser
// contexts, and a phone-sized screen. Every check of the server's state goes through the
// API, so "the page shows it" and "the server did it" are both asserted.
//
//   node web/tests/workflow.spec.mjs [--msgcenter build/cli/msgcenter]   (77: no chromium)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as harness from './harness.mjs';
import { adminOp, inbound, prerequisites, signedInPage, staffGet, startServerAndBrowser, stopServer, axeCheck, settledNames } from './harness.mjs';

const { msgcenter, chromium } = await prerequisites();

let server;
let api;
let tokens;
let browser;
const pages = {};      // staff -> page
const problems = [];

const signIn = (who, options) => signedInPage(browser, api, who, tokens[who], problems, options);

const rowIn = (page, name) => page.locator('button.row', { hasText: name });
const names = (page) => page.locator('button.row .who').allTextContents();
const isUnread = (page, name) => rowIn(page, name).evaluate((b) => b.classList.contains('unread'));
const badge = async (page) => Number(await page.getByTestId('badge').textContent());
const waitBadge = (page, n) => page.waitForFunction((x) => Number(document.querySelector('[data-testid=badge]').textContent) === x, n);
const notice = (page) => page.getByTestId('notice');

const serverRow = (who, id) => harness.serverRow(api, tokens[who], id);
const serverSays = (who, id, check, what) => harness.serverSays(api, tokens[who], id, check, what);
async function listed(who, query = '') {
  const r = await staffGet(api, tokens[who], `/v1/conversations${query}`);
  return r.rows.map((x) => x.conversation);
}

before(async () => {
  ({ child: server, url: api, tokens, browser } = await startServerAndBrowser(msgcenter, chromium));
  [pages.maya, pages.ana] = await Promise.all([signIn('maya'), signIn('ana')]);
});

after(async () => {
  await browser?.close();
  await stopServer(server);
});

test('two staff, shared read mode: Maya opens a conversation, Ana\'s badge and row drop live', async () => {
  const { maya, ana } = pages;
  const before = await badge(ana);
  assert.equal(before, 4);
  assert.ok(await isUnread(ana, 'Noah Berg'));
  await rowIn(maya, 'Noah Berg').focus();
  await maya.keyboard.press('Enter');
  await maya.getByRole('log', { name: 'Messages with Noah Berg' }).getByText('gift cards').waitFor();
  await waitBadge(ana, before - 1);
  await ana.waitForFunction(() => ![...document.querySelectorAll('button.row')].find((b) => b.textContent.includes('Noah Berg')).classList.contains('unread'));
});

test('Sam (uptown only) sees no downtown conversation, not even by search', async () => {
  const sam = await signIn('sam');
  assert.deepEqual(await settledNames(sam, ['Liam Zoë-Martin']), ['Liam Zoë-Martin']);
  await sam.getByRole('tab', { name: /^All/ }).click();
  await sam.waitForFunction(() => document.title.includes('All'));
  await rowIn(sam, 'Liam Zoë-Martin').waitFor();  // the title changes before the list loads
  assert.deepEqual(await settledNames(sam, ['Liam Zoë-Martin']), ['Liam Zoë-Martin']);
  await sam.getByLabel('Search conversations').fill('emma');
  await sam.getByLabel('Search conversations').press('Enter');
  await sam.getByText('No conversations in All, search “emma”').waitFor();
  await sam.context().close();
});

test('pin from the action menu, then Undo; the pin is Maya\'s own', async () => {
  const { maya, ana } = pages;
  await maya.getByRole('button', { name: 'Actions' }).click();
  const menu = maya.getByRole('menu', { name: 'Conversation actions' });
  assert.equal(await maya.evaluate(() => document.activeElement.getAttribute('role')), 'menuitem', 'focus in the menu');
  assert.deepEqual(await menu.getByRole('menuitem').evaluateAll((items) => items.map((i) => i.dataset.action)),
    ['mark_unread', 'pin', 'mute', 'archive', 'assign', 'hide']);
  await menu.getByRole('menuitem', { name: /^Pin/ }).click();
  // At once: pinned rows first, the newest of them (Noah) above Emma.
  assert.deepEqual((await names(maya)).slice(0, 2), ['Noah Berg', 'Emma Stone']);
  await notice(maya).getByText('Pinned Noah Berg').waitFor();
  await serverSays('maya', 'c2', (r) => r.pinned, 'pinned for maya');
  assert.equal((await serverRow('ana', 'c2')).pinned, false, 'not for ana');
  assert.equal(await rowIn(ana, 'Noah Berg').locator('.flag', { hasText: 'pinned' }).count(), 0);
  await notice(maya).getByRole('button', { name: 'Undo' }).click();
  await serverSays('maya', 'c2', (r) => !r.pinned, 'unpinned by undo');
  await maya.waitForFunction(() => document.querySelector('button.row .who')?.textContent === 'Emma Stone', null, { timeout: 5000 }).catch(() => {});
  assert.equal((await names(maya))[0], 'Emma Stone');
});

test('archive by key (e), instant for both staff; z undoes it on the server too', async () => {
  const { maya, ana } = pages;
  await rowIn(maya, 'Fresh Towels Co').focus();
  await maya.keyboard.press('e');
  assert.equal(await rowIn(maya, 'Fresh Towels Co').count(), 0, 'gone from the inbox at once');
  await notice(maya).getByText('Archived Fresh Towels Co').waitFor();
  await serverSays('maya', 'c6', (r) => r.archived, 'archived');
  await rowIn(ana, 'Fresh Towels Co').waitFor({ state: 'detached' });  // shared: Ana's list follows
  await maya.keyboard.press('z');
  await serverSays('maya', 'c6', (r) => !r.archived, 'unarchived by z');
  await rowIn(maya, 'Fresh Towels Co').waitFor();
  await rowIn(ana, 'Fresh Towels Co').waitFor();
});

test('a refused action is rolled back with the reason; Leo (no manage_messages) is told before anything is sent', async () => {
  const { maya } = pages;
  // The server refuses Maya's archive (as it would after her rights changed), 400 ms late:
  // the instant change shows, then the row comes back with the reason.
  await maya.route('**/v1/conversations/*/actions', async (route) => {
    await new Promise((r) => setTimeout(r, 400));
    await route.fulfill({ status: 403, contentType: 'application/json',
      body: JSON.stringify({ ok: false, error: { code: 'permission_denied', message: 'archive needs manage_messages' } }) });
  });
  await rowIn(maya, 'Olivia Park').focus();
  await maya.keyboard.press('e');
  assert.equal(await rowIn(maya, 'Olivia Park').count(), 0, 'optimistic: gone at once');
  await maya.getByTestId('notice-error').getByText(/Not done \(archive\).*manage_messages/).waitFor();
  await rowIn(maya, 'Olivia Park').waitFor();
  await maya.unroute('**/v1/conversations/*/actions');
  await maya.getByTestId('notice-error').getByRole('button', { name: 'Dismiss' }).click();
  assert.equal((await serverRow('maya', 'c4')).archived, false);
  // Leo's rights (GET /v1/me) have no manage_messages: `e` says so and sends nothing.
  const leo = await signIn('leo');
  const sent = [];
  leo.on('request', (r) => r.url().includes('/actions') && sent.push(r.url()));
  await rowIn(leo, 'Olivia Park').focus();
  await leo.keyboard.press('e');
  await leo.getByTestId('notice-error').getByText('You may not archive conversations (right manage_messages).').waitFor();
  assert.equal(await rowIn(leo, 'Olivia Park').count(), 1, 'never left the list');
  assert.deepEqual(sent, []);
  await leo.context().close();
});

test('remove (#) is deferred: Undo sends nothing; when the notice ends it is hidden, and search still finds it', async () => {
  const { maya } = pages;
  await rowIn(maya, 'Liam Zoë-Martin').focus();
  await maya.keyboard.press('#');
  assert.equal(await rowIn(maya, 'Liam Zoë-Martin').count(), 0);
  assert.ok((await listed('maya')).includes('c5'), 'nothing sent yet');
  await notice(maya).getByRole('button', { name: 'Undo' }).click();
  await rowIn(maya, 'Liam Zoë-Martin').waitFor();
  await rowIn(maya, 'Liam Zoë-Martin').focus();
  await maya.keyboard.press('#');
  await notice(maya).getByRole('button', { name: 'Dismiss' }).click();  // ends the notice: the request goes
  await serverSays('maya', 'c5', (r) => r.hidden, 'hidden');
  assert.ok(!(await listed('maya')).includes('c5'));
  // The search finds hidden conversations, accent-insensitive (spec): "zoe" finds Zoë.
  await maya.getByLabel('Search conversations').fill('zoe');
  await maya.getByLabel('Search conversations').press('Enter');
  await rowIn(maya, 'Liam Zoë-Martin').waitFor();
  assert.match(await maya.evaluate(() => location.hash), /^#q=zoe$/);
  await maya.goBack();
  await rowIn(maya, 'Emma Stone').waitFor();
  assert.equal(await rowIn(maya, 'Liam Zoë-Martin').count(), 0);
});

test('mark unread closes the thread; peek (Shift+Enter) leaves it unread until "Mark read"', async () => {
  const { maya } = pages;
  await rowIn(maya, 'Emma Stone').click();
  await maya.waitForFunction(() => !document.querySelector('button.row.selected')?.classList.contains('unread'));
  const read = await badge(maya);
  await maya.getByRole('button', { name: 'Actions' }).click();
  await maya.getByRole('menuitem', { name: /^Mark unread/ }).click();
  await maya.getByText('Choose a conversation.').waitFor();
  assert.ok(await isUnread(maya, 'Emma Stone'));
  await waitBadge(maya, read + 1);
  await serverSays('maya', 'c1', (r) => r.folder === 'unread', 'unread');
  await rowIn(maya, 'Emma Stone').focus();
  await maya.keyboard.press('Shift+Enter');
  await maya.getByRole('status').filter({ hasText: 'Peeking: not marked read' }).waitFor();
  await maya.getByRole('log', { name: 'Messages with Emma Stone' }).getByText('2pm please').waitFor();
  assert.equal((await serverRow('maya', 'c1')).folder, 'unread', 'peeking did not read it');
  assert.ok(await isUnread(maya, 'Emma Stone'));
  await maya.getByRole('button', { name: 'Mark read' }).click();
  await serverSays('maya', 'c1', (r) => r.folder !== 'unread', 'read');
  await maya.waitForFunction(() => !document.querySelector('button.row.selected')?.classList.contains('unread'));
  // The live event may update the row before the action's answer ends the peek: wait for the
  // banner to go (it fails if it stays).
  await maya.getByText('Peeking').waitFor({ state: 'detached', timeout: 5000 });
  assert.equal(await maya.getByText('Peeking').count(), 0);
});

test('assign (a), unassign (Shift+A) and mute (m) by keyboard', async () => {
  const { maya } = pages;
  await maya.keyboard.press('a');
  const dialog = maya.getByRole('dialog', { name: 'Assign Emma Stone' });
  await dialog.getByLabel('Staff id').fill('ana');
  await dialog.getByLabel('Staff id').press('Enter');
  await notice(maya).getByText('Assigned Emma Stone to ana').waitFor();
  await rowIn(maya, 'Emma Stone').locator('.flag', { hasText: 'assigned to ana' }).waitFor();
  await serverSays('maya', 'c1', (r) => r.assignee === 'ana', 'assigned to ana');
  await maya.keyboard.press('Shift+A');
  await serverSays('maya', 'c1', (r) => r.assignee === null, 'unassigned');
  await maya.keyboard.press('m');
  await rowIn(maya, 'Emma Stone').locator('.flag', { hasText: 'muted' }).waitFor();
  await serverSays('maya', 'c1', (r) => r.muted, 'muted');
  await maya.keyboard.press('m');
  await serverSays('maya', 'c1', (r) => !r.muted, 'unmuted');
});

test('filters narrow the list, live in the URL, survive a reload; no pinned row first when filtered', async () => {
  const { maya } = pages;
  await maya.keyboard.press('Escape');
  await maya.getByRole('button', { name: /^Filters/ }).click();
  await maya.getByLabel('Client type').fill('member');
  await maya.getByRole('button', { name: 'Apply' }).click();
  await maya.getByTestId('filter-summary').getByText('client type member').waitFor();
  assert.equal(await maya.evaluate(() => location.hash), '#client_type=member');
  await maya.waitForFunction(() => !document.querySelector('.rows')?.textContent.includes('Noah'));
  assert.deepEqual(await settledNames(maya, ['Olivia Park']), ['Olivia Park'], 'Emma is a pinned member: not listed with a filter (spec)');
  assert.deepEqual(await listed('maya', '?client_type=member'), ['c4'], 'as the server lists it');
  await maya.reload();
  await maya.getByTestId('filter-summary').waitFor();
  assert.deepEqual(await settledNames(maya, ['Olivia Park']), ['Olivia Park']);
  await maya.getByRole('button', { name: 'Clear filters' }).click();
  await rowIn(maya, 'Noah Berg').waitFor();
  assert.equal((await names(maya))[0], 'Emma Stone', 'unfiltered: the pinned one first again');
  // Failed texts: a status callback fails Olivia's reminder.
  const msgs = await staffGet(api, tokens.maya, '/v1/conversations/c4/messages?mark_read=false');
  const out = msgs.messages.find((m) => m.direction === 'out');
  await adminOp(api, { op: 'status', business: 'lotus', provider_id: out.provider_id, status: 'failed', error_code: '30003' });
  await maya.goto(`${api}/#types=failed`);
  await maya.getByTestId('filter-summary').getByText('failed').waitFor();
  await maya.waitForFunction(() => document.querySelectorAll('button.row').length === 1);
  assert.deepEqual(await settledNames(maya, ['Olivia Park']), ['Olivia Park']);
  await maya.goto(`${api}/#folder=all&contact_kind=resources`);
  await maya.waitForFunction(() => document.querySelectorAll('button.row').length === 1);
  assert.deepEqual(await settledNames(maya, ['Fresh Towels Co']), ['Fresh Towels Co']);
  assert.equal(await maya.getByRole('tab', { name: /^All/ }).getAttribute('aria-selected'), 'true');
  await maya.goto(`${api}/#q=555-0142`);  // a phone search finds the pinned conversation
  await rowIn(maya, 'Emma Stone').waitFor();
  assert.equal(await maya.getByLabel('Search conversations').inputValue(), '555-0142');
  await maya.goto(`${api}/`);
  await rowIn(maya, 'Noah Berg').waitFor();
});

test('bulk: select two, mark them unread; remove them and undo', async () => {
  const { maya } = pages;
  await maya.getByLabel('Select Noah Berg').check();
  await rowIn(maya, 'Fresh Towels Co').focus();
  await maya.keyboard.press('x');
  const bar = maya.getByRole('toolbar', { name: 'Selected conversations' });
  await bar.getByText('2 selected').waitFor();
  await bar.getByRole('button', { name: 'Mark read' }).click();
  await serverSays('maya', 'c6', (r) => r.folder === 'read', 'towels read');
  await notice(maya).getByText('Marked 2 conversations read').waitFor();
  await maya.getByLabel('Select Noah Berg').check();
  await maya.getByLabel('Select Fresh Towels Co').check();
  await maya.keyboard.press('Shift+I');
  await serverSays('maya', 'c2', (r) => r.folder === 'unread', 'noah unread');
  await serverSays('maya', 'c6', (r) => r.folder === 'unread', 'towels unread');
  assert.ok(await isUnread(maya, 'Noah Berg'));
  await maya.getByLabel('Select Noah Berg').check();
  await maya.getByLabel('Select Fresh Towels Co').check();
  await bar.getByRole('button', { name: 'Remove' }).click();
  assert.equal(await rowIn(maya, 'Noah Berg').count(), 0);
  assert.equal(await rowIn(maya, 'Fresh Towels Co').count(), 0);
  await notice(maya).getByRole('button', { name: 'Undo' }).click();
  await rowIn(maya, 'Noah Berg').waitFor();
  const inbox = await listed('maya');
  assert.ok(inbox.includes('c2') && inbox.includes('c6'), 'undone before anything was sent');
});

test('composer: segments and encoding live, the server agrees; attachments checked; templates by name', async () => {
  const { maya } = pages;
  await rowIn(maya, 'Noah Berg').click();
  const box = maya.getByLabel('Reply to Noah Berg');
  const counter = maya.locator('#reply-hint');
  await box.fill('Hello Noah');
  await counter.getByText('10 / 1600 · GSM-7 · 1 segment · 150 left').waitFor();
  await box.fill('Hello Noah 😀');
  await counter.getByText('UCS-2 (because of 😀) · 1 segment').waitFor();
  const long = `Your gift card is ready {at the desk}. ${'x'.repeat(140)}`;  // braces cost two septets
  await box.fill(long);
  await counter.getByText(`${long.length} / 1600 · GSM-7 · 2 segments`).waitFor();
  await box.press('Control+Enter');
  const sent = maya.locator('li.msg.out', { hasText: 'Your gift card is ready' });
  await sent.getByTestId('segments').getByText('2 segments').waitFor();  // what the server stored
  // Attachments: over 5 MB is refused at once; a fitting one cannot be sent yet (no upload route).
  const file = maya.locator('input[type=file]');
  await file.setInputFiles({ name: 'big.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(5 * 1024 * 1024 + 1) });
  await maya.getByTestId('file-error').getByText('big.jpg is 5.0 MB: at most 5 MB per attachment.').waitFor();
  await file.setInputFiles({ name: 'virus.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') });
  await maya.getByTestId('file-error').getByText(/cannot be texted/).waitFor();
  await file.setInputFiles({ name: 'menu.png', mimeType: 'image/png', buffer: Buffer.alloc(2048) });
  await maya.getByRole('list', { name: 'Attachments' }).getByText('menu.png · 2 KB').waitFor();
  await box.fill('See the menu');
  assert.equal(await maya.locator('#send-button').isDisabled(), true);
  await maya.getByRole('button', { name: 'Remove menu.png' }).click();
  assert.equal(await maya.locator('#send-button').isDisabled(), false);
  await box.fill('');
  // Templates: listed by the server (GET /v1/templates, with the business name); the
  // preview fills every variable, and the server's text is the same.
  await maya.getByRole('log').focus();
  await maya.keyboard.press('t');
  const picker = maya.getByRole('dialog', { name: 'Templates' });
  await picker.getByRole('button', { name: /reminder/ }).click();
  const filled = 'Hi Noah, a reminder of your visit at Lotus Day Spa tomorrow. Reply to change it.';
  await maya.getByTestId('template-preview').getByText(filled).waitFor();
  await maya.locator('#send-button').click();
  await maya.locator('li.msg.out', { hasText: filled }).waitFor();
  await maya.keyboard.press('t');
  await picker.getByRole('button', { name: /reminder/ }).click();
  await maya.getByRole('button', { name: 'Edit as text' }).click();
  assert.equal(await box.inputValue(), filled);
  await box.fill('');
});

test('tabs: exact counts from GET /v1/counts, the numbers the server lists', async () => {
  const { maya } = pages;
  await maya.keyboard.press('Escape');
  const asked = maya.waitForRequest((r) => r.url().includes('/v1/counts'));
  await inbound(api, '+12025550177', 'Do you sell gift cards?');  // the counts follow events
  await asked;
  const tabCount = (f) => maya.locator(`#tab-${f} .count`).textContent();
  for (const f of ['inbox', 'unread', 'read', 'replied', 'archived', 'all']) {
    const until = Date.now() + 5000;
    let want;
    let have;
    do {
      want = String((await listed('maya', `?folder=${f}&limit=500`)).length);
      have = await tabCount(f);
      if (have === want) break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < until);
    assert.equal(have, want, `tab ${f}`);
    assert.ok(!have.includes('+'), 'exact: never "500+"');
  }
  const counted = await staffGet(api, tokens.maya, '/v1/counts');
  assert.equal(await tabCount('all'), String(counted.all));
});

test('presence: Ana opening and typing in Noah\'s thread is shown to Maya, and ends', async () => {
  const { maya, ana } = pages;
  await rowIn(maya, 'Noah Berg').click();
  await maya.getByRole('log', { name: 'Messages with Noah Berg' }).waitFor();
  await rowIn(ana, 'Noah Berg').click();
  await maya.getByTestId('presence').getByText('Ana (manager) is viewing').waitFor();
  await ana.getByLabel('Reply to Noah Berg').fill('Let me check');
  await maya.getByTestId('presence').getByText('Ana (manager) is replying').waitFor();
  // Ana sees Maya, who has the thread open, and never herself.
  await ana.getByTestId('presence').getByText(/^Maya.* is viewing$/).waitFor();
  await ana.getByLabel('Reply to Noah Berg').fill('');
  await ana.getByLabel('Reply to Noah Berg').press('Escape');  // back to the list: idle
  await maya.getByTestId('presence').waitFor({ state: 'detached' });
});

test('send guard: a reply begun before a new text arrived is held with a notice, nothing sent', async () => {
  const { maya } = pages;
  const conv = (await listed('maya', '?q=noah'))[0];
  const outCount = async (text) =>
    (await staffGet(api, tokens.maya, `/v1/conversations/${conv}/messages?mark_read=false&limit=100`))
      .messages.filter((m) => m.body === text).length;
  const box = maya.getByLabel('Reply to Noah Berg');
  await box.fill('See you at 2pm then');
  await inbound(api, '+12025550143', 'Actually, can we make it 3pm?');
  await maya.locator('li.msg.in', { hasText: 'make it 3pm' }).waitFor();
  await maya.locator('#send-button').click();
  await maya.getByRole('alert').getByText(/Held: a new message arrived/).waitFor();
  assert.equal(await outCount('See you at 2pm then'), 0, 'the server stored nothing');
  assert.equal(await box.inputValue(), 'See you at 2pm then', 'the draft is kept');
  // Read, changed, sent: the second Send goes.
  await box.fill('See you at 3pm then');
  await maya.locator('#send-button').click();
  await maya.locator('li.msg.out', { hasText: 'See you at 3pm then' }).waitFor();
  assert.equal(await outCount('See you at 3pm then'), 1);
});

test('client_ref: a send whose answer was lost, sent again, is stored once', async () => {
  const { maya } = pages;
  const conv = (await listed('maya', '?q=noah'))[0];
  const bodies = [];
  let first = true;
  await maya.route('**/v1/messages', async (route) => {
    bodies.push(JSON.parse(route.request().postData()));
    if (first) {
      first = false;
      await route.fetch();            // the server stores and answers...
      await route.abort('failed');    // ...and the answer never reaches the page
    } else await route.continue();
  });
  const box = maya.getByLabel('Reply to Noah Berg');
  await box.fill('Your towels are ready');
  await maya.locator('#send-button').click();
  await maya.getByRole('alert').getByText(/it will not be sent twice/).waitFor();
  await maya.locator('#send-button').click();
  await maya.locator('li.msg.out', { hasText: 'Your towels are ready' }).waitFor();
  await maya.unroute('**/v1/messages');
  assert.equal(bodies.length, 2);
  assert.ok(bodies[0].client_ref && bodies[0].client_ref === bodies[1].client_ref, 'the same client_ref');
  const stored = (await staffGet(api, tokens.maya, `/v1/conversations/${conv}/messages?mark_read=false&limit=100`))
    .messages.filter((m) => m.body === 'Your towels are ready');
  assert.equal(stored.length, 1, 'stored once');
  assert.equal(await maya.locator('li.msg.out', { hasText: 'Your towels are ready' }).count(), 1, 'shown once');
});

test('consent: an opted-out client\'s composer is disabled, with the reason', async () => {
  const { maya } = pages;
  await rowIn(maya, 'Mia Lopez').click();
  await maya.getByTestId('consent-banner').getByText(/opted out of texts \(STOP\)/).waitFor();
  assert.equal(await maya.getByLabel('Reply to Mia Lopez').isDisabled(), true);
  assert.equal(await maya.locator('#send-button').isDisabled(), true);
  // START (an inbound keyword) lifts it live.
  await inbound(api, '+12025550146', 'START');
  await maya.getByTestId('consent-banner').waitFor({ state: 'detached' });
  assert.equal(await maya.getByLabel('Reply to Mia Lopez').isDisabled(), false);
});

test('contact panel: overview and history; a new number becomes a lead', async () => {
  const { maya } = pages;
  await rowIn(maya, 'Emma Stone').click();
  await maya.keyboard.press('c');
  const panel = maya.getByRole('complementary', { name: 'Emma Stone' });
  await panel.getByText('emma@example.com').waitFor();
  await panel.getByText('member').waitFor();
  await panel.getByTestId('history').getByText('2pm please').waitFor();
  await axeCheck(maya, 'thread with the contact panel');
  await inbound(api, '+12025550188', 'Hi, is this the spa?');
  await rowIn(maya, '(202) 555-0188').click();
  const unlinked = maya.getByRole('complementary', { name: 'Not a contact' });
  await unlinked.getByLabel('First name').fill('Zed');
  await unlinked.getByLabel('Last name').fill('Quinn');
  await unlinked.getByRole('button', { name: 'Create lead' }).click();
  await maya.getByRole('heading', { name: 'Zed Quinn', level: 2 }).first().waitFor();
  await rowIn(maya, 'Zed Quinn').waitFor();
  const row = await serverRow('maya', (await listed('maya', '?q=zed'))[0]);
  assert.equal(row.contact.kind, 'lead');
});

test('? lists the shortcuts; axe finds nothing serious in the list, the menu or the dialog', async () => {
  const { maya } = pages;
  await maya.keyboard.press('Escape');  // the panel
  await maya.keyboard.press('Escape');  // the thread
  await maya.getByText('Choose a conversation.').waitFor();
  await axeCheck(maya, 'list');
  await maya.keyboard.press('?');
  const help = maya.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await help.getByRole('cell', { name: 'peek: open without marking read' }).waitFor();
  assert.ok((await help.getByRole('row').count()) > 20);
  await axeCheck(maya, 'shortcut sheet');
  await maya.keyboard.press('Escape');
  await help.waitFor({ state: 'detached' });
  await maya.keyboard.press('2');
  await maya.waitForFunction(() => document.title.includes('Unread'));
  await maya.keyboard.press('1');
});

test('a phone-sized screen: one pane at a time, list -> thread -> contact -> back', async () => {
  const phone = await signIn('maya', { viewport: { width: 390, height: 844 }, hasTouch: true });
  const list = phone.locator('.list-pane');
  assert.ok(await list.isVisible());
  assert.equal(await phone.locator('section.thread').isVisible(), false);
  await axeCheck(phone, 'phone list');
  await rowIn(phone, 'Noah Berg').tap();
  await phone.getByRole('log', { name: 'Messages with Noah Berg' }).waitFor();
  assert.equal(await list.isVisible(), false);
  await phone.getByRole('button', { name: 'Contact' }).tap();
  await phone.getByRole('complementary', { name: 'Noah Berg' }).getByText('guest').waitFor();
  assert.equal(await phone.locator('.thread-main').isVisible(), false);
  await axeCheck(phone, 'phone contact panel');
  await phone.getByRole('button', { name: 'Close the contact panel' }).tap();
  await phone.getByRole('button', { name: 'Back to the list' }).tap();
  await list.waitFor();
  assert.ok(await rowIn(phone, 'Noah Berg').isVisible());
  await phone.context().close();
});

test('nothing broke the policy, threw, or left the origin', async () => {
  for (const [who, page] of Object.entries(pages)) assert.deepEqual(await page.evaluate(() => window.__csp), [], `${who}: CSP`);
  // The browser logs failed fetches by itself: Leo's refused archive (403), the guarded
  // send held (409) and the send whose answer the test dropped.
  const expected = (p) =>
    p.startsWith('maya') && (/status of 40[39]/.test(p) || /ERR_FAILED/.test(p));
  assert.deepEqual(problems.filter((p) => !expected(p)), []);
});
