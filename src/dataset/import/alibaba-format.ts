// Alibaba cluster-trace-microservices v2021 and v2022: MSCallGraph and MSResource files, as the READMEs
// name their columns and as raw dumps have them (a leading unnamed index column, instance_cpu_usage-style
// names). Timestamps are milliseconds from the trace start. CPU is the trace's utilisation as given (v2021:
// a fraction of the container's CPU; v2022: max-min normalised), summed over instances; memory is a
// utilisation, not bytes, so memory_bytes stays empty; gpu_utilization is 0 (CPU services, as DESIGN.md says).
import { headerHas, resolveColumns, type ColumnSpec } from './column-map.js';
import type { CsvRow } from './csv-file-reader.js';
import type { FileKind, FormatReader } from './format-reader.js';
import { isPlaceholder, parseNumber } from './cell-values.js';
import { cellOf, checkWidth, readTime, readMeasure, type ImportContext } from './import-context.js';

const CALL_COLUMNS: readonly ColumnSpec[] = [
  { key: 'timestamp', names: ['timestamp'], required: true },
  { key: 'trace', names: ['traceid', 'trace_id'], required: true },
  { key: 'rpc', names: ['rpc_id', 'rpcid'], required: true },
  { key: 'um', names: ['um'], required: true },
  { key: 'dm', names: ['dm'], required: true },
  { key: 'rpctype', names: ['rpctype', 'rpc_type'], required: false },
  { key: 'rt', names: ['rt'], required: false },
];

const RESOURCE_COLUMNS: readonly ColumnSpec[] = [
  { key: 'timestamp', names: ['timestamp'], required: true },
  { key: 'service', names: ['msname', 'ms_name'], required: true },
  { key: 'instance', names: ['msinstanceid', 'ms_instance_id', 'instance_id'], required: false },
  { key: 'cpu', names: ['cpu_utilization', 'instance_cpu_usage', 'cpu_usage'], required: true },
];

const MS_PER_S = 1000;

function kindOf(_file: string, header: CsvRow | undefined): FileKind {
  if (header === undefined) return 'ignored';
  if (headerHas(header, 'um', 'dm')) return 'calls';
  if (headerHas(header, 'msname') || headerHas(header, 'ms_name')) return 'metrics';
  return 'ignored';
}

/** rpc ids name the call's place in the trace: "0.1" (or "0") is the call that entered the system. */
function isEntry(rpcId: string): boolean {
  return rpcId.split('.').length <= 2;
}

async function readCalls(
  file: string,
  header: CsvRow,
  rows: AsyncIterable<CsvRow>,
  ctx: ImportContext,
): Promise<void> {
  const columns = resolveColumns(header, CALL_COLUMNS, ctx.columns, file);
  const calls = ctx.calls;
  for await (const row of rows) {
    if (!checkWidth(ctx, row, header, file) || calls === undefined) continue;
    const at = { file, line: row.line };
    const ms = readTime(ctx, file, row, columns, 'timestamp', parseNumber);
    if (ms === undefined) continue;
    const trace = cellOf(row, columns, 'trace').trim();
    const rpc = cellOf(row, columns, 'rpc').trim();
    if (trace !== '' && rpc !== '' && !ctx.seenCalls.add(`${trace}\u0000${rpc}`)) {
      ctx.issues.skip(
        'duplicate-call',
        at,
        `call ${rpc} of trace ${trace} was logged before (by the other side)`,
      );
      continue;
    }
    const rtText = cellOf(row, columns, 'rt');
    const rt = parseNumber(rtText);
    if (rtText.trim() !== '' && rt === null) {
      ctx.issues.skip('bad-number', at, `rt is ${JSON.stringify(rtText)}, not a number`);
      continue;
    }
    // The DM side logs the negated response time (README v2021).
    const rtMs = rt === null ? null : Math.abs(rt);
    const time = ms / MS_PER_S;
    if (rpc !== '' && isEntry(rpc)) calls.addRequest(time, rtMs);
    const um = cellOf(row, columns, 'um').trim();
    const dm = cellOf(row, columns, 'dm').trim();
    if (isPlaceholder(um) || isPlaceholder(dm)) {
      ctx.issues.skip(
        'placeholder-service',
        at,
        `um ${JSON.stringify(um)} → dm ${JSON.stringify(dm)} names no service`,
      );
    } else if (um === dm) {
      ctx.issues.skip('self-call', at, `${um} calls itself`);
    } else {
      calls.addCall(time, um, dm, cellOf(row, columns, 'rpctype').trim(), rtMs);
    }
  }
}

async function readResources(
  file: string,
  header: CsvRow,
  rows: AsyncIterable<CsvRow>,
  ctx: ImportContext,
): Promise<void> {
  const columns = resolveColumns(header, RESOURCE_COLUMNS, ctx.columns, file);
  for await (const row of rows) {
    if (!checkWidth(ctx, row, header, file)) continue;
    const at = { file, line: row.line };
    const ms = readTime(ctx, file, row, columns, 'timestamp', parseNumber);
    const service = cellOf(row, columns, 'service').trim();
    if (ms === undefined) continue;
    if (isPlaceholder(service)) {
      ctx.issues.skip('placeholder-service', at, `msname ${JSON.stringify(service)} names no service`);
      continue;
    }
    const cpu = readMeasure(ctx, cellOf(row, columns, 'cpu'), 'cpu', 1, at);
    if (cpu === undefined) continue;
    const instance = cellOf(row, columns, 'instance').trim() || service;
    ctx.metrics.add({ service, instance, time: ms / MS_PER_S, cpu, memory: null, gpu: 0 }, at);
  }
}

function alibabaFormat(): FormatReader {
  return {
    fallbackStep: 30,
    columnKeys: ['timestamp', 'trace', 'rpc', 'um', 'dm', 'rpctype', 'rt', 'service', 'instance', 'cpu'],
    classify: kindOf,
    async readCsv(kind, file, header, rows, ctx) {
      if (kind === 'metrics') return readResources(file, header, rows, ctx);
      return readCalls(file, header, rows, ctx);
    },
  };
}

export const alibabaV2021Format: FormatReader = alibabaFormat();
export const alibabaV2022Format: FormatReader = alibabaFormat();
