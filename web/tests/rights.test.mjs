// app/rights.js: what the page offers a staff member, by the rights GET /v1/me lists.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACTIONS } from '../app/actions.js';
import { allows, whyNot } from '../app/rights.js';

const MAYA = ['view_messages', 'manage_messages', 'send_sms', 'remove_feed'];
const LEO = ['view_messages', 'send_sms'];
const KIM = ['view_messages'];

test('rights unknown (no /v1/me yet): everything is offered, the server decides', () => {
  for (const a of [...Object.keys(ACTIONS), 'send', 'export', 'list']) assert.equal(allows(null, a), true, a);
  assert.equal(whyNot(null, 'archive'), '');
});

test('the engine\'s rules: archive/assign/link need manage_messages, hide remove_feed, pin/mute/read nothing', () => {
  for (const a of ['archive', 'unarchive', 'assign', 'unassign', 'link_contact', 'create_lead']) {
    assert.equal(allows(MAYA, a), true, a);
    assert.equal(allows(LEO, a), false, a);
  }
  assert.equal(allows(LEO, 'hide'), false);
  assert.equal(allows(MAYA, 'hide'), true);
  for (const a of ['mark_read', 'mark_unread', 'pin', 'unpin', 'mute', 'unmute']) assert.equal(allows(KIM, a), true, a);
  assert.equal(allows([], 'pin'), true, 'per-staff actions need no right');
});

test('features: send and templates need send_sms, export needs export, the list view_messages', () => {
  assert.equal(allows(LEO, 'send'), true);
  assert.equal(allows(KIM, 'send'), false);
  assert.equal(allows(KIM, 'templates'), false);
  assert.equal(allows(MAYA, 'export'), false);
  assert.equal(allows([...MAYA, 'export'], 'export'), true);
  assert.equal(allows(['send_sms'], 'list'), false);
});

test('reasons name what and the right', () => {
  assert.equal(whyNot(KIM, 'send'), 'You may not send texts (right send_sms).');
  assert.equal(whyNot(LEO, 'assign'), 'You may not assign conversations (right manage_messages).');
  assert.equal(whyNot(LEO, 'hide'), 'You may not remove conversations from the list (right remove_feed).');
  assert.equal(whyNot(MAYA, 'assign'), '');
});
