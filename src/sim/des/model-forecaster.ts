// A trained rescape model (model.json + weights.bin + card.json, from `rescape train`) as the predictive
// policy's CPU forecaster: the last `window` steps of every service's CPU in, the next `horizon` steps out,
// exactly as `rescape predict` computes them (same normaliser, same forward pass).
//
// Units: the simulation's CPU is busy cores (one busy server = one core), so the model should have been
// trained on a history in those units — the one `rescape simulate` trains on by default, or one written with
// --save-model. A model trained on a `rescape profile` run of the step-level simulator (whose CPU counts
// cpuMsPerCall per call) forecasts in other units and would mislead the policy.
import { DataError } from '../../core/errors.js';
import { loadForecaster, type LoadedForecaster } from '../../model/load-forecaster.js';
import { tf } from '../../model/tf.js';
import type { CpuForecaster } from './policies/predictive-policy.js';

export class ModelForecaster implements CpuForecaster {
  readonly window: number;
  readonly horizon: number;
  readonly stepSeconds: number;
  /** For each card service, the index of the same service in the simulation's order. */
  private readonly toSimulation: number[];

  private constructor(
    private readonly loaded: LoadedForecaster,
    services: readonly string[],
    readonly description: string,
  ) {
    this.window = loaded.card.config.window;
    this.horizon = loaded.card.config.horizon;
    this.stepSeconds = loaded.card.stepSeconds;
    this.toSimulation = loaded.card.services.map((name) => services.indexOf(name));
  }

  /**
   * Loads `modelDir` for a simulation of `services`; throws a DataError naming card.json when the model
   * forecasts other services or needs inputs other than CPU. The tf backend must be selected first.
   */
  static load(modelDir: string, services: readonly string[], description?: string): ModelForecaster {
    const loaded = loadForecaster(modelDir);
    const { card } = loaded;
    const file = `${modelDir}/card.json`;
    const missing = services.filter((name) => !card.services.includes(name));
    const extra = card.services.filter((name) => !services.includes(name));
    const problem =
      missing.length > 0 || extra.length > 0
        ? new DataError(
            `the model forecasts other services than the simulated topology: missing ${missing.join(', ') || 'none'}; not simulated ${extra.join(', ') || 'none'}`,
            { file, field: 'services' },
            {
              suggestion:
                'Give --model a model trained on the same --topology, or leave --model out to train one.',
            },
          )
        : card.features.join(',') !== 'cpu'
          ? new DataError(
              `the model's inputs are ${card.features.join(', ')}; the simulation provides CPU only`,
              { file, field: 'features' },
              {
                suggestion: 'Train it with --targets cpu and no --inputs, or leave --model out to train one.',
              },
            )
          : undefined;
    if (problem !== undefined) {
      loaded.model.dispose();
      throw problem;
    }
    return new ModelForecaster(
      loaded,
      services,
      description ??
        `${card.kind} model ${modelDir} (window ${card.config.window}, ${card.stepSeconds} s steps)`,
    );
  }

  forecast(history: readonly Float64Array[]): Float64Array[] {
    const { window, horizon, toSimulation } = this;
    const services = toSimulation.length;
    const inputs = new Float32Array(window * services);
    const first = history.length - window;
    for (let t = 0; t < window; t += 1) {
      const step = history[first + t];
      for (let s = 0; s < services; s += 1) inputs[t * services + s] = step?.[toSimulation[s] ?? 0] ?? 0;
    }
    const { normaliser, model } = this.loaded;
    const normalised = normaliser.normalise(inputs, 'features');
    const output = tf.tidy(
      () =>
        model
          .forward(tf.tensor4d(normalised, [1, window, services, 1]), { training: false })
          .dataSync() as Float32Array,
    );
    const forecast = normaliser.denormaliseTargets(output);
    return Array.from({ length: horizon }, (_, h) => {
      const step = new Float64Array(services);
      for (let s = 0; s < services; s += 1) {
        step[toSimulation[s] ?? 0] = Math.max(0, forecast[h * services + s] ?? 0);
      }
      return step;
    });
  }

  dispose(): void {
    this.loaded.model.dispose();
  }
}
