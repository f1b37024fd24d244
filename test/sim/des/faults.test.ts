import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrchestrationPolicy } from '../../../src/sim/des/policies/policy-types.js';
import { runStatic, scenario } from './des-helpers.js';

const base = scenario({ durationSeconds: 400 });

test('a crash of one of two replicas: its calls are retried on the other, nothing fails, the replica restarts', async () => {
  // Every request in flight holds a call on a gateway replica; 100 clients thinking 100 ms keep ~25 in flight.
  const busy = {
    ...base,
    load: { kind: 'closed' as const, min: 100, max: 100, redrawSeconds: 60, thinkMs: 100 },
  };
  const crashed = await runStatic(
    { ...busy, durationSeconds: 200, crashes: [{ service: 'api-gateway', atSeconds: 100 }] },
    7,
  );
  assert.ok(crashed.retries >= 5, `${crashed.retries} retries`);
  assert.equal(crashed.failedCalls, 0);
  assert.equal(crashed.errorRate, 0);
  assert.deepEqual(crashed.faults, [
    { kind: 'crash', service: 'api-gateway', startSeconds: 100, endSeconds: 120 },
  ]);
  // The restarting pod still costs: replica-seconds are unchanged; it serves again once restarted.
  assert.ok(Math.abs(crashed.replicaSeconds - 12 * 200) < 1e-6);
  const gateway = crashed.services.find((s) => s.name === 'api-gateway')!;
  assert.ok(Math.abs(gateway.replicaSeconds - 2 * 200) < 1e-6);
  const healthy = await runStatic({ ...busy, durationSeconds: 200 }, 7);
  assert.ok(Math.abs(crashed.responses.completed / healthy.responses.completed - 1) < 0.02);
});

test('a crash of the only replica: calls fail until it restarts, and recovery time is measured', async () => {
  const healthy = await runStatic(base, 7);
  const crashed = await runStatic({ ...base, crashes: [{ service: 'orders-db', atSeconds: 200 }] }, 7);
  assert.equal(healthy.errorRate, 0);
  assert.equal(healthy.recoverySeconds, 0);
  assert.ok(crashed.failedCalls > 0);
  // About 35 % of requests reach orders-db, at ~290 requests/s, for the 20 s it is down.
  const failed = crashed.errorRate * (crashed.responses.completed + crashed.responses.failed);
  assert.ok(failed > 0.35 * 290 * 20 * 0.6 && failed < 0.35 * 290 * 20 * 1.4, `${failed} requests failed`);
  // The SLO (p95 over 30 s, a failure counts as too slow) breaks when the replica goes and holds again one
  // window after it is back: recovery ≈ start-up (20 s) + at most one window.
  assert.ok(
    crashed.recoverySeconds >= 20 && crashed.recoverySeconds <= 20 + 30 + 5,
    `${crashed.recoverySeconds} s`,
  );
});

test('a latency fault on one replica shows in the p99, in its window and overall', async () => {
  const fault = { service: 'inventory-management', factor: 10, startSeconds: 180, durationSeconds: 120 };
  const healthy = await runStatic(base, 9);
  const slow = await runStatic({ ...base, latencyFaults: [fault] }, 9);
  assert.ok(
    slow.responses.p99Ms > 1.5 * healthy.responses.p99Ms,
    `p99 ${healthy.responses.p99Ms} → ${slow.responses.p99Ms} ms`,
  );
  const p99 = (run: typeof slow, from: number, to: number) =>
    Math.max(
      ...run.timeline.t.flatMap((t, i) => (t >= from && t < to ? [run.timeline.p99ResponseMs[i]!] : [])),
    );
  assert.ok(p99(slow, 180, 300) > 2 * p99(healthy, 180, 300), 'inside the fault window');
  assert.ok(p99(slow, 320, 400) < 1.3 * p99(healthy, 320, 400), 'recovered after it');
  assert.deepEqual(slow.faults, [
    { kind: 'latency', service: 'inventory-management', startSeconds: 180, endSeconds: 300 },
  ]);
});

test('least-loaded balancing routes around the slow replica: lower p99 and a lower load-balance CV than round-robin', async () => {
  const settings = {
    ...base,
    latencyFaults: [{ service: 'inventory-management', factor: 10, startSeconds: 60, durationSeconds: 300 }],
  };
  const leastLoaded: OrchestrationPolicy = {
    name: 'static-least-loaded',
    description: 'topology replicas, least-loaded',
    periodSeconds: 0,
    balancing: 'least-loaded',
    decide: (view) => view.services.map((service) => service.replicas),
  };
  const roundRobin = await runStatic(settings, 3);
  const balanced = await runStatic(settings, 3, leastLoaded);
  assert.ok(
    balanced.responses.p99Ms < roundRobin.responses.p99Ms / 2,
    `${roundRobin.responses.p99Ms} → ${balanced.responses.p99Ms}`,
  );
  assert.ok(
    balanced.loadBalanceCv < roundRobin.loadBalanceCv,
    `CV ${roundRobin.loadBalanceCv} → ${balanced.loadBalanceCv}`,
  );
});
