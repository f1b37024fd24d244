// The files `rescape load` writes: load-settings.json before the first step (what --resume reads); then, one
// row per step as the run goes, load.csv in the run directory's format (LOAD_COLUMNS, so a live profile can copy
// it as is), load-detail.csv with what that format has no column for (p90, max, errors by kind and by status,
// in-flight counts, partial steps) and load-latency.hlog, the step's latency histogram as a line of an
// HdrHistogram interval log (so a resumed run's overall quantiles cover every step, and HdrHistogram's tools
// can read it); load-result.json, the --json record, at the end. The histogram line goes first, then the detail
// row, load.csv's row last, as the run writer does, each fsynced: a step with a load.csv row is complete on
// disk.
import fs from 'node:fs';
import { join } from 'node:path';
import { HistogramLogWriter } from 'hdr-histogram-js';
import writeFileAtomic from 'write-file-atomic';
import { UsageError } from '../core/errors.js';
import { MILLISECOND_DIGITS, formatDecimal, formatInteger } from '../dataset/csv-cells.js';
import { stringifyRows } from '../dataset/csv-table.js';
import { fsyncDirectory, writeAll } from '../dataset/run-file-io.js';
import { LOAD_COLUMNS } from '../dataset/run-format.js';
import { formatLoadRow } from '../dataset/run-rows.js';
import type { LoadOptions } from './load-options.js';
import type { LoadStep } from './load-session.js';
import { writeLoadSettings } from './load-settings.js';

export const LOAD_FILES = {
  settings: 'load-settings.json',
  load: 'load.csv',
  detail: 'load-detail.csv',
  latency: 'load-latency.hlog',
  result: 'load-result.json',
} as const;

/** The appended files, each cut to a byte length when a run is resumed. */
export type AppendedFile = 'load' | 'detail' | 'latency';

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
  'status_counts',
] as const;

/** The status_counts cell: "200:5120 503:12", codes ascending; empty when nothing was answered. */
export function formatStatusCounts(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .map(([status, count]) => `${status}:${count}`)
    .join(' ');
}

/** Tag of a partial step's line in the latency log. */
export const PARTIAL_TAG = 'partial';

/** A step's line of the HdrHistogram interval log: [Tag=…,]start,length,max,histogram (seconds, ms). */
function formatLatencyLine(step: LoadStep): string {
  const { measure } = step;
  const fields = [
    step.startSeconds.toFixed(3),
    measure.seconds.toFixed(3),
    (measure.latency?.maxMs ?? 0).toFixed(3),
    measure.latencyHistogram,
  ].join(',');
  return `${step.partial ? `Tag=${PARTIAL_TAG},` : ''}${fields}\n`;
}

function latencyLogHeader(startMs: number): string {
  let text = '';
  const writer = new HistogramLogWriter((chunk) => {
    text += chunk;
  });
  writer.outputLogFormatVersion();
  writer.outputStartTime(startMs);
  writer.outputLegend();
  return text;
}

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
    formatStatusCounts(measure.statusCounts),
  ];
}

export class LoadFiles {
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly fds: Record<AppendedFile, number>,
  ) {}

  /**
   * Creates the directory, the settings file and the appended files with their headers; refuses a directory
   * that holds anything.
   */
  static create(dir: string, options: LoadOptions, startMs: number): LoadFiles {
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
        suggestion: 'Choose another --out, or remove the directory (or continue it with --resume).',
      });
    }
    fs.mkdirSync(dir, { recursive: true });
    writeLoadSettings(join(dir, LOAD_FILES.settings), options);
    const open = (name: string, header: string): number => {
      const fd = fs.openSync(join(dir, name), 'ax');
      writeAll(fd, Buffer.from(header));
      fs.fsyncSync(fd);
      return fd;
    };
    const latency = open(LOAD_FILES.latency, latencyLogHeader(startMs));
    const detail = open(LOAD_FILES.detail, stringifyRows([LOAD_DETAIL_COLUMNS]));
    const load = open(LOAD_FILES.load, stringifyRows([LOAD_COLUMNS]));
    fsyncDirectory(dir);
    return new LoadFiles(dir, { load, detail, latency });
  }

  /** Opens a resumed run's files for appending, first cutting each to `lengths` (its complete steps). */
  static reopen(dir: string, lengths: Record<AppendedFile, number>): LoadFiles {
    const fds = {} as Record<AppendedFile, number>;
    for (const name of ['latency', 'detail', 'load'] as const) {
      const fd = fs.openSync(join(dir, LOAD_FILES[name]), 'r+');
      fs.ftruncateSync(fd, lengths[name]);
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fds[name] = fs.openSync(join(dir, LOAD_FILES[name]), 'a');
    }
    return new LoadFiles(dir, fds);
  }

  path(name: keyof typeof LOAD_FILES): string {
    return join(this.dir, LOAD_FILES[name]);
  }

  append(step: LoadStep): void {
    const latency = Buffer.from(formatLatencyLine(step));
    const detail = Buffer.from(stringifyRows([formatDetailRow(step, this.path('detail'))]));
    const load = Buffer.from(stringifyRows([formatLoadRow(step.row, this.path('load'))]));
    for (const [name, data] of [
      ['latency', latency],
      ['detail', detail],
      ['load', load],
    ] as const) {
      writeAll(this.fds[name], data);
      fs.fsyncSync(this.fds[name]);
    }
  }

  writeResult(result: unknown): void {
    writeFileAtomic.sync(this.path('result'), `${JSON.stringify(result, null, 2)}\n`, { fsync: true });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fd of Object.values(this.fds)) fs.closeSync(fd);
  }
}
