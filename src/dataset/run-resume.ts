// Where an interrupted run can continue. A step is complete once its load.csv row is written (the writer writes
// it last), so the complete steps are load.csv's newline-terminated rows 0..k-1. Everything after them in the
// other files — a partial line left by SIGKILL, the rows of a step whose load row never came — is an
// uncommitted tail to cut off. Anything wrong before that point is damage, not an interruption, and is a
// DataError: resume never throws away committed data.
import { DataError } from '../core/errors.js';
import { checkColumnCount, checkHeader, parseCsvRecords, type CsvRecord } from './csv-table.js';
import { CALLGRAPH_COLUMNS, LOAD_COLUMNS, METRIC_COLUMNS, type ServiceRow } from './run-format.js';
import { readRunBuffer } from './run-file-io.js';
import { parseCallRow, parseLoadRow, parseMetricRow } from './run-rows.js';
import type { DataFiles } from './step-format.js';
import { MetricStepTracker } from './step-continuity.js';

export interface ResumePoint {
  completedSteps: number;
  /** Byte length each file must be cut to so that it holds exactly the rows of steps < completedSteps. */
  lengths: { metrics: number; callgraph: number; load: number };
}

const DAMAGED =
  'The run directory is damaged before its last complete step; it cannot be resumed. Start a new run.';

interface CompleteRecords {
  header: CsvRecord;
  records: CsvRecord[];
}

/**
 * Parses the newline-terminated part of a file; the fragment after the last line break can only be a line cut
 * short by a kill, so it is never parsed (it may hold half a quoted field or half a UTF-8 character).
 */
function readCompleteRecords(file: string, columns: readonly string[]): CompleteRecords {
  const buffer = readRunBuffer(file);
  const complete = buffer.subarray(0, buffer.lastIndexOf(0x0a) + 1);
  const [header, ...records] = parseCsvRecords(complete.toString('utf8'), file);
  checkHeader(header, columns, file);
  for (const record of [header, ...records]) {
    // Offsets come from csv-parse's byte count; checking them against the bytes guards against invalid UTF-8.
    if (record !== undefined && complete[record.endByte - 1] !== 0x0a) {
      throw new DataError(
        'the file is not valid UTF-8 or has a line break inside a field',
        { file, line: record.line },
        {
          suggestion: DAMAGED,
        },
      );
    }
  }
  return { header: header as CsvRecord, records };
}

/** Throws if a record past the cut still claims a committed step (it would be a duplicate or out of order). */
function checkTail(records: readonly CsvRecord[], steps: number, file: string): void {
  for (const record of records) {
    const timestamp = record.cells[0];
    if (timestamp !== undefined && /^\d+$/.test(timestamp) && Number(timestamp) < steps) {
      throw new DataError(
        `row for step ${timestamp} after the rows of later steps`,
        { file, line: record.line, field: 'timestamp' },
        {
          suggestion: DAMAGED,
        },
      );
    }
  }
}

function loadSteps(file: string): { steps: number; length: number } {
  const { header, records } = readCompleteRecords(file, LOAD_COLUMNS);
  records.forEach((record, index) => {
    checkColumnCount(record, LOAD_COLUMNS, file);
    const row = parseLoadRow(record.cells, { file, line: record.line });
    if (row.timestamp !== index) {
      throw new DataError(
        `expected timestamp ${index}, found ${row.timestamp}`,
        { file, line: record.line, field: 'timestamp' },
        {
          suggestion: DAMAGED,
        },
      );
    }
  });
  return { steps: records.length, length: (records[records.length - 1] ?? header).endByte };
}

function metricsLength(file: string, services: readonly ServiceRow[], steps: number): number {
  const { header, records } = readCompleteRecords(file, METRIC_COLUMNS);
  const tracker = new MetricStepTracker(services, file);
  const needed = steps * services.length;
  let length = header.endByte;
  for (const record of records.slice(0, needed)) {
    checkColumnCount(record, METRIC_COLUMNS, file);
    const row = parseMetricRow(record.cells, services, { file, line: record.line });
    if (row.timestamp >= steps) {
      throw new DataError(
        `row of step ${row.timestamp} before all rows of the ${steps} steps load.csv marks complete`,
        { file, line: record.line, field: 'timestamp' },
        { suggestion: DAMAGED },
      );
    }
    tracker.accept(row.timestamp, row.msId, record.line);
    length = record.endByte;
  }
  if (records.length < needed) {
    throw new DataError(
      `holds ${records.length} complete rows, fewer than the ${needed} (${steps} steps × ${services.length} services) load.csv marks complete`,
      { file, line: (records[records.length - 1] ?? header).line },
      {
        suggestion: `${DAMAGED} (With periodic durability, a power loss can leave load.csv ahead of the metrics.)`,
      },
    );
  }
  checkTail(records.slice(needed), steps, file);
  return length;
}

function callgraphLength(file: string, services: readonly ServiceRow[], steps: number): number {
  const { header, records } = readCompleteRecords(file, CALLGRAPH_COLUMNS);
  let length = header.endByte;
  let previous = 0;
  let index = 0;
  for (; index < records.length; index += 1) {
    const record = records[index] as CsvRecord;
    checkColumnCount(record, CALLGRAPH_COLUMNS, file);
    const row = parseCallRow(record.cells, services, { file, line: record.line });
    if (row.timestamp >= steps) break;
    if (row.timestamp < previous) {
      throw new DataError(
        `timestamp goes backwards from ${previous} to ${row.timestamp}`,
        { file, line: record.line, field: 'timestamp' },
        {
          suggestion: DAMAGED,
        },
      );
    }
    previous = row.timestamp;
    length = record.endByte;
  }
  checkTail(records.slice(index), steps, file);
  return length;
}

/** Finds the complete steps of a run and the byte lengths that keep exactly them; reads, never writes. */
export function findResumePoint(paths: DataFiles<string>, services: readonly ServiceRow[]): ResumePoint {
  const load = loadSteps(paths.load);
  return {
    completedSteps: load.steps,
    lengths: {
      metrics: metricsLength(paths.metrics, services, load.steps),
      callgraph: callgraphLength(paths.callgraph, services, load.steps),
      load: load.length,
    },
  };
}
