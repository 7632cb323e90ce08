// The page's components: sign-in, the folder tabs and conversation list, the thread with
// its reply box. Keyboard: Tab moves between the regions; in the tabs, Left/Right/Home/End
// change folder; in the list, Up/Down (or j/k) and Home/End move between conversations and
// Enter opens one; in the thread, Escape goes back to the list and Ctrl+Enter sends.
import {
  FOLDERS,
  STATUS_TEXT,
  displayPhone,
  fullTime,
  rowTitle,
  shortTime,
} from './format.js';
import { html, useEffect, useRef, useState } from './lib.js';
import * as s from './store.js';

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
  return html`
    <div class="app">
      <header class="topbar">
        <h1>msgcenter</h1>
        <${Badge} />
        <${LiveStatus} />
        <button class="quiet" type="button" onClick=${() => s.signOut()}>Sign out</button>
      </header>
      <div class=${`panes${s.selected.value ? ' has-thread' : ''}`}>
        <section class="list-pane" aria-label="Conversations">
          <${FolderTabs} />
          <div role="tabpanel" id="folder-panel" aria-labelledby=${`tab-${s.folder.value}`}>
            <${ConversationList} />
          </div>
        </section>
        <${ThreadPane} />
      </div>
      <div class="sr-only" aria-live="polite" aria-atomic="true">${s.announcement.value}</div>
    </div>`;
}

function Badge() {
  const b = s.badge.value;
  const text = `${b.unread_conversations} unread conversation${b.unread_conversations === 1 ? '' : 's'}, ${b.unread_messages} unread message${b.unread_messages === 1 ? '' : 's'}`;
  return html`<span class=${`badge${b.unread_conversations ? '' : ' zero'}`} role="status" aria-label=${text} title=${text}
    data-testid="badge">${b.unread_conversations}</span>`;
}

function LiveStatus() {
  const l = s.live.value;
  const text =
    l.state === 'live' ? 'Live'
      : l.state === 'connecting' ? 'Connecting…'
      : l.state === 'waiting' ? `Offline, retrying in ${Math.max(1, Math.round(l.retryInMs / 1000))} s`
      : '';
  return html`<span class=${`live live-${l.state}`} role="status" data-testid="live">${text}</span>`;
}

function FolderTabs() {
  const current = s.folder.value;
  const counts = s.counts.value;
  const onKeyDown = (e) => {
    const i = FOLDERS.findIndex((f) => f.id === current);
    const to =
      e.key === 'ArrowRight' ? (i + 1) % FOLDERS.length
        : e.key === 'ArrowLeft' ? (i - 1 + FOLDERS.length) % FOLDERS.length
        : e.key === 'Home' ? 0
        : e.key === 'End' ? FOLDERS.length - 1
        : -1;
    if (to < 0) return;
    e.preventDefault();
    s.chooseFolder(FOLDERS[to].id);
    document.getElementById(`tab-${FOLDERS[to].id}`)?.focus();
  };
  return html`
    <div class="tabs" role="tablist" aria-label="Folders" onKeyDown=${onKeyDown}>
      ${FOLDERS.map((f) => {
        const c = counts[f.id];
        const n = c ? `${c.n}${c.more ? '+' : ''}` : '';
        return html`<button type="button" role="tab" id=${`tab-${f.id}`} aria-selected=${f.id === current ? 'true' : 'false'}
          aria-controls="folder-panel" tabindex=${f.id === current ? 0 : -1} onClick=${() => s.chooseFolder(f.id)}
          aria-label=${n ? `${f.label}, ${n}` : f.label}>
          ${f.label}${n && html` <span class="count" aria-hidden="true">${n}</span>`}
        </button>`;
      })}
    </div>`;
}

function ConversationList() {
  const list = s.rows.value;
  const state = s.listState.value;
  const label = FOLDERS.find((f) => f.id === s.folder.value)?.label;
  const onKeyDown = (e) => {
    const buttons = [...e.currentTarget.querySelectorAll('button.row')];
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    const to =
      e.key === 'ArrowDown' || e.key === 'j' ? Math.min(i + 1, buttons.length - 1)
        : e.key === 'ArrowUp' || e.key === 'k' ? Math.max(i - 1, 0)
        : e.key === 'Home' ? 0
        : e.key === 'End' ? buttons.length - 1
        : -1;
    if (to < 0) return;
    e.preventDefault();
    buttons[to].focus();
  };
  if (!list.length) {
    if (state === 'loading') return html`<p class="placeholder">Loading…</p>`;
    if (state === 'error')
      return html`<p class="placeholder error">The list cannot be loaded. <button type="button" onClick=${() => s.loadList()}>Retry</button></p>`;
    return html`<p class="placeholder">No conversations in ${label}.</p>`;
  }
  return html`
    <ul class="rows" aria-label=${`${label}: ${list.length} conversation${list.length === 1 ? '' : 's'}`} onKeyDown=${onKeyDown}>
      ${list.map((r) => html`<${Row} key=${r.conversation} row=${r} selected=${r.conversation === s.selected.value} />`)}
    </ul>
    ${s.cursor.value && html`<button type="button" class="more" onClick=${() => s.loadList({ more: true })}>Load more</button>`}`;
}

