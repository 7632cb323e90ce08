// app/windowing.js: the rows the windowed list renders, when it asks for the next page,
// and how pages and live rows join the loaded rows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OVERSCAN, ROW_HEIGHT, appendRows, insertSorted, scrollToShow, visibleRange, wantsMore } from '../app/windowing.js';

test('only the rows in view and the overscan, whatever the count', () => {
  const top = visibleRange({ scrollTop: 0, height: 600, count: 100000 });
  assert.equal(top.start, 0);
  assert.equal(top.end, Math.ceil(600 / ROW_HEIGHT) + 1 + OVERSCAN);
  assert.equal(top.padTop, 0);
  assert.equal(top.padBottom, (100000 - top.end) * ROW_HEIGHT);
  const mid = visibleRange({ scrollTop: 50000 * ROW_HEIGHT + 10, height: 600, count: 100000 });
  assert.equal(mid.start, 50000 - OVERSCAN);
  assert.equal(mid.end - mid.start, Math.ceil(600 / ROW_HEIGHT) + 1 + 2 * OVERSCAN);
  assert.equal(mid.padTop + (mid.end - mid.start) * ROW_HEIGHT + mid.padBottom, 100000 * ROW_HEIGHT, 'full height kept');
  const end = visibleRange({ scrollTop: 1e9, height: 600, count: 3 });
  assert.deepEqual([end.start, end.end, end.padBottom], [0, 3, 0], 'past the end: the last rows');
  assert.deepEqual(visibleRange({ scrollTop: 0, height: 600, count: 0 }), { start: 0, end: 0, padTop: 0, padBottom: 0 });
});

test('the next page is asked for near the end, once, and only when there is one', () => {
  assert.equal(wantsMore({ end: 150, count: 200, hasMore: true, loading: false }), true);
  assert.equal(wantsMore({ end: 50, count: 200, hasMore: true, loading: false }), false);
  assert.equal(wantsMore({ end: 150, count: 200, hasMore: true, loading: true }), false);
  assert.equal(wantsMore({ end: 200, count: 200, hasMore: false, loading: false }), false);
});

test('keys scroll as little as needed to show a row', () => {
  assert.equal(scrollToShow(0, { scrollTop: 800, height: 600 }), 0);
  assert.equal(scrollToShow(12, { scrollTop: 0, height: 600 }), 13 * ROW_HEIGHT - 600);
  assert.equal(scrollToShow(3, { scrollTop: 0, height: 600 }), 0, 'in view: no scroll');
});

test('pages append without duplicates; live rows go to their place', () => {
  const r = (id, t) => ({ conversation: id, t });
  const have = [r('a', 9), r('b', 8)];
  assert.deepEqual(appendRows(have, [r('b', 1), r('c', 7)]).map((x) => x.conversation), ['a', 'b', 'c']);
  assert.equal(appendRows(have, [r('b', 1)])[1].t, 8, 'the row already listed keeps its newer place');
  const cmp = (x, y) => y.t - x.t;
  assert.deepEqual(insertSorted([r('a', 9), r('c', 7)], r('b', 8), cmp).map((x) => x.conversation), ['a', 'b', 'c']);
  assert.deepEqual(insertSorted([], r('a', 1), cmp).map((x) => x.conversation), ['a']);
  assert.deepEqual(insertSorted([r('a', 9)], r('z', 10), cmp).map((x) => x.conversation), ['z', 'a']);
});
