// Step continuity of ms_metric.csv: exactly one row per service per step, steps 0..k-1 contiguous and in
// order (rows within a step in any order). Shared by the reader and by resume, which must agree on it.
import { DataError } from '../core/errors.js';
import type { ServiceRow } from './run-format.js';

const SUGGESTION =
  'ms_metric.csv must hold one row per service for every step 0..k-1, in step order; if the run was killed, ' +
  '`rescape profile --resume` repairs its tail.';

export class MetricStepTracker {
  /** The step whose rows are being read. */
  private current = 0;
  private readonly seen = new Set<number>();
  private rows = 0;

  constructor(
    private readonly services: readonly ServiceRow[],
    private readonly file: string,
  ) {}

  /** Number of steps whose rows are all present (0..completeSteps-1). */
  get completeSteps(): number {
    return this.seen.size === this.services.length ? this.current + 1 : this.current;
  }

  /** Takes the next row (ms_id already checked against services.csv); throws at the first discontinuity. */
  accept(timestamp: number, msId: number, line: number): void {
    const at = { file: this.file, line, field: 'timestamp' };
    if (this.rows === 0 && timestamp !== 0) {
      throw new DataError(`the first step must have timestamp 0, found ${timestamp}`, at, {
        suggestion: SUGGESTION,
      });
    }
    if (timestamp < this.current) {
      throw new DataError(`timestamp goes backwards from ${this.current} to ${timestamp}`, at, {
        suggestion: SUGGESTION,
      });
    }
    if (timestamp > this.current) {
      this.checkStepComplete(line);
      if (timestamp > this.current + 1) {
        throw new DataError(
          `timestamp skips from ${this.current} to ${timestamp} (step ${this.current + 1} is missing)`,
          at,
          {
            suggestion: SUGGESTION,
          },
        );
      }
      this.current = timestamp;
      this.seen.clear();
    } else if (this.seen.has(msId)) {
      const name = this.services[msId]?.msName ?? String(msId);
      throw new DataError(
        `duplicate row for timestamp ${timestamp} and ms_id ${msId} (${name})`,
        { ...at, field: 'ms_id' },
        {
          suggestion: 'Each service has exactly one row per step; remove the duplicate.',
        },
      );
    }
    this.seen.add(msId);
    this.rows += 1;
  }

  /** Ends the table; throws if its last step lacks services. Returns the number of steps. */
  finish(lastLine: number): number {
    if (this.rows > 0) this.checkStepComplete(lastLine);
    return this.completeSteps;
  }

  private checkStepComplete(line: number): void {
    if (this.seen.size === this.services.length) return;
    const missing = this.services
      .filter((service) => !this.seen.has(service.msId))
      .map((service) => service.msName);
    const listed = missing.length > 5 ? `${missing.slice(0, 5).join(', ')}, …` : missing.join(', ');
    throw new DataError(
      `step ${this.current} has rows for ${this.seen.size} of ${this.services.length} services (missing: ${listed})`,
      { file: this.file, line, field: 'ms_name' },
      { suggestion: SUGGESTION },
    );
  }
}
