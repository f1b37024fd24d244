// The Prometheus text exposition format (version 0.0.4), written by hand: prom-client is not a dependency,
// and serve exposes a handful of families. The escaping rules are the format's own: label values escape
// backslash, double quote and line feed; HELP text escapes backslash and line feed; sample values use Go's
// spellings of the special floats. `promtool check metrics` checks the output in the tests.

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'counter' | 'gauge' | 'histogram';

export type LabelSet = Readonly<Record<string, string>>;

export interface Sample {
  /** Suffix after the family name (`_bucket`, `_sum`, `_count`), '' for the family's own samples. */
  suffix?: string;
  labels: LabelSet;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: readonly Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value as Prometheus' parser (Go's strconv.ParseFloat) reads it. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

export function formatLabels(labels: LabelSet): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries
    .map(([name, value]) => {
      // Names come from this program, never from data: a bad one is a bug here, not an input error.
      if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new Error(`invalid label name ${name}`);
      return `${name}="${escapeLabelValue(value)}"`;
    })
    .join(',')}}`;
}

/** One family's lines (HELP, TYPE, samples), each ending in a line feed. */
export function formatFamily(family: MetricFamily): string {
  if (!METRIC_NAME.test(family.name)) throw new Error(`invalid metric name ${family.name}`);
  let text = `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
  for (const sample of family.samples) {
    text += `${family.name}${sample.suffix ?? ''}${formatLabels(sample.labels)} ${formatValue(sample.value)}\n`;
  }
  return text;
}

export function formatExposition(families: readonly MetricFamily[]): string {
  return families.map(formatFamily).join('');
}
