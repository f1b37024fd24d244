// A saved model's forecasts where the truth is known but the model never trained on it: every window of the
// run's validation and test splits (the card's split fractions), in time order, in original units. Their
// errors calibrate the recommendation's quantiles and the test windows replay the provisioning decisions.
// Also the one forecast a recommendation is made from: the window ending at T, whose future is unknown.
import { DataError } from '../core/errors.js';
import type { Normaliser } from '../dataset/normalisation.js';
import type { ServiceSeries } from '../dataset/series.js';
import { splitWindows, type SplitFractions } from '../dataset/split.js';
import { makeWindows, windowStarts, type WindowShape } from '../dataset/windows.js';
import type { ForecastModel } from '../model/model-types.js';
import { predictWindows } from '../model/trainer.js';

export interface HeldOutForecasts {
  count: number;
  /** Per window, ascending: its last input step T (its targets are steps T+1..T+horizon). */
  lastSteps: Int32Array;
  /** Per window: 1 when it belongs to the test split, 0 for validation. */
  inTest: Uint8Array;
  /** [count × horizon × services × targets], original units. */
  forecasts: Float32Array;
  truths: Float32Array;
}

export function heldOutForecasts(
  model: ForecastModel,
  normaliser: Normaliser,
  series: ServiceSeries,
  shape: WindowShape,
  fractions: SplitFractions,
): HeldOutForecasts {
  const found = windowStarts(series, shape);
  const split = splitWindows({ ...shape, ...found, steps: series.steps }, fractions);
  // Validation lies before test, and both are ascending, so their concatenation is in time order.
  const chosen = [...split.windows.validation, ...split.windows.test];
  const starts = Int32Array.from(chosen, (index) => found.starts[index] ?? 0);
  const windows = makeWindows(series, shape, starts);
  const predicted = predictWindows(model, {
    inputs: normaliser.normalise(windows.inputs, 'features'),
    targets: windows.targets,
    count: windows.count,
  });
  return {
    count: windows.count,
    lastSteps: starts.map((start) => start + shape.window - 1),
    inTest: Uint8Array.from(chosen, (_, k) => (k >= split.windows.validation.length ? 1 : 0)),
    forecasts: normaliser.denormaliseTargets(predicted),
    truths: windows.targets,
  };
}

/** The forecast of the `horizon` steps after T, [horizon × services × targets] in original units. */
export function forecastAfter(
  model: ForecastModel,
  normaliser: Normaliser,
  series: ServiceSeries,
  window: number,
  at: number,
  runDir: string,
): Float32Array {
  const perStep = series.services.length * series.featureNames.length;
  const first = at - window + 1;
  const inputs = series.values.slice(first * perStep, (at + 1) * perStep);
  const missing = inputs.findIndex(Number.isNaN);
  if (missing >= 0) {
    const service =
      series.services[Math.floor(missing / series.featureNames.length) % series.services.length];
    throw new DataError(
      `${service?.msName ?? 'a service'} has no sample at step ${first + Math.floor(missing / perStep)}, inside the ${window} steps up to T = ${at}`,
      { file: `${runDir}/ms_metric.csv` },
      { suggestion: 'Recommend from a window without gaps: choose another --at.' },
    );
  }
  const predicted = predictWindows(model, {
    inputs: normaliser.normalise(inputs, 'features'),
    targets: new Float32Array(0),
    count: 1,
  });
  return normaliser.denormaliseTargets(predicted);
}
