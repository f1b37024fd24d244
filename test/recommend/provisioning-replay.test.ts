import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replayAgainstVpa } from '../../src/recommend/provisioning-replay.js';
import { quantileLevels } from '../../src/recommend/recommend-options.js';
import type { DecisionSettings } from '../../src/recommend/service-decision.js';
import { cpuSeries, heldOutOf } from './synthetic-forecasts.js';

// 40 steps: 1 core for steps 0..29, then 2 cores. Held-out windows (one-step horizon) end at steps 19..38:
// 10 validation (19..28), 10 test (29..38), scored on steps 30..39. The model is perfect.
const series = cpuSeries(Array.from({ length: 40 }, (_, step) => [step < 30 ? 1 : 2]));
const heldOut = heldOutOf(
  series,
  Array.from({ length: 20 }, (_, k) => 19 + k),
  10,
  () => 0,
);
const settings: DecisionSettings = {
  shape: { horizon: 1, services: 1, targets: 1 },
  targets: { cpu: 0, gpu: null },
  levels: quantileLevels(0.9),
  sizing: { headroom: 0, minCores: 0, maxCores: Infinity, peakFactor: 2 },
  services: series.services,
  capacities: [{ cores: null, gpus: null }],
};

test('replay over the test split: a perfect forecast against the VPA-style baseline, by hand', () => {
  const comparison = replayAgainstVpa(settings, heldOut, series, 10);
  assert.deepEqual(
    [comparison.decisions, comparison.skippedForCalibration, comparison.firstStep, comparison.lastStep],
    [10, 0, 30, 39],
  );
  // A perfect forecast with no headroom provisions exactly what is used (2 cores stays under 2 × the
  // peak of 1 seen by T = 29).
  assert.deepEqual(comparison.totals.forecast, {
    provisionedCoreSeconds: 600,
    usedCoreSeconds: 600,
    overCoreSeconds: 0,
    underCoreSeconds: 0,
    underProvisionedFraction: 0,
  });
  // VPA: while fewer than 4 of the samples are 2 (decisions at T = 29..32), p90 = 1 → bucket end 1.02079
  // × 1.15 = 1.17391 → 1174m, under by 0.826 × 30 s each; from T = 33, p90 = 2 → 2.04069 × 1.15 → 2347m,
  // over by 0.347 × 30 s for six decisions.
  const vpa = comparison.totals.vpa;
  assert.ok(Math.abs(vpa.underCoreSeconds - 4 * 0.826 * 30) < 1e-6, `${vpa.underCoreSeconds}`);
  assert.ok(Math.abs(vpa.overCoreSeconds - 6 * 0.347 * 30) < 1e-6, `${vpa.overCoreSeconds}`);
  assert.equal(vpa.underProvisionedFraction, 0.4);
  assert.deepEqual(
    comparison.perService.map((entry) => entry.service),
    ['svc-0'],
  );
});

test('decisions are skipped until enough held-out errors are known', () => {
  const comparison = replayAgainstVpa(settings, heldOut, series, 15);
  // At T = 29 + j, the windows ending at 19..28 + j are scored: 10 + j of them; 15 needs j ≥ 5.
  assert.deepEqual(
    [comparison.decisions, comparison.skippedForCalibration, comparison.firstStep],
    [5, 5, 35],
  );
});
