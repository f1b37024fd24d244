// `rescape load`: drives a benchmark's front end with the closed-loop concurrency schedule or an open-loop rate
// schedule, writing one row per step to load.csv and load-detail.csv, and returns the run's record.
import fs from 'node:fs';
import { join } from 'node:path';
import ms from 'ms';
import { UsageError } from '../core/errors.js';
import { ignoreProgress, type ProgressListener } from '../core/progress.js';
import type { ConcurrencyDraw } from '../profiler/concurrency-schedule.js';
import { EndpointServer } from '../sim/http-endpoints.js';
import { loadMix } from './builtin-mixes.js';
import type { ErrorCounts } from './error-kinds.js';
import type { HttpTransport } from './http-transport.js';
import { LatencyHistogram, type LatencySummary } from './latency-histogram.js';
import { LOAD_FILES, LoadFiles } from './load-files.js';
import {
  checkLoadOptions,
  type CheckedLoadOptions,
  type HttpClient,
  type LoadOptions,
} from './load-options.js';
import { ClosedLoopPlan, type LoadSchedule } from './load-schedule.js';
import { findLoadResumePoint } from './load-resume.js';
import { LoadSession, type LoadStep } from './load-session.js';
import { readLoadSettings } from './load-settings.js';
import { addStep, emptyTotals, type LoadTotals } from './load-totals.js';
import { RequestMix } from './request-mix.js';
import { createTransport } from './transport-factory.js';

export interface LoadDeps {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Wall clock (ms since the epoch), for the run's name. */
  now?: () => number;
}

export interface LoadResult {
  outDir: string;
  target: string;
  benchmark: string;
  mix: { name: string; source: string | null; file: string; requests: { name: string; share: number }[] };
  mode: 'closed' | 'open';
  /** Closed loop: the concurrency range and redraw period; null in the open loop. */
  load: { min: number; max: number; redrawSeconds: number } | null;
  /** Open loop: the rate schedule; null in the closed loop. */
  rateSchedule: string | null;
  seed: number;
  stepSeconds: number;
  /** Steps planned and steps written, over every part of a resumed run (the last may be partial when interrupted). */
  samples: number;
  steps: number;
  status: 'complete' | 'interrupted';
  requests: number;
  errors: number;
  errorsByKind: ErrorCounts;
  statusCounts: Record<string, number>;
  aborted: number;
  requestsPerSecond: number;
  latency: LatencySummary | null;
  /** Closed loop: every concurrency drawn during the run, with the time it took effect. */
  draws: ConcurrencyDraw[];
  httpClient: HttpClient;
  /** Wall-clock seconds of this invocation (a resumed run's own part). */
  wallSeconds: number;
  /** The step this invocation continued the run at (`--resume`); null for a run started afresh. */
  resumedFromStep: number | null;
  files: { settings: string; load: string; detail: string; latency: string; result: string };
}

export async function runLoad(options: LoadOptions, deps: LoadDeps = {}): Promise<LoadResult> {
  const checked = checkLoadOptions(options);
  const mix = RequestMix.compile(loadMix(checked.benchmark, checked.mixFile));
  const startedAt = (deps.now ?? Date.now)();
  const outDir =
    checked.out ??
    join('runs', `load-${checked.benchmark}-${compactTimestamp(new Date(startedAt))}-s${checked.seed}`);
  const files = LoadFiles.create(outDir, { ...options, out: outDir }, startedAt);
  const start = { fromStep: null, totals: emptyTotals(), latencies: new LatencyHistogram() };
  return drive({ ...checked, out: outDir }, mix, files, start, deps);
}

/**
 * Continues the interrupted run in `outDir` from its last complete step, with the settings it recorded: the same
 * seed, so the concurrency draws, arrivals and request contents go on as the uninterrupted run's would have.
 */
export async function resumeLoad(outDir: string, deps: LoadDeps = {}): Promise<LoadResult> {
  if (!fs.existsSync(outDir))
    throw new UsageError(`--resume: ${outDir} does not exist`, {
      suggestion: 'Give the --out directory of the interrupted `rescape load` run.',
    });
  const checked = readLoadSettings(join(outDir, LOAD_FILES.settings), outDir);
  const mix = RequestMix.compile(loadMix(checked.benchmark, checked.mixFile));
  const point = findLoadResumePoint({
    load: join(outDir, LOAD_FILES.load),
    detail: join(outDir, LOAD_FILES.detail),
    latency: join(outDir, LOAD_FILES.latency),
  });
  if (point.completedSteps >= checked.steps)
    throw new UsageError(`--resume: ${outDir} is complete (all ${checked.steps} steps were measured)`, {
      suggestion: 'Nothing to resume; start a new run with another --out.',
    });
  const files = LoadFiles.reopen(outDir, point.lengths);
  const start = { fromStep: point.completedSteps, totals: point.totals, latencies: point.latencies };
  return drive({ ...checked, out: outDir }, mix, files, start, deps);
}

interface StartingPoint {
  /** The step a resumed run continues at; null for a new run. */
  fromStep: number | null;
  /** What the steps before it measured. */
  totals: LoadTotals;
  latencies: LatencyHistogram;
}

