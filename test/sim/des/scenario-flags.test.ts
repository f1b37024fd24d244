import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../../src/core/errors.js';
import {
  parseCrashes,
  parseLatencyFaults,
  parseLoad,
  parseSeeds,
  parseSpikes,
} from '../../../src/sim/des/scenario-flags.js';
import { validateScenario } from '../../../src/sim/des/scenario.js';
import { scenario } from './des-helpers.js';

test('flag formats parse into the scenario', () => {
  assert.deepEqual(parseLoad('closed:80-220', 60, 500), {
    kind: 'closed',
    min: 80,
    max: 220,
    redrawSeconds: 60,
    thinkMs: 500,
  });
  assert.deepEqual(parseLoad('open:200-400', 30, 500), {
    kind: 'open',
    min: 200,
    max: 400,
    redrawSeconds: 30,
  });
  assert.deepEqual(parseSpikes('3x@30m+5m, 1.5x@3600+60s'), [
    { factor: 3, startSeconds: 1800, durationSeconds: 300 },
    { factor: 1.5, startSeconds: 3600, durationSeconds: 60 },
  ]);
  assert.deepEqual(parseCrashes('payment-processing@45m,orders-db@1h'), [
    { service: 'payment-processing', atSeconds: 2700 },
    { service: 'orders-db', atSeconds: 3600 },
  ]);
  assert.deepEqual(parseLatencyFaults('inventory-management:5x@60m+10m'), [
    { service: 'inventory-management', factor: 5, startSeconds: 3600, durationSeconds: 600 },
  ]);
  assert.deepEqual(parseSeeds('4,5', undefined), [4, 5]);
  assert.deepEqual(parseSeeds(undefined, 3), [1, 2, 3]);
  assert.deepEqual(parseSeeds(undefined, undefined), [1, 2, 3]);
});

const bad: { name: string; run: () => unknown; message: RegExp }[] = [
  {
    name: 'load without a kind',
    run: () => parseLoad('80-220', 60, 0),
    message: /--load: "80-220" is not closed:MIN-MAX/,
  },
  {
    name: 'spike without x',
    run: () => parseSpikes('3@30m+5m'),
    message: /--spike: "3@30m\+5m" is not FACTORx@START\+LENGTH/,
  },
  {
    name: 'spike with a bad time',
    run: () => parseSpikes('3x@soon+5m'),
    message: /--spike "soon" is not a positive duration/,
  },
  {
    name: 'crash without a time',
    run: () => parseCrashes('orders-db'),
    message: /--crash: "orders-db" is not SERVICE@TIME/,
  },
  {
    name: 'latency fault without a factor',
    run: () => parseLatencyFaults('inventory-management@60m+10m'),
    message: /--latency-fault: .* is not SERVICE:FACTORx@START\+LENGTH/,
  },
  {
    name: 'seeds that are not numbers',
    run: () => parseSeeds('1,two', undefined),
    message: /--seeds: "1,two"/,
  },
  { name: 'zero runs', run: () => parseSeeds(undefined, 0), message: /--runs: 0/ },
  {
    name: 'a crash of an unknown service',
    run: () => validateScenario(scenario({ crashes: [{ service: 'cart', atSeconds: 60 }] })),
    message: /--crash: ecommerce has no service "cart"/,
  },
  {
    name: 'a spike past the end',
    run: () =>
      validateScenario(scenario({ spikes: [{ factor: 2, startSeconds: 500, durationSeconds: 200 }] })),
    message: /--spike: the window 500 s \+ 200 s does not lie within the 600 s run/,
  },
  {
    name: 'a duration off the 5 s tick',
    run: () => validateScenario(scenario({ durationSeconds: 602 })),
    message: /--duration: 602 s is not a multiple of 5 s/,
  },
  {
    name: 'min above max',
    run: () =>
      validateScenario(scenario({ load: { kind: 'closed', min: 9, max: 3, redrawSeconds: 60, thinkMs: 0 } })),
    message: /--load: closed:9-3 needs whole numbers 1 ≤ min ≤ max/,
  },
  {
    name: 'a latency factor below 1',
    run: () =>
      validateScenario(
        scenario({
          latencyFaults: [{ service: 'orders-db', factor: 0.5, startSeconds: 10, durationSeconds: 10 }],
        }),
      ),
    message: /--latency-fault: factor 0.5 is below 1/,
  },
];

for (const { name, run, message } of bad) {
  test(`bad flag: ${name} → a UsageError naming the flag, with a suggestion`, () => {
    assert.throws(run, (error: unknown) => {
      assert.ok(error instanceof UsageError, String(error));
      assert.match(error.message, message);
      assert.match(error.suggestion ?? '', /\S/);
      return true;
    });
  });
}
