// What one step measured: completed requests, latency quantiles, errors by kind and HTTP status, and how
// many requests were in flight. Memory is fixed: counters, one histogram and a status map bounded by the
// number of distinct status codes; nothing is kept per request.
import { emptyErrorCounts, type ErrorCounts, type ErrorKind } from './error-kinds.js';
import { LatencyHistogram, type LatencySummary } from './latency-histogram.js';

export interface StepMeasure {
  /** Wall-clock length of the step in seconds (shorter for a partial step). */
  seconds: number;
  /** Requests that ended in the step: answered, failed or (open loop) dropped. */
  requests: number;
  /** Answers with status < 400. */
  ok: number;
  errors: number;
  errorsByKind: ErrorCounts;
  /** Count of each HTTP status answered, by code. */
  statusCounts: Record<string, number>;
  latency: LatencySummary | null;
  /** The step's latencies as an HDR histogram (LatencyHistogram.encode()), for the latency log. */
  latencyHistogram: string;
  /** Time-averaged and highest number of requests in flight. */
  inFlightMean: number;
  inFlightMax: number;
  /** Requests cut off unanswered when the run ended or was interrupted; not counted in requests. */
  aborted: number;
}

export class StepMeter {
  readonly histogram = new LatencyHistogram();
  private requests = 0;
  private ok = 0;
  private errors = 0;
  private errorsByKind = emptyErrorCounts();
  private statusCounts = new Map<number, number>();
  private aborted = 0;
  private inFlight = 0;
  private inFlightMax = 0;
  private inFlightArea = 0;
  private lastChangeMs: number;
  private startMs: number;

  constructor(startMs: number) {
    this.startMs = startMs;
    this.lastChangeMs = startMs;
  }

  get inFlightNow(): number {
    return this.inFlight;
  }

  private moveInFlight(delta: number, nowMs: number): void {
    this.inFlightArea += this.inFlight * (nowMs - this.lastChangeMs);
    this.lastChangeMs = nowMs;
    this.inFlight += delta;
    if (this.inFlight > this.inFlightMax) this.inFlightMax = this.inFlight;
  }

  sent(nowMs: number): void {
    this.moveInFlight(1, nowMs);
  }

  /** An HTTP answer; its latency counts whatever the status. */
  answered(status: number, latencyMs: number, errorKind: ErrorKind | undefined, nowMs: number): void {
    this.moveInFlight(-1, nowMs);
    this.requests += 1;
    this.histogram.recordMs(latencyMs);
    this.statusCounts.set(status, (this.statusCounts.get(status) ?? 0) + 1);
    if (errorKind === undefined) this.ok += 1;
    else this.countError(errorKind);
  }

  /**
   * A request that got no answer. A timeout's latency (at least the timeout) is recorded, so a server that stops
   * answering shows in the quantiles; a refused or reset connection has no latency to speak of.
   */
  failed(kind: ErrorKind, latencyMs: number | undefined, nowMs: number): void {
    this.moveInFlight(-1, nowMs);
    this.requests += 1;
    if (latencyMs !== undefined) this.histogram.recordMs(latencyMs);
    this.countError(kind);
  }

  /** Open loop: an arrival not sent because too many requests were outstanding. */
  dropped(): void {
    this.requests += 1;
    this.countError('dropped');
  }

  abortedInFlight(nowMs: number): void {
    this.moveInFlight(-1, nowMs);
    this.aborted += 1;
  }

  private countError(kind: ErrorKind): void {
    this.errors += 1;
    this.errorsByKind[kind] += 1;
  }

  /**
   * The step's measure up to `endMs`; then starts the next step there, keeping the requests in flight. The
   * step's latencies are added to `total` first, when given (a run's overall quantiles).
   */
  finish(endMs: number, total?: LatencyHistogram): StepMeasure {
    this.moveInFlight(0, endMs);
    const seconds = (endMs - this.startMs) / 1000;
    const measure: StepMeasure = {
      seconds,
      requests: this.requests,
      ok: this.ok,
      errors: this.errors,
      errorsByKind: this.errorsByKind,
      statusCounts: Object.fromEntries(
        [...this.statusCounts].sort(([a], [b]) => a - b).map(([status, count]) => [String(status), count]),
      ),
      latency: this.histogram.summary(),
      latencyHistogram: this.histogram.encode(),
      inFlightMean: seconds > 0 ? this.inFlightArea / (endMs - this.startMs) : this.inFlight,
      inFlightMax: this.inFlightMax,
      aborted: this.aborted,
    };
    total?.add(this.histogram);
    this.histogram.reset();
    this.requests = 0;
    this.ok = 0;
    this.errors = 0;
    this.errorsByKind = emptyErrorCounts();
    this.statusCounts = new Map();
    this.aborted = 0;
    this.inFlightArea = 0;
    this.inFlightMax = this.inFlight;
    this.startMs = endMs;
    return measure;
  }
}
