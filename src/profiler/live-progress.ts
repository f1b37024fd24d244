// Progress of a live profile, as the renderer's one-line messages: elapsed and remaining time, the step's
// concurrency, throughput, p99 and errors, and how far the export has got. Between steps a tick repeats the
// last step's figures with the requests in flight now, so a 30 s step does not look like a hang.
import ms from 'ms';
import type { ProgressListener } from '../core/progress.js';
import type { LoadStep } from '../load/load-session.js';

const PHASE = 'profile';

export class LiveProgress {
  private last = '';
  private measured: number;
  private exported: number;

  constructor(
    private readonly listener: ProgressListener,
    private readonly plan: { samples: number; stepSeconds: number; fromStep: number; exported: number },
    /** Monotonic milliseconds. */
    private readonly clock: () => number,
    private readonly begun = clock(),
  ) {
    this.measured = plan.fromStep;
    this.exported = plan.exported;
  }

  step(step: LoadStep): void {
    const { measure, row } = step;
    this.measured = step.timestamp + 1;
    const rate = measure.seconds > 0 ? measure.requests / measure.seconds : 0;
    const p99 = row.latencyP99Ms === null ? '–' : `${row.latencyP99Ms.toFixed(1)} ms`;
    this.last = `concurrency ${row.concurrency}, ${rate.toFixed(0)} req/s, p99 ${p99}, errors ${measure.errors}`;
    this.emit(this.last);
  }

  tick(inFlight: number): void {
    this.emit(`in flight ${inFlight}${this.last === '' ? '' : ` | last step: ${this.last}`}`);
  }

  exportedSteps(exported: number): void {
    this.exported = exported;
    this.emit(this.last);
  }

  /** The final export waits for the scrape lag of the last steps. */
  waiting(milliseconds: number): void {
    this.emit(
      `waiting ${ms(Math.round(milliseconds))} for Prometheus and Jaeger to see the last steps (Ctrl-C again to quit at once; --resume exports them later)`,
    );
  }

  private emit(detail: string): void {
    const elapsed = this.clock() - this.begun;
    const remaining = Math.max(0, this.plan.samples - this.measured) * this.plan.stepSeconds * 1000;
    this.listener({
      phase: PHASE,
      done: this.measured,
      total: this.plan.samples,
      message: `elapsed ${ms(Math.round(elapsed))}, remaining ${ms(remaining)} | exported ${this.exported}/${this.plan.samples}${detail === '' ? '' : ` | ${detail}`}`,
    });
  }
}
