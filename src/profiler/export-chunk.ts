// One batch of an export: the metrics and traces of steps [fromStep, toStep), turned into the step records
// the run writer appends. Batches are what make an export resumable: whatever batch fails, the ones before
// it are on disk, and the next attempt starts at the first missing step.
import type { MetricRow, ServiceRow, StepRecord } from '../dataset/run-format.js';
import { extractCallGraph } from '../trace/call-graph-extraction.js';
import { collectTraces } from '../trace/collect-traces.js';
import { rootLoadByStep, type RootLoad } from '../trace/root-spans.js';
import type { JaegerClient } from '../trace/trace-query.js';
import { collectServiceMetrics, type CollectedMetrics } from './metrics-profile-collect.js';
import type { MetricsProfile } from './metrics-profile.js';
import type { PrometheusClient } from './prometheus-client.js';

export interface ExportClients {
  prometheus: PrometheusClient;
  profile: MetricsProfile;
  /** Absent without --jaeger. */
  jaeger?: { client: JaegerClient; services: string[] };
}

export interface ChunkContext {
  startTime: Date;
  stepSeconds: number;
  namespace: string;
  samples: number;
  services: readonly ServiceRow[];
  signal?: AbortSignal;
}

export interface CollectedChunk {
  steps: StepRecord[];
  metrics: CollectedMetrics;
  traces: number;
  jaegerQueries: number;
  warnings: string[];
}

export async function collectChunk(
  sources: ExportClients,
  context: ChunkContext,
  fromStep: number,
  toStep: number,
): Promise<CollectedChunk> {
  const at = (step: number) => new Date(context.startTime.getTime() + step * context.stepSeconds * 1000);
  const signal = context.signal === undefined ? {} : { signal: context.signal };
  const metrics = await collectServiceMetrics(sources.prometheus, sources.profile, {
    start: at(fromStep),
    end: at(toStep),
    stepSeconds: context.stepSeconds,
    namespace: context.namespace,
    services: context.services.map((service) => service.msName),
    ...signal,
  });
  const warnings = [...metrics.warnings];
  let calls: StepRecord['calls'] = [];
  let load: RootLoad | undefined;
  let traces = 0;
  let jaegerQueries = 0;
  if (sources.jaeger !== undefined && sources.jaeger.services.length > 0) {
    const found = await collectTraces(
      sources.jaeger.client,
      { start: at(fromStep), end: at(toStep), services: sources.jaeger.services },
      signal,
    );
    traces = found.traces.length;
    jaegerQueries = found.queries;
    warnings.push(...found.warnings);
    if (found.truncated.length > 0) {
      warnings.push(
        `Jaeger: ${found.truncated.length} slice(s) still held the search limit; traces there may be missing`,
      );
    }
    const window = { startTime: context.startTime, stepSeconds: context.stepSeconds, fromStep, toStep };
    // Jaeger returns whole traces, so a trace crossing a batch boundary comes back in both batches: each
    // keeps only the calls and roots that started in its own steps.
    calls = extractCallGraph(found.traces, {
      startTime: context.startTime,
      stepSeconds: context.stepSeconds,
      serviceIds: new Map(context.services.map((service) => [service.msName, service.msId])),
      samples: context.samples,
    }).rows.filter((row) => row.timestamp >= fromStep && row.timestamp < toStep);
    load = rootLoadByStep(found.traces, window);
  }
  const callsByStep = new Map<number, StepRecord['calls']>();
  for (const call of calls) {
    const list = callsByStep.get(call.timestamp);
    if (list === undefined) callsByStep.set(call.timestamp, [call]);
    else list.push(call);
  }
  const steps = Array.from({ length: toStep - fromStep }, (_, i): StepRecord => {
    const timestamp = fromStep + i;
    return {
      timestamp,
      metrics: context.services.map((service) => metricRow(metrics, service, timestamp, i)),
      calls: callsByStep.get(timestamp) ?? [],
      load: {
        timestamp,
        // The load generator's concurrency is not in Prometheus or Jaeger.
        concurrency: 0,
        requests: load?.requests[i] ?? 0,
        errors: 0,
        latencyP50Ms: load?.latencyP50Ms[i] ?? null,
        latencyP99Ms: load?.latencyP99Ms[i] ?? null,
      },
    };
  });
  return { steps, metrics, traces, jaegerQueries, warnings };
}

function metricRow(metrics: CollectedMetrics, service: ServiceRow, timestamp: number, i: number): MetricRow {
  const value = (metric: string) => metrics.values[metric]?.[service.msName]?.[i] ?? null;
  return {
    timestamp,
    msName: service.msName,
    msId: service.msId,
    cpuUtilization: value('cpu_utilization'),
    // DESIGN: 0 GPUs busy for a CPU service; a GPU service's missing sample stays empty.
    gpuUtilization: service.kind === 'gpu' ? value('gpu_utilization') : 0,
    memoryBytes: value('memory_bytes'),
  };
}
