// Reads and validates a whole run directory. The first error throws a DataError naming file, line and field;
// things that leave the data usable (an unfinished run, missing samples) are returned as warnings.
import { join } from 'node:path';
import { DataError } from '../core/errors.js';
import { checkColumnCount, checkHeader, parseCsvRecords, type CsvRecord } from './csv-table.js';
import {
  CALLGRAPH_COLUMNS,
  LOAD_COLUMNS,
  METRIC_COLUMNS,
  RUN_FILES,
  type CallRow,
  type LoadRow,
  type MetricRow,
  type RunManifest,
  type ServiceRow,
} from './run-format.js';
import { readRunFile } from './run-file-io.js';
import { summariseCallText } from './call-file-summary.js';
import { summariseCalls, type CallSummary } from './call-summary.js';
import { readManifest } from './run-manifest.js';
import { parseCallRow, parseLoadRow, parseMetricRow } from './run-rows.js';
import { readServices } from './run-services.js';
import { MetricStepTracker } from './step-continuity.js';

export { readManifest } from './run-manifest.js';

export interface RunProblem {
  severity: 'warning';
  file: string;
  line?: number;
  message: string;
}

export interface RunData {
  manifest: RunManifest;
  services: ServiceRow[];
  /** In file order: by step, then as written within the step (rescape writes by ms_id). */
  metrics: MetricRow[];
  /** The call rows, or none when read with `calls: 'summary'`. */
  calls: CallRow[];
  /** Per-edge counts and latencies, row and trace counts: always there. */
  callSummary: CallSummary;
  load: LoadRow[];
  problems: RunProblem[];
}

export interface ReadRunOptions {
  /**
   * 'rows' (default) keeps every call of ms_callgraph.csv; 'summary' keeps only their CallSummary, which is what
   * the models and the report use (same validation, a fraction of the time and memory on a large run).
   */
  calls?: 'rows' | 'summary';
}

const RESUME_SUGGESTION = 'If the run was killed, `rescape profile --resume` repairs its tail.';

