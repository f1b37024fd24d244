import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VpaCpuHistory, vpaBucketEnd, vpaConfidence } from '../../src/recommend/vpa-baseline.js';

const close = (actual: number, expected: number, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} ≠ ${expected}`);

test('bucket ends follow the VPA CPU histogram: first bucket [0, 1m), each 5 % wider', () => {
  // start(b) = 0.001 × (1.05^b − 1) / 0.05; a value's bucket is floor(log_1.05(v × 0.05 / 0.001 + 1)).
  close(vpaBucketEnd(0.0005), 0.001); // bucket 0 ends where bucket 1 starts
  close(vpaBucketEnd(0.001), 0.00205); // bucket 1 = [1m, 2.05m)
  // 0.4 → log_1.05(21) = 62.4 → bucket 62, ending at start(63) = 0.02 × (1.05^63 − 1)
  close(vpaBucketEnd(0.4), 0.02 * (1.05 ** 63 - 1));
  close(vpaBucketEnd(0.4), 0.41246985141368225);
  assert.ok(vpaBucketEnd(2) >= 2 && vpaBucketEnd(2) <= 2 * 1.05 + 1e-9, 'within 5 % above the value');
});

test('confidence is the history in days, or the days of one-per-minute samples if fewer', () => {
  close(vpaConfidence(86400, 1440), 1);
  close(vpaConfidence(2 * 86400, 1440), 1);
  close(vpaConfidence(3600, 10_000), 1 / 24);
});

// Ten 30-s samples of one pod: five of 0.1, four of 0.4 and one spike of 2.0 cores. The weights are
// 2^(age / 24 h), so the oldest sample weighs least; whether the spike is oldest or newest decides whether
// it reaches the 90th percentile (threshold 0.9 × total: the nine non-spike samples hold 9 + 45a of
// 10 + 45a when the spike is oldest, a = ln 2 × 30 / 86400, which is above 9 + 40.5a).
const VALUES = [2.0, 0.1, 0.4, 0.1, 0.4, 0.1, 0.4, 0.1, 0.4, 0.1];
function historyOf(values: number[], replicas = 1) {
  const history = new VpaCpuHistory({ stepSeconds: 30, replicas, minCores: 0, maxCores: Infinity });
  values.forEach((value, step) => history.add(step, value * replicas));
  return history;
}

test('VPA-style recommendation on a small hand-computed series', () => {
  const spikeOldest = historyOf(VALUES).recommend();
  // target: p90 = 0.4 → bucket end 0.41247 × 1.15 = 0.47434 → rounded up to 475m
  assert.equal(spikeOldest?.target, 0.475);
  // lower: p50 = 0.1 → 0.10163 × 1.15 × (1 + 0.001 / confidence)^−2, confidence = 270 s = 0.003125 days
  // → 0.11687 × 0.57392 = 0.06708 → 68m
  assert.equal(spikeOldest?.lower, 0.068);
  // upper: p95 = 2.0 → 2.04069 × 1.15 × (1 + 1 / 0.003125) = 753.32 cores: a short history's wide bound
  assert.equal(spikeOldest?.upper, 753.323);

  const spikeNewest = historyOf([...VALUES].reverse()).recommend();
  // The spike now carries the most weight: p90 = 2.0 → 2.04069 × 1.15 = 2.3468 → 2347m
  assert.equal(spikeNewest?.target, 2.347);
  assert.equal(spikeNewest?.lower, 0.273, 'p50 = 0.4 once the 0.1 samples are the older ones');
});

test('per-pod usage is the service total over its replicas; 25m is the floor; policy bounds clamp', () => {
  assert.equal(
    historyOf(VALUES, 4).recommend()?.target,
    0.475,
    'same per-pod answer for a 4-replica service',
  );
  const idle = historyOf([0.001, 0.001, 0.001]).recommend();
  assert.deepEqual([idle?.lower, idle?.target], [0.025, 0.025]);
  const bounded = new VpaCpuHistory({ stepSeconds: 30, replicas: 1, minCores: 0.1, maxCores: 0.3 });
  VALUES.forEach((value, step) => bounded.add(step, value));
  assert.deepEqual(bounded.recommend(), { lower: 0.1, target: 0.3, upper: 0.3 });
});

test('no recommendation before two steps, and missing samples are skipped', () => {
  const history = new VpaCpuHistory({ stepSeconds: 30, replicas: 1, minCores: 0, maxCores: Infinity });
  assert.equal(history.recommend(), null);
  history.add(0, 1);
  history.add(1, NaN);
  assert.equal(history.recommend(), null);
  history.add(2, 1);
  assert.equal(history.samples, 2);
  assert.ok(history.recommend() !== null);
});
