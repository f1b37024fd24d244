import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SortedSample } from '../../src/recommend/sorted-sample.js';

function sampleOf(values: number[], weights?: number[]): SortedSample {
  const sample = new SortedSample();
  values.forEach((value, i) => sample.add(value, weights?.[i] ?? 1));
  return sample;
}

test('the conformal quantile is the ⌈(n+1)q⌉-th smallest value', () => {
  const sample = sampleOf([5, 1, 4, 2, 3, 9, 8, 7, 6, 10]);
  // n = 10: q 0.5 → rank ⌈5.5⌉ = 6; q 0.9 → ⌈9.9⌉ = 10; q 0.05 → ⌈0.55⌉ = 1
  assert.equal(sample.conformalQuantile(0.5), 6);
  assert.equal(sample.conformalQuantile(0.9), 10);
  assert.equal(sample.conformalQuantile(0.05), 1);
  assert.equal(sample.conformalQuantile(0.95), 10, 'a rank past the end gives the largest');
  assert.equal(sample.max(), 10);
  assert.ok(Number.isNaN(new SortedSample().conformalQuantile(0.5)));
});

test('the conformal quantile never decreases with q', () => {
  const sample = sampleOf([0.3, -0.2, 0.1, 0.05, -0.4, 0.25, 0.6, -0.1, 0, 0.15, 0.2]);
  let previous = -Infinity;
  for (let q = 0.05; q < 1; q += 0.05) {
    const value = sample.conformalQuantile(q);
    assert.ok(value >= previous, `q ${q}: ${value} < ${previous}`);
    previous = value;
  }
});

test('the weighted percentile is where the cumulative weight first reaches p × total', () => {
  const sample = sampleOf([1, 2, 3, 4], [1, 1, 1, 7]);
  assert.equal(sample.totalWeight, 10);
  assert.equal(sample.weightedPercentile(0.1), 1);
  assert.equal(sample.weightedPercentile(0.3), 3, '0.3 × 10 is reached exactly at 3, despite float noise');
  assert.equal(sample.weightedPercentile(0.31), 4);
  assert.equal(sampleOf([1, 2, 3, 4]).weightedPercentile(0.5), 2);
});

test('NaN is no observation; a negative weight is refused', () => {
  const sample = sampleOf([1, NaN, 2]);
  assert.equal(sample.size, 2);
  assert.throws(() => sample.add(1, -1), RangeError);
});
