// The baseline: what the Kubernetes Vertical Pod Autoscaler's recommender would ask for, from the usage
// history alone. Its defaults, as in kubernetes/autoscaler, vertical-pod-autoscaler/pkg/recommender:
// - logic/recommender.go: --target-cpu-percentile 0.9, --recommendation-lower-bound-cpu-percentile 0.5,
//   --recommendation-upper-bound-cpu-percentile 0.95, --recommendation-margin-fraction 0.15 (added to all
//   three), --pod-recommendation-min-cpu-millicores 25, --confidence-interval-cpu 24h; the upper bound is
//   multiplied by (1 + 1/confidence)^1 and the lower bound by (1 + 0.001/confidence)^-2;
//   --round-cpu-millicores 1 (rounded up).
// - logic/estimator.go: confidence = min(history lifespan in days, samples / (60 × 24)), i.e. days of
//   one-per-minute samples.
// - model/aggregations_config.go: usage goes into a decaying histogram, DefaultCPUHistogramDecayHalfLife 24h,
//   with exponential buckets (first 0.001 cores wide, each 5 % wider than the one before, up to 1000 cores).
// - util/histogram.go: Percentile() returns the end of the bucket in which the cumulative weight reaches
//   the percentile.
// CPU samples also carry the container's request as a weight (minSampleWeight 0.1); a run's requests are
// constant, and a constant factor does not move a percentile, so only the decay is kept here. The VPA
// keeps the replica count: it sizes each pod from per-pod usage (the service total over its replicas).
import { roundUpToMillicores } from './cpu-quantity.js';
import { SortedSample } from './sorted-sample.js';

export const VPA_DEFAULTS = {
  targetPercentile: 0.9,
  lowerPercentile: 0.5,
  upperPercentile: 0.95,
  marginFraction: 0.15,
  podMinCores: 0.025,
  halfLifeSeconds: 24 * 3600,
  firstBucketCores: 0.001,
  bucketGrowth: 0.05,
  maxCores: 1000,
} as const;

/** Per pod, in cores (whole millicores). */
export interface CpuBand {
  lower: number;
  target: number;
  upper: number;
}

const RATIO = 1 + VPA_DEFAULTS.bucketGrowth;
const logRatio = (x: number): number => Math.log(x) / Math.log(RATIO);
const BUCKETS =
  Math.ceil(logRatio((VPA_DEFAULTS.maxCores * (RATIO - 1)) / VPA_DEFAULTS.firstBucketCores + 1)) + 1;

function bucketStart(bucket: number): number {
  return bucket === 0 ? 0 : (VPA_DEFAULTS.firstBucketCores * (RATIO ** bucket - 1)) / (RATIO - 1);
}

/** The end of the VPA histogram bucket holding `cores` (the start of the last, open-ended bucket). */
export function vpaBucketEnd(cores: number): number {
  const raw =
    cores < VPA_DEFAULTS.firstBucketCores
      ? 0
      : Math.floor(logRatio((cores * (RATIO - 1)) / VPA_DEFAULTS.firstBucketCores + 1) + 1e-9);
  const bucket = Math.min(raw, BUCKETS - 1);
  return bucketStart(bucket < BUCKETS - 1 ? bucket + 1 : bucket);
}

/** How much history backs a recommendation, in days (logic/estimator.go, getConfidence). */
export function vpaConfidence(lifespanSeconds: number, minuteSamples: number): number {
  return Math.min(lifespanSeconds / 86400, minuteSamples / (60 * 24));
}

export interface VpaHistoryOptions {
  stepSeconds: number;
  /** The service's replicas: per-pod usage is the service total divided by them. */
  replicas: number;
  /** Per-pod bounds (the VPA's minAllowed/maxAllowed resource policy), in cores. */
  minCores: number;
  maxCores: number;
}

/** One service's usage history, fed step by step, and the VPA's recommendation from it at any point. */
export class VpaCpuHistory {
  private readonly sample = new SortedSample();
  private firstStep = -1;
  private lastStep = -1;
  private count = 0;

  constructor(private readonly options: VpaHistoryOptions) {}

  /** Adds the service's total cores at a step (NaN: no sample). Steps must not go backwards. */
  add(step: number, totalCores: number): void {
    if (Number.isNaN(totalCores)) return;
    if (this.firstStep < 0) this.firstStep = step;
    this.lastStep = step;
    this.count += 1;
    // Weight 2^(age from the first sample / half life): newer samples count more, and only ratios matter.
    const seconds = (step - this.firstStep) * this.options.stepSeconds;
    this.sample.add(totalCores / this.options.replicas, 2 ** (seconds / VPA_DEFAULTS.halfLifeSeconds));
  }

  get samples(): number {
    return this.count;
  }

  /**
   * Per-pod lower bound, target and upper bound in cores; null until two steps are seen, since with no
   * lifespan the confidence is 0 and the VPA's upper bound is unbounded.
   */
  recommend(): CpuBand | null {
    if (this.lastStep <= this.firstStep) return null;
    const { stepSeconds, replicas, minCores, maxCores } = this.options;
    const lifespan = (this.lastStep - this.firstStep) * stepSeconds;
    const confidence = vpaConfidence(lifespan, (this.count * replicas * stepSeconds) / 60);
    const estimate = (percentile: number): number =>
      vpaBucketEnd(this.sample.weightedPercentile(percentile)) * (1 + VPA_DEFAULTS.marginFraction);
    const finish = (cores: number): number =>
      roundUpToMillicores(Math.min(maxCores, Math.max(minCores, VPA_DEFAULTS.podMinCores, cores)));
    return {
      lower: finish(estimate(VPA_DEFAULTS.lowerPercentile) * (1 + 0.001 / confidence) ** -2),
      target: finish(estimate(VPA_DEFAULTS.targetPercentile)),
      upper: finish(estimate(VPA_DEFAULTS.upperPercentile) * (1 + 1 / confidence)),
    };
  }
}
