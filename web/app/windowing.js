// The conversation list's windowing (app/list.js): with uniform rows, only the rows in view
// (plus a small overscan) are in the DOM, the list's full height is kept with padding above
// and below them (not transforms), and the next cursor page is asked for when the view
// comes near the end of what is loaded. Also how a page or a live row joins the loaded rows.
// Pure: tested under node (tests/windowing.test.mjs).

export const ROW_HEIGHT = 80;   // px, as .rows li in style.css
export const OVERSCAN = 6;      // rows rendered above and below the view
export const PREFETCH = 100;    // rows left below the view when the next page is asked for

/// The rows to render for a scroll position: [start, end) and the padding that stands for
/// the rows left out.
export function visibleRange({ scrollTop, height, count, rowHeight = ROW_HEIGHT, overscan = OVERSCAN }) {
  const inView = Math.ceil(Math.max(height, rowHeight) / rowHeight);
  // Past the end (rows left the list under a scrolled view): the last rows.
  const first = Math.min(Math.floor(Math.max(0, scrollTop) / rowHeight), Math.max(0, count - inView));
  const last = first + inView + 1;  // a row may show in part at the top and at the bottom
  const start = Math.max(0, Math.min(count, first - overscan));
  const end = Math.max(start, Math.min(count, last + overscan));
  return { start, end, padTop: start * rowHeight, padBottom: (count - end) * rowHeight };
}

/// Whether to ask for the next page now.
export function wantsMore({ end, count, hasMore, loading, prefetch = PREFETCH }) {
  return hasMore && !loading && count - end <= prefetch;
}

/// The scrollTop that shows row `index` whole, moving as little as possible.
export function scrollToShow(index, { scrollTop, height, rowHeight = ROW_HEIGHT }) {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + height) return top + rowHeight - height;
  return scrollTop;
}

/// The next cursor page after the rows loaded: it continues below them (the server's pages
/// are stable), so it is appended; a row already listed (moved up by a live event since)
/// keeps its newer place.
export function appendRows(have, extra) {
  const ids = new Set(have.map((r) => r.conversation));
  return have.concat(extra.filter((r) => !ids.has(r.conversation)));
}

/// `list` (sorted by `cmp`) with `row` put where it belongs: a binary search, not a sort of
/// 100k rows per event.
export function insertSorted(list, row, cmp) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cmp(list[mid], row) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return [...list.slice(0, lo), row, ...list.slice(lo)];
}
