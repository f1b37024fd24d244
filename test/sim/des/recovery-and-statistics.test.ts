import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recoverySeconds } from '../../../src/sim/des/recovery.js';
import { seedStatistic, tQuantile975 } from '../../../src/sim/des/seed-statistics.js';

// Ticks of 5 s; met[k] covers the window ending at (k + 1) × 5 s; 30 s windows hold 6 ticks.
const met = (pattern: string) => Array.from(pattern, (c) => (c === '1' ? 1 : 0));

const recoveryCases = [
  { name: 'never violated → 0', pattern: '111111111111111111111111', fault: [20, 40], expected: 0 },
  {
    // Violations from the window ending at 30 s (k = 5) to 50 s (k = 9); compliant from 55 s (k = 10) on.
    name: 'violated, then compliant for a whole window → the first compliant window',
    pattern: '11111000001111111111111111',
    fault: [20, 40],
    expected: 55 - 20,
  },
  {
    name: 'one compliant window amid violations does not count',
    pattern: '1111100100011111111111111111',
    fault: [20, 40],
    expected: 60 - 20,
  },
  {
    name: 'a violation long after the fault is not its doing',
    pattern: '111111111111111111100000111111111',
    fault: [20, 40],
    expected: 0,
  },
  {
    name: 'never recovers → until the end of the run',
    pattern: '11111000000000',
    fault: [20, 40],
    expected: 100 - 20,
  },
];

for (const { name, pattern, fault, expected } of recoveryCases) {
  test(`recovery time: ${name}`, () => {
    const [startSeconds, endSeconds] = fault as [number, number];
    assert.equal(recoverySeconds(met(pattern), 5, 30, { startSeconds, endSeconds }, 100), expected);
  });
}

test('t quantiles: the table, and the expansion beyond it close to the normal quantile', () => {
  assert.equal(tQuantile975(1), 12.706);
  assert.equal(tQuantile975(2), 4.303);
  assert.equal(tQuantile975(30), 2.042);
  assert.ok(Math.abs(tQuantile975(40) - 2.021) < 1e-3, String(tQuantile975(40)));
  assert.ok(Math.abs(tQuantile975(120) - 1.98) < 1e-3, String(tQuantile975(120)));
  assert.ok(Number.isNaN(tQuantile975(0)));
});

test('seed statistics: mean ± t·s/√n; one seed has no interval', () => {
  const stat = seedStatistic([10, 12, 14]);
  assert.equal(stat.mean, 12);
  const half = (4.303 * 2) / Math.sqrt(3);
  assert.ok(Math.abs(stat.ciHigh - (12 + half)) < 1e-12);
  assert.ok(Math.abs(stat.ciLow - (12 - half)) < 1e-12);
  assert.deepEqual(stat.values, [10, 12, 14]);
  assert.deepEqual(seedStatistic([7]), { mean: 7, ciLow: 7, ciHigh: 7, values: [7] });
});
