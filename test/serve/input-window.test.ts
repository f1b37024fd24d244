// Input windows from sources with holes: carried forward (or back at the window's start), counted, and an
// error only when a feature has no value at all in the window (unless absence means 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../../src/core/errors.js';
import { buildInputWindow } from '../../src/serve/input-window.js';

/** One service, one feature, the given series. */
function fill(series: (number | null)[], absentMeansZero?: (feature: string) => boolean) {
  return buildInputWindow(
    { window: series.length, services: ['api'], features: ['gpu'] },
    (t) => series[t] ?? null,
    { source: 'http://prometheus', ...(absentMeansZero === undefined ? {} : { absentMeansZero }) },
  );
}

test('missing cells take the previous value, or the next at the start of the window', () => {
  const cases: { series: (number | null)[]; values: number[]; filled: number }[] = [
    { series: [1, 2, 3], values: [1, 2, 3], filled: 0 },
    { series: [1, null, 3], values: [1, 1, 3], filled: 1 },
    { series: [null, null, 3, null], values: [3, 3, 3, 3], filled: 3 },
    { series: [1, NaN, Infinity, 4], values: [1, 1, 1, 4], filled: 2 },
    { series: [0, null], values: [0, 0], filled: 1 },
  ];
  for (const { series, values, filled } of cases) {
    const window = fill(series);
    assert.deepEqual([...window.values], values, JSON.stringify(series));
    assert.equal(window.filledCells, filled, JSON.stringify(series));
  }
});

test('a feature with no sample in the window fails, naming service, feature and source, unless absence means 0', () => {
  assert.throws(
    () => fill([null, null]),
    (error: unknown) =>
      error instanceof DataError &&
      error.message === 'http://prometheus: no gpu sample of api in the last 2 steps' &&
      error.suggestion !== undefined,
  );
  const zero = fill([null, null], (feature) => feature === 'gpu');
  assert.deepEqual([...zero.values], [0, 0]);
  assert.equal(zero.filledCells, 0, 'a service without GPUs is not a gap');
});

test('the layout is [window × services × features]', () => {
  const window = buildInputWindow(
    { window: 2, services: ['a', 'b'], features: ['cpu', 'gpu'] },
    (t, s, f) => 100 * t + 10 * s + f,
    { source: 'x' },
  );
  assert.deepEqual([...window.values], [0, 1, 10, 11, 100, 101, 110, 111]);
});
