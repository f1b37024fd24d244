// Long series are drawn from buckets, not points: a 12 h run has 1,440 steps per service, far more than a
// chart has pixels. Each bucket keeps its minimum, maximum and mean, so a band (min..max) shows every spike
// a plain average would hide, and the drawing grows with the chart's width, not with the run's length.

export interface Bucket {
  /** Centre of the bucket, in the series' index units (index 0 is the first value). */
  x: number;
  /** Over the bucket's finite values; NaN when it has none (a gap, drawn as a break). */
  min: number;
  max: number;
  mean: number;
}

/**
 * Splits values[from..to) into at most `maxBuckets` runs of consecutive indices (as equal as integers allow)
 * and summarises each. With no more values than buckets, every value is its own bucket (min = max = mean).
 */
export function bucketSeries(
  values: ArrayLike<number>,
  maxBuckets: number,
  from = 0,
  to = values.length,
): Bucket[] {
  const n = Math.max(0, to - from);
  const count = Math.max(1, Math.min(n, Math.floor(maxBuckets)));
  const buckets: Bucket[] = [];
  if (n === 0) return buckets;
  for (let b = 0; b < count; b += 1) {
    const start = from + Math.floor((b * n) / count);
    const end = from + Math.floor(((b + 1) * n) / count);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let finite = 0;
    for (let i = start; i < end; i += 1) {
      const value = values[i] ?? NaN;
      if (!Number.isFinite(value)) continue;
      if (value < min) min = value;
      if (value > max) max = value;
      sum += value;
      finite += 1;
    }
    buckets.push(
      finite === 0
        ? { x: (start + end - 1) / 2, min: NaN, max: NaN, mean: NaN }
        : { x: (start + end - 1) / 2, min, max, mean: sum / finite },
    );
  }
  return buckets;
}

/** Largest finite value of the buckets' maxima (0 when there is none), for a shared y domain. */
export function bucketsMax(buckets: readonly Bucket[]): number {
  let max = 0;
  for (const bucket of buckets) if (bucket.max > max) max = bucket.max;
  return max;
}
