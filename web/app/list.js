// The list pane: folder tabs, search and filters (app/filters.js, in the URL hash), the
// bulk bar, and the conversation rows with their checkboxes. Keyboard: Left/Right/Home/End
// on the tabs; Up/Down (j/k), Home/End between rows, Enter opens, Shift+Enter peeks
// (opens without marking read), x checks a row; the rest is in app/keys.js.
import { actOnChecked, checkAll, toggleChecked } from './acting.js';
import { CONTACT_KINDS, DIRECTIONS, TYPES, describeFilters, emptyView, filterCount } from './filters.js';
import { FOLDERS, fullTime, rowTitle, shortTime } from './format.js';
import { html, signal, useEffect, useRef, useState } from './lib.js';
import * as s from './store.js';
import { ROW_HEIGHT, scrollToShow, visibleRange, wantsMore } from './windowing.js';

// The list's scroller (the tab panel) and where it is: the windowed list renders from it.
const scroll = signal({ top: 0, height: 600 });
let scroller = null;
const measure = () => scroller && (scroll.value = { top: scroller.scrollTop, height: scroller.clientHeight });
let pendingFocus = null;  // a conversation whose row gets focus once rendered

/// Focuses the row at `index` of the loaded rows: scrolls it into view (it may not be
/// rendered yet), then focuses it once it is.
export function focusIndex(index) {
  const list = s.rows.value;
  if (!list.length) return;
  const i = Math.max(0, Math.min(list.length - 1, index));
  if (scroller) {
    const top = scrollToShow(i, { scrollTop: scroller.scrollTop, height: scroller.clientHeight });
    if (top !== scroller.scrollTop) scroller.scrollTop = top;
    measure();
  }
  pendingFocus = list[i].conversation;
  let tries = 0;
  const attempt = () => {
    const el = document.querySelector(`button.row[data-conversation="${pendingFocus}"]`);
    if (el) {
      el.focus();
      pendingFocus = null;
    } else if (++tries < 10) requestAnimationFrame(attempt);
  };
  requestAnimationFrame(attempt);
}

/// Focuses a conversation's row (back from its thread), wherever it is in the list.
export function focusConversation(id) {
  const i = s.rows.value.findIndex((r) => r.conversation === id);
  if (i >= 0) focusIndex(i);
}

/// The index of the row that has focus, or of the open conversation's, or -1.
export function currentIndex() {
  const id = document.activeElement?.closest?.('button.row')?.dataset.conversation ?? s.selected.value;
  return id ? s.rows.value.findIndex((r) => r.conversation === id) : -1;
}

export function ListPane() {
  const panel = useRef(null);
  useEffect(() => {
    scroller = panel.current;
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(scroller);
    return () => ro.disconnect();
  }, []);
  const v = s.view.value;
  useEffect(() => {
    // Another view starts at its top.
    if (scroller) scroller.scrollTop = 0;
    measure();
  }, [v]);
  return html`
    <section class="list-pane" aria-label="Conversations">
      <${SearchBar} />
      <${FolderTabs} />
      <${BulkBar} />
      <div role="tabpanel" id="folder-panel" aria-labelledby=${`tab-${s.folder.value}`} ref=${panel} onScroll=${measure}>
        <${ConversationList} />
      </div>
    </section>`;
}

function SearchBar() {
  const v = s.view.value;
  const [q, setQ] = useState(v.q);
  const [open, setOpen] = useState(false);
  useEffect(() => setQ(v.q), [v.q]);
  useEffect(() => {
    const onOpen = () => setOpen(true);
    window.addEventListener('msgcenter:filters', onOpen);
    return () => window.removeEventListener('msgcenter:filters', onOpen);
  }, []);
  const submit = (e) => {
    e.preventDefault();
    if (q !== v.q) s.setView({ ...v, q });
  };
  const n = filterCount(v);
  return html`
    <div class="search">
      <form role="search" onSubmit=${submit} class="search-form">
        <label for="search" class="sr-only">Search conversations</label>
        <input id="search" type="search" placeholder="Search name, phone, email, id  ( / )" value=${q}
          onInput=${(e) => setQ(e.currentTarget.value)}
          onKeyDown=${(e) => e.key === 'Escape' && q && (e.stopPropagation(), setQ(''), s.setView({ ...v, q: '' }))} />
        <button type="button" class="quiet" aria-expanded=${open ? 'true' : 'false'} aria-controls="filters"
          onClick=${() => setOpen(!open)}>Filters${n ? ` (${n})` : ''}</button>
      </form>
      ${open && html`<${Filters} close=${() => setOpen(false)} />`}
      ${n > 0 && html`<p class="filter-summary" data-testid="filter-summary">
        <span>Filtered: ${describeFilters(v)}</span>
        <button type="button" class="link" onClick=${() => s.clearFilters()}>Clear filters</button></p>`}
    </div>`;
}

