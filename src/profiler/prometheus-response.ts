// Parsing of Prometheus HTTP API bodies (https://prometheus.io/docs/prometheus/latest/querying/api/):
// `{status:"success", data:{resultType, result}, warnings?}` or `{status:"error", errorType, error}`.
// Sample values travel as strings so that "NaN", "+Inf" and "-Inf" survive JSON; they are parsed to numbers
// here and kept as they are (NaN stays NaN): deciding what a non-finite sample means is the caller's job.

export type Labels = Record<string, string>;

/** One sample: time in Unix seconds (fractional) and its value. */
export interface Sample {
  time: number;
  value: number;
}

export interface RangeSeries {
  labels: Labels;
  samples: Sample[];
}

export interface InstantSample {
  labels: Labels;
  sample: Sample;
}

export type QueryData =
  | { resultType: 'matrix'; series: RangeSeries[] }
  | { resultType: 'vector'; samples: InstantSample[] }
  | { resultType: 'scalar' | 'string'; sample: { time: number; value: string } };

export type ApiBody =
  | { status: 'success'; data: QueryData; warnings: string[] }
  | { status: 'error'; errorType: string; error: string; warnings: string[] };

/** What is wrong with a body that is not a Prometheus API answer; the caller wraps it in a typed error. */
export class MalformedBodyError extends Error {
  constructor(readonly path: string) {
    super(`malformed Prometheus response at ${path}`);
  }
}

/** Parses a sample value as Prometheus writes it ("1.5", "NaN", "+Inf", "-Inf", "1e+06"). */
export function parseSampleValue(text: string): number {
  switch (text) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
    default: {
      const value = Number(text);
      // Number('') is 0 and Number('0x10') is 16; neither is something Prometheus writes.
      if (text.trim() === '' || /^[+-]?0x/i.test(text) || Number.isNaN(value))
        throw new MalformedBodyError('value');
      return value;
    }
  }
}

/** Parses an API body (already JSON-decoded). Throws MalformedBodyError naming the path of the bad part. */
export function parseApiBody(body: unknown): ApiBody {
  const root = record(body, '$');
  const warnings = root.warnings === undefined ? [] : stringArray(root.warnings, '$.warnings');
  if (root.status === 'error') {
    return {
      status: 'error',
      errorType: typeof root.errorType === 'string' ? root.errorType : 'unknown',
      error: typeof root.error === 'string' ? root.error : '',
      warnings,
    };
  }
  if (root.status !== 'success') throw new MalformedBodyError('$.status');
  return { status: 'success', data: parseData(record(root.data, '$.data')), warnings };
}

function parseData(data: Record<string, unknown>): QueryData {
  const result = data.result;
  switch (data.resultType) {
    case 'matrix':
      return {
        resultType: 'matrix',
        series: array(result, '$.data.result').map((item, i) => {
          const path = `$.data.result[${i}]`;
          const entry = record(item, path);
          const values = array(entry.values ?? [], `${path}.values`);
          return {
            labels: labels(entry.metric, `${path}.metric`),
            samples: values.map((pair, j) => sample(pair, `${path}.values[${j}]`)),
          };
        }),
      };
    case 'vector':
      return {
        resultType: 'vector',
        samples: array(result, '$.data.result').map((item, i) => {
          const path = `$.data.result[${i}]`;
          const entry = record(item, path);
          return {
            labels: labels(entry.metric, `${path}.metric`),
            sample: sample(entry.value, `${path}.value`),
          };
        }),
      };
    case 'scalar':
    case 'string': {
      const [time, value] = pair(result, '$.data.result');
      return { resultType: data.resultType, sample: { time, value } };
    }
    default:
      throw new MalformedBodyError('$.data.resultType');
  }
}

function sample(value: unknown, path: string): Sample {
  const [time, text] = pair(value, path);
  try {
    return { time, value: parseSampleValue(text) };
  } catch {
    throw new MalformedBodyError(`${path}[1]`);
  }
}

function pair(value: unknown, path: string): [number, string] {
  const items = array(value, path);
  const [time, text] = items;
  if (items.length !== 2 || typeof time !== 'number' || typeof text !== 'string')
    throw new MalformedBodyError(path);
  return [time, text];
}

function labels(value: unknown, path: string): Labels {
  const entries = Object.entries(record(value ?? {}, path));
  for (const [name, text] of entries)
    if (typeof text !== 'string') throw new MalformedBodyError(`${path}.${name}`);
  return Object.fromEntries(entries) as Labels;
}

function stringArray(value: unknown, path: string): string[] {
  const items = array(value, path);
  items.forEach((item, i) => {
    if (typeof item !== 'string') throw new MalformedBodyError(`${path}[${i}]`);
  });
  return items as string[];
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedBodyError(path);
  return value as Record<string, unknown>;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new MalformedBodyError(path);
  return value;
}
