import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readRun } from '../../src/dataset/run-reader.js';
import { runImport, writeInputs } from './import-helpers.js';

test('long CSV with a column map: epoch seconds, instances summed, gaps kept empty and reported', async () => {
  const dir = writeInputs({
    'metrics.csv': [
      'ts,svc,pod,cpu_cores,mem',
      '1000,api,api-1,0.5,100',
      '1000,api,api-2,0.25,50',
      '1010,db,db-0,2,1000',
      '1030,api,api-1,1.5,100',
      '1060,api,api-1,1,100',
      '',
    ].join('\n'),
  });
  const result = await runImport({
    format: 'long-csv',
    paths: [dir],
    stepSeconds: 30,
    columns: { timestamp: 'ts', service: 'svc', instance: 'pod', cpu: 'cpu_cores', memory: 'mem' },
  });
  const run = readRun(result.runDir);
  const cells = run.metrics.map((row) => [
    row.timestamp,
    row.msName,
    row.cpuUtilization,
    row.memoryBytes,
    row.gpuUtilization,
  ]);
  // Grid from 990 s (floor(1000/30)*30): step 0 = 990..1019, step 1 = 1020..1049, step 2 = 1050..1079.
  assert.deepEqual(cells, [
    [0, 'api', 0.75, 150, 0],
    [0, 'db', 2, 1000, 0],
    [1, 'api', 1.5, 100, 0],
    [1, 'db', null, null, null],
    [2, 'api', 1, 100, 0],
    [2, 'db', null, null, null],
  ]);
  assert.deepEqual(result.gaps, [{ service: 'db', missingSteps: 2, firstMissingStep: 1 }]);
  assert.equal(result.gapCells, 2);
});

test('gpu-long: percent → GPUs busy, containers → services, step detected from the samples', async () => {
  const dir = writeInputs({
    'gpu.csv': [
      'value,timestamp,container_id',
      '50,2024-01-01T00:00:00Z,train-5d9f8b7c6d-x2x4z',
      '100,2024-01-01T00:00:00Z,train-5d9f8b7c6d-q8w9e',
      '25,2024-01-01T00:00:15Z,train-5d9f8b7c6d-x2x4z',
      '75,2024-01-01T00:00:15Z,train-5d9f8b7c6d-q8w9e',
      '',
    ].join('\n'),
  });
  const result = await runImport({ format: 'gpu-long', paths: [dir] });
  assert.equal(result.stepSeconds, 15);
  const run = readRun(result.runDir);
  assert.equal(run.services[0]?.kind, 'gpu');
  assert.equal(run.services[0]?.replicas, 2);
  assert.deepEqual(
    run.metrics.map((row) => [row.msName, row.gpuUtilization, row.cpuUtilization]),
    [
      ['train', 1.5, null],
      ['train', 1, null],
    ],
  );
});
