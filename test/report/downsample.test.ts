import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketSeries, bucketsMax } from '../../src/report/charts/downsample.js';

test('few values: every value is its own bucket', () => {
  const buckets = bucketSeries([3, 1, 4], 10);
  assert.deepEqual(buckets, [
    { x: 0, min: 3, max: 3, mean: 3 },
    { x: 1, min: 1, max: 1, mean: 1 },
    { x: 2, min: 4, max: 4, mean: 4 },
  ]);
});

test('many values: min, max and mean per bucket keep every spike', () => {
  const values = Array.from({ length: 1440 }, (_, i) => (i === 700 ? 100 : i % 2));
  const buckets = bucketSeries(values, 100);
  assert.equal(buckets.length, 100);
  assert.equal(bucketsMax(buckets), 100, 'the one-step spike survives');
  const covered = buckets.filter((bucket) => bucket.max === 100);
  assert.equal(covered.length, 1);
  assert.ok(
    covered[0]!.x > 690 && covered[0]!.x < 710,
    `spike bucket centred near step 700, got ${covered[0]!.x}`,
  );
  for (const bucket of buckets) {
    assert.ok(bucket.min <= bucket.mean && bucket.mean <= bucket.max);
  }
  // Buckets tile the steps: 1440 / 100 is 14.4, so sizes are 14 or 15 and centres increase.
  assert.ok(buckets.every((bucket, i) => i === 0 || bucket.x > buckets[i - 1]!.x));
});

test('missing values are skipped; an all-missing bucket is NaN (a break in the line)', () => {
  const buckets = bucketSeries([1, NaN, 3, NaN, NaN, NaN], 3);
  assert.deepEqual(buckets[0], { x: 0.5, min: 1, max: 1, mean: 1 });
  assert.deepEqual(buckets[1], { x: 2.5, min: 3, max: 3, mean: 3 });
  assert.ok(Number.isNaN(buckets[2]!.mean));
});

test('a sub-range is bucketed with indices of the whole series', () => {
  const values = Float64Array.from({ length: 20 }, (_, i) => i);
  const buckets = bucketSeries(values, 2, 10, 14);
  assert.deepEqual(buckets, [
    { x: 10.5, min: 10, max: 11, mean: 10.5 },
    { x: 12.5, min: 12, max: 13, mean: 12.5 },
  ]);
  assert.deepEqual(bucketSeries(values, 5, 7, 7), []);
});
