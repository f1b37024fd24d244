// Metrics profiles: YAML files (manifests/metrics-profiles/*.yaml, kube-burner-like) that list the PromQL
// queries behind each ms_metric.csv column, the labels naming a series' pod, and the pod → service rules.
// Loading validates every field and names the bad one; a user profile may leave out any top-level field
// but `metrics` to take the default's, and set `includeDefaultMetrics: true` to add queries to the defaults.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { DataError, UsageError } from '../core/errors.js';

export const METRICS_PROFILE_FORMAT = 'rescape.metrics-profile/v1';

/** src/profiler/ and dist/profiler/ both sit two levels below the package root. */
export const DEFAULT_METRICS_PROFILE = fileURLToPath(
  new URL('../../manifests/metrics-profiles/default.yaml', import.meta.url),
);

export type Aggregate = 'sum' | 'max' | 'avg';
const AGGREGATES: readonly Aggregate[] = ['sum', 'max', 'avg'];

export interface PodRule {
  match: RegExp;
  /** Service name template; $1.. are the match's groups. */
  service: string;
}

export interface MetricQuery {
  /** Column or metric name, e.g. cpu_utilization. */
  metricName: string;
  /** PromQL with $NS, $RATE and $STEP placeholders. */
  query: string;
  /** How the pods of one service combine. */
  aggregate: Aggregate;
}

export interface MetricsProfile {
  /** The file it was read from (for messages). */
  source: string;
  rateWindow: string;
  podLabels: string[];
  services: PodRule[];
  metrics: MetricQuery[];
}

export const QUERY_VARIABLES = ['NS', 'RATE', 'STEP'] as const;
const TOP_LEVEL = ['format', 'rateWindow', 'podLabels', 'services', 'metrics', 'includeDefaultMetrics'];
const DURATION = /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-z_][a-z0-9_]*$/;

/** Reads and validates a profile file; without a file, the default profile. */
export function loadMetricsProfile(file?: string): MetricsProfile {
  const defaults = parseMetricsProfile(readProfileFile(DEFAULT_METRICS_PROFILE), DEFAULT_METRICS_PROFILE);
  return file === undefined ? defaults : parseMetricsProfile(readProfileFile(file), file, defaults);
}

function readProfileFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read metrics profile ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      {
        suggestion: 'Check the --metrics-profile path, or leave it out to use the default profile.',
        cause: error,
      },
    );
  }
}

/** Parses profile text; fields left out are taken from `defaults` (required when there are none). */
export function parseMetricsProfile(text: string, source: string, defaults?: MetricsProfile): MetricsProfile {
  const fail = (field: string, message: string, suggestion: string): never => {
    throw new DataError(message, { file: source, field }, { suggestion });
  };
  let root: unknown;
  try {
    root = parseYaml(text);
  } catch (error) {
    const line = error instanceof YAMLParseError ? error.linePos?.[0]?.line : undefined;
    throw new DataError(
      `not valid YAML: ${(error as Error).message.split('\n')[0]}`,
      line === undefined ? { file: source } : { file: source, line },
      { suggestion: 'Fix the YAML syntax (indentation, quoting of regular expressions).', cause: error },
    );
  }
  const doc = isRecord(root)
    ? root
    : fail(
        '(root)',
        'a metrics profile must be a YAML mapping',
        'Start from manifests/metrics-profiles/default.yaml.',
      );
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL.includes(key))
      fail(key, `unknown field "${key}"`, `Known fields: ${TOP_LEVEL.join(', ')}.`);
  }
  if (doc.format !== METRICS_PROFILE_FORMAT) {
    fail(
      'format',
      `format must be "${METRICS_PROFILE_FORMAT}" (got ${JSON.stringify(doc.format)})`,
      `Add \`format: ${METRICS_PROFILE_FORMAT}\`.`,
    );
  }
  const inherit = <T>(field: string, read: (value: unknown) => T, fallback: T | undefined): T => {
    if (doc[field] !== undefined) return read(doc[field]);
    return fallback ?? fail(field, `${field} is missing`, `Give ${field}, as in the default profile.`);
  };
  const rateWindow = inherit(
    'rateWindow',
    (value) => {
      if (typeof value !== 'string' || value === '' || !DURATION.test(value)) {
        fail(
          'rateWindow',
          `rateWindow must be a PromQL duration such as 1m (got ${JSON.stringify(value)})`,
          'Use units ms, s, m, h, d, w, y, e.g. 1m or 90s.',
        );
      }
      return value as string;
    },
    defaults?.rateWindow,
  );
  const podLabels = inherit('podLabels', (value) => readPodLabels(value, fail), defaults?.podLabels);
  const services = inherit('services', (value) => readPodRules(value, fail), defaults?.services);
  const own = inherit('metrics', (value) => readMetrics(value, fail), undefined);
  const includeDefaults = doc.includeDefaultMetrics ?? false;
  if (typeof includeDefaults !== 'boolean')
    fail('includeDefaultMetrics', 'includeDefaultMetrics must be true or false', 'Write true or false.');
  const metrics = includeDefaults === true ? [...(defaults?.metrics ?? []), ...own] : own;
  const seen = new Set<string>();
  metrics.forEach((metric, i) => {
    if (seen.has(metric.metricName)) {
      fail(
        `metrics[${i}].metricName`,
        `metric "${metric.metricName}" is defined twice`,
        'Give each query its own metricName (or drop includeDefaultMetrics to replace the defaults).',
      );
    }
    seen.add(metric.metricName);
  });
  return { source, rateWindow, podLabels, services, metrics };
}

