// Where each model feature (card.features: targets first, then memory and the load columns; see
// src/dataset/series.ts) comes from: a column of ms_metric.csv and a metrics-profile metric of the same name,
// or a column of load.csv, which only a run directory has. Also each target's unit and gauge name.
import type { LoadRow, MetricRow } from '../dataset/run-format.js';

export type MetricColumn = 'cpu_utilization' | 'gpu_utilization' | 'memory_bytes';

export interface MetricFeature {
  /** Column of ms_metric.csv, and metricName of the metrics-profile query. */
  column: MetricColumn;
  read: (row: MetricRow) => number | null;
}

export const METRIC_FEATURES: Readonly<Record<string, MetricFeature>> = {
  cpu: { column: 'cpu_utilization', read: (row) => row.cpuUtilization },
  gpu: { column: 'gpu_utilization', read: (row) => row.gpuUtilization },
  memory: { column: 'memory_bytes', read: (row) => row.memoryBytes },
};

export const LOAD_FEATURES: Readonly<Record<string, (row: LoadRow) => number | null>> = {
  concurrency: (row) => row.concurrency,
  requests: (row) => row.requests,
  errors: (row) => row.errors,
  latency_p50_ms: (row) => row.latencyP50Ms,
  latency_p99_ms: (row) => row.latencyP99Ms,
};

export interface TargetPresentation {
  unit: string;
  /** Gauge of the forecast in /metrics. */
  forecastMetric: string;
  /** Gauge of the last observed value in /metrics. */
  observedMetric: string;
  help: string;
}

export const TARGETS: Readonly<Record<string, TargetPresentation>> = {
  cpu: {
    unit: 'cores',
    forecastMetric: 'rescape_forecast_cpu_cores',
    observedMetric: 'rescape_observed_cpu_cores',
    help: 'CPU cores used by all pods of the service, averaged over a step',
  },
  gpu: {
    unit: 'gpus',
    forecastMetric: 'rescape_forecast_gpus_busy',
    observedMetric: 'rescape_observed_gpus_busy',
    help: "GPUs busy: the sum over the service's GPUs of their utilisation / 100, averaged over a step",
  },
};

/** A GPU feature with no sample in a whole window means a service without GPUs: 0 busy, as `export` writes. */
export function absentMeansZero(feature: string): boolean {
  return feature === 'gpu';
}
