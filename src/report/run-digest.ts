// What the report draws of a run, computed once from the data readRun returns: per-service CPU and GPU as
// dense per-step arrays (NaN where a sample is missing), the load per step, call edges with their volume
// and response time, the simulated incidents, and summary figures.
import { RunningStats } from '../core/running-stats.js';
import { excludedRangesFromIncidents, type ExcludedRange } from '../dataset/anomaly-windows.js';
import type { LoadRow, RunManifest, ServiceRow } from '../dataset/run-format.js';
import type { RunData, RunProblem } from '../dataset/run-reader.js';

export interface ServiceDigest {
  service: ServiceRow;
  /** Cores and busy GPUs per step; NaN where the sample is missing. */
  cpu: Float64Array;
  gpu: Float64Array;
  cpuMean: number | null;
  cpuPeak: number | null;
  gpuMean: number | null;
  gpuPeak: number | null;
}

export interface EdgeDigest {
  um: string;
  dm: string;
  calls: number;
  rtMeanMs: number | null;
}

export interface LoadDigest {
  /** Per step. */
  concurrency: Float64Array;
  requestsPerSecond: Float64Array;
  errorsPerSecond: Float64Array;
  p50Ms: Float64Array;
  p99Ms: Float64Array;
  requests: number;
  errors: number;
  concurrencyMin: number | null;
  concurrencyMean: number | null;
  concurrencyMax: number | null;
  p50Mean: number | null;
  p99Max: number | null;
}

export interface RunDigest {
  manifest: RunManifest;
  steps: number;
  stepSeconds: number;
  services: ServiceDigest[];
  load: LoadDigest;
  edges: EdgeDigest[];
  callRows: number;
  traces: number;
  incidents: ExcludedRange[];
  /** True when any service reports GPU use. */
  usesGpu: boolean;
  problems: RunProblem[];
}

export function digestRun(run: RunData): RunDigest {
  const steps = run.load.length;
  const stepSeconds = run.manifest.stepSeconds;
  const services = run.services.map((service) => ({
    service,
    cpu: new Float64Array(steps).fill(NaN),
    gpu: new Float64Array(steps).fill(NaN),
    stats: { cpu: new RunningStats(), gpu: new RunningStats() },
  }));
  for (const row of run.metrics) {
    const digest = services[row.msId];
    if (digest === undefined || row.timestamp >= steps) continue;
    digest.cpu[row.timestamp] = row.cpuUtilization ?? NaN;
    digest.gpu[row.timestamp] = row.gpuUtilization ?? NaN;
    digest.stats.cpu.add(row.cpuUtilization);
    digest.stats.gpu.add(row.gpuUtilization);
  }
  return {
    manifest: run.manifest,
    steps,
    stepSeconds,
    services: services.map(({ service, cpu, gpu, stats }) => ({
      service,
      cpu,
      gpu,
      cpuMean: stats.cpu.mean(),
      cpuPeak: stats.cpu.max,
      gpuMean: stats.gpu.mean(),
      gpuPeak: stats.gpu.max,
    })),
    load: digestLoad(run, stepSeconds),
    ...digestCalls(run),
    incidents: excludedRangesFromIncidents(run.manifest),
    usesGpu: services.some(({ stats }) => (stats.gpu.max ?? 0) > 0),
    problems: run.problems,
  };
}

function digestLoad(run: RunData, stepSeconds: number): LoadDigest {
  const perStep = (read: (row: LoadRow) => number | null): Float64Array => {
    const values = new Float64Array(run.load.length).fill(NaN);
    for (const row of run.load) values[row.timestamp] = read(row) ?? NaN;
    return values;
  };
  const statsOf = (values: Float64Array): RunningStats => {
    const stats = new RunningStats();
    for (const value of values) stats.add(Number.isNaN(value) ? null : value);
    return stats;
  };
  const concurrency = perStep((row) => row.concurrency);
  const p50Ms = perStep((row) => row.latencyP50Ms);
  const p99Ms = perStep((row) => row.latencyP99Ms);
  const concurrencyStats = statsOf(concurrency);
  return {
    concurrency,
    requestsPerSecond: perStep((row) => row.requests / stepSeconds),
    errorsPerSecond: perStep((row) => row.errors / stepSeconds),
    p50Ms,
    p99Ms,
    requests: run.load.reduce((sum, row) => sum + row.requests, 0),
    errors: run.load.reduce((sum, row) => sum + row.errors, 0),
    concurrencyMin: concurrencyStats.min,
    concurrencyMean: concurrencyStats.mean(),
    concurrencyMax: concurrencyStats.max,
    p50Mean: statsOf(p50Ms).mean(),
    p99Max: statsOf(p99Ms).max,
  };
}

/** Edges by volume with their mean response time, and the traces sampled (from the run's call summary). */
function digestCalls(run: RunData): Pick<RunDigest, 'edges' | 'callRows' | 'traces'> {
  const name = (msId: number) => run.services[msId]?.msName ?? String(msId);
  const { edges, rows, traces } = run.callSummary;
  const digested = edges.map((edge) => ({
    um: name(edge.um),
    dm: name(edge.dm),
    calls: edge.calls,
    rtMeanMs: edge.rtCount > 0 ? edge.rtSumMs / edge.rtCount : null,
  }));
  return { edges: digested.sort((a, b) => b.calls - a.calls), callRows: rows, traces };
}

/** Services by mean utilisation (cores + busy GPUs), busiest first; ties by name. */
export function busiestFirst(services: readonly ServiceDigest[]): ServiceDigest[] {
  const load = (digest: ServiceDigest) => (digest.cpuMean ?? 0) + (digest.gpuMean ?? 0);
  return [...services].sort((a, b) => load(b) - load(a) || (a.service.msName < b.service.msName ? -1 : 1));
}
