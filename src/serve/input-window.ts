// The model's input: the last `window` steps of every service's features as one dense
// [window × services × features] array in original units. A live source has holes (a missed scrape, a pod
// restarting), and a service cannot go without a forecast for a whole window because of one: a missing cell
// takes the service's previous value in the window (its next one at the window's start). A feature with no
// value at all in the window cannot be guessed and fails the refresh, unless the source says that absence
// means 0 (a service with no GPU series has no GPUs busy).
import { DataError } from '../core/errors.js';

export interface InputWindow {
  /** [window × services × features], gaps filled. */
  values: Float32Array;
  /** End of the last observed step, Unix milliseconds. */
  observedUntilMs: number;
  /** Index of the last observed step in a run directory; null for Prometheus. */
  lastStep: number | null;
  /** Cells that were missing and filled from a neighbouring step. */
  filledCells: number;
}

export interface WindowShape {
  window: number;
  services: readonly string[];
  features: readonly string[];
}

/** Reads feature f of service s at window step t (0 = oldest); null when there is no sample. */
export type CellReader = (t: number, s: number, f: number) => number | null;

export interface FillOptions {
  /** Features for which no sample in the whole window means 0. */
  absentMeansZero?: (feature: string) => boolean;
  /** Where the values came from, for the error (a file or a URL). */
  source: string;
}

export function buildInputWindow(
  shape: WindowShape,
  read: CellReader,
  options: FillOptions,
): { values: Float32Array; filledCells: number } {
  const { window, services, features } = shape;
  const values = new Float32Array(window * services.length * features.length);
  let filledCells = 0;
  const series = new Array<number | null>(window);
  for (let s = 0; s < services.length; s += 1) {
    for (let f = 0; f < features.length; f += 1) {
      let first: number | null = null;
      for (let t = 0; t < window; t += 1) {
        const value = read(t, s, f);
        const usable = value !== null && Number.isFinite(value) ? value : null;
        series[t] = usable;
        first ??= usable;
      }
      if (first === null && options.absentMeansZero?.(features[f]!) !== true) {
        throw new DataError(
          `no ${features[f]} sample of ${services[s]} in the last ${window} steps`,
          { file: options.source },
          {
            suggestion:
              'Check that the service is running and its metrics are collected; the forecast is refreshed when they are back.',
          },
        );
      }
      let previous = first ?? 0;
      for (let t = 0; t < window; t += 1) {
        const value = series[t];
        if (value === null || value === undefined) {
          if (first !== null) filledCells += 1;
        } else {
          previous = value;
        }
        values[(t * services.length + s) * features.length + f] = previous;
      }
    }
  }
  return { values, filledCells };
}
