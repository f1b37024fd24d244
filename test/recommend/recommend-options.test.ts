import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/core/errors.js';
import { formatCpu, parseCpuQuantity, roundUpToMillicores } from '../../src/recommend/cpu-quantity.js';
import {
  parseFraction,
  quantileLevels,
  validateRecommendOptions,
  type RecommendOptions,
} from '../../src/recommend/recommend-options.js';

const VALID: RecommendOptions = {
  modelDir: 'models/m',
  runDir: 'runs/r',
  quantile: 0.9,
  headroom: 0.15,
  minCpu: 0.025,
  peakFactor: 2,
  namespace: 'default',
  map: [],
  compareVpa: true,
};

test('CPU quantities: millicores or cores in, whole millicores out', () => {
  assert.equal(parseCpuQuantity('min-cpu', '250m'), 0.25);
  assert.equal(parseCpuQuantity('min-cpu', '1.5'), 1.5);
  assert.equal(parseCpuQuantity('min-cpu', ' 2 '), 2);
  assert.equal(formatCpu(1.5), '1500m');
  assert.equal(formatCpu(0.1 + 0.2), '300m', 'float noise does not add a millicore');
  assert.equal(roundUpToMillicores(0.0001), 0.001);
  for (const [text, message] of [
    ['lots', /"lots" is not a CPU amount/],
    ['-1', /"-1" is not a CPU amount/],
    ['0.5m', /finer than a millicore/],
    ['0.0005', /finer than a millicore/],
  ] as const) {
    assert.throws(
      () => parseCpuQuantity('max-cpu', text),
      (error: unknown) =>
        error instanceof UsageError && error.message.startsWith('--max-cpu') && message.test(error.message),
    );
  }
});

test('headroom as a percentage or a fraction', () => {
  assert.equal(parseFraction('headroom', '15%'), 0.15);
  assert.equal(parseFraction('headroom', '0.15'), 0.15);
  assert.throws(
    () => parseFraction('headroom', 'lots'),
    /--headroom: "lots" is not a fraction or percentage/,
  );
});

test('lower and upper quantile levels are the VPA’s at q = 0.9 and stay ordered', () => {
  assert.deepEqual(quantileLevels(0.9), { lower: 0.5, target: 0.9, upper: 0.95 });
  assert.deepEqual(quantileLevels(0.3), { lower: 0.3, target: 0.3, upper: 0.65 });
});

test('invalid options are usage errors naming the flag, checked before any I/O', () => {
  assert.doesNotThrow(() => validateRecommendOptions(VALID));
  const cases: [Partial<RecommendOptions>, RegExp][] = [
    [{ quantile: 1 }, /^--quantile: 1 is not strictly between 0 and 1/],
    [{ quantile: 0 }, /^--quantile/],
    [{ headroom: -0.1 }, /^--headroom/],
    [{ minCpu: 2, maxCpu: 1 }, /^--max-cpu: 1 cores is not above --min-cpu 2/],
    [{ peakFactor: 0.5 }, /^--peak-factor: 0.5 is below 1/],
    [{ coresPerReplica: 0 }, /^--cores-per-replica/],
    [{ at: -1 }, /^--at: -1 is not a step number/],
    [{ namespace: 'Not OK' }, /^--namespace/],
    [{ map: ['x'] }, /^--map "x"/],
  ];
  for (const [change, message] of cases) {
    assert.throws(
      () => validateRecommendOptions({ ...VALID, ...change }),
      (error: unknown) =>
        error instanceof UsageError && message.test(error.message) && error.suggestion !== undefined,
      JSON.stringify(change),
    );
  }
});
