// Compares a file's epoch column with its wall-clock column, row by row, and describes how they disagree:
// a constant offset (Online Boutique's adservice is +200,000,000 s off), rows off that offset, and epoch
// values that repeat where the wall clock does not. The wall clock is the one used.
import type { ClockIssue } from './import-types.js';

/** Differences up to this many seconds are rounding (the epoch column is often the wall clock truncated). */
const TOLERANCE_SECONDS = 2;
/** Distinct offsets tallied; a file whose epoch column is noise stops growing the tally here. */
const MAX_OFFSETS = 1024;

export class EpochCheck {
  private readonly offsets = new Map<number, number>();
  private readonly seen = new Set<number>();
  private repeats = 0;
  private rows = 0;

  constructor(private readonly file: string) {}

  add(wallSeconds: number, epochSeconds: number | null): void {
    if (epochSeconds === null) return;
    this.rows += 1;
    // Epoch columns are usually the wall clock truncated to the second.
    const offset = Math.round(epochSeconds - Math.floor(wallSeconds));
    if (this.offsets.has(offset) || this.offsets.size < MAX_OFFSETS) {
      this.offsets.set(offset, (this.offsets.get(offset) ?? 0) + 1);
    }
    if (this.seen.has(epochSeconds)) this.repeats += 1;
    else this.seen.add(epochSeconds);
  }

  issues(): ClockIssue[] {
    if (this.rows === 0) return [];
    let mode = 0;
    let modeCount = -1;
    for (const [offset, count] of this.offsets) {
      if (count > modeCount) [mode, modeCount] = [offset, count];
    }
    const issues: ClockIssue[] = [];
    const file = this.file;
    const offRows = this.countWhere((offset) => Math.abs(offset) > TOLERANCE_SECONDS);
    if (Math.abs(mode) > TOLERANCE_SECONDS) {
      issues.push({
        file,
        kind: 'epoch-offset',
        rows: offRows,
        offsetSeconds: mode,
        message: `the epoch column is ${mode > 0 ? '+' : ''}${mode} s off the wall-clock column (on ${offRows} of ${this.rows} rows); the wall clock was used`,
      });
    }
    const strays = this.countWhere((offset) => Math.abs(offset - mode) > TOLERANCE_SECONDS);
    if (strays > 0) {
      issues.push({
        file,
        kind: 'epoch-disagrees',
        rows: strays,
        message: `on ${strays} rows the epoch column differs from the wall clock by other amounts than the usual ${mode} s; the wall clock was used`,
      });
    }
    if (this.repeats > 0) {
      issues.push({
        file,
        kind: 'repeated-timestamp',
        rows: this.repeats,
        message: `${this.repeats} epoch values repeat where the wall clock moves on; the wall clock was used`,
      });
    }
    return issues;
  }

  private countWhere(test: (offset: number) => boolean): number {
    let total = 0;
    for (const [offset, count] of this.offsets) if (test(offset)) total += count;
    return total;
  }
}
