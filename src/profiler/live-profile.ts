// `rescape profile --cluster kubernetes`: deploys the benchmark (or uses what is deployed), finds its front end,
// and drives the randomized-concurrency load at it step by step (LoadSession), journaling each finished step's
// load (live-journal.ts); every --export-every it exports the metrics and traces of the steps Prometheus and
// Jaeger have had time to see (live-export.ts) and appends them, whole, to the run directory; at the end a final
// export waits out the scrape lag and takes the rest. Ctrl-C stops the load (the cut-short step is dropped),
// exports what was measured and marks the run interrupted. --resume cuts the run files and the journal to
// their last complete step, exports the steps measured but not exported before the stop, and continues the
// schedule at the next step in a new segment (live-segments.ts): same seed, same draws, no step faked or twice.
// --build builds the benchmark's images before the deploy (live-build.ts); a failed build stops the profile
// before anything is applied or written.
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DataError } from '../core/errors.js';
import { ignoreProgress, type ProgressListener } from '../core/progress.js';
import { toolVersion } from '../core/version.js';
import {
  RUN_FILES,
  RUN_FORMAT,
  type LoadRow,
  type RunManifest,
  type RunStatus,
} from '../dataset/run-format.js';
import { RunWriter } from '../dataset/run-writer.js';
import { numberServices } from '../dataset/run-services.js';
import { loadMix } from '../load/builtin-mixes.js';
import { createTransport, DEFAULT_HTTP_CLIENT } from '../load/transport-factory.js';
import { LoadSession } from '../load/load-session.js';
import { RequestMix } from '../load/request-mix.js';
import { getTopology } from '../sim/topologies/index.js';
import type { BenchmarkName } from '../sim/topology-types.js';
import type { BuiltImage } from '../cluster/kaniko-build.js';
import { checkDeployableBenchmark } from '../cluster/manifest-set.js';
import { planLiveBuild } from './live-build.js';
import { LiveExporter } from './live-export.js';
import { LoadJournal } from './live-journal.js';
import {
  liveSettings,
  liveSettingsOf,
  targetUrl,
  validateLiveOptions,
  type LiveProfileOptions,
  type LiveResumeOptions,
  type LiveSettings,
} from './live-options.js';
import { LiveProgress } from './live-progress.js';
import { withSegment } from './live-segments.js';
import { connectLiveSources, type LiveSources } from './live-sources.js';
import { chooseTarget } from './live-target.js';
import { loadMetricsProfile } from './metrics-profile.js';

export interface LiveDeps {
  signal: AbortSignal;
  onProgress?: ProgressListener;
  /** Wall clock (ms since the epoch) and monotonic milliseconds; injectable for tests. */
  now?: () => number;
  clock?: () => number;
}

export interface LiveProfileResult {
  runDir: string;
  id: string;
  benchmark: string;
  cluster: 'kubernetes';
  namespace: string;
  context: string | null;
  /** The front end the load went to, and how it was found (ingress, load-balancer, node-port, or flag). */
  target: string;
  targetVia: string;
  /** Whether the run deployed the benchmark (false: --use-deployed). */
  deployed: boolean;
  /** The images --build built before the deploy (empty without --build, and on --resume). */
  images: BuiltImage[];
  prometheus: string;
  jaeger: string | null;
  status: RunStatus;
  stepSeconds: number;
  samples: number;
  /** Steps in the run files, and steps whose load was measured (load-detail.csv). */
  steps: number;
  measuredSteps: number;
  services: number;
  /** What this invocation exported and sent. */
  edges: number;
  callRows: number;
  traces: number;
  missing: { cpu: number; gpu: number; memory: number };
  requests: number;
  errors: number;
  latencyP99Ms: number | null;
  prometheusRequests: number;
  warnings: string[];
  /** The step the load continued from on --resume (null for a fresh run). */
  resumedFromStep: number | null;
  /** Steps measured before the stop but exported only by this resume. */
  recoveredSteps: number;
  /** Measuring segments so far (1 + resumes that measured something). */
  segments: number;
  wallSeconds: number;
}

