// The hand-written exposition format: escaping as the format specifies, histograms cumulative, and a page
// with hostile label values accepted by Prometheus' own checker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import {
  escapeHelp,
  escapeLabelValue,
  formatExposition,
  formatFamily,
  formatValue,
} from '../../src/serve/exposition.js';
import { CounterSeries, HistogramSeries } from '../../src/serve/metric-series.js';
import { PROMTOOL_BIN } from '../helpers/prometheus-server.js';

test('label values escape backslash, double quote and line feed, and nothing else', () => {
  const cases: [string, string][] = [
    ['plain-service', 'plain-service'],
    ['a"b', 'a\\"b'],
    ['a\\b', 'a\\\\b'],
    ['a\nb', 'a\\nb'],
    ['\\"\n', '\\\\\\"\\n'],
    ['tab\there', 'tab\there'],
    ['ünïcødé {x=1}', 'ünïcødé {x=1}'],
  ];
  for (const [value, escaped] of cases) assert.equal(escapeLabelValue(value), escaped, JSON.stringify(value));
  assert.equal(escapeHelp('a "quoted"\\ line\nnext'), 'a "quoted"\\\\ line\\nnext');
});

test('sample values use the spellings Prometheus parses', () => {
  assert.equal(formatValue(NaN), 'NaN');
  assert.equal(formatValue(Infinity), '+Inf');
  assert.equal(formatValue(-Infinity), '-Inf');
  assert.equal(formatValue(1e21), '1e+21');
  assert.equal(formatValue(0.25), '0.25');
  assert.equal(formatValue(-3), '-3');
});

test('names are checked: a bad metric or label name is a bug, not output', () => {
  assert.throws(
    () => formatFamily({ name: 'bad-name', help: '', type: 'gauge', samples: [] }),
    /metric name/,
  );
  for (const label of ['bad-label', '__reserved', '1st']) {
    const family = {
      name: 'ok',
      help: '',
      type: 'gauge' as const,
      samples: [{ labels: { [label]: 'x' }, value: 1 }],
    };
    assert.throws(() => formatFamily(family), /label name/, label);
  }
});

test('histograms are cumulative with +Inf, _sum and _count; counters add up per label set', () => {
  const histogram = new HistogramSeries('x_seconds', 'x', [0.1, 1]);
  for (const value of [0.05, 0.1, 0.5, 3]) histogram.observe({ route: '/a' }, value);
  const text = formatFamily(histogram.family());
  assert.match(text, /^x_seconds_bucket\{route="\/a",le="0\.1"\} 2$/m);
  assert.match(text, /^x_seconds_bucket\{route="\/a",le="1"\} 3$/m);
  assert.match(text, /^x_seconds_bucket\{route="\/a",le="\+Inf"\} 4$/m);
  assert.match(text, /^x_seconds_sum\{route="\/a"\} 3\.65$/m);
  assert.match(text, /^x_seconds_count\{route="\/a"\} 4$/m);
  assert.throws(() => new HistogramSeries('y', 'y', [1, 1]), /increase/);

  const counter = new CounterSeries('requests_total', 'r');
  counter.inc({ code: '200' });
  counter.inc({ code: '200' });
  counter.inc({ code: '404' });
  assert.equal(counter.get({ code: '200' }), 2);
  assert.equal(counter.total(), 3);
});

test('promtool check metrics accepts a page with hostile label values', async () => {
  const histogram = new HistogramSeries(
    'rescape_test_duration_seconds',
    'Durations "quoted" \\ and\nwrapped',
    [0.001, 0.5],
  );
  histogram.observe({ route: '/v1/forecast/{service}', code: '404' }, 0.002);
  const counter = new CounterSeries('rescape_test_requests_total', 'Requests');
  counter.inc({ route: 'other', code: '500' });
  const names = ['quote"d', 'back\\slash', 'new\nline', 'ünïcødé', 'spaces and = , }'];
  const text = formatExposition([
    counter.family(),
    histogram.family(),
    {
      name: 'rescape_test_cpu_cores',
      help: 'Gauge',
      type: 'gauge',
      samples: names.map((service, i) => ({ labels: { service, horizon_seconds: '30' }, value: i / 3 })),
    },
    { name: 'rescape_test_special', help: 'Specials', type: 'gauge', samples: [{ labels: {}, value: NaN }] },
  ]);
  const checked = await execa(PROMTOOL_BIN, ['check', 'metrics'], { input: text, reject: false });
  assert.equal(checked.exitCode, 0, `${checked.stdout}${checked.stderr}\n${text}`);
  // And a page that is wrong is refused, so the check above can fail.
  const broken = await execa(PROMTOOL_BIN, ['check', 'metrics'], {
    input: text.replace('quote\\"d', 'quote"d'),
    reject: false,
  });
  assert.notEqual(broken.exitCode, 0);
});
