// One per-pod metric CSV (Nezha / Online Boutique layout): a wall-clock column (Time), an epoch column
// (TimeStamp), PodName, CpuUsage(m) and MemoryUsage(Mi). The wall clock is trusted; the epoch column is
// checked against it and disagreements are reported as clock issues rather than silently used.
import { parseNumber, parseWallClock } from './cell-values.js';
import type { ColumnSpec } from './column-map.js';
import { resolveColumns } from './column-map.js';
import type { CsvRow } from './csv-file-reader.js';
import { cellOf, checkWidth, readTime, readMeasure, type ImportContext } from './import-context.js';
import { EpochCheck } from './epoch-check.js';
import { serviceOfPod } from './pod-names.js';

export const POD_METRIC_COLUMNS: readonly ColumnSpec[] = [
  { key: 'time', names: ['Time'], required: false },
  { key: 'epoch', names: ['TimeStamp', 'timestamp'], required: false },
  { key: 'pod', names: ['PodName', 'pod'], required: true },
  { key: 'cpu', names: ['CpuUsage(m)'], required: false },
  { key: 'memory', names: ['MemoryUsage(Mi)'], required: false },
];

const MILLICORES = 1 / 1000;
const MEBIBYTES = 1024 * 1024;

export async function readPodMetrics(
  file: string,
  header: CsvRow,
  rows: AsyncIterable<CsvRow>,
  ctx: ImportContext,
): Promise<void> {
  const columns = resolveColumns(header, POD_METRIC_COLUMNS, ctx.columns, file);
  const hasWall = columns.has('time');
  const epochCheck = new EpochCheck(file);
  let previous = -Infinity;
  let unordered = 0;
  for await (const row of rows) {
    if (!checkWidth(ctx, row, header, file)) continue;
    const at = { file, line: row.line };
    const pod = cellOf(row, columns, 'pod').trim();
    if (pod === '') {
      ctx.issues.skip('missing-service', at, 'the pod name is empty');
      continue;
    }
    const time = readTime(
      ctx,
      file,
      row,
      columns,
      hasWall ? 'time' : 'epoch',
      hasWall ? parseWallClock : parseNumber,
    );
    if (time === undefined) continue;
    const cpu = readMeasure(ctx, cellOf(row, columns, 'cpu'), 'cpu', MILLICORES, at);
    const memory = readMeasure(ctx, cellOf(row, columns, 'memory'), 'memory', MEBIBYTES, at);
    if (cpu === undefined || memory === undefined) continue;
    if (hasWall) epochCheck.add(time, parseNumber(cellOf(row, columns, 'epoch')));
    if (time < previous) unordered += 1;
    previous = Math.max(previous, time);
    ctx.metrics.add({ service: serviceOfPod(pod), instance: pod, time, cpu, memory, gpu: 0 }, at);
  }
  for (const issue of epochCheck.issues()) ctx.issues.clock(issue);
  if (unordered > 0) {
    ctx.issues.clock({
      file,
      kind: 'unordered-timestamp',
      rows: unordered,
      message: `${unordered} rows go back in time; they were placed on the grid by their own timestamp`,
    });
  }
}
