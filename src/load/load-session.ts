// A load run, step by step: the drivers keep the load going in the background while each finished step's
// measure waits to be taken with nextStep() (or `for await`). Steps are aligned on the run's schedule time
// (step k covers [k·step, (k+1)·step) seconds), so a session started at `fromStep` continues an interrupted run
// with the same concurrency draws, arrivals and request contents. This is the API a live profile drives; the
// `rescape load` command is one consumer of it.
//
// On abort (SIGINT) or at the end, no new request is sent, the requests in flight are cut off (counted as
// `aborted`) and the current step is measured up to that moment: a partial step after an abort.
import type { ConcurrencyDraw } from '../profiler/concurrency-schedule.js';
import type { LoadRow } from '../dataset/run-format.js';
import { ClosedLoopDriver } from './closed-loop-driver.js';
import type { HttpTransport } from './http-transport.js';
import { LatencyHistogram } from './latency-histogram.js';
import { ClosedLoopPlan, type LoadSchedule } from './load-schedule.js';
import { OpenLoopDriver } from './open-loop-driver.js';
import { RequestIssuer } from './request-issuer.js';
import type { RequestMix } from './request-mix.js';
import { STEP_STREAM, stepRandom } from './seeded-streams.js';
import { StepMeter, type StepMeasure } from './step-meter.js';

export interface LoadSessionOptions {
  schedule: LoadSchedule;
  stepSeconds: number;
  /** Steps of the whole run (timestamps 0..steps-1). */
  steps: number;
  /** First step to run (a resumed run); default 0. */
  fromStep?: number;
  seed: number;
  mix: RequestMix;
  transport: HttpTransport;
  /** Open loop: most requests outstanding before arrivals are dropped. */
  maxInFlight?: number;
  /** Closed loop: a client's pause after a refused connection (ms). */
  errorBackoffMs?: number;
}

export interface LoadSessionDeps {
  signal?: AbortSignal;
  /** Monotonic milliseconds; default performance.now. */
  clock?: () => number;
}

export interface LoadStep {
  timestamp: number;
  /** True for a step cut short by an abort. */
  partial: boolean;
  /** Schedule time of the step's start, seconds from the run's start. */
  startSeconds: number;
  /** The run-format load.csv row. */
  row: LoadRow;
  measure: StepMeasure;
  /** Closed loop: time-weighted mean of the drawn concurrency over the step, and the draws in force. */
  targetConcurrency: number | null;
  draws: ConcurrencyDraw[];
  /** Open loop: the scheduled arrival rate over the step (requests/s). */
  offeredRate: number | null;
}

export type SessionStatus = 'running' | 'complete' | 'interrupted' | 'failed';

/** Time allowed for cut-off requests to report before a step is closed. */
const DRAIN_MS = 2000;

export class LoadSession {
  private readonly clock: () => number;
  private readonly fromStep: number;
  private readonly startWall: number;
  private readonly meter: StepMeter;
  private readonly issuer: RequestIssuer;
  private readonly closed: { plan: ClosedLoopPlan; driver: ClosedLoopDriver } | undefined;
  private readonly open: OpenLoopDriver | undefined;
  /** Latencies of every step, for the run's overall quantiles. */
  readonly total = new LatencyHistogram();
  private step: number;
  private timer: NodeJS.Timeout | undefined;
  private readonly ready: LoadStep[] = [];
  private waiters: { resolve: (step: LoadStep | undefined) => void; reject: (error: unknown) => void }[] = [];
  private state: SessionStatus = 'running';
  private failure: unknown;
  private ending = false;
  private readonly onAbort = (): void => void this.end('interrupted');

  private constructor(
    private readonly options: LoadSessionOptions,
    private readonly deps: LoadSessionDeps,
  ) {
    this.clock = deps.clock ?? (() => performance.now());
    this.fromStep = options.fromStep ?? 0;
    this.step = this.fromStep;
    this.startWall = this.clock();
    this.meter = new StepMeter(this.startWall);
    this.issuer = new RequestIssuer(
      options.mix,
      options.transport,
      this.meter,
      this.clock,
      this.stepStream(STEP_STREAM.requests),
    );
    const schedule = options.schedule;
    if (schedule.mode === 'closed') {
      this.closed = {
        plan: new ClosedLoopPlan(schedule.concurrency, options.seed),
        driver: new ClosedLoopDriver(this.issuer, this.clock, options.errorBackoffMs ?? 100),
      };
    } else {
      this.open = new OpenLoopDriver(
        this.issuer,
        schedule.rates,
        options.maxInFlight ?? 4096,
        this.wallAt,
        this.clock,
      );
    }
  }

  /** Starts the load at once; read the steps with nextStep() or `for await`. */
  static start(options: LoadSessionOptions, deps: LoadSessionDeps = {}): LoadSession {
    const session = new LoadSession(options, deps);
    session.begin();
    return session;
  }

  get status(): SessionStatus {
    return this.state;
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.issuer.inFlight;
  }

