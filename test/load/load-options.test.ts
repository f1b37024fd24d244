import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/core/errors.js';
import { checkLoadOptions, parseConcurrency } from '../../src/load/load-options.js';
import { EXAMPLE_LOAD_OPTIONS } from './load-helpers.js';

const base = EXAMPLE_LOAD_OPTIONS;

test('valid options: steps from duration and step, the target parsed, a rate schedule read', () => {
  const checked = checkLoadOptions(base);
  assert.equal(checked.steps, 2);
  assert.equal((checked.targetUrl as URL).port, '8080');
  assert.equal(checkLoadOptions({ ...base, target: 'sim' }).targetUrl, 'sim');
  const open = checkLoadOptions({ ...base, mode: { kind: 'open', rateSchedule: '0-30s:10,30s-1m:20' } });
  assert.deepEqual(
    open.rates?.segments.map((segment) => segment.rate),
    [10, 20],
  );
  assert.deepEqual(parseConcurrency('80-220'), { min: 80, max: 220 });
  assert.deepEqual(parseConcurrency(' 100 '), { min: 100, max: 100 });
});

test('each bad option is a UsageError naming the flag and the value, with a suggestion', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['reversed range', () => parseConcurrency('300-100'), /--concurrency: 300-100 runs backwards/],
    ['not a range', () => parseConcurrency('lots'), /--concurrency: "lots" is not MIN-MAX/],
    [
      'zero clients',
      () => parseConcurrency('0-10'),
      /--concurrency: the lowest concurrency must be ≥ 1, got 0/,
    ],
    ['too many clients', () => parseConcurrency('1-200000'), /--concurrency: 200000 is above 100000/],
    [
      'partial step',
      () => checkLoadOptions({ ...base, durationSeconds: 45 }),
      /--duration: 45 s is not a whole number of 30 s steps/,
    ],
    [
      'shorter than a step',
      () => checkLoadOptions({ ...base, durationSeconds: 10 }),
      /--duration: 10 s is shorter than one step/,
    ],
    [
      'ftp target',
      () => checkLoadOptions({ ...base, target: 'ftp://example.org' }),
      /--target: ftp: is not http: or https:/,
    ],
    ['not a URL', () => checkLoadOptions({ ...base, target: 'nowhere' }), /--target: "nowhere" is not a URL/],
    [
      'hpc-ai500',
      () => checkLoadOptions({ ...base, benchmark: 'hpc-ai500' }),
      /--benchmark: HPC-AI500 has no HTTP endpoints/,
    ],
    [
      'ecommerce',
      () => checkLoadOptions({ ...base, benchmark: 'ecommerce' }),
      /--benchmark: ecommerce has no HTTP workload/,
    ],
    [
      'short schedule',
      () =>
        checkLoadOptions({ ...base, durationSeconds: 120, mode: { kind: 'open', rateSchedule: '0-1m:5' } }),
      /--rate-schedule: covers 60 s of the 120 s run/,
    ],
    [
      'bad rate',
      () => checkLoadOptions({ ...base, mode: { kind: 'open', rateSchedule: '0-1m:many' } }),
      /--rate-schedule: "0-1m:many" has rate "many"/,
    ],
    ['negative seed', () => checkLoadOptions({ ...base, seed: -1 }), /--seed: -1 is not a whole number/],
    [
      'zero timeout',
      () => checkLoadOptions({ ...base, timeoutSeconds: 0 }),
      /--timeout: 0 s is not positive/,
    ],
    [
      'no in-flight room',
      () => checkLoadOptions({ ...base, maxInFlight: 0 }),
      /--max-in-flight: 0 is not a whole number ≥ 1/,
    ],
    [
      'unknown client',
      () => checkLoadOptions({ ...base, httpClient: 'curl' as 'node' }),
      /--http-client: unknown client "curl"/,
    ],
  ];
  for (const [what, check, message] of cases) {
    assert.throws(
      check,
      (error: unknown) => {
        assert.ok(error instanceof UsageError, `${what}: ${String(error)}`);
        assert.match(error.message, message, what);
        assert.ok((error.suggestion ?? '') !== '', `${what} has a suggestion`);
        return true;
      },
      what,
    );
  }
});
