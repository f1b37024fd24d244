// A run's metrics as one dense [steps × services × features] array, the input of windows, splits and
// normalisation. Plain typed arrays (no tfjs) so the data side is fast and testable on its own.
//
// Feature order: the requested targets first (cpu, gpu), then memory, then the load columns, so a model's
// targets are always features 0..targets-1. Load columns are per step, so every service sees the same values.
import { DataError, UsageError } from '../core/errors.js';
import { LOAD_COLUMNS, RUN_FILES, type LoadRow, type MetricRow, type ServiceRow } from './run-format.js';
import type { RunData } from './run-reader.js';

export const TARGET_NAMES = ['cpu', 'gpu'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];
export const EXTRA_INPUTS = ['memory', 'load'] as const;
export type ExtraInput = (typeof EXTRA_INPUTS)[number];

/** The features 'load' adds: load.csv's columns after the timestamp. */
export const LOAD_FEATURES = LOAD_COLUMNS.slice(1) as readonly Exclude<
  (typeof LOAD_COLUMNS)[number],
  'timestamp'
>[];

/** Steps start..end-1 (end exclusive). */
export interface StepRange {
  start: number;
  end: number;
}

export interface SeriesOptions {
  targets: readonly TargetName[];
  extraInputs?: readonly ExtraInput[];
}

/** A service whose first sample comes after step 0; its earlier steps were set to 0 (it did not exist yet). */
export interface LateService {
  msId: number;
  msName: string;
  /** First step with any metric sample; `steps` when the service was never sampled. */
  firstStep: number;
}

export interface ServiceSeries {
  services: ServiceRow[];
  /** Targets first, e.g. ['cpu', 'memory', 'concurrency', 'requests', …]. */
  featureNames: string[];
  /** Number of target features (features 0..targets-1). */
  targets: number;
  steps: number;
  stepSeconds: number;
  /** [steps × services × features]; NaN where a sample is missing (a gap). */
  values: Float32Array;
  lateServices: LateService[];
  /** Cells set to 0 before a late service's first sample. */
  filledLeading: number;
  /** Cells still NaN after that (interior gaps). */
  missing: number;
}

/** The largest finite float32: the series is stored in a Float32Array. */
const FLOAT32_MAX = 3.4028234663852886e38;

type MetricColumn = 'cpu_utilization' | 'gpu_utilization' | 'memory_bytes';

interface FeatureSource {
  name: string;
  /** Per service, from ms_metric.csv; or per step, from load.csv. */
  metric?: { column: MetricColumn; read: (row: MetricRow) => number | null };
  load?: (row: LoadRow) => number | null;
}

const METRIC_SOURCES: Record<TargetName | 'memory', FeatureSource> = {
  cpu: { name: 'cpu', metric: { column: 'cpu_utilization', read: (row) => row.cpuUtilization } },
  gpu: { name: 'gpu', metric: { column: 'gpu_utilization', read: (row) => row.gpuUtilization } },
  memory: { name: 'memory', metric: { column: 'memory_bytes', read: (row) => row.memoryBytes } },
};

const LOAD_SOURCES: FeatureSource[] = [
  { name: 'concurrency', load: (row) => row.concurrency },
  { name: 'requests', load: (row) => row.requests },
  { name: 'errors', load: (row) => row.errors },
  { name: 'latency_p50_ms', load: (row) => row.latencyP50Ms },
  { name: 'latency_p99_ms', load: (row) => row.latencyP99Ms },
];

const TARGET_SUGGESTIONS: Record<TargetName, string> = {
  cpu: 'Check that the run measured CPU (the metrics profile’s cpu query), or forecast --targets gpu.',
  gpu: 'This run has no GPU activity (CPU-only services); forecast --targets cpu.',
};

/** Index of (step, service, feature) in a series' values. */
export function seriesIndex(series: ServiceSeries, step: number, service: number, feature: number): number {
  return (step * series.services.length + service) * series.featureNames.length + feature;
}

