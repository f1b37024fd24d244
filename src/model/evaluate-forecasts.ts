// Judges a model on held-out windows exactly like its references: the last-value and seasonal-naive
// forecasts go through the same forward pass, de-normalisation and metrics, and skill is reported
// against last-value at every horizon.
import type { Normaliser } from '../dataset/normalisation.js';
import type { ServiceRow } from '../dataset/run-format.js';
import { horizonErrors, MAPE_ZERO_GUARD, skill, type HorizonErrors } from './forecast-metrics.js';
import { createModel } from './create-model.js';
import type { ForecastModel, GraphInput, ModelConfig } from './model-types.js';
import { predictWindows } from './trainer.js';
import type { SplitWindows } from './training-data.js';

export interface HorizonReport extends HorizonErrors {
  /** MSE on normalised values (the training loss' scale). */
  mseNormalised: number;
  /** 1 − MAE / MAE(last value) and 1 − wMAPE / wMAPE(last value). */
  skillMae: number | null;
  skillWmape: number | null;
}

export interface ModelEvaluation {
  model: string;
  horizons: HorizonReport[];
}

export interface ServiceBreakdown {
  service: string;
  /** MAE at the first horizon for the model and for last value, and the model's skill there. */
  mae: number;
  maeLastValue: number;
  skill: number | null;
}

export interface Evaluation {
  windows: number;
  mapeZeroGuard: number;
  models: ModelEvaluation[];
  perService: ServiceBreakdown[];
}

export function evaluateForecasts(...args: Parameters<typeof evaluateWithForecasts>): Evaluation {
  return evaluateWithForecasts(...args).evaluation;
}

/**
 * evaluateForecasts, also handing back the model's forecasts for every window in original units,
 * [windows × horizon × services × targets] like split.raw.targets, so that they can be drawn against the
 * truth (the report) without a second forward pass.
 */
export function evaluateWithForecasts(
  model: ForecastModel,
  graph: GraphInput,
  split: SplitWindows,
  normaliser: Normaliser,
  services: readonly ServiceRow[],
  stepSeconds: number,
): { evaluation: Evaluation; predictions: Float32Array } {
  const references = (['naive', 'seasonal'] as const).map((kind) => {
    const config: ModelConfig = {
      ...model.config,
      kind,
      seasonSteps: Math.min(model.config.seasonSteps, model.config.window),
      members: 1,
    };
    const reference = createModel(config, graph, { scope: `reference-${kind}` });
    try {
      return {
        name: kind === 'naive' ? 'last-value' : 'seasonal-naive',
        predictions: forecast(reference, split, normaliser),
      };
    } finally {
      reference.dispose();
    }
  });
  const all = [{ name: model.config.kind, predictions: forecast(model, split, normaliser) }, ...references];
  const { horizon, services: n, targets } = model.config;
  const batch = (predictions: Float32Array) => ({
    predictions,
    truths: split.raw.targets,
    windows: split.raw.count,
    horizon,
    services: n,
    targets,
  });
  const normalisedBatch = (predictions: Float32Array) => ({
    ...batch(normaliser.normalise(predictions, 'targets')),
    truths: split.normalised.targets,
  });
  const lastValue = horizonErrors(batch(references[0]!.predictions), stepSeconds);
  const models = all.map(({ name, predictions }) => {
    const normalised = horizonErrors(normalisedBatch(predictions), stepSeconds);
    return {
      model: name,
      horizons: horizonErrors(batch(predictions), stepSeconds).map((errors, h) => ({
        ...errors,
        mseNormalised: normalised[h]!.mse,
        skillMae: skill(errors.mae, lastValue[h]!.mae),
        skillWmape: skill(errors.wmape, lastValue[h]!.wmape),
      })),
    };
  });
  const perService = services.map((service) => {
    const only = (_window: number, s: number) => s === service.msId;
    const mae = horizonErrors(batch(all[0]!.predictions), stepSeconds, only)[0]!.mae;
    const maeLastValue = horizonErrors(batch(references[0]!.predictions), stepSeconds, only)[0]!.mae;
    return { service: service.msName, mae, maeLastValue, skill: skill(mae, maeLastValue) };
  });
  return {
    evaluation: { windows: split.raw.count, mapeZeroGuard: MAPE_ZERO_GUARD, models, perService },
    predictions: all[0]!.predictions,
  };
}

/** The model's forecasts for every window, in original units. */
function forecast(model: ForecastModel, split: SplitWindows, normaliser: Normaliser): Float32Array {
  return normaliser.denormaliseTargets(predictWindows(model, split.normalised));
}
