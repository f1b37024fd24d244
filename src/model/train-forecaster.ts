// `rescape train`: run directories → a trained model directory (model.json, weights.bin, card.json),
// judged on the held-out test windows against last-value and seasonal naive.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { ignoreProgress, type ProgressListener } from '../core/progress.js';
import { toolVersion } from '../core/version.js';
import type { GraphOptions } from '../dataset/call-graph.js';
import type { NormaliserKind } from '../dataset/normalisation.js';
import type { ExtraInput, TargetName } from '../dataset/series.js';
import { checkSplitFractions, type SplitFractions } from '../dataset/split.js';
import { resolveWindowShape } from '../dataset/windows.js';
import { createModel } from './create-model.js';
import { EnsembleModel } from './models/ensemble-model.js';
import { evaluateForecasts, type Evaluation } from './evaluate-forecasts.js';
import { saveCard, saveWeights } from './model-files.js';
import {
  CALL_DIRECTED_KINDS,
  LEARNED_KINDS,
  MODEL_KINDS,
  type ModelConfig,
  type ModelKind,
} from './model-types.js';
import { selectBackend, type BackendName } from './tf.js';
import { trainModel, type EpochRecord, type TrainingOutcome, type TrainingSettings } from './trainer.js';
import { DirectoryCheckpoint } from './training-checkpoint.js';
import { loadTrainingData, type RunSummary } from './training-data.js';
import type { ModelCard } from './model-card.js';

export interface TrainOptions {
  runDirs: string[];
  kind: ModelKind;
  out: string;
  targets?: TargetName[];
  extraInputs: ExtraInput[];
  window: number;
  horizon: number;
  split: SplitFractions;
  normaliser: NormaliserKind;
  graph: GraphOptions;
  hidden: number;
  heads: number;
  dropout: number;
  residual: boolean;
  seasonSteps?: number;
  training: TrainingSettings;
  backend?: BackendName;
  /** Score the test split without windows whose targets touch an annotated anomaly. */
  excludeAnomalies?: boolean;
  /** Train this many members (seeds seed, seed + 1, …) and forecast their mean; default 1. */
  members?: number;
}

export interface TrainResult {
  modelDir: string;
  kind: ModelKind;
  backend: string;
  backendFallbacks: string[];
  services: number;
  edges: number;
  features: string[];
  targets: string[];
  windows: { train: number; validation: number; test: number };
  runs: RunSummary[];
  epochs: number;
  bestEpoch: number;
  bestValidationLoss: number;
  stoppedEarly: boolean;
  interrupted: boolean;
  resumedFromEpoch: number | null;
  /** One entry per trained model: one, or each member of an --ensemble (none for naive baselines). */
  members: MemberSummary[];
  trainSeconds: number;
  secondsPerEpoch: number | null;
  history: EpochRecord[];
  test: Evaluation;
}

export interface MemberSummary {
  seed: number;
  epochs: number;
  bestEpoch: number;
  bestValidationLoss: number;
  stoppedEarly: boolean;
}

