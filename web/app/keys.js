// Keyboard shortcuts for every action, and the `?` sheet that lists them. Single keys act
// on the conversation whose row has focus, else on the open one; they are ignored while
// typing in a field (Escape apart) and with Ctrl/Alt/Meta held.
import { act, actOnChecked, toggleChecked } from './acting.js';
import { actionForKey } from './actions.js';
import { FOLDERS } from './format.js';
import { currentIndex, focusIndex } from './list.js';
import { html, signal, useEffect, useRef } from './lib.js';
import * as s from './store.js';
import { backToList } from './thread.js';
import { undoNotice } from './toasts.js';

export const helpOpen = signal(false);

export const SHORTCUTS = [
  ['?', 'this list of shortcuts'],
  ['/', 'search'],
  ['f', 'filters'],
  ['1 … 6', 'folders: inbox, unread, read, replied, archived, all'],
  ['j / k, ↓ / ↑', 'next / previous conversation'],
  ['Enter', 'open the conversation (marks it read)'],
  ['Shift+Enter', 'peek: open without marking read'],
  ['Escape', 'back to the list; close a menu or dialog'],
  ['.', 'the action menu'],
  ['e', 'archive / move to the inbox'],
  ['u / Shift+U', 'mark unread / mark read'],
  ['p', 'pin / unpin'],
  ['m', 'mute / unmute'],
  ['a / Shift+A', 'assign / unassign'],
  ['#', 'remove from the list'],
  ['x', 'select the conversation (for bulk actions)'],
  ['Shift+R / Shift+I', 'selected: mark read / mark unread'],
  ['Shift+D', 'selected: remove'],
  ['z', 'undo the last action'],
  ['r', 'reply'],
  ['t', 'templates'],
  ['c', 'contact panel'],
];

// A field that takes text (a checkbox does not: x, Shift+R... work from it).
const typing = (el) =>
  el && (el.isContentEditable || /^(TEXTAREA|SELECT)$/.test(el.tagName) ||
    (el.tagName === 'INPUT' && !/^(checkbox|radio|button|submit|reset|file)$/.test(el.type)));

function target() {
  const row = document.activeElement?.closest?.('button.row');
  return row ? row.dataset.conversation : s.selected.value;
}

const rowOf = (id) => s.rows.value.find((r) => r.conversation === id) ?? (s.thread.value?.row?.conversation === id ? s.thread.value.row : null);

function moveInList(step) {
  const i = currentIndex();
  focusIndex(i < 0 ? 0 : i + step);
}

export function onGlobalKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
  if (typing(e.target) || document.querySelector('dialog[open]')) return;
  if (!s.token.value) return;
  const key = e.shiftKey && e.key.length === 1 && /[a-z]/i.test(e.key) ? `Shift+${e.key.toUpperCase()}` : e.key;
  const inList = Boolean(document.activeElement?.closest?.('.rows'));
  const id = target();
  const row = id ? rowOf(id) : null;
  const run = () => e.preventDefault();
  if (key === '?') return run(), (helpOpen.value = true);
  if (key === '/') return run(), document.getElementById('search')?.focus();
  if (key === 'f') return run(), window.dispatchEvent(new Event('msgcenter:filters'));
  if (/^[1-6]$/.test(key)) return run(), s.chooseFolder(FOLDERS[Number(key) - 1].id);
  if (key === 'z') return undoNotice() && run();
  if (key === 'Shift+R') return run(), actOnChecked('mark_read');
  if (key === 'Shift+I') return run(), actOnChecked('mark_unread');
  if (key === 'Shift+D') return run(), actOnChecked('hide');
  if (!inList && (key === 'j' || key === 'k')) return run(), moveInList(key === 'j' ? 1 : -1);
  if (key === 'Escape' && s.selected.value) return run(), backToList();
  if (!row) return;
  if (key === 'x' && !inList) return run(), toggleChecked(id);
  if (key === '.' && s.selected.value === id) return run(), window.dispatchEvent(new CustomEvent('msgcenter:menu', { detail: 'menu' }));
  if (key === 'r' && s.selected.value) return run(), document.getElementById('reply-body')?.focus();
  if (key === 't' && s.selected.value) return run(), window.dispatchEvent(new Event('msgcenter:templates'));
  if (key === 'c' && s.selected.value) return run(), (s.panel.value = !s.panel.value);
  if (key === 'a') {
    run();
    if (!s.allowed('assign')) return act(id, 'assign');  // says why, sends nothing
    if (s.selected.value !== id) s.openConversation(id, { peek: true }).then(() => window.dispatchEvent(new CustomEvent('msgcenter:menu', { detail: 'assign' })));
    else window.dispatchEvent(new CustomEvent('msgcenter:menu', { detail: 'assign' }));
    return;
  }
  const action = actionForKey(key, row);
  if (action && action !== 'assign') {
    run();
    act(id, action);
  }
}

export function HelpDialog() {
  const dialog = useRef(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const close = () => (helpOpen.value = false);
  return html`
    <dialog ref=${dialog} class="dialog help" aria-labelledby="help-title" onCancel=${(e) => (e.preventDefault(), close())}>
      <h2 id="help-title">Keyboard shortcuts</h2>
      <table>
        <thead><tr><th scope="col">Key</th><th scope="col">Does</th></tr></thead>
        <tbody>${SHORTCUTS.map(([k, what]) => html`<tr><td><kbd>${k}</kbd></td><td>${what}</td></tr>`)}</tbody>
      </table>
      <div class="dialog-bar"><button type="button" onClick=${close}>Close</button></div>
    </dialog>`;
}
