// One step's rows formatted for the three data files, after checking the step is whole and consistent.
import { DataError } from '../core/errors.js';
import { stringifyRows } from './csv-table.js';
import type { ServiceRow, StepRecord } from './run-format.js';
import { formatCallRow, formatLoadRow, formatMetricRow } from './run-rows.js';

export interface DataFiles<T> {
  metrics: T;
  callgraph: T;
  load: T;
}

/** Validates the whole step and formats it before anything is written, so a bad step leaves no trace. */
export function formatStep(
  step: StepRecord,
  expectedTimestamp: number,
  samples: number,
  services: readonly ServiceRow[],
  paths: DataFiles<string>,
): DataFiles<Buffer> {
  const { timestamp } = step;
  const at = (file: string) => ({ file, field: 'timestamp' });
  if (timestamp !== expectedTimestamp) {
    throw new DataError(
      `step ${timestamp} arrived out of order: expected timestamp ${expectedTimestamp}`,
      at(paths.load),
    );
  }
  if (timestamp >= samples) {
    throw new DataError(`step ${timestamp} is beyond the ${samples} samples run.json plans`, at(paths.load), {
      suggestion: 'Raise samples with updateManifest before writing more steps.',
    });
  }
  const mismatch = (file: string, found: number) =>
    new DataError(`a row of step ${timestamp} has timestamp ${found}`, at(file));
  if (step.load.timestamp !== timestamp) throw mismatch(paths.load, step.load.timestamp);
  // Rows go out in ms_id order whatever order the caller produced, so the bytes depend only on the data.
  const bySlot: (string[] | undefined)[] = services.map(() => undefined);
  for (const row of step.metrics) {
    if (row.timestamp !== timestamp) throw mismatch(paths.metrics, row.timestamp);
    const cells = formatMetricRow(row, services, paths.metrics);
    if (bySlot[row.msId] !== undefined) {
      throw new DataError(`step ${timestamp} has two rows for ${row.msName}`, {
        file: paths.metrics,
        field: 'ms_id',
      });
    }
    bySlot[row.msId] = cells;
  }
  const metricRows = bySlot.filter((cells): cells is string[] => cells !== undefined);
  if (metricRows.length < services.length) {
    const missing = services.filter((service) => bySlot[service.msId] === undefined);
    throw new DataError(
      `step ${timestamp} lacks rows for ${missing.map((service) => service.msName).join(', ')}`,
      { file: paths.metrics, field: 'ms_name' },
      { suggestion: 'Write a row with null values for a service whose sample is missing.' },
    );
  }
  for (const call of step.calls) {
    if (call.timestamp !== timestamp) throw mismatch(paths.callgraph, call.timestamp);
  }
  const callRows = step.calls.map((call) => formatCallRow(call, services, paths.callgraph));
  return {
    metrics: Buffer.from(stringifyRows(metricRows)),
    callgraph: Buffer.from(stringifyRows(callRows)),
    load: Buffer.from(stringifyRows([formatLoadRow(step.load, paths.load)])),
  };
}
