import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, UsageError } from '../../src/core/errors.js';
import {
  LOAD_FEATURES,
  seriesFromRun,
  seriesIndex,
  targetsWithSignal,
  type SeriesOptions,
} from '../../src/dataset/series.js';
import { runData } from './run-data.js';

describe('seriesFromRun', () => {
  it('lays values out as [steps × services × features], targets first, load the same for every service', () => {
    const run = runData({
      services: 2,
      steps: 4,
      cpu: (t, s) => t + 10 * s,
      memory: (t, s) => 1000 * (s + 1) + t,
    });
    const series = seriesFromRun(run, { targets: ['cpu'], extraInputs: ['load', 'memory'] });
    assert.deepEqual(series.featureNames, ['cpu', 'memory', ...LOAD_FEATURES]);
    assert.equal(series.targets, 1);
    assert.equal(series.steps, 4);
    assert.equal(series.stepSeconds, 30);
    assert.equal(series.values.length, 4 * 2 * 7);
    const at = (t: number, s: number, f: number) => series.values[seriesIndex(series, t, s, f)];
    assert.equal(at(2, 1, 0), 12);
    assert.equal(at(2, 1, 1), 2002);
    assert.equal(at(2, 0, 2), 102); // concurrency 100 + t
    assert.equal(at(2, 1, 2), 102);
    assert.equal(at(3, 1, 3), 1006); // requests 1000 + 2t
    assert.equal(series.values[(2 * 2 + 1) * 7], 12); // the documented index formula
    assert.deepEqual(series.lateServices, []);
    assert.equal(series.missing, 0);
  });

  it('orders two targets as requested, before the extra inputs', () => {
    const run = runData({ services: 1, steps: 3, cpu: (t) => t, gpu: (t) => t / 10 });
    const series = seriesFromRun(run, { targets: ['gpu', 'cpu'], extraInputs: ['memory'] });
    assert.deepEqual(series.featureNames, ['gpu', 'cpu', 'memory']);
    assert.equal(series.targets, 2);
    assert.deepEqual(Array.from(series.values.subarray(6, 9)), [Math.fround(0.2), 2, 1000]);
  });

  it('sets the steps before a late service’s first sample to 0 and keeps interior gaps as NaN', () => {
    const late = (t: number, s: number, value: number) => (s === 1 && t < 3 ? null : value);
    const run = runData({
      services: 2,
      steps: 8,
      cpu: (t, s) => (s === 1 && t === 5 ? null : late(t, s, 1 + t)),
      gpu: (t, s) => late(t, s, 0),
      memory: (t, s) => late(t, s, 500),
    });
    const series = seriesFromRun(run, { targets: ['cpu'], extraInputs: ['memory'] });
    assert.deepEqual(series.lateServices, [{ msId: 1, msName: 'svc-b', firstStep: 3 }]);
    assert.equal(series.filledLeading, 3 * 2); // steps 0..2, cpu and memory
    assert.equal(series.missing, 1);
    const at = (t: number, f: number) => series.values[seriesIndex(series, t, 1, f)];
    assert.deepEqual([at(0, 0), at(2, 0), at(2, 1), at(3, 0), at(3, 1)], [0, 0, 0, 4, 500]);
    assert.ok(Number.isNaN(at(5, 0)));
  });

  it('reports a service never sampled as late from the end, all zeros', () => {
    const run = runData({
      services: 2,
      steps: 3,
      cpu: (t, s) => (s === 1 ? null : t),
      gpu: () => null,
      memory: () => null,
    });
    const series = seriesFromRun(run, { targets: ['cpu'] });
    assert.deepEqual(series.lateServices, [{ msId: 1, msName: 'svc-b', firstStep: 3 }]);
    assert.equal(series.missing, 0);
  });

  it('rejects a target that is constant for every service, with a suggestion', () => {
    const run = runData({ services: 3, steps: 5, cpu: (t, s) => t * s });
    assert.throws(
      () => seriesFromRun(run, { targets: ['cpu', 'gpu'] }),
      (error: unknown) =>
        error instanceof DataError &&
        /target gpu is constant for every one of the 3 services \(values 0\)/.test(error.message) &&
        error.field === 'gpu_utilization' &&
        /--targets cpu/.test(error.suggestion ?? ''),
    );
    assert.deepEqual(targetsWithSignal(run), ['cpu']);
  });

  it('rejects a requested metric that a sampled service never reports', () => {
    const run = runData({ services: 2, steps: 4, cpu: (t) => t, memory: (_t, s) => (s === 0 ? null : 1) });
    assert.throws(
      () => seriesFromRun(run, { targets: ['cpu'], extraInputs: ['memory'] }),
      (error: unknown) =>
        error instanceof DataError && /svc-a \(ms_id 0\).*no memory_bytes sample/.test(error.message),
    );
    assert.doesNotThrow(() => seriesFromRun(run, { targets: ['cpu'] }));
  });

  for (const [name, value] of [
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['a value beyond float32', 1e39],
  ] as const) {
    it(`rejects ${name} in the data`, () => {
      const run = runData({ services: 2, steps: 3, cpu: (t, s) => (t === 2 && s === 1 ? value : t) });
      assert.throws(
        () => seriesFromRun(run, { targets: ['cpu'] }),
        (error: unknown) =>
          error instanceof DataError &&
          error.message.startsWith(`ms_metric.csv: step 2 of svc-b holds ${value}, not a finite number`) &&
          error.field === 'cpu_utilization',
      );
    });
  }

  it('rejects a non-finite load value when load is an input', () => {
    const run = runData({
      services: 1,
      steps: 3,
      cpu: (t) => t,
      load: (t) => (t === 1 ? { latencyP99Ms: Infinity } : {}),
    });
    assert.throws(
      () => seriesFromRun(run, { targets: ['cpu'], extraInputs: ['load'] }),
      /load\.csv: step 1 holds Infinity.*latency_p99_ms/,
    );
    assert.doesNotThrow(() => seriesFromRun(run, { targets: ['cpu'] }));
  });

  const usageCases: [string, SeriesOptions, RegExp][] = [
    ['no target', { targets: [] }, /--targets: no target given/],
    ['a repeated target', { targets: ['cpu', 'cpu'] }, /--targets: cpu is listed twice/],
    ['an unknown input', { targets: ['cpu'], extraInputs: ['disk' as 'load'] }, /--inputs: unknown "disk"/],
  ];
  for (const [name, options, message] of usageCases) {
    it(`rejects ${name} as a usage error`, () => {
      const run = runData({ services: 1, steps: 2, cpu: (t) => t });
      assert.throws(
        () => seriesFromRun(run, options),
        (error: unknown) => error instanceof UsageError && message.test(error.message),
      );
    });
  }
});
