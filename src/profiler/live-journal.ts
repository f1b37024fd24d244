// The live profile's record of the load it measured: load-detail.csv in the run directory (the columns
// `rescape load` writes: p90, max, errors by kind, in-flight counts), one fsynced row per step as soon as the
// step ends. A step's metrics and traces can only be exported once Prometheus and Jaeger have seen it, minutes
// later, and only then does the run writer append the step to ms_metric.csv, ms_callgraph.csv and load.csv.
// This file bridges the gap: after a crash or kill -9, --resume finds here the steps that were measured but
// not yet exported, exports them from the monitoring history and continues the load after them, so nothing
// measured is lost or measured twice. Partial steps (cut short by Ctrl-C) are never written: they are measured
// again in full by the resume.
import fs from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../core/errors.js';
import { parseDecimal, parseInteger } from '../dataset/csv-cells.js';
import { checkColumnCount, checkHeader, parseCsvRecords, stringifyRows } from '../dataset/csv-table.js';
import { readRunBuffer, writeAll } from '../dataset/run-file-io.js';
import type { LoadRow } from '../dataset/run-format.js';
import { LOAD_DETAIL_COLUMNS, formatDetailRow } from '../load/load-files.js';
import type { LoadStep } from '../load/load-session.js';

export const JOURNAL_FILE = 'load-detail.csv';

const COLUMN = Object.fromEntries(LOAD_DETAIL_COLUMNS.map((name, index) => [name, index])) as Record<
  (typeof LOAD_DETAIL_COLUMNS)[number],
  number
>;

export class LoadJournal {
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly fd: number,
  ) {}

  /** Creates the journal in a run directory the run writer has just created. */
  static create(dir: string): LoadJournal {
    const file = join(dir, JOURNAL_FILE);
    const fd = fs.openSync(file, 'wx');
    writeAll(fd, Buffer.from(stringifyRows([LOAD_DETAIL_COLUMNS])));
    fs.fsyncSync(fd);
    return new LoadJournal(file, fd);
  }

  /**
   * Reopens the journal of an interrupted run: cuts a line left half-written by a kill, checks that the steps
   * run from 0 without a gap, and returns the load row of every step it holds.
   */
  static openForResume(dir: string): { journal: LoadJournal; rows: LoadRow[] } {
    const file = join(dir, JOURNAL_FILE);
    const buffer = readRunBuffer(file);
    const complete = buffer.subarray(0, buffer.lastIndexOf(0x0a) + 1);
    const [header, ...records] = parseCsvRecords(complete.toString('utf8'), file);
    checkHeader(header, LOAD_DETAIL_COLUMNS, file);
    const rows = records.map((record, index) => {
      checkColumnCount(record, LOAD_DETAIL_COLUMNS, file);
      const row = loadRowOf(record.cells, { file, line: record.line });
      if (row.timestamp !== index) {
        throw new DataError(
          `expected step ${index}, found ${row.timestamp}`,
          { file, line: record.line, field: 'timestamp' },
          { suggestion: 'The journal is damaged; the run cannot be resumed. Start a new run.' },
        );
      }
      return row;
    });
    const fd = fs.openSync(file, 'r+');
    if (fs.fstatSync(fd).size > complete.length) {
      fs.ftruncateSync(fd, complete.length);
      fs.fsyncSync(fd);
    }
    fs.closeSync(fd);
    return { journal: new LoadJournal(file, fs.openSync(file, 'a')), rows };
  }

  /** Appends a finished step and makes it durable before the caller goes on. */
  append(step: LoadStep): void {
    writeAll(this.fd, Buffer.from(stringifyRows([formatDetailRow(step, this.file)])));
    fs.fsyncSync(this.fd);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
  }
}

/** load.csv's row of a step, rebuilt from its detail row the way the load session builds it. */
function loadRowOf(cells: readonly string[], at: { file: string; line: number }): LoadRow {
  const cell = (name: keyof typeof COLUMN): string => cells[COLUMN[name]] ?? '';
  const target = parseDecimal(cell('target_concurrency'), 'target_concurrency', at, true);
  const inFlight = parseDecimal(cell('in_flight_mean'), 'in_flight_mean', at, false) ?? 0;
  return {
    timestamp: parseInteger(cell('timestamp'), 'timestamp', at),
    concurrency: Math.round(target ?? inFlight),
    requests: parseInteger(cell('requests'), 'requests', at),
    errors: parseInteger(cell('errors'), 'errors', at),
    latencyP50Ms: parseDecimal(cell('latency_p50_ms'), 'latency_p50_ms', at, true),
    latencyP99Ms: parseDecimal(cell('latency_p99_ms'), 'latency_p99_ms', at, true),
  };
}
