// The list's view in the URL hash: round trips, defaults, malformed input, API query.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dayToMs, describeFilters, emptyView, filterCount, isFiltered, listParams, parseHash, toHash } from '../app/filters.js';

test('the default view has an empty hash and no filter', () => {
  assert.equal(toHash(emptyView()), '');
  assert.deepEqual(parseHash(''), emptyView());
  assert.equal(isFiltered(emptyView()), false);
});

test('a view round-trips through the hash, search with + and spaces included', () => {
  const v = { ...emptyView(), folder: 'unread', q: '+1 (202) 555-0142', types: ['failed', 'manual'], from: '2026-01-31',
    to: '2026-02-02', client_type: 'member', group: 'newsletter', location: 'downtown', contact_kind: 'resources',
    assignee: 'none', last_direction: 'out' };
  const h = toHash(v);
  assert.match(h, /^#folder=unread&q=%2B1\+%28202%29\+555-0142&types=failed%2Cmanual&/);
  assert.deepEqual(parseHash(h), v);
  assert.equal(filterCount(v), 9);
});

test('a search alone is not a filter (spec: it finds pinned conversations too)', () => {
  const v = parseHash('#q=emma');
  assert.equal(v.q, 'emma');
  assert.equal(isFiltered(v), false);
  assert.equal(isFiltered(parseHash('#group=vip')), true);
});

test('unknown folders, types, kinds and malformed dates are dropped', () => {
  const v = parseHash('#folder=spam&types=manual,bogus&from=31/01/2026&to=2026-02-02&contact_kind=x&last_direction=up&junk=1');
  assert.deepEqual(v, { ...emptyView(), types: ['manual'], to: '2026-02-02' });
});

test('the API query: dates as local day bounds in ms, empty values left out', () => {
  const p = listParams({ ...emptyView(), folder: 'all', q: '  zoe ', types: ['campaign'], from: '2026-03-01', to: '2026-03-01', assignee: 'leo' });
  assert.deepEqual(p, { folder: 'all', q: 'zoe', types: 'campaign', from: dayToMs('2026-03-01'), to: dayToMs('2026-03-02') - 1, assignee: 'leo' });
  assert.equal(new Date(p.from).getHours(), 0);
  assert.deepEqual(listParams(emptyView()), { folder: 'inbox' });
});

test('the filters are described in words', () => {
  assert.equal(describeFilters({ ...emptyView(), types: ['failed'], assignee: 'none', last_direction: 'in' }),
    'failed, unassigned, last text received');
});
