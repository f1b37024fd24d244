// Per-service, per-feature scaling, fitted on the training steps only so validation and test data never leak
// into it. normalised = (value − offset) / scale, with
//   'minmax' (the paper's): offset = min, scale = max − min, so training data lies in [0, 1];
//   'zscore':               offset = mean, scale = standard deviation;
//   'robust':               offset = median, scale = interquartile range, which fault spikes and level shifts
//                           barely move (issue 12); where over half the values are equal (IQR 0, common in
//                           idle real services) it falls back to max − min.
// A constant series gets scale 1: it is only shifted, never divided by zero. Missing samples (NaN) are
// ignored when fitting and stay NaN.
import { DataError, UsageError } from '../core/errors.js';
import type { ServiceSeries, StepRange } from './series.js';

export const NORMALISER_KINDS = ['minmax', 'zscore', 'robust'] as const;
export type NormaliserKind = (typeof NORMALISER_KINDS)[number];

/**
 * What the innermost dimensions of an array are: 'features' = [… × services × features] (a series, window
 * inputs); 'targets' = [… × services × targets] (window targets, forecasts).
 */
export type ValueLayout = 'features' | 'targets';

/** The normaliser as stored in a model card; numbers are plain doubles, so a JSON round trip is exact. */
export interface NormaliserJSON {
  kind: NormaliserKind;
  services: number;
  featureNames: string[];
  targets: number;
  /** [services × features], row-major. */
  offset: number[];
  scale: number[];
  fittedOn: StepRange;
}

/** A spread this small against the level is rounding noise (float32 data has ~7 digits). */
const CONSTANT_RELATIVE = 1e-9;

function quantile(sorted: Float64Array, q: number): number {
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const low = sorted[below] ?? 0;
  const high = sorted[Math.min(below + 1, sorted.length - 1)] ?? low;
  return low + (high - low) * (position - below);
}

/** Offset and raw scale of one (service, feature) column's observed values, by kind. */
function fitColumn(observed: Float64Array, kind: NormaliserKind): { offset: number; scale: number } {
  if (observed.length === 0) return { offset: 0, scale: 1 };
  if (kind === 'zscore') {
    let sum = 0;
    for (const value of observed) sum += value;
    const mean = sum / observed.length;
    let squares = 0;
    for (const value of observed) squares += (value - mean) ** 2;
    return { offset: mean, scale: Math.sqrt(squares / observed.length) };
  }
  const sorted = observed.slice().sort();
  const min = sorted[0] ?? 0;
  const range = (sorted[sorted.length - 1] ?? 0) - min;
  if (kind === 'minmax') return { offset: min, scale: range };
  const iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
  return { offset: quantile(sorted, 0.5), scale: iqr > CONSTANT_RELATIVE * Math.abs(min) ? iqr : range };
}

function guardScale(offset: number, scale: number): number {
  return scale > CONSTANT_RELATIVE * Math.abs(offset) && Number.isFinite(scale) ? scale : 1;
}

export class Normaliser {
  private constructor(
    readonly kind: NormaliserKind,
    readonly services: number,
    readonly featureNames: readonly string[],
    readonly targets: number,
    /** [services × features] */
    readonly offset: Float64Array,
    readonly scale: Float64Array,
    readonly fittedOn: StepRange,
  ) {}

  get features(): number {
    return this.featureNames.length;
  }

  /** Fits on steps `range` of a series (the training split). */
  static fit(series: ServiceSeries, range: StepRange, kind: NormaliserKind): Normaliser {
    if (!NORMALISER_KINDS.includes(kind)) {
      throw new UsageError(`--normalise: unknown ${JSON.stringify(kind)}`, {
        suggestion: `Use one of: ${NORMALISER_KINDS.join(', ')}.`,
      });
    }
    if (!(
      Number.isInteger(range.start) &&
      range.start >= 0 &&
      range.end > range.start &&
      range.end <= series.steps
    )) {
      throw new RangeError(
        `fit range ${range.start}..${range.end} is not a non-empty part of 0..${series.steps}`,
      );
    }
    const services = series.services.length;
    const features = series.featureNames.length;
    const offset = new Float64Array(services * features);
    const scale = new Float64Array(services * features);
    const column = new Float64Array(range.end - range.start);
    for (let column0 = 0; column0 < services * features; column0 += 1) {
      let count = 0;
      for (let t = range.start; t < range.end; t += 1) {
        const value = series.values[t * services * features + column0] ?? NaN;
        if (!Number.isNaN(value)) column[count++] = value;
      }
      const fitted = fitColumn(column.subarray(0, count), kind);
      offset[column0] = fitted.offset;
      scale[column0] = guardScale(fitted.offset, fitted.scale);
    }
    return new Normaliser(kind, services, [...series.featureNames], series.targets, offset, scale, {
      ...range,
    });
  }

