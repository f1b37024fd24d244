import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProvisioningTally } from '../../src/recommend/provisioning-tally.js';

test('over- and under-provisioned core-seconds on a hand-computed case', () => {
  // 30-s steps, 3-step horizon: each (decision, step) pair counts 30 / 3 = 10 s.
  const tally = new ProvisioningTally(30, 3);
  // Decision 1 provisions 2 cores; 1, 3 and 2 are used: 1 core over, then 1 core under, then exact.
  for (const used of [1, 3, 2]) tally.add(2, used);
  // Decision 2 provisions 1 core; 1.5 used, one step missing (not scored), 0.5 used.
  for (const used of [1.5, NaN, 0.5]) tally.add(1, used);
  assert.deepEqual(tally.totals(), {
    provisionedCoreSeconds: (2 * 3 + 1 * 2) * 10,
    usedCoreSeconds: (1 + 3 + 2 + 1.5 + 0.5) * 10,
    overCoreSeconds: (1 + 0.5) * 10,
    underCoreSeconds: (1 + 0.5) * 10,
    underProvisionedFraction: 2 / 5,
  });
});

test('merging tallies adds their pairs', () => {
  const a = new ProvisioningTally(30, 1);
  const b = new ProvisioningTally(30, 1);
  a.add(1, 2);
  b.add(3, 1);
  a.merge(b);
  assert.deepEqual(a.totals(), {
    provisionedCoreSeconds: 120,
    usedCoreSeconds: 90,
    overCoreSeconds: 60,
    underCoreSeconds: 30,
    underProvisionedFraction: 0.5,
  });
  assert.equal(new ProvisioningTally(30, 1).totals().underProvisionedFraction, 0);
});