function Row({ row, selected }) {
  const unread = row.folder === 'unread';
  const who = rowTitle(row);
  const flags = [row.pinned && 'pinned', row.muted && 'muted', row.assignee && `assigned to ${row.assignee}`].filter(Boolean);
  const description = [
    unread ? `${row.unread_count} unread` : row.folder,
    ...flags,
  ].join(', ');
  return html`
    <li>
      <button type="button" class=${`row${unread ? ' unread' : ''}${selected ? ' selected' : ''}`}
        aria-current=${selected ? 'true' : undefined} data-conversation=${row.conversation}
        onClick=${() => s.openConversation(row.conversation)}>
        <span class="row-top">
          <span class="who">${who}</span>
          <time datetime=${new Date(row.last_activity).toISOString()} title=${fullTime(row.last_activity)}>${shortTime(row.last_activity)}</time>
        </span>
        <span class="row-bottom">
          <span class="preview">${row.last_direction === 'out' ? 'You: ' : ''}${row.preview}</span>
          ${unread && row.unread_count > 0 && html`<span class="unread-count" aria-hidden="true">${row.unread_count}</span>`}
        </span>
        <span class="sr-only">, ${description}</span>
        ${flags.length > 0 && html`<span class="flags" aria-hidden="true">${flags.map((f) => html`<span class="flag">${f}</span>`)}</span>`}
      </button>
    </li>`;
}

function ThreadPane() {
  const t = s.thread.value;
  if (!t) return html`<section class="thread empty" aria-label="Conversation"><p class="placeholder">Choose a conversation.</p></section>`;
  const row = t.row;
  const name = row ? rowTitle(row) : '';
  const back = () => {
    const id = s.selected.value;
    s.closeConversation();
    requestAnimationFrame(() => document.querySelector(`button.row[data-conversation="${id}"]`)?.focus());
  };
  const onKeyDown = (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      back();
    }
  };
  return html`
    <section class="thread" aria-labelledby="thread-title" onKeyDown=${onKeyDown}>
      <header class="thread-head">
        <button type="button" class="quiet back" onClick=${back} aria-label="Back to the list">←</button>
        <div>
          <h2 id="thread-title" tabindex="-1">${name}</h2>
          <p class="muted">${row && displayPhone(row.phone)}${t.contact ? ` · ${t.contact.kind}` : row && !row.contact ? ' · not a contact' : ''}${row && row.assignee ? ` · assigned to ${row.assignee}` : ''}</p>
        </div>
      </header>
      ${t.error && html`<p class="error" role="alert">${t.error}</p>`}
      <${Messages} messages=${t.messages} loading=${t.loading} name=${name} />
      <${ReplyBox} name=${name} />
    </section>`;
}

function Messages({ messages, loading, name }) {
  const list = useRef(null);
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length]);
  if (loading && !messages.length) return html`<p class="placeholder">Loading…</p>`;
  return html`
    <ol class="messages" ref=${list} role="log" aria-label=${`Messages with ${name}`} tabindex="0">
      ${messages.map((m) => html`<${Message} key=${m.message} m=${m} name=${name} />`)}
    </ol>`;
}

function Message({ m, name }) {
  const inbound = m.direction === 'in';
  const who = inbound ? name : m.author || (m.kind === 'manual' ? 'Staff' : `Automation (${m.kind})`);
  const failed = m.status === 'failed' || m.status === 'undelivered';
  return html`
    <li class=${`msg ${inbound ? 'in' : 'out'}${failed ? ' failed' : ''}`} data-message=${m.message}>
      <p class="msg-meta">
        <span class="sr-only">${inbound ? 'From' : 'Sent by'} </span><span class="author">${who}</span>
        <time datetime=${new Date(m.at).toISOString()}>${fullTime(m.at)}</time>
        ${!inbound && html`<span class=${`status status-${m.status}`} data-testid="status">${STATUS_TEXT[m.status] ?? m.status}${failed && m.error_code ? ` (${m.error_code})` : ''}</span>`}
      </p>
      <p class="msg-body">${m.body}</p>
      ${m.media && m.media.length > 0 && html`<p class="muted">${m.media.length} attachment${m.media.length === 1 ? '' : 's'}</p>`}
    </li>`;
}

function ReplyBox({ name }) {
  const [body, setBody] = useState('');
  const st = s.sendState.value;
  const id = s.selected.value;
  useEffect(() => setBody(''), [id]);
  const send = async (e) => {
    e?.preventDefault();
    if (await s.sendReply(body)) setBody('');
  };
  const onKeyDown = (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) send(e);
  };
  return html`
    <form class="reply" onSubmit=${send}>
      <label for="reply-body">Reply to ${name}</label>
      <textarea id="reply-body" rows="3" value=${body} maxlength="1600"
        onInput=${(e) => setBody(e.currentTarget.value)} onKeyDown=${onKeyDown}
        aria-describedby="reply-hint"></textarea>
      <div class="reply-bar">
        <span id="reply-hint" class="muted">${body.length} / 1600 · Ctrl+Enter sends</span>
        <button type="submit" disabled=${st.sending || !body.trim()}>${st.sending ? 'Sending…' : 'Send'}</button>
      </div>
      ${st.error && html`<p class="error" role="alert">${st.error}</p>`}
    </form>`;
}