interface LiveRun {
  writer: RunWriter;
  journal: LoadJournal;
  settings: LiveSettings;
  sources: LiveSources;
  mix: RequestMix;
  target: URL;
  /** Steps measured but not exported (a resume after a kill). */
  pending: LoadRow[];
  fromStep: number;
  resumed: boolean;
  images: BuiltImage[];
}

export async function profileLive(options: LiveProfileOptions, deps: LiveDeps): Promise<LiveProfileResult> {
  const samples = validateLiveOptions(options);
  const profile = loadMetricsProfile(options.metricsProfile);
  const mix = RequestMix.compile(loadMix(options.benchmark));
  const services = topologyServices(options.benchmark);
  const build =
    options.build === undefined
      ? undefined
      : planLiveBuild(options.build, {
          benchmark: checkDeployableBenchmark(options.benchmark),
          namespace: options.namespace,
          ...(options.registry === undefined ? {} : { registry: options.registry }),
        });
  const registry = build?.registry ?? options.registry;
  const chosen = await chooseTarget(
    {
      benchmark: options.benchmark,
      namespace: options.namespace,
      kubeconfig: options.kubeconfig,
      deploy: !options.useDeployed,
      deployTimeoutSeconds: options.deployTimeoutSeconds,
      ...(registry === undefined ? {} : { registry }),
      ...(options.target === undefined ? {} : { target: targetUrl(options.target) }),
      ...(build === undefined ? {} : { build }),
    },
    deps,
  );
  const sources = await connectLiveSources(options, profile, services, deps.signal);
  const startTime = new Date((deps.now ?? Date.now)());
  const id = `${options.benchmark}-${startTime.toISOString().replace(/[-:]|\.\d+/g, '')}-s${options.seed}`;
  const settings = liveSettings(options, chosen, sources.clients.jaeger?.client.api ?? null);
  const manifest: RunManifest = {
    format: RUN_FORMAT,
    id,
    benchmark: options.benchmark,
    cluster: { kind: 'kubernetes', ...settings },
    startTime: startTime.toISOString(),
    stepSeconds: options.stepSeconds,
    samples,
    seed: options.seed,
    load: options.load,
    status: 'running',
    toolVersion,
  };
  // A live step costs a step of measurement: every appended step is fsynced.
  const writer = RunWriter.create(options.out ?? join('runs', id), manifest, services);
  let journal: LoadJournal;
  try {
    journal = LoadJournal.create(writer.dir);
  } catch (error) {
    writer.close();
    throw error;
  }
  const run = { writer, journal, settings, sources, mix, target: chosen.url };
  return measure({ ...run, pending: [], fromStep: 0, resumed: false, images: chosen.built }, deps);
}

export async function resumeLive(options: LiveResumeOptions, deps: LiveDeps): Promise<LiveProfileResult> {
  const opened = RunWriter.openForResume(options.runDir);
  let journal: LoadJournal | undefined;
  try {
    const { manifest, completedSteps } = opened;
    const settings = liveSettingsOf(manifest, join(options.runDir, RUN_FILES.manifest));
    const benchmark = manifest.benchmark as BenchmarkName;
    const mix = RequestMix.compile(loadMix(benchmark));
    const recovered = LoadJournal.openForResume(options.runDir);
    journal = recovered.journal;
    if (recovered.rows.length < completedSteps) {
      throw new DataError(
        `the journal holds ${recovered.rows.length} measured steps, fewer than the ${completedSteps} in load.csv`,
        { file: recovered.journal.file },
        { suggestion: 'The run directory is damaged; it cannot be resumed. Start a new run.' },
      );
    }
    const target =
      options.target !== undefined
        ? { url: targetUrl(options.target), via: 'flag' }
        : settings.targetVia === 'flag'
          ? { url: new URL(settings.target), via: 'flag' }
          : await rediscover(manifest, settings, options, deps);
    const profile = loadMetricsProfile(settings.metricsProfile ?? undefined);
    const jaegerUrl = settings.jaeger === null ? undefined : (options.jaegerUrl ?? settings.jaeger);
    const sources = await connectLiveSources(
      {
        prometheusUrl: options.prometheusUrl ?? settings.prometheus,
        ...(jaegerUrl === undefined ? {} : { jaegerUrl }),
        jaegerApi: settings.jaegerApi ?? 'auto',
        ...(options.prometheusToken === undefined ? {} : { prometheusToken: options.prometheusToken }),
        ...(options.jaegerToken === undefined ? {} : { jaegerToken: options.jaegerToken }),
      },
      profile,
      opened.writer.services,
      deps.signal,
    );
    return await measure(
      {
        writer: opened.writer,
        journal,
        settings: { ...settings, target: target.url.href, targetVia: target.via },
        sources,
        mix,
        target: target.url,
        pending: recovered.rows.slice(completedSteps),
        fromStep: recovered.rows.length,
        resumed: true,
        images: [],
      },
      deps,
    );
  } finally {
    // measure closes both; closing twice is safe, and a failure before it must not leak descriptors.
    opened.writer.close();
    journal?.close();
  }
}

