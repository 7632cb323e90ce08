// Regenerates docs/images/inbox.png and docs/images/thread.png: `msgcenter serve --demo` on
// a free port, Debian's chromium headless through playwright-core (no browser download),
// Maya signed in at 1280x800: the inbox, then Emma Stone's thread with the contact panel.
// The demo's times are relative to the start, so the pictures differ only in clock times.
//
//   node web/tools/screenshots.mjs [--msgcenter build/cli/msgcenter]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumPath, prerequisites, startServer, stopServer, web } from '../tests/harness.mjs';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const out = join(web, '..', 'docs', 'images');

const { msgcenter, chromium } = await prerequisites();
const server = await startServer(msgcenter);
const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: FLAGS });
try {
  mkdirSync(out, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  await page.goto(`${server.url}/`);
  await page.getByLabel('Staff token').fill(server.tokens.maya);
  await page.getByLabel('Staff token').press('Enter');
  await page.getByTestId('live').filter({ hasText: 'Live' }).waitFor();
  await page.locator('button.row').first().waitFor();
  await page.locator('#tab-all .count').waitFor();
  await page.screenshot({ path: join(out, 'inbox.png') });
  await page.locator('button.row', { hasText: 'Emma Stone' }).click();
  await page.getByRole('log', { name: 'Messages with Emma Stone' }).getByText('2pm please').waitFor();
  await page.getByRole('button', { name: 'Contact' }).click();
  await page.getByTestId('history').getByText('2pm please').waitFor();
  await page.getByLabel('Reply to Emma Stone').fill('Of course! A facial at 3pm after your massage?');
  await page.screenshot({ path: join(out, 'thread.png') });
  console.log(`wrote ${join(out, 'inbox.png')} and ${join(out, 'thread.png')}`);
} finally {
  await browser.close();
  await stopServer(server.child);
}