// Text csv-parse would read exactly as lines split at LF and cells split at commas: no quote (so no quoted
// cell, escaped quote or embedded line break), no CR (the only other record delimiter it detects), no BOM,
// and ASCII only (so a character offset is a byte offset).
const PLAIN_CSV = /^[^"\r\u0080-\uffff]*$/;

/**
 * Hands each record of a run CSV (the header first) to `onRecord`, exactly as parseCsvRecords would return
 * them (cells, line, endByte). The files rescape writes are plain (ids, names and numbers): those are split
 * directly, one line at a time, which is several times faster than csv-parse on a 12 h run's ~170k call rows
 * and lets each record die young instead of all of them being held (and promoted by the GC) at once.
 * Anything else goes through csv-parse, so a syntax error is still reported before any row is looked at.
 */
function eachCsvRecord(text: string, file: string, onRecord: (record: CsvRecord) => void): void {
  if (!PLAIN_CSV.test(text)) {
    for (const record of parseCsvRecords(text, file)) onRecord(record);
    return;
  }
  // The empty string after the last LF is not a record (csv-parse agrees); an empty line before it is.
  let line = 0;
  for (let start = 0; start < text.length;) {
    const lineEnd = text.indexOf('\n', start);
    const end = lineEnd === -1 ? text.length : lineEnd;
    const endByte = lineEnd === -1 ? text.length : lineEnd + 1;
    line += 1;
    onRecord({ cells: text.slice(start, end).split(','), line, endByte });
    start = endByte;
  }
}

/**
 * Checks a file's header and hands its data records to `onRecord`; warns when the last line lacks its line
 * break. Returns the file's path and the line of its last record.
 */
function readTable(
  dir: string,
  name: string,
  columns: readonly string[],
  problems: RunProblem[],
  onRecord: (record: CsvRecord) => void,
  text = readRunFile(join(dir, name)),
): { file: string; lastLine: number } {
  const file = join(dir, name);
  let header: CsvRecord | undefined;
  let lastLine: number | undefined;
  eachCsvRecord(text, file, (record) => {
    if (header === undefined) {
      header = record;
      checkHeader(header, columns, file);
    } else {
      onRecord(record);
    }
    lastLine = record.line;
  });
  if (header === undefined) checkHeader(header, columns, file);
  warnUnterminated(text, file, lastLine ?? 1, problems);
  return { file, lastLine: lastLine ?? 1 };
}

function warnUnterminated(text: string, file: string, lastLine: number, problems: RunProblem[]): void {
  if (!text.endsWith('\n')) {
    problems.push({ severity: 'warning', file, line: lastLine, message: 'the last line has no line break' });
  }
}

interface MetricTable {
  rows: MetricRow[];
  steps: number;
  /** Line of the first row of each step, to point at a step another file disagrees about. */
  stepLines: number[];
}

function readMetrics(dir: string, services: readonly ServiceRow[], problems: RunProblem[]): MetricTable {
  const file = join(dir, RUN_FILES.metrics);
  const tracker = new MetricStepTracker(services, file);
  const rows: MetricRow[] = [];
  const stepLines: number[] = [];
  const empty = services.map(() => ({ count: 0, firstLine: 0, byColumn: new Map<string, number>() }));
  const { lastLine } = readTable(dir, RUN_FILES.metrics, METRIC_COLUMNS, problems, (record) => {
    checkColumnCount(record, METRIC_COLUMNS, file);
    const row = parseMetricRow(record.cells, services, { file, line: record.line });
    tracker.accept(row.timestamp, row.msId, record.line);
    if (stepLines.length === row.timestamp) stepLines.push(record.line);
    countEmptyCells(row, record, empty[row.msId]);
    rows.push(row);
  });
  const steps = tracker.finish(lastLine);
  empty.forEach((entry, msId) => {
    if (entry.count === 0) return;
    const columns = [...entry.byColumn].map(([column, count]) => `${column} ${count}`).join(', ');
    problems.push({
      severity: 'warning',
      file,
      line: entry.firstLine,
      message: `service ${services[msId]?.msName ?? msId} (ms_id ${msId}) has ${entry.count} missing samples (${columns})`,
    });
  });
  return { rows, steps, stepLines };
}

function countEmptyCells(
  row: MetricRow,
  record: CsvRecord,
  entry: { count: number; firstLine: number; byColumn: Map<string, number> } | undefined,
): void {
  if (entry === undefined) return;
  const cells: [string, number | null][] = [
    ['cpu_utilization', row.cpuUtilization],
    ['gpu_utilization', row.gpuUtilization],
    ['memory_bytes', row.memoryBytes],
  ];
  for (const [column, value] of cells) {
    if (value !== null) continue;
    if (entry.count === 0) entry.firstLine = record.line;
    entry.count += 1;
    entry.byColumn.set(column, (entry.byColumn.get(column) ?? 0) + 1);
  }
}

function readLoad(dir: string, metrics: MetricTable, metricsFile: string, problems: RunProblem[]): LoadRow[] {
  const file = join(dir, RUN_FILES.load);
  const rows: LoadRow[] = [];
  readTable(dir, RUN_FILES.load, LOAD_COLUMNS, problems, (record) => {
    checkColumnCount(record, LOAD_COLUMNS, file);
    const row = parseLoadRow(record.cells, { file, line: record.line });
    const expected = rows.length;
    const at = { file, line: record.line, field: 'timestamp' };
    if (row.timestamp !== expected) {
      const problem =
        row.timestamp < expected
          ? `repeats or goes back to step ${row.timestamp}`
          : `skips to ${row.timestamp}`;
      throw new DataError(
        `expected timestamp ${expected}, found ${row.timestamp}: the table ${problem}`,
        at,
        {
          suggestion: 'load.csv must hold one row per step 0..k-1, in order.',
        },
      );
    }
    if (row.timestamp >= metrics.steps) {
      throw new DataError(
        `step ${row.timestamp} has a load row but ${metricsFile} holds only ${metrics.steps} steps`,
        at,
        {
          suggestion: RESUME_SUGGESTION,
        },
      );
    }
    rows.push(row);
  });
  if (rows.length < metrics.steps) {
    throw new DataError(
      `step ${rows.length} has metric rows but no row in ${file} (which holds ${rows.length} steps)`,
      { file: metricsFile, line: metrics.stepLines[rows.length] ?? 2, field: 'timestamp' },
      { suggestion: `A step is complete only once its load.csv row is written. ${RESUME_SUGGESTION}` },
    );
  }
  return rows;
}

function readCalls(
  dir: string,
  services: readonly ServiceRow[],
  steps: number,
  problems: RunProblem[],
  text?: string,
): CallRow[] {
  const file = join(dir, RUN_FILES.callgraph);
  const rows: CallRow[] = [];
  let previous = 0;
  const onRecord = (record: CsvRecord) => {
    checkColumnCount(record, CALLGRAPH_COLUMNS, file);
    const row = parseCallRow(record.cells, services, { file, line: record.line });
    checkCallOrder(row.timestamp, previous, steps, file, record.line);
    previous = row.timestamp;
    rows.push(row);
  };
  readTable(dir, RUN_FILES.callgraph, CALLGRAPH_COLUMNS, problems, onRecord, text);
  return rows;
}

/** Refuses a call beyond the run's steps or out of order; hot (once per call), so it allocates only to throw. */
function checkCallOrder(
  timestamp: number,
  previous: number,
  steps: number,
  file: string,
  line: number,
): void {
  if (timestamp < steps && timestamp >= previous) return;
  const where = { file, line, field: 'timestamp' };
  if (timestamp >= steps) {
    throw new DataError(`timestamp ${timestamp} is outside the run's steps 0..${steps - 1}`, where, {
      suggestion: RESUME_SUGGESTION,
    });
  }
  throw new DataError(`timestamp goes backwards from ${previous} to ${timestamp}`, where, {
    suggestion: 'Calls are written step by step; sort the file by timestamp.',
  });
}

/** ms_callgraph.csv read straight into its summary (call-file-summary.ts), with the checks readCalls makes. */
function readCallSummary(
  dir: string,
  services: readonly ServiceRow[],
  steps: number,
  problems: RunProblem[],
): CallSummary {
  const file = join(dir, RUN_FILES.callgraph);
  const text = readRunFile(file);
  // Quoted or non-ASCII text (a hand-edited file) is parsed as rows, through csv-parse.
  if (!PLAIN_CSV.test(text))
    return summariseCalls(readCalls(dir, services, steps, problems, text), services.length);
  const headerEnd = text.indexOf('\n');
  const headerText = headerEnd === -1 ? text : text.slice(0, headerEnd);
  checkHeader(
    text === '' ? undefined : { cells: headerText.split(','), line: 1, endByte: headerText.length + 1 },
    CALLGRAPH_COLUMNS,
    file,
  );
  const { summary, lastLine } = summariseCallText(text, file, services, {
    checkOrder: (timestamp, previous, line) => checkCallOrder(timestamp, previous, steps, file, line),
    checkCells: (cells, line) => checkColumnCount({ cells, line, endByte: 0 }, CALLGRAPH_COLUMNS, file),
  });
  warnUnterminated(text, file, lastLine, problems);
  return summary;
}

/** Reads a run directory, validating every file against services.csv and each other. */
export function readRun(dir: string, options: ReadRunOptions = {}): RunData {
  const problems: RunProblem[] = [];
  const manifest = readManifest(dir);
  const manifestFile = join(dir, RUN_FILES.manifest);
  const services = readServices(dir);
  const metricsFile = join(dir, RUN_FILES.metrics);
  const metrics = readMetrics(dir, services, problems);
  if (metrics.steps > manifest.samples) {
    throw new DataError(
      `step ${manifest.samples} is beyond the ${manifest.samples} samples run.json plans`,
      { file: metricsFile, line: metrics.stepLines[manifest.samples] ?? 2, field: 'timestamp' },
      { suggestion: `Fix samples in ${RUN_FILES.manifest} or remove the extra steps.` },
    );
  }
  const load = readLoad(dir, metrics, metricsFile, problems);
  const calls = options.calls === 'summary' ? [] : readCalls(dir, services, metrics.steps, problems);
  const callSummary =
    options.calls === 'summary'
      ? readCallSummary(dir, services, metrics.steps, problems)
      : summariseCalls(calls, services.length);
  if (manifest.status !== 'complete') {
    problems.unshift({
      severity: 'warning',
      file: manifestFile,
      message: `run status is ${manifest.status}, not complete`,
    });
  }
  if (metrics.steps < manifest.samples) {
    problems.push({
      severity: 'warning',
      file: metricsFile,
      message: `holds ${metrics.steps} of the ${manifest.samples} steps run.json plans`,
    });
  }
  return { manifest, services, metrics: metrics.rows, calls, callSummary, load, problems };
}