  /** (value − offset) / scale, as a new array. */
  normalise(values: Float32Array, layout: ValueLayout = 'features'): Float32Array {
    return this.map(values, layout, (value, offset, scale) => (value - offset) / scale);
  }

  /** value × scale + offset, as a new array: back to original units. */
  denormalise(values: Float32Array, layout: ValueLayout = 'features'): Float32Array {
    return this.map(values, layout, (value, offset, scale) => value * scale + offset);
  }

  /** Forecasts or window targets [… × services × targets] back to original units, for evaluation. */
  denormaliseTargets(values: Float32Array): Float32Array {
    return this.denormalise(values, 'targets');
  }

  /** A copy of a series with normalised values; the series must have this normaliser's services and features. */
  normaliseSeries(series: ServiceSeries): ServiceSeries {
    const expected = this.featureNames.join(', ');
    const actual = series.featureNames.join(', ');
    if (series.services.length !== this.services || expected !== actual || series.targets !== this.targets) {
      throw new DataError(
        `the series has ${series.services.length} services with features [${actual}] (${series.targets} targets); ` +
          `the normaliser was fitted on ${this.services} services with [${expected}] (${this.targets} targets)`,
        {},
        { suggestion: 'Use a run of the same benchmark, with the same --targets and --inputs as the model.' },
      );
    }
    return { ...series, values: this.normalise(series.values) };
  }

  toJSON(): NormaliserJSON {
    return {
      kind: this.kind,
      services: this.services,
      featureNames: [...this.featureNames],
      targets: this.targets,
      offset: Array.from(this.offset),
      scale: Array.from(this.scale),
      fittedOn: { ...this.fittedOn },
    };
  }

  /** Restores a normaliser from its JSON (a model card's `normalisation`); `file` names the card in errors. */
  static fromJSON(json: unknown, file?: string): Normaliser {
    const fail = (field: string, message: string): never => {
      throw new DataError(
        message,
        { ...(file === undefined ? {} : { file }), field: `normalisation.${field}` },
        {
          suggestion: 'The model card is damaged or from another rescape version; retrain the model.',
        },
      );
    };
    if (typeof json !== 'object' || json === null) return fail('', 'is not an object');
    const record = json as Record<string, unknown>;
    const count = (field: string, max: number): number => {
      const value = record[field];
      return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max
        ? value
        : fail(field, `${String(value)} is not a count in 1..${max}`);
    };
    const kind = NORMALISER_KINDS.find((known) => known === record.kind);
    if (kind === undefined) return fail('kind', `unknown kind ${JSON.stringify(record.kind)}`);
    const services = count('services', Number.MAX_SAFE_INTEGER);
    const names = record.featureNames;
    if (!Array.isArray(names) || names.length === 0 || !names.every((name) => typeof name === 'string')) {
      return fail('featureNames', 'is not a list of feature names');
    }
    const featureNames = names as string[];
    const targets = count('targets', featureNames.length);
    const size = services * featureNames.length;
    const numbers = (field: 'offset' | 'scale'): Float64Array => {
      const list = record[field];
      return Array.isArray(list) && list.length === size && list.every((value) => Number.isFinite(value))
        ? Float64Array.from(list as number[])
        : fail(field, `is not a list of ${size} finite numbers`);
    };
    const offset = numbers('offset');
    const scale = numbers('scale');
    if (scale.some((value) => !(value > 0))) fail('scale', 'holds a scale that is not positive');
    const range = record.fittedOn as Partial<Record<keyof StepRange, unknown>> | undefined;
    const { start, end } = range ?? {};
    if (!(Number.isInteger(start) && Number.isInteger(end))) return fail('fittedOn', 'is not a step range');
    const fittedOn = { start: start as number, end: end as number };
    return new Normaliser(kind, services, featureNames, targets, offset, scale, fittedOn);
  }

  private map(
    values: Float32Array,
    layout: ValueLayout,
    transform: (value: number, offset: number, scale: number) => number,
  ): Float32Array {
    const width = layout === 'features' ? this.features : this.targets;
    const block = this.services * width;
    if (values.length % block !== 0) {
      throw new RangeError(
        `${values.length} values are not a whole number of [${this.services} × ${width}] blocks`,
      );
    }
    const out = new Float32Array(values.length);
    for (let base = 0; base < values.length; base += block) {
      for (let s = 0; s < this.services; s += 1) {
        for (let f = 0; f < width; f += 1) {
          const index = base + s * width + f;
          const parameter = s * this.features + f;
          out[index] = transform(
            values[index] ?? NaN,
            this.offset[parameter] ?? 0,
            this.scale[parameter] ?? 1,
          );
        }
      }
    }
    return out;
  }
}

/** Fits a normaliser on steps `stepRange` of a series (the training split only). */
export function fitNormaliser(series: ServiceSeries, stepRange: StepRange, kind: NormaliserKind): Normaliser {
  return Normaliser.fit(series, stepRange, kind);
}
