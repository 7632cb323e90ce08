// Short notices at the bottom of the page: "Archived Emma Stone · Undo" (5 s), and refusals
// (an alert, kept until dismissed or replaced). One notice of each kind at a time.
import { signal } from './lib.js';

export const UNDO_MS = 5000;
export const notice = signal(null);  // {id, text, undo?: () => void, error?: boolean}
let seq = 0;
let timer = null;
let onExpire = null;

/// Shows a notice; `expire` runs when it times out or is replaced (not when undone).
export function showNotice({ text, undo = null, error = false, expire = null, ms = UNDO_MS }) {
  finish();
  const id = ++seq;
  notice.value = { id, text, undo, error };
  onExpire = expire;
  if (!error) timer = setTimeout(() => finish(id), ms);
  return id;
}

/// Ends the current notice (running its `expire`), if it is still `id`.
export function finish(id = notice.value?.id) {
  if (!notice.value || notice.value.id !== id) return;
  clearTimeout(timer);
  timer = null;
  const run = onExpire;
  onExpire = null;
  notice.value = null;
  run?.();
}

/// Undo: the notice's undo, without its expire.
export function undoNotice() {
  const n = notice.value;
  if (!n?.undo) return false;
  clearTimeout(timer);
  onExpire = null;
  notice.value = null;
  n.undo();
  return true;
}

export const dismissNotice = () => finish();
