import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DesRun } from '../../../src/sim/des/des-run.js';
import {
  HPA_DEFAULTS,
  HpaPolicy,
  hpaRecommendation,
  scaleUpLimit,
} from '../../../src/sim/des/policies/hpa-policy.js';
import type { ControlView, ServiceView } from '../../../src/sim/des/policies/policy-types.js';
import { PredictivePolicy, type CpuForecaster } from '../../../src/sim/des/policies/predictive-policy.js';
import { StaticPolicy } from '../../../src/sim/des/policies/static-policy.js';
import { runStatic, scenario } from './des-helpers.js';

const bounds = { targetUtilisation: 0.6, minReplicas: 1, maxReplicas: 10 };

function service(overrides: Partial<ServiceView> = {}): ServiceView {
  return {
    name: 'svc',
    coresPerReplica: 1,
    replicas: 2,
    ready: 2,
    starting: 0,
    usageCores: 1.2,
    ...overrides,
  };
}

function view(time: number, services: ServiceView[], history: Float64Array[] = []): ControlView {
  return { timeSeconds: time, periodSeconds: 15, services, history, stepSeconds: 30 };
}

const hpaCases = [
  { name: 'at target → unchanged', svc: service({ usageCores: 1.2 }), expected: 2 },
  { name: 'within tolerance above (ratio 1.08) → unchanged', svc: service({ usageCores: 1.3 }), expected: 2 },
  { name: 'within tolerance below (ratio 0.92) → unchanged', svc: service({ usageCores: 1.1 }), expected: 2 },
  { name: 'ratio 1.5 → ceil(1.5 × 2) = 3', svc: service({ usageCores: 1.8 }), expected: 3 },
  { name: 'ratio 1.11 → ceil(2.22) = 3', svc: service({ usageCores: 1.333 }), expected: 3 },
  { name: 'ratio 0.25 → ceil(0.5) = 1', svc: service({ usageCores: 0.3 }), expected: 1 },
  {
    name: 'cores per replica count in the request',
    svc: service({ coresPerReplica: 2, usageCores: 3.6 }),
    expected: 3,
  },
  {
    name: 'starting replicas count at 0 % when scaling up',
    svc: service({ replicas: 4, ready: 2, starting: 2, usageCores: 1.8 }),
    expected: 4, // 1.8 / (4 × 1) / 0.6 = 0.75: scaling up no longer holds → keep 4
  },
  {
    name: 'starting replicas at 0 %: still above target → ceil over ready + starting',
    svc: service({ replicas: 3, ready: 2, starting: 1, usageCores: 2.7 }),
    expected: 5, // 2.7 / 3 / 0.6 = 1.5 → ceil(4.5)
  },
  {
    name: 'no ready replica → no metric → unchanged',
    svc: service({ ready: 0, starting: 2, usageCores: 0 }),
    expected: 2,
  },
];

for (const { name, svc, expected } of hpaCases) {
  test(`HPA recommendation: ${name}`, () => {
    assert.equal(hpaRecommendation(svc, 0.6, 0.1), expected);
  });
}

test('HPA: scale-up is immediate but limited to max(2×, +4) per sync; min/max bound it', () => {
  assert.equal(scaleUpLimit(1), 5);
  assert.equal(scaleUpLimit(6), 12);
  const policy = new HpaPolicy({ ...bounds, ...HPA_DEFAULTS });
  assert.deepEqual(policy.decide(view(15, [service({ replicas: 1, ready: 1, usageCores: 1 * 6 })])), [5]);
  const capped = new HpaPolicy({ ...bounds, ...HPA_DEFAULTS, maxReplicas: 3 });
  assert.deepEqual(capped.decide(view(15, [service({ usageCores: 6 })])), [3]);
  const floor = new HpaPolicy({ ...bounds, ...HPA_DEFAULTS, minReplicas: 2 });
  assert.deepEqual(floor.decide(view(15, [service({ usageCores: 0.01 })])), [2]);
});

test('HPA: scale-down waits for the 300 s stabilisation window; a spike inside it holds the size', () => {
  const policy = new HpaPolicy({ ...bounds, ...HPA_DEFAULTS });
  let replicas = 2;
  const decideAt = (time: number, usageCores: number): number => {
    replicas = policy.decide(view(time, [service({ replicas, ready: replicas, usageCores })]))[0]!;
    return replicas;
  };
  assert.equal(decideAt(15, 3.6), 6); // ratio 3 → 6, immediately
  const sizes: number[] = [];
  for (let t = 30; t <= 330; t += 15) sizes.push(decideAt(t, 0.6)); // now 1 replica would do
  // The 6 recommended at 15 s holds until it leaves the window (at 315 s), then the size drops to 1.
  assert.deepEqual(sizes.slice(0, sizes.length - 2), new Array(sizes.length - 2).fill(6));
  assert.equal(sizes.at(-1), 1);
});

