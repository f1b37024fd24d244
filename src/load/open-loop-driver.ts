// The open loop: requests sent at Poisson arrival times whatever the server does, each timed from its
// scheduled arrival. Arrivals are drawn per step from the step's own stream, so a resumed run sends what the
// uninterrupted one would have. An arrival that finds --max-in-flight requests outstanding is counted as
// dropped rather than queued, which keeps memory bounded when the target stops answering.
import type { Random } from '../core/random.js';
import { PoissonArrivals } from './poisson-arrivals.js';
import type { RateSchedule } from './rate-schedule.js';
import type { RequestIssuer } from './request-issuer.js';

export class OpenLoopDriver {
  private arrivals: PoissonArrivals | undefined;
  private nextArrival = Infinity;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly issuer: RequestIssuer,
    private readonly rates: RateSchedule,
    private readonly maxInFlight: number,
    /** Wall-clock ms of a schedule time (seconds from the run's start). */
    private readonly wallAt: (scheduleSeconds: number) => number,
    private readonly clock: () => number,
  ) {}

  /** Starts the arrivals of a step at `fromSeconds` (schedule time), dropping any left from the previous step. */
  beginStep(fromSeconds: number, random: Random): void {
    this.arrivals = new PoissonArrivals(this.rates, random, fromSeconds);
    this.nextArrival = this.arrivals.next();
    this.plan();
  }

  /** Sends every arrival scheduled before `untilMs` (wall clock). */
  sendDue(untilMs: number): void {
    while (!this.stopped && this.nextArrival !== Infinity) {
      const intended = this.wallAt(this.nextArrival);
      if (intended > untilMs) break;
      if (this.issuer.inFlight >= this.maxInFlight) this.issuer.meter.dropped();
      else this.issuer.issue(intended);
      this.nextArrival = (this.arrivals as PoissonArrivals).next();
    }
  }

  private plan(): void {
    clearTimeout(this.timer);
    if (this.stopped || this.nextArrival === Infinity) return;
    this.timer = setTimeout(this.fire, Math.max(0, this.wallAt(this.nextArrival) - this.clock()));
  }

  private readonly fire = (): void => {
    this.sendDue(this.clock());
    this.plan();
  };

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