/// The spec's filters as a form; Apply shows the view (a new history entry).
function Filters({ close }) {
  const [f, setF] = useState(s.view.value);
  const first = useRef(null);
  useEffect(() => first.current?.focus(), []);
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  const toggleType = (t) => (e) =>
    setF({ ...f, types: e.currentTarget.checked ? [...f.types, t] : f.types.filter((x) => x !== t) });
  const apply = (e) => {
    e.preventDefault();
    s.setView({ ...f, folder: s.folder.value, q: s.view.value.q });
    close();
  };
  const text = (k, label, hint) => html`
    <label>${label}<input name=${k} value=${f[k]} onInput=${set(k)} placeholder=${hint} /></label>`;
  return html`
    <form id="filters" class="filters" aria-label="Filters" onSubmit=${apply}
      onKeyDown=${(e) => e.key === 'Escape' && (e.stopPropagation(), close())}>
      <fieldset><legend>Has messages of type</legend>
        ${TYPES.map((t, i) => html`<label class="check"><input type="checkbox" ref=${i === 0 ? first : undefined}
          checked=${f.types.includes(t.id)} onChange=${toggleType(t.id)} /> ${t.label}</label>`)}
      </fieldset>
      <fieldset><legend>Last activity</legend>
        <label>From<input type="date" name="from" value=${f.from} onInput=${set('from')} /></label>
        <label>To<input type="date" name="to" value=${f.to} onInput=${set('to')} /></label>
      </fieldset>
      <fieldset><legend>Contact</legend>
        ${text('client_type', 'Client type', 'member')}
        ${text('group', 'Group', 'newsletter')}
        ${text('location', 'Home location', 'downtown')}
        <label>Kind<select name="contact_kind" value=${f.contact_kind} onChange=${set('contact_kind')}>
          <option value="">Any</option>
          ${CONTACT_KINDS.map((k) => html`<option value=${k.id}>${k.label}</option>`)}
        </select></label>
      </fieldset>
      <fieldset><legend>Conversation</legend>
        <label>Assignee<input name="assignee" list="staff-ids" value=${f.assignee} onInput=${set('assignee')} placeholder="staff id, or none" /></label>
        <label>Last text<select name="last_direction" value=${f.last_direction} onChange=${set('last_direction')}>
          <option value="">Either</option>
          ${DIRECTIONS.map((d) => html`<option value=${d.id}>${d.label}</option>`)}
        </select></label>
      </fieldset>
      <div class="filters-bar">
        <button type="submit">Apply</button>
        <button type="button" class="quiet" onClick=${() => setF({ ...emptyView(), folder: f.folder, q: f.q })}>Reset</button>
        <button type="button" class="quiet" onClick=${close}>Close</button>
      </div>
    </form>`;
}

