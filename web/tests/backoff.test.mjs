// The 429 backoff (app/backoff.js): Retry-After obeyed (seconds or a date), else 1, 2, 4 s
// ... capped at 30 s; one gate that holds every request until the wait is over.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAP_MS, RETRY_AFTER_MAX_MS, createGate, parseRetryAfter, retryDelay } from '../app/backoff.js';

test('Retry-After: delta-seconds or an HTTP date; anything else names nothing', () => {
  const now = Date.parse('2026-12-03T18:00:00Z');
  assert.equal(parseRetryAfter('3', now), 3000);
  assert.equal(parseRetryAfter(' 0 ', now), 0);
  assert.equal(parseRetryAfter('Thu, 03 Dec 2026 18:00:05 GMT', now), 5000);
  assert.equal(parseRetryAfter('Thu, 03 Dec 2026 17:00:00 GMT', now), 0, 'a date passed: at once');
  for (const bad of [null, undefined, '', '-1', '1.5', 'soon', '12abc'])
    assert.equal(parseRetryAfter(bad, now), null, String(bad));
});

test('the delay: as told (bounded), else exponential from 1 s with at most 10% jitter, capped', () => {
  assert.equal(retryDelay('2', 5), 2000, 'the server\'s word over the attempt count');
  assert.equal(retryDelay('86400', 0), RETRY_AFTER_MAX_MS);
  const low = [0, 1, 2, 3, 4, 5, 6, 9].map((a) => retryDelay(null, a, { random: () => 0 }));
  assert.deepEqual(low, [1000, 2000, 4000, 8000, 16000, CAP_MS, CAP_MS, CAP_MS]);
  assert.equal(retryDelay('', 2, { random: () => 0.999 }), Math.round(4000 * 1.0999));
});

test('the gate holds every request until the wait is over; says so once, and when it ends', async () => {
  let t = 1000;
  const slept = [];
  const changes = [];
  const gate = createGate({ now: () => t, sleep: async (ms) => (slept.push(ms), (t += ms)), onChange: (c) => changes.push(c) });
  await gate.wait();
  assert.deepEqual(slept, [], 'open: no wait');
  gate.hold(2000);
  gate.hold(500);  // a shorter wait does not shorten it
  assert.deepEqual(changes, [{ until: 3000 }]);
  gate.passed();   // an answer that was under way: still waiting
  assert.equal(changes.length, 1);
  await Promise.all([gate.wait(), gate.wait()]);
  assert.equal(t, 3000);
  gate.passed();
  gate.passed();
  assert.deepEqual(changes, [{ until: 3000 }, null]);
});
