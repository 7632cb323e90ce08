// Loads the app; if its modules cannot be loaded (web/vendor/ was never generated), says
// so on the page instead of leaving it blank.
import('./main.js').catch((e) => {
  const root = document.getElementById('root');
  root.textContent = '';
  const p = document.createElement('p');
  p.className = 'boot-error';
  p.setAttribute('role', 'alert');
  p.textContent =
    'The inbox could not start: its libraries are missing or failed to load. ' +
    'Run scripts/install-deps.sh (npm ci and node tools/vendor.mjs in web/), then reload. ' +
    `(${e && e.message ? e.message : e})`;
  root.append(p);
});