export function StaffList() {
  return html`<datalist id="staff-ids">
    <option value="none">nobody (unassigned)</option>
    ${[...s.knownStaff.value].sort().map((id) => html`<option value=${id}>${s.staffNames.value.get(id) ?? ''}</option>`)}
  </datalist>`;
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

function BulkBar() {
  const n = s.checked.value.size;
  const all = s.rows.value.length > 0 && n === s.rows.value.length;
  if (!s.rows.value.length) return null;
  return html`
    <div class="bulk" role="toolbar" aria-label="Selected conversations">
      <label class="check"><input type="checkbox" checked=${all} onChange=${(e) => checkAll(e.currentTarget.checked)}
        aria-label="Select every listed conversation" /> ${n ? `${n} selected` : 'Select'}</label>
      ${n > 0 && html`
        <button type="button" class="quiet" onClick=${() => actOnChecked('mark_read')}>Mark read</button>
        <button type="button" class="quiet" onClick=${() => actOnChecked('mark_unread')}>Mark unread</button>
        ${s.allowed('hide') ? html`<button type="button" class="quiet" onClick=${() => actOnChecked('hide')}>Remove</button>`
          : html`<span class="muted" data-testid="no-remove">${s.refusal('hide')}</span>`}`}
    </div>`;
}

/// The rows of the view, windowed: only those in view (and OVERSCAN more each side) are in
/// the DOM, padding stands for the others, and the next cursor page is asked for when the
/// view nears the end of the loaded rows. Keys move by index, so they reach rows that are
/// not rendered yet.
function ConversationList() {
  const list = s.rows.value;
  const state = s.listState.value;
  const v = s.view.value;
  const label = FOLDERS.find((f) => f.id === v.folder)?.label;
  const { top, height } = scroll.value;
  const { start, end, padTop, padBottom } = visibleRange({ scrollTop: top, height, count: list.length });
  const hasMore = Boolean(s.cursor.value);
  useEffect(() => {
    if (list.length && wantsMore({ end, count: list.length, hasMore, loading: state === 'loading' })) s.loadList({ more: true });
  }, [end, list.length, hasMore, state]);
  const onKeyDown = (e) => {
    const li = document.activeElement?.closest?.('li[data-index]');
    if (!li || !e.currentTarget.contains(li)) return;
    const i = Number(li.dataset.index);
    const id = list[i]?.conversation;
    if (!id) return;
    if (e.key === 'Enter' && e.shiftKey) {
      e.preventDefault();
      s.openConversation(id, { peek: true });
      return;
    }
    if (e.key === 'x' && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      toggleChecked(id);
      return;
    }
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    const to =
      e.key === 'ArrowDown' || e.key === 'j' ? i + 1
        : e.key === 'ArrowUp' || e.key === 'k' ? i - 1
        : e.key === 'PageDown' ? i + page
        : e.key === 'PageUp' ? i - page
        : e.key === 'Home' ? 0
        : e.key === 'End' ? list.length - 1
        : null;
    if (to === null) return;
    e.preventDefault();
    focusIndex(to);
  };
  const what = `${label}${v.q ? `, search “${v.q}”` : ''}`;
  if (!s.allowed('list')) return html`<p class="placeholder" data-testid="no-list">${s.refusal('list')}</p>`;
  if (!list.length) {
    if (state === 'loading') return html`<p class="placeholder">Loading…</p>`;
    if (state === 'error')
      return html`<p class="placeholder error">The list cannot be loaded. <button type="button" onClick=${() => s.loadList()}>Retry</button></p>`;
    return html`<p class="placeholder">No conversations in ${what}${s.filtered.value ? ' with these filters' : ''}.</p>`;
  }
  const total = Math.max(list.length, s.counts.value[v.folder]?.n ?? 0);
  return html`
    <ul class="rows" aria-label=${`${what}: ${total} conversation${total === 1 ? '' : 's'}`} onKeyDown=${onKeyDown}
      style=${{ paddingTop: `${padTop}px`, paddingBottom: `${padBottom}px` }} data-loaded=${list.length}>
      ${list.slice(start, end).map((r, k) => html`<${Row} key=${r.conversation} row=${r} index=${start + k} total=${total}
        selected=${r.conversation === s.selected.value} checked=${s.checked.value.has(r.conversation)} />`)}
    </ul>
    ${hasMore && (state === 'error'
      ? html`<p class="more error">The next page cannot be loaded. <button type="button" onClick=${() => s.loadList({ more: true })}>Retry</button></p>`
      : html`<p class="more muted" role="status">Loading more…</p>`)}`;
}

function Row({ row, index, total, selected, checked }) {
  const unread = row.folder === 'unread';
  const who = rowTitle(row);
  const flags = [row.pinned && 'pinned', row.muted && 'muted', row.archived && 'archived', row.assignee && `assigned to ${row.assignee}`].filter(Boolean);
  const description = [unread ? `${row.unread_count} unread` : row.folder, ...flags].join(', ');
  return html`
    <li class=${checked ? 'checked' : ''} data-index=${index} aria-posinset=${index + 1} aria-setsize=${total}>
      <input type="checkbox" class="row-check" checked=${checked} aria-label=${`Select ${who}`}
        onChange=${(e) => toggleChecked(row.conversation, e.currentTarget.checked)} />
      <button type="button" class=${`row${unread ? ' unread' : ''}${selected ? ' selected' : ''}`}
        aria-current=${selected ? 'true' : undefined} data-conversation=${row.conversation}
        onClick=${(e) => s.openConversation(row.conversation, { peek: e.shiftKey })}>
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
