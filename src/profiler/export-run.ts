// `rescape export`: a time window of a real cluster's monitoring history → a run directory in the format
// `profile` writes. Services are discovered first (services.csv is fixed before any row), then the window is
// collected and appended in batches (1 h by default) with every step fsynced: a failure or Ctrl-C keeps every
// batch written, marks run.json failed or interrupted, and `--resume` continues from the last complete step
// with the settings run.json recorded. Credentials go only to the HTTP clients: run.json holds URLs without
// them, and no message includes them.
import { join } from 'node:path';
import { DataError, UsageError } from '../core/errors.js';
import { ignoreProgress, type ProgressListener } from '../core/progress.js';
import { toolVersion } from '../core/version.js';
import {
  RUN_FILES,
  RUN_FORMAT,
  type RunManifest,
  type RunStatus,
  type ServiceRow,
} from '../dataset/run-format.js';
import { RunWriter } from '../dataset/run-writer.js';
import { numberServices } from '../dataset/run-services.js';
import type { JaegerApiChoice } from '../trace/jaeger-api.js';
import { collectChunk, type ExportClients } from './export-chunk.js';
import { discoverServices } from './export-discovery.js';
import {
  checkChunk,
  exportSettings,
  settingsOf,
  validateExportOptions,
  type ExportCredentials,
  type ExportOptions,
  type ExportSettings,
  type ResumeExportOptions,
} from './export-options.js';
import { loadMetricsProfile } from './metrics-profile.js';
import { connectMonitoring, type MonitoringAddresses } from './monitoring-clients.js';

/**
 * Exported history stays in Prometheus and Jaeger, so a step lost to a power cut is fetched again by
 * --resume (which truncates to the last complete step): fsync about once a second, not after every step
 * (per-step fsync cost 1.1 s of a 2.7 s 12 h export).
 */
const EXPORT_DURABILITY = 'periodic';

export interface ExportDeps {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Monotonic milliseconds, for wallSeconds. */
  now?: () => number;
}

export interface ExportResult {
  runDir: string;
  id: string;
  benchmark: string;
  cluster: 'kubernetes';
  namespace: string;
  prometheus: string;
  jaeger: string | null;
  jaegerApi: 'v1' | 'v3' | null;
  status: RunStatus;
  startTime: string;
  stepSeconds: number;
  samples: number;
  /** Steps now in the run directory. */
  steps: number;
  services: number;
  gpuServices: number;
  /** The rest count what this invocation wrote and fetched (a resume continues the counts from 0). */
  callRows: number;
  edges: number;
  traces: number;
  /** Empty cells written, per column. */
  missing: { cpu: number; gpu: number; memory: number };
  prometheusRequests: number;
  jaegerQueries: number;
  warnings: string[];
  resumedFromStep: number | null;
  wallSeconds: number;
}

/** Counters of the HTTP clients, shared with the result. */
interface Counters {
  prometheusRequests: number;
}

