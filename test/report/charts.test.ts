import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callGraphChart } from '../../src/report/charts/call-graph-chart.js';
import { HEAT_LEVELS, heatMap } from '../../src/report/charts/heat-map.js';
import { timeChart } from '../../src/report/charts/time-chart.js';

const HOSTILE = '<img src=x onerror="alert(1)">&';

function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(pattern)].length;
}

test('time chart: an accessible image with axes, escaped names, a band only when values share pixels', () => {
  const long = Float64Array.from({ length: 1440 }, (_, i) => 1 + Math.sin(i / 20));
  const svg = timeChart({
    id: 'c1',
    title: `CPU of ${HOSTILE}`,
    description: 'desc',
    yLabel: 'CPU (cores)',
    domainSeconds: [0, 1440 * 30],
    series: [{ name: HOSTILE, tone: 1, values: long, startSeconds: 0, spacingSeconds: 30 }],
    spans: [{ startSeconds: 600, endSeconds: 1200, label: 'slow-replica of x' }],
    rules: [{ value: 1.5, label: 'SLO' }],
  });
  assert.match(
    svg,
    /^<svg class="chart" id="c1" viewBox="0 0 960 260" width="960" height="260" role="img" aria-labelledby="c1-title c1-desc">/,
  );
  assert.match(
    svg,
    /<title id="c1-title">CPU of &lt;img src=x onerror=&quot;alert\(1\)&quot;&gt;&amp;<\/title>/,
  );
  assert.ok(!svg.includes('<img'), 'no markup from data survives');
  assert.match(svg, />time since start \(h\)</);
  assert.match(svg, />CPU \(cores\)</);
  assert.equal(count(svg, /class="band t1"/g), 1, 'a band where buckets hold several steps');
  assert.equal(count(svg, /class="line t1"/g), 1);
  assert.equal(count(svg, /class="span"/g), 1);
  assert.match(svg, /<g class="rule">.*>SLO<\/text>/);
  // The line is a d3 path of a few hundred points, not 1440.
  const d = /class="line t1" d="([^"]+)"/.exec(svg)![1]!;
  const points = d.split(/[ML]/).filter(Boolean).length;
  assert.ok(points > 300 && points < 500, `${points} points drawn`);

  const short = timeChart({
    id: 'c2',
    title: 't',
    description: 'd',
    yLabel: 'y',
    domainSeconds: [0, 600],
    series: [
      { name: 'a', tone: 2, values: [1, 2, NaN, 4], startSeconds: 0, spacingSeconds: 150, dashed: true },
    ],
  });
  assert.equal(count(short, /class="band/g), 0, 'no band when every value has its own pixel');
  assert.match(
    short,
    /class="line t2 dashed" d="M[^"]*M/,
    'the missing value breaks the line into two pieces',
  );
  assert.match(short, />time since start \(min\)</);
});

test('heat map of 100 services × 1440 steps stays small: one path per colour level, rows labelled', () => {
  const rows = Array.from({ length: 100 }, (_, r) => ({
    name: r === 0 ? HOSTILE : `service-${r}`,
    values: Float64Array.from({ length: 1440 }, (_, t) =>
      t >= 100 && t < 130 ? NaN : 1 + Math.sin((t + r * 7) / 30),
    ),
    tooltip: `service-${r}: mean 1 cores`,
  }));
  const svg = heatMap({ id: 'h', title: 'heat', description: 'd', rows, steps: 1440, stepSeconds: 30 });
  assert.ok(svg.length < 300_000, `${svg.length} bytes`);
  assert.equal(
    count(svg, /<path class="(h\d|hm-missing)"/g),
    HEAT_LEVELS + 1,
    'every level used, one path each',
  );
  assert.equal(count(svg, /class="row-label"/g), 100);
  assert.equal(count(svg, /class="row-hit"/g), 100);
  assert.ok(svg.includes('&lt;img src=x'), 'row names escaped');
  assert.ok(!svg.includes('<img'));
  assert.match(svg, /class="hm-missing"/, 'a missing sample has its own colour');
});

test('call graph: layered left to right, edge width grows with calls', () => {
  const nodes = ['gateway', 'api', 'db', HOSTILE].map((name, i) => ({
    id: `n${i}`,
    label: name,
    kind: i === 0 ? 'gateway' : 'service',
    tooltip: name,
  }));
  const edges = [
    { from: 'n0', to: 'n1', calls: 10_000, tooltip: 'gateway → api' },
    { from: 'n1', to: 'n2', calls: 100, tooltip: 'api → db' },
    { from: 'n1', to: 'n3', calls: 1, tooltip: 'api → hostile' },
  ];
  const svg = callGraphChart({ id: 'g', title: 'graph', description: 'd', nodes, edges });
  assert.equal(count(svg, /<g class="node /g), 4);
  assert.equal(count(svg, /<path class="edge"/g), 3);
  assert.ok(!svg.includes('<img'));
  const widths = [...svg.matchAll(/class="edge" d="[^"]*" stroke-width="([\d.]+)"/g)].map((m) =>
    Number(m[1]),
  );
  assert.ok(widths[0]! > widths[1]! && widths[1]! > widths[2]!, `widths ${widths.join(', ')}`);
  const x = (label: string) =>
    Number(new RegExp(`<title>${label}</title><rect x="([\\d.-]+)"`).exec(svg)![1]);
  assert.ok(x('gateway') < x('api') && x('api') < x('db'), 'callers left of their callees');
});
