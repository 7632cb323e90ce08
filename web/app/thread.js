// The thread pane: its header (back, who, the action menu, the contact panel's button),
// the peek banner, the messages and the composer. Escape goes back to the list.
import { act } from './acting.js';
import { ACTIONS, menuFor } from './actions.js';
import { Composer } from './composer.js';
import { ContactPanel } from './contact.js';
import { STATUS_TEXT, displayPhone, fullTime, rowTitle } from './format.js';
import { html, useEffect, useRef, useState } from './lib.js';
import { focusConversation } from './list.js';
import * as s from './store.js';

/// Back to the list, focus on the row that was open.
export function backToList() {
  const id = s.selected.value;
  s.closeConversation();
  focusConversation(id);
}

export function ThreadPane() {
  const t = s.thread.value;
  if (!t) return html`<section class="thread empty" aria-label="Conversation"><p class="placeholder">Choose a conversation.</p></section>`;
  const row = t.row;
  const name = row ? rowTitle(row) : '';
  const perStaff = s.me.value?.settings?.read_status === 'per_staff';
  const onKeyDown = (e) => {
    if (e.key === 'Escape' && !e.defaultPrevented) {
      e.preventDefault();
      if (s.panel.value) s.panel.value = false;
      else backToList();
    }
  };
  return html`
    <section class=${`thread${s.panel.value ? ' with-panel' : ''}`} aria-labelledby="thread-title" onKeyDown=${onKeyDown}>
      <div class="thread-main">
        <header class="thread-head">
          <button type="button" class="quiet back" onClick=${backToList} aria-label="Back to the list">←</button>
          <div class="thread-who">
            <h2 id="thread-title" tabindex="-1">${name}</h2>
            <p class="muted">${row && displayPhone(row.phone)}${t.contact ? ` · ${t.contact.kind}` : row && !row.contact ? ' · not a contact' : ''}${row && row.assignee ? ` · assigned to ${row.assignee}` : ''}${row && row.muted ? ' · muted' : ''}${row && row.pinned ? ' · pinned' : ''}</p>
            <${ReadMode} />
          </div>
          ${row && html`<${ActionMenu} row=${row} />`}
          ${row && s.allowed('export') && html`<${ExportButton} row=${row} name=${name} />`}
          <button type="button" class="quiet" aria-expanded=${s.panel.value ? 'true' : 'false'} aria-controls="contact-panel"
            onClick=${() => (s.panel.value = !s.panel.value)}>Contact</button>
        </header>
        <${Presence} conversation=${row?.conversation ?? s.selected.value} />
        ${t.peek && row && html`<p class="peek" role="status">Peeking: not marked read${row.folder === 'unread' ? (perStaff ? ' (still unread for you)' : ' (still unread for the team)') : ''}.
          <button type="button" class="link" onClick=${() => act(row.conversation, 'mark_read')}>Mark read</button></p>`}
        ${t.error && html`<p class="error" role="alert">${t.error}</p>`}
        <${Messages} messages=${t.messages} loading=${t.loading} name=${name} />
        <${Composer} name=${name} />
      </div>
      ${s.panel.value && html`<${ContactPanel} />`}
    </section>`;
}

/// Whose read this is (the business's `read_status`, spec "Read status mode"): opening a
/// conversation reads it for the whole team, or for this staff member only. Said before
/// the click that reads it, so nobody reads a colleague's unread text away by surprise.
function ReadMode() {
  const mode = s.me.value?.settings?.read_status;
  if (!mode) return null;
  const text = mode === 'per_staff'
    ? 'Read status: your own. Opening it reads it for you, not for colleagues.'
    : 'Read status: shared. Opening it reads it for the whole team.';
  return html`<p class="muted read-mode" data-testid="read-mode" data-mode=${mode}>${text}</p>`;
}

