// How many SMS segments a text takes, and in which encoding: the same rules as the engine
// (engine/core/src/segments.cpp, spec "Messages"). GSM-7 when every character is in the
// GSM 03.38 default alphabet or its extension table (extension characters `^{}\[~]|€` and
// form feed cost 2 septets): 160 septets in one segment, 153 per segment when split.
// Otherwise UCS-2: 70 UTF-16 code units in one segment, 67 per segment when split (a
// character outside the BMP, such as most emoji, costs 2). A character never straddles two
// segments. Pure: no DOM, tested under node (tests/segments.test.mjs).

export const GSM7_SINGLE = 160;
export const GSM7_PART = 153;
export const UCS2_SINGLE = 70;
export const UCS2_PART = 67;
export const MAX_BODY_CHARS = 1600;  // code points (spec: a body is at most 1600 characters)

const EXTENSION = new Set(['\f', '^', '{', '}', '\\', '[', ']', '~', '|', '€']);
// The default alphabet beyond printable ASCII ('`' is the one printable ASCII character
// it lacks).
const LATIN = new Set([...'£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà']);

/// The cost of one character (a code point as a string) in septets: 1, 2, or 0 when
/// GSM-7 cannot carry it.
export function gsm7Cost(ch) {
  if (EXTENSION.has(ch)) return 2;
  if (ch === '\n' || ch === '\r') return 1;
  const cp = ch.codePointAt(0);
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f && ch !== '`' ? 1 : 0;
  return LATIN.has(ch) ? 1 : 0;
}

function pack(costs, perPart) {
  let parts = 1;
  let used = 0;
  for (const c of costs) {
    if (used + c > perPart) {
      parts += 1;
      used = 0;
    }
    used += c;
  }
  return parts;
}

/// {encoding: 'gsm7'|'ucs2', segments, units (septets or code units), perSegment (the
/// units a segment holds at this length), left (units left in the last segment), chars
/// (code points), nonGsm (the first characters that force UCS-2, at most 5)}.
export function countSegments(body) {
  const chars = [...body];
  const gsmCosts = chars.map(gsm7Cost);
  const nonGsm = [...new Set(chars.filter((_, i) => gsmCosts[i] === 0))].slice(0, 5);
  if (nonGsm.length === 0) return describe('gsm7', gsmCosts, GSM7_SINGLE, GSM7_PART, chars.length, nonGsm);
  const costs = chars.map((c) => (c.codePointAt(0) > 0xffff ? 2 : 1));
  return describe('ucs2', costs, UCS2_SINGLE, UCS2_PART, chars.length, nonGsm);
}

function describe(encoding, costs, single, part, chars, nonGsm) {
  const units = costs.reduce((a, b) => a + b, 0);
  if (units <= single)
    return { encoding, segments: 1, units, perSegment: single, left: single - units, chars, nonGsm };
  const segments = pack(costs, part);
  // Units in the last segment: replay the packing.
  let used = 0;
  for (const c of costs) used = used + c > part ? c : used + c;
  return { encoding, segments, units, perSegment: part, left: part - used, chars, nonGsm };
}

/// One line for the composer: "GSM-7 · 1 segment · 148 left" / "UCS-2 (because of 😀) · 2 segments".
export function segmentSummary(info) {
  const enc = info.encoding === 'gsm7' ? 'GSM-7' : `UCS-2${info.nonGsm.length ? ` (because of ${info.nonGsm.join(' ')})` : ''}`;
  return `${enc} · ${info.segments} segment${info.segments === 1 ? '' : 's'} · ${info.left} left`;
}