type Fail = (field: string, message: string, suggestion: string) => never;

function readPodLabels(value: unknown, fail: Fail): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    return fail(
      'podLabels',
      'podLabels must be a non-empty list of label names',
      'E.g. [exported_pod, pod_name, pod].',
    );
  }
  return value.map((label, i) =>
    typeof label === 'string' && LABEL_NAME.test(label)
      ? label
      : fail(
          `podLabels[${i}]`,
          `${JSON.stringify(label)} is not a Prometheus label name`,
          'Label names match [a-zA-Z_][a-zA-Z0-9_]*.',
        ),
  );
}

function readPodRules(value: unknown, fail: Fail): PodRule[] {
  if (!Array.isArray(value))
    return fail(
      'services',
      'services must be a list of {match, service} rules',
      'Use an empty list [] to map every pod to itself.',
    );
  return value.map((rule, i) => {
    const field = `services[${i}]`;
    if (
      !isRecord(rule) ||
      typeof rule.match !== 'string' ||
      typeof rule.service !== 'string' ||
      rule.service === ''
    ) {
      return fail(
        field,
        'a rule needs a string `match` (regular expression) and a non-empty `service`',
        "E.g. {match: '^(.+)-[0-9]+$', service: '$1'}.",
      );
    }
    let match: RegExp;
    try {
      match = new RegExp(rule.match);
    } catch (error) {
      return fail(
        `${field}.match`,
        `invalid regular expression: ${(error as Error).message}`,
        'Quote the expression in single quotes and check its brackets.',
      );
    }
    const groups = new RegExp(`${rule.match}|`).exec('')?.length ?? 1;
    for (const ref of rule.service.matchAll(/\$(\d+)/g)) {
      if (Number(ref[1]) >= groups) {
        fail(
          `${field}.service`,
          `$${ref[1]} refers to a group the expression does not have (it has ${groups - 1})`,
          'Add a capturing group or use a lower $n.',
        );
      }
    }
    return { match, service: rule.service };
  });
}

function readMetrics(value: unknown, fail: Fail): MetricQuery[] {
  if (!Array.isArray(value))
    return fail(
      'metrics',
      'metrics must be a list of {metricName, query}',
      'See manifests/metrics-profiles/default.yaml.',
    );
  return value.map((item, i) => {
    const field = `metrics[${i}]`;
    if (!isRecord(item))
      return fail(
        field,
        'a metric must be a mapping {metricName, query, aggregate}',
        'See the default profile.',
      );
    for (const key of Object.keys(item)) {
      if (!['metricName', 'query', 'aggregate'].includes(key))
        fail(`${field}.${key}`, `unknown field "${key}"`, 'Known fields: metricName, query, aggregate.');
    }
    const { metricName, query } = item;
    if (typeof metricName !== 'string' || !METRIC_NAME.test(metricName)) {
      fail(
        `${field}.metricName`,
        `metricName must be a lower-case identifier (got ${JSON.stringify(metricName)})`,
        'E.g. cpu_utilization.',
      );
    }
    if (typeof query !== 'string' || query.trim() === '')
      fail(
        `${field}.query`,
        'query must be a non-empty PromQL string',
        'Write the PromQL after `query: >-`.',
      );
    for (const ref of (query as string).matchAll(/\$([A-Z_]+)/g)) {
      if (!(QUERY_VARIABLES as readonly string[]).includes(ref[1] ?? '')) {
        fail(
          `${field}.query`,
          `unknown variable $${ref[1]}`,
          `Variables are ${QUERY_VARIABLES.map((name) => `$${name}`).join(', ')}.`,
        );
      }
    }
    const aggregate = item.aggregate ?? 'sum';
    if (!AGGREGATES.includes(aggregate as Aggregate)) {
      fail(
        `${field}.aggregate`,
        `aggregate must be one of ${AGGREGATES.join(', ')} (got ${JSON.stringify(aggregate)})`,
        'Use sum for per-service totals.',
      );
    }
    return {
      metricName: metricName as string,
      query: (query as string).trim(),
      aggregate: aggregate as Aggregate,
    };
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
