// Where an interrupted load run continues. Each step appends a latency-log line, then its load-detail.csv row,
// then its load.csv row, so step k is complete once all three exist and the detail row does not mark it
// partial (an interrupted run writes its cut-short step too, flagged partial). The complete steps are the
// leading run of such steps; what follows them — the partial step, or the lines a kill left half-written — is
// an uncommitted tail of at most one step, cut off and measured again. Anything else is damage, a DataError:
// resume never throws away more than one step.
import { DataError } from '../core/errors.js';
import { parseDecimal, parseInteger } from '../dataset/csv-cells.js';
import { checkColumnCount, checkHeader, parseCsvRecords, type CsvRecord } from '../dataset/csv-table.js';
import { readRunBuffer } from '../dataset/run-file-io.js';
import { LOAD_COLUMNS } from '../dataset/run-format.js';
import { ERROR_KINDS, type ErrorKind } from './error-kinds.js';
import { LatencyHistogram } from './latency-histogram.js';
import { LOAD_DETAIL_COLUMNS, PARTIAL_TAG, type AppendedFile } from './load-files.js';
import { emptyTotals, type LoadTotals } from './load-totals.js';

export interface LoadResumePoint {
  completedSteps: number;
  /** Byte length each appended file must be cut to so that it holds exactly the complete steps. */
  lengths: Record<AppendedFile, number>;
  /** What the complete steps measured, for the resumed run's record. */
  totals: LoadTotals;
  /** Their latencies, for the run's overall quantiles. */
  latencies: LatencyHistogram;
}

export interface LoadRunFiles {
  load: string;
  detail: string;
  latency: string;
}

type DetailColumn = (typeof LOAD_DETAIL_COLUMNS)[number];

const KIND_COLUMNS: Record<ErrorKind, DetailColumn> = {
  'http-4xx': 'errors_http_4xx',
  'http-5xx': 'errors_http_5xx',
  timeout: 'errors_timeout',
  'connection-refused': 'errors_connection_refused',
  'connection-reset': 'errors_connection_reset',
  other: 'errors_other',
  dropped: 'dropped',
};

const DAMAGED =
  'The load run is damaged before its last complete step; it cannot be resumed. Start a new run.';

/** The newline-terminated part of a file: a fragment after the last line break is a line cut short by a kill. */
function completeText(file: string): Buffer {
  const buffer = readRunBuffer(file);
  return buffer.subarray(0, buffer.lastIndexOf(0x0a) + 1);
}

function csvRows(file: string, columns: readonly string[]): { header: CsvRecord; rows: CsvRecord[] } {
  const [header, ...rows] = parseCsvRecords(completeText(file).toString('utf8'), file);
  checkHeader(header, columns, file);
  return { header: header as CsvRecord, rows };
}

interface LogLine {
  line: number;
  endByte: number;
  tag: string | undefined;
  histogram: string;
}

/** The interval lines of the latency log (HdrHistogram's format; '#' comments, blank lines and the legend skipped). */
function latencyLines(file: string): { headerBytes: number; lines: LogLine[] } {
  const text = completeText(file);
  const lines: LogLine[] = [];
  let headerBytes = 0;
  let start = 0;
  for (let line = 1; start < text.length; line += 1) {
    const end = text.indexOf(0x0a, start) + 1;
    const content = text.subarray(start, end - 1).toString('utf8');
    if (content === '' || content.startsWith('#') || content.startsWith('"')) {
      if (lines.length === 0) headerBytes = end;
    } else {
      const tagged = /^Tag=([^,]*),/.exec(content);
      lines.push({
        line,
        endByte: end,
        tag: tagged?.[1],
        histogram: content.slice(content.lastIndexOf(',') + 1),
      });
    }
    start = end;
  }
  return { headerBytes, lines };
}

function damaged(message: string, file: string, line: number, field?: string): DataError {
  return new DataError(message, field === undefined ? { file, line } : { file, line, field }, {
    suggestion: DAMAGED,
  });
}

