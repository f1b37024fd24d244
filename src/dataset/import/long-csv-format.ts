// Generic long CSVs, one sample per row: `long-csv` (timestamp, service, [instance], cpu, memory, gpu — in
// cores, bytes and GPUs busy) and `gpu-long` (value, timestamp, container id — GPU utilisation in percent,
// as DCGM_FI_DEV_GPU_UTIL exports it, per container; the service is the container's pod name stripped of
// its controller suffixes). Timestamps are epoch seconds, epoch milliseconds or wall-clock text.
import { DataError } from '../../core/errors.js';
import { resolveColumns, type ColumnSpec } from './column-map.js';
import type { CsvRow } from './csv-file-reader.js';
import type { FormatReader } from './format-reader.js';
import { parseTimestampSeconds } from './cell-values.js';
import { cellOf, checkWidth, readTime, readMeasure, type ImportContext } from './import-context.js';
import { serviceOfPod } from './pod-names.js';

interface LongLayout {
  columns: readonly ColumnSpec[];
  /** Measured columns and the factor that brings each to the run's unit. */
  measures: { key: 'cpu' | 'memory' | 'gpu'; scale: number }[];
}

const TIMESTAMP: ColumnSpec = { key: 'timestamp', names: ['timestamp', 'time', 'ts'], required: true };
const INSTANCE_NAMES = ['instance', 'pod', 'container', 'container_id', 'pod_name'];

const LONG: LongLayout = {
  columns: [
    TIMESTAMP,
    { key: 'service', names: ['service', 'ms_name', 'msname'], required: true },
    { key: 'instance', names: INSTANCE_NAMES, required: false },
    { key: 'cpu', names: ['cpu', 'cpu_utilization', 'cpu_cores'], required: false },
    { key: 'memory', names: ['memory', 'memory_bytes'], required: false },
    { key: 'gpu', names: ['gpu', 'gpu_utilization'], required: false },
  ],
  measures: [
    { key: 'cpu', scale: 1 },
    { key: 'memory', scale: 1 },
    { key: 'gpu', scale: 1 },
  ],
};

const GPU_LONG: LongLayout = {
  columns: [
    TIMESTAMP,
    { key: 'value', names: ['value', 'gpu_util', 'DCGM_FI_DEV_GPU_UTIL'], required: true },
    { key: 'instance', names: INSTANCE_NAMES, required: true },
    { key: 'service', names: ['service'], required: false },
  ],
  measures: [{ key: 'gpu', scale: 1 / 100 }],
};

async function readLong(
  layout: LongLayout,
  file: string,
  header: CsvRow,
  rows: AsyncIterable<CsvRow>,
  ctx: ImportContext,
): Promise<void> {
  const columns = resolveColumns(header, layout.columns, ctx.columns, file);
  const measureColumn = (key: string): string => (layout === GPU_LONG ? 'value' : key);
  const measured = layout.measures.filter(({ key }) => columns.has(measureColumn(key)));
  if (measured.length === 0) {
    throw new DataError(
      `no metric column: expected one of ${layout.measures.map(({ key }) => key).join(', ')} in the header, found ${header.cells.join(',')}`,
      { file, line: header.line },
      { suggestion: 'Name the metric columns with --columns, e.g. --columns cpu=cpu_cores.' },
    );
  }
  const noGpu = layout === LONG && !columns.has('gpu');
  for await (const row of rows) {
    if (!checkWidth(ctx, row, header, file)) continue;
    const at = { file, line: row.line };
    const time = readTime(ctx, file, row, columns, 'timestamp', parseTimestampSeconds);
    if (time === undefined) continue;
    const instance = cellOf(row, columns, 'instance').trim();
    const service = cellOf(row, columns, 'service').trim() || serviceOfPod(instance);
    if (service === '') {
      ctx.issues.skip('missing-service', at, 'the service (or container) cell is empty');
      continue;
    }
    // A long-csv without a gpu column describes CPU services: their GPU use is 0, not missing.
    const values: Record<'cpu' | 'memory' | 'gpu', number | null> = {
      cpu: null,
      memory: null,
      gpu: noGpu ? 0 : null,
    };
    let bad = false;
    for (const { key, scale } of measured) {
      const column = measureColumn(key);
      const value = readMeasure(ctx, cellOf(row, columns, column), column, scale, at);
      if (value === undefined) bad = true;
      else values[key] = value;
      if (bad) break;
    }
    if (bad) continue;
    ctx.metrics.add({ service, instance: instance || service, time, ...values }, at);
  }
}

function longFormat(layout: LongLayout): FormatReader {
  return {
    fallbackStep: 30,
    columnKeys: layout.columns.map((spec) => spec.key),
    classify: (_file, header) => (header === undefined ? 'ignored' : 'metrics'),
    readCsv: (_kind, file, header, rows, ctx) => readLong(layout, file, header, rows, ctx),
  };
}

export const longCsvFormat: FormatReader = longFormat(LONG);
export const gpuLongFormat: FormatReader = longFormat(GPU_LONG);
