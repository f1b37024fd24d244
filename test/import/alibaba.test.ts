import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRun } from '../../src/dataset/run-reader.js';
import { fixtures, runImport, writeInputs } from './import-helpers.js';

const sample = join(fixtures, 'alibaba', '2022-shuffled-sample-traces-head300.csv');

test('Alibaba v2022 call graph (real rows): duplicates, placeholders and USER dropped and counted', async () => {
  const result = await runImport({ format: 'alibaba-2022', paths: [sample] });
  assert.equal(result.stepSeconds, 30);
  assert.equal(result.rowsRead, 300);
  // Worked out independently: dedupe by (traceid, rpc_id) keeping the first record, then drop rows whose
  // um or dm is a placeholder or USER, and self-calls.
  const lines = readFileSync(sample, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
  const seen = new Set<string>();
  const kept: string[][] = [];
  let duplicates = 0;
  for (const cells of lines) {
    const key = `${cells[1]}|${cells[3]}`;
    if (seen.has(key)) {
      duplicates += 1;
      continue;
    }
    seen.add(key);
    kept.push(cells);
  }
  const placeholder = (name = '') => ['', 'UNKNOWN', 'UNAVAILABLE', '(?)', 'USER'].includes(name);
  const calls = kept.filter(
    (cells) => !placeholder(cells[5]) && !placeholder(cells[8]) && cells[5] !== cells[8],
  );
  assert.equal(result.skipped['duplicate-call'], duplicates);
  const run = readRun(result.runDir);
  const total = run.calls.reduce((sum, call) => sum + Number(call.traceId.slice(4)), 0);
  assert.equal(total, calls.length);
  // One cell by hand: the first kept call's step and edge.
  const first = calls[0] ?? [];
  const step = Math.floor(Number(first[0]) / 30_000) - Math.floor(202_757 / 30_000);
  const same = calls.filter(
    (cells) =>
      Math.floor(Number(cells[0]) / 30_000) === Math.floor(Number(first[0]) / 30_000) &&
      cells[5] === first[5] &&
      cells[8] === first[8] &&
      cells[4] === first[4],
  );
  const row = run.calls.find(
    (call) =>
      call.timestamp === step && call.um === first[5] && call.dm === first[8] && call.rpcType === first[4],
  );
  assert.equal(row?.traceId, `agg:${same.length}`);
  const rtMean = same.reduce((sum, cells) => sum + Math.abs(Number(cells[10])), 0) / same.length;
  assert.equal(row?.rtMs, Math.round(rtMean * 1000) / 1000);
  // No metric files: every service-step is a gap, reported rather than zero-filled.
  assert.equal(result.gapCells, result.services * result.steps);
});

test('Alibaba v2021 raw dumps: leading unnamed index column, instance_cpu_usage names, instances summed', async () => {
  const dir = writeInputs({
    'MSCallGraph_0.csv': [
      ',timestamp,traceid,rpcid,um,rpctype,dm,interface,rt',
      '0,16397576,0151,0.1,(?),http,msA,i1,20',
      '1,16397576,0151,0.1.1,msA,rpc,msB,i2,13',
      '2,16397580,0151,0.1.1,msA,rpc,msB,i2,-11',
      '3,16397590,0152,0.1.1,msA,rpc,msB,i2,7',
      '',
    ].join('\n'),
    'MSResource_0.csv': [
      ',timestamp,msname,msinstanceid,nodeid,instance_cpu_usage,instance_memory_usage',
      '0,16380000,msA,a1,n1,0.25,0.5',
      '1,16380000,msA,a2,n2,0.5,0.5',
      '2,16440000,msA,a1,n1,0.75,0.5',
      '3,16380000,msB,b1,n1,0.125,0.5',
      '4,16440000,msB,b1,n1,0.375,0.5',
      '',
    ].join('\n'),
  });
  const result = await runImport({ format: 'alibaba-2021', paths: [dir] });
  assert.equal(result.stepSeconds, 60);
  assert.equal(result.stepDetected, true);
  assert.equal(result.skipped['duplicate-call'], 1);
  assert.equal(result.skipped['placeholder-service'], 1);
  const run = readRun(result.runDir);
  // 16380 s = step 273 of 60 s: msA = 0.25 + 0.5 (two instances), msB = 0.125.
  assert.deepEqual(
    run.metrics.map((row) => [row.timestamp, row.msName, row.cpuUtilization, row.memoryBytes]),
    [
      [0, 'msA', 0.75, null],
      [0, 'msB', 0.125, null],
      [1, 'msA', 0.75, null],
      [1, 'msB', 0.375, null],
    ],
  );
  // 16397.576 s → step 273 + 0 (16380..16440): msA → msB twice (13 and 7 ms; the DM-side copy dropped).
  assert.deepEqual(
    run.calls.map((call) => [call.timestamp, call.um, call.dm, call.traceId, call.rtMs]),
    [[0, 'msA', 'msB', 'agg:2', 10]],
  );
  // The entry call 0.1 is a request with latency 20 ms.
  assert.equal(run.load[0]?.requests, 1);
  assert.equal(run.load[0]?.latencyP50Ms, 20);
});

test('--top N keeps the busiest services by calls; --services keeps the named ones', async () => {
  const full = readRun((await runImport({ format: 'alibaba-2022', paths: [sample] })).runDir);
  const volume = new Map<string, number>();
  for (const call of full.calls) {
    const count = Number(call.traceId.slice(4));
    for (const name of [call.um, call.dm]) volume.set(name, (volume.get(name) ?? 0) + count);
  }
  const busiest = [...volume].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
  const top = await runImport({ format: 'alibaba-2022', paths: [sample], top: 3 });
  assert.equal(top.droppedServices, full.services.length - 3);
  assert.deepEqual(
    readRun(top.runDir).services.map((service) => service.msName),
    busiest.map(([name]) => name).sort(),
  );
  const named = await runImport({
    format: 'alibaba-2022',
    paths: [sample],
    services: ['MS_18249', 'MS_53154'],
  });
  assert.deepEqual(
    readRun(named.runDir).services.map((service) => service.msName),
    ['MS_18249', 'MS_53154'],
  );
});
