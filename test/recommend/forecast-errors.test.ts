import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ForecastErrors } from '../../src/recommend/forecast-errors.js';
import { cpuSeries, heldOutOf } from './synthetic-forecasts.js';

const SHAPE = { horizon: 1, services: 1, targets: 1 };
// 30 steps of 1 core; held-out windows end at steps 9..28; the model under-forecasts step t by (t mod 10) / 10.
const series = cpuSeries(Array.from({ length: 30 }, () => [1]));
const lastSteps = Array.from({ length: 20 }, (_, k) => 9 + k);
const heldOut = heldOutOf(series, lastSteps, 10, (step) => (step % 10) / 10);

test('only errors of windows whose targets were observed by T are used', () => {
  const errors = new ForecastErrors(SHAPE, heldOut);
  errors.observeUntil(9);
  assert.equal(errors.windows, 0, 'the window ending at 9 is scored at step 10');
  errors.observeUntil(19);
  assert.equal(errors.windows, 10, 'windows ending at 9..18 have their targets 10..19');
  errors.observeUntil(18);
  assert.equal(errors.windows, 10, 'time does not go back');
});

test('forecast + error quantile: the ⌈(n+1)q⌉-th error is added, per step and as the max', () => {
  const errors = new ForecastErrors(SHAPE, heldOut);
  errors.observeUntil(19);
  // Errors 0.0, 0.1, …, 0.9 (steps 10..19). q 0.5 → rank 6 → 0.5; q 0.8 → rank ⌈8.8⌉ = 9 → 0.8.
  const forecast = Float32Array.of(2);
  const at = (q: number) => errors.quantileForecast(forecast, 0, 0, 0, q);
  assert.ok(Math.abs(at(0.5).max - 2.5) < 1e-6);
  assert.ok(Math.abs(at(0.8).max - 2.8) < 1e-6);
  assert.deepEqual(at(0.8).perStep.length, 1);
});

test('a higher quantile never gives a lower forecast, and somewhere a higher one', () => {
  const errors = new ForecastErrors(SHAPE, heldOut);
  errors.observeUntil(29);
  const forecast = Float32Array.of(1);
  const values = [0.1, 0.3, 0.5, 0.7, 0.9, 0.95].map(
    (q) => errors.quantileForecast(forecast, 0, 0, 0, q).max,
  );
  values.slice(1).forEach((value, i) => assert.ok(value >= values[i]!, `${values}`));
  assert.ok(values[values.length - 1]! > values[0]!);
});
