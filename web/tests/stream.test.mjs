// The page's stream modules under node (no browser, no server): the SSE parser, the resume
// bookkeeping, and the reconnecting reader with a fake fetch and fake timers.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ResumePoint, SseParser } from '../app/sse.js';
import { openEventStream } from '../app/stream.js';

function parse(chunks) {
  const events = [];
  const comments = [];
  const p = new SseParser({ onEvent: (e) => events.push(e), onComment: (c) => comments.push(c) });
  for (const c of chunks) p.push(c);
  return { events, comments };
}

test('parser: events, comments, multi-line data, any line ending, split anywhere', () => {
  const text =
    'retry: 3000\n: subscribed after 7\n\nid: 8\nevent: badge\ndata: {"seq":8}\n\n' +
    'id: 9\r\nevent: message\r\ndata: line one\r\ndata: line two\r\n\r\n' +
    ':heartbeat\rdata:no space\r\rdata\n\n';
  const whole = parse([text]);
  assert.deepEqual(whole.comments, ['subscribed after 7', 'heartbeat']);
  assert.deepEqual(
    whole.events.map((e) => [e.id, e.event, e.data]),
    [
      [null, null, null],  // retry only: no data, reported for its retry
      ['8', 'badge', '{"seq":8}'],
      ['9', 'message', 'line one\nline two'],
      [null, 'message', 'no space'],
      [null, 'message', ''],
    ],
  );
  assert.equal(whole.events[0].retry, 3000);
  // Every split point, including between the CR and LF of a CRLF, gives the same result.
  for (let i = 1; i < text.length; i++) {
    const split = parse([text.slice(0, i), text.slice(i)]);
    assert.deepEqual(split, whole, `split at ${i}`);
  }
  const bytewise = parse([...text]);
  assert.deepEqual(bytewise, whole);
});

test('parser: an unfinished event is not dispatched', () => {
  const { events } = parse(['id: 1\ndata: half']);
  assert.equal(events.length, 0);
});

test('resume point: first subscription, next, duplicate, gap, server restart', () => {
  const r = new ResumePoint();
  assert.equal(r.header(), '');
  assert.equal(r.subscribed(5), 'initial');
  assert.equal(r.header(), '5');
  assert.equal(r.event(6), 'next');
  assert.equal(r.event(6), 'duplicate');
  assert.equal(r.event(4), 'duplicate');
  assert.equal(r.subscribed(9), null, 'a resume: the replay follows');
  assert.equal(r.event(7), 'next');
  assert.equal(r.event(10), 'gap', '8 and 9 were lost');
  assert.equal(r.replayChecked(), null, 'the replay reached the subscription point');
  assert.equal(r.subscribed(14), null);
  assert.equal(r.event(11), 'next');
  assert.equal(r.replayChecked(), 'gap', '12..14 never came');
  assert.equal(r.header(), '14');
  assert.equal(r.subscribed(3), 'restart');
  assert.equal(r.event(4), 'next');
});

/// A fake /v1/events: each connection is a stream the test writes to and closes.
function fakeServer() {
  const connections = [];
  const fetch = async (url, init) => {
    assert.equal(url, '/v1/events');
    let controller;
    const body = new ReadableStream({
      start(c) {
        controller = c;
      },
    });
    const enc = new TextEncoder();
    const conn = {
      headers: init.headers,
      status: 200,
      write: (t) => controller.enqueue(enc.encode(t)),
      end: () => controller.close(),
    };
    init.signal.addEventListener('abort', () => {
      conn.aborted = true;
      try {
        controller.error(new DOMException('aborted', 'AbortError'));
      } catch {}
    });
    connections.push(conn);
    if (fakeServer.nextStatus) {
      const status = fakeServer.nextStatus;
      const headers = fakeServer.nextHeaders ?? {};
      fakeServer.nextStatus = 0;
      fakeServer.nextHeaders = null;
      return new Response('{}', { status, headers });
    }
    return new Response(body, { status: 200 });
  };
  return { fetch, connections };
}

