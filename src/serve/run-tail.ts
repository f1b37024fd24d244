// The last steps of a run directory that may still be growing (a live `profile` or `export` appending to it),
// read from the end of its files: a refresh costs the same on a 12 h run as on a 10-step one, and the event
// loop never waits on a whole-file read. A step is complete once its load.csv row is written (the writer
// appends it last), so the load tail says which steps to take from ms_metric.csv; a line still being
// written (no line break yet) is left for the next refresh.
import { open, type FileHandle } from 'node:fs/promises';
import { DataError } from '../core/errors.js';
import { checkHeader, parseCsvRecords, type CsvRecord } from '../dataset/csv-table.js';
import {
  LOAD_COLUMNS,
  METRIC_COLUMNS,
  type LoadRow,
  type MetricRow,
  type ServiceRow,
} from '../dataset/run-format.js';
import { parseLoadRow, parseMetricRow } from '../dataset/run-rows.js';

/** First read from the end of a file; grown fourfold until the records wanted are in. */
const FIRST_CHUNK_BYTES = 64 * 1024;

export interface RunTail {
  /** The last complete step. */
  lastStep: number;
  /** Rows of steps lastStep-steps+1..lastStep, in file order. */
  metrics: MetricRow[];
  load: LoadRow[];
}

export async function readRunTail(
  files: { metrics: string; load: string },
  services: readonly ServiceRow[],
  steps: number,
  chunkBytes = FIRST_CHUNK_BYTES,
): Promise<RunTail> {
  const loadRecords = await readTailRecords(
    files.load,
    LOAD_COLUMNS,
    (records) => records.length >= steps,
    chunkBytes,
  );
  const load = loadRecords.slice(-steps).map((cells) => parseLoadRow(cells, { file: files.load }));
  if (load.length < steps) {
    throw new DataError(
      `the run has ${load.length} complete step(s); the model needs the last ${steps}`,
      { file: files.load },
      { suggestion: 'Wait for the run to record more steps; the forecast starts once it has them.' },
    );
  }
  const lastStep = load[load.length - 1]!.timestamp;
  const firstStep = lastStep - steps + 1;
  load.forEach((row, i) => {
    if (row.timestamp !== firstStep + i) {
      throw new DataError(
        `steps ${firstStep}..${lastStep} are not consecutive (found step ${row.timestamp} at position ${i + 1})`,
        { file: files.load, field: 'timestamp' },
        { suggestion: 'Check the run with `rescape inspect`.' },
      );
    }
  });
  const metricRecords = await readTailRecords(
    files.metrics,
    METRIC_COLUMNS,
    // The file is in step order: once a row before the window is in, the whole window is.
    (records) => records.length > 0 && Number(records[0]![0]) < firstStep,
    chunkBytes,
  );
  const metrics: MetricRow[] = [];
  for (const cells of metricRecords) {
    const timestamp = Number(cells[0]);
    // Rows of a step whose load row is not written yet belong to the next refresh.
    if (!(timestamp >= firstStep && timestamp <= lastStep)) continue;
    metrics.push(parseMetricRow(cells, services, { file: files.metrics }));
  }
  return { lastStep, metrics, load };
}

/**
 * Complete data records at the end of a CSV file, oldest first: as many as `enough` asks for, or the whole
 * file (header checked) when it holds fewer. Line numbers are unknown this way, so errors name the file only.
 */
export async function readTailRecords(
  file: string,
  columns: readonly string[],
  enough: (records: string[][]) => boolean,
  chunkBytes = FIRST_CHUNK_BYTES,
): Promise<string[][]> {
  const handle = await openRunFile(file);
  try {
    const { size } = await handle.stat();
    let length = Math.min(size, chunkBytes);
    for (;;) {
      const position = size - length;
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      let text = buffer.toString('utf8', 0, bytesRead);
      text = text.slice(0, text.lastIndexOf('\n') + 1);
      // A chunk starting mid-file starts mid-line (perhaps mid-character): that line is read next time round.
      if (position > 0) text = text.slice(text.indexOf('\n') + 1);
      let records = parseCsvRecords(text, file).filter((record) => record.cells.join('') !== '');
      if (position === 0) {
        checkHeader(records[0], columns, file);
        records = records.slice(1);
      }
      const cells = records.map((record) => checkedCells(record, columns, file));
      if (position === 0 || enough(cells)) return cells;
      length = Math.min(size, length * 4);
    }
  } finally {
    await handle.close();
  }
}

function checkedCells(record: CsvRecord, columns: readonly string[], file: string): string[] {
  if (record.cells.length !== columns.length) {
    throw new DataError(
      `a line near the end holds ${record.cells.length} columns, expected ${columns.length} (${columns.join(',')})`,
      { file },
      { suggestion: 'Check the run with `rescape inspect`; `rescape profile --resume` repairs a torn tail.' },
    );
  }
  return record.cells;
}

async function openRunFile(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'r');
  } catch (error) {
    throw unreadable(file, error);
  }
}

/** A run file that cannot be opened or examined (gone, permissions) as the DataError naming it. */
export function unreadable(file: string, error: unknown): DataError {
  return new DataError(
    `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    { file },
    { suggestion: 'Check the --run path: it must be a run directory, and still exist.', cause: error },
  );
}