/** Checks a CSV row's shape and that it is the row of `step` (rows are appended in step order). */
function checkStepRow(record: CsvRecord, columns: readonly string[], step: number, file: string): void {
  checkColumnCount(record, columns, file);
  if (record.cells[0] !== String(step))
    throw damaged(`expected timestamp ${step}, found ${record.cells[0]}`, file, record.line, 'timestamp');
}

/** Adds a complete step's detail row to the totals. */
function addDetailRow(totals: LoadTotals, record: CsvRecord, file: string): void {
  const at = { file, line: record.line };
  const cell = (column: DetailColumn): string => record.cells[LOAD_DETAIL_COLUMNS.indexOf(column)] as string;
  const count = (column: DetailColumn): number => parseInteger(cell(column), column, at);
  totals.steps += 1;
  totals.requests += count('requests');
  totals.errors += count('errors');
  totals.aborted += count('aborted');
  totals.seconds += parseDecimal(cell('seconds'), 'seconds', at, false) as number;
  for (const kind of ERROR_KINDS) totals.errorsByKind[kind] += count(KIND_COLUMNS[kind]);
  const statuses = cell('status_counts');
  for (const entry of statuses === '' ? [] : statuses.split(' ')) {
    const match = /^(\d{3}):(\d+)$/.exec(entry);
    if (match === null) throw damaged(`"${entry}" is not STATUS:COUNT`, file, record.line, 'status_counts');
    totals.statusCounts[match[1] as string] =
      (totals.statusCounts[match[1] as string] ?? 0) + Number(match[2]);
  }
}

/** Finds the complete steps of a load run and the byte lengths that keep exactly them; reads, never writes. */
export function findLoadResumePoint(files: LoadRunFiles): LoadResumePoint {
  const detail = csvRows(files.detail, LOAD_DETAIL_COLUMNS);
  const load = csvRows(files.load, LOAD_COLUMNS);
  const log = latencyLines(files.latency);
  const totals = emptyTotals();
  const latencies = new LatencyHistogram();
  let step = 0;
  for (; step < detail.rows.length; step += 1) {
    const detailRow = detail.rows[step] as CsvRecord;
    const loadRow = load.rows[step];
    const logLine = log.lines[step];
    checkStepRow(detailRow, LOAD_DETAIL_COLUMNS, step, files.detail);
    const incomplete =
      detailRow.cells[1] !== '0' ||
      loadRow === undefined ||
      logLine === undefined ||
      logLine.tag === PARTIAL_TAG;
    if (incomplete) break;
    checkStepRow(loadRow, LOAD_COLUMNS, step, files.load);
    addDetailRow(totals, detailRow, files.detail);
    try {
      latencies.addEncoded(logLine.histogram);
    } catch (error) {
      throw new DataError(
        'not an HdrHistogram compressed histogram',
        { file: files.latency, line: logLine.line },
        {
          suggestion: DAMAGED,
          cause: error,
        },
      );
    }
  }
  // The tail beyond the complete steps: one step's lines at most (the partial or half-written one).
  for (const [file, count, line] of [
    [files.detail, detail.rows.length, detail.rows[step + 1]?.line],
    [files.load, load.rows.length, load.rows[step + 1]?.line],
    [files.latency, log.lines.length, log.lines[step + 1]?.line],
  ] as const) {
    if (count > step + 1) throw damaged(`rows after step ${step}, which is not complete`, file, line ?? 0);
  }
  const lengthAfter = (records: readonly { endByte: number }[], header: number): number =>
    step === 0 ? header : (records[step - 1] as { endByte: number }).endByte;
  return {
    completedSteps: step,
    lengths: {
      detail: lengthAfter(detail.rows, detail.header.endByte),
      load: lengthAfter(load.rows, load.header.endByte),
      latency: lengthAfter(log.lines, log.headerBytes),
    },
    totals,
    latencies,
  };
}
