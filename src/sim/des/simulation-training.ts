// The predictive policy's model when none is given: simulate the same topology under the same load (no
// spikes, no faults, static replicas, another seed), write that history as an ordinary run directory at a
// 30 s step, and train the project's forecaster on it with `trainForecaster` — the same code path as
// `rescape profile` + `rescape train`, so the model directory is a normal one (`rescape evaluate` reads it).
import { join } from 'node:path';
import { InterruptedError } from '../../core/errors.js';
import type { ProgressListener } from '../../core/progress.js';
import { toolVersion } from '../../core/version.js';
import { DEFAULT_GRAPH_OPTIONS } from '../../dataset/call-graph.js';
import { RUN_FORMAT, type RunManifest, type ServiceRow, type StepRecord } from '../../dataset/run-format.js';
import { RunWriter } from '../../dataset/run-writer.js';
import { PAPER_DEFAULTS, trainForecaster, type TrainResult } from '../../model/train-forecaster.js';
import { compileTopology } from './call-program.js';
import { TRAINING_SPLIT, TRAINING_WINDOW, type ForecasterKind } from './forecaster-settings.js';
import { DesRun } from './des-run.js';
import type { StepSample } from './run-observer.js';
import type { Scenario } from './scenario.js';
import { StaticPolicy } from './policies/static-policy.js';

export interface TrainingSimulation {
  scenario: Scenario;
  seed: number;
  durationSeconds: number;
  kind: ForecasterKind;
  epochs: number;
  /** Directory to create: the run goes to <dir>/training-run, the model to <dir>/model. */
  dir: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface TrainedForecaster {
  runDir: string;
  modelDir: string;
  train: TrainResult;
  /** E.g. "gcn trained on a 4 h static simulation (seed 1001), 20 epochs, test MAE skill +0.12 at 30 s". */
  description: string;
}

const TRACES_PER_STEP = 5;

export async function trainOnSimulation(options: TrainingSimulation): Promise<TrainedForecaster> {
  const { seed, durationSeconds, kind, epochs } = options;
  const scenario: Scenario = {
    ...options.scenario,
    durationSeconds,
    spikes: [],
    crashes: [],
    latencyFaults: [],
  };
  const services = compileTopology(scenario.topology).services;
  const specs = services.map((name) => scenario.topology.services.find((spec) => spec.name === name)!);
  const rows: ServiceRow[] = specs.map((spec, msId) => ({
    msId,
    msName: spec.name,
    kind: spec.kind,
    replicas: spec.replicas,
  }));
  const runDir = join(options.dir, 'training-run');
  const manifest: RunManifest = {
    format: RUN_FORMAT,
    id: `des-${scenario.topology.benchmark}-s${seed}`,
    benchmark: scenario.topology.benchmark,
    cluster: { kind: 'sim', engine: 'discrete-event', policy: 'static', load: scenario.load.kind },
    startTime: new Date().toISOString(),
    stepSeconds: scenario.stepSeconds,
    samples: Math.floor(durationSeconds / scenario.stepSeconds),
    seed,
    load: { min: scenario.load.min, max: scenario.load.max, redrawSeconds: scenario.load.redrawSeconds },
    status: 'running',
    toolVersion,
  };
  const writer = RunWriter.create(runDir, manifest, rows, { durability: 'periodic' });
  const progress = options.onProgress;
  try {
    await new DesRun({
      scenario,
      seed,
      policy: new StaticPolicy('topology replicas'),
      tracesPerStep: TRACES_PER_STEP,
      onStep: (sample) => writer.appendStep(stepRecord(sample, services)),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onProgress: (seconds) =>
        progress?.({
          phase: 'training simulation',
          done: Math.round(seconds),
          total: durationSeconds,
          message: `${Math.round(seconds)}/${durationSeconds} s`,
        }),
    }).run();
    writer.setStatus(options.signal?.aborted === true ? 'interrupted' : 'complete');
  } finally {
    writer.close();
  }
  if (options.signal?.aborted === true) throw interrupted('the training simulation');
  const modelDir = join(options.dir, 'model');
  const train = await trainForecaster(
    {
      runDirs: [runDir],
      kind,
      out: modelDir,
      targets: ['cpu'],
      extraInputs: [],
      ...TRAINING_WINDOW,
      split: { ...TRAINING_SPLIT },
      normaliser: PAPER_DEFAULTS.normaliser,
      graph: DEFAULT_GRAPH_OPTIONS,
      hidden: PAPER_DEFAULTS.hidden,
      heads: PAPER_DEFAULTS.heads,
      dropout: PAPER_DEFAULTS.dropout,
      residual: true,
      training: {
        epochs,
        batchSize: PAPER_DEFAULTS.batchSize,
        learningRate: PAPER_DEFAULTS.learningRate,
        patience: null,
        clipNorm: null,
        loss: 'mse',
        seed,
      },
    },
    {
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(progress === undefined ? {} : { onProgress: progress }),
    },
  );
  if (train.interrupted) throw interrupted(`training the ${kind} forecaster`);
  const horizons = train.test.models[0]?.horizons ?? [];
  const skills = horizons.map((h) =>
    h.skillMae === null ? 'n/a' : `${h.skillMae >= 0 ? '+' : ''}${h.skillMae.toFixed(2)}`,
  );
  const hours = durationSeconds / 3600;
  return {
    runDir,
    modelDir,
    train,
    description:
      `${kind} trained on a ${Number.isInteger(hours) ? hours : hours.toFixed(2)} h static simulation (seed ${seed}), ${train.epochs} epochs` +
      (horizons.length === 0
        ? ''
        : `, test MAE skill vs last value ${skills.join('/')} at ${horizons.map((h) => h.leadSeconds).join('/')} s`),
  };
}

function interrupted(what: string): InterruptedError {
  return new InterruptedError(`interrupted during ${what}; nothing was simulated`, {
    suggestion: 'Run the same command again; it starts over.',
  });
}

function stepRecord(sample: StepSample, services: readonly string[]): StepRecord {
  const timestamp = sample.index;
  const { responses } = sample;
  return {
    timestamp,
    metrics: services.map((msName, msId) => ({
      timestamp,
      msName,
      msId,
      cpuUtilization: sample.cpuCores[msId] ?? 0,
      gpuUtilization: 0,
      memoryBytes: null,
    })),
    calls: sample.calls.map((call) => ({
      timestamp,
      traceId: call.traceId,
      um: services[call.um] ?? '',
      dm: services[call.dm] ?? '',
      umId: call.um,
      dmId: call.dm,
      rpcType: call.rpcType,
      rtMs: call.rtMs,
    })),
    load: {
      timestamp,
      concurrency: sample.load,
      requests: responses.completed + responses.failed,
      errors: responses.failed,
      latencyP50Ms: responses.completed > 0 ? responses.p50Ms : null,
      latencyP99Ms: responses.completed > 0 ? responses.p99Ms : null,
    },
  };
}
