// The data pipeline end to end on a real simulated run: readRun → series → windows → split → normaliser,
// plus the call graph and the run's incidents.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { UsageError } from '../../src/core/errors.js';
import { dropExcludedWindows, excludedRangesFromIncidents } from '../../src/dataset/anomaly-windows.js';
import { graphFromRun } from '../../src/dataset/call-graph.js';
import { fitNormaliser } from '../../src/dataset/normalisation.js';
import { readRun, type RunData } from '../../src/dataset/run-reader.js';
import { seriesFromRun, targetsWithSignal } from '../../src/dataset/series.js';
import { splitWindows } from '../../src/dataset/split.js';
import { makeWindows } from '../../src/dataset/windows.js';
import { profileSimulated } from '../../src/profiler/simulated-profile.js';
import { tempDir } from './run-fixtures.js';

const SPLIT = { train: 0.6, validation: 0.2, test: 0.2 };

describe('dataset pipeline on a simulated 1 h ecommerce run', () => {
  let run: RunData;
  before(async () => {
    const out = join(tempDir(), 'run');
    await profileSimulated({
      benchmark: 'ecommerce',
      durationSeconds: 3600,
      stepSeconds: 30,
      load: { min: 80, max: 220, redrawSeconds: 60 },
      seed: 3,
      tracesPerStep: 5,
      incidentsPerHour: 4,
      out,
    });
    run = readRun(out);
  });

  it('builds series, windows, splits and a normaliser of consistent shapes', () => {
    assert.deepEqual(targetsWithSignal(run), ['cpu']);
    const series = seriesFromRun(run, { targets: ['cpu'], extraInputs: ['memory', 'load'] });
    const services = run.services.length;
    assert.equal(series.steps, 120);
    assert.equal(series.featureNames.length, 7);
    assert.equal(series.values.length, 120 * services * 7);

    const windows = makeWindows(series);
    assert.equal(windows.count + windows.skippedForGaps, 120 - 13 + 1);
    assert.equal(windows.inputs.length, windows.count * 10 * services * 7);
    assert.equal(windows.targets.length, windows.count * 3 * services * 1);

    const split = splitWindows(windows, SPLIT);
    assert.deepEqual(split.ranges, {
      train: { start: 0, end: 72 },
      validation: { start: 72, end: 96 },
      test: { start: 96, end: 120 },
    });
    const assigned = split.windows.train.length + split.windows.validation.length + split.windows.test.length;
    assert.equal(assigned + split.straddling, windows.count);
    assert.ok(split.windows.test.length > 0 && split.windows.validation.length > 0);

    const normaliser = fitNormaliser(series, split.ranges.train, 'minmax');
    const normalised = normaliser.normaliseSeries(series);
    const trainCells = normalised.values.subarray(0, 72 * services * 7);
    assert.ok(trainCells.every((value) => Number.isNaN(value) || (value >= -1e-6 && value <= 1 + 1e-6)));
  });

  it('refuses the default split: one hour is shorter than the 129 steps it needs', () => {
    const windows = makeWindows(seriesFromRun(run, { targets: ['cpu'] }));
    assert.throws(
      () => splitWindows(windows),
      (error: unknown) => error instanceof UsageError && /at least 129 steps are needed/.test(error.message),
    );
  });

  it('builds the call graph from the sampled traces', () => {
    const graph = graphFromRun(run, { direction: 'symmetric', selfLoops: true, weighting: 'binary' });
    const n = run.services.length;
    assert.equal(graph.adjacency.length, n * n);
    assert.ok(graph.edges.length > 0);
    for (const { um, dm } of graph.edges) {
      assert.equal(graph.adjacency[dm * n + um], 1);
      assert.equal(graph.adjacency[um * n + dm], 1);
    }
  });

  it('excludes the windows that forecast the run’s incidents', () => {
    const ranges = excludedRangesFromIncidents(run.manifest);
    const windows = makeWindows(seriesFromRun(run, { targets: ['cpu'] }));
    const all = Int32Array.from({ length: windows.count }, (_, k) => k);
    const { kept, excluded } = dropExcludedWindows(all, windows, ranges);
    assert.equal(kept.length + excluded, windows.count);
    assert.equal(excluded > 0, ranges.length > 0);
  });
});
