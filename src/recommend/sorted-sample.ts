// A growing sample kept in ascending order, with a weight per value, for the two exact quantiles the
// recommender needs as data arrives step by step: the split-conformal rank quantile of forecast errors,
// and the VPA's weighted percentile of usage. Insertion is a binary search and a splice, so a replay
// that adds one value per step never re-sorts.

export class SortedSample {
  private readonly values: number[] = [];
  private readonly weights: number[] = [];
  private total = 0;

  get size(): number {
    return this.values.length;
  }

  get totalWeight(): number {
    return this.total;
  }

  /** Adds a value (NaN is ignored: a missing sample is no observation). */
  add(value: number, weight = 1): void {
    if (Number.isNaN(value)) return;
    if (!(weight >= 0)) throw new RangeError(`sample weight must be ≥ 0, got ${weight}`);
    let low = 0;
    let high = this.values.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.values[middle] ?? 0) <= value) low = middle + 1;
      else high = middle;
    }
    this.values.splice(low, 0, value);
    this.weights.splice(low, 0, weight);
    this.total += weight;
  }

  /**
   * The split-conformal quantile (Vovk et al.; Lei et al. 2018): the ⌈(n+1)·q⌉-th smallest of n values, so a
   * new value exchangeable with them falls at or below it with probability ≥ q. With fewer than
   * q/(1−q) values that rank is past the end and the largest value is returned. Weights are ignored.
   */
  conformalQuantile(q: number): number {
    const n = this.values.length;
    if (n === 0) return NaN;
    const rank = Math.min(n, Math.max(1, Math.ceil((n + 1) * q - 1e-9)));
    return this.values[rank - 1] ?? NaN;
  }

  /**
   * The weighted percentile as the VPA's histogram defines it: the smallest value at which the cumulative
   * weight of the values up to it reaches p × total weight.
   */
  weightedPercentile(p: number): number {
    if (this.values.length === 0 || this.total <= 0) return NaN;
    // A relative slack of 1e-12 keeps float noise in p × total (0.3 × 10 = 3.0000000000000004) from
    // skipping a value whose cumulative weight is exactly the threshold.
    const threshold = p * this.total * (1 - 1e-12);
    let cumulative = 0;
    for (let i = 0; i < this.values.length; i += 1) {
      cumulative += this.weights[i] ?? 0;
      if (cumulative >= threshold) return this.values[i] ?? NaN;
    }
    return this.values[this.values.length - 1] ?? NaN;
  }

  /** The largest value (NaN when empty). */
  max(): number {
    return this.values[this.values.length - 1] ?? NaN;
  }
}
