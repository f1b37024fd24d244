import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, UsageError } from '../../src/core/errors.js';
import { seriesFromRun } from '../../src/dataset/series.js';
import { SPLIT_NAMES, minimumSteps, splitRanges, splitWindows } from '../../src/dataset/split.js';
import { makeWindows } from '../../src/dataset/windows.js';
import { runData } from './run-data.js';

function windowsOf(
  steps: number,
  window: number,
  horizon: number,
  missing: (t: number) => boolean = () => false,
) {
  const run = runData({ services: 2, steps, cpu: (t, s) => (s === 0 && missing(t) ? null : t + s) });
  return makeWindows(seriesFromRun(run, { targets: ['cpu'] }), { window, horizon });
}

describe('splitWindows', () => {
  it('splits steps 70/10/20 by default', () => {
    assert.deepEqual(splitRanges(100), {
      train: { start: 0, end: 70 },
      validation: { start: 70, end: 80 },
      test: { start: 80, end: 100 },
    });
  });

  it('assigns a window only to the split holding all its input and target steps', () => {
    const windows = windowsOf(100, 3, 2);
    assert.equal(windows.count, 96);
    const split = splitWindows(windows);
    const starts = (name: (typeof SPLIT_NAMES)[number]) =>
      Array.from(split.windows[name], (i) => windows.starts[i]);
    assert.deepEqual(
      starts('train'),
      Array.from({ length: 66 }, (_, k) => k),
    ); // 0..65: last target step 69
    assert.deepEqual(starts('validation'), [70, 71, 72, 73, 74, 75]);
    assert.deepEqual(
      starts('test'),
      Array.from({ length: 16 }, (_, k) => 80 + k),
    );
    assert.equal(split.straddling, 96 - 66 - 6 - 16); // starts 66..69 and 76..79
    for (const name of SPLIT_NAMES) {
      const range = split.ranges[name];
      for (const start of starts(name)) {
        assert.ok(start !== undefined && start >= range.start && start + 5 <= range.end, `${name} ${start}`);
      }
    }
  });

  it('allows an empty validation split when its fraction is 0', () => {
    const split = splitWindows(windowsOf(50, 3, 2), { train: 0.8, validation: 0, test: 0.2 });
    assert.equal(split.windows.validation.length, 0);
    assert.deepEqual(split.ranges.validation, { start: 40, end: 40 });
    assert.equal(split.windows.test.length, 10 - 5 + 1);
  });

  it('rejects too-short data naming the steps needed', () => {
    assert.equal(minimumSteps({ window: 10, horizon: 3 }), 129);
    assert.throws(
      () => splitWindows(windowsOf(40, 10, 3)),
      (error: unknown) =>
        error instanceof UsageError &&
        error.message ===
          'the validation split (10 % of 40 steps) holds 4 steps, but one window needs 13 (window 10 + horizon 3): at least 129 steps are needed',
    );
    assert.doesNotThrow(() => splitWindows(windowsOf(129, 10, 3)));
    assert.throws(() => splitWindows(windowsOf(128, 10, 3)), UsageError);
  });

  it('gives a minimum from which every longer run splits', () => {
    for (const fractions of [
      { train: 0.7, validation: 0.1, test: 0.2 },
      { train: 0.6, validation: 0.15, test: 0.25 },
    ]) {
      for (const span of [
        { window: 10, horizon: 3 },
        { window: 4, horizon: 1 },
      ]) {
        const minimum = minimumSteps(span, fractions);
        const fits = (steps: number) =>
          SPLIT_NAMES.every((name) => {
            const range = splitRanges(steps, fractions)[name];
            return range.end - range.start >= span.window + span.horizon;
          });
        assert.equal(fits(minimum - 1), false);
        for (let steps = minimum; steps < minimum + 300; steps += 1) assert.ok(fits(steps), `${steps} steps`);
      }
    }
  });

  it('rejects a split whose windows all touch gaps as a data error', () => {
    const windows = windowsOf(100, 3, 2, (t) => t >= 72 && t <= 77 && t % 2 === 0);
    assert.throws(
      () => splitWindows(windows),
      (error: unknown) =>
        error instanceof DataError &&
        /the validation split \(steps 70..79\) holds no complete window/.test(error.message),
    );
  });

  for (const [fractions, message] of [
    [{ train: 0.7, validation: 0.1, test: 0.3 }, /fractions sum to 1\.0999.*, not 1/],
    [{ train: 0, validation: 0.5, test: 0.5 }, /training > 0/],
    [{ train: 1.1, validation: -0.1, test: 0 }, /≥ 0/],
  ] as const) {
    it(`rejects fractions ${JSON.stringify(fractions)}`, () => {
      assert.throws(
        () => splitRanges(100, fractions),
        (error: unknown) => error instanceof UsageError && message.test(error.message),
      );
    });
  }
});
