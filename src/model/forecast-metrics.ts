// Forecast errors per horizon, in original units: MAE, MSE, MAPE (with a stated zero guard) and
// weighted MAPE (Σ|e| / Σ|y|, which stays meaningful near zero), and skill against last-value.

/** Forecasts and truths laid out [windows × horizon × services × targets]. */
export interface ForecastBatch {
  predictions: Float32Array;
  truths: Float32Array;
  windows: number;
  horizon: number;
  services: number;
  targets: number;
}

export interface HorizonErrors {
  /** 1-based horizon step and its lead time in seconds. */
  step: number;
  leadSeconds: number;
  mae: number;
  mse: number;
  /** Mean of |e|/|y| in %, over cells where |y| > the zero guard; null when there are none. */
  mape: number | null;
  /** Σ|e| / Σ|y| in %; null when Σ|y| = 0. */
  wmape: number | null;
  /** Cells compared, and cells left out of MAPE by the zero guard. */
  cells: number;
  mapeExcluded: number;
}

/**
 * MAPE divides by the truth; cells whose |truth| is at most this many units (cores or GPUs) are left
 * out of MAPE (and counted) rather than letting a near-idle service blow the average up.
 */
export const MAPE_ZERO_GUARD = 1e-3;

export function horizonErrors(
  batch: ForecastBatch,
  stepSeconds: number,
  include: (window: number, service: number) => boolean = () => true,
): HorizonErrors[] {
  const { windows, horizon, services, targets, predictions, truths } = batch;
  const result: HorizonErrors[] = [];
  for (let h = 0; h < horizon; h += 1) {
    let absolute = 0;
    let squared = 0;
    let truthTotal = 0;
    let percentage = 0;
    let percentageCells = 0;
    let cells = 0;
    for (let w = 0; w < windows; w += 1) {
      for (let s = 0; s < services; s += 1) {
        if (!include(w, s)) continue;
        for (let t = 0; t < targets; t += 1) {
          const index = ((w * horizon + h) * services + s) * targets + t;
          const truth = truths[index] ?? 0;
          const error = (predictions[index] ?? 0) - truth;
          absolute += Math.abs(error);
          squared += error * error;
          truthTotal += Math.abs(truth);
          cells += 1;
          if (Math.abs(truth) > MAPE_ZERO_GUARD) {
            percentage += Math.abs(error) / Math.abs(truth);
            percentageCells += 1;
          }
        }
      }
    }
    result.push({
      step: h + 1,
      leadSeconds: (h + 1) * stepSeconds,
      mae: cells === 0 ? NaN : absolute / cells,
      mse: cells === 0 ? NaN : squared / cells,
      mape: percentageCells === 0 ? null : (100 * percentage) / percentageCells,
      wmape: truthTotal === 0 ? null : (100 * absolute) / truthTotal,
      cells,
      mapeExcluded: cells - percentageCells,
    });
  }
  return result;
}

/** Skill = 1 − error / error(reference); positive when the model beats the reference. */
export function skill(error: number | null, referenceError: number | null): number | null {
  if (error === null || referenceError === null || !Number.isFinite(error) || !(referenceError > 0))
    return null;
  return 1 - error / referenceError;
}
