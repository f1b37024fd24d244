import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { ClosedLoopPlan } from '../../src/load/load-schedule.js';
import { RateSchedule } from '../../src/load/rate-schedule.js';
import { EndpointServer } from '../../src/sim/http-endpoints.js';
import { settled, startLoad, total } from './load-helpers.js';
import type { LoadSession, LoadStep } from '../../src/load/load-session.js';

test('closed loop: the server sees exactly the drawn concurrency in each redraw period', async () => {
  await using server = await EndpointServer.start({ benchmark: 'social-network', latencyScale: 2 });
  const concurrency = { min: 2, max: 14, redrawSeconds: 1 };
  const plan = new ClosedLoopPlan(concurrency, 5);
  const periods = 5;
  const started = performance.now();
  const run = startLoad(server, {
    schedule: { mode: 'closed', concurrency },
    stepSeconds: 1,
    steps: periods,
    seed: 5,
  });
  const observed: number[] = [];
  for (let period = 0; period < periods; period += 1) {
    // Skip the first 450 ms of each period: clients retired by a lower draw finish their last request then (the
    // slowest answers take about 200 ms). The closing probe is due before the session's redraw timer, so it
    // runs first even when the event loop lags.
    await delay(started + period * 1000 + 450 - performance.now());
    server.takeMaxInFlight();
    await delay(started + (period + 1) * 1000 - 30 - performance.now());
    observed.push(server.takeMaxInFlight());
  }
  const steps = await run.steps;
  const drawn = Array.from({ length: periods }, (_, period) => plan.at(period));
  assert.deepEqual(
    observed,
    drawn,
    'max requests in flight at the server per period = the drawn concurrency',
  );
  assert.deepEqual(
    steps.map((step) => step.row.concurrency),
    drawn,
    'load.csv records the drawn concurrency',
  );
  assert.deepEqual(
    steps.map((step) => step.draws),
    drawn.map((value, period) => [{ atSeconds: period, concurrency: value }]),
  );
  assert.ok(new Set(drawn).size >= 3, `the draws change: ${drawn.join(', ')}`);
  assert.equal(run.session.status, 'complete');
});

test('closed loop with several redraws per step: the row holds their time-weighted mean', async () => {
  await using server = await EndpointServer.start({ benchmark: 'hotel-reservation', latencyScale: 1 });
  const concurrency = { min: 1, max: 20, redrawSeconds: 0.5 };
  const run = startLoad(server, {
    schedule: { mode: 'closed', concurrency },
    stepSeconds: 1,
    steps: 2,
    seed: 9,
    benchmark: 'hotel-reservation',
  });
  const steps = await run.steps;
  const plan = new ClosedLoopPlan(concurrency, 9);
  for (const step of steps) {
    const first = plan.at(step.timestamp);
    const second = plan.at(step.timestamp + 0.5);
    assert.equal(step.targetConcurrency, (first + second) / 2);
    assert.equal(step.row.concurrency, Math.round((first + second) / 2));
    assert.equal(step.draws.length, 2);
    assert.ok(step.measure.inFlightMax >= Math.max(first, second) - 1);
  }
});

test('mix ratios hold at the server: chi-square of what it received against the mix', async () => {
  const cases = [
    ['social-network', { 'read-home-timeline': 0.6, 'read-user-timeline': 0.3, 'compose-post': 0.1 }],
    ['hotel-reservation', { search: 0.6, recommend: 0.39, user: 0.005, reserve: 0.005 }],
  ] as const;
  await Promise.all(
    cases.map(async ([benchmark, shares]) => {
      await using server = await EndpointServer.start({ benchmark, latencyScale: 0.2 });
      const schedule = { mode: 'closed' as const, concurrency: { min: 16, max: 16, redrawSeconds: 10 } };
      // Until 3000 answers, however slow the machine.
      let answers = 0;
      const onStep = (step: LoadStep, session: LoadSession): void => {
        answers += step.measure.requests;
        if (answers >= 3000) void session.stop();
      };
      const steps = await startLoad(server, {
        schedule,
        stepSeconds: 0.5,
        steps: 60,
        seed: 3,
        benchmark,
        onStep,
      }).steps;
      const received = server.stats();
      const answered = total(steps, (step) => step.measure.requests);
      const cutOff = total(steps, (step) => step.measure.aborted);
      assert.ok(
        received.total >= answered && received.total <= answered + cutOff,
        `server ${received.total}, answered ${answered} + cut off ${cutOff}`,
      );
      assert.equal(received.notFound, 0, 'every request of the mix reaches a route');
      const n = Object.keys(shares).reduce((sum, name) => sum + (received.byEndpoint[name] ?? 0), 0);
      assert.equal(n, received.total);
      assert.ok(n >= 3000, `${benchmark}: ${n} requests`);
      let chiSquare = 0;
      for (const [name, share] of Object.entries(shares))
        chiSquare += ((received.byEndpoint[name] ?? 0) - n * share) ** 2 / (n * share);
      // df = 2 (social-network) or 3: P(χ² > 25) < 2e-5 for either.
      assert.ok(
        chiSquare < 25,
        `${benchmark}: χ² = ${chiSquare.toFixed(2)} for ${JSON.stringify(received.byEndpoint)}`,
      );
    }),
  );
});

