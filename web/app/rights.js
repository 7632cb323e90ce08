// What the signed-in staff member may do, from the rights `GET /v1/me` lists (docs/api.md),
// by the engine's own rules (engine/core/src/action_rights.cpp, operation_rights.cpp): the
// page hides or disables what it may not do and says why, instead of offering it and
// showing the server's refusal. Pure: tested under node (tests/rights.test.mjs).

/// The right each conversation action needs; absent: any staff member who sees it.
export const ACTION_RIGHT = {
  archive: 'manage_messages',
  unarchive: 'manage_messages',
  assign: 'manage_messages',
  unassign: 'manage_messages',
  link_contact: 'manage_messages',
  create_lead: 'manage_messages',
  hide: 'remove_feed',
};

/// The right of each other thing the page offers.
export const FEATURE_RIGHT = {
  list: 'view_messages',
  send: 'send_sms',
  templates: 'send_sms',
  consent_request: 'send_sms',
  export: 'export',
};

const WHAT = {
  archive: 'archive conversations',
  unarchive: 'move conversations back to the inbox',
  assign: 'assign conversations',
  unassign: 'unassign conversations',
  link_contact: 'link conversations to contacts',
  create_lead: 'create leads',
  hide: 'remove conversations from the list',
  list: 'view conversations',
  send: 'send texts',
  templates: 'send templates',
  consent_request: 'ask for consent',
  export: 'export conversations',
};

/// Whether `rights` (an array, or null while /v1/me is not known: then everything is
/// offered and the server decides) allow `what` (an action or a feature).
export function allows(rights, what) {
  if (!rights) return true;
  const needed = ACTION_RIGHT[what] ?? FEATURE_RIGHT[what];
  return !needed || rights.includes(needed);
}

/// Why `what` is not offered, in words ("You may not archive conversations (right
/// manage_messages)."), or '' when it is allowed.
export function whyNot(rights, what) {
  if (allows(rights, what)) return '';
  const needed = ACTION_RIGHT[what] ?? FEATURE_RIGHT[what];
  return `You may not ${WHAT[what] ?? what} (right ${needed}).`;
}
