// Reads the result file of `rescape simulate` for `report --simulation`, checking its shape against the
// SimulationResult contract so that a wrong or damaged file fails here, naming the field, rather than as a
// broken chart.
import { readFileSync } from 'node:fs';
import { DataError } from '../core/errors.js';
import type { PolicySummary, SimulationResult } from '../sim/des/simulation-result.js';

/** The summary statistics in table order (the contract's PolicySummary keys). */
export const SUMMARY_KEYS = [
  'meanResponseMs',
  'p95ResponseMs',
  'p99ResponseMs',
  'loadBalanceCv',
  'utilisation',
  'replicaSeconds',
  'recoverySeconds',
  'errorRate',
] as const satisfies readonly (keyof PolicySummary)[];

const TIMELINE_KEYS = [
  't',
  'arrivalsPerSecond',
  'meanResponseMs',
  'p99ResponseMs',
  'utilisation',
  'replicas',
];
const SUGGESTION = 'Pass the result file written by `rescape simulate --out result.json`.';

export function readSimulationResult(file: string): SimulationResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DataError(
      `cannot read the simulation result: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { file },
      { suggestion: SUGGESTION, cause: error },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DataError(
      `not valid JSON: ${(error as Error).message}`,
      { file },
      { suggestion: SUGGESTION, cause: error },
    );
  }
  checkSimulationResult(value, file);
  return value;
}

/** Throws a DataError naming the first field that does not match the contract. */
export function checkSimulationResult(value: unknown, file: string): asserts value is SimulationResult {
  const fail = (field: string, message: string): never => {
    throw new DataError(`${field} ${message}`, { file, field }, { suggestion: SUGGESTION });
  };
  const record = (item: unknown, field: string): Record<string, unknown> =>
    typeof item === 'object' && item !== null && !Array.isArray(item)
      ? (item as Record<string, unknown>)
      : fail(field, 'is not an object');
  const number = (item: unknown, field: string): number =>
    typeof item === 'number' && Number.isFinite(item)
      ? item
      : fail(field, `is not a finite number (${JSON.stringify(item)})`);
  const string = (item: unknown, field: string): string =>
    typeof item === 'string' ? item : fail(field, 'is not a string');
  const list = (item: unknown, field: string): unknown[] =>
    Array.isArray(item) ? item : fail(field, 'is not a list');
  const numbers = (item: unknown, field: string): number[] =>
    list(item, field).map((entry, index) => number(entry, `${field}[${index}]`));

  const root = record(value, 'the file');
  if (root.kind !== 'rescape.simulation')
    fail('kind', `is ${JSON.stringify(root.kind)}, not "rescape.simulation"`);
  if (root.version !== 1) fail('version', `is ${JSON.stringify(root.version)}; this rescape reads version 1`);
  string(root.topology, 'topology');
  string(root.load, 'load');
  for (const key of ['durationSeconds', 'bucketSeconds', 'sloMs', 'events', 'wallSeconds'])
    number(root[key], key);
  if (!((root.bucketSeconds as number) > 0)) fail('bucketSeconds', 'must be > 0');
  const seeds = numbers(root.seeds, 'seeds');
  list(root.faults, 'faults').forEach((item, index) => {
    const fault = record(item, `faults[${index}]`);
    string(fault.service, `faults[${index}].service`);
    string(fault.kind, `faults[${index}].kind`);
    number(fault.startSeconds, `faults[${index}].startSeconds`);
    number(fault.endSeconds, `faults[${index}].endSeconds`);
  });
  const policies = list(root.policies, 'policies');
  if (policies.length === 0) fail('policies', 'is empty');
  policies.forEach((item, index) => {
    const field = `policies[${index}]`;
    const policy = record(item, field);
    string(policy.policy, `${field}.policy`);
    string(policy.description, `${field}.description`);
    const summary = record(policy.summary, `${field}.summary`);
    for (const key of SUMMARY_KEYS) {
      const statistic = record(summary[key], `${field}.summary.${key}`);
      for (const part of ['mean', 'ciLow', 'ciHigh'])
        number(statistic[part], `${field}.summary.${key}.${part}`);
      const values = numbers(statistic.values, `${field}.summary.${key}.values`);
      if (values.length !== seeds.length)
        fail(`${field}.summary.${key}.values`, `holds ${values.length} values for ${seeds.length} seeds`);
    }
    const timeline = record(policy.timeline, `${field}.timeline`);
    const length = numbers(timeline.t, `${field}.timeline.t`).length;
    for (const key of TIMELINE_KEYS.slice(1)) {
      const values = numbers(timeline[key], `${field}.timeline.${key}`);
      if (values.length !== length)
        fail(`${field}.timeline.${key}`, `holds ${values.length} values but timeline.t holds ${length}`);
    }
  });
}
