// The composer's segment counter against the spec's rules (and the engine's, which the
// browser test compares with the `segments` the server stored).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countSegments, gsm7Cost, segmentSummary } from '../app/segments.js';

const seg = (s) => countSegments(s);

test('GSM-7: 160 septets in one segment, 153 per segment beyond', () => {
  assert.deepEqual([seg('').segments, seg('').encoding], [1, 'gsm7']);
  assert.equal(seg('a'.repeat(160)).segments, 1);
  assert.equal(seg('a'.repeat(160)).left, 0);
  assert.equal(seg('a'.repeat(161)).segments, 2);
  assert.equal(seg('a'.repeat(306)).segments, 2);
  assert.equal(seg('a'.repeat(307)).segments, 3);
  assert.equal(seg('a'.repeat(161)).left, 153 * 2 - 161);
});

test('extension characters cost two septets and never straddle two segments', () => {
  for (const ch of '^{}\\[]~|€\f') assert.equal(gsm7Cost(ch), 2, JSON.stringify(ch));
  assert.equal(seg('€'.repeat(80)).units, 160);
  assert.equal(seg('€'.repeat(80)).segments, 1);
  assert.equal(seg('€'.repeat(81)).segments, 2);
  // 152 plain septets then one '{': 154 septets > 153 would split it: it goes whole into part 2.
  const s = seg('a'.repeat(152) + '{' + 'b'.repeat(10));
  assert.equal(s.encoding, 'gsm7');
  assert.equal(s.units, 164);
  assert.equal(s.segments, 2);
  assert.equal(s.left, 153 - 12);
});

test('the default alphabet beyond ASCII stays GSM-7; anything else is UCS-2', () => {
  assert.equal(seg('Café à München, £5, Ñoño ¿sì? ΔΩ').encoding, 'gsm7');
  assert.equal(seg('back`tick').encoding, 'ucs2');
  assert.equal(seg('Zoë').encoding, 'ucs2');  // ë is not in the default alphabet
  assert.deepEqual(seg('ok 😀 ë 😀').nonGsm, ['😀', 'ë']);
  assert.equal(seg('line\nbreak\r').encoding, 'gsm7');
  assert.equal(seg('tab\there').encoding, 'ucs2');
});

test('UCS-2: 70 code units in one segment, 67 beyond; emoji count two and are not split', () => {
  assert.equal(seg('ë'.repeat(70)).segments, 1);
  assert.equal(seg('ë'.repeat(71)).segments, 2);
  assert.equal(seg('ë'.repeat(134)).segments, 2);
  assert.equal(seg('ë'.repeat(135)).segments, 3);
  assert.equal(seg('😀'.repeat(35)).units, 70);
  assert.equal(seg('😀'.repeat(35)).segments, 1);
  assert.equal(seg('😀'.repeat(35)).chars, 35);
  // 66 units then an emoji (2): 68 > 67, so the emoji opens part 2.
  assert.equal(seg('ë'.repeat(66) + '😀' + 'ë'.repeat(5)).segments, 2);
  assert.equal(seg('ë'.repeat(66) + '😀' + 'ë'.repeat(5)).left, 67 - 7);
});

test('the summary says the encoding, why, the segments and what is left', () => {
  assert.equal(segmentSummary(seg('Hi there')), 'GSM-7 · 1 segment · 152 left');
  assert.equal(segmentSummary(seg('Hi 😀')), 'UCS-2 (because of 😀) · 1 segment · 65 left');
  assert.match(segmentSummary(seg('a'.repeat(200))), /^GSM-7 · 2 segments · 106 left$/);
});