test('static never scales: replicas stay the topology’s through a spike, replica-seconds exactly replicas × time', async () => {
  const settings = scenario({
    durationSeconds: 300,
    spikes: [{ factor: 4, startSeconds: 60, durationSeconds: 120 }],
  });
  const outcome = await runStatic(settings, 2);
  const replicas = settings.topology.services.reduce((sum, s) => sum + s.replicas, 0);
  assert.ok(Math.abs(outcome.replicaSeconds - replicas * 300) < 1e-6, String(outcome.replicaSeconds));
  assert.ok(outcome.timeline.replicas.every((r) => Math.abs(r - replicas) < 1e-9));
  assert.deepEqual(new StaticPolicy('s').decide(view(15, [service({ usageCores: 100 })])), [2]);
});

/** A forecaster that returns a fixed multiple of the last step. */
function scaled(factor: number): CpuForecaster {
  return {
    window: 3,
    horizon: 3,
    stepSeconds: 30,
    description: `×${factor}`,
    forecast: (history) => [1, 2, 3].map(() => history.at(-1)!.map((value) => value * factor)),
  };
}

test('predictive: sizes for the forecast rise ahead of it, not just for the present', () => {
  const settings = { ...bounds, ...HPA_DEFAULTS, startupSeconds: 20 };
  const history = [1, 2, 3].map(() => Float64Array.of(1.2));
  const current = [service({ usageCores: 1.2 })];
  const flat = new PredictivePolicy(scaled(1), settings).decide(view(30, current, history));
  const rising = new PredictivePolicy(scaled(2.5), settings).decide(view(30, current, history));
  assert.deepEqual(flat, [2]); // 1.2 cores at 60 % of 1 core → 2 replicas, as the HPA would keep
  assert.deepEqual(rising, [5]); // 3 cores forecast → 5 replicas now, before the load arrives
  assert.equal(hpaRecommendation(current[0]!, 0.6, 0.1), 2);
  // A forecast fall never plans below what the last step used.
  assert.deepEqual(new PredictivePolicy(scaled(0.2), settings).decide(view(30, current, history)), [2]);
  // Too little history: the last step alone.
  assert.deepEqual(
    new PredictivePolicy(scaled(2.5), settings).decide(view(30, current, history.slice(0, 2))),
    [2],
  );
});

test('predictive in the simulation: with a forecaster that sees a spike coming, replicas rise before it starts', async () => {
  const spikeStart = 360;
  const settings = scenario({
    durationSeconds: 600,
    spikes: [{ factor: 3, startSeconds: spikeStart, durationSeconds: 240 }],
    bucketSeconds: 30,
  });
  // An oracle: the last step's CPU times the spike factor in force at each future step.
  let clock = 0;
  const oracle: CpuForecaster = {
    window: 3,
    horizon: 3,
    stepSeconds: 30,
    description: 'oracle',
    forecast(history) {
      return [1, 2, 3].map((h) => {
        const at = clock + (h - 1) * 30;
        const factor = at >= spikeStart && at < spikeStart + 240 ? 3 : 1;
        return history.at(-1)!.map((value) => value * factor);
      });
    },
  };
  class ClockedPolicy extends PredictivePolicy {
    override decide(view: ControlView): number[] {
      clock = view.timeSeconds;
      return super.decide(view);
    }
  }
  const policy = new ClockedPolicy(oracle, { ...bounds, ...HPA_DEFAULTS, startupSeconds: 20 });
  const outcome = await new DesRun({ scenario: settings, seed: 1, policy }).run();
  const { t, replicas } = outcome.timeline;
  const at = (time: number) => replicas[t.indexOf(time)]!;
  assert.ok(
    at(spikeStart - 30) > at(spikeStart - 120) + 2,
    `replicas ${at(spikeStart - 120)} → ${at(spikeStart - 30)}`,
  );
  // And the HPA only reacts after the spike has started.
  const reactive = await new DesRun({
    scenario: settings,
    seed: 1,
    policy: new HpaPolicy({ ...bounds, ...HPA_DEFAULTS }),
  }).run();
  const hpaAt = (time: number) => reactive.timeline.replicas[reactive.timeline.t.indexOf(time)]!;
  assert.ok(
    hpaAt(spikeStart - 30) <= hpaAt(spikeStart - 120) + 0.5,
    `hpa ${hpaAt(spikeStart - 120)} → ${hpaAt(spikeStart - 30)}`,
  );
  assert.ok(hpaAt(spikeStart + 60) > hpaAt(spikeStart - 30), 'the HPA scales up once the spike is there');
});