test("a 2 s stall shows in the open loop's p99, while the closed loop hides it (coordinated omission)", async () => {
  const stallAfter = async (server: EndpointServer): Promise<void> => {
    await delay(1000);
    server.stall(2000);
  };
  // Both loops at once, each against its own server, so the test takes one 4 s run.
  await using openServer = await EndpointServer.start({ benchmark: 'social-network', latencyScale: 0.2 });
  await using closedServer = await EndpointServer.start({ benchmark: 'social-network', latencyScale: 0.2 });
  const open = startLoad(openServer, {
    schedule: { mode: 'open', rates: RateSchedule.parse('0-4:100') },
    stepSeconds: 4,
    steps: 1,
    seed: 1,
  });
  const closed = startLoad(closedServer, {
    schedule: { mode: 'closed', concurrency: { min: 4, max: 4, redrawSeconds: 4 } },
    stepSeconds: 4,
    steps: 1,
    seed: 1,
  });
  await Promise.all([stallAfter(openServer), stallAfter(closedServer)]);
  const [[openStep], [closedStep]] = await Promise.all([open.steps, closed.steps]);
  assert.ok(openStep !== undefined && closedStep !== undefined);
  const openP99 = openStep.row.latencyP99Ms ?? 0;
  const closedP99 = closedStep.row.latencyP99Ms ?? Infinity;
  assert.ok(openP99 >= 1800, `open loop p99 ${openP99} ms`);
  assert.ok(
    Math.abs(openStep.measure.requests + openStep.measure.aborted - 400) < 4.5 * 20,
    `about 400 arrivals: ${openStep.measure.requests}`,
  );
  assert.ok(closedP99 < 500, `closed loop p99 ${closedP99} ms hides the stall`);
  assert.ok((closedStep.measure.latency?.maxMs ?? 0) >= 1800, 'though its few stalled requests waited');
  assert.equal(openStep.offeredRate, 100);
});

test('5xx, resets, timeouts and a stopped server are counted by kind, and the run goes on', async () => {
  const server = await EndpointServer.start({ benchmark: 'social-network', latencyScale: 0.5 });
  try {
    const run = startLoad(server, {
      schedule: { mode: 'closed', concurrency: { min: 3, max: 3, redrawSeconds: 10 } },
      stepSeconds: 1,
      steps: 5,
      seed: 2,
      timeoutMs: 300,
    });
    // 5xx at 0.5 s, resets at 1.2 s, a stall past the timeout at 1.6 s, the server gone at 2.8 s: step 4 (4–5 s)
    // then meets only refusals, with time to spare on a slow machine.
    await delay(500);
    server.fail(10, 503);
    await delay(700);
    server.reset(4);
    await delay(400);
    server.stall(1000);
    await delay(1200);
    await server.stop();
    const steps = await run.steps;
    assert.equal(run.session.status, 'complete');
    assert.deepEqual(
      steps.map((step) => step.timestamp),
      [0, 1, 2, 3, 4],
      'every step is measured',
    );
    const kinds = (kind: keyof (typeof steps)[number]['measure']['errorsByKind']) =>
      total(steps, (step) => step.measure.errorsByKind[kind]);
    assert.equal(kinds('http-5xx'), 10);
    assert.equal(
      total(steps, (step) => step.measure.statusCounts['503'] ?? 0),
      10,
    );
    assert.ok(kinds('connection-reset') >= 4, `resets: ${kinds('connection-reset')}`);
    assert.ok(kinds('timeout') >= 3, `timeouts: ${kinds('timeout')}`);
    assert.ok(kinds('connection-refused') >= 3, `refused: ${kinds('connection-refused')}`);
    assert.equal(kinds('http-4xx') + kinds('other') + kinds('dropped'), 0);
    const last = steps[4];
    assert.ok(
      last !== undefined && last.measure.ok === 0 && last.measure.errors > 0,
      'after the stop only refusals',
    );
    assert.ok((steps[0]?.measure.ok ?? 0) > 20);
    const timedOut = steps.find((step) => step.measure.errorsByKind.timeout > 0);
    assert.ok(
      (timedOut?.measure.latency?.maxMs ?? 0) >= 300,
      'a timeout counts in the latencies at its deadline',
    );
    assert.equal(
      total(steps, (step) => step.row.errors),
      total(steps, (step) => step.measure.errors),
    );
  } finally {
    await server.stop();
  }
});

