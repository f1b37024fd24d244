// The run directory format (DESIGN.md, "The run directory"): file names, columns and row types.

export const RUN_FORMAT = 'rescape.run/v1';

export const RUN_FILES = {
  manifest: 'run.json',
  services: 'services.csv',
  metrics: 'ms_metric.csv',
  callgraph: 'ms_callgraph.csv',
  load: 'load.csv',
} as const;

export const SERVICES_COLUMNS = ['ms_id', 'ms_name', 'kind', 'replicas'] as const;
export const METRIC_COLUMNS = [
  'timestamp',
  'ms_name',
  'ms_id',
  'cpu_utilization',
  'gpu_utilization',
  'memory_bytes',
] as const;
export const CALLGRAPH_COLUMNS = [
  'timestamp',
  'trace_id',
  'um',
  'dm',
  'um_id',
  'dm_id',
  'rpc_type',
  'rt_ms',
] as const;
export const LOAD_COLUMNS = [
  'timestamp',
  'concurrency',
  'requests',
  'errors',
  'latency_p50_ms',
  'latency_p99_ms',
] as const;

export type ServiceKind = 'gateway' | 'service' | 'cache' | 'database' | 'gpu';
export const SERVICE_KINDS: readonly ServiceKind[] = ['gateway', 'service', 'cache', 'database', 'gpu'];

export type ClusterKind = 'sim' | 'kubernetes' | 'import';
export type RunStatus = 'running' | 'complete' | 'interrupted' | 'failed';

export interface RunManifest {
  format: typeof RUN_FORMAT;
  id: string;
  benchmark: string;
  /** Where the data came from; extra keys describe it (sim: tracesPerStep; kubernetes: context, namespace). */
  cluster: { kind: ClusterKind } & Record<string, unknown>;
  /** Wall-clock time of step 0, ISO 8601. */
  startTime: string;
  stepSeconds: number;
  /** Number of steps the run is planned to hold (timestamps 0..samples-1). */
  samples: number;
  seed: number | null;
  load: { min: number; max: number; redrawSeconds: number };
  status: RunStatus;
  toolVersion: string;
}

export interface ServiceRow {
  msId: number;
  msName: string;
  kind: ServiceKind;
  replicas: number;
}

/** One service at one step. A missing sample is null (an empty cell), never a zero. */
export interface MetricRow {
  timestamp: number;
  msName: string;
  msId: number;
  /** CPU cores used by all the service's pods, averaged over the step. */
  cpuUtilization: number | null;
  /** GPUs busy (sum of DCGM_FI_DEV_GPU_UTIL / 100 over the service's GPUs). */
  gpuUtilization: number | null;
  memoryBytes: number | null;
}

export interface CallRow {
  timestamp: number;
  traceId: string;
  um: string;
  dm: string;
  umId: number;
  dmId: number;
  rpcType: string;
  rtMs: number | null;
}

export interface LoadRow {
  timestamp: number;
  concurrency: number;
  requests: number;
  errors: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
}

/** Everything measured at one step, written together. */
export interface StepRecord {
  timestamp: number;
  metrics: MetricRow[];
  calls: CallRow[];
  load: LoadRow;
}