  /** The next finished step, or undefined once the run is over and every step was taken. */
  nextStep(): Promise<LoadStep | undefined> {
    const step = this.ready.shift();
    if (step !== undefined) return Promise.resolve(step);
    if (this.state === 'failed') return Promise.reject(this.failure);
    if (this.state !== 'running') return Promise.resolve(undefined);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<LoadStep> {
    for (let step = await this.nextStep(); step !== undefined; step = await this.nextStep()) yield step;
  }

  /** Stops the run as an interruption (the same as aborting the signal). */
  stop(): Promise<void> {
    return this.end('interrupted');
  }

  private readonly wallAt = (scheduleSeconds: number): number =>
    this.startWall + (scheduleSeconds - this.fromStep * this.options.stepSeconds) * 1000;

  private scheduleAt(wallMs: number): number {
    return this.fromStep * this.options.stepSeconds + (wallMs - this.startWall) / 1000;
  }

  private stepStream(purpose: number) {
    return stepRandom(this.options.seed, purpose, this.step);
  }

  private begin(): void {
    if (this.deps.signal?.aborted) {
      this.state = 'interrupted';
      return;
    }
    this.deps.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.beginStep();
    this.arm();
  }

  private beginStep(): void {
    const startSeconds = this.step * this.options.stepSeconds;
    this.issuer.random = this.stepStream(STEP_STREAM.requests);
    this.closed?.driver.setTarget(this.closed.plan.at(startSeconds));
    this.open?.beginStep(startSeconds, this.stepStream(STEP_STREAM.arrivals));
  }

  private stepEndSeconds(): number {
    return (this.step + 1) * this.options.stepSeconds;
  }

  private arm(): void {
    const now = this.clock();
    let due = this.wallAt(this.stepEndSeconds());
    if (this.closed !== undefined)
      due = Math.min(due, this.wallAt(this.closed.plan.nextRedrawAfter(this.scheduleAt(now))));
    this.timer = setTimeout(this.tick, Math.max(0, due - now));
  }

  private readonly tick = (): void => {
    try {
      const now = this.clock();
      const stepEnd = this.stepEndSeconds();
      const at = Math.min(this.scheduleAt(now), stepEnd);
      // A redraw inside the step (redraw shorter than the step); one at the step's end is applied by beginStep.
      if (this.closed !== undefined && at < stepEnd) this.closed.driver.setTarget(this.closed.plan.at(at));
      if (now < this.wallAt(stepEnd)) {
        this.arm();
        return;
      }
      this.open?.sendDue(this.wallAt(stepEnd));
      if (this.step + 1 >= this.options.steps) {
        void this.end('complete');
        return;
      }
      this.publish(this.measureStep(this.wallAt(stepEnd), false));
      this.step += 1;
      this.beginStep();
      this.arm();
    } catch (error) {
      this.fail(error);
    }
  };

  private measureStep(endWall: number, partial: boolean): LoadStep {
    const startSeconds = this.step * this.options.stepSeconds;
    const endSeconds = Math.max(startSeconds, Math.min(this.scheduleAt(endWall), this.stepEndSeconds()));
    const measure = this.meter.finish(Math.max(endWall, this.wallAt(startSeconds)), this.total);
    const plan = this.closed?.plan;
    const targetConcurrency = plan === undefined ? null : plan.meanOver(startSeconds, endSeconds);
    const rates = this.options.schedule.mode === 'open' ? this.options.schedule.rates : undefined;
    const span = endSeconds - startSeconds;
    return {
      timestamp: this.step,
      partial,
      startSeconds,
      row: {
        timestamp: this.step,
        concurrency: Math.round(targetConcurrency ?? measure.inFlightMean),
        requests: measure.requests,
        errors: measure.errors,
        latencyP50Ms: measure.latency?.p50Ms ?? null,
        latencyP99Ms: measure.latency?.p99Ms ?? null,
      },
      measure,
      targetConcurrency,
      draws: plan === undefined ? [] : plan.drawsOver(startSeconds, endSeconds),
      offeredRate:
        rates === undefined ? null : span > 0 ? rates.expectedArrivals(startSeconds, endSeconds) / span : 0,
    };
  }

  /** Stops sending, cuts off what is in flight, and publishes the last step (partial when interrupted). */
  private async end(status: 'complete' | 'interrupted'): Promise<void> {
    if (this.ending || this.state !== 'running') return;
    this.ending = true;
    clearTimeout(this.timer);
    this.deps.signal?.removeEventListener('abort', this.onAbort);
    const endWall = status === 'complete' ? this.wallAt(this.stepEndSeconds()) : this.clock();
    this.closed?.driver.stop();
    this.open?.stop();
    this.options.transport.abortAll();
    await this.issuer.whenIdle(DRAIN_MS);
    try {
      this.publish(this.measureStep(Math.max(endWall, this.clock()), status === 'interrupted'));
      this.state = status;
      this.settleWaiters();
    } catch (error) {
      this.fail(error);
    }
  }

  private publish(step: LoadStep): void {
    const waiter = this.waiters.shift();
    if (waiter === undefined) this.ready.push(step);
    else waiter.resolve(step);
  }

  private settleWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      if (this.state === 'failed') waiter.reject(this.failure);
      else waiter.resolve(undefined);
    }
  }

  private fail(error: unknown): void {
    clearTimeout(this.timer);
    this.closed?.driver.stop();
    this.open?.stop();
    this.options.transport.abortAll();
    this.deps.signal?.removeEventListener('abort', this.onAbort);
    this.failure = error;
    this.state = 'failed';
    this.settleWaiters();
  }
}
