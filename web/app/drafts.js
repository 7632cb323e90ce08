// Reply drafts kept in the tab's session storage, one per staff member and conversation:
// a reply typed and left (another conversation opened, the page reloaded) is there again
// when the conversation is opened. Cleared when it is sent, and all of them at sign-out
// (the next person at this browser must not read them). Keyed by business and staff
// member, not by token: a new token of the same staff member finds their drafts.
// Pure but for the storage it is given: tested under node (tests/drafts.test.mjs).

const PREFIX = 'msgcenter.draft.';

const key = (who, conversation) => `${PREFIX}${encodeURIComponent(who.business)}/${encodeURIComponent(who.staff)}/${encodeURIComponent(conversation)}`;

/// who: {business, staff} (GET /v1/me), or null before it answers (then nothing is kept:
/// a draft without its owner could be shown to someone else).
export function createDrafts(storage) {
  const safe = (f, fallback) => {
    try {
      return f();
    } catch {
      return fallback;  // storage full or disabled: drafts are a convenience
    }
  };
  return {
    /// {text, base} of the draft, or null. `base` is the last message seen when it began
    /// (the send guard's `expect_last_message`; null: there was none).
    load(who, conversation) {
      if (!who || !conversation) return null;
      const raw = safe(() => storage.getItem(key(who, conversation)), null);
      if (!raw) return null;
      const d = safe(() => JSON.parse(raw), null);
      return d && typeof d.text === 'string' && d.text ? { text: d.text, base: typeof d.base === 'string' ? d.base : null } : null;
    },
    /// Keeps the text (an empty text forgets the draft).
    save(who, conversation, text, base) {
      if (!who || !conversation) return;
      if (!text) return this.clear(who, conversation);
      safe(() => storage.setItem(key(who, conversation), JSON.stringify({ text, base: base ?? null })));
    },
    clear(who, conversation) {
      if (!who || !conversation) return;
      safe(() => storage.removeItem(key(who, conversation)));
    },
    /// Forgets every draft of every staff member (sign-out).
    clearAll() {
      safe(() => {
        const gone = [];
        for (let i = 0; i < storage.length; i++) if (storage.key(i)?.startsWith(PREFIX)) gone.push(storage.key(i));
        gone.forEach((k) => storage.removeItem(k));
      });
    },
  };
}