export interface TrainDeps {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

/** Paper defaults (RESCAPE): window 10 → 3, hidden 48, 4 heads, batch 48, Adam 0.001, 50 epochs, min-max. */
export const PAPER_DEFAULTS = {
  window: 10,
  horizon: 3,
  hidden: 48,
  heads: 4,
  dropout: 0.3,
  batchSize: 48,
  learningRate: 0.001,
  epochs: 50,
  normaliser: 'minmax',
} as const;

/** The call-graph cell needs caller and callee told apart, weighted by call volume: it ignores --graph. */
type MemberOutcome = TrainingOutcome & { seed: number };

/**
 * One outcome for the whole model: epochs and history of every member (history records carry the member
 * index for ensembles), the best epoch and loss of the first member, interrupted if any member was.
 */
function combineOutcomes(outcomes: readonly MemberOutcome[]): TrainingOutcome & { members: MemberSummary[] } {
  const first = outcomes[0];
  const ensemble = outcomes.length > 1;
  return {
    epochsDone: outcomes.reduce((sum, outcome) => sum + outcome.epochsDone, 0),
    history: outcomes.flatMap((outcome, member) =>
      ensemble ? outcome.history.map((record) => ({ ...record, member })) : outcome.history,
    ),
    bestEpoch: first?.bestEpoch ?? 0,
    bestValidationLoss: first?.bestValidationLoss ?? NaN,
    sinceBest: first?.sinceBest ?? 0,
    stoppedEarly: outcomes.some((outcome) => outcome.stoppedEarly),
    interrupted: outcomes.some((outcome) => outcome.interrupted),
    resumedFromEpoch: first?.resumedFromEpoch ?? null,
    trainSeconds: outcomes.reduce((sum, outcome) => sum + outcome.trainSeconds, 0),
    members: outcomes.map((outcome) => ({
      seed: outcome.seed,
      epochs: outcome.history.length,
      bestEpoch: outcome.bestEpoch,
      bestValidationLoss: outcome.bestValidationLoss,
      stoppedEarly: outcome.stoppedEarly,
    })),
  };
}

function graphOptionsFor(kind: ModelKind, requested: GraphOptions): GraphOptions {
  return CALL_DIRECTED_KINDS.includes(kind)
    ? { direction: 'directed', selfLoops: false, weighting: 'calls' }
    : requested;
}

export function validateTrainOptions(options: TrainOptions): void {
  if (!MODEL_KINDS.includes(options.kind)) {
    throw new UsageError(`--model: unknown model "${options.kind}"`, {
      suggestion: `Use one of: ${MODEL_KINDS.join(', ')}.`,
    });
  }
  resolveWindowShape({ window: options.window, horizon: options.horizon, stride: 1 });
  checkSplitFractions(options.split);
  const positive: [string, number][] = [
    ['hidden', options.hidden],
    ['heads', options.heads],
    ['batch-size', options.training.batchSize],
    ['epochs', options.training.epochs],
  ];
  for (const [flag, value] of positive) {
    if (!Number.isInteger(value) || value < 1)
      throw new UsageError(`--${flag}: ${value} is not a whole number ≥ 1`, {
        suggestion: `E.g. --${flag} 48.`,
      });
  }
  if (!(options.training.learningRate > 0)) {
    throw new UsageError(`--learning-rate: ${options.training.learningRate} is not positive`, {
      suggestion: 'E.g. --learning-rate 0.001.',
    });
  }
}

export async function trainForecaster(options: TrainOptions, deps: TrainDeps = {}): Promise<TrainResult> {
  validateTrainOptions(options);
  const backend = await selectBackend(options.backend);
  const data = await loadTrainingData({
    runDirs: options.runDirs,
    ...(options.targets === undefined ? {} : { targets: options.targets }),
    extraInputs: options.extraInputs,
    shape: { window: options.window, horizon: options.horizon, stride: 1 },
    split: options.split,
    normaliserKind: options.normaliser,
    graph: graphOptionsFor(options.kind, options.graph),
    excludeAnomalies: options.excludeAnomalies ?? false,
  });
  const config: ModelConfig = {
    kind: options.kind,
    window: options.window,
    horizon: options.horizon,
    services: data.services.length,
    features: data.featureNames.length,
    targets: data.targetNames.length,
    hidden: options.hidden,
    heads: options.heads,
    dropout: options.dropout,
    residual: options.residual,
    seasonSteps: options.seasonSteps ?? options.window,
    seed: options.training.seed,
    ...(options.members === undefined || options.members === 1 ? {} : { members: options.members }),
  };
  const model = createModel(config, data.graph);
  try {
    const learned = LEARNED_KINDS.includes(options.kind);
    const members = model instanceof EnsembleModel ? model.members : [model];
    const checkpointRoot = join(options.out, 'checkpoint');
    // Epochs and patience may change between attempts: "train 10 more epochs" resumes too.
    const checkpointKey = JSON.stringify({
      config,
      training: { ...options.training, epochs: undefined, patience: undefined },
      runs: data.runs.map((run) => run.id),
      normaliser: options.normaliser,
    });
    const outcomes: MemberOutcome[] = [];
    for (const [index, member] of members.entries()) {
      if (!learned) break;
      const seed = options.training.seed + index;
      const outcome = await trainModel(
        member,
        data.splits.train.normalised,
        data.splits.validation.normalised,
        { ...options.training, seed },
        {
          ...(deps.signal === undefined ? {} : { signal: deps.signal }),
          onProgress: deps.onProgress ?? ignoreProgress,
          checkpoint: new DirectoryCheckpoint(
            members.length === 1 ? checkpointRoot : join(checkpointRoot, `member-${index}`),
            checkpointKey,
          ),
        },
      );
      outcomes.push({ ...outcome, seed });
      if (outcome.interrupted) break;
    }
    const outcome = combineOutcomes(outcomes);
    const test = evaluateForecasts(
      model,
      data.graph,
      data.splits.test,
      data.normaliser,
      data.services,
      data.stepSeconds,
    );
    const windows = {
      train: data.splits.train.raw.count,
      validation: data.splits.validation.raw.count,
      test: data.splits.test.raw.count,
    };
    if (!outcome.interrupted) {
      await saveWeights(options.out, config, model.variables);
      const card: Omit<ModelCard, 'format'> = {
        kind: options.kind,
        config,
        targets: data.targetNames,
        features: data.featureNames,
        services: data.services.map((service) => service.msName),
        edges: data.graph.edges.map((edge) => ({
          um: data.services[edge.um]!.msName,
          dm: data.services[edge.dm]!.msName,
          calls: edge.calls,
        })),
        graph: data.graph.options,
        normalisation: data.normaliser.toJSON(),
        stepSeconds: data.stepSeconds,
        extraInputs: options.extraInputs,
        split: options.split,
        trainedOn: data.runs,
        training: {
          settings: options.training,
          history: outcome.history,
          bestEpoch: outcome.bestEpoch,
          stoppedEarly: outcome.stoppedEarly,
          members: outcome.members,
        },
        metrics: test,
        backend: backend.backend,
        trainSeconds: outcome.trainSeconds,
        toolVersion,
      };
      await saveCard(options.out, card);
      rmSync(checkpointRoot, { recursive: true, force: true });
    }
    const epochs = outcome.history.length;
    return {
      modelDir: options.out,
      kind: options.kind,
      backend: backend.backend,
      backendFallbacks: backend.fallbacks,
      services: data.services.length,
      edges: data.graph.edges.length,
      features: data.featureNames,
      targets: data.targetNames,
      windows,
      runs: data.runs,
      epochs,
      bestEpoch: outcome.bestEpoch,
      bestValidationLoss: outcome.bestValidationLoss,
      stoppedEarly: outcome.stoppedEarly,
      interrupted: outcome.interrupted,
      resumedFromEpoch: outcome.resumedFromEpoch,
      members: outcome.members,
      trainSeconds: outcome.trainSeconds,
      secondsPerEpoch:
        epochs === 0 ? null : outcome.history.reduce((sum, record) => sum + record.seconds, 0) / epochs,
      history: outcome.history,
      test,
    };
  } finally {
    model.dispose();
  }
}
