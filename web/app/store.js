// The page's state (signals) and what changes it: sign-in, the list of the current folder,
// folder counts, the badge, the open thread, replies, and the live events that keep all of
// it current without reloading.
import { ApiError, createApi } from './api.js';
import { FOLDERS, compareRows, messageOrder, rowInFolder, rowTitle } from './format.js';
import { batch, computed, signal } from './lib.js';
import { openEventStream } from './stream.js';

const TOKEN_KEY = 'msgcenter.token';
const PAGE = 100;          // rows per list page
const COUNT_LIMIT = 500;   // rows counted per folder tab (the API's page maximum); more shows "500+"
const COUNTS_EVERY_MS = 1500;

export const token = signal(sessionStorage.getItem(TOKEN_KEY) || '');
export const signInError = signal('');
export const folder = signal('inbox');
export const rows = signal([]);
export const cursor = signal(null);
export const listState = signal('idle');  // idle | loading | error
export const counts = signal({});          // folder -> {n, more}
export const badge = signal({ unread_conversations: 0, unread_messages: 0 });
export const live = signal({ state: 'stopped' });
export const selected = signal(null);      // conversation id
export const thread = signal(null);        // {row, contact, messages, loading, error, nextBefore}
export const sendState = signal({ sending: false, error: '' });
export const announcement = signal('');    // the polite live region's text

export const title = computed(() => {
  const n = badge.value.unread_conversations;
  const label = FOLDERS.find((f) => f.id === folder.value)?.label ?? 'Inbox';
  return `${n > 0 ? `(${n}) ` : ''}${label} · msgcenter`;
});

const api = createApi({ token: () => token.value, onUnauthorized: () => signOut('Your session ended: sign in again.') });
let stream = null;
let reloading = null;      // the full reload in flight, if any
let queued = [];           // events that arrived during it, applied after
let countsTimer = null;
let lastCounts = 0;
let listSeq = 0;           // drops answers of superseded list requests
let threadSeq = 0;

// ---- sign-in ----------------------------------------------------------------------------

export async function signIn(value) {
  const t = value.trim();
  signInError.value = '';
  if (!t) {
    signInError.value = 'Enter your staff token.';
    return false;
  }
  const res = await fetch('/v1/badge', { headers: { Authorization: `Bearer ${t}` }, cache: 'no-store' }).catch(() => null);
  if (!res || !res.ok) {
    signInError.value =
      res && (res.status === 401 || res.status === 403)
        ? 'This token is not valid (or was revoked).'
        : 'The server cannot be reached; try again.';
    return false;
  }
  sessionStorage.setItem(TOKEN_KEY, t);
  token.value = t;
  start();
  return true;
}

export function signOut(reason = '') {
  stream?.stop();
  stream = null;
  sessionStorage.removeItem(TOKEN_KEY);
  batch(() => {
    token.value = '';
    signInError.value = reason;
    rows.value = [];
    counts.value = {};
    selected.value = null;
    thread.value = null;
    badge.value = { unread_conversations: 0, unread_messages: 0 };
  });
}

/// Starts the live stream; its first `subscribed` comment triggers the first full load.
export function start() {
  if (!token.value || stream) return;
  listState.value = 'loading';
  stream = openEventStream({
    token: () => token.value,
    onEvent: (ev) => (reloading ? queued.push(ev) : applyEvent(ev)),
    onReset: () => reloadAll(),
    onStatus: (s) => (live.value = s),
    onUnauthorized: () => signOut('Your session ended: sign in again.'),
  });
}

export function nudgeStream() {
  stream?.nudge();
}

// ---- loading ------------------------------------------------------------------------------

/// Everything again: the list, the counts, the badge and the open thread (first load, and
/// after events were lost).
export function reloadAll() {
  if (reloading) return reloading;
  reloading = (async () => {
    try {
      await Promise.all([loadList(), loadBadge(), loadCounts(), selected.value ? loadThread(selected.value, false) : null]);
    } finally {
      reloading = null;
      const later = queued;
      queued = [];
      later.forEach(applyEvent);
    }
  })();
  return reloading;
}

async function loadBadge() {
  try {
    const b = await api.badge();
    badge.value = { unread_conversations: b.unread_conversations, unread_messages: b.unread_messages };
  } catch {
    // the next badge event or reload brings it
  }
}

export async function loadList({ more = false } = {}) {
  const seq = ++listSeq;
  const f = folder.value;
  listState.value = 'loading';
  try {
    const page = await api.list({ folder: f, limit: PAGE, cursor: more ? cursor.value : undefined });
    if (seq !== listSeq) return;
    batch(() => {
      rows.value = more ? mergeRows(rows.value, page.rows, f) : page.rows;
      cursor.value = page.cursor;
      listState.value = 'idle';
    });
  } catch (e) {
    if (seq === listSeq) listState.value = 'error';
    if (!(e instanceof ApiError)) throw e;
  }
}

function mergeRows(have, extra, f) {
  const byId = new Map(have.map((r) => [r.conversation, r]));
  for (const r of extra) byId.set(r.conversation, r);
  return [...byId.values()].sort(compareRows(f));
}

