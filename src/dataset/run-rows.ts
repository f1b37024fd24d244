// Row codecs of the run CSVs: typed rows ↔ cells, checked against the service table in both directions, so
// the writer can never produce a file the reader rejects.
import { DataError } from '../core/errors.js';
import {
  MILLISECOND_DIGITS,
  UTILIZATION_DIGITS,
  formatBytes,
  formatDecimal,
  formatInteger,
  formatText,
  parseDecimal,
  parseInteger,
} from './csv-cells.js';
import type { CallRow, LoadRow, MetricRow, ServiceRow } from './run-format.js';

/** Where a row is (file always; line when read from a file). */
export interface RowLocation {
  file: string;
  line?: number;
}

const METRIC_REF = { name: 'ms_name', id: 'ms_id' };
const UM_REF = { name: 'um', id: 'um_id' };
const DM_REF = { name: 'dm', id: 'dm_id' };

/** Checks that a (name, id) pair names one service of services.csv. */
export function checkServiceRef(
  services: readonly ServiceRow[],
  name: string,
  id: number,
  columns: { name: string; id: string },
  at: RowLocation,
): void {
  const byId = services[id];
  if (byId !== undefined && byId.msName === name) return;
  const byName = services.find((service) => service.msName === name);
  const suggestion = 'Every service must be listed in services.csv with the same ms_id.';
  if (byName === undefined) {
    throw new DataError(
      `unknown service ${JSON.stringify(name)} in column ${columns.name}`,
      { ...at, field: columns.name },
      {
        suggestion,
      },
    );
  }
  throw new DataError(
    `${columns.id} ${id} does not match ${columns.name} ${name} (ms_id ${byName.msId} in services.csv)`,
    { ...at, field: columns.id },
    { suggestion },
  );
}

export function formatMetricRow(row: MetricRow, services: readonly ServiceRow[], file: string): string[] {
  const at = { file };
  checkServiceRef(services, row.msName, row.msId, METRIC_REF, at);
  return [
    formatInteger(row.timestamp, 'timestamp', at),
    row.msName,
    formatInteger(row.msId, 'ms_id', at),
    formatDecimal(row.cpuUtilization, UTILIZATION_DIGITS, 'cpu_utilization', at),
    formatDecimal(row.gpuUtilization, UTILIZATION_DIGITS, 'gpu_utilization', at),
    formatBytes(row.memoryBytes, 'memory_bytes', at),
  ];
}

export function parseMetricRow(
  cells: readonly string[],
  services: readonly ServiceRow[],
  at: RowLocation,
): MetricRow {
  const [timestamp = '', msName = '', msId = '', cpu = '', gpu = '', memory = ''] = cells;
  const row: MetricRow = {
    timestamp: parseInteger(timestamp, 'timestamp', at),
    msName,
    msId: parseInteger(msId, 'ms_id', at),
    cpuUtilization: parseDecimal(cpu, 'cpu_utilization', at, true),
    gpuUtilization: parseDecimal(gpu, 'gpu_utilization', at, true),
    memoryBytes: parseDecimal(memory, 'memory_bytes', at, true),
  };
  checkServiceRef(services, row.msName, row.msId, METRIC_REF, at);
  return row;
}

export function formatCallRow(row: CallRow, services: readonly ServiceRow[], file: string): string[] {
  const at = { file };
  checkServiceRef(services, row.um, row.umId, UM_REF, at);
  checkServiceRef(services, row.dm, row.dmId, DM_REF, at);
  return [
    formatInteger(row.timestamp, 'timestamp', at),
    formatText(row.traceId, 'trace_id', at),
    row.um,
    row.dm,
    formatInteger(row.umId, 'um_id', at),
    formatInteger(row.dmId, 'dm_id', at),
    formatText(row.rpcType, 'rpc_type', at, { allowEmpty: true }),
    formatDecimal(row.rtMs, MILLISECOND_DIGITS, 'rt_ms', at),
  ];
}

export function parseCallRow(
  cells: readonly string[],
  services: readonly ServiceRow[],
  at: RowLocation,
): CallRow {
  const [timestamp = '', traceId = '', um = '', dm = '', umId = '', dmId = '', rpcType = '', rtMs = ''] =
    cells;
  if (traceId === '') {
    throw new DataError(
      'empty trace_id',
      { ...at, field: 'trace_id' },
      {
        suggestion: 'Every call must carry the id of the trace it belongs to.',
      },
    );
  }
  const row: CallRow = {
    timestamp: parseInteger(timestamp, 'timestamp', at),
    traceId,
    um,
    dm,
    umId: parseInteger(umId, 'um_id', at),
    dmId: parseInteger(dmId, 'dm_id', at),
    rpcType,
    rtMs: parseDecimal(rtMs, 'rt_ms', at, true),
  };
  checkServiceRef(services, row.um, row.umId, UM_REF, at);
  checkServiceRef(services, row.dm, row.dmId, DM_REF, at);
  return row;
}

export function formatLoadRow(row: LoadRow, file: string): string[] {
  const at = { file };
  return [
    formatInteger(row.timestamp, 'timestamp', at),
    formatInteger(row.concurrency, 'concurrency', at),
    formatInteger(row.requests, 'requests', at),
    formatInteger(row.errors, 'errors', at),
    formatDecimal(row.latencyP50Ms, MILLISECOND_DIGITS, 'latency_p50_ms', at),
    formatDecimal(row.latencyP99Ms, MILLISECOND_DIGITS, 'latency_p99_ms', at),
  ];
}

export function parseLoadRow(cells: readonly string[], at: RowLocation): LoadRow {
  const [timestamp = '', concurrency = '', requests = '', errors = '', p50 = '', p99 = ''] = cells;
  return {
    timestamp: parseInteger(timestamp, 'timestamp', at),
    concurrency: parseInteger(concurrency, 'concurrency', at),
    requests: parseInteger(requests, 'requests', at),
    errors: parseInteger(errors, 'errors', at),
    latencyP50Ms: parseDecimal(p50, 'latency_p50_ms', at, true),
    latencyP99Ms: parseDecimal(p99, 'latency_p99_ms', at, true),
  };
}