function distinct<T extends string>(list: readonly T[], allowed: readonly T[], flag: string): T[] {
  for (const item of list) {
    if (!allowed.includes(item)) {
      throw new UsageError(`--${flag}: unknown ${JSON.stringify(item)}`, {
        suggestion: `Use any of: ${allowed.join(', ')}.`,
      });
    }
  }
  const duplicate = list.find((item, index) => list.indexOf(item) !== index);
  if (duplicate !== undefined) {
    throw new UsageError(`--${flag}: ${duplicate} is listed twice`, { suggestion: 'List each once.' });
  }
  return [...list];
}

function featureSources(options: SeriesOptions): FeatureSource[] {
  const targets = distinct(options.targets, TARGET_NAMES, 'targets');
  if (targets.length === 0) {
    throw new UsageError('--targets: no target given', { suggestion: 'E.g. --targets cpu.' });
  }
  const extras = distinct(options.extraInputs ?? [], EXTRA_INPUTS, 'inputs');
  return [
    ...targets.map((target) => METRIC_SOURCES[target]),
    ...(extras.includes('memory') ? [METRIC_SOURCES.memory] : []),
    ...(extras.includes('load') ? LOAD_SOURCES : []),
  ];
}

function stepCount(run: Pick<RunData, 'metrics' | 'load'>): number {
  const last = run.metrics[run.metrics.length - 1]?.timestamp ?? -1;
  if (last + 1 !== run.load.length) {
    throw new DataError(
      `${RUN_FILES.metrics} holds ${last + 1} steps but ${RUN_FILES.load} holds ${run.load.length}`,
      { file: RUN_FILES.load },
      { suggestion: 'Read the run with readRun, which checks that its files agree.' },
    );
  }
  return run.load.length;
}

/** First step at which each service has any metric sample (cpu, gpu or memory); `steps` if none. */
function firstSampleSteps(metrics: readonly MetricRow[], services: number, steps: number): Int32Array {
  const first = new Int32Array(services).fill(steps);
  for (const row of metrics) {
    const sampled = row.cpuUtilization !== null || row.gpuUtilization !== null || row.memoryBytes !== null;
    if (sampled && row.timestamp < (first[row.msId] ?? 0)) first[row.msId] = row.timestamp;
  }
  return first;
}

/** Per service, how many samples of a metric feature were observed, and its min and max. */
interface ObservedStats {
  count: Int32Array;
  min: Float64Array;
  max: Float64Array;
}

function observedStats(
  metrics: readonly MetricRow[],
  services: number,
  read: (row: MetricRow) => number | null,
): ObservedStats {
  const stats = {
    count: new Int32Array(services),
    min: new Float64Array(services).fill(Infinity),
    max: new Float64Array(services).fill(-Infinity),
  };
  for (const row of metrics) {
    const value = read(row);
    if (value === null) continue;
    const s = row.msId;
    stats.count[s] = (stats.count[s] ?? 0) + 1;
    stats.min[s] = Math.min(stats.min[s] ?? Infinity, value);
    stats.max[s] = Math.max(stats.max[s] ?? -Infinity, value);
  }
  return stats;
}

/** True when every service's observed samples of the metric are constant (e.g. gpu on a CPU-only run). */
function constantEverywhere(stats: ObservedStats): boolean {
  for (let s = 0; s < stats.count.length; s += 1) {
    if ((stats.count[s] ?? 0) > 0 && (stats.max[s] ?? 0) > (stats.min[s] ?? 0)) return false;
  }
  return true;
}

/** The targets that vary for at least one service, in TARGET_NAMES order: a sensible default --targets. */
export function targetsWithSignal(run: Pick<RunData, 'metrics' | 'services'>): TargetName[] {
  return TARGET_NAMES.filter((target) => {
    const metric = METRIC_SOURCES[target].metric;
    return (
      metric !== undefined &&
      !constantEverywhere(observedStats(run.metrics, run.services.length, metric.read))
    );
  });
}

/**
 * Requested metrics must carry data: a target constant for every service cannot be forecast, and a metric a
 * sampled service never reports would turn every window into a gap.
 */
