// The windowed list at scale, in a real browser: `msgcenter serve --demo` seeded with N more
// conversations through the webhook fast path (`msgcenter load --url`, signed webhooks,
// 20,000 by default; MSGCENTER_WEB_SCALE=100000 for the figure in docs/web.md), Maya's
// inbox scrolled to its end: the DOM never holds more than a bounded number of rows, the
// page walks the cursor pages in order, each once, and ends with exactly what the server
// lists, keys reach rows that were not rendered, the open row stays selected, and another
// view starts at its top.
//
//   node web/tests/scale.spec.mjs [--msgcenter build/cli/msgcenter]   (77: no chromium)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { DEMO_AUTH_TOKEN, SPA_NUMBER, prerequisites, signedInPage, staffGet, startServerAndBrowser, stopServer } from './harness.mjs';

const { msgcenter, chromium } = await prerequisites();
const N = Number(process.env.MSGCENTER_WEB_SCALE || 20000);
const MAX_ROWS = 40;  // rows in the DOM at most (a 800 px window shows ~9, plus overscan)

let server;
let api;
let tokens;
let browser;
let maya;
const problems = [];
const pages = [];  // the list pages the page asked for: {cursor, ids, next}
let serverIds = [];  // Maya's inbox as the server lists it (asked once: the API limits a token's rate)

before(async () => {
  ({ child: server, url: api, tokens, browser } = await startServerAndBrowser(msgcenter, chromium));
  const t0 = Date.now();
  const { stdout } = await promisify(execFile)(msgcenter, ['load', '--url', api, '--token', DEMO_AUTH_TOKEN,
    '--account-sid', 'ACdemo00000000000000000000000000', '--number', SPA_NUMBER, '--messages', String(N),
    '--conversations', String(N), '--connections', '8', '--pipeline', '32', '--no-floor', '--no-progress', '--json'],
  { maxBuffer: 1 << 20 });
  const report = JSON.parse(stdout.trim().split('\n').at(-1));
  assert.equal(report.acknowledged, N, stdout);
  console.log(`# seeded ${N} conversations in ${Date.now() - t0} ms (${Math.round(report.throughput_msgs_per_s)} webhooks/s)`);
});

after(async () => {
  await browser?.close();
  await stopServer(server);
});

const dom = () => maya.evaluate(() => {
  const ul = document.querySelector('.rows');
  const panel = document.getElementById('folder-panel');
  return {
    rendered: document.querySelectorAll('.rows li').length,
    loaded: Number(ul?.dataset.loaded ?? 0),
    more: Boolean(document.querySelector('.more')),
    scrollTop: panel.scrollTop,
    rows: [...document.querySelectorAll('.rows li')].map((li) => [Number(li.dataset.index), li.querySelector('button.row').dataset.conversation]),
  };
});

