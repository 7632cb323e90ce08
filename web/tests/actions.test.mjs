// The optimistic changes, their inverses and the menu a row offers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACTIONS, actionForKey, doneText, inverse, menuFor, refusalText } from '../app/actions.js';

const row = (x = {}) => ({ conversation: 'c1', folder: 'unread', unread_count: 2, last_direction: 'in', pinned: false,
  muted: false, archived: false, hidden: false, assignee: null, ...x });

test('the optimistic change of each action', () => {
  assert.equal(ACTIONS.archive.apply(row()).folder, 'archived');
  assert.equal(ACTIONS.unarchive.apply(row({ archived: true, folder: 'archived' })).folder, 'unread');
  assert.equal(ACTIONS.unarchive.apply(row({ archived: true, folder: 'archived', unread_count: 0, last_direction: 'out' })).folder, 'replied');
  assert.deepEqual([ACTIONS.mark_read.apply(row()).folder, ACTIONS.mark_read.apply(row()).unread_count], ['read', 0]);
  assert.equal(ACTIONS.mark_unread.apply(row({ folder: 'replied', unread_count: 0 })).folder, 'unread');
  assert.equal(ACTIONS.mark_unread.apply(row({ folder: 'archived', archived: true })).folder, 'archived');
  assert.equal(ACTIONS.pin.apply(row()).pinned, true);
  assert.equal(ACTIONS.mute.apply(row()).muted, true);
  assert.equal(ACTIONS.assign.apply(row(), { staff: 'leo' }).assignee, 'leo');
  assert.equal(ACTIONS.unassign.apply(row({ assignee: 'leo' })).assignee, null);
  assert.equal(ACTIONS.hide.apply(row()).hidden, true);
  assert.equal(ACTIONS.hide.deferred, true);
  const before = row();
  ACTIONS.archive.apply(before);
  assert.equal(before.folder, 'unread', 'the row itself is not changed');
});

test('every action but hide has an inverse; assignment goes back to who it was', () => {
  for (const [a, b] of [['archive', 'unarchive'], ['pin', 'unpin'], ['mute', 'unmute'], ['mark_read', 'mark_unread']]) {
    assert.equal(inverse(a, row()).action, b);
    assert.equal(inverse(b, row()).action, a);
  }
  assert.deepEqual(inverse('assign', row({ assignee: 'ana' })), { action: 'assign', staff: 'ana' });
  assert.deepEqual(inverse('assign', row()), { action: 'unassign' });
  assert.deepEqual(inverse('unassign', row({ assignee: 'leo' })), { action: 'assign', staff: 'leo' });
  assert.equal(inverse('hide', row()), null);
});

test('the menu offers one side of each toggle, as the row is', () => {
  assert.deepEqual(menuFor(row()), ['mark_read', 'pin', 'mute', 'archive', 'assign', 'hide']);
  assert.deepEqual(menuFor(row({ folder: 'read', pinned: true, muted: true, archived: true, assignee: 'leo' })),
    ['mark_unread', 'unpin', 'unmute', 'unarchive', 'assign', 'unassign', 'hide']);
  assert.equal(actionForKey('e', row()), 'archive');
  assert.equal(actionForKey('e', row({ archived: true })), 'unarchive');
  assert.equal(actionForKey('u', row()), null, 'u on an unread row: already unread');
  assert.equal(actionForKey('Shift+U', row()), 'mark_read');
  assert.equal(actionForKey('p', row({ pinned: true })), 'unpin');
});

test('done and refusal texts', () => {
  assert.equal(doneText('archive', 'Emma Stone'), 'Archived Emma Stone');
  assert.equal(doneText('assign', 'Emma Stone', { staff: 'leo' }), 'Assigned Emma Stone to leo');
  assert.equal(doneText('mark_unread', '3 conversations'), 'Marked 3 conversations unread');
  assert.match(refusalText('archive', { code: 'permission_denied' }), /^Not done \(archive\): .*manage_messages/);
  assert.match(refusalText('hide', { code: 'permission_denied' }), /remove_feed/);
});
