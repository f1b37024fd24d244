// One service's forecasts on the test windows as a per-step series beside the truth, for drawing. Pure data
// (no tfjs), so the page code can use it without loading the model runtime.
import type { ModelForecasts } from './model-forecasts.js';

export interface ForecastCurve {
  /** Per step of the run; NaN where no test window forecast the step. */
  truth: Float64Array;
  forecast: Float64Array;
  /** Steps start..end-1 hold the test targets. */
  start: number;
  end: number;
}

/**
 * The forecasts `horizonStep` steps ahead (1 = the next step) of one service and target, placed at the step
 * they forecast, beside the truth of the same windows.
 */
export function forecastCurve(
  model: ModelForecasts,
  service: number,
  target: number,
  horizonStep: number,
  steps: number,
): ForecastCurve {
  const { windows, predictions } = model;
  const truth = new Float64Array(steps).fill(NaN);
  const forecast = new Float64Array(steps).fill(NaN);
  let start = steps;
  let end = 0;
  const h = horizonStep - 1;
  for (let w = 0; w < windows.count; w += 1) {
    const step = (windows.starts[w] ?? 0) + windows.window + h;
    if (step >= steps) continue;
    const index = ((w * windows.horizon + h) * windows.services + service) * windows.targetFeatures + target;
    truth[step] = windows.targets[index] ?? NaN;
    forecast[step] = predictions[index] ?? NaN;
    start = Math.min(start, step);
    end = Math.max(end, step + 1);
  }
  return { truth, forecast, start, end };
}