/// Every row of Maya's inbox as the server lists it (pages of 500).
async function serverInbox() {
  const ids = [];
  let cursor = '';
  do {
    const r = await staffGet(api, tokens.maya, `/v1/conversations?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    ids.push(...r.rows.map((x) => x.conversation));
    cursor = r.cursor;
  } while (cursor);
  return ids;
}

test(`first paint of ${N + 6} conversations: a bounded DOM`, async () => {
  const t0 = Date.now();
  maya = await signedInPage(browser, api, 'maya', tokens.maya, problems, {
    onPage: (page) => page.on('response', async (res) => {
      const u = new URL(res.url());
      if (u.pathname !== '/v1/conversations') return;
      const body = await res.json();
      pages.push({ cursor: u.searchParams.get('cursor'), ids: body.rows.map((r) => r.conversation), next: body.cursor });
    }),
  });
  console.log(`# sign-in to the first rows: ${Date.now() - t0} ms`);
  const d = await dom();
  assert.ok(d.rendered > 5 && d.rendered <= MAX_ROWS, `rendered ${d.rendered}`);
  assert.ok(d.loaded >= 200 && d.loaded <= 400, `loaded ${d.loaded}`);
  const label = await maya.locator('.rows').getAttribute('aria-label');
  await maya.waitForFunction((n) => document.querySelector('.rows').getAttribute('aria-label').includes(`${n} conversations`), N + 6);
  assert.ok(label);
});

test('scrolling to the end walks every cursor page in order, once, and the DOM stays bounded', async () => {
  assert.equal(pages.length, 1, 'one page so far');
  const t0 = Date.now();
  let steps = 0;
  let maxRendered = 0;
  for (;;) {
    const before = await dom();
    maxRendered = Math.max(maxRendered, before.rendered);
    if (!before.more && before.loaded === N + 6) break;
    await maya.evaluate(() => {
      const p = document.getElementById('folder-panel');
      p.scrollTop = p.scrollHeight;
    });
    await maya.waitForFunction((n) => Number(document.querySelector('.rows').dataset.loaded) > n || !document.querySelector('.more'), before.loaded);
    assert.ok(++steps < N, 'no end');
  }
  const ms = Date.now() - t0;
  console.log(`# scrolled to the end: ${steps} pages in ${ms} ms (${Math.round(ms / Math.max(1, steps))} ms a page), at most ${maxRendered} rows in the DOM`);
  assert.ok(maxRendered <= MAX_ROWS, `rendered ${maxRendered}`);
  // The pages: the first one without a cursor, each next one with the cursor the one before answered.
  const walked = pages;
  assert.equal(walked[0].cursor, null);
  for (let i = 1; i < walked.length; i++) assert.equal(walked[i].cursor, walked[i - 1].next, `page ${i} follows page ${i - 1}`);
  assert.equal(walked.at(-1).next, null);
  const ids = walked.flatMap((p) => p.ids);
  assert.equal(new Set(ids).size, ids.length, 'no row twice');
  const server = (serverIds = await serverInbox());
  assert.deepEqual(ids, server, 'in the server\'s order');
  // The rows rendered at the end are the server's last ones, at their index.
  const d = await dom();
  for (const [i, id] of d.rows) assert.equal(id, server[i], `row ${i}`);
  assert.ok(d.rows.some(([i]) => i === server.length - 1), 'the last row is shown');
});

test('keys reach rows that were not rendered; the open row stays selected; another view starts at its top', async () => {
  const server = serverIds;
  const last = server.length - 1;
  await maya.locator(`button.row[data-conversation="${server[last]}"]`).focus();
  await maya.keyboard.press('ArrowUp');
  await maya.waitForFunction((id) => document.activeElement?.dataset.conversation === id, server[last - 1]);
  await maya.keyboard.press('Home');
  await maya.waitForFunction((id) => document.activeElement?.dataset.conversation === id, server[0]);
  assert.equal((await dom()).scrollTop, 0);
  const focused = () => maya.evaluate(() => Number(document.activeElement.closest('li')?.dataset.index ?? -1));
  await maya.keyboard.press('PageDown');
  await maya.waitForFunction(() => Number(document.activeElement.closest('li')?.dataset.index) > 0);
  const page = await focused();
  assert.ok(page >= 5, `PageDown moved to ${page}`);
  await maya.keyboard.press('PageDown');
  await maya.waitForFunction((p) => Number(document.activeElement.closest('li')?.dataset.index) === 2 * p, page);
  await maya.keyboard.press('End');
  await maya.waitForFunction((id) => document.activeElement?.dataset.conversation === id, server[last]);
  // Open a row far down, go to the top and back: still the selected one.
  const far = server[last - 3];
  await maya.locator(`button.row[data-conversation="${far}"]`).click();
  await maya.getByRole('log').waitFor();
  await maya.evaluate(() => (document.getElementById('folder-panel').scrollTop = 0));
  await maya.waitForFunction((id) => !document.querySelector(`button.row[data-conversation="${id}"]`), far);
  await maya.keyboard.press('Escape');  // back to the list: focus returns to the open row, scrolled into view
  await maya.waitForFunction((id) => document.activeElement?.dataset.conversation === id, far);
  assert.ok((await dom()).rendered <= MAX_ROWS);
  // Another folder: the first page again, at the top.
  await maya.getByRole('tab', { name: /^Unread/ }).click();
  await maya.waitForFunction(() => document.title.includes('Unread'));
  await maya.waitForFunction(() => Number(document.querySelector('.rows')?.dataset.loaded) > 0);
  const d = await dom();
  assert.equal(d.scrollTop, 0);
  assert.ok(d.loaded <= 200 && d.rendered <= MAX_ROWS, JSON.stringify({ loaded: d.loaded, rendered: d.rendered }));
  assert.deepEqual(problems, []);
});
