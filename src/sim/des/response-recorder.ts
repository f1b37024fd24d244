// Response times of finished requests, kept at four resolutions with HdrHistogram (values in microseconds,
// 3 significant digits): the whole run, the current timeline bucket, the current metrics step, and a sliding
// SLO window made of per-tick histograms (the window is the sum of its last ticks, kept by adding the newest
// tick and subtracting the one that falls out).
//
// For the SLO a failed request counts as infinitely slow (recorded as FAILED_MICROS), so a window where more
// than 5 % of requests fail violates a p95 objective however fast the rest are.
import { build, type Histogram } from 'hdr-histogram-js';

/** One hour: how a failed request is counted in the SLO window. */
const FAILED_MICROS = 3_600_000_000;

function histogram(digits: 2 | 3): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: FAILED_MICROS * 2,
    numberOfSignificantValueDigits: digits,
    autoResize: true,
  });
}

export interface ResponseSummary {
  /** Requests answered, requests failed, requests sent. */
  completed: number;
  failed: number;
  issued: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** Counts and latency of one window (a bucket or a step). */
class Window {
  readonly histogram = histogram(3);
  sumSeconds = 0;
  completed = 0;
  failed = 0;
  issued = 0;

  record(micros: number, seconds: number): void {
    this.histogram.recordValue(micros);
    this.sumSeconds += seconds;
    this.completed += 1;
  }

  summary(): ResponseSummary {
    const empty = this.completed === 0;
    return {
      completed: this.completed,
      failed: this.failed,
      issued: this.issued,
      meanMs: empty ? 0 : (this.sumSeconds / this.completed) * 1000,
      p50Ms: empty ? 0 : this.histogram.getValueAtPercentile(50) / 1000,
      p95Ms: empty ? 0 : this.histogram.getValueAtPercentile(95) / 1000,
      p99Ms: empty ? 0 : this.histogram.getValueAtPercentile(99) / 1000,
    };
  }

  reset(): void {
    this.histogram.reset();
    this.sumSeconds = 0;
    this.completed = 0;
    this.failed = 0;
    this.issued = 0;
  }
}

export class ResponseRecorder {
  private readonly total = new Window();
  private readonly bucket = new Window();
  private readonly step = new Window();
  private readonly ticks: Histogram[];
  private readonly window = histogram(2);
  private tick = 0;

  constructor(
    windowTicks: number,
    private readonly sloMicros: number,
  ) {
    this.ticks = Array.from({ length: Math.max(1, windowTicks) }, () => histogram(2));
  }

  issued(): void {
    this.total.issued += 1;
    this.bucket.issued += 1;
    this.step.issued += 1;
  }

  finished(responseSeconds: number, ok: boolean): void {
    const current = this.ticks[this.tick % this.ticks.length] as Histogram;
    if (!ok) {
      this.total.failed += 1;
      this.bucket.failed += 1;
      this.step.failed += 1;
      current.recordValue(FAILED_MICROS);
      return;
    }
    const micros = Math.max(1, Math.round(responseSeconds * 1e6));
    this.total.record(micros, responseSeconds);
    this.bucket.record(micros, responseSeconds);
    this.step.record(micros, responseSeconds);
    current.recordValue(micros);
  }

  /**
   * Ends a tick and says whether the SLO held over the window of the last `windowTicks` ticks: its p95 is
   * within the objective, or — nothing finished in it — nothing was waiting either.
   */
  closeTick(inFlight: number): boolean {
    const slot = this.tick % this.ticks.length;
    this.window.add(this.ticks[slot] as Histogram);
    const met =
      this.window.totalCount === 0 ? inFlight === 0 : this.window.getValueAtPercentile(95) <= this.sloMicros;
    this.tick += 1;
    if (this.tick >= this.ticks.length) {
      const leaving = this.ticks[this.tick % this.ticks.length] as Histogram;
      this.window.subtract(leaving);
      leaving.reset();
    }
    return met;
  }

  closeBucket(): ResponseSummary {
    const summary = this.bucket.summary();
    this.bucket.reset();
    return summary;
  }

  closeStep(): ResponseSummary {
    const summary = this.step.summary();
    this.step.reset();
    return summary;
  }

  summary(): ResponseSummary {
    return this.total.summary();
  }
}
