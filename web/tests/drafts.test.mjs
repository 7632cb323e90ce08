// Reply drafts in session storage (app/drafts.js): per staff member and conversation,
// forgotten when emptied, all gone at sign-out, and nothing kept before the owner is known.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDrafts } from '../app/drafts.js';

/// The Web Storage interface over a Map.
function memoryStorage() {
  const m = new Map();
  return {
    get length() {
      return m.size;
    },
    key: (i) => [...m.keys()][i] ?? null,
    getItem: (k) => (m.has(k) ? m.get(k) : null),
    setItem: (k, v) => m.set(k, String(v)),
    removeItem: (k) => m.delete(k),
    map: m,
  };
}

const maya = { business: 'lotus', staff: 'maya' };
const ana = { business: 'lotus', staff: 'ana' };

test('a draft is per staff member and conversation', () => {
  const d = createDrafts(memoryStorage());
  d.save(maya, 'c1', 'Hello Noah', 'm7');
  d.save(maya, 'c2', 'Hi Emma', null);
  assert.deepEqual(d.load(maya, 'c1'), { text: 'Hello Noah', base: 'm7' });
  assert.deepEqual(d.load(maya, 'c2'), { text: 'Hi Emma', base: null });
  assert.equal(d.load(ana, 'c1'), null, 'not another staff member\'s');
  assert.equal(d.load({ business: 'other', staff: 'maya' }, 'c1'), null, 'not another business\'s');
});

test('an emptied or sent draft is forgotten; sign-out forgets all and nothing else', () => {
  const s = memoryStorage();
  s.setItem('msgcenter.token', 'mcs_x');
  const d = createDrafts(s);
  d.save(maya, 'c1', 'one');
  d.save(maya, 'c2', 'two');
  d.save(ana, 'c1', 'three');
  d.save(maya, 'c1', '');
  assert.equal(d.load(maya, 'c1'), null);
  d.clear(maya, 'c2');
  assert.equal(d.load(maya, 'c2'), null);
  assert.deepEqual(d.load(ana, 'c1'), { text: 'three', base: null });
  d.save(maya, 'c3', 'four');
  d.clearAll();
  assert.deepEqual([...s.map.keys()], ['msgcenter.token']);
});

test('nothing is kept before the owner is known; bad storage is survived', () => {
  const s = memoryStorage();
  const d = createDrafts(s);
  d.save(null, 'c1', 'lost');
  assert.equal(s.map.size, 0);
  s.setItem('msgcenter.draft.lotus/maya/c1', '{not json');
  assert.equal(d.load(maya, 'c1'), null);
  const full = createDrafts({ ...memoryStorage(), setItem: () => { throw new Error('QuotaExceededError'); } });
  full.save(maya, 'c1', 'x');
  assert.equal(full.load(maya, 'c1'), null);
});
