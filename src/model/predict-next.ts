// `rescape predict`: the next `horizon` steps of every service from the `window` steps ending at T.
import { DataError, UsageError } from '../core/errors.js';
import { readRun } from '../dataset/run-reader.js';
import { seriesFromRun, type TargetName } from '../dataset/series.js';
import { tf } from './tf.js';
import { assertRunMatchesModel, loadForecaster } from './load-forecaster.js';

export interface ServiceForecast {
  service: string;
  /** Per target (cpu, gpu): the last observed value and the forecast for each future step. */
  targets: { target: string; last: number; forecast: number[] }[];
}

export interface PredictResult {
  modelDir: string;
  runDir: string;
  kind: string;
  /** The last observed step T, and the forecast steps T+1..T+horizon with their wall-clock times. */
  at: number;
  steps: { timestamp: number; time: string }[];
  services: ServiceForecast[];
}

export async function predictNext(modelDir: string, runDir: string, at?: number): Promise<PredictResult> {
  const { card, normaliser, model } = loadForecaster(modelDir);
  try {
    const run = await readRun(runDir, { calls: 'summary' });
    assertRunMatchesModel(card, run, runDir);
    const series = seriesFromRun(run, {
      targets: card.targets as TargetName[],
      extraInputs: card.extraInputs,
    });
    const { window, horizon, services, features, targets } = card.config;
    const last = at ?? series.steps - 1;
    if (!Number.isInteger(last) || last < window - 1 || last >= series.steps) {
      throw new UsageError(
        `--at ${last}: the model needs ${window} steps up to T, and the run has steps 0..${series.steps - 1}`,
        {
          suggestion: `Give --at between ${window - 1} and ${series.steps - 1}.`,
        },
      );
    }
    const perStep = services * features;
    const inputs = series.values.slice((last - window + 1) * perStep, (last + 1) * perStep);
    const gap = inputs.findIndex((value) => Number.isNaN(value));
    if (gap >= 0) {
      const step = last - window + 1 + Math.floor(gap / perStep);
      throw new DataError(
        `step ${step} of ${card.services[Math.floor(gap / features) % services]} is missing, inside the input window`,
        { file: `${runDir}/ms_metric.csv` },
        {
          suggestion: 'Forecast from a window without gaps (choose another --at).',
        },
      );
    }
    const normalised = normaliser.normalise(inputs, 'features');
    const output = tf.tidy(
      () =>
        model
          .forward(tf.tensor4d(normalised, [1, window, services, features]), { training: false })
          .dataSync() as Float32Array,
    );
    const forecast = normaliser.denormaliseTargets(output);
    const start = Date.parse(run.manifest.startTime);
    return {
      modelDir,
      runDir,
      kind: card.kind,
      at: last,
      steps: Array.from({ length: horizon }, (_, h) => ({
        timestamp: last + 1 + h,
        time: new Date(start + (last + 1 + h) * run.manifest.stepSeconds * 1000).toISOString(),
      })),
      services: card.services.map((service, s) => ({
        service,
        targets: card.targets.map((target, t) => ({
          target,
          last: inputs[((window - 1) * services + s) * features + t] ?? NaN,
          forecast: Array.from(
            { length: horizon },
            (_, h) => forecast[(h * services + s) * targets + t] ?? NaN,
          ),
        })),
      })),
    };
  } finally {
    model.dispose();
  }
}
