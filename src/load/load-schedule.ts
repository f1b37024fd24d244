// What drives the load: a closed loop of clients whose number is drawn uniformly in [min, max] and re-drawn
// every redrawSeconds (RESCAPE's schedule, composed from ConcurrencySchedule), or an open loop of Poisson
// arrivals at a rate schedule.
import {
  ConcurrencySchedule,
  type ConcurrencyDraw,
  type ConcurrencySettings,
} from '../profiler/concurrency-schedule.js';
import type { RateSchedule } from './rate-schedule.js';
import { concurrencyRandom } from './seeded-streams.js';

export type LoadSchedule =
  { mode: 'closed'; concurrency: ConcurrencySettings } | { mode: 'open'; rates: RateSchedule };

/** The closed-loop schedule of one seed: the concurrency in force at any time, and the draws for the record. */
export class ClosedLoopPlan {
  private readonly schedule: ConcurrencySchedule;

  constructor(
    readonly settings: ConcurrencySettings,
    seed: number,
  ) {
    this.schedule = new ConcurrencySchedule(settings, concurrencyRandom(seed));
  }

  /** The drawn concurrency in force at `seconds` from the start of the run. */
  at(seconds: number): number {
    return this.schedule.at(seconds);
  }

  /** Start of the redraw period after the one holding `seconds`. */
  nextRedrawAfter(seconds: number): number {
    return (Math.floor(seconds / this.settings.redrawSeconds) + 1) * this.settings.redrawSeconds;
  }

  meanOver(fromSeconds: number, toSeconds: number): number {
    return toSeconds > fromSeconds ? this.schedule.meanOver(fromSeconds, toSeconds) : this.at(fromSeconds);
  }

  /** Every draw in force at some time within [from, to), including the one already in force at `from`. */
  drawsOver(fromSeconds: number, toSeconds: number): ConcurrencyDraw[] {
    const redraw = this.settings.redrawSeconds;
    const first = Math.floor(fromSeconds / redraw) * redraw;
    return this.schedule.drawsWithin(first, Math.max(toSeconds, first + redraw / 2));
  }
}
