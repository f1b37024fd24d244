import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readRun } from '../../src/dataset/run-reader.js';
import { fixtures, runImport, writeInputs } from './import-helpers.js';

const ob = join(fixtures, 'onlineboutique');
const metric = (pod: string) => join(ob, 'metric', `${pod}_metric.csv`);

test('per-pod metric CSVs: millicores → cores, MiB → bytes, 60 s step detected, wall clock trusted', async () => {
  const result = await runImport({
    format: 'pod-csv',
    paths: [metric('adservice-5f6585d649-fnmft'), metric('cartservice-579f59597d-wc2lz')],
  });
  assert.equal(result.stepSeconds, 60);
  assert.equal(result.stepDetected, true);
  assert.equal(result.steps, 30);
  assert.equal(result.startTime, '2022-08-22T03:51:00.000Z');
  assert.deepEqual(result.gaps, []);
  const run = readRun(result.runDir);
  const cell = (service: string, step: number) =>
    run.metrics.find((row) => row.msName === service && row.timestamp === step);
  // adservice row 1: CpuUsage(m) 1.7624831358803779, MemoryUsage(Mi) 201.23828125.
  assert.equal(cell('adservice', 0)?.cpuUtilization, 0.001762);
  assert.equal(cell('adservice', 0)?.memoryBytes, 201.23828125 * 1024 * 1024);
  // cartservice row 2 (03:52:19): CpuUsage(m) 3.168873748529038 → 0.003169 cores.
  assert.equal(cell('cartservice', 1)?.cpuUtilization, 0.003169);
  assert.equal(cell('cartservice', 1)?.gpuUtilization, 0);
  // adservice's epoch column is +200,000,000 s off; the wall clock put it on the same steps as cartservice.
  const offset = result.clockIssues.find((issue) => issue.kind === 'epoch-offset');
  assert.equal(offset?.offsetSeconds, 200_000_000);
  assert.match(offset?.file ?? '', /adservice/);
  assert.equal(run.manifest.cluster.kind, 'import');
  assert.equal(run.manifest.status, 'complete');
});

test('the whole fixture folder: spans → calls and requests, dependency.csv → static edges, faults → anomalies', async () => {
  const result = await runImport({ format: 'pod-csv', paths: [ob] });
  const run = readRun(result.runDir);
  // 200 spans from 05:38:58 on (step 107 of the grid that starts at 03:51): 4 root spans.
  assert.equal(
    run.load.reduce((sum, row) => sum + row.requests, 0),
    4,
  );
  const statics = run.calls.filter((call) => call.rpcType === 'static');
  assert.equal(statics.length, result.staticEdges);
  assert.ok(statics.every((call) => call.timestamp === 0 && call.traceId === 'static' && call.rtMs === null));
  const dynamic = run.calls.filter((call) => call.rpcType !== 'static');
  assert.ok(dynamic.length > 0);
  assert.ok(dynamic.every((call) => /^agg:\d+$/.test(call.traceId) && call.um !== call.dm));
  // Metrics stop after 30 steps; the spans come later, so the three pods have gaps up to the span steps.
  assert.ok(result.gaps.some((gap) => gap.service === 'frontend' && gap.firstMissingStep === 30));
  const anomalies = run.manifest.cluster['anomalies'] as {
    service: string;
    startStep: number;
    endStep: number;
  }[];
  // frontend cpu_contention at 03:53:54 → step 2; a 5-minute window.
  assert.deepEqual(anomalies[0], { service: 'frontend', kind: 'cpu_contention', startStep: 2, endStep: 6 });
});

test('instances: mean within the step per instance, summed over instances', async () => {
  const header = 'Time,TimeStamp,PodName,CpuUsage(m),MemoryUsage(Mi)';
  const dir = writeInputs({
    'a.csv': [
      header,
      '2024-01-01 00:00:05 +0000 UTC,1704067205,web-6d4b75cb6d-abcde,100,10',
      '2024-01-01 00:00:35 +0000 UTC,1704067235,web-6d4b75cb6d-abcde,300,30',
      '2024-01-01 00:01:05 +0000 UTC,1704067265,web-6d4b75cb6d-abcde,500,',
      '',
    ].join('\n'),
    'b.csv': [header, '2024-01-01 00:00:10 +0000 UTC,1704067210,web-6d4b75cb6d-fghij,1000,1', ''].join('\n'),
  });
  const result = await runImport({ format: 'pod-csv', paths: [dir], stepSeconds: 60 });
  const run = readRun(result.runDir);
  // Step 0: pod abcde mean (100+300)/2 = 200 m, pod fghij 1000 m → 1.2 cores; memory (10+30)/2 + 1 = 21 MiB.
  assert.equal(run.metrics[0]?.cpuUtilization, 1.2);
  assert.equal(run.metrics[0]?.memoryBytes, 21 * 1024 * 1024);
  // Step 1: only abcde, memory missing → empty cell, not zero.
  assert.equal(run.metrics[1]?.cpuUtilization, 0.5);
  assert.equal(run.metrics[1]?.memoryBytes, null);
  assert.equal(run.services[0]?.replicas, 2);
});
