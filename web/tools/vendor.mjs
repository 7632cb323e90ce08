// Copies the page's libraries from node_modules (installed by `npm ci`, pinned by
// package-lock.json) into web/vendor/ as plain ES modules the server can serve, and
// rewrites their bare imports ("preact", "preact/hooks", "@preact/signals-core") into
// relative ones. That is what an import map would do, without an inline <script>, which
// the page's Content-Security-Policy (script-src 'self') forbids.
//
//   node tools/vendor.mjs          copy (only files whose content changed are rewritten)
//   node tools/vendor.mjs --check  exit 1 if vendor/ is missing or differs from node_modules
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const modules = join(web, 'node_modules');
const out = join(web, 'vendor');

// package directory, file inside it, vendored name
const files = [
  ['preact', 'dist/preact.mjs', 'preact.js'],
  ['preact', 'hooks/dist/hooks.mjs', 'preact-hooks.js'],
  ['htm', 'dist/htm.mjs', 'htm.js'],
  ['@preact/signals-core', 'dist/signals-core.mjs', 'signals-core.js'],
  ['@preact/signals', 'dist/signals.mjs', 'signals.js'],
];
const specifiers = {
  preact: './preact.js',
  'preact/hooks': './preact-hooks.js',
  '@preact/signals-core': './signals-core.js',
};

function rewrite(name, text) {
  const done = text
    .replace(/(\bfrom\s*|\bimport\s*\(?\s*)(["'])([^"'./][^"']*)\2/g, (all, head, quote, spec) => {
      if (!(spec in specifiers)) throw new Error(`${name}: no vendored module for import "${spec}"`);
      return `${head}${quote}${specifiers[spec]}${quote}`;
    })
    .replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');  // the maps are not vendored
  return done;
}

export function vendor({ check = false } = {}) {
  if (!existsSync(modules))
    throw new Error(`${modules} is missing: run \`npm ci\` in web/ (scripts/install-deps.sh does)`);
  const licenses = [];
  const wanted = new Map();
  for (const [pkg, file, name] of files) {
    const dir = join(modules, pkg);
    const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const header = `// ${pkg}@${version} ${file}, vendored by web/tools/vendor.mjs from package-lock.json's pin.\n`;
    wanted.set(name, header + rewrite(name, readFileSync(join(dir, file), 'utf8')));
    if (!licenses.some((l) => l.startsWith(`${pkg}@`))) {
      const license = readFileSync(join(dir, 'LICENSE'), 'utf8');
      licenses.push(`${pkg}@${version}\n\n${license.trim()}\n`);
    }
  }
  wanted.set('LICENSES.txt', licenses.join('\n' + '-'.repeat(72) + '\n\n'));
  let changed = 0;
  for (const [name, text] of wanted) {
    const path = join(out, name);
    const have = existsSync(path) ? readFileSync(path, 'utf8') : null;
    if (have === text) continue;
    changed++;
    if (check) continue;
    mkdirSync(out, { recursive: true });
    writeFileSync(path, text);
  }
  return changed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  try {
    const changed = vendor({ check });
    if (check && changed) {
      console.error(`web/vendor: ${changed} file(s) missing or stale; run node web/tools/vendor.mjs`);
      process.exit(1);
    }
    if (!check) console.log(`web/vendor: ${changed ? `${changed} file(s) written` : 'up to date'}`);
  } catch (e) {
    console.error(String(e.message ?? e));
    process.exit(1);
  }
}
