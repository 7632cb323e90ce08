// The live stream of GET /v1/events, read with fetch() so it can carry the bearer token,
// resumed with Last-Event-ID after any disconnect, reconnecting with capped exponential
// backoff and jitter. A stream that stays silent for longer than three heartbeats (the
// server sends one every 15 s) is taken for dead and reopened.
import { parseRetryAfter } from './backoff.js';
import { ResumePoint, SseParser } from './sse.js';

/// opts: token() -> string; onEvent(event object, verdict); onReset(reason): refetch
/// everything; onStatus({state: 'connecting'|'live'|'waiting'|'stopped', retryInMs});
/// onUnauthorized(): the token was refused. Test seams: fetch, setTimeout, clearTimeout,
/// random, idleMs, minDelayMs, maxDelayMs, replayWaitMs.
export function openEventStream(opts) {
  const fetchFn = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const setTimer = opts.setTimeout ?? globalThis.setTimeout.bind(globalThis);
  const clearTimer = opts.clearTimeout ?? globalThis.clearTimeout.bind(globalThis);
  const random = opts.random ?? Math.random;
  const idleMs = opts.idleMs ?? 45000;
  const minDelay = opts.minDelayMs ?? 500;
  const maxDelay = opts.maxDelayMs ?? 30000;
  const replayWait = opts.replayWaitMs ?? 2000;
  const resume = new ResumePoint(opts.lastSeq ?? 0);
  let stopped = false;
  let controller = null;
  let retryTimer = null;
  let failures = 0;
  let connecting = false;
  let toldMs = 0;  // a 429's Retry-After: the next reconnect waits at least this

  function status(state, extra = {}) {
    opts.onStatus?.({ state, ...extra });
  }

  async function connect() {
    if (stopped || connecting) return;
    connecting = true;
    retryTimer = null;
    controller = new AbortController();
    const mine = controller;
    let idle = null;
    const kick = () => {
      if (idle !== null) clearTimer(idle);
      idle = setTimer(() => mine.abort(), idleMs);
    };
    status('connecting');
    try {
      const headers = { Authorization: `Bearer ${opts.token()}`, Accept: 'text/event-stream' };
      const last = resume.header();
      if (last) headers['Last-Event-ID'] = last;
      kick();
      const res = await fetchFn('/v1/events', { headers, signal: mine.signal, cache: 'no-store' });
      if (res.status === 401) {
        stop();
        opts.onUnauthorized?.();
        return;
      }
      if (res.status === 429) toldMs = parseRetryAfter(res.headers.get('Retry-After')) ?? 0;
      if (!res.ok || !res.body) throw new Error(`event stream: HTTP ${res.status}`);
      const parser = new SseParser({
        onComment(text) {
          const m = /^subscribed after (\d+)$/.exec(text);
          if (!m) return;
          failures = 0;
          status('live');
          const reason = resume.subscribed(Number(m[1]));
          if (reason) opts.onReset?.(reason);
          else
            setTimer(() => {
              if (stopped || controller !== mine) return;
              const late = resume.replayChecked();
              if (late) opts.onReset?.(late);
            }, replayWait);
        },
        onEvent(ev) {
          if (ev.data === null) return;
          if (ev.event === 'reset') {
            opts.onReset?.('server');
            return;
          }
          let data;
          try {
            data = JSON.parse(ev.data);
          } catch {
            return;
          }
          // Presence is ephemeral (seq 0, no id): outside the resume bookkeeping.
          if (data.kind === 'presence') {
            opts.onEvent(data, 'ephemeral');
            return;
          }
          const seq = Number(data.seq ?? ev.id);
          const verdict = resume.event(seq);
          if (verdict === 'duplicate') return;
          opts.onEvent(data, verdict);
          if (verdict === 'gap') opts.onReset?.('gap');
        },
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        kick();
        parser.push(value);
      }
    } catch {
      // aborted, refused, or the network went away: reconnect below
    } finally {
      if (idle !== null) clearTimer(idle);
      connecting = false;
    }
    if (!stopped) schedule();
  }

  function schedule() {
    const ceiling = Math.min(maxDelay, minDelay * 2 ** failures);
    failures++;
    const delay = Math.max(toldMs, Math.round(ceiling / 2 + random() * (ceiling / 2)));
    toldMs = 0;
    status('waiting', { retryInMs: delay });
    retryTimer = setTimer(connect, delay);
  }

  function stop() {
    stopped = true;
    if (retryTimer !== null) clearTimer(retryTimer);
    retryTimer = null;
    controller?.abort();
    status('stopped');
  }

  /// Reconnect now if waiting (the browser came back online, the tab became visible).
  function nudge() {
    if (stopped || connecting || retryTimer === null) return;
    clearTimer(retryTimer);
    retryTimer = null;
    failures = 0;
    connect();
  }

  /// Drop the connection and resume (for a stream that looks stuck).
  function restart() {
    controller?.abort();
  }

  connect();
  return { stop, nudge, restart, get lastSeq() { return resume.lastSeq; } };
}