/** The front end found again (a NodePort or address may have changed while the run was stopped). */
async function rediscover(
  manifest: RunManifest,
  settings: LiveSettings,
  options: LiveResumeOptions,
  deps: LiveDeps,
): Promise<{ url: URL; via: string }> {
  const context = options.kubeconfig.context ?? settings.context ?? undefined;
  const chosen = await chooseTarget(
    {
      benchmark: manifest.benchmark as BenchmarkName,
      namespace: settings.namespace,
      kubeconfig: { ...options.kubeconfig, ...(context === undefined ? {} : { context }) },
      deploy: false,
      deployTimeoutSeconds: 0,
    },
    deps,
  );
  return { url: chosen.url, via: chosen.via };
}

async function measure(run: LiveRun, deps: LiveDeps): Promise<LiveProfileResult> {
  const { writer, journal, settings } = run;
  const manifest = writer.manifest;
  const now = deps.now ?? Date.now;
  const clock = deps.clock ?? (() => performance.now());
  const begun = clock();
  const measuring = run.fromStep < manifest.samples;
  const segments = measuring
    ? withSegment(settings.segments, run.fromStep, new Date(now()))
    : settings.segments;
  const exporter = new LiveExporter(writer, run.sources.clients, segments, {
    namespace: settings.namespace,
    stepSeconds: manifest.stepSeconds,
    samples: manifest.samples,
    lagMs: settings.scrapeLagSeconds * 1000,
  });
  for (const row of run.pending) exporter.add(row);
  const progress = new LiveProgress(
    deps.onProgress ?? ignoreProgress,
    { ...manifest, fromStep: run.fromStep, exported: writer.completedSteps },
    clock,
  );
  const tally = { requests: 0, errors: 0, measured: run.fromStep, latencyP99Ms: null as number | null };
  let status: RunStatus = 'running';
  try {
    // The segment is on disk before its first step is measured, so every journaled step has a known time.
    writer.updateManifest({ status, cluster: { ...manifest.cluster, ...settings, segments } });
    if (measuring) await driveLoad(run, exporter, progress, tally, deps);
    // The last steps need the scrape lag before their metrics are complete; a second Ctrl-C quits at once.
    const wait = exporter.waitForAll(now());
    if (wait > 0) {
      progress.waiting(wait);
      await delay(wait);
    }
    await exporter.exportReady(now());
    progress.exportedSteps(exporter.exported);
    status = writer.completedSteps >= manifest.samples ? 'complete' : 'interrupted';
    writer.setStatus(status);
  } catch (error) {
    markFailed(writer);
    throw error;
  } finally {
    writer.close();
    journal.close();
  }
  const totals = exporter.totals;
  return {
    runDir: writer.dir,
    id: manifest.id,
    benchmark: manifest.benchmark,
    cluster: 'kubernetes',
    namespace: settings.namespace,
    context: settings.context,
    target: run.target.href,
    targetVia: settings.targetVia,
    deployed: settings.deployed,
    images: run.images,
    prometheus: settings.prometheus,
    jaeger: settings.jaeger,
    status,
    stepSeconds: manifest.stepSeconds,
    samples: manifest.samples,
    steps: writer.completedSteps,
    measuredSteps: tally.measured,
    services: writer.services.length,
    edges: totals.edges.size,
    callRows: totals.callRows,
    traces: totals.traces,
    missing: totals.missing,
    requests: tally.requests,
    errors: tally.errors,
    latencyP99Ms: tally.latencyP99Ms,
    prometheusRequests: run.sources.prometheusRequests(),
    warnings: [...totals.warnings],
    resumedFromStep: run.resumed ? run.fromStep : null,
    recoveredSteps: run.resumed ? run.pending.length : 0,
    segments: segments.length,
    wallSeconds: (clock() - begun) / 1000,
  };
}

