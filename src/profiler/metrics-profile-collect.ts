// Runs a metrics profile against Prometheus for a time window and returns, per metric, one value per step
// and service. Step k covers (start + k·step, start + (k+1)·step] and is evaluated at its end, so `rate(…[$RATE])`
// and `avg_over_time(…[$STEP])` look back over the step itself. A step where none of a service's pods has a
// sample is null, never 0, and is listed in `missing`; series that map to no requested service are listed too.
import { UsageError } from '../core/errors.js';
import { ignoreProgress, type ProgressListener } from '../core/progress.js';
import { podOfSeries, serviceOfPod } from './metrics-profile-pods.js';
import { checkNamespace, renderQuery } from './metrics-profile-query.js';
import type { Aggregate, MetricsProfile } from './metrics-profile.js';
import type { PrometheusClient } from './prometheus-client.js';
import type { Labels, RangeSeries } from './prometheus-response.js';

export interface CollectOptions {
  start: Date;
  end: Date;
  stepSeconds: number;
  namespace: string;
  /** Services to report (others' series go to `unattributed`); default: every service found. */
  services?: readonly string[];
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

/** Consecutive steps [from, to] (inclusive) with no sample. */
export type StepRange = [from: number, to: number];

export interface MissingSteps {
  metric: string;
  service: string;
  count: number;
  ranges: StepRange[];
}

export interface UnattributedSeries {
  metric: string;
  labels: Labels;
  reason: 'no pod label' | 'not a requested service';
}

export interface CollectedMetrics {
  /** Start of step 0, ISO 8601. */
  start: string;
  stepSeconds: number;
  steps: number;
  /** Evaluation time of each step (its end), Unix seconds. */
  stepEnds: number[];
  /** Sorted, as ms_id numbers them. */
  services: string[];
  metrics: string[];
  /** metric → service → one value per step; null where no pod of the service had a sample. */
  values: Record<string, Record<string, (number | null)[]>>;
  missing: MissingSteps[];
  unattributed: UnattributedSeries[];
  /** NaN/±Inf samples, treated as missing. */
  nonFiniteSamples: number;
  /** Prometheus' warnings, prefixed with the metric they came with. */
  warnings: string[];
}

export async function collectServiceMetrics(
  client: PrometheusClient,
  profile: MetricsProfile,
  options: CollectOptions,
): Promise<CollectedMetrics> {
  const steps = checkOptions(options);
  const startSeconds = options.start.getTime() / 1000;
  const stepEnds = Array.from({ length: steps }, (_, k) => startSeconds + (k + 1) * options.stepSeconds);
  const onProgress = options.onProgress ?? ignoreProgress;
  const requested = options.services === undefined ? undefined : new Set(options.services);
  const perMetric: { metric: string; aggregate: Aggregate; series: RangeSeries[] }[] = [];
  const unattributed: UnattributedSeries[] = [];
  const warnings: string[] = [];
  for (const [i, metric] of profile.metrics.entries()) {
    const query = renderQuery(metric.query, profile, options);
    const range = {
      start: new Date(stepEnds[0]! * 1000),
      end: new Date(stepEnds[steps - 1]! * 1000),
      stepSeconds: options.stepSeconds,
    };
    const answer = await client.queryRange(
      query,
      range,
      options.signal === undefined ? {} : { signal: options.signal },
    );
    warnings.push(...answer.warnings.map((warning) => `${metric.metricName}: ${warning}`));
    perMetric.push({ metric: metric.metricName, aggregate: metric.aggregate, series: answer.series });
    onProgress({
      phase: 'prometheus',
      done: i + 1,
      total: profile.metrics.length,
      message: metric.metricName,
    });
  }

  // Services are known only once every metric's series are in, so attribution runs after the queries.
  const attributed = perMetric.map(({ metric, aggregate, series }) => {
    const byService = new Map<string, RangeSeries[]>();
    for (const one of series) {
      const pod = podOfSeries(one.labels, profile.podLabels);
      const service = pod === undefined ? undefined : serviceOfPod(pod, profile.services);
      if (service === undefined || (requested !== undefined && !requested.has(service))) {
        unattributed.push({
          metric,
          labels: one.labels,
          reason: service === undefined ? 'no pod label' : 'not a requested service',
        });
        continue;
      }
      const group = byService.get(service);
      if (group === undefined) byService.set(service, [one]);
      else group.push(one);
    }
    return { metric, aggregate, byService };
  });
  const services = [
    ...(requested ?? new Set(attributed.flatMap(({ byService }) => [...byService.keys()]))),
  ].sort();

  let nonFiniteSamples = 0;
  const values: CollectedMetrics['values'] = {};
  const missing: MissingSteps[] = [];
  for (const { metric, aggregate, byService } of attributed) {
    const column: Record<string, (number | null)[]> = {};
    for (const service of services) {
      const combined = combine(
        byService.get(service) ?? [],
        aggregate,
        startSeconds,
        options.stepSeconds,
        steps,
      );
      nonFiniteSamples += combined.nonFinite;
      column[service] = combined.values;
      const ranges = nullRanges(combined.values);
      if (ranges.length > 0) {
        missing.push({
          metric,
          service,
          count: ranges.reduce((n, [from, to]) => n + to - from + 1, 0),
          ranges,
        });
      }
    }
    values[metric] = column;
  }
  return {
    start: options.start.toISOString(),
    stepSeconds: options.stepSeconds,
    steps,
    stepEnds,
    services,
    metrics: profile.metrics.map((metric) => metric.metricName),
    values,
    missing,
    unattributed,
    nonFiniteSamples,
    warnings,
  };
}

/** Validates before any request; returns the number of whole steps in the window. */
function checkOptions(options: CollectOptions): number {
  checkNamespace(options.namespace);
  if (!(options.stepSeconds > 0)) {
    throw new UsageError(`--step must be positive (got ${options.stepSeconds} s)`, {
      suggestion: 'E.g. --step 30s.',
    });
  }
  const steps = Math.floor(
    (options.end.getTime() - options.start.getTime()) / 1000 / options.stepSeconds + 1e-9,
  );
  if (!(steps >= 1)) {
    throw new UsageError(
      `the window ${options.start.toISOString()}..${options.end.toISOString()} holds no whole ${options.stepSeconds} s step`,
      { suggestion: 'Give an --end at least one step after --start.' },
    );
  }
  return steps;
}

/** One service's pods → one value per step (finite samples only; none → null). */
function combine(
  series: RangeSeries[],
  aggregate: Aggregate,
  startSeconds: number,
  stepSeconds: number,
  steps: number,
) {
  const totals = new Float64Array(steps).fill(aggregate === 'max' ? Number.NEGATIVE_INFINITY : 0);
  const counts = new Uint32Array(steps);
  let nonFinite = 0;
  for (const one of series) {
    for (const { time, value } of one.samples) {
      const k = Math.round((time - startSeconds) / stepSeconds) - 1;
      if (k < 0 || k >= steps) continue;
      if (!Number.isFinite(value)) {
        nonFinite += 1;
        continue;
      }
      totals[k] = aggregate === 'max' ? Math.max(totals[k]!, value) : totals[k]! + value;
      counts[k]! += 1;
    }
  }
  const values = Array.from(totals, (total, k) =>
    counts[k] === 0 ? null : aggregate === 'avg' ? total / counts[k]! : total,
  );
  return { values, nonFinite };
}

function nullRanges(values: readonly (number | null)[]): StepRange[] {
  const ranges: StepRange[] = [];
  values.forEach((value, k) => {
    if (value !== null) return;
    const last = ranges[ranges.length - 1];
    if (last !== undefined && last[1] === k - 1) last[1] = k;
    else ranges.push([k, k]);
  });
  return ranges;
}
