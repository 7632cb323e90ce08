// The page's frame: sign-in, the top bar (badge, connection, shortcuts, sign out), the
// list pane (app/list.js), the thread pane (app/thread.js), the action notice with Undo
// and the shortcut sheet (app/keys.js).
import { HelpDialog, helpOpen, onGlobalKey } from './keys.js';
import { html, useEffect, useRef, useState } from './lib.js';
import { ListPane, StaffList } from './list.js';
import { rowTitle, shortTime } from './format.js';
import * as s from './store.js';
import { ThreadPane } from './thread.js';
import { dismissNotice, notice, undoNotice } from './toasts.js';

export function App() {
  return s.token.value ? html`<${Inbox} />` : html`<${SignIn} />`;
}

function SignIn() {
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef(null);
  useEffect(() => input.current?.focus(), []);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    const ok = await s.signIn(value);
    setBusy(false);
    if (!ok) input.current?.focus();
  };
  const error = s.signInError.value;
  return html`
    <main class="signin">
      <form class="signin-card" onSubmit=${submit} aria-labelledby="signin-title">
        <h1 id="signin-title">msgcenter inbox</h1>
        <p class="muted">Sign in with the staff token your administrator gave you.</p>
        <label for="token">Staff token</label>
        <input id="token" ref=${input} type="password" autocomplete="off" spellcheck="false"
          value=${value} onInput=${(e) => setValue(e.currentTarget.value)}
          aria-invalid=${error ? 'true' : undefined} aria-describedby=${error ? 'signin-error' : undefined} />
        ${error && html`<p id="signin-error" class="error" role="alert">${error}</p>`}
        <button type="submit" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>`;
}

function Inbox() {
  useEffect(() => {
    document.addEventListener('keydown', onGlobalKey);
    return () => document.removeEventListener('keydown', onGlobalKey);
  }, []);
  const classes = `panes${s.selected.value ? ' has-thread' : ''}${s.panel.value ? ' has-panel' : ''}`;
  return html`
    <div class="app">
      <header class="topbar">
        <h1>msgcenter</h1>
        <${Badge} />
        <${Alerts} />
        <${LiveStatus} />
        <${Busy} />
        <button class="quiet" type="button" onClick=${() => (helpOpen.value = true)} aria-keyshortcuts="?">Shortcuts</button>
        <button class="quiet" type="button" onClick=${() => s.signOut()}>Sign out</button>
      </header>
      <main class=${classes}>
        <${ListPane} />
        <${ThreadPane} />
      </main>
      <${StaffList} />
      <${Notice} />
      ${helpOpen.value && html`<${HelpDialog} />`}
      <div class="sr-only" aria-live="polite" aria-atomic="true">${s.announcement.value}</div>
    </div>`;
}

function Badge() {
  const b = s.badge.value;
  const text = `${b.unread_conversations} unread conversation${b.unread_conversations === 1 ? '' : 's'}, ${b.unread_messages} unread message${b.unread_messages === 1 ? '' : 's'}`;
  return html`<span class=${`badge${b.unread_conversations ? '' : ' zero'}`} role="status" aria-label=${text} title=${text}
    data-testid="badge">${b.unread_conversations}</span>`;
}

/// The alerts meant for this staff member (a new text in a conversation they own, an
/// assignment): a button with their number opens the list; choosing one opens its
/// conversation and acknowledges its alerts.
function Alerts() {
  const [open, setOpen] = useState(false);
  const list = s.alerts.value;
  const n = list.length;
  const rowName = (id) => {
    const r = s.rows.value.find((x) => x.conversation === id);
    return r ? rowTitle(r) : id;
  };
  const choose = (a) => {
    setOpen(false);
    s.ackAlerts((x) => x.conversation === a.conversation);
    s.openConversation(a.conversation);
  };
  return html`
    <div class="alerts-wrap">
      <button type="button" class=${`quiet alerts${n ? ' has-alerts' : ''}`} data-testid="alerts" aria-expanded=${open ? 'true' : 'false'}
        aria-controls="alert-list" onClick=${() => setOpen(!open)}>Alerts <span class="count">${n}</span></button>
      ${open && html`<div id="alert-list" class="alert-list" role="region" aria-label="Alerts"
        onKeyDown=${(e) => e.key === 'Escape' && (e.stopPropagation(), setOpen(false))}>
        ${n ? html`<ul>${list.map((a) => html`<li>
          <button type="button" class="quiet" onClick=${() => choose(a)}>${ALERT_TEXT[a.kind] ?? a.kind}: ${rowName(a.conversation)}
            <span class="muted"> · ${shortTime(a.at)}</span></button></li>`)}</ul>
          <button type="button" class="link" onClick=${() => (s.ackAlerts(() => true), setOpen(false))}>Acknowledge all</button>`
          : html`<p class="muted">No alerts.</p>`}
      </div>`}
    </div>`;
}

const ALERT_TEXT = { message: 'New text', assigned: 'Assigned to you' };

function LiveStatus() {
  const l = s.live.value;
  const text =
    l.state === 'live' ? 'Live'
      : l.state === 'connecting' ? 'Connecting…'
      : l.state === 'waiting' ? `Offline, retrying in ${Math.max(1, Math.round(l.retryInMs / 1000))} s`
      : '';
  return html`<span class=${`live live-${l.state}`} role="status" data-testid="live">${text}</span>`;
}

/// The server asked the page to wait (429): said calmly, once, with how long.
function Busy() {
  const b = s.busy.value;
  const secs = b ? Math.max(1, Math.ceil((b.until - Date.now()) / 1000)) : 0;
  return html`<span class="busy" role="status" data-testid="busy">${b ? `The server is busy: waiting ${secs} s before asking again.` : ''}</span>`;
}

/// The last action's notice: a status with Undo (z), or a refusal as an alert.
function Notice() {
  const n = notice.value;
  const body = n && html`<div class=${`notice${n.error ? ' notice-error' : ''}`}>
    <span>${n.text}</span>
    ${n.undo && html`<button type="button" class="link" onClick=${undoNotice} aria-keyshortcuts="z">Undo</button>`}
    <button type="button" class="quiet close" onClick=${dismissNotice} aria-label="Dismiss">×</button>
  </div>`;
  return html`
    <div class="notice-area">
      <div role="status" data-testid="notice">${n && !n.error && body}</div>
      <div role="alert" data-testid="notice-error">${n && n.error && body}</div>
    </div>`;
}
