// Names, times and sort order shown in the page.

export const FOLDERS = [
  { id: 'inbox', label: 'Inbox' },
  { id: 'unread', label: 'Unread' },
  { id: 'read', label: 'Read' },
  { id: 'replied', label: 'Replied' },
  { id: 'archived', label: 'Archived' },
  { id: 'all', label: 'All' },
];

export function displayPhone(e164) {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164 || '');
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164 || '';
}

export function rowTitle(row) {
  return (row.contact && row.contact.name) || displayPhone(row.phone);
}

const sameDay = (a, b) =>
  a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

export function shortTime(ms, now = new Date()) {
  if (!ms) return '';
  const d = new Date(ms);
  if (sameDay(d, now)) return d.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
  return d.toLocaleDateString([], { month: 'short', day: 'numeric' });
}

export function fullTime(ms) {
  return ms ? new Date(ms).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }) : '';
}

const num = (key) => Number(String(key).replace(/^\D+/, '')) || 0;

/// The list's order (spec: pinned first only in the unfiltered inbox, then last activity
/// descending, then conversation id descending).
export function compareRows(folder, filtered = false) {
  return (a, b) => {
    if (folder === 'inbox' && !filtered && a.pinned !== b.pinned) return a.pinned ? -1 : 1;
    if (a.last_activity !== b.last_activity) return b.last_activity - a.last_activity;
    return num(b.conversation) - num(a.conversation);
  };
}

/// Whether a row (as a `conversation` event carries it) can be listed in `folder` (spec:
/// hidden rows are left out, but a search finds them; pinned rows only in the unfiltered
/// inbox, or with a search). Filters themselves are the server's to apply.
export function rowInFolder(row, folder, { filtered = false, searching = false } = {}) {
  if (row.hidden && !searching) return false;
  if (row.pinned && !searching && (filtered || folder !== 'inbox')) return false;
  if (folder === 'inbox') return row.folder !== 'archived';
  return folder === 'all' || row.folder === folder;
}

export const messageOrder = (a, b) => num(a.message) - num(b.message);

export const STATUS_TEXT = {
  received: 'Received',
  queued: 'Queued',
  sent: 'Sent',
  delivered: 'Delivered',
  undelivered: 'Not delivered',
  failed: 'Failed',
};