export async function loadCounts() {
  lastCounts = Date.now();
  const results = await Promise.all(
    FOLDERS.map((f) =>
      api
        .list({ folder: f.id, limit: COUNT_LIMIT })
        .then((page) => [f.id, { n: page.rows.length, more: page.cursor !== null }])
        .catch(() => [f.id, counts.value[f.id]]),
    ),
  );
  counts.value = Object.fromEntries(results.filter(([, v]) => v));
}

/// Counts again soon (at most every COUNTS_EVERY_MS, the last change always counted).
function scheduleCounts() {
  if (countsTimer) return;
  const wait = Math.max(0, lastCounts + COUNTS_EVERY_MS - Date.now());
  countsTimer = setTimeout(() => {
    countsTimer = null;
    loadCounts();
  }, wait);
}

export function chooseFolder(f) {
  if (folder.value === f) return;
  batch(() => {
    folder.value = f;
    rows.value = [];
    cursor.value = null;
  });
  loadList();
}

// ---- the thread ---------------------------------------------------------------------------

/// Opens a conversation: its messages are read with mark_read (the spec: opening reads it).
export function openConversation(id) {
  if (selected.value !== id) {
    selected.value = id;
    thread.value = { row: rows.value.find((r) => r.conversation === id) ?? null, contact: null, messages: [], loading: true, error: '' };
    sendState.value = { sending: false, error: '' };
  }
  return loadThread(id, true);
}

export function closeConversation() {
  selected.value = null;
  thread.value = null;
}

async function loadThread(id, markRead) {
  const seq = ++threadSeq;
  try {
    const [detail, page] = await Promise.all([
      api.conversation(id),
      api.messages(id, { limit: 100, mark_read: markRead ? 'true' : 'false' }),
    ]);
    if (seq !== threadSeq || selected.value !== id) return;
    thread.value = {
      row: detail.conversation,
      contact: detail.contact,
      messages: page.messages.filter(visible).sort(messageOrder),
      nextBefore: page.next_before,
      loading: false,
      error: '',
    };
  } catch (e) {
    if (seq !== threadSeq || selected.value !== id) return;
    thread.value = { ...thread.value, loading: false, error: e.message || 'The conversation cannot be loaded.' };
  }
}

const visible = (m) => m.kind !== 'system';

function upsertMessage(list, m) {
  const i = list.findIndex((x) => x.message === m.message);
  if (i >= 0) {
    const copy = list.slice();
    copy[i] = m;
    return copy;
  }
  return [...list, m].sort(messageOrder);
}

export async function sendReply(body) {
  const id = selected.value;
  const text = body.trim();
  if (!id || !text || sendState.value.sending) return false;
  sendState.value = { sending: true, error: '' };
  try {
    const res = await api.send({ conversation: id, body: text });
    if (selected.value === id && thread.value)
      thread.value = { ...thread.value, messages: upsertMessage(thread.value.messages, res.message) };
    sendState.value = { sending: false, error: '' };
    return true;
  } catch (e) {
    sendState.value = { sending: false, error: sendErrorText(e) };
    return false;
  }
}

function sendErrorText(e) {
  switch (e.code) {
    case 'opted_out':
      return 'Not sent: this client opted out of texts (STOP).';
    case 'consent_required':
      return 'Not sent: this client has not agreed to receive texts yet.';
    case 'body_too_long':
      return 'Not sent: the message is longer than 1,600 characters.';
    case 'permission_denied':
      return 'Not sent: you may not send texts.';
    case 'overloaded':
      return 'Not sent: the server is busy; try again in a moment.';
    default:
      return `Not sent: ${e.message}`;
  }
}

// ---- live events --------------------------------------------------------------------------

export function applyEvent(ev) {
  switch (ev.kind) {
    case 'conversation':
      if (ev.conversation) applyRow(ev.conversation);
      else if (ev.removed) removeRow(ev.removed);
      scheduleCounts();
      break;
    case 'message':
      if (ev.message) applyMessage(ev.message);
      break;
    case 'badge':
      if (ev.badge) badge.value = ev.badge;
      break;
    default:
      break;
  }
}

function applyRow(row) {
  const f = folder.value;
  const others = rows.value.filter((r) => r.conversation !== row.conversation);
  let next = others;
  if (rowInFolder(row, f)) {
    // Below the last loaded row of a longer list, the row comes with the next page.
    const last = others[others.length - 1];
    const beyond = cursor.value !== null && last && compareRows(f)(row, last) > 0;
    if (!beyond) next = [...others, row].sort(compareRows(f));
  }
  rows.value = next;
  if (thread.value && selected.value === row.conversation) thread.value = { ...thread.value, row };
}

function removeRow(id) {
  rows.value = rows.value.filter((r) => r.conversation !== id);
}

function applyMessage(m) {
  if (!visible(m)) return;
  if (m.direction === 'in' && m.status === 'received') {
    // The conversation's row event comes right after its message event: name the sender
    // once it is in.
    setTimeout(() => {
      const row = rows.value.find((r) => r.conversation === m.conversation);
      announcement.value = `New text from ${row ? rowTitle(row) : 'a client'}: ${m.body.slice(0, 80)}`;
    }, 50);
  }
  if (thread.value && selected.value === m.conversation)
    thread.value = { ...thread.value, messages: upsertMessage(thread.value.messages, m) };
}
