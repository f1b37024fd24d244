// RESCAPE's load: a client concurrency drawn uniformly at random in [min, max] (integers), re-drawn
// every `redrawSeconds`. The same schedule drives the simulated cluster and the real load generator.
import type { Random } from '../core/random.js';

export interface ConcurrencySettings {
  min: number;
  max: number;
  redrawSeconds: number;
}

export interface ConcurrencyDraw {
  /** Seconds from the start of the run at which this concurrency takes effect. */
  atSeconds: number;
  concurrency: number;
}

export class ConcurrencySchedule {
  private readonly draws: number[] = [];

  constructor(
    readonly settings: ConcurrencySettings,
    private readonly random: Random,
  ) {}

  /** The concurrency in force at `seconds` from the start. Draws are made in order, so any query order works. */
  at(seconds: number): number {
    const index = Math.floor(seconds / this.settings.redrawSeconds);
    while (this.draws.length <= index) this.draws.push(this.random.int(this.settings.min, this.settings.max));
    return this.draws[index] as number;
  }

  /** Time-weighted mean concurrency over [fromSeconds, toSeconds): a step may span several draws. */
  meanOver(fromSeconds: number, toSeconds: number): number {
    const redraw = this.settings.redrawSeconds;
    let weighted = 0;
    let cursor = fromSeconds;
    while (cursor < toSeconds) {
      const boundary = Math.min(toSeconds, (Math.floor(cursor / redraw) + 1) * redraw);
      weighted += this.at(cursor) * (boundary - cursor);
      cursor = boundary;
    }
    return weighted / (toSeconds - fromSeconds);
  }

  /** The draws that take effect within [fromSeconds, toSeconds), for the record. */
  drawsWithin(fromSeconds: number, toSeconds: number): ConcurrencyDraw[] {
    const redraw = this.settings.redrawSeconds;
    const draws: ConcurrencyDraw[] = [];
    for (let index = Math.ceil(fromSeconds / redraw); index * redraw < toSeconds; index += 1) {
      draws.push({ atSeconds: index * redraw, concurrency: this.at(index * redraw) });
    }
    return draws;
  }
}
