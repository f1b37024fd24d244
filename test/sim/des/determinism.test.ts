import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DesRun, type RunOutcome } from '../../../src/sim/des/des-run.js';
import { HPA_DEFAULTS, HpaPolicy } from '../../../src/sim/des/policies/hpa-policy.js';
import { StaticPolicy } from '../../../src/sim/des/policies/static-policy.js';
import { InterruptedError } from '../../../src/core/errors.js';
import { simulateStudy } from '../../../src/sim/des/simulate-study.js';
import { scenario } from './des-helpers.js';

const settings = scenario({
  durationSeconds: 200,
  spikes: [{ factor: 2, startSeconds: 60, durationSeconds: 60 }],
  crashes: [{ service: 'api-gateway', atSeconds: 100 }],
  latencyFaults: [{ service: 'inventory-management', factor: 4, startSeconds: 120, durationSeconds: 60 }],
});

const hpa = () =>
  new HpaPolicy({ targetUtilisation: 0.6, minReplicas: 1, maxReplicas: 10, ...HPA_DEFAULTS }, 'least-loaded');

async function run(
  seed: number,
  policy: () => StaticPolicy | HpaPolicy,
): Promise<Omit<RunOutcome, 'wallSeconds'>> {
  const { wallSeconds: _wall, ...rest } = await new DesRun({
    scenario: settings,
    seed,
    policy: policy(),
  }).run();
  return rest;
}

for (const [name, policy] of [
  ['static', () => new StaticPolicy('static')],
  ['hpa, least-loaded balancing', hpa],
] as const) {
  test(`${name}: the same seed gives an identical run, another seed a different one`, async () => {
    const first = await run(4, policy);
    const again = await run(4, policy);
    assert.deepEqual(again, first);
    assert.ok(first.events > 100_000, `${first.events} events`);
    const other = await run(5, policy);
    assert.notEqual(other.responses.meanMs, first.responses.meanMs);
    assert.notEqual(other.events, first.events);
    assert.notDeepEqual(other.timeline.arrivalsPerSecond, first.timeline.arrivalsPerSecond);
  });
}

test('an aborted signal stops a run between slices of events, and the study with an InterruptedError', async () => {
  const controller = new AbortController();
  controller.abort(new Error('SIGINT received'));
  const outcome = await new DesRun({
    scenario: settings,
    seed: 1,
    policy: new StaticPolicy('static'),
    signal: controller.signal,
  }).run();
  assert.equal(outcome.interrupted, true);
  assert.ok(outcome.simulatedSeconds < settings.durationSeconds, `${outcome.simulatedSeconds} s`);
  await assert.rejects(
    simulateStudy(
      {
        scenario: settings,
        policies: ['static'],
        seeds: [1],
        targetUtilisation: 0.6,
        predictive: { kind: 'gcn', epochs: 1, trainingSeconds: 3600, trainingSeed: 1000 },
      },
      { signal: controller.signal },
    ),
    (error: unknown) =>
      error instanceof InterruptedError && /interrupted during static, seed 1/.test(error.message),
  );
});