/// The conversation's actions as a menu button (WAI-ARIA menu pattern): Enter/Space/Down
/// opens it on the first item, Up/Down/Home/End move, Escape closes, each item names its key.
export function ActionMenu({ row }) {
  const [open, setOpen] = useState(false);
  const [assigning, setAssigning] = useState(false);
  const menu = useRef(null);
  const button = useRef(null);
  useEffect(() => {
    const onOpen = (e) => (e.detail === 'assign' ? setAssigning(true) : setOpen(true));
    window.addEventListener('msgcenter:menu', onOpen);
    return () => window.removeEventListener('msgcenter:menu', onOpen);
  }, []);
  useEffect(() => {
    if (open) menu.current?.querySelector('[role=menuitem]')?.focus();
  }, [open]);
  const items = menuFor(row);
  const choose = (a) => {
    if (!s.allowed(a)) return;  // disabled: its reason is in the item
    setOpen(false);
    if (a === 'assign') setAssigning(true);
    else {
      button.current?.focus();
      act(row.conversation, a);
    }
  };
  const onKeyDown = (e) => {
    const all = [...menu.current.querySelectorAll('[role=menuitem]')];
    const i = all.indexOf(document.activeElement);
    const to = e.key === 'ArrowDown' ? (i + 1) % all.length : e.key === 'ArrowUp' ? (i - 1 + all.length) % all.length
      : e.key === 'Home' ? 0 : e.key === 'End' ? all.length - 1 : -1;
    if (to >= 0) {
      e.preventDefault();
      all[to].focus();
    } else if (e.key === 'Escape' || e.key === 'Tab') {
      if (e.key === 'Escape') e.preventDefault();
      setOpen(false);
      button.current?.focus();
    }
  };
  return html`
    <div class="menu-wrap">
      <button type="button" class="quiet" ref=${button} aria-haspopup="menu" aria-expanded=${open ? 'true' : 'false'}
        aria-controls="action-menu" onClick=${() => setOpen(!open)}
        onKeyDown=${(e) => e.key === 'ArrowDown' && (e.preventDefault(), setOpen(true))}>Actions</button>
      ${open && html`<ul id="action-menu" class="menu" role="menu" aria-label="Conversation actions" ref=${menu} onKeyDown=${onKeyDown}>
        ${items.map((a) => {
          const why = s.refusal(a);
          return html`<li role="none"><button type="button" role="menuitem" tabindex="-1" data-action=${a}
            aria-disabled=${why ? 'true' : undefined} class=${why ? 'not-allowed' : undefined}
            onClick=${() => choose(a)}><span class="item-label">${ACTIONS[a].label}${why && html`<span class="why">${why}</span>`}</span><kbd aria-hidden="true">${ACTIONS[a].key}</kbd></button></li>`;
        })}
      </ul>`}
      ${assigning && html`<${AssignDialog} row=${row} close=${() => {
        setAssigning(false);
        button.current?.focus();
      }} />`}
    </div>`;
}

/// The conversation as CSV (GET /v1/conversations/{id}/export.csv, right `export`): read with
/// the bearer header and saved through a blob link (a plain link could not send the token).
function ExportButton({ row, name }) {
  const [state, setState] = useState('');
  const run = async () => {
    setState('Exporting…');
    try {
      const csv = await s.api.exportCsv(row.conversation);
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${name.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || row.conversation}.csv`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      setState('');
    } catch (e) {
      setState(`Not exported: ${e.message}`);
    }
  };
  return html`<button type="button" class="quiet" onClick=${run} title="Download this conversation as CSV">Export</button>
    ${state && html`<span class="muted export-state" role="status">${state}</span>`}`;
}

/// Colleagues in this conversation now ("Ana is viewing", "Ana is replying"): presence
/// events, forgotten after their ttl unless refreshed.
function Presence({ conversation }) {
  const [, tick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 2000);
    return () => clearInterval(t);
  }, []);
  void s.presence.value;  // re-render on presence events
  const here = conversation ? s.presenceIn(conversation) : [];
  if (!here.length) return null;
  const text = here.map((p) => `${p.name} is ${p.state === 'replying' ? 'replying' : 'viewing'}`).join(' · ');
  return html`<p class="presence muted" role="status" data-testid="presence">${text}</p>`;
}

/// Who to assign: a staff member of GET /v1/staff (by name), or any id typed.
function AssignDialog({ row, close }) {
  const [staff, setStaff] = useState(row.assignee || '');
  const dialog = useRef(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const submit = (e) => {
    e.preventDefault();
    const id = staff.trim();
    close();
    if (!id || id === 'none') act(row.conversation, 'unassign');
    else act(row.conversation, 'assign', { staff: id });
  };
  return html`
    <dialog ref=${dialog} class="dialog" aria-labelledby="assign-title" onClose=${close} onCancel=${(e) => (e.preventDefault(), close())}>
      <form onSubmit=${submit}>
        <h2 id="assign-title">Assign ${rowTitle(row)}</h2>
        <label for="assign-staff">Staff id</label>
        <input id="assign-staff" list="staff-ids" value=${staff} autocomplete="off" onInput=${(e) => setStaff(e.currentTarget.value)} />
        <p class="muted">Leave empty (or “none”) to unassign.</p>
        <div class="dialog-bar"><button type="submit">Assign</button>
          <button type="button" class="quiet" onClick=${close}>Cancel</button></div>
      </form>
    </dialog>`;
}

function Messages({ messages, loading, name }) {
  const list = useRef(null);
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length]);
  if (loading && !messages.length) return html`<p class="placeholder">Loading…</p>`;
  return html`
    <div class="messages" ref=${list} role="log" aria-label=${`Messages with ${name}`} tabindex="0">
      <ol class="msg-list">
        ${messages.map((m) => html`<${Message} key=${m.message} m=${m} name=${name} />`)}
      </ol>
    </div>`;
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
        ${!inbound && m.segments > 1 && html`<span class="segs" data-testid="segments">${m.segments} segments</span>`}
      </p>
      <p class="msg-body">${m.body}</p>
      ${m.media && m.media.length > 0 && html`<p class="muted">${m.media.length} attachment${m.media.length === 1 ? '' : 's'}</p>`}
    </li>`;
}
