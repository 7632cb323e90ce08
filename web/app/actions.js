// What each conversation action does to a row at once (the optimistic change shown before
// the server answers), the action that undoes it, and which actions a row offers. Pure: no
// DOM, no network, tested under node (tests/actions.test.mjs); app/acting.js runs them.
//
// Undo: every action has an inverse except `hide` (the API has no "unhide": a hidden
// conversation comes back only with a new message), so hide is *deferred*: the row leaves
// the list at once, the request is sent when the undo toast expires, and Undo cancels it.

/// The folder a row falls into once it is read (spec "Folders", rules 3 and 4).
export const readFolder = (row) => (row.last_direction === 'out' ? 'replied' : 'read');

export const ACTIONS = {
  mark_read: { label: 'Mark read', done: 'Marked read', key: 'Shift+U', apply: (r) => ({ ...r, unread_count: 0, folder: r.archived ? 'archived' : readFolder(r) }) },
  mark_unread: { label: 'Mark unread', done: 'Marked unread', key: 'u', apply: (r) => ({ ...r, folder: r.archived ? 'archived' : 'unread' }) },
  archive: { label: 'Archive', done: 'Archived', key: 'e', apply: (r) => ({ ...r, archived: true, folder: 'archived' }) },
  unarchive: {
    label: 'Move to inbox', done: 'Moved to the inbox', key: 'e',
    apply: (r) => ({ ...r, archived: false, folder: r.unread_count > 0 ? 'unread' : readFolder(r) }),
  },
  pin: { label: 'Pin', done: 'Pinned', key: 'p', apply: (r) => ({ ...r, pinned: true }) },
  unpin: { label: 'Unpin', done: 'Unpinned', key: 'p', apply: (r) => ({ ...r, pinned: false }) },
  mute: { label: 'Mute', done: 'Muted', key: 'm', apply: (r) => ({ ...r, muted: true }) },
  unmute: { label: 'Unmute', done: 'Unmuted', key: 'm', apply: (r) => ({ ...r, muted: false }) },
  assign: { label: 'Assign…', done: 'Assigned', key: 'a', apply: (r, extra) => ({ ...r, assignee: extra.staff }) },
  unassign: { label: 'Unassign', done: 'Unassigned', key: 'Shift+A', apply: (r) => ({ ...r, assignee: null }) },
  hide: { label: 'Remove from the list', done: 'Removed', key: '#', deferred: true, apply: (r) => ({ ...r, hidden: true }) },
};

/// The request that undoes `action` done on `before` (the row as it was), or null when
/// the action cannot be undone by another request (hide: deferred instead).
export function inverse(action, before) {
  switch (action) {
    case 'mark_read': return { action: 'mark_unread' };
    case 'mark_unread': return { action: 'mark_read' };
    case 'archive': return { action: 'unarchive' };
    case 'unarchive': return { action: 'archive' };
    case 'pin': return { action: 'unpin' };
    case 'unpin': return { action: 'pin' };
    case 'mute': return { action: 'unmute' };
    case 'unmute': return { action: 'mute' };
    case 'assign':
    case 'unassign':
      return before.assignee ? { action: 'assign', staff: before.assignee } : { action: 'unassign' };
    default: return null;
  }
}

/// The row's action menu, in order: one toggle per pair, as the row is now.
export function menuFor(row) {
  return [
    row.folder === 'unread' ? 'mark_read' : 'mark_unread',
    row.pinned ? 'unpin' : 'pin',
    row.muted ? 'unmute' : 'mute',
    row.archived ? 'unarchive' : 'archive',
    'assign',
    ...(row.assignee ? ['unassign'] : []),
    'hide',
  ];
}

/// The toggle a shortcut key means for this row ('e' archives or unarchives, ...).
export function actionForKey(key, row) {
  const wanted = menuFor(row).filter((a) => ACTIONS[a].key === key);
  return wanted[0] ?? null;
}

/// "Archived Emma Stone", "Assigned Emma Stone to leo", "Marked 3 conversations unread".
export function doneText(action, who, extra = {}) {
  if (action === 'assign') return `Assigned ${who} to ${extra.staff}`;
  if (action === 'mark_read' || action === 'mark_unread') return `Marked ${who} ${action === 'mark_read' ? 'read' : 'unread'}`;
  return `${ACTIONS[action].done} ${who}`;
}

/// A server refusal in words.
export function refusalText(action, e) {
  const what = ACTIONS[action]?.label.replace('…', '').toLowerCase() ?? action;
  switch (e?.code) {
    case 'permission_denied':
      return action === 'hide'
        ? 'Not removed: you may not remove conversations from the list (right remove_feed).'
        : `Not done (${what}): you may not do that (right manage_messages).`;
    case 'not_found': return `Not done (${what}): the conversation, or that staff member, no longer exists for you.`;
    case 'overloaded': return `Not done (${what}): the server is busy; try again in a moment.`;
    case 'unavailable': return `Not done (${what}): the server cannot be reached.`;
    default: return `Not done (${what}): ${e?.message || 'refused'}.`;
  }
}
