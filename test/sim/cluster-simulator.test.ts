import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterSimulator, type SimulationSettings } from '../../src/sim/cluster-simulator.js';
import { topologyEdges } from '../../src/sim/topology-edges.js';
import { tinyTopology } from './tiny-topology.js';

const settings: SimulationSettings = {
  topology: tinyTopology,
  stepSeconds: 30,
  steps: 240,
  seed: 3,
  load: { min: 80, max: 220, redrawSeconds: 60 },
  tracesPerStep: 20,
};

function runAll(overrides: Partial<SimulationSettings> = {}) {
  const simulator = new ClusterSimulator({ ...settings, ...overrides });
  const steps = [];
  while (simulator.timestamp < (overrides.steps ?? settings.steps)) steps.push(simulator.step());
  return { simulator, steps };
}

function correlation(a: number[], b: number[]): number {
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const ma = mean(a);
  const mb = mean(b);
  let num = 0;
  let da = 0;
  let db = 0;
  a.forEach((x, i) => {
    const y = b[i]!;
    num += (x - ma) * (y - mb);
    da += (x - ma) ** 2;
    db += (y - mb) ** 2;
  });
  return num / Math.sqrt(da * db);
}

test('services are numbered in sorted name order, one metric row per service per step', () => {
  const { simulator, steps } = runAll({ steps: 5 });
  assert.deepEqual(
    simulator.services.map((s) => s.msName),
    ['api', 'cache', 'db', 'gw'],
  );
  assert.deepEqual(
    simulator.services.map((s) => s.msId),
    [0, 1, 2, 3],
  );
  for (const step of steps) {
    assert.deepEqual(
      step.metrics.map((m) => m.msId),
      [0, 1, 2, 3],
    );
    assert.ok(step.metrics.every((m) => m.timestamp === step.timestamp));
  }
});

test('the same seed gives identical steps; another seed differs', () => {
  const a = runAll().steps;
  const b = runAll().steps;
  assert.deepEqual(a, b);
  const c = runAll({ seed: 4 }).steps;
  assert.notDeepEqual(
    a.map((s) => s.load.concurrency),
    c.map((s) => s.load.concurrency),
  );
});

test('concurrency is drawn in [min, max] and held for each redraw period', () => {
  const { steps } = runAll();
  for (let i = 0; i < steps.length; i += 2) {
    const first = steps[i]!.load.concurrency;
    assert.ok(Number.isInteger(first) && first >= 80 && first <= 220, `concurrency ${first}`);
    assert.equal(steps[i + 1]!.load.concurrency, first, 'a 60 s draw spans two 30 s steps');
  }
  assert.ok(new Set(steps.map((s) => s.load.concurrency)).size > 50, 'draws vary');
});

test("Little's law holds: throughput × latency ≈ concurrency, and more clients mean more requests", () => {
  const { steps } = runAll({ incidents: { ratePerHour: 0, minSeconds: 60, maxSeconds: 60 } });
  const loads = steps.map((s) => s.load);
  const rps = loads.map((l) => l.requests / 30);
  assert.ok(
    correlation(
      loads.map((l) => l.concurrency),
      rps,
    ) > 0.9,
    'throughput follows concurrency',
  );
  for (const load of loads) {
    assert.ok(load.latencyP50Ms! > 0 && load.latencyP99Ms! > load.latencyP50Ms!);
    assert.ok(load.requests > 0 && load.errors === 0);
  }
});

test('downstream load follows its callers: api CPU tracks gateway CPU; the db sees cache misses', () => {
  const { steps } = runAll({ incidents: { ratePerHour: 0, minSeconds: 60, maxSeconds: 60 } });
  const cpu = (id: number) => steps.map((s) => s.metrics[id]!.cpuUtilization!);
  assert.ok(correlation(cpu(3), cpu(0)) > 0.8, 'gw → api');
  assert.ok(correlation(cpu(0), cpu(2)) > 0.3, 'api → db');
  for (const step of steps) {
    for (const metric of step.metrics) {
      const spec = tinyTopology.services.find((s) => s.name === metric.msName)!;
      assert.ok(
        metric.cpuUtilization! >= 0 && metric.cpuUtilization! <= spec.replicas * spec.coresPerReplica * 1.1,
      );
      assert.equal(metric.gpuUtilization, 0);
      assert.ok(metric.memoryBytes! >= spec.memoryBaseBytes * spec.replicas * 0.95);
    }
  }
});

test('sampled traces follow the topology and stay within the per-step budget', () => {
  const { steps } = runAll();
  const allowed = topologyEdges(tinyTopology);
  for (const step of steps) {
    const traces = new Set(step.calls.map((c) => c.traceId));
    assert.ok(traces.size <= 20);
    for (const call of step.calls) {
      assert.ok(allowed.has(`${call.um}>${call.dm}`), `${call.um}>${call.dm}`);
      assert.ok(call.rtMs! > 0);
      assert.match(call.traceId, /^[0-9a-f]{16}$/);
    }
  }
  const rows = steps.flatMap((s) => s.calls);
  const dbCalls = rows.filter((c) => c.dm === 'db').length;
  const cacheCalls = rows.filter((c) => c.dm === 'cache').length;
  assert.ok(cacheCalls > dbCalls / 2, 'reads go to the cache, misses and writes to the db');
});

test('a failing replica produces errors and retries; a slow one raises latency', () => {
  const slow = { ratePerHour: 0, minSeconds: 60, maxSeconds: 60 };
  const base = runAll({ incidents: slow, steps: 20 }).steps;
  const withIncident = new ClusterSimulator({ ...settings, steps: 20, incidents: slow });
  withIncident.incidents.push({
    service: 'db',
    kind: 'failing-replica',
    startStep: 5,
    endStep: 10,
    severity: 1,
  });
  withIncident.incidents.push({
    service: 'api',
    kind: 'slow-replica',
    startStep: 12,
    endStep: 15,
    severity: 8,
  });
  const steps = Array.from({ length: 20 }, () => withIncident.step());
  assert.equal(base[6]!.load.errors, 0);
  assert.ok(steps[6]!.load.errors > 0, 'errors while the db replica fails');
  assert.equal(steps[11]!.load.errors, 0);
  assert.ok(
    steps[13]!.load.latencyP50Ms! > base[13]!.load.latencyP50Ms! * 1.5,
    'a slow api replica slows requests',
  );
  assert.ok(steps[13]!.load.requests < base[13]!.load.requests, 'and, the loop being closed, fewer are sent');
});
