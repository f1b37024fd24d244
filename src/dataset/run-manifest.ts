// run.json: validation (field by field, so an error names the field), canonical serialisation and reading.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../core/errors.js';
import { RUN_FILES, RUN_FORMAT, type ClusterKind, type RunManifest, type RunStatus } from './run-format.js';

const CLUSTER_KINDS: readonly ClusterKind[] = ['sim', 'kubernetes', 'import'];
const RUN_STATUSES: readonly RunStatus[] = ['running', 'complete', 'interrupted', 'failed'];

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/** Validates a parsed run.json (or a manifest about to be written); `file` only names it in errors. */
export function validateManifest(value: unknown, file: string): RunManifest {
  const fail = (field: string, expected: string, found: unknown): never => {
    throw new DataError(
      `run manifest field ${field} must be ${expected}, found ${describe(found)}`,
      { file, field },
      {
        suggestion: `Fix ${field} in ${RUN_FILES.manifest}, or re-create the run with rescape.`,
      },
    );
  };
  if (!isObject(value)) return fail('(root)', 'a JSON object', value);
  const str = (field: string, item: unknown = value[field]): string =>
    typeof item === 'string' && item !== '' ? item : fail(field, 'a non-empty string', item);
  const num = (field: string, item: unknown, check: (n: number) => boolean, expected: string): number =>
    typeof item === 'number' && Number.isFinite(item) && check(item) ? item : fail(field, expected, item);
  const oneOf = <T extends string>(field: string, item: unknown, allowed: readonly T[]): T =>
    allowed.includes(item as T) ? (item as T) : fail(field, `one of ${allowed.join(', ')}`, item);

  if (value['format'] !== RUN_FORMAT) fail('format', `"${RUN_FORMAT}"`, value['format']);
  const cluster = value['cluster'];
  if (!isObject(cluster)) return fail('cluster', 'an object with a kind', cluster);
  const load = value['load'];
  if (!isObject(load)) return fail('load', 'an object {min, max, redrawSeconds}', load);
  const seed = value['seed'];
  const startTime = str('startTime');
  if (Number.isNaN(Date.parse(startTime))) fail('startTime', 'an ISO 8601 date', startTime);
  const min = num('load.min', load['min'], (n) => n >= 0, 'a non-negative number');
  const max = num('load.max', load['max'], (n) => n >= min, `a number ≥ load.min (${min})`);

  return {
    format: RUN_FORMAT,
    id: str('id'),
    benchmark: str('benchmark'),
    cluster: { ...cluster, kind: oneOf('cluster.kind', cluster['kind'], CLUSTER_KINDS) },
    startTime,
    stepSeconds: num('stepSeconds', value['stepSeconds'], (n) => n > 0, 'a positive number'),
    samples: num(
      'samples',
      value['samples'],
      (n) => Number.isSafeInteger(n) && n >= 0,
      'a non-negative integer',
    ),
    seed: seed === null ? null : num('seed', seed, Number.isSafeInteger, 'an integer or null'),
    load: {
      min,
      max,
      redrawSeconds: num('load.redrawSeconds', load['redrawSeconds'], (n) => n > 0, 'a positive number'),
    },
    status: oneOf('status', value['status'], RUN_STATUSES),
    toolVersion: str('toolVersion'),
  };
}

/**
 * run.json text with keys in the design's fixed order (cluster: kind first, then the caller's keys), so that
 * the bytes do not depend on how the caller built the object.
 */
export function serializeManifest(manifest: RunManifest): string {
  const { kind, ...clusterRest } = manifest.cluster;
  const ordered = {
    format: manifest.format,
    id: manifest.id,
    benchmark: manifest.benchmark,
    cluster: { kind, ...clusterRest },
    startTime: manifest.startTime,
    stepSeconds: manifest.stepSeconds,
    samples: manifest.samples,
    seed: manifest.seed,
    load: { min: manifest.load.min, max: manifest.load.max, redrawSeconds: manifest.load.redrawSeconds },
    status: manifest.status,
    toolVersion: manifest.toolVersion,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Parses run.json text; JSON syntax errors name the file and, where known, the line. */
export function parseManifest(text: string, file: string): RunManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '');
    const line =
      position?.[1] === undefined ? undefined : text.slice(0, Number(position[1])).split('\n').length;
    throw new DataError(
      `not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      line === undefined ? { file } : { file, line },
      { suggestion: `Fix the JSON syntax of ${RUN_FILES.manifest}.`, cause: error },
    );
  }
  return validateManifest(value, file);
}

/** Reads and validates only run.json: cheap, for listing runs and checking a --resume target. */
export function readManifest(dir: string): RunManifest {
  const file = join(dir, RUN_FILES.manifest);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DataError(
      `cannot read the run manifest: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { file },
      {
        suggestion: `Check that ${dir} is a run directory written by \`rescape profile\`, \`import\` or \`export\`.`,
        cause: error,
      },
    );
  }
  return parseManifest(text, file);
}
