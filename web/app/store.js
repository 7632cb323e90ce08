// The page's state (signals) and what changes it: sign-in, the list of the current view
// (folder, search, filters: app/filters.js), folder counts, the badge, the open thread,
// replies, and the live events that keep all of it current without reloading. Actions on
// conversations are in app/acting.js, the composer's sending in app/composer.js.
import { ApiError, createApi } from './api.js';
import { createDrafts } from './drafts.js';
import { emptyView, isFiltered, listParams, parseHash, toHash } from './filters.js';
import { FOLDERS, compareRows, messageOrder, rowInFolder, rowTitle } from './format.js';
import { batch, computed, signal } from './lib.js';
import { allows, whyNot } from './rights.js';
import { openEventStream } from './stream.js';
import { appendRows, insertSorted } from './windowing.js';

const TOKEN_KEY = 'msgcenter.token';
const PAGE = 200;          // rows per list page (the windowed list asks for the next near its end)
const COUNTS_EVERY_MS = 1500;
const PRESENCE_EVERY_MS = 10000;  // refreshes well within the server's 30 s ttl
const REPLYING_EVERY_MS = 5000;

export const token = signal(sessionStorage.getItem(TOKEN_KEY) || '');
export const signInError = signal('');
export const view = signal(parseHash(typeof location === 'undefined' ? '' : location.hash));
export const folder = computed(() => view.value.folder);
export const filtered = computed(() => isFiltered(view.value));
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
export const checked = signal(new Set());  // conversation ids selected for a bulk action
export const hiding = signal(new Set());   // ids removed from the list, the request not sent yet (undo)
export const panel = signal(false);       // the contact panel is open
export const knownStaff = signal(new Set()); // staff ids seen (assignees, authors, owners), for the assign box
export const me = signal(null);            // GET /v1/me: {staff, name, rights, settings, business}
export const staffNames = signal(new Map()); // GET /v1/staff: id -> name
export const presence = signal(new Map()); // conversation -> Map(staff -> {name, state, until})
export const alerts = signal([]);          // this staff member's unacknowledged alerts, newest first
export const may = (right) => !me.value || me.value.rights.includes(right);
/// Whether the signed-in staff member may do `what` (an action or a feature of app/rights.js),
/// and why not: everything is offered until GET /v1/me answers (the server decides then).
export const allowed = (what) => allows(me.value?.rights ?? null, what);
export const refusal = (what) => whyNot(me.value?.rights ?? null, what);

export const title = computed(() => {
  const n = badge.value.unread_conversations;
  const label = FOLDERS.find((f) => f.id === folder.value)?.label ?? 'Inbox';
  return `${n > 0 ? `(${n}) ` : ''}${label} · msgcenter`;
});

/// Reply drafts of this tab (app/drafts.js), by business and staff member once GET /v1/me answered.
const drafts = createDrafts(typeof sessionStorage === 'undefined' ? null : sessionStorage);
const draftOwner = () => (me.value ? { business: me.value.business?.business ?? '', staff: me.value.staff } : null);

export const busy = signal(null);          // {until}: the server answered 429, the page waits
let busyTimer = null;

export const api = createApi({
  token: () => token.value,
  onUnauthorized: () => signOut('Your session ended: sign in again.'),
  onBusy: (b) => {
    busy.value = b;
    // A refused write is not sent again: nothing may come through to say the wait is over.
    clearTimeout(busyTimer);
    busyTimer = b ? setTimeout(() => busy.value?.until === b.until && (busy.value = null), b.until - Date.now() + 2000) : null;
  },
});
let stream = null;
let reloading = null;      // the full reload in flight, if any
let queued = [];           // events that arrived during it, applied after
let countsTimer = null;
let lastCounts = 0;
let listSeq = 0;           // drops answers of superseded list requests
let listTimer = null;      // a reload of the list's first page, when a filtered view cannot place a row
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
  // Nothing scheduled before signing out may ask the server afterwards.
  clearTimeout(countsTimer);
  countsTimer = null;
  clearTimeout(listTimer);
  listTimer = null;
  sessionStorage.removeItem(TOKEN_KEY);
  drafts.clearAll();
  batch(() => {
    token.value = '';
    signInError.value = reason;
    rows.value = [];
    counts.value = {};
    me.value = null;
    presence.value = new Map();
    alerts.value = [];
    checked.value = new Set();
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
      await Promise.all([loadList(), loadBadge(), loadCounts(), loadFrame(), loadAlerts(), selected.value ? loadThread(selected.value, false) : null]);
    } finally {
      reloading = null;
      const later = queued;
      queued = [];
      later.forEach(applyEvent);
    }
  })();
  return reloading;
}

