// `rescape load`: drives a benchmark's front end with the closed-loop concurrency schedule or an open-loop rate
// schedule, writing one row per step to load.csv and load-detail.csv, and returns the run's record.
import { join } from 'node:path';
import ms from 'ms';
import { ignoreProgress, type ProgressListener } from '../core/progress.js';
import type { ConcurrencyDraw } from '../profiler/concurrency-schedule.js';
import { EndpointServer } from '../sim/http-endpoints.js';
import { createAxiosTransport } from './axios-transport.js';
import { loadMix } from './builtin-mixes.js';
import { emptyErrorCounts, type ErrorCounts } from './error-kinds.js';
import { createNodeHttpTransport, type HttpTransport } from './http-transport.js';
import type { LatencySummary } from './latency-histogram.js';
import { LoadFiles } from './load-files.js';
import {
  checkLoadOptions,
  type CheckedLoadOptions,
  type HttpClient,
  type LoadOptions,
} from './load-options.js';
import { ClosedLoopPlan, type LoadSchedule } from './load-schedule.js';
import { LoadSession, type LoadStep } from './load-session.js';
import { RequestMix } from './request-mix.js';

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
  /** Steps planned and steps written (the last may be partial when interrupted). */
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
  wallSeconds: number;
  files: { load: string; detail: string; result: string };
}

interface Totals {
  requests: number;
  errors: number;
  errorsByKind: ErrorCounts;
  statusCounts: Record<string, number>;
  aborted: number;
  seconds: number;
  steps: number;
}

export async function runLoad(options: LoadOptions, deps: LoadDeps = {}): Promise<LoadResult> {
  const checked = checkLoadOptions(options);
  const mix = RequestMix.compile(loadMix(checked.benchmark, checked.mixFile));
  const startedAt = (deps.now ?? Date.now)();
  const outDir =
    checked.out ??
    join('runs', `load-${checked.benchmark}-${compactTimestamp(new Date(startedAt))}-s${checked.seed}`);
  const files = LoadFiles.create(outDir);
  const server =
    checked.targetUrl === 'sim'
      ? await EndpointServer.start({ benchmark: checked.benchmark, seed: checked.seed })
      : undefined;
  const target = server === undefined ? (checked.targetUrl as URL) : new URL(server.url);
  const transport = createTransport(checked, target);
  const totals: Totals = {
    requests: 0,
    errors: 0,
    errorsByKind: emptyErrorCounts(),
    statusCounts: {},
    aborted: 0,
    seconds: 0,
    steps: 0,
  };
  const begun = performance.now();
  let session: LoadSession | undefined;
  try {
    session = LoadSession.start(
      {
        schedule: schedule(checked),
        stepSeconds: checked.stepSeconds,
        steps: checked.steps,
        seed: checked.seed,
        mix,
        transport,
        maxInFlight: checked.maxInFlight,
      },
      deps.signal === undefined ? {} : { signal: deps.signal },
    );
    const progress = new LoadProgress(deps.onProgress ?? ignoreProgress, checked, begun);
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
    const result = buildResult(checked, mix, session, totals, {
      outDir,
      target: server === undefined ? target.href : `${target.href} (simulated ${checked.benchmark})`,
      files: { load: files.path('load'), detail: files.path('detail'), result: files.path('result') },
      wallSeconds: (performance.now() - begun) / 1000,
    });
    files.writeResult(result);
    return result;
  } finally {
    if (session !== undefined && session.status === 'running') await session.stop();
    transport.close();
    files.close();
    await server?.stop();
  }
}

function createTransport(checked: CheckedLoadOptions, target: URL): HttpTransport {
  const maxSockets = checked.mode.kind === 'closed' ? checked.mode.max : checked.maxInFlight;
  const settings = { maxSockets, timeoutMs: checked.timeoutSeconds * 1000 };
  return checked.httpClient === 'axios'
    ? createAxiosTransport(target, settings)
    : createNodeHttpTransport(target, settings);
}

function schedule(checked: CheckedLoadOptions): LoadSchedule {
  if (checked.mode.kind === 'open')
    return { mode: 'open', rates: checked.rates as NonNullable<CheckedLoadOptions['rates']> };
  const { min, max, redrawSeconds } = checked.mode;
  return { mode: 'closed', concurrency: { min, max, redrawSeconds } };
}

function addStep(totals: Totals, step: LoadStep): void {
  const { measure } = step;
  totals.steps += 1;
  totals.requests += measure.requests;
  totals.errors += measure.errors;
  totals.aborted += measure.aborted;
  totals.seconds += measure.seconds;
  for (const [kind, count] of Object.entries(measure.errorsByKind))
    totals.errorsByKind[kind as keyof ErrorCounts] += count;
  for (const [status, count] of Object.entries(measure.statusCounts))
    totals.statusCounts[status] = (totals.statusCounts[status] ?? 0) + count;
}

function buildResult(
  checked: CheckedLoadOptions,
  mix: RequestMix,
  session: LoadSession,
  totals: Totals,
  where: Pick<LoadResult, 'outDir' | 'target' | 'files' | 'wallSeconds'>,
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
    latency: session.total.summary(),
    draws,
    httpClient: checked.httpClient,
    wallSeconds: where.wallSeconds,
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
  ) {}

  private timing(): string {
    const elapsed = performance.now() - this.begun;
    const remaining = Math.max(0, this.checked.durationSeconds * 1000 - elapsed);
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