function checkMetricFeatures(
  run: Pick<RunData, 'metrics' | 'services'>,
  sources: readonly FeatureSource[],
  targets: number,
  first: Int32Array,
  steps: number,
): void {
  sources.forEach((source, feature) => {
    if (source.metric === undefined) return;
    const stats = observedStats(run.metrics, run.services.length, source.metric.read);
    const at = { file: RUN_FILES.metrics, field: source.metric.column };
    const silent = run.services.find(
      (service) => (first[service.msId] ?? steps) < steps && stats.count[service.msId] === 0,
    );
    if (silent !== undefined) {
      throw new DataError(
        `service ${silent.msName} (ms_id ${silent.msId}) has other samples but no ${source.metric.column} sample at all`,
        at,
        {
          suggestion: `Leave ${source.name} out of the features, or fix the metrics source for that service.`,
        },
      );
    }
    if (feature < targets && constantEverywhere(stats)) {
      const values = [...new Set(Array.from(stats.min).filter(Number.isFinite))].slice(0, 3).join(', ');
      throw new DataError(
        `target ${source.name} is constant for every one of the ${run.services.length} services (${values === '' ? 'no samples' : `values ${values}`}): there is nothing to forecast`,
        at,
        { suggestion: TARGET_SUGGESTIONS[source.name as TargetName] },
      );
    }
  });
}

/** A sample is missing (null) or a finite number: NaN would pass for a gap and Infinity poisons the scaling. */
function checkFinite(value: number, file: string, field: string, where: string): void {
  if (Number.isFinite(value) && Math.abs(value) <= FLOAT32_MAX) return;
  throw new DataError(
    `${where} holds ${value}, not a finite number`,
    { file, field },
    {
      suggestion: 'Leave a missing sample empty; rescape skips the windows that touch it.',
    },
  );
}

/** Builds the [steps × services × features] series of a run. */
export function seriesFromRun(
  run: Pick<RunData, 'manifest' | 'services' | 'metrics' | 'load'>,
  options: SeriesOptions,
): ServiceSeries {
  const sources = featureSources(options);
  const targets = options.targets.length;
  const steps = stepCount(run);
  const servicesCount = run.services.length;
  const features = sources.length;
  const first = firstSampleSteps(run.metrics, servicesCount, steps);

  const values = new Float32Array(steps * servicesCount * features).fill(NaN);
  const metricSources = sources.flatMap((source, f) =>
    source.metric ? [{ f, read: source.metric.read, column: source.metric.column }] : [],
  );
  const loadSources = sources.flatMap((source, f) =>
    source.load ? [{ f, read: source.load, column: source.name }] : [],
  );
  for (const row of run.metrics) {
    const base = (row.timestamp * servicesCount + row.msId) * features;
    for (const { f, read, column } of metricSources) {
      const value = read(row);
      if (value === null) continue;
      checkFinite(value, RUN_FILES.metrics, column, `step ${row.timestamp} of ${row.msName}`);
      values[base + f] = value;
    }
  }
  for (const row of run.load) {
    for (const { f, read, column } of loadSources) {
      const value = read(row);
      if (value === null) continue;
      checkFinite(value, RUN_FILES.load, column, `step ${row.timestamp}`);
      for (let s = 0; s < servicesCount; s += 1)
        values[(row.timestamp * servicesCount + s) * features + f] = value;
    }
  }

  checkMetricFeatures(run, sources, targets, first, steps);

  // Before its first sample a service did not exist: it used nothing, so 0 is the truth there, not a gap.
  let filledLeading = 0;
  const lateServices: LateService[] = [];
  for (const service of run.services) {
    const firstStep = first[service.msId] ?? 0;
    if (firstStep === 0) continue;
    lateServices.push({ msId: service.msId, msName: service.msName, firstStep });
    for (let t = 0; t < firstStep; t += 1) {
      for (const { f } of metricSources) {
        const index = (t * servicesCount + service.msId) * features + f;
        if (Number.isNaN(values[index])) {
          values[index] = 0;
          filledLeading += 1;
        }
      }
    }
  }
  let missing = 0;
  for (const value of values) if (Number.isNaN(value)) missing += 1;

  return {
    services: run.services.map((service) => ({ ...service })),
    featureNames: sources.map((source) => source.name),
    targets,
    steps,
    stepSeconds: run.manifest.stepSeconds,
    values,
    lateServices,
    filledLeading,
    missing,
  };
}