/** Runs the load from run.fromStep to the end or an interruption, exporting every --export-every. */
async function driveLoad(
  run: LiveRun,
  exporter: LiveExporter,
  progress: LiveProgress,
  tally: { requests: number; errors: number; measured: number; latencyP99Ms: number | null },
  deps: LiveDeps,
): Promise<void> {
  const manifest = run.writer.manifest;
  const now = deps.now ?? Date.now;
  const clock = deps.clock ?? (() => performance.now());
  // The load generator's default client (undici): the least CPU per request, so the load is the target's limit.
  const transport = createTransport(DEFAULT_HTTP_CLIENT, run.target, {
    maxSockets: manifest.load.max,
    timeoutMs: run.settings.requestTimeoutSeconds * 1000,
  });
  const session = LoadSession.start(
    {
      schedule: { mode: 'closed', concurrency: manifest.load },
      stepSeconds: manifest.stepSeconds,
      steps: manifest.samples,
      fromStep: run.fromStep,
      seed: manifest.seed ?? 0,
      mix: run.mix,
      transport,
    },
    { signal: deps.signal, clock },
  );
  const ticker = setInterval(() => progress.tick(session.inFlight), 2000);
  let lastExport = clock();
  try {
    for await (const step of session) {
      // A step cut short by Ctrl-C is not a measurement of the step: --resume measures it again in full.
      if (step.partial) continue;
      run.journal.append(step);
      exporter.add(step.row);
      tally.measured = step.timestamp + 1;
      tally.requests += step.measure.requests;
      tally.errors += step.measure.errors;
      progress.step(step);
      if (clock() - lastExport >= run.settings.exportEverySeconds * 1000) {
        lastExport = clock();
        await exportBetweenSteps(exporter, now(), deps.signal);
        progress.exportedSteps(exporter.exported);
      }
    }
    tally.latencyP99Ms = session.total.summary()?.p99Ms ?? null;
  } finally {
    clearInterval(ticker);
    if (session.status === 'running') await session.stop();
    transport.close();
  }
}

/**
 * An export between steps that fails (Prometheus restarting, Ctrl-C during the query) writes nothing and is
 * tried again at the next one: the steps stay measured in the journal, and the final export must succeed.
 */
async function exportBetweenSteps(exporter: LiveExporter, nowMs: number, signal: AbortSignal): Promise<void> {
  try {
    await exporter.exportReady(nowMs, signal);
  } catch (error) {
    if (signal.aborted) return;
    exporter.totals.warnings.add(
      `an export between steps failed and is retried: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Records a failure in run.json; failing to record it must not hide the error itself. */
function markFailed(writer: RunWriter): void {
  try {
    writer.setStatus('failed');
  } catch {
    // The original error matters more.
  }
}

function topologyServices(benchmark: BenchmarkName) {
  return numberServices(
    getTopology(benchmark).services.map((service) => ({
      msName: service.name,
      kind: service.kind,
      replicas: service.replicas,
    })),
  );
}
