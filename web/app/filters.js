// The list's view: folder, search and the spec's filters (spec "Listing and search"), kept
// in the URL's hash so a view can be bookmarked, reloaded and walked with back/forward:
//   #folder=unread&q=emma&types=failed,manual&from=2026-01-31&assignee=none
// Pure: no DOM, tested under node (tests/filters.test.mjs).

export const FOLDER_IDS = ['inbox', 'unread', 'read', 'replied', 'archived', 'all'];
export const TYPES = [
  { id: 'manual', label: 'Conversation texts' },
  { id: 'campaign', label: 'Campaigns' },
  { id: 'notification', label: 'Notifications' },
  { id: 'failed', label: 'Failed' },
];
export const CONTACT_KINDS = [
  { id: 'clients_and_leads', label: 'Clients and leads' },
  { id: 'resources', label: 'Resources' },
];
export const DIRECTIONS = [
  { id: 'in', label: 'Received' },
  { id: 'out', label: 'Sent' },
];
// The filters besides folder and search, as they are named in the hash and the API.
export const FILTER_KEYS = ['types', 'from', 'to', 'client_type', 'group', 'location', 'contact_kind', 'assignee', 'last_direction'];

export const emptyView = () => ({
  folder: 'inbox', q: '', types: [], from: '', to: '',
  client_type: '', group: '', location: '', contact_kind: '', assignee: '', last_direction: '',
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/// The view a hash names; anything unknown or malformed is dropped (an old bookmark never
/// breaks the page).
export function parseHash(hash) {
  const p = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  const v = emptyView();
  const folder = p.get('folder');
  if (FOLDER_IDS.includes(folder)) v.folder = folder;
  v.q = (p.get('q') || '').slice(0, 200);
  v.types = (p.get('types') || '').split(',').filter((t) => TYPES.some((x) => x.id === t));
  for (const k of ['from', 'to']) if (DAY.test(p.get(k) || '')) v[k] = p.get(k);
  for (const k of ['client_type', 'group', 'location', 'assignee']) v[k] = (p.get(k) || '').slice(0, 100);
  if (CONTACT_KINDS.some((x) => x.id === p.get('contact_kind'))) v.contact_kind = p.get('contact_kind');
  if (DIRECTIONS.some((x) => x.id === p.get('last_direction'))) v.last_direction = p.get('last_direction');
  return v;
}

/// The hash of a view: only what differs from the default, in a fixed order.
export function toHash(v) {
  const p = new URLSearchParams();
  if (v.folder && v.folder !== 'inbox') p.set('folder', v.folder);
  if (v.q) p.set('q', v.q);
  for (const k of FILTER_KEYS) {
    const x = k === 'types' ? v.types.join(',') : v[k];
    if (x) p.set(k, x);
  }
  const s = p.toString();
  return s ? `#${s}` : '';
}

/// Whether any filter is set (spec: a search is not a filter; with a filter, pinned
/// conversations are not listed and nothing is pinned first).
export function isFiltered(v) {
  return FILTER_KEYS.some((k) => (k === 'types' ? v.types.length > 0 : Boolean(v[k])));
}

/// The number of filters set, for the "Filters (2)" button.
export function filterCount(v) {
  return FILTER_KEYS.filter((k) => (k === 'types' ? v.types.length > 0 : Boolean(v[k]))).length;
}

/// Local midnight of a YYYY-MM-DD day in ms; `end` gives the last ms of that day.
export function dayToMs(day, end = false) {
  const [y, m, d] = day.split('-').map(Number);
  const start = new Date(y, m - 1, d).getTime();
  return end ? new Date(y, m - 1, d + 1).getTime() - 1 : start;
}

/// The query of GET /v1/conversations for a view (the list's page size and cursor apart).
export function listParams(v) {
  const p = { folder: v.folder };
  if (v.q.trim()) p.q = v.q.trim();
  if (v.types.length) p.types = v.types.join(',');
  if (v.from) p.from = dayToMs(v.from);
  if (v.to) p.to = dayToMs(v.to, true);
  for (const k of ['client_type', 'group', 'location', 'contact_kind', 'assignee', 'last_direction'])
    if (v[k].trim()) p[k] = v[k].trim();
  return p;
}

/// A short description of the active filters, for the list's label and the empty state.
export function describeFilters(v) {
  const parts = [];
  if (v.types.length) parts.push(v.types.map((t) => TYPES.find((x) => x.id === t).label.toLowerCase()).join(' or '));
  if (v.from || v.to) parts.push(`active ${v.from ? `from ${v.from}` : ''}${v.from && v.to ? ' ' : ''}${v.to ? `to ${v.to}` : ''}`);
  for (const [k, label] of [['client_type', 'client type'], ['group', 'group'], ['location', 'location']])
    if (v[k]) parts.push(`${label} ${v[k]}`);
  if (v.contact_kind) parts.push(CONTACT_KINDS.find((x) => x.id === v.contact_kind).label.toLowerCase());
  if (v.assignee) parts.push(v.assignee === 'none' ? 'unassigned' : `assigned to ${v.assignee}`);
  if (v.last_direction) parts.push(v.last_direction === 'in' ? 'last text received' : 'last text sent');
  return parts.join(', ');
}
