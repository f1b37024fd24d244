// The files `rescape load` writes, one row per step as the run goes: load.csv in the run directory's format
// (LOAD_COLUMNS, so a live profile can copy it as is) and load-detail.csv with what that format has no column
// for (p90, max, errors by kind, in-flight counts, partial steps); load-result.json, the --json record, at the
// end. The detail row goes first and load.csv's row last, as the run writer does, and both are fsynced: a
// step with a load.csv row is complete on disk.
import fs from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UsageError } from '../core/errors.js';
import { MILLISECOND_DIGITS, formatDecimal, formatInteger } from '../dataset/csv-cells.js';
import { stringifyRows } from '../dataset/csv-table.js';
import { fsyncDirectory, writeAll } from '../dataset/run-file-io.js';
import { LOAD_COLUMNS } from '../dataset/run-format.js';
import { formatLoadRow } from '../dataset/run-rows.js';
import type { LoadStep } from './load-session.js';

export const LOAD_FILES = {
  load: 'load.csv',
  detail: 'load-detail.csv',
  result: 'load-result.json',
} as const;

export const LOAD_DETAIL_COLUMNS = [
  'timestamp',
  'partial',
  'seconds',
  'target_concurrency',
  'offered_rate',
  'in_flight_mean',
  'in_flight_max',
  'requests',
  'ok',
  'errors',
  'latency_p50_ms',
  'latency_p90_ms',
  'latency_p99_ms',
  'latency_max_ms',
  'errors_http_4xx',
  'errors_http_5xx',
  'errors_timeout',
  'errors_connection_refused',
  'errors_connection_reset',
  'errors_other',
  'dropped',
  'aborted',
] as const;

export function formatDetailRow(step: LoadStep, file: string): string[] {
  const at = { file };
  const { measure } = step;
  const int = (value: number, column: string): string => formatInteger(value, column, at);
  const decimal = (value: number | null, column: string): string =>
    formatDecimal(value, MILLISECOND_DIGITS, column, at);
  const kinds = measure.errorsByKind;
  return [
    int(step.timestamp, 'timestamp'),
    step.partial ? '1' : '0',
    decimal(measure.seconds, 'seconds'),
    decimal(step.targetConcurrency, 'target_concurrency'),
    decimal(step.offeredRate, 'offered_rate'),
    decimal(measure.inFlightMean, 'in_flight_mean'),
    int(measure.inFlightMax, 'in_flight_max'),
    int(measure.requests, 'requests'),
    int(measure.ok, 'ok'),
    int(measure.errors, 'errors'),
    decimal(measure.latency?.p50Ms ?? null, 'latency_p50_ms'),
    decimal(measure.latency?.p90Ms ?? null, 'latency_p90_ms'),
    decimal(measure.latency?.p99Ms ?? null, 'latency_p99_ms'),
    decimal(measure.latency?.maxMs ?? null, 'latency_max_ms'),
    int(kinds['http-4xx'], 'errors_http_4xx'),
    int(kinds['http-5xx'], 'errors_http_5xx'),
    int(kinds.timeout, 'errors_timeout'),
    int(kinds['connection-refused'], 'errors_connection_refused'),
    int(kinds['connection-reset'], 'errors_connection_reset'),
    int(kinds.other, 'errors_other'),
    int(kinds.dropped, 'dropped'),
    int(measure.aborted, 'aborted'),
  ];
}

export class LoadFiles {
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly loadFd: number,
    private readonly detailFd: number,
  ) {}

  /** Creates the directory and both CSVs with their headers; refuses a directory that holds anything. */
  static create(dir: string): LoadFiles {
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR')
        throw new UsageError(`${dir} exists and is not a directory`, { suggestion: 'Choose another --out.' });
      if (code !== 'ENOENT') throw error;
    }
    if (entries.length > 0) {
      throw new UsageError(`${dir} already exists and is not empty; a load run never overwrites files`, {
        suggestion: 'Choose another --out, or remove the directory.',
      });
    }
    fs.mkdirSync(dir, { recursive: true });
    const open = (name: string, columns: readonly string[]): number => {
      const fd = fs.openSync(join(dir, name), 'ax');
      writeAll(fd, Buffer.from(stringifyRows([columns])));
      fs.fsyncSync(fd);
      return fd;
    };
    const detailFd = open(LOAD_FILES.detail, LOAD_DETAIL_COLUMNS);
    const loadFd = open(LOAD_FILES.load, LOAD_COLUMNS);
    fsyncDirectory(dir);
    return new LoadFiles(dir, loadFd, detailFd);
  }

  path(name: keyof typeof LOAD_FILES): string {
    return join(this.dir, LOAD_FILES[name]);
  }

  append(step: LoadStep): void {
    const detail = Buffer.from(stringifyRows([formatDetailRow(step, this.path('detail'))]));
    const load = Buffer.from(stringifyRows([formatLoadRow(step.row, this.path('load'))]));
    writeAll(this.detailFd, detail);
    fs.fsyncSync(this.detailFd);
    writeAll(this.loadFd, load);
    fs.fsyncSync(this.loadFd);
  }

  writeResult(result: unknown): void {
    writeFileAtomic.sync(this.path('result'), `${JSON.stringify(result, null, 2)}\n`, { fsync: true });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.loadFd);
    fs.closeSync(this.detailFd);
  }
}
