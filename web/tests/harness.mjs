// What the browser tests share: the chromium and msgcenter paths, `msgcenter serve --demo`
// started on a free port, a TCP proxy that can cut connections, signed Twilio webhooks.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const web = resolve(here, '..');
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const ADMIN_KEY = 'web-test-admin-key-0123456789abcdef';  // the server wants 32+ characters
export const DEMO_AUTH_TOKEN = 'demo-auth-token';  // the demo business's Twilio auth token
export const SPA_NUMBER = '+12025550100';

/// Exits 77 (CTest: skipped) without chromium; fails without the build or node_modules.
export async function prerequisites() {
  if (!existsSync(chromiumPath)) {
    console.log(`SKIP: ${chromiumPath} is not installed (scripts/install-deps.sh installs Debian's chromium)`);
    process.exit(77);
  }
  const arg = process.argv.indexOf('--msgcenter');
  const msgcenter = resolve(arg > 0 ? process.argv[arg + 1] : join(web, '..', 'build', 'cli', 'msgcenter'));
  if (!existsSync(msgcenter)) throw new Error(`${msgcenter} not found: build msgcenter_cli first`);
  if (!existsSync(join(web, 'node_modules', 'playwright-core')))
    throw new Error('web/node_modules is missing: run scripts/install-deps.sh (npm ci in web/)');
  const { chromium } = await import('playwright-core');
  const { vendor } = await import('../tools/vendor.mjs');
  vendor();
  return { msgcenter, chromium };
}

/// Starts `msgcenter serve --demo` on a free port; resolves with its URL and staff tokens.
export function startServer(msgcenter) {
  return new Promise((resolveStart, reject) => {
    const child = spawn(msgcenter, ['serve', '--listen', '127.0.0.1:0', '--demo', '--web', web], {
      env: { ...process.env, MSGCENTER_ADMIN_KEY: ADMIN_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`msgcenter serve did not start:\n${out}\n${err}`)), 20000);
    child.stderr.on('data', (d) => (err += d));
    child.stderrText = () => err;
    child.stdout.on('data', (d) => {
      out += d;
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      const found = [...out.matchAll(/^ {2}(\w+) \(.*\): (mcs_\S+)$/gm)];
      // What scripts/serve.sh shows last: the page's URL and the token to sign in with.
      const inbox = /^The staff web inbox: open (http:\S+)\/ and sign in as (\w+) .*\n {2}(mcs_\S+)$/m.exec(out);
      if (url && found.length >= 4 && inbox) {
        clearTimeout(timer);
        resolveStart({
          child,
          url: url[1],
          tokens: Object.fromEntries(found.map((m) => [m[1], m[2]])),
          printed: { url: inbox[1], staff: inbox[2], token: inbox[3] },
        });
      }
    });
    child.on('exit', (code) => reject(new Error(`msgcenter serve exited ${code}:\n${out}\n${err}`)));
  });
}

/// A TCP proxy in front of the server: the test can cut every connection (a network drop)
/// and keep refusing new ones until it is restored. It keeps the head of every request the
/// page sent (keep-alive connections carry several) and what the server sent back.
export function startProxy(port) {
  const sockets = new Set();
  const heads = [];
  const replies = [];  // per connection, the server's bytes as text
  let down = false;
  const srv = net.createServer((client) => {
    if (down) return client.destroy();
    const upstream = net.connect(port, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    let sent = '';
    let parsed = 0;
    const reply = { text: '' };
    replies.push(reply);
    client.on('data', (d) => {
      sent += d.toString('latin1');
      for (;;) {
        const m = /(?:GET|HEAD|POST|PUT|DELETE) \S+ HTTP\/1\.1\r\n[\s\S]*?\r\n\r\n/.exec(sent.slice(parsed));
        if (!m) break;
        heads.push(m[0].trimEnd());
        parsed += m.index + m[0].length;
      }
    });
    upstream.on('data', (d) => (reply.text += d.toString('utf8')));
    client.pipe(upstream);
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  return new Promise((ok) =>
    srv.listen(0, '127.0.0.1', () =>
      ok({
        port: srv.address().port,
        heads,
        /// The id of the last event the server sent on any stream so far (only SSE answers
        /// have lines starting with `id: `).
        lastEventId() {
          const ids = replies.flatMap((r) => [...r.text.matchAll(/^id: (\d+)$/gm)].map((m) => m[1]));
          return ids.at(-1) ?? null;
        },
        cut() {
          down = true;
          for (const s of sockets) s.destroy();
          sockets.clear();
        },
        restore() {
          down = false;
        },
        close: () => new Promise((done) => srv.close(done)),
      }),
    ),
  );
}

let sid = 0;

/// A signed inbound text, posted to the server at `api` as Twilio would (docs/api.md).
export async function inbound(api, from, body) {
  const url = `${api}/webhooks/twilio/sms`;
  const params = { Body: body, From: from, MessageSid: `SMweb${process.pid}x${++sid}`, To: SPA_NUMBER };
  const signed = url + Object.keys(params).sort().map((k) => k + params[k]).join('');
  const signature = createHmac('sha1', DEMO_AUTH_TOKEN).update(signed).digest('base64');
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
    body: new URLSearchParams(params).toString(),
  });
  assert.equal(res.status, 200, await res.text());
}

/// An admin operation (POST /v1/admin/ops).
export async function adminOp(api, op) {
  const res = await fetch(`${api}/v1/admin/ops`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(op),
  });
  const data = await res.json();
  assert.equal(data.ok, true, JSON.stringify(data));
  return data;
}

