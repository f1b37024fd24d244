// Poisson arrivals following a piecewise-constant rate schedule. Each gap is exponential at the rate in force;
// a gap that crosses into the next window is redrawn from the window's start at its rate, which is exact for a
// Poisson process (it is memoryless).
import type { Random } from '../core/random.js';
import type { RateSchedule } from './rate-schedule.js';

export class PoissonArrivals {
  private cursor: number;

  /** Arrivals after `fromSeconds` (schedule time), drawn from `random`. */
  constructor(
    private readonly schedule: RateSchedule,
    private readonly random: Random,
    fromSeconds: number,
  ) {
    this.cursor = fromSeconds;
  }

  /** Schedule time of the next arrival; Infinity once the schedule has no more traffic. */
  next(): number {
    let at = this.cursor;
    for (;;) {
      const segment = this.schedule.segmentAt(at);
      if (segment === undefined) return Infinity;
      if (segment.rate > 0) {
        const candidate = at + this.random.exponential(1 / segment.rate);
        if (candidate < segment.toSeconds) {
          this.cursor = candidate;
          return candidate;
        }
      }
      at = segment.toSeconds;
    }
  }
}