export async function exportRun(options: ExportOptions, deps: ExportDeps = {}): Promise<ExportResult> {
  const samples = validateExportOptions(options);
  const chunkSteps = checkChunk(options.chunkSeconds, options.stepSeconds);
  const profile = loadMetricsProfile(options.metricsProfile);
  const started = (deps.now ?? performance.now.bind(performance))();
  const counters: Counters = { prometheusRequests: 0 };
  const clients = await connect(options, options.jaegerApi, profile, counters, deps.signal);
  const signal = deps.signal === undefined ? {} : { signal: deps.signal };
  const discovered = await discoverServices(clients.prometheus, profile, {
    start: options.start,
    end: options.end,
    stepSeconds: options.stepSeconds,
    namespace: options.namespace,
    ...signal,
  });
  const names = options.services ?? [...new Set([...discovered.keys(), ...(clients.jaeger?.services ?? [])])];
  if (names.length === 0) {
    throw new DataError(
      `Prometheus has no series of namespace "${options.namespace}" in ${options.start.toISOString()}..${options.end.toISOString()}`,
      {},
      {
        suggestion:
          'Check --namespace and the window (kubectl get pods -A), and that Prometheus scrapes cAdvisor.',
      },
    );
  }
  const services = numberServices(
    names.map((name) => {
      const found = discovered.get(name);
      return { msName: name, kind: found?.gpu ? 'gpu' : 'service', replicas: found?.pods.size || 1 };
    }),
  );
  const settings = exportSettings(options, clients.jaeger?.client.api ?? null);
  const benchmark = options.benchmark ?? 'custom';
  const id = `${benchmark}-${compactTimestamp(options.start)}-${options.namespace}`;
  const manifest: RunManifest = {
    format: RUN_FORMAT,
    id,
    benchmark,
    cluster: { kind: 'kubernetes', ...settings },
    startTime: options.start.toISOString(),
    stepSeconds: options.stepSeconds,
    samples,
    seed: null,
    load: { min: 0, max: 0, redrawSeconds: options.stepSeconds },
    status: 'running',
    toolVersion,
  };
  const runDir = options.out ?? join('runs', id);
  const writer = RunWriter.create(runDir, manifest, services, { durability: EXPORT_DURABILITY });
  return continueExport(
    { writer, manifest, settings, clients, counters, chunkSteps, started, fromStep: 0 },
    deps,
  );
}

export async function resumeExport(
  options: ResumeExportOptions,
  deps: ExportDeps = {},
): Promise<ExportResult> {
  const started = (deps.now ?? performance.now.bind(performance))();
  const opened = RunWriter.openForResume(options.runDir, { durability: EXPORT_DURABILITY });
  try {
    const settings = settingsOf(opened.manifest, join(options.runDir, RUN_FILES.manifest));
    const chunkSteps = checkChunk(options.chunkSeconds, opened.manifest.stepSeconds);
    const profile = loadMetricsProfile(settings.metricsProfile ?? undefined);
    const counters: Counters = { prometheusRequests: 0 };
    if (settings.jaeger === null && options.jaegerUrl !== undefined) {
      throw new UsageError(
        `run ${opened.manifest.id} was exported without Jaeger; --jaeger cannot be added on resume`,
        {
          suggestion: 'Resume without --jaeger, or export the window again with it.',
        },
      );
    }
    const jaegerUrl = settings.jaeger === null ? undefined : (options.jaegerUrl ?? settings.jaeger);
    const sources = {
      prometheusUrl: options.prometheusUrl ?? settings.prometheus,
      ...(jaegerUrl === undefined ? {} : { jaegerUrl }),
      ...credentialsOf(options),
    };
    const clients = await connect(sources, settings.jaegerApi ?? 'auto', profile, counters, deps.signal);
    return await continueExport(
      {
        writer: opened.writer,
        manifest: opened.manifest,
        settings,
        clients,
        counters,
        chunkSteps,
        started,
        fromStep: opened.completedSteps,
      },
      deps,
    );
  } finally {
    // continueExport closes it too; closing twice is safe, and a failure before it must not leak descriptors.
    opened.writer.close();
  }
}

function credentialsOf(options: ExportCredentials): ExportCredentials {
  return {
    ...(options.prometheusToken === undefined ? {} : { prometheusToken: options.prometheusToken }),
    ...(options.jaegerToken === undefined ? {} : { jaegerToken: options.jaegerToken }),
  };
}

async function connect(
  sources: MonitoringAddresses,
  jaegerApi: JaegerApiChoice,
  profile: ExportClients['profile'],
  counters: Counters,
  signal: AbortSignal | undefined,
): Promise<ExportClients> {
  return connectMonitoring(sources, profile, {
    jaegerApi,
    onPrometheusRequest: () => (counters.prometheusRequests += 1),
    // Jaeger's own services (jaeger-query, jaeger-all-in-one) trace the UI, not the benchmark.
    traceServices: (names) => names.filter((name) => !name.startsWith('jaeger')),
    signal,
  });
}