/// A staff call of the API with a token, for checking what the server has.
export async function staffGet(api, token, path) {
  const res = await fetch(api + path, { headers: { Authorization: `Bearer ${token}` } });
  return res.json();
}

/// What the server says about a conversation, as the staff member with `token` sees it.
export async function serverRow(api, token, id) {
  return (await staffGet(api, token, `/v1/conversations/${id}`)).conversation;
}

/// Polls the server until `check(row)` holds (the page's request may be in flight).
export async function serverSays(api, token, id, check, what) {
  const until = Date.now() + 5000;
  let row;
  while (Date.now() < until) {
    row = await serverRow(api, token, id);
    if (check(row)) return row;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`server: ${what}: ${JSON.stringify(row)}`);
}

/// Stops a `msgcenter serve` started by startServer (SIGTERM: a graceful stop); resolves
/// with its exit code.
export async function stopServer(child) {
  if (!child || child.exitCode !== null) return child?.exitCode ?? null;
  const exited = new Promise((ok) => child.on('exit', ok));
  child.kill('SIGTERM');
  return exited;
}

/// A new browser context signed in as `who` with `token`, on the live list. Console errors,
/// page errors and requests to another origin go to `problems`; CSP violations to
/// window.__csp.
export async function signedInPage(browser, api, who, token, problems,
  { viewport = { width: 1280, height: 800 }, hasTouch = false, acceptDownloads = false, rows = true, onPage = null } = {}) {
  const context = await browser.newContext({ viewport, hasTouch, acceptDownloads });
  context.setDefaultTimeout(8000);
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && problems.push(`${who} console: ${m.text()} ${m.location().url}`));
  page.on('pageerror', (e) => problems.push(`${who} page error: ${e.message}`));
  page.on('request', (r) => !r.url().startsWith(`${api}/`) && problems.push(`${who} request to another origin: ${r.url()}`));
  onPage?.(page);
  await page.goto(`${api}/`);
  await page.getByLabel('Staff token').fill(token);
  await page.getByLabel('Staff token').press('Enter');
  await page.getByTestId('live').filter({ hasText: 'Live' }).waitFor();
  if (rows) await page.locator('button.row').first().waitFor();
  return page;
}

let axeSource = null;

/// axe-core (from node_modules) in the page: no serious or critical WCAG 2.2 AA violation.
export async function axeCheck(page, where) {
  axeSource ??= readFileSync(join(web, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `axe (${where})`);
}

/// `msgcenter serve --demo` and a headless chromium: {child, url, tokens, printed, browser}.
export async function startServerAndBrowser(msgcenter, chromium) {
  const started = await startServer(msgcenter);
  return { ...started, browser: await chromium.launch({ executablePath: chromiumPath, headless: true }) };
}

/// The names listed once the list shows `expected` (or, when it never does, what it shows
/// after 5 s): a list being replaced is briefly empty, so an immediate read can race it.
export async function settledNames(page, expected) {
  const shown = (e) => JSON.stringify([...document.querySelectorAll('button.row .who')].map((x) => x.textContent)) === JSON.stringify(e);
  await page.waitForFunction(shown, expected, { timeout: 5000 }).catch(() => {});
  return page.locator('button.row .who').allTextContents();
}
