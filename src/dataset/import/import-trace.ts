// `rescape import`: reads public microservice traces in one of the supported formats and writes them as a
// run directory. Metric files are read first (their samples settle the step when none is given), then call
// and other files; everything is streamed and aggregated on the step grid as it is read.
import fs from 'node:fs';
import { basename } from 'node:path';
import { DataError, UsageError } from '../../core/errors.js';
import { ignoreProgress, type ProgressListener } from '../../core/progress.js';
import { alibabaV2021Format, alibabaV2022Format } from './alibaba-format.js';
import { CallGrid } from './call-grid.js';
import { readCsvRows, type CsvRow } from './csv-file-reader.js';
import type { FileKind, FormatReader } from './format-reader.js';
import type { ImportContext } from './import-context.js';
import { ImportIssues } from './import-issues.js';
import { IMPORT_FORMATS, type ImportFormat, type ImportOptions, type ImportResult } from './import-types.js';
import { listInputFiles, type InputFile } from './input-files.js';
import { gpuLongFormat, longCsvFormat } from './long-csv-format.js';
import { MetricGrid } from './metric-grid.js';
import { podCsvFormat } from './pod-csv-format.js';
import { RecentKeys } from './recent-keys.js';
import { assembleRun } from './run-assembly.js';
import { selectServices } from './service-selection.js';

export const FORMAT_READERS: Record<ImportFormat, FormatReader> = {
  'pod-csv': podCsvFormat,
  'alibaba-2021': alibabaV2021Format,
  'alibaba-2022': alibabaV2022Format,
  'long-csv': longCsvFormat,
  'gpu-long': gpuLongFormat,
};

/** Recent (trace, rpc id) pairs remembered to drop the second record of an RPC. */
const CALL_DEDUPE_WINDOW = 1 << 20;

export interface ImportDeps {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

interface Classified extends InputFile {
  kind: FileKind;
}

function checkOptions(options: ImportOptions): void {
  if (!IMPORT_FORMATS.includes(options.format)) {
    throw new UsageError(`unknown format ${JSON.stringify(options.format)}`, {
      suggestion: `Use one of ${IMPORT_FORMATS.join(', ')}.`,
    });
  }
  if (options.paths.length === 0) {
    throw new UsageError('no input paths', { suggestion: 'Give the dataset files or folders to import.' });
  }
  if (options.top !== undefined && (!Number.isSafeInteger(options.top) || options.top < 1)) {
    throw new UsageError(`--top ${options.top} is not a positive integer`, { suggestion: 'E.g. --top 30.' });
  }
  if (
    options.stepSeconds !== undefined &&
    (!Number.isSafeInteger(options.stepSeconds) || options.stepSeconds < 1)
  ) {
    throw new UsageError(`step ${options.stepSeconds} s is not a positive whole number of seconds`);
  }
  const known = FORMAT_READERS[options.format].columnKeys;
  for (const key of Object.keys(options.columns ?? {})) {
    if (!known.includes(key)) {
      throw new UsageError(`--columns names ${key}, which format ${options.format} does not use`, {
        suggestion: `Columns of ${options.format}: ${known.join(', ')}.`,
      });
    }
  }
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(options.out);
  } catch {
    // Absent (created later) or not a directory (RunWriter.create says so).
  }
  if (entries.length > 0) {
    throw new UsageError(`${options.out} already exists and is not empty; an import never overwrites files`, {
      suggestion: 'Choose another --out.',
    });
  }
}

async function firstRow(file: string): Promise<CsvRow | undefined> {
  for await (const row of readCsvRows(file)) return row;
  return undefined;
}

async function classify(
  reader: FormatReader,
  format: ImportFormat,
  files: InputFile[],
): Promise<Classified[]> {
  const classified: Classified[] = [];
  for (const file of files) {
    let header: CsvRow | undefined;
    if (!file.path.endsWith('.json')) {
      header = await firstRow(file.path);
      if (header === undefined) {
        throw new DataError(
          'the file is empty (no header line)',
          { file: file.path, line: 1 },
          {
            suggestion: 'Leave the file out of the import, or restore it from the dataset.',
          },
        );
      }
    }
    const kind = reader.classify(file.path, header);
    if (kind === 'ignored' && file.explicit) {
      throw new DataError(
        `not a ${format} file: its header is ${header?.cells.join(',') ?? '(not CSV)'}`,
        { file: file.path, line: 1 },
        { suggestion: `Check the format argument, or name its columns with --columns.` },
      );
    }
    classified.push({ ...file, kind });
  }
  return classified;
}

