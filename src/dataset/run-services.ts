// services.csv: the service table that numbers services. ms_id is 0..n-1 in sorted ms_name order, so the
// numbering is stable across runs of one benchmark and every other file is checked against this table.
import { join } from 'node:path';
import { DataError } from '../core/errors.js';
import { formatInteger, formatText, parseInteger } from './csv-cells.js';
import { checkColumnCount, checkHeader, parseCsvRecords, stringifyRows } from './csv-table.js';
import { readRunFile } from './run-file-io.js';
import {
  RUN_FILES,
  SERVICE_KINDS,
  SERVICES_COLUMNS,
  type ServiceKind,
  type ServiceRow,
} from './run-format.js';

/**
 * The order that defines ms_id: UTF-16 code unit order (JavaScript's default sort), which unlike
 * localeCompare does not depend on the machine's locale.
 */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Numbers services by sorted name: the rows services.csv must hold for these names. */
export function numberServices(services: readonly Omit<ServiceRow, 'msId'>[]): ServiceRow[] {
  return [...services]
    .sort((a, b) => compareNames(a.msName, b.msName))
    .map((service, msId) => ({
      msId,
      msName: service.msName,
      kind: service.kind,
      replicas: service.replicas,
    }));
}

/** Checks one service against its position; `line` is set when it comes from a file. */
function checkServiceOrder(
  service: ServiceRow,
  index: number,
  previous: ServiceRow | undefined,
  location: { file: string; line?: number },
): void {
  const suggestion = 'ms_id must number services 0..n-1 in sorted ms_name order; renumber the services.';
  if (service.msId !== index) {
    throw new DataError(
      `ms_id ${service.msId} of ${service.msName} should be ${index}`,
      { ...location, field: 'ms_id' },
      {
        suggestion,
      },
    );
  }
  if (previous !== undefined && compareNames(previous.msName, service.msName) >= 0) {
    const problem =
      previous.msName === service.msName ? 'is listed twice' : `sorts before ${previous.msName}`;
    throw new DataError(
      `service ${service.msName} ${problem}`,
      { ...location, field: 'ms_name' },
      { suggestion },
    );
  }
}

/** Validates services given to the writer and returns their services.csv text. */
export function formatServices(services: readonly ServiceRow[]): string {
  const file = RUN_FILES.services;
  if (services.length === 0) {
    throw new DataError(
      'a run needs at least one service',
      { file },
      { suggestion: 'Pass the benchmark services.' },
    );
  }
  const rows = services.map((service, index) => {
    checkServiceOrder(service, index, services[index - 1], { file });
    if (!SERVICE_KINDS.includes(service.kind)) {
      throw new DataError(`unknown service kind ${JSON.stringify(service.kind)}`, { file, field: 'kind' });
    }
    return [
      formatInteger(service.msId, 'ms_id', { file }),
      formatText(service.msName, 'ms_name', { file }),
      service.kind,
      formatInteger(service.replicas, 'replicas', { file }),
    ];
  });
  return stringifyRows([SERVICES_COLUMNS, ...rows]);
}

/** Parses and validates services.csv text; `file` names it in errors. */
export function parseServices(text: string, file: string): ServiceRow[] {
  const [header, ...records] = parseCsvRecords(text, file);
  checkHeader(header, SERVICES_COLUMNS, file);
  const services: ServiceRow[] = [];
  for (const record of records) {
    checkColumnCount(record, SERVICES_COLUMNS, file);
    const [msId = '', msName = '', kind = '', replicas = ''] = record.cells;
    const at = { file, line: record.line };
    if (!SERVICE_KINDS.includes(kind as ServiceKind)) {
      throw new DataError(
        `unknown service kind ${JSON.stringify(kind)}`,
        { ...at, field: 'kind' },
        {
          suggestion: `kind must be one of ${SERVICE_KINDS.join(', ')}.`,
        },
      );
    }
    const service: ServiceRow = {
      msId: parseInteger(msId, 'ms_id', at),
      msName: msName === '' ? emptyName(at) : msName,
      kind: kind as ServiceKind,
      replicas: parseInteger(replicas, 'replicas', at),
    };
    checkServiceOrder(service, services.length, services[services.length - 1], at);
    services.push(service);
  }
  if (services.length === 0) {
    throw new DataError(
      'no services listed',
      { file, line: 2 },
      { suggestion: 'A run needs at least one service.' },
    );
  }
  return services;
}

function emptyName(at: { file: string; line: number }): never {
  throw new DataError('empty ms_name', { ...at, field: 'ms_name' });
}

/** Reads services.csv of a run directory. */
export function readServices(dir: string): ServiceRow[] {
  const file = join(dir, RUN_FILES.services);
  return parseServices(readRunFile(file), file);
}