async function drive(
  checked: CheckedLoadOptions & { out: string },
  mix: RequestMix,
  files: LoadFiles,
  start: StartingPoint,
  deps: LoadDeps,
): Promise<LoadResult> {
  const fromStep = start.fromStep ?? 0;
  const totals = start.totals;
  let server: EndpointServer | undefined;
  let transport: HttpTransport | undefined;
  let session: LoadSession | undefined;
  try {
    server =
      checked.targetUrl === 'sim'
        ? await EndpointServer.start({ benchmark: checked.benchmark, seed: checked.seed })
        : undefined;
    const target = server === undefined ? (checked.targetUrl as URL) : new URL(server.url);
    transport = transportFor(checked, target);
    const begun = performance.now();
    session = LoadSession.start(
      {
        schedule: schedule(checked),
        stepSeconds: checked.stepSeconds,
        steps: checked.steps,
        fromStep,
        seed: checked.seed,
        mix,
        transport,
        maxInFlight: checked.maxInFlight,
      },
      deps.signal === undefined ? {} : { signal: deps.signal },
    );
    const progress = new LoadProgress(deps.onProgress ?? ignoreProgress, checked, begun, fromStep);
    const ticker = setInterval(() => progress.tick(totals.steps, session?.inFlight ?? 0), 2000);
    try {
      for await (const step of session) {
        files.append(step);
        addStep(totals, step);
        progress.step(totals.steps, step);
      }
    } finally {
      clearInterval(ticker);
    }
    start.latencies.add(session.total);
    const result = buildResult(checked, mix, session, totals, {
      outDir: checked.out,
      target: server === undefined ? target.href : `${target.href} (simulated ${checked.benchmark})`,
      files: {
        settings: files.path('settings'),
        load: files.path('load'),
        detail: files.path('detail'),
        latency: files.path('latency'),
        result: files.path('result'),
      },
      wallSeconds: (performance.now() - begun) / 1000,
      latency: start.latencies.summary(),
      resumedFromStep: start.fromStep,
    });
    files.writeResult(result);
    return result;
  } finally {
    if (session !== undefined && session.status === 'running') await session.stop();
    transport?.close();
    files.close();
    await server?.stop();
  }
}

function transportFor(checked: CheckedLoadOptions, target: URL): HttpTransport {
  const maxSockets = checked.mode.kind === 'closed' ? checked.mode.max : checked.maxInFlight;
  return createTransport(checked.httpClient, target, {
    maxSockets,
    timeoutMs: checked.timeoutSeconds * 1000,
  });
}

function schedule(checked: CheckedLoadOptions): LoadSchedule {
  if (checked.mode.kind === 'open')
    return { mode: 'open', rates: checked.rates as NonNullable<CheckedLoadOptions['rates']> };
  const { min, max, redrawSeconds } = checked.mode;
  return { mode: 'closed', concurrency: { min, max, redrawSeconds } };
}

function buildResult(
  checked: CheckedLoadOptions,
  mix: RequestMix,
  session: LoadSession,
  totals: LoadTotals,
  where: Pick<LoadResult, 'outDir' | 'target' | 'files' | 'wallSeconds' | 'latency' | 'resumedFromStep'>,
): LoadResult {
  const mode = checked.mode;
  const draws =
    mode.kind === 'closed' && totals.steps > 0
      ? new ClosedLoopPlan(
          { min: mode.min, max: mode.max, redrawSeconds: mode.redrawSeconds },
          checked.seed,
        ).drawsOver(0, Math.min(checked.durationSeconds, totals.seconds))
      : [];
  return {
    outDir: where.outDir,
    target: where.target,
    benchmark: checked.benchmark,
    mix: {
      name: mix.name,
      source: mix.source ?? null,
      file: checked.mixFile ?? `manifests/load-mixes/${checked.benchmark}.yaml`,
      requests: mix.types.map((type) => ({ ...type })),
    },
    mode: mode.kind,
    load: mode.kind === 'closed' ? { min: mode.min, max: mode.max, redrawSeconds: mode.redrawSeconds } : null,
    rateSchedule: checked.rates?.toString() ?? null,
    seed: checked.seed,
    stepSeconds: checked.stepSeconds,
    samples: checked.steps,
    steps: totals.steps,
    status: session.status === 'complete' ? 'complete' : 'interrupted',
    requests: totals.requests,
    errors: totals.errors,
    errorsByKind: totals.errorsByKind,
    statusCounts: totals.statusCounts,
    aborted: totals.aborted,
    requestsPerSecond: totals.seconds > 0 ? totals.requests / totals.seconds : 0,
    latency: where.latency,
    draws,
    httpClient: checked.httpClient,
    wallSeconds: where.wallSeconds,
    resumedFromStep: where.resumedFromStep,
    files: where.files,
  };
}

/** Progress lines: elapsed and remaining time, the step's concurrency, throughput, p99 and errors. */
class LoadProgress {
  private last = '';

  constructor(
    private readonly listener: ProgressListener,
    private readonly checked: CheckedLoadOptions,
    private readonly begun: number,
    /** Steps already measured before this invocation (a resumed run). */
    private readonly fromStep: number,
  ) {}

  private timing(): string {
    const elapsed = performance.now() - this.begun;
    const left = this.checked.durationSeconds - this.fromStep * this.checked.stepSeconds;
    const remaining = Math.max(0, left * 1000 - elapsed);
    return `elapsed ${ms(Math.round(elapsed))}, remaining ${ms(Math.round(remaining))}`;
  }

  step(done: number, step: LoadStep): void {
    const { measure, row } = step;
    const rate = measure.seconds > 0 ? measure.requests / measure.seconds : 0;
    const p99 = row.latencyP99Ms === null ? '–' : `${row.latencyP99Ms.toFixed(1)} ms`;
    this.last = `concurrency ${row.concurrency}, ${rate.toFixed(0)} req/s, p99 ${p99}, errors ${measure.errors}`;
    this.listener({
      phase: 'load',
      done,
      total: this.checked.steps,
      message: `${this.timing()} | ${this.last}`,
    });
  }

  tick(done: number, inFlight: number): void {
    const last = this.last === '' ? '' : ` | last step: ${this.last}`;
    this.listener({
      phase: 'load',
      done,
      total: this.checked.steps,
      message: `${this.timing()}, in flight ${inFlight}${last}`,
    });
  }
}

function compactTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}
