// `rescape simulate`: the GNN-MSOrchest orchestration study. Every policy runs the same scenario for every
// seed (the same seed gives every policy the same load draws), and each metric is summarised over the seeds
// with a 95 % t interval; the first seed's timelines are kept.
import { InterruptedError, UsageError } from '../../core/errors.js';
import { ignoreProgress, type ProgressListener } from '../../core/progress.js';
import { minimumSteps } from '../../dataset/split.js';
import { DesRun, type RunOutcome } from './des-run.js';
import { emptyTimeline } from './run-observer.js';
import type { ModelForecaster } from './model-forecaster.js';
import { HPA_DEFAULTS, HpaPolicy } from './policies/hpa-policy.js';
import type { AutoscalerSettings, OrchestrationPolicy } from './policies/policy-types.js';
import { PredictivePolicy } from './policies/predictive-policy.js';
import { StaticPolicy } from './policies/static-policy.js';
import { describeLoad, validateScenario, type Scenario } from './scenario.js';
import { seedStatistic } from './seed-statistics.js';
import type { PolicyResult, PolicySummary, SimulationResult } from './simulation-result.js';
import { TRAINING_SPLIT, TRAINING_WINDOW, type ForecasterKind } from './forecaster-settings.js';

/** hpa-least-loaded is an ablation: the HPA's scaling with the predictive policy's balancing. */
export const POLICY_NAMES = ['static', 'hpa', 'predictive', 'hpa-least-loaded'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export interface PredictiveOptions {
  /** A trained model directory; unset trains one on a simulation of the same topology. */
  modelDir?: string;
  kind: ForecasterKind;
  epochs: number;
  trainingSeconds: number;
  trainingSeed: number;
  /** Keep the trained model (and its training run) here instead of a temporary directory. */
  saveDir?: string;
}

export interface StudyOptions {
  scenario: Scenario;
  policies: PolicyName[];
  seeds: number[];
  targetUtilisation: number;
  predictive: PredictiveOptions;
}

export interface StudyDeps {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export function validateStudy(options: StudyOptions): void {
  validateScenario(options.scenario);
  if (options.policies.length === 0 || new Set(options.policies).size !== options.policies.length) {
    throw new UsageError(`--policies: give each policy once (got ${options.policies.join(',') || 'none'})`, {
      suggestion: `E.g. --policies ${POLICY_NAMES.slice(0, 3).join(',')}.`,
    });
  }
  const { seeds } = options;
  if (
    seeds.length === 0 ||
    new Set(seeds).size !== seeds.length ||
    seeds.some((s) => !Number.isSafeInteger(s) || s < 0)
  ) {
    throw new UsageError(
      `--seeds: ${seeds.join(',') || 'none'} is not a list of distinct whole numbers ≥ 0`,
      {
        suggestion: 'E.g. --seeds 1,2,3 or --runs 5.',
      },
    );
  }
  if (!(options.targetUtilisation > 0 && options.targetUtilisation <= 1)) {
    throw new UsageError(`--target-utilisation: ${options.targetUtilisation * 100} % is not in (0, 100]`, {
      suggestion: 'E.g. --target-utilisation 60.',
    });
  }
  const { predictive } = options;
  if (!Number.isInteger(predictive.epochs) || predictive.epochs < 1) {
    throw new UsageError(`--epochs: ${predictive.epochs} is not a whole number ≥ 1`, {
      suggestion: 'E.g. --epochs 20.',
    });
  }
  if (options.policies.includes('predictive') && predictive.modelDir === undefined) {
    const step = options.scenario.stepSeconds;
    const needed = minimumSteps(TRAINING_WINDOW, TRAINING_SPLIT);
    if (predictive.trainingSeconds < needed * step) {
      throw new UsageError(
        `--train-duration: ${predictive.trainingSeconds} s is ${Math.floor(predictive.trainingSeconds / step)} steps of ${step} s; the forecaster needs at least ${needed} (window ${TRAINING_WINDOW.window} + horizon ${TRAINING_WINDOW.horizon} in each of its train, validation and test splits)`,
        {
          suggestion: `E.g. --train-duration ${Math.ceil((needed * step) / 600) * 10}m, or 4h for a useful model.`,
        },
      );
    }
  }
}

export async function simulateStudy(options: StudyOptions, deps: StudyDeps = {}): Promise<SimulationResult> {
  validateStudy(options);
  const { scenario, seeds } = options;
  const onProgress = deps.onProgress ?? ignoreProgress;
  // TensorFlow.js is loaded only when a policy needs a forecaster.
  const forecaster = options.policies.includes('predictive')
    ? await (await import('./prepare-forecaster.js')).prepareForecaster(options, deps)
    : undefined;
  const outcomes = new Map<PolicyName, RunOutcome[]>();
  const descriptions = new Map<PolicyName, string>();
  const total = options.policies.length * seeds.length;
  let done = 0;
  try {
    for (const seed of seeds) {
      for (const name of options.policies) {
        const policy = makePolicy(name, options, forecaster);
        descriptions.set(name, policy.description);
        const label = `${name}, seed ${seed} (${done + 1}/${total})`;
        const outcome = await new DesRun({
          scenario,
          seed,
          policy,
          ...(deps.signal === undefined ? {} : { signal: deps.signal }),
          onProgress: (seconds) =>
            onProgress({
              phase: 'simulate',
              done: Math.round((done + seconds / scenario.durationSeconds) * 1000),
              total: total * 1000,
              message: `${label}: ${Math.round(seconds)}/${scenario.durationSeconds} s simulated`,
            }),
        }).run();
        if (outcome.interrupted) {
          throw new InterruptedError(`simulation interrupted during ${label}; no result was written`, {
            suggestion: 'Run it again, with a shorter --duration or fewer --seeds to finish sooner.',
          });
        }
        outcomes.set(name, [...(outcomes.get(name) ?? []), outcome]);
        done += 1;
        onProgress({ phase: 'simulate', done: done * 1000, total: total * 1000, message: `${label} done` });
      }
    }
  } finally {
    forecaster?.dispose();
  }
  const all = [...outcomes.values()].flat();
  return {
    kind: 'rescape.simulation',
    version: 1,
    topology: scenario.topology.benchmark,
    durationSeconds: scenario.durationSeconds,
    bucketSeconds: scenario.bucketSeconds,
    sloMs: scenario.sloMs,
    seeds: [...seeds],
    load: describeLoad(scenario),
    faults: all[0]?.faults ?? [],
    policies: options.policies.map((name) =>
      policyResult(name, descriptions.get(name) ?? name, outcomes.get(name) ?? []),
    ),
    events: all.reduce((sum, outcome) => sum + outcome.events, 0),
    wallSeconds: all.reduce((sum, outcome) => sum + outcome.wallSeconds, 0),
  };
}

function policyResult(policy: string, description: string, runs: readonly RunOutcome[]): PolicyResult {
  const stat = (read: (run: RunOutcome) => number) => seedStatistic(runs.map(read));
  const summary: PolicySummary = {
    meanResponseMs: stat((run) => run.responses.meanMs),
    p95ResponseMs: stat((run) => run.responses.p95Ms),
    p99ResponseMs: stat((run) => run.responses.p99Ms),
    loadBalanceCv: stat((run) => run.loadBalanceCv),
    utilisation: stat((run) => run.utilisation),
    replicaSeconds: stat((run) => run.replicaSeconds),
    recoverySeconds: stat((run) => run.recoverySeconds),
    errorRate: stat((run) => run.errorRate),
  };
  return { policy, description, summary, timeline: runs[0]?.timeline ?? emptyTimeline() };
}

function makePolicy(
  name: PolicyName,
  options: StudyOptions,
  forecaster: ModelForecaster | undefined,
): OrchestrationPolicy {
  const { scenario } = options;
  const bounds: AutoscalerSettings = {
    targetUtilisation: options.targetUtilisation,
    minReplicas: scenario.minReplicas,
    maxReplicas: scenario.maxReplicas,
  };
  switch (name) {
    case 'static': {
      const replicas = [...scenario.topology.services]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((service) => `${service.name} ${service.replicas}`)
        .join(', ');
      return new StaticPolicy(`topology replicas (${replicas}), round-robin balancing`);
    }
    case 'hpa':
    case 'hpa-least-loaded':
      return new HpaPolicy({ ...bounds, ...HPA_DEFAULTS }, name === 'hpa' ? 'round-robin' : 'least-loaded');
    case 'predictive':
      if (forecaster === undefined) throw new Error('the predictive policy needs a forecaster');
      return new PredictivePolicy(forecaster, {
        ...bounds,
        ...HPA_DEFAULTS,
        startupSeconds: scenario.startupSeconds,
      });
  }
}
