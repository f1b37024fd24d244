// Keeps the served forecast current: reads the input window every refresh interval in the background and
// runs the model (in its worker thread, see model-runner.ts) only when the window changed. Refreshes run one after another (the next is scheduled when
// the last has finished), so the model never runs concurrently with itself, and requests only ever read the
// last snapshot. A refresh that fails (Prometheus down, a run directory mid-repair, a timeout) leaves the
// last good forecast in place marked stale; the next one that succeeds clears the mark.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ModelCard } from '../model/model-card.js';
import { buildSnapshot, type ForecastSnapshot } from './forecast-snapshot.js';
import type { InputWindow } from './input-window.js';
import { HistogramSeries, REFRESH_BUCKETS } from './metric-series.js';
import type { ModelRunner } from './model-runner.js';
import type { WindowSource } from './window-source.js';

export type ForecastStatus = 'waiting' | 'fresh' | 'stale';

export interface RefreshCounts {
  /** The window changed and the model ran. */
  ok: number;
  /** The source had nothing new: the forecast stands, confirmed current. */
  unchanged: number;
  failed: number;
}

export interface ForecastState {
  status: ForecastStatus;
  snapshot: ForecastSnapshot | null;
  /** Last successful refresh, Unix milliseconds. */
  updatedAtMs: number | null;
  /** Why the last refresh failed; null after a success. */
  lastError: string | null;
  refreshes: RefreshCounts;
}

export interface RefreshEvent {
  /** notice: something the operator should know once (e.g. where the model runs). */
  kind: 'updated' | 'failed' | 'recovered' | 'notice';
  message: string;
}

export interface RefresherOptions {
  source: WindowSource;
  card: Pick<ModelCard, 'services' | 'targets' | 'config' | 'stepSeconds'>;
  runner: Pick<ModelRunner, 'forecast'>;
  refreshMs: number;
  /** Deadline of one refresh (source read and inference). */
  timeoutMs: number;
  /** Wall clock, Unix milliseconds. */
  now?: () => number;
  onEvent?: (event: RefreshEvent) => void;
}

export class ForecastRefresher {
  readonly durations = new HistogramSeries(
    'rescape_forecast_refresh_duration_seconds',
    'Time spent per refresh phase: reading the input window (read) and running the model (inference)',
    REFRESH_BUCKETS,
  );
  private current: ForecastState = {
    status: 'waiting',
    snapshot: null,
    updatedAtMs: null,
    lastError: null,
    refreshes: { ok: 0, unchanged: 0, failed: 0 },
  };
  private lastWindow: InputWindow | null = null;
  private readonly stopper = new AbortController();
  private loop: Promise<void> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: RefresherOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): ForecastState {
    return this.current;
  }

  /** Refreshes now, then every refreshMs after the start of the previous refresh (or at once if it overran). */
  start(): void {
    this.loop ??= this.run();
  }

  /** Cancels the refresh in flight and waits for the loop to end. */
  async stop(): Promise<void> {
    this.stopper.abort(new Error('serve is shutting down'));
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopper.signal.aborted) {
      const started = performance.now();
      await this.refresh();
      const wait = Math.max(0, this.options.refreshMs - (performance.now() - started));
      try {
        await sleep(wait, undefined, { signal: this.stopper.signal });
      } catch {
        return; // stopped
      }
    }
  }

  private async refresh(): Promise<void> {
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    const signal = AbortSignal.any([this.stopper.signal, deadline]);
    try {
      const readStarted = performance.now();
      const window = await this.options.source.read(signal);
      this.durations.observe({ phase: 'read' }, (performance.now() - readStarted) / 1000);
      if (window === 'unchanged' || sameWindow(window, this.lastWindow)) {
        this.succeed('unchanged', this.current.snapshot);
        return;
      }
      const inferenceStarted = performance.now();
      const forecast = await this.options.runner.forecast(window.values, signal);
      this.durations.observe({ phase: 'inference' }, (performance.now() - inferenceStarted) / 1000);
      this.lastWindow = window;
      this.succeed('ok', buildSnapshot(this.options.card, window, forecast, this.now()));
    } catch (error) {
      if (this.stopper.signal.aborted) return;
      const message = deadline.aborted
        ? `the refresh did not finish within ${this.options.timeoutMs / 1000} s`
        : error instanceof Error
          ? error.message
          : String(error);
      this.fail(message);
    }
  }

  private succeed(kind: 'ok' | 'unchanged', snapshot: ForecastSnapshot | null): void {
    const was = this.current;
    const refreshes = { ...was.refreshes, [kind]: was.refreshes[kind] + 1 };
    this.current = {
      status: snapshot === null ? 'waiting' : 'fresh',
      snapshot,
      updatedAtMs: this.now(),
      lastError: null,
      refreshes,
    };
    if (was.status === 'stale' || (was.status === 'waiting' && was.lastError !== null)) {
      this.options.onEvent?.({
        kind: 'recovered',
        message: `${this.options.source.info.location} is readable again`,
      });
    }
    if (kind === 'ok' && snapshot !== null) {
      this.options.onEvent?.({
        kind: 'updated',
        message: `forecast from the window ending ${snapshot.observedUntil}`,
      });
    }
  }

  private fail(message: string): void {
    const was = this.current;
    this.current = {
      ...was,
      status: was.snapshot === null ? 'waiting' : 'stale',
      lastError: message,
      refreshes: { ...was.refreshes, failed: was.refreshes.failed + 1 },
    };
    // Logged when the failure starts or changes, not at every interval of a long outage.
    if (message !== was.lastError) this.options.onEvent?.({ kind: 'failed', message });
  }
}

function sameWindow(a: InputWindow, b: InputWindow | null): boolean {
  if (b === null || a.observedUntilMs !== b.observedUntilMs || a.values.length !== b.values.length)
    return false;
  return a.values.every((value, i) => value === b.values[i]);
}
