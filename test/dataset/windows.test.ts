import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/core/errors.js';
import { seriesFromRun } from '../../src/dataset/series.js';
import { makeWindows, resolveWindowShape, selectWindows } from '../../src/dataset/windows.js';
import { runData } from './run-data.js';

/** One service whose cpu is the step index, with optional missing steps. */
function ramp(steps: number, missingCpu: number[] = [], missingMemory: number[] = []) {
  const run = runData({
    services: 1,
    steps,
    cpu: (t) => (missingCpu.includes(t) ? null : t),
    memory: (t) => (missingMemory.includes(t) ? null : 100 + t),
  });
  return seriesFromRun(run, { targets: ['cpu'], extraInputs: ['memory'] });
}

describe('makeWindows', () => {
  it('cuts every window of `window` steps in and `horizon` target steps out', () => {
    const windows = makeWindows(ramp(8), { window: 3, horizon: 2 });
    assert.equal(windows.count, 4);
    assert.deepEqual(Array.from(windows.starts), [0, 1, 2, 3]);
    assert.equal(windows.inputs.length, 4 * 3 * 1 * 2);
    assert.equal(windows.targets.length, 4 * 2 * 1 * 1);
    // Window 1: inputs steps 1..3 as (cpu, memory); targets cpu at steps 4, 5.
    assert.deepEqual(Array.from(windows.inputs.subarray(6, 12)), [1, 101, 2, 102, 3, 103]);
    assert.deepEqual(Array.from(windows.targets.subarray(2, 4)), [4, 5]);
    assert.deepEqual(Array.from(windows.targets.subarray(6, 8)), [6, 7]);
    assert.equal(windows.skippedForGaps, 0);
  });

  it('uses the paper’s 10 in, 3 out, stride 1 by default, and honours a stride', () => {
    assert.equal(makeWindows(ramp(20)).count, 20 - 13 + 1);
    assert.deepEqual(
      Array.from(makeWindows(ramp(9), { window: 3, horizon: 2, stride: 2 }).starts),
      [0, 2, 4],
    );
  });

  it('keeps the [services × targets] layout of several services', () => {
    const run = runData({
      services: 2,
      steps: 4,
      cpu: (t, s) => 10 * s + t,
      memory: (t, s) => -(10 * s + t),
    });
    const series = seriesFromRun(run, { targets: ['cpu'], extraInputs: ['memory'] });
    const windows = makeWindows(series, { window: 2, horizon: 2 });
    assert.equal(windows.count, 1);
    assert.deepEqual(Array.from(windows.inputs), [0, -0, 10, -10, 1, -1, 11, -11]);
    assert.deepEqual(Array.from(windows.targets), [2, 12, 3, 13]);
  });

  it('skips and counts windows whose inputs or targets touch a missing target sample', () => {
    // Step 4 missing: starts 2..4 have it among their inputs, starts 0..1 among their targets.
    const windows = makeWindows(ramp(10, [4]), { window: 3, horizon: 2 });
    assert.deepEqual(Array.from(windows.starts), [5]);
    assert.equal(windows.skippedForGaps, 5);
    assert.ok(windows.inputs.every((value) => !Number.isNaN(value)));
  });

  it('lets a gap in a non-target input spoil only the windows that read it as input', () => {
    const windows = makeWindows(ramp(10, [], [4]), { window: 3, horizon: 2 });
    assert.deepEqual(Array.from(windows.starts), [0, 1, 5]);
    assert.equal(windows.skippedForGaps, 3);
  });

  it('copies chosen windows with selectWindows', () => {
    const windows = makeWindows(ramp(8), { window: 3, horizon: 2 });
    const chosen = selectWindows(windows, [3, 1]);
    assert.deepEqual(Array.from(chosen.starts), [3, 1]);
    assert.deepEqual(Array.from(chosen.targets), [6, 7, 4, 5]);
    assert.deepEqual(Array.from(chosen.inputs.subarray(0, 2)), [3, 103]);
    assert.throws(() => selectWindows(windows, [4]), RangeError);
  });

  for (const [options, message] of [
    [{ window: 0 }, /--window: 0 is not a whole number ≥ 1/],
    [{ horizon: 1.5 }, /--horizon: 1.5/],
    [{ stride: -1 }, /--stride: -1/],
  ] as const) {
    it(`rejects ${JSON.stringify(options)} before reading data`, () => {
      assert.throws(
        () => resolveWindowShape(options),
        (error: unknown) => error instanceof UsageError && message.test(error.message),
      );
    });
  }
});