function fakeTimers() {
  const timers = [];
  return {
    timers,
    setTimeout: (fn, ms) => {
      const t = { fn, ms, live: true };
      timers.push(t);
      return t;
    },
    clearTimeout: (t) => {
      if (t) t.live = false;
    },
    /// Runs the pending timer with delay `ms` (or the only pending non-idle one).
    fire(pred) {
      const t = timers.find((x) => x.live && pred(x.ms));
      assert.ok(t, 'a pending timer');
      t.live = false;
      t.fn();
      return t.ms;
    },
    pending: (pred) => timers.filter((x) => x.live && pred(x.ms)).map((x) => x.ms),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

function open(extra = {}) {
  const server = fakeServer();
  const clock = fakeTimers();
  const seen = { events: [], resets: [], statuses: [], unauthorized: 0 };
  const stream = openEventStream({
    token: () => 'mcs_test',
    fetch: server.fetch,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    random: () => 1,  // the top of the jitter range: delays are the ceiling
    idleMs: 45000,
    replayWaitMs: 777,
    minDelayMs: 500,
    maxDelayMs: 4000,
    onEvent: (ev, verdict) => seen.events.push([ev.seq, verdict]),
    onReset: (why) => seen.resets.push(why),
    onStatus: (s) => seen.statuses.push(s.state),
    onUnauthorized: () => seen.unauthorized++,
    ...extra,
  });
  return { server, clock, seen, stream };
}

const ev = (seq, kind = 'badge') =>
  `id: ${seq}\nevent: ${kind}\ndata: ${JSON.stringify({ seq, kind })}\n\n`;
const retryTimer = (ms) => ms !== 45000 && ms !== 777;
const replayTimer = (ms) => ms === 777;

test('stream: resumes with Last-Event-ID, drops replayed duplicates, backs off', async () => {
  const { server, clock, seen, stream } = open();
  await tick();
  const first = server.connections[0];
  assert.equal(first.headers.Authorization, 'Bearer mcs_test');
  assert.equal(first.headers['Last-Event-ID'], undefined);
  first.write('retry: 3000\n: subscribed after 5\n\n' + ev(6) + ev(7));
  await tick();
  assert.deepEqual(seen.resets, ['initial']);
  assert.deepEqual(seen.events, [[6, 'next'], [7, 'next']]);
  assert.ok(seen.statuses.includes('live'));
  first.end();
  await tick();
  assert.deepEqual(clock.pending(retryTimer), [500]);
  clock.fire(retryTimer);
  await tick();
  const second = server.connections[1];
  assert.equal(second.headers['Last-Event-ID'], '7');
  second.write(': subscribed after 8\n\n' + ev(7) + ev(8));
  await tick();
  assert.deepEqual(seen.events, [[6, 'next'], [7, 'next'], [8, 'next']], '7 came twice, applied once');
  assert.deepEqual(seen.resets, ['initial']);
  // Failures without a subscription in between back off: 500, 1000, 2000, 4000, 4000 (cap).
  second.end();
  const delays = [];
  for (let i = 0; i < 5; i++) {
    await tick();
    delays.push(clock.fire(retryTimer));
    await tick();
    server.connections.at(-1).end();
  }
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 4000]);
  await tick();
  clock.fire(retryTimer);
  await tick();
  server.connections.at(-1).write(': subscribed after 8\n\n');
  await tick();
  server.connections.at(-1).end();
  await tick();
  assert.deepEqual(clock.pending(retryTimer), [500], 'a subscription resets the backoff');
  stream.stop();
  assert.deepEqual(clock.pending(retryTimer), []);
  assert.equal(seen.statuses.at(-1), 'stopped');
});

