// What every format reader shares while it reads: the issue log, the metric and call grids, the user's
// column overrides, and row-level checks that turn a bad cell into a counted skip.
import type { CallGrid } from './call-grid.js';
import type { Columns } from './column-map.js';
import type { CsvRow } from './csv-file-reader.js';
import { parseNumber } from './cell-values.js';
import type { ImportIssues, RowAt } from './import-issues.js';
import type { MetricGrid } from './metric-grid.js';
import type { RecentKeys } from './recent-keys.js';

export interface Anomaly {
  service: string;
  kind: string;
  /** Seconds since the Unix epoch. */
  time: number;
}

export interface ImportContext {
  issues: ImportIssues;
  metrics: MetricGrid;
  /** Set once the step is settled, after the metric files are read. */
  calls: CallGrid | undefined;
  columns: Readonly<Record<string, string>>;
  anomalies: Anomaly[];
  rowsRead: number;
  /**
   * Recent (trace, rpc id) keys: an RPC is logged by both sides, and the two records lie close in a
   * time-sorted dump (possibly in consecutive files), so a bounded window finds the repeats.
   */
  seenCalls: RecentKeys;
}

/** Counts a row whose width differs from the header's as skipped; true when the row can be used. */
export function checkWidth(ctx: ImportContext, row: CsvRow, header: CsvRow, file: string): boolean {
  ctx.rowsRead += 1;
  if (row.cells.length === header.cells.length) return true;
  ctx.issues.skip(
    'wrong-column-count',
    { file, line: row.line },
    `expected ${header.cells.length} columns like the header, found ${row.cells.length}`,
  );
  return false;
}

/** The cell of a logical column ('' when the file lacks the column). */
export function cellOf(row: CsvRow, columns: Columns, key: string): string {
  const index = columns.get(key);
  return index === undefined ? '' : (row.cells[index] ?? '');
}

/**
 * A non-negative measurement × scale; null for an empty cell (a missing sample), undefined (and the row
 * counted as skipped) for one that is not a number or is negative.
 */
export function readMeasure(
  ctx: ImportContext,
  text: string,
  column: string,
  scale: number,
  at: RowAt,
): number | null | undefined {
  if (text.trim() === '') return null;
  const value = parseNumber(text);
  if (value === null) {
    ctx.issues.skip('bad-number', at, `${column} is ${JSON.stringify(text)}, not a number`);
    return undefined;
  }
  if (value < 0) {
    ctx.issues.skip('negative-value', at, `${column} is negative (${text})`);
    return undefined;
  }
  return value * scale;
}

/** A timestamp in seconds, or undefined (counted) when it is missing, unreadable or negative. */
export function checkTime(
  ctx: ImportContext,
  time: number | null,
  text: string,
  at: RowAt,
): number | undefined {
  if (time === null) {
    ctx.issues.skip('bad-timestamp', at, `timestamp ${JSON.stringify(text)} cannot be read`);
    return undefined;
  }
  if (time < 0) {
    ctx.issues.skip('negative-timestamp', at, `timestamp ${text} is negative`);
    return undefined;
  }
  return time;
}

/** The row's timestamp cell of `key`, parsed by `parse` and checked (see checkTime). */
export function readTime(
  ctx: ImportContext,
  file: string,
  row: CsvRow,
  columns: Columns,
  key: string,
  parse: (text: string) => number | null,
): number | undefined {
  const text = cellOf(row, columns, key);
  return checkTime(ctx, parse(text), text, { file, line: row.line });
}
