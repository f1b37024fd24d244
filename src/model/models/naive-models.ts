// Baselines with no weights, behind the same interface so they are evaluated exactly like learned models:
// last value (the last observed value repeated over the horizon) and seasonal naive (the value one season
// before each forecast step).
import { UsageError } from '../../core/errors.js';
import { tf } from '../tf.js';
import type { ForecastModel, ModelConfig } from '../model-types.js';
import { checkInputs, lastValueForecast, targetsAt } from './model-io.js';

export class LastValueModel implements ForecastModel {
  readonly variables: readonly tf.Variable[] = [];

  constructor(readonly config: ModelConfig) {}

  forward(inputs: tf.Tensor4D, _options: { training: boolean }): tf.Tensor4D {
    checkInputs(this.config, inputs);
    return lastValueForecast(inputs, this.config.horizon, this.config.targets);
  }

  dispose(): void {}
}

/**
 * Forecast step h (1-based, h = 1 is the step after the window) takes the value at window index
 * T − 1 + h − s·⌈h/s⌉ (s the season): one season back, or several when the horizon exceeds a season.
 */
export class SeasonalNaiveModel implements ForecastModel {
  readonly variables: readonly tf.Variable[] = [];
  private readonly sourceSteps: number[];

  constructor(readonly config: ModelConfig) {
    const { window, horizon, seasonSteps } = config;
    if (!Number.isInteger(seasonSteps) || seasonSteps < 1) {
      throw new UsageError(`the seasonal model needs a season of at least 1 step, got ${seasonSteps}`, {
        suggestion: 'set the season length in steps (e.g. one day at a 30 s step is 2880)',
      });
    }
    if (window < seasonSteps) {
      throw new UsageError(
        `the seasonal model needs a window of at least one season: window ${window} < season ${seasonSteps} steps`,
        { suggestion: `use a window of ${seasonSteps} steps or more, or the naive (last-value) model` },
      );
    }
    this.sourceSteps = Array.from({ length: horizon }, (_, index) => {
      const step = index + 1;
      return window - 1 + step - seasonSteps * Math.ceil(step / seasonSteps);
    });
  }

  forward(inputs: tf.Tensor4D, _options: { training: boolean }): tf.Tensor4D {
    checkInputs(this.config, inputs);
    return tf.tidy(() =>
      tf.concat(
        this.sourceSteps.map((step) => targetsAt(inputs, step, this.config.targets)),
        1,
      ),
    );
  }

  dispose(): void {}
}
