import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecentKeys } from '../../src/dataset/import/recent-keys.js';

test('remembers the most recent keys only, first in first out', () => {
  const recent = new RecentKeys(3);
  assert.equal(recent.add('a'), true);
  assert.equal(recent.add('b'), true);
  assert.equal(recent.add('a'), false, 'a duplicate within the window');
  assert.equal(recent.add('c'), true);
  assert.equal(recent.add('d'), true, 'evicts a, the oldest');
  assert.equal(recent.add('a'), true, 'a was forgotten');
  assert.equal(recent.add('c'), false);
  assert.equal(recent.add('b'), true, 'b was evicted by a');
});

test('stays linear once the window is full (no quadratic eviction)', () => {
  const recent = new RecentKeys(1 << 16);
  let added = 0;
  for (let index = 0; index < 4 << 16; index += 1) if (recent.add(`k${index}`)) added += 1;
  assert.equal(added, 4 << 16);
  assert.equal(recent.add(`k${(4 << 16) - 1}`), false);
  assert.equal(recent.add('k0'), true);
});
