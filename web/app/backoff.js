// Waiting when the server says it is busy (HTTP 429, docs/api.md "Limits"): as long as its
// Retry-After says, else exponentially from 1 s, capped at 30 s, with a little jitter so
// that many tabs refused together do not come back together. One gate for the whole page:
// while it is closed no read goes out, so a busy server sees one retry, not one per
// request the page had in mind. Pure with injected clock and timers: tests/backoff.test.mjs.

export const BASE_MS = 1000;
export const CAP_MS = 30000;
/// A Retry-After is obeyed up to this (a longer one is taken for a mistake, not a plan).
export const RETRY_AFTER_MAX_MS = 10 * 60 * 1000;
/// Reads retried after this many refusals in a row give up with the error (~1 min of waiting).
export const MAX_RETRIES = 6;

/// The wait after the `attempt`-th refusal in a row (0-based): the header's delta-seconds
/// or HTTP date if it has one, else BASE_MS * 2^attempt capped at CAP_MS, plus up to 10%.
export function retryDelay(retryAfter, attempt, { now = Date.now(), random = Math.random } = {}) {
  const told = parseRetryAfter(retryAfter, now);
  if (told !== null) return Math.min(told, RETRY_AFTER_MAX_MS);
  const ceiling = Math.min(CAP_MS, BASE_MS * 2 ** attempt);
  return Math.round(ceiling * (1 + random() / 10));
}

/// Milliseconds from now that a Retry-After header names, or null if it names nothing.
export function parseRetryAfter(value, now = Date.now()) {
  const v = String(value ?? '').trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!v || !/[a-z]/i.test(v)) return null;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/// The page's one gate. onChange({until}) when it closes (or stays closed longer), and
/// onChange(null) once a request went through after it.
export function createGate({ now = () => Date.now(), sleep = (ms) => new Promise((r) => setTimeout(r, ms)), onChange = () => {} } = {}) {
  let until = 0;
  let shown = false;
  return {
    /// Resolves when requests may go out again.
    async wait() {
      while (now() < until) await sleep(until - now());
    },
    /// The server refused: nothing goes out for `ms`.
    hold(ms) {
      const next = now() + ms;
      if (next <= until) return;
      until = next;
      shown = true;
      onChange({ until });
    },
    /// A request was answered with anything but 429.
    passed() {
      if (!shown || now() < until) return;
      shown = false;
      onChange(null);
    },
    get until() {
      return until;
    },
  };
}
