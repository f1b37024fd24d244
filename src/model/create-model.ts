// The one entry point that turns a config and a call graph into a model.
import { UsageError } from '../core/errors.js';
import { validateGraph } from './graph-structure.js';
import {
  LEARNED_KINDS,
  MODEL_KINDS,
  type ForecastModel,
  type GraphInput,
  type ModelConfig,
} from './model-types.js';
import { DenseModel } from './models/dense-model.js';
import { EnsembleModel } from './models/ensemble-model.js';
import { FcModel } from './models/fc-model.js';
import { GcnModel } from './models/gcn-model.js';
import { LastValueModel, SeasonalNaiveModel } from './models/naive-models.js';
import { RecurrentModel } from './models/recurrent-model.js';

export interface CreateModelOptions {
  /**
   * Prefix of every variable name (default: the model kind), e.g. `gat-gru/forward/input_kernel`. tfjs
   * needs variable names unique per process, so two live models of the same kind (an ensemble) need
   * different scopes; weight names on disk are then scoped the same way.
   */
  scope?: string;
}

function checkConfig(config: ModelConfig, graph: GraphInput): void {
  if (!MODEL_KINDS.includes(config.kind)) {
    throw new UsageError(`unknown model kind ${String(config.kind)}`, {
      suggestion: `use one of ${MODEL_KINDS.join(', ')}`,
    });
  }
  const positive: (keyof ModelConfig)[] = [
    'window',
    'horizon',
    'services',
    'features',
    'targets',
    'hidden',
    'heads',
  ];
  for (const key of positive) {
    const value = config[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new UsageError(`model ${key} must be a positive integer, got ${String(value)}`);
    }
  }
  if (config.targets > config.features) {
    throw new UsageError(
      `model targets (${config.targets}) cannot exceed features (${config.features}): targets are the first inputs`,
    );
  }
  if (!(config.dropout >= 0 && config.dropout < 1)) {
    throw new UsageError(`dropout must be in [0, 1), got ${config.dropout}`);
  }
  const members = config.members ?? 1;
  if (!Number.isInteger(members) || members < 1) {
    throw new UsageError(`an ensemble needs a whole number of members ≥ 1, got ${members}`, {
      suggestion: 'E.g. --ensemble 3.',
    });
  }
  if (members > 1 && !LEARNED_KINDS.includes(config.kind)) {
    throw new UsageError(
      `${config.kind} is not learned: an ensemble of it would be ${members} copies of one forecast`,
      {
        suggestion: `Use --ensemble with a learned model (${LEARNED_KINDS.join(', ')}).`,
      },
    );
  }
  if (!Number.isSafeInteger(config.seed))
    throw new UsageError(`the seed must be an integer, got ${config.seed}`);
  validateGraph(graph);
  if (graph.services !== config.services) {
    throw new UsageError(
      `the graph has ${graph.services} services but the model config has ${config.services}`,
    );
  }
}

/**
 * A fresh, seeded model of `config.kind` over `graph` — an EnsembleModel of `config.members` models seeded
 * seed, seed + 1, … when that is above 1. Dispose it to free its variables.
 */
export function createModel(
  config: ModelConfig,
  graph: GraphInput,
  options: CreateModelOptions = {},
): ForecastModel {
  checkConfig(config, graph);
  const scope = options.scope ?? config.kind;
  const members = config.members ?? 1;
  if (members === 1) return createSingle(config, graph, scope);
  return new EnsembleModel(
    config,
    Array.from({ length: members }, (_, index) =>
      createSingle({ ...config, members: 1, seed: config.seed + index }, graph, `${scope}/member-${index}`),
    ),
  );
}

function createSingle(config: ModelConfig, graph: GraphInput, scope: string): ForecastModel {
  switch (config.kind) {
    case 'gru':
    case 'lstm':
    case 'gat-gru':
    case 'gat-lstm':
    case 'call-gru':
      return new RecurrentModel(config, graph, scope);
    case 'dense':
      return new DenseModel(config, scope);
    case 'fc':
      return new FcModel(config, scope);
    case 'gcn':
      return new GcnModel(config, graph, scope);
    case 'naive':
      return new LastValueModel(config);
    case 'seasonal':
      return new SeasonalNaiveModel(config);
  }
}
