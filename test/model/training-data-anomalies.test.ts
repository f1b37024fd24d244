import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { profileSimulated } from '../../src/profiler/simulated-profile.js';
import { loadTrainingData, type DataOptions } from '../../src/model/training-data.js';
import { tempDir } from '../dataset/run-fixtures.js';

// A 2 h ecommerce run (240 steps of 30 s) without simulated incidents, then one annotated fault written into
// run.json the way `rescape import` records a dataset's fault list.
const run = join(tempDir(), 'run');
const FAULT = { service: 'payment-processing', kind: 'cpu_contention', startStep: 215, endStep: 220 };

before(async () => {
  await profileSimulated({
    benchmark: 'ecommerce',
    durationSeconds: 7200,
    stepSeconds: 30,
    load: { min: 80, max: 220, redrawSeconds: 60 },
    seed: 5,
    tracesPerStep: 2,
    incidentsPerHour: 0,
    out: run,
  });
  const manifestFile = join(run, 'run.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  manifest.cluster.anomalies = [FAULT];
  writeFileSync(manifestFile, JSON.stringify(manifest));
});

const options = (excludeAnomalies: boolean): DataOptions => ({
  runDirs: [run],
  extraInputs: [],
  shape: { window: 10, horizon: 3, stride: 1 },
  split: { train: 0.7, validation: 0.1, test: 0.2 },
  normaliserKind: 'robust',
  graph: { direction: 'symmetric', selfLoops: true, weighting: 'binary' },
  excludeAnomalies,
});

test('--exclude-anomalies leaves out exactly the test windows whose targets touch an annotated fault', async () => {
  const all = await loadTrainingData(options(false));
  const kept = await loadTrainingData(options(true));
  // Targets of the window starting at s are steps s+10 .. s+12; they touch 215..219 when s + 12 ≥ 215 and
  // s + 10 ≤ 219, i.e. for s = 203 .. 209 (all inside the test split, which holds starts 192 .. 227).
  const touching = 209 - 203 + 1;
  assert.equal(all.runs[0]!.excludedAnomalyWindows, 0);
  assert.equal(kept.runs[0]!.excludedAnomalyWindows, touching);
  assert.equal(kept.splits.test.raw.count, all.splits.test.raw.count - touching);
  for (const start of kept.splits.test.raw.starts) {
    assert.ok(
      start + 12 < FAULT.startStep || start + 10 >= FAULT.endStep,
      `window at ${start} touches the fault`,
    );
  }
  // Only the test split is judged without the fault; training still sees it.
  assert.equal(kept.splits.train.raw.count, all.splits.train.raw.count);
  assert.equal(kept.splits.validation.raw.count, all.splits.validation.raw.count);
});
