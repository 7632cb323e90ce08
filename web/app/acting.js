// Runs conversation actions (app/actions.js) the Intercom way: the list and the thread
// change at once, the request goes out, an Undo notice shows for 5 s; a refusal puts the
// row back as it was and says why. Bulk actions (POST /v1/conversations/bulk) do the same
// per conversation. Removing (hide) is deferred: sent when the notice expires.
import { ACTIONS, doneText, inverse, refusalText } from './actions.js';
import { rowTitle } from './format.js';
import { batch } from './lib.js';
import * as s from './store.js';
import { showNotice } from './toasts.js';

const rowOf = (id) => s.rows.value.find((r) => r.conversation === id) ?? (s.thread.value?.row?.conversation === id ? s.thread.value.row : null);

function setHiding(ids, on) {
  const h = new Set(s.hiding.value);
  for (const id of ids) (on ? h.add(id) : h.delete(id));
  s.hiding.value = h;
}

/// One action on one conversation. `extra`: {staff} for assign; `row`: the row as it is
/// (else looked up in the list or the thread). Resolves true when the server did it
/// (false when refused or undone before it was sent).
export async function act(id, action, extra = {}, { undoable = true, row = null } = {}) {
  const before = row ?? rowOf(id);
  if (!before || !ACTIONS[action]) return false;
  if (!s.allowed(action)) {
    showNotice({ text: s.refusal(action), error: true });
    return false;
  }
  const who = rowTitle(before);
  const after = ACTIONS[action].apply(before, extra);
  if (ACTIONS[action].deferred) return deferHide([before]);
  s.applyRow(after);
  if (action === 'mark_unread' && s.selected.value === id) s.closeConversation();
  try {
    const res = await s.api.action(id, action, extra);
    s.applyRow(res.conversation);
    if (s.thread.value && s.selected.value === id && action === 'mark_read') s.thread.value = { ...s.thread.value, peek: false };
    if (undoable) {
      const back = inverse(action, before);
      const now = res.conversation;  // the row may have left the list: undo starts from it
      showNotice({ text: doneText(action, who, extra), undo: back ? () => act(id, back.action, back, { undoable: false, row: now }) : null });
    }
    return true;
  } catch (e) {
    s.applyRow(before);
    showNotice({ text: refusalText(action, e), error: true });
    return false;
  }
}

/// Removes rows from the list now and hides them on the server when the notice expires.
function deferHide(befores) {
  const ids = befores.map((r) => r.conversation);
  const who = ids.length === 1 ? rowTitle(befores[0]) : `${ids.length} conversations`;
  setHiding(ids, true);
  batch(() => ids.forEach((id) => s.removeRow(id)));
  if (ids.includes(s.selected.value)) s.closeConversation();
  return new Promise((done) => {
    showNotice({
      text: `${ACTIONS.hide.done} ${who}`,
      undo: () => {
        setHiding(ids, false);
        batch(() => befores.forEach((r) => s.applyRow(r)));
        done(false);
      },
      expire: async () => {
        const failed = await send(ids, 'hide');
        setHiding(ids, false);
        batch(() => befores.filter((r) => failed.has(r.conversation)).forEach((r) => s.applyRow(r)));
        if (failed.size) showNotice({ text: refusalText('hide', failed.values().next().value), error: true });
        done(failed.size === 0);
      },
    });
  });
}

/// Sends one action for many conversations; resolves with the failures (id -> error).
async function send(ids, action) {
  const failed = new Map();
  try {
    if (ids.length === 1) await s.api.action(ids[0], action);
    else {
      const res = await s.api.bulk(ids, action);
      for (const r of res.results) if (!r.ok) failed.set(r.conversation, r.error ?? { code: 'unavailable' });
    }
  } catch (e) {
    for (const id of ids) failed.set(id, e);
  }
  return failed;
}

/// A bulk action on the checked conversations: mark_read, mark_unread or hide.
export async function actOnChecked(action) {
  const ids = [...s.checked.value];
  const befores = ids.map(rowOf).filter(Boolean);
  if (!befores.length) return false;
  if (!s.allowed(action)) {
    showNotice({ text: s.refusal(action), error: true });
    return false;
  }
  s.checked.value = new Set();
  if (ACTIONS[action].deferred) return deferHide(befores);
  batch(() => befores.forEach((r) => s.applyRow(ACTIONS[action].apply(r))));
  const failed = await send(befores.map((r) => r.conversation), action);
  batch(() => befores.filter((r) => failed.has(r.conversation)).forEach((r) => s.applyRow(r)));
  const done = befores.filter((r) => !failed.has(r.conversation));
  const who = done.length === 1 ? rowTitle(done[0]) : `${done.length} conversations`;
  if (failed.size) showNotice({ text: `${refusalText(action, failed.values().next().value)} (${failed.size} of ${befores.length})`, error: true });
  else {
    const back = inverse(action, befores[0]);
    showNotice({
      text: doneText(action, who),
      undo: back ? () => send(done.map((r) => r.conversation), back.action).then(() => batch(() => done.forEach((r) => s.applyRow(r)))) : null,
    });
  }
  return failed.size === 0;
}

export function toggleChecked(id, on = !s.checked.value.has(id)) {
  const c = new Set(s.checked.value);
  if (on) c.add(id);
  else c.delete(id);
  s.checked.value = c;
}

export function checkAll(on) {
  s.checked.value = on ? new Set(s.rows.value.map((r) => r.conversation)) : new Set();
}
