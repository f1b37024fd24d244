// What `rescape recommend` takes, with defaults and the checks made before anything is read.
import { UsageError } from '../core/errors.js';
import type { QuantileLevels } from './recommend-types.js';
import { checkNamespace, parseWorkloadMap } from './workload-names.js';
import { VPA_DEFAULTS } from './vpa-baseline.js';

export interface RecommendOptions {
  modelDir: string;
  runDir: string;
  /** Last observed step T; default the run's last step. */
  at?: number;
  /** Quantile of the forecast distribution to provision for (the target). */
  quantile: number;
  /** Fraction added on top, e.g. 0.15. */
  headroom: number;
  /** Per-replica CPU bounds in cores; maxCpu undefined = none. */
  minCpu: number;
  maxCpu?: number;
  /** Never recommend more than this multiple of the history's peak. */
  peakFactor: number;
  /** CPU one replica can hold, for every service; default from the run when known. */
  coresPerReplica?: number;
  namespace: string;
  /** SERVICE=DEPLOYMENT[/CONTAINER] entries. */
  map: string[];
  /** Replay the test split against the VPA-style baseline. */
  compareVpa: boolean;
}

export const RECOMMEND_DEFAULTS = {
  quantile: VPA_DEFAULTS.targetPercentile,
  headroom: VPA_DEFAULTS.marginFraction,
  minCpu: VPA_DEFAULTS.podMinCores,
  peakFactor: 2,
  namespace: 'default',
} as const;

/** The fewest held-out errors a quantile is taken from. */
export const MIN_CALIBRATION_WINDOWS = 10;

/**
 * The lower bound and upper bound sit at the VPA's percentiles relative to its target: lower at the median
 * (never above the target), upper halfway from the target to 1, which is the VPA's 0.95 when q = 0.9.
 */
export function quantileLevels(q: number): QuantileLevels {
  return { lower: Math.min(VPA_DEFAULTS.lowerPercentile, q), target: q, upper: (1 + q) / 2 };
}

/** "15%" or "0.15" → 0.15. */
export function parseFraction(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  if (match === null) {
    throw new UsageError(`--${flag}: "${text}" is not a fraction or percentage`, {
      suggestion: `E.g. --${flag} 15% or --${flag} 0.15.`,
    });
  }
  return Number(match[1]) / (match[2] === '%' ? 100 : 1);
}

export function validateRecommendOptions(options: RecommendOptions): void {
  const fail = (flag: string, problem: string, suggestion: string): never => {
    throw new UsageError(`--${flag}: ${problem}`, { suggestion });
  };
  if (!(options.quantile > 0 && options.quantile < 1)) {
    fail(
      'quantile',
      `${options.quantile} is not strictly between 0 and 1`,
      'E.g. --quantile 0.9 (the VPA target percentile).',
    );
  }
  if (!(options.headroom >= 0 && options.headroom <= 10)) {
    fail('headroom', `${options.headroom} is not between 0 and 10 (0 % to 1000 %)`, 'E.g. --headroom 15%.');
  }
  if (!(options.minCpu >= 0)) fail('min-cpu', `${options.minCpu} is negative`, 'E.g. --min-cpu 25m.');
  if (options.maxCpu !== undefined && !(options.maxCpu > 0 && options.maxCpu >= options.minCpu)) {
    fail(
      'max-cpu',
      `${options.maxCpu} cores is not above --min-cpu ${options.minCpu}`,
      'Give --max-cpu larger than --min-cpu, e.g. --min-cpu 25m --max-cpu 4.',
    );
  }
  if (!(options.peakFactor >= 1 && Number.isFinite(options.peakFactor))) {
    fail(
      'peak-factor',
      `${options.peakFactor} is below 1: it would cap every recommendation under the observed peak`,
      'E.g. --peak-factor 2 (never more than twice the busiest step seen).',
    );
  }
  if (options.coresPerReplica !== undefined && !(options.coresPerReplica > 0)) {
    fail('cores-per-replica', `${options.coresPerReplica} is not positive`, 'E.g. --cores-per-replica 2.');
  }
  if (options.at !== undefined && !(Number.isInteger(options.at) && options.at >= 0)) {
    fail(
      'at',
      `${options.at} is not a step number`,
      'Give a step index ≥ 0, or leave --at out for the last step.',
    );
  }
  checkNamespace(options.namespace);
  parseWorkloadMap(options.map);
}