export async function importTrace(options: ImportOptions, deps: ImportDeps = {}): Promise<ImportResult> {
  checkOptions(options);
  const reader = FORMAT_READERS[options.format];
  const onProgress = deps.onProgress ?? ignoreProgress;
  const files = await classify(reader, options.format, listInputFiles(options.paths));
  const used = files.filter((file) => file.kind !== 'ignored');
  const total = used.reduce((sum, file) => sum + file.size, 0);
  let bytesRead = 0;
  const issues = new ImportIssues(options.strict === true);
  const ctx: ImportContext = {
    issues,
    metrics: new MetricGrid(issues, options.stepSeconds),
    calls: undefined,
    columns: options.columns ?? {},
    anomalies: [],
    rowsRead: 0,
    seenCalls: new RecentKeys(CALL_DEDUPE_WINDOW),
  };
  const readFile = async (file: Classified): Promise<void> => {
    onProgress({ phase: 'import', done: bytesRead, total, message: `reading ${file.path}` });
    if (file.path.endsWith('.json')) {
      reader.readOther?.(file.path, ctx);
      bytesRead += file.size;
      return;
    }
    const rows = readCsvRows(file.path, {
      ...(deps.signal === undefined ? {} : { signal: deps.signal }),
      onBytes: (bytes) => {
        bytesRead += bytes;
      },
    });
    const first = await rows.next();
    if (first.done === true) return;
    await reader.readCsv(file.kind, file.path, first.value, rows, ctx);
  };
  for (const file of used.filter((entry) => entry.kind === 'metrics')) await readFile(file);
  const step = options.stepSeconds ?? ctx.metrics.fixStep(reader.fallbackStep) ?? reader.fallbackStep;
  const calls = new CallGrid(step);
  ctx.calls = calls;
  for (const file of used.filter((entry) => entry.kind !== 'metrics')) await readFile(file);
  onProgress({ phase: 'import', done: total, total, message: 'writing the run' });

  const found = [...new Set([...ctx.metrics.services, ...calls.services])].sort();
  const services = selectServices(found, ctx.metrics, calls, {
    ...(options.services === undefined ? {} : { services: options.services }),
    ...(options.top === undefined ? {} : { top: options.top }),
    ...(options.topBy === undefined ? {} : { topBy: options.topBy }),
  });
  const paths = used.map((file) => file.path);
  const benchmark =
    options.benchmark ?? basename(options.paths[0] ?? options.format).replace(/\.(csv|gz|json)$/g, '');
  const assembled = assembleRun({
    out: options.out,
    format: options.format,
    benchmark: benchmark === '' ? options.format : benchmark,
    files: paths,
    services,
    step,
    ctx,
    calls,
    ...(deps.signal === undefined ? {} : { signal: deps.signal }),
  });
  return {
    runDir: options.out,
    format: options.format,
    files: {
      metrics: used.filter((file) => file.kind === 'metrics').length,
      calls: used.filter((file) => file.kind === 'calls').length,
      other: used.filter((file) => file.kind === 'other').length,
      ignored: files.filter((file) => file.kind === 'ignored').map((file) => file.path),
    },
    rowsRead: ctx.rowsRead,
    bytesRead,
    skipped: issues.skippedRecord(),
    skipExamples: issues.examples,
    services: services.length,
    droppedServices: found.length - services.length,
    edges: assembled.edges,
    staticEdges: assembled.staticEdges,
    steps: assembled.steps,
    stepSeconds: step,
    stepDetected: options.stepSeconds === undefined && ctx.metrics.stepDetected,
    startTime: assembled.startTime,
    gaps: assembled.gaps,
    gapCells: assembled.gaps.reduce((sum, gap) => sum + gap.missingSteps, 0),
    clockIssues: issues.clockIssues,
    anomalies: assembled.anomalies,
  };
}
