// 100 services × 1,440 steps (a 12 h run at 30 s): every chart is drawn from pixel buckets, so the page stays
// small however long the run is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportPage } from '../../src/report/report-page.js';
import { digestRun } from '../../src/report/run-digest.js';
import { callGraphSection } from '../../src/report/sections/call-graph-section.js';
import { loadSection } from '../../src/report/sections/load-section.js';
import { overviewSection } from '../../src/report/sections/overview-section.js';
import { servicesSection } from '../../src/report/sections/services-section.js';
import { runData } from '../dataset/run-data.js';

test('a 100-service, 1,440-step run renders to a page of a few megabytes at most', () => {
  const run = runData({
    services: 100,
    steps: 1440,
    cpu: (step, service) =>
      step === 700 && service === 3
        ? null
        : 0.1 + (service % 7) * 0.05 * (1 + Math.sin((step + service * 13) / 25)),
    gpu: (step, service) => (service < 10 ? 0.5 + 0.4 * Math.cos(step / 40) : 0),
    // A tree of calls: each service calls the next two.
    calls: Array.from({ length: 99 }, (_, k): [number, number, number] => [
      Math.floor(k / 2),
      k + 1,
      200 - k,
    ]),
  });
  const digest = digestRun(run);
  const sections = [
    overviewSection(digest, 'runs/large'),
    loadSection(digest),
    servicesSection(digest),
    callGraphSection(digest),
  ];
  const html = reportPage({ title: 'large', subtitle: '', sections, footer: '' });
  const megabytes = Buffer.byteLength(html) / 1024 / 1024;
  assert.ok(megabytes < 2.5, `${megabytes.toFixed(2)} MB`);
  const count = (pattern: RegExp) => [...html.matchAll(pattern)].length;
  assert.equal(
    count(/<svg class="chart small"/g),
    100 + 10,
    'a CPU chart per service and a GPU chart per GPU service',
  );
  assert.equal(count(/<svg class="chart heat-map"/g), 2, 'CPU and GPU heat maps');
  assert.equal(count(/<g class="node /g), 100);
  assert.equal(count(/<path class="edge"/g), 99);
  // Lines are bucketed: no chart path holds anywhere near one point per step.
  const longest = Math.max(
    ...[...html.matchAll(/class="line t\d" d="([^"]+)"/g)].map((m) => m[1]!.split(/[ML]/).length),
  );
  assert.ok(longest < 600, `longest line has ${longest} points`);
});