/// Who the caller is and the business's modes (GET /v1/me), and the staff names for the
/// assign dialog (GET /v1/staff, when the caller may view messages).
async function loadFrame() {
  try {
    me.value = await api.me();
    if (me.value.rights.includes('view_messages')) {
      const list = await api.staff();
      staffNames.value = new Map(list.staff.map((x) => [x.staff, x.name]));
      noteStaff(list.staff.map((x) => x.staff));
    }
  } catch {
    // the page works without: actions are offered and refused with the reason
  }
}

/// The staff member's alerts (GET /v1/alerts): the spec sends them to a conversation's
/// owners (or whoever can see it), never to a staff member who muted it.
async function loadAlerts() {
  try {
    const r = await api.alerts({ limit: 50 });
    alerts.value = r.alerts.filter((a) => !a.acked);
  } catch {
    // the next alert event brings them
  }
}

/// Acknowledges alerts (all of a conversation's, or one): gone at once, sent to the server.
export function ackAlerts(match) {
  const gone = alerts.value.filter(match);
  if (!gone.length) return;
  alerts.value = alerts.value.filter((a) => !match(a));
  for (const a of gone) api.ackAlert(a.alert).catch(() => {});
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
  const v = view.value;
  listState.value = 'loading';
  try {
    const page = await api.list({ ...listParams(v), limit: PAGE, cursor: more ? cursor.value : undefined });
    if (seq !== listSeq) return;
    noteStaff(page.rows.map((r) => r.assignee));
    batch(() => {
      const got = page.rows.filter((r) => !hiding.value.has(r.conversation));
      rows.value = more ? appendRows(rows.value, got) : got;
      cursor.value = page.cursor;
      listState.value = 'idle';
    });
  } catch (e) {
    if (seq === listSeq) listState.value = 'error';
    if (!(e instanceof ApiError)) throw e;
  }
}


/// The list's order: pinned first only in the unfiltered inbox (spec).
const order = () => compareRows(folder.value, filtered.value);

/// Remembers staff ids the page has seen (there is no staff list in the API yet).
export function noteStaff(ids) {
  const have = knownStaff.value;
  const fresh = ids.filter((x) => x && !have.has(x));
  if (fresh.length) knownStaff.value = new Set([...have, ...fresh]);
}

/// Exact counts of every folder tab with the view's search and filters (GET /v1/counts).
export async function loadCounts() {
  if (!token.value) return;  // signed out meanwhile
  lastCounts = Date.now();
  const { folder: _f, ...params } = listParams(view.value);
  try {
    const c = await api.counts(params);
    counts.value = Object.fromEntries(FOLDERS.map((f) => [f.id, { n: c[f.id], more: false }]));
  } catch {
    // the tabs keep what they had
  }
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
  if (folder.value !== f) setView({ ...view.value, folder: f });
}

/// Shows another view: the hash follows (a new history entry), the list and the counts
/// reload from the first page.
export function setView(v, { fromHash = false } = {}) {
  const before = view.value;
  const countsChange = ['q', 'types', 'from', 'to', 'client_type', 'group', 'location', 'contact_kind', 'assignee', 'last_direction']
    .some((k) => String(before[k]) !== String(v[k]));
  batch(() => {
    view.value = v;
    rows.value = [];
    cursor.value = null;
    checked.value = new Set();
  });
  if (!fromHash && typeof location !== 'undefined') {
    const h = toHash(v);
    if (h !== location.hash && !(h === '' && location.hash === '')) history.pushState(null, '', h || location.pathname + location.search);
  }
  if (!token.value) return;
  loadList();
  if (countsChange) loadCounts();
}

export function clearFilters() {
  setView({ ...emptyView(), folder: folder.value });
}

if (typeof window !== 'undefined')
  window.addEventListener('popstate', () => setView(parseHash(location.hash), { fromHash: true }));

/// Reloads the list's first page soon (a filtered view cannot tell where an event's row
/// goes: the server knows the filters' data, the page does not).
function scheduleList() {
  if (listTimer) return;
  listTimer = setTimeout(() => {
    listTimer = null;
    if (!cursor.value || rows.value.length <= PAGE) loadList();
  }, 300);
}

// ---- the thread ---------------------------------------------------------------------------

/// Opens a conversation: its messages are read with mark_read (the spec: opening reads it),
/// or, to peek, with mark_read=false: it stays unread for everyone until "Mark read".
export function openConversation(id, { peek = false } = {}) {
  if (selected.value !== id) {
    if (selected.value) sayPresence(selected.value, 'idle');
    selected.value = id;
    sayPresence(id, 'viewing');
    draft = { conversation: id, base: undefined, ref: null };
    thread.value = { row: rows.value.find((r) => r.conversation === id) ?? null, contact: null, messages: [], loading: true, error: '', peek };
    sendState.value = { sending: false, error: '' };
  } else if (thread.value) thread.value = { ...thread.value, peek: peek && thread.value.peek !== false };
  return loadThread(id, !peek);
}

