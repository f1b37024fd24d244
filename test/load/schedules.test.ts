import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { ClosedLoopPlan } from '../../src/load/load-schedule.js';
import { PoissonArrivals } from '../../src/load/poisson-arrivals.js';
import { RateSchedule } from '../../src/load/rate-schedule.js';
import { concurrencyRandom } from '../../src/load/seeded-streams.js';
import { ConcurrencySchedule } from '../../src/profiler/concurrency-schedule.js';
import { ClusterSimulator } from '../../src/sim/cluster-simulator.js';
import { getTopology } from '../../src/sim/topologies/index.js';
import { tempDir } from '../cli.js';

test("closed loop: integers uniform in [min, max], one draw per redraw period, the simulator's draws for the seed", () => {
  const settings = { min: 80, max: 220, redrawSeconds: 60 };
  const plan = new ClosedLoopPlan(settings, 7);
  const draws = plan.drawsOver(0, 12 * 3600);
  assert.equal(draws.length, 720);
  assert.ok(
    draws.every(
      (draw, index) =>
        draw.atSeconds === index * 60 &&
        Number.isInteger(draw.concurrency) &&
        draw.concurrency >= 80 &&
        draw.concurrency <= 220,
    ),
  );
  assert.equal(new Set(draws.map((draw) => draw.concurrency)).size > 100, true);
  assert.equal(plan.at(59.9), draws[0]?.concurrency);
  assert.equal(plan.at(60), draws[1]?.concurrency);
  assert.equal(plan.nextRedrawAfter(60), 120);
  assert.deepEqual(plan.drawsOver(90, 150), draws.slice(1, 3), 'the draw in force at the start is included');
  // ClusterSimulator draws its concurrency from the same stream: its load.csv concurrency is this plan's.
  const simulator = new ClusterSimulator({
    topology: getTopology('social-network'),
    stepSeconds: 60,
    steps: 5,
    seed: 7,
    load: settings,
    tracesPerStep: 0,
  });
  for (let step = 0; step < 5; step += 1)
    assert.equal(simulator.step().load.concurrency, draws[step]?.concurrency);
  // A plan built for a resumed run answers the same at any time, whatever was asked before.
  assert.equal(new ClosedLoopPlan(settings, 7).at(600), draws[10]?.concurrency);
  assert.equal(new ConcurrencySchedule(settings, concurrencyRandom(7)).at(600), draws[10]?.concurrency);
});

test('rate schedules: inline or from a file, contiguous from 0', () => {
  const schedule = RateSchedule.parse('0-10m:50, 10m-20m:200,20m-1h:0');
  assert.deepEqual(schedule.segments, [
    { fromSeconds: 0, toSeconds: 600, rate: 50 },
    { fromSeconds: 600, toSeconds: 1200, rate: 200 },
    { fromSeconds: 1200, toSeconds: 3600, rate: 0 },
  ]);
  assert.equal(schedule.endSeconds, 3600);
  assert.equal(schedule.expectedArrivals(300, 900), 300 * 50 + 300 * 200);
  using tmp = tempDir('rates');
  const file = join(tmp.path, 'rates.txt');
  writeFileSync(file, '# warm-up, then a burst\n0-30:10\n30-45.5:100  # burst\n');
  assert.deepEqual(
    RateSchedule.parse(file).segments.map((segment) => segment.toSeconds),
    [30, 45.5],
  );
  const bad: [string, RegExp][] = [
    ['', /no segments/],
    ['0-10m', /is not FROM-TO:RATE/],
    ['0-10m:fast', /rate "fast", not a number/],
    ['0-10m:-5', /not a number ≥ 0/],
    ['10m-0:5', /ends before it starts/],
    ['0-1m:5,2m-3m:5', /segment 2 starts at 120 s, expected 60 s/],
    ['5s-1m:5', /segment 1 starts at 5 s, expected 0 s/],
    ['0-soon:5', /"soon" in "0-soon:5" is not a time offset/],
  ];
  for (const [value, message] of bad) {
    assert.throws(
      () => RateSchedule.parse(value),
      (error: unknown) =>
        error instanceof UsageError && message.test(error.message) && (error.suggestion ?? '') !== '',
      value,
    );
  }
});

test('Poisson arrivals follow the rate of each window, and none fall in a pause', () => {
  const schedule = RateSchedule.parse('0-100:50,100-200:0,200-300:400');
  const arrivals = new PoissonArrivals(schedule, Random.fromSeed(3), 0);
  const counts = [0, 0, 0];
  let previous = 0;
  for (let at = arrivals.next(); at !== Infinity; at = arrivals.next()) {
    assert.ok(at > previous);
    previous = at;
    counts[Math.floor(at / 100)]! += 1;
  }
  assert.equal(counts[1], 0);
  for (const [window, expected] of [
    [0, 5000],
    [2, 40000],
  ] as const) {
    assert.ok(
      Math.abs((counts[window] ?? 0) - expected) < 4.5 * Math.sqrt(expected),
      `window ${window}: ${counts[window]} arrivals, expected ${expected}`,
    );
  }
  const resumed = new PoissonArrivals(schedule, Random.fromSeed(3), 250);
  assert.ok(resumed.next() >= 250);
});
