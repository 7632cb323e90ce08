// The page's entry: renders the app, keeps the tab title current and the stream alive.
import { effect, render, html } from './lib.js';
import * as s from './store.js';
import { App } from './views.js';

effect(() => {
  document.title = s.title.value;
});
window.addEventListener('online', () => s.nudgeStream());
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') s.nudgeStream();
});

const root = document.getElementById('root');
root.textContent = '';
render(html`<${App} />`, root);
if (s.token.value) s.start();