export function closeConversation() {
  if (selected.value) sayPresence(selected.value, 'idle');
  selected.value = null;
  thread.value = null;
  panel.value = false;
}


export async function loadThread(id, markRead) {
  const seq = ++threadSeq;
  try {
    // Messages first: reading them may mark the conversation read, and the detail asked
    // after it then says so.
    const page = await api.messages(id, { limit: 100, mark_read: markRead ? 'true' : 'false' });
    const detail = await api.conversation(id);
    if (seq !== threadSeq || selected.value !== id) return;
    noteStaff([detail.conversation.assignee, detail.contact?.sales_owner, detail.contact?.service_owner, ...page.messages.map((m) => m.author)]);
    thread.value = {
      row: detail.conversation,
      contact: detail.contact,
      messages: page.messages.filter(visible).sort(messageOrder),
      nextBefore: page.next_before,
      loading: false,
      error: '',
      peek: markRead ? false : thread.value?.peek ?? true,
      consent: detail.contact ? detail.contact.consent : thread.value?.consent ?? null,
    };
    if (!detail.contact) refreshConsent(id);
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

/// The reply being written: the last message the sender saw when it began (the send
/// guard's `expect_last_message`) and its client reference, kept until the send is answered
/// so that a retry after a lost answer is the same send (`client_ref`).
let draft = { conversation: null, base: undefined, ref: null };

const lastMessageId = () => {
  const list = thread.value?.messages ?? [];
  return list.length ? list[list.length - 1].message : null;
};

/// The composer's text changed: the first keystroke fixes what the draft is based on, and
/// colleagues see "replying" (throttled). The text is kept for this tab (app/drafts.js).
export function noteDraft(text) {
  const id = selected.value;
  if (!id) return;
  if (draft.conversation !== id) draft = { conversation: id, base: undefined, ref: null };
  if (!text) {
    draft.base = undefined;
    drafts.clear(draftOwner(), id);
    return;
  }
  if (draft.base === undefined) draft.base = lastMessageId();
  drafts.save(draftOwner(), id, text, draft.base);
  sayPresence(id, 'replying');
}

/// The kept draft of the open conversation ('' if none). A restored draft keeps what it
/// was based on: messages that came while it waited still hold it (the send guard).
export function savedDraft(id = selected.value) {
  const d = drafts.load(draftOwner(), id);
  if (!d) return '';
  if (draft.conversation !== id || draft.base === undefined) draft = { conversation: id, base: d.base, ref: draft.conversation === id ? draft.ref : null };
  return d.text;
}

const newRef = () =>
  (globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`).slice(0, 64);

/// Sends a reply: a body, or a template by name (the server fills its variables), with
/// attachments ({url, content_type, size}) when there are any. Guarded: if a text arrived
/// or a colleague replied since the draft began, the server holds it (`conflict`) and the
/// page says so; a second Send, after reading, goes.
export async function sendReply({ body = '', template = '', media = [] } = {}) {
  const id = selected.value;
  const text = body.trim();
  if (!id || (!text && !template && !media.length) || sendState.value.sending) return false;
  sendState.value = { sending: true, error: '' };
  if (draft.conversation !== id) draft = { conversation: id, base: undefined, ref: null };
  if (draft.base === undefined) draft.base = lastMessageId();
  if (!draft.ref) draft.ref = newRef();
  try {
    const req = { conversation: id, ...(template ? { template } : { body: text }), client_ref: draft.ref };
    if (draft.base) req.expect_last_message = draft.base;
    if (media.length) req.media = media;
    const res = await api.send(req);
    draft = { conversation: id, base: undefined, ref: null };
    drafts.clear(draftOwner(), id);
    if (selected.value === id && thread.value)
      thread.value = { ...thread.value, messages: upsertMessage(thread.value.messages, res.message) };
    sendState.value = { sending: false, error: '' };
    sayPresence(id, 'viewing');
    return true;
  } catch (e) {
    // A lost answer (no status) keeps the reference: sending again is the same send.
    if (e.status !== 0) draft.ref = null;
    if (e.code === 'conflict') draft.base = lastMessageId();  // read it; the next Send goes
    sendState.value = { sending: false, error: sendErrorText(e), code: e.code };
    if ((e.code === 'opted_out' || e.code === 'consent_required') && selected.value === id) refreshConsent(id);
    return false;
  }
}

// ---- presence -----------------------------------------------------------------------------

let presenceSaid = { conversation: null, state: null, at: 0 };
let presenceTimer = null;

/// Tells colleagues what this staff member does in a conversation (POST /v1/presence), at
/// most every few seconds for the same state; refreshed while the thread stays open.
export function sayPresence(conversation, state) {
  if (!token.value || !conversation) return;
  const now = Date.now();
  const same = presenceSaid.conversation === conversation && presenceSaid.state === state;
  if (same && now - presenceSaid.at < (state === 'replying' ? REPLYING_EVERY_MS : PRESENCE_EVERY_MS)) return;
  presenceSaid = { conversation, state, at: now };
  api.presence(conversation, state).catch(() => {});
  if (presenceTimer) clearInterval(presenceTimer);
  presenceTimer = state === 'idle' ? null : setInterval(() => {
    if (selected.value === conversation) {
      presenceSaid.at = 0;
      sayPresence(conversation, 'viewing');
    }
  }, PRESENCE_EVERY_MS);
}

function applyPresence(p) {
  const next = new Map(presence.value);
  const inConv = new Map(next.get(p.conversation) ?? []);
  if (p.state === 'idle') inConv.delete(p.staff);
  else inConv.set(p.staff, { name: p.name || p.staff, state: p.state, until: Date.now() + (p.ttl_ms || 30000) });
  if (inConv.size) next.set(p.conversation, inConv);
  else next.delete(p.conversation);
  presence.value = next;
}

/// Who else is in a conversation now: [{staff, name, state}], expired ones left out.
export function presenceIn(conversation) {
  const now = Date.now();
  return [...(presence.value.get(conversation) ?? new Map()).entries()]
    .filter(([, v]) => v.until > now)
    .map(([staff, v]) => ({ staff, ...v }));
}

if (typeof window !== 'undefined')
  setInterval(() => {
    // Expire states nobody refreshed (a closed tab says nothing).
    const now = Date.now();
    let changed = false;
    const next = new Map();
    for (const [c, m] of presence.value) {
      const kept = new Map([...m].filter(([, v]) => v.until > now));
      if (kept.size !== m.size) changed = true;
      if (kept.size) next.set(c, kept);
    }
    if (changed) presence.value = next;
  }, 2000);

/// The consent state of the open conversation's phone on its number (spec "Consent"): in
/// the contact overview, or asked for an unlinked phone.
export async function refreshConsent(id = selected.value) {
  const t = thread.value;
  if (!t || !t.row || selected.value !== id) return;
  try {
    const c = await api.consent(t.row.phone, t.row.number);
    if (selected.value === id && thread.value) thread.value = { ...thread.value, consent: c.state };
  } catch {
    // the banner keeps what it had
  }
}

const KEYWORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'START', 'YES', 'UNSTOP']);

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
    case 'conflict':
      return 'Held: a new message arrived or a colleague replied since you began. Read it, then press Send again.';
    case 'unavailable':
      return 'Not sent yet: the server did not answer. Send again: it will not be sent twice.';
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
    case 'presence':
      if (ev.presence) applyPresence(ev.presence);
      break;
    case 'alert':
      if (ev.alert && !ev.alert.acked && !alerts.value.some((a) => a.alert === ev.alert.alert))
        alerts.value = [ev.alert, ...alerts.value];
      break;
    default:
      break;
  }
}

/// A row as the server (or an optimistic action, or its rollback) says it is now: it
/// moves, appears in or leaves the list.
export function applyRow(row) {
  if (thread.value && selected.value === row.conversation) thread.value = { ...thread.value, row };
  if (hiding.value.has(row.conversation)) return;
  const v = view.value;
  const others = rows.value.filter((r) => r.conversation !== row.conversation);
  const had = others.length !== rows.value.length;
  const searching = Boolean(v.q.trim());
  let next = others;
  if (filtered.value || searching) {
    // The page cannot tell whether the row matches the filters or the search: a row
    // already listed stays (unless its folder or pin now excludes it), another one comes
    // with a reload of the first page.
    if (had && rowInFolder(row, v.folder, { filtered: filtered.value, searching })) next = insertSorted(others, row, order());
    else if (!had) scheduleList();
  } else if (rowInFolder(row, v.folder)) {
    // Below the last loaded row of a longer list, the row comes with the next page.
    const last = others[others.length - 1];
    const beyond = cursor.value !== null && last && order()(row, last) > 0;
    if (!beyond) next = insertSorted(others, row, order());
  }
  rows.value = next;
  noteStaff([row.assignee]);
}

export function removeRow(id) {
  rows.value = rows.value.filter((r) => r.conversation !== id);
  if (checked.value.has(id)) {
    const c = new Set(checked.value);
    c.delete(id);
    checked.value = c;
  }
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
  if (thread.value && selected.value === m.conversation) {
    thread.value = { ...thread.value, messages: upsertMessage(thread.value.messages, m) };
    if (m.direction === 'in' && KEYWORDS.has(m.body.trim().toUpperCase())) refreshConsent(m.conversation);
  }
  if (m.author) noteStaff([m.author]);
}
