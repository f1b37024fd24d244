// Sliding windows over a series: `window` steps in, the next `horizon` steps of the targets out (paper: 10
// in, 3 out, stride 1). A window that touches a missing sample anywhere is skipped and counted rather than
// filled, so no model ever trains or is scored on invented values.
import { UsageError } from '../core/errors.js';
import type { ServiceSeries } from './series.js';

export interface WindowOptions {
  /** Input steps (default 10). */
  window?: number;
  /** Forecast steps (default 3). */
  horizon?: number;
  /** Steps between the starts of consecutive windows (default 1). */
  stride?: number;
}

export type WindowShape = Required<WindowOptions>;

export const DEFAULT_WINDOW_SHAPE: WindowShape = { window: 10, horizon: 3, stride: 1 };

export interface Windows extends WindowShape {
  /** [count × window × services × features] */
  inputs: Float32Array;
  /** [count × horizon × services × targets] */
  targets: Float32Array;
  /** First input step of each window, ascending. */
  starts: Int32Array;
  count: number;
  /** Candidate windows left out because they touch a NaN in their inputs or targets. */
  skippedForGaps: number;
  /** Steps of the series the windows were cut from. */
  steps: number;
  services: number;
  features: number;
  targetFeatures: number;
}

/** Validates window options (before any data is read) and fills in the defaults. */
export function resolveWindowShape(options: WindowOptions = {}): WindowShape {
  const shape = { ...DEFAULT_WINDOW_SHAPE, ...options };
  for (const key of ['window', 'horizon', 'stride'] as const) {
    const value = shape[key];
    if (!Number.isInteger(value) || value < 1) {
      throw new UsageError(`--${key}: ${value} is not a whole number ≥ 1`, {
        suggestion: `The paper uses --window 10 --horizon 3 --stride 1.`,
      });
    }
  }
  return shape;
}

/** prefix[t] = number of steps before t for which `bad(step)` holds. */
function prefixCounts(steps: number, bad: (step: number) => boolean): Int32Array {
  const prefix = new Int32Array(steps + 1);
  for (let t = 0; t < steps; t += 1) prefix[t + 1] = (prefix[t] ?? 0) + (bad(t) ? 1 : 0);
  return prefix;
}

/** True when any of features 0..featureLimit-1 of any service is NaN at the step. */
function stepHasGap(series: ServiceSeries, step: number, featureLimit: number): boolean {
  const features = series.featureNames.length;
  const rowStart = step * series.services.length * features;
  for (let s = 0; s < series.services.length; s += 1) {
    const base = rowStart + s * features;
    for (let f = 0; f < featureLimit; f += 1) if (Number.isNaN(series.values[base + f])) return true;
  }
  return false;
}

/** Starts of the windows that touch no gap (inputs: all features; targets: target features only). */
export function windowStarts(
  series: ServiceSeries,
  shape: WindowShape,
): { starts: Int32Array; skippedForGaps: number } {
  const { window, horizon, stride } = shape;
  const inputGaps = prefixCounts(series.steps, (t) => stepHasGap(series, t, series.featureNames.length));
  const targetGaps = prefixCounts(series.steps, (t) => stepHasGap(series, t, series.targets));
  const gapsIn = (prefix: Int32Array, from: number, to: number) => (prefix[to] ?? 0) - (prefix[from] ?? 0);
  const starts: number[] = [];
  let skippedForGaps = 0;
  for (let start = 0; start + window + horizon <= series.steps; start += stride) {
    const split = start + window;
    if (gapsIn(inputGaps, start, split) > 0 || gapsIn(targetGaps, split, split + horizon) > 0)
      skippedForGaps += 1;
    else starts.push(start);
  }
  return { starts: Int32Array.from(starts), skippedForGaps };
}

/** Copies the input and target blocks of the window starting at `start` into slot `slot` of the arrays. */
function copyWindow(
  series: ServiceSeries,
  shape: WindowShape,
  start: number,
  slot: number,
  inputs: Float32Array,
  targets: Float32Array,
): void {
  const services = series.services.length;
  const features = series.featureNames.length;
  const stepSize = services * features;
  const inputSize = shape.window * stepSize;
  inputs.set(series.values.subarray(start * stepSize, start * stepSize + inputSize), slot * inputSize);
  const targetStepSize = services * series.targets;
  for (let h = 0; h < shape.horizon; h += 1) {
    const from = (start + shape.window + h) * stepSize;
    const to = (slot * shape.horizon + h) * targetStepSize;
    for (let s = 0; s < services; s += 1) {
      for (let f = 0; f < series.targets; f += 1) {
        targets[to + s * series.targets + f] = series.values[from + s * features + f] ?? NaN;
      }
    }
  }
}

/** Cuts the windows at `starts` (default: every start that touches no gap) out of a series. */
export function makeWindows(
  series: ServiceSeries,
  options: WindowOptions = {},
  starts?: Int32Array,
): Windows {
  const shape = resolveWindowShape(options);
  const found = starts === undefined ? windowStarts(series, shape) : { starts, skippedForGaps: 0 };
  const last = series.steps - shape.window - shape.horizon;
  const outside = found.starts.find((start) => !(start >= 0 && start <= last));
  if (outside !== undefined) throw new RangeError(`window start ${outside} is outside 0..${last}`);
  const services = series.services.length;
  const features = series.featureNames.length;
  const count = found.starts.length;
  const inputs = new Float32Array(count * shape.window * services * features);
  const targets = new Float32Array(count * shape.horizon * services * series.targets);
  found.starts.forEach((start, slot) => copyWindow(series, shape, start, slot, inputs, targets));
  return {
    ...shape,
    inputs,
    targets,
    starts: found.starts,
    count,
    skippedForGaps: found.skippedForGaps,
    steps: series.steps,
    services,
    features,
    targetFeatures: series.targets,
  };
}

/** The windows at `indices` (e.g. one split, or one batch) as a new, contiguous Windows. */
export function selectWindows(windows: Windows, indices: ArrayLike<number>): Windows {
  const inputSize = windows.window * windows.services * windows.features;
  const targetSize = windows.horizon * windows.services * windows.targetFeatures;
  const count = indices.length;
  const inputs = new Float32Array(count * inputSize);
  const targets = new Float32Array(count * targetSize);
  const starts = new Int32Array(count);
  for (let k = 0; k < count; k += 1) {
    const index = indices[k] ?? 0;
    if (!(index >= 0 && index < windows.count)) {
      throw new RangeError(`window index ${index} is outside 0..${windows.count - 1}`);
    }
    inputs.set(windows.inputs.subarray(index * inputSize, (index + 1) * inputSize), k * inputSize);
    targets.set(windows.targets.subarray(index * targetSize, (index + 1) * targetSize), k * targetSize);
    starts[k] = windows.starts[index] ?? 0;
  }
  return { ...windows, inputs, targets, starts, count, skippedForGaps: 0 };
}