test('the axios transport counts the same kinds', async () => {
  await using server = await EndpointServer.start({ benchmark: 'social-network', latencyScale: 0.5 });
  const run = startLoad(server, {
    schedule: { mode: 'closed', concurrency: { min: 2, max: 2, redrawSeconds: 10 } },
    stepSeconds: 1.5,
    steps: 1,
    seed: 2,
    timeoutMs: 300,
    client: 'axios',
  });
  await delay(200);
  server.fail(3, 500);
  await delay(200);
  server.reset(2);
  await delay(200);
  server.stall(800);
  const [step] = await run.steps;
  assert.ok(step !== undefined);
  assert.equal(step.measure.errorsByKind['http-5xx'], 3);
  assert.ok(step.measure.errorsByKind['connection-reset'] >= 2, JSON.stringify(step.measure.errorsByKind));
  assert.ok(step.measure.errorsByKind.timeout >= 2, JSON.stringify(step.measure.errorsByKind));
  assert.ok(step.measure.ok > 10);
});

test('an abort writes the partial step: what was measured up to it, in-flight requests cut off', async () => {
  await using server = await EndpointServer.start({ benchmark: 'social-network', latencyScale: 2 });
  const controller = new AbortController();
  const run = startLoad(
    server,
    {
      schedule: { mode: 'closed', concurrency: { min: 6, max: 6, redrawSeconds: 10 } },
      stepSeconds: 1,
      steps: 10,
      seed: 4,
    },
    controller.signal,
  );
  await delay(1500);
  controller.abort();
  const steps = await run.steps;
  assert.equal(run.session.status, 'interrupted');
  assert.deepEqual(
    steps.map((step) => [step.timestamp, step.partial]),
    [
      [0, false],
      [1, true],
    ],
  );
  const partial = steps[1];
  assert.ok(
    partial !== undefined && partial.measure.seconds > 0.3 && partial.measure.seconds < 0.9,
    `partial step of ${partial?.measure.seconds} s`,
  );
  assert.ok(
    partial.measure.requests > 0 && partial.measure.aborted === 6,
    `aborted ${partial.measure.aborted}`,
  );
  assert.equal(run.session.inFlight, 0);
  await settled(() => server.stats().inFlight === 0, 'the server saw every cut-off request close');
});

test('a session resumed at step k runs the schedule from step k', async () => {
  await using server = await EndpointServer.start({ benchmark: 'social-network', latencyScale: 0.5 });
  const concurrency = { min: 1, max: 30, redrawSeconds: 0.5 };
  const run = startLoad(server, {
    schedule: { mode: 'closed', concurrency },
    stepSeconds: 0.5,
    steps: 6,
    fromStep: 4,
    seed: 8,
  });
  const steps = await run.steps;
  const plan = new ClosedLoopPlan(concurrency, 8);
  assert.deepEqual(
    steps.map((step) => [step.timestamp, step.startSeconds, step.row.concurrency]),
    [
      [4, 2, plan.at(2)],
      [5, 2.5, plan.at(2.5)],
    ],
  );
});

test('memory stays bounded over a long accelerated run: many steps, histograms of fixed size', async () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  await using server = await EndpointServer.start({ benchmark: 'social-network', latencyScale: 0.05 });
  const schedule = { mode: 'closed' as const, concurrency: { min: 4, max: 12, redrawSeconds: 0.2 } };
  await startLoad(server, { schedule, stepSeconds: 0.1, steps: 3, seed: 1 }).steps;
  gc();
  const before = process.memoryUsage().heapUsed;
  const enough = 6000;
  let requests = 0;
  const run = startLoad(server, {
    schedule,
    stepSeconds: 0.1,
    steps: 300,
    seed: 1,
    // However slow the machine, the run goes on until it has sent enough requests to show a leak.
    onStep: (step, session) => {
      requests += step.measure.requests;
      if (requests >= enough) void session.stop();
    },
  });
  const footprint = run.session.total.footprintBytes;
  const steps = await run.steps;
  gc();
  const grown = process.memoryUsage().heapUsed - before;
  assert.ok(requests >= enough, `${requests} requests in ${steps.length} steps`);
  assert.ok(steps.length >= 10, `${steps.length} steps`);
  assert.equal(run.session.total.footprintBytes, footprint, 'the run histogram keeps its size');
  // Nothing is kept per request: 2 MiB over ≥ 6000 requests would catch even 350 bytes left behind by each.
  assert.ok(
    grown < 2 * 1024 * 1024,
    `heap grew by ${(grown / 1024).toFixed(0)} KiB over ${requests} requests`,
  );
});