test('stream: a gap beyond the replay window or a restarted server asks for a refetch', async () => {
  const { server, clock, seen, stream } = open();
  await tick();
  server.connections[0].write(': subscribed after 10\n\n' + ev(11));
  await tick();
  server.connections[0].end();
  await tick();
  clock.fire(retryTimer);
  await tick();
  assert.equal(server.connections[1].headers['Last-Event-ID'], '11');
  server.connections[1].write(': subscribed after 5000\n\n' + ev(900) + ev(901));
  await tick();
  assert.deepEqual(seen.resets, ['initial', 'gap']);
  assert.deepEqual(seen.events.slice(-2), [[900, 'gap'], [901, 'next']]);
  server.connections[1].end();
  await tick();
  clock.fire(retryTimer);
  await tick();
  server.connections[2].write(': subscribed after 3\n\n' + ev(4));
  await tick();
  assert.deepEqual(seen.resets, ['initial', 'gap', 'restart']);
  assert.deepEqual(clock.pending(replayTimer), [777], 'only a resume (not a restart) waits for its replay');
  clock.fire(replayTimer);
  assert.deepEqual(seen.resets, ['initial', 'gap', 'restart'], 'a closed stream\'s replay is not checked');
  assert.deepEqual(seen.events.at(-1), [4, 'next']);
  server.connections[2].end();
  await tick();
  clock.fire(retryTimer);
  await tick();
  assert.equal(server.connections[3].headers['Last-Event-ID'], '4');
  server.connections[3].write(': subscribed after 9\n\n' + ev(5));
  await tick();
  clock.fire(replayTimer);
  assert.deepEqual(seen.resets.at(-1), 'gap', 'the replay stopped short of 9: refetch');
  server.connections[3].write('event: reset\ndata: {}\n\n');
  await tick();
  assert.deepEqual(seen.resets.at(-1), 'server');
  stream.stop();
});

test('stream: a refused token stops it; a silent stream is reopened; nudge skips the wait', async () => {
  fakeServer.nextStatus = 401;
  const refused = open();
  await tick();
  assert.equal(refused.seen.unauthorized, 1);
  assert.deepEqual(refused.clock.pending(retryTimer), [], 'no retry storm after a 401');

  const { server, clock, seen, stream } = open();
  await tick();
  server.connections[0].write(': subscribed after 0\n\n');
  await tick();
  clock.fire((ms) => ms === 45000);  // 45 s without a byte, not even a heartbeat
  await tick();
  assert.equal(server.connections[0].aborted, true);
  assert.deepEqual(clock.pending(retryTimer), [500]);
  stream.nudge();  // the browser is back online: no need to wait
  await tick();
  assert.equal(server.connections.length, 2);
  assert.deepEqual(clock.pending(retryTimer), []);
  assert.equal(seen.unauthorized, 0);
  stream.stop();
});

test('stream: presence events (no id, seq 0) pass by the resume bookkeeping', async () => {
  const { server, clock, seen, stream } = open();
  await tick();
  const presence = (state) =>
    `event: presence\ndata: ${JSON.stringify({ seq: 0, kind: 'presence', presence: { conversation: 'c1', staff: 'ana', state } })}\n\n`;
  server.connections[0].write(': subscribed after 3\n\n' + ev(4) + presence('viewing') + ev(5) + presence('idle'));
  await tick();
  assert.deepEqual(seen.events, [[4, 'next'], [0, 'ephemeral'], [5, 'next'], [0, 'ephemeral']]);
  assert.deepEqual(seen.resets, ['initial'], 'no gap, no duplicate');
  server.connections[0].end();
  await tick();
  clock.fire(retryTimer);
  await tick();
  assert.equal(server.connections[1].headers['Last-Event-ID'], '5', 'resumes after the last real event');
  stream.stop();
});

test('stream: a 429 waits as long as its Retry-After says, then backs off as before', async () => {
  fakeServer.nextStatus = 429;
  fakeServer.nextHeaders = { 'Retry-After': '7' };
  const { server, clock, stream } = open();
  await tick();
  assert.deepEqual(clock.pending(retryTimer), [7000], 'told 7 s: not the usual 500 ms');
  clock.fire(retryTimer);
  await tick();
  assert.equal(server.connections.length, 2);
  server.connections[1].end();
  await tick();
  assert.deepEqual(clock.pending(retryTimer), [1000], 'the next failure: the backoff, not the old Retry-After');
  stream.stop();
});
