// The two side files of the per-pod layout: the static dependency graph (Source,Target[,Weight]) and the
// list of injected faults (JSON), which become run.json anomalies so evaluation can leave those windows out.
import { readFileSync } from 'node:fs';
import { DataError } from '../../core/errors.js';
import { parseNumber, parseWallClock } from './cell-values.js';
import { resolveColumns, type ColumnSpec } from './column-map.js';
import type { CsvRow } from './csv-file-reader.js';
import { cellOf, checkWidth, type ImportContext } from './import-context.js';
import { serviceOfPod } from './pod-names.js';

export const DEPENDENCY_COLUMNS: readonly ColumnSpec[] = [
  { key: 'source', names: ['Source'], required: true },
  { key: 'target', names: ['Target'], required: true },
];

export async function readDependencies(
  file: string,
  header: CsvRow,
  rows: AsyncIterable<CsvRow>,
  ctx: ImportContext,
): Promise<void> {
  const columns = resolveColumns(header, DEPENDENCY_COLUMNS, ctx.columns, file);
  for await (const row of rows) {
    if (!checkWidth(ctx, row, header, file)) continue;
    const um = cellOf(row, columns, 'source').trim();
    const dm = cellOf(row, columns, 'target').trim();
    if (um === '' || dm === '' || um === dm) {
      ctx.issues.skip(
        'bad-static-edge',
        { file, line: row.line },
        `edge ${um} → ${dm} is not a call between two services`,
      );
      continue;
    }
    ctx.calls?.addStatic({ um, dm, file, line: row.line });
  }
}

type Json = unknown;

function faultEntries(value: Json): Json[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(faultEntries);
  return [value];
}

/** A fault list: {"<hour>": [{inject_time, inject_timestamp, inject_pod, inject_type}, …], …} or a flat array. */
export function readFaultList(file: string, ctx: ImportContext): void {
  let parsed: Json;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DataError(
      `not a JSON fault list: ${error instanceof Error ? error.message : String(error)}`,
      { file },
      { suggestion: "Pass the dataset's *fault_list.json unchanged, or leave it out.", cause: error },
    );
  }
  faultEntries(parsed).forEach((entry, index) => {
    const at = { file, line: index + 1 };
    const record = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const pod = typeof record['inject_pod'] === 'string' ? record['inject_pod'] : '';
    const kind = typeof record['inject_type'] === 'string' ? record['inject_type'] : 'fault';
    const stamp = String(record['inject_timestamp'] ?? '');
    const time = parseNumber(stamp) ?? parseWallClock(String(record['inject_time'] ?? ''));
    ctx.rowsRead += 1;
    if (pod === '' || time === null) {
      ctx.issues.skip('bad-fault-entry', at, `fault entry ${index + 1} lacks inject_pod or a readable time`);
      return;
    }
    ctx.anomalies.push({ service: serviceOfPod(pod), kind, time });
  });
}
