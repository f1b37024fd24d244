// Everything an import works around: rows skipped (counted by reason, the first of each kept as an example)
// and clock issues. In strict mode a skip is a DataError instead, naming the file and line.
import { DataError } from '../../core/errors.js';
import type { ClockIssue, SkipExample } from './import-types.js';

export interface RowAt {
  file: string;
  line: number;
}

export class ImportIssues {
  readonly skipped = new Map<string, number>();
  readonly examples: SkipExample[] = [];
  readonly clockIssues: ClockIssue[] = [];

  constructor(private readonly strict: boolean) {}

  /** Counts a skipped row; `detail` says what was wrong with it (with the actual value). */
  skip(reason: string, at: RowAt, detail: string): void {
    if (this.strict) {
      throw new DataError(
        `${detail} (${reason})`,
        { file: at.file, line: at.line },
        {
          suggestion: 'Fix or remove the line, or import without --strict to skip such rows and count them.',
        },
      );
    }
    const count = this.skipped.get(reason) ?? 0;
    if (count === 0) this.examples.push({ reason, file: at.file, line: at.line, detail });
    this.skipped.set(reason, count + 1);
  }

  clock(issue: ClockIssue): void {
    this.clockIssues.push(issue);
  }

  skippedRecord(): Record<string, number> {
    return Object.fromEntries([...this.skipped].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