interface Continuation {
  writer: RunWriter;
  manifest: RunManifest;
  settings: ExportSettings;
  clients: ExportClients;
  counters: Counters;
  chunkSteps: number;
  started: number;
  fromStep: number;
}

async function continueExport(run: Continuation, deps: ExportDeps): Promise<ExportResult> {
  const { writer, manifest, clients } = run;
  const onProgress = deps.onProgress ?? ignoreProgress;
  const services: readonly ServiceRow[] = writer.services;
  const known = new Set(services.map((service) => service.msName));
  const jaeger =
    clients.jaeger === undefined
      ? undefined
      : { ...clients.jaeger, services: clients.jaeger.services.filter((name) => known.has(name)) };
  const chunkClients: ExportClients = { ...clients, ...(jaeger === undefined ? {} : { jaeger }) };
  const context = {
    startTime: new Date(manifest.startTime),
    stepSeconds: manifest.stepSeconds,
    namespace: run.settings.namespace,
    samples: manifest.samples,
    services,
    ...(deps.signal === undefined ? {} : { signal: deps.signal }),
  };
  const totals = { callRows: 0, traces: 0, jaegerQueries: 0, cpu: 0, gpu: 0, memory: 0 };
  const edges = new Set<string>();
  const warnings: string[] = [];
  let status: RunStatus = 'running';
  try {
    writer.setStatus('running');
    for (let from = run.fromStep; from < manifest.samples; from += run.chunkSteps) {
      if (deps.signal?.aborted) break;
      const to = Math.min(manifest.samples, from + run.chunkSteps);
      const chunk = await collectChunk(chunkClients, context, from, to);
      for (const step of chunk.steps) {
        writer.appendStep(step);
        for (const row of step.metrics) {
          totals.cpu += row.cpuUtilization === null ? 1 : 0;
          totals.gpu += row.gpuUtilization === null ? 1 : 0;
          totals.memory += row.memoryBytes === null ? 1 : 0;
        }
        for (const call of step.calls) edges.add(`${call.umId}>${call.dmId}`);
        totals.callRows += step.calls.length;
      }
      totals.traces += chunk.traces;
      totals.jaegerQueries += chunk.jaegerQueries;
      warnings.push(...chunk.warnings);
      onProgress({
        phase: 'export',
        done: to,
        total: manifest.samples,
        message: `step ${to}/${manifest.samples}`,
      });
    }
    status = writer.completedSteps >= manifest.samples ? 'complete' : 'interrupted';
    writer.setStatus(status);
  } catch (error) {
    status = deps.signal?.aborted ? 'interrupted' : 'failed';
    try {
      writer.setStatus(status);
    } catch {
      // The original error matters more than a failure to record it.
    }
    if (status === 'failed') throw error;
  } finally {
    writer.close();
  }
  return {
    runDir: writer.dir,
    id: manifest.id,
    benchmark: manifest.benchmark,
    cluster: 'kubernetes',
    namespace: run.settings.namespace,
    prometheus: run.settings.prometheus,
    jaeger: run.settings.jaeger,
    jaegerApi: run.settings.jaegerApi,
    status,
    startTime: manifest.startTime,
    stepSeconds: manifest.stepSeconds,
    samples: manifest.samples,
    steps: writer.completedSteps,
    services: services.length,
    gpuServices: services.filter((service) => service.kind === 'gpu').length,
    callRows: totals.callRows,
    edges: edges.size,
    traces: totals.traces,
    missing: { cpu: totals.cpu, gpu: totals.gpu, memory: totals.memory },
    prometheusRequests: run.counters.prometheusRequests,
    jaegerQueries: totals.jaegerQueries,
    warnings: [...new Set(warnings)],
    resumedFromStep: run.fromStep > 0 ? run.fromStep : null,
    wallSeconds: ((deps.now ?? performance.now.bind(performance))() - run.started) / 1000,
  };
}

function compactTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}
