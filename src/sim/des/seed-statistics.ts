// A statistic over independent seeds: the mean and its 95 % confidence interval, mean ± t(0.975, n−1)·s/√n
// (Student t, s the sample standard deviation). With one seed there is no interval: both ends are the mean.
import type { SeedStatistic } from './simulation-result.js';

/** t(0.975, df) for df = 1..30 (standard tables). */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The 97.5 % quantile of Student's t with `df` degrees of freedom. */
export function tQuantile975(df: number): number {
  if (df < 1) return NaN;
  const tabled = T_975[df - 1];
  if (tabled !== undefined) return tabled;
  // Cornish–Fisher expansion around the normal quantile; within 1e-4 of the exact value for df > 30.
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

export function seedStatistic(values: readonly number[]): SeedStatistic {
  const n = values.length;
  const mean = n === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / n;
  if (n < 2) return { mean, ciLow: mean, ciHigh: mean, values: [...values] };
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1);
  const half = (tQuantile975(n - 1) * Math.sqrt(variance)) / Math.sqrt(n);
  return { mean, ciLow: mean - half, ciHigh: mean + half, values: [...values] };
}
