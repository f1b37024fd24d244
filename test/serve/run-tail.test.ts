// Reading the last steps of a run from the end of its files: the same rows readRun reads, however small the
// chunks; a step whose load row is not written yet, and a line still being written, are left out.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../../src/core/errors.js';
import { readRun } from '../../src/dataset/run-reader.js';
import { profileSimulated } from '../../src/profiler/simulated-profile.js';
import { readRunTail } from '../../src/serve/run-tail.js';
import { tempDir } from '../cli.js';

const tmp = tempDir('run-tail');
process.on('exit', () => tmp[Symbol.dispose]());
const runDir = join(tmp.path, 'run');
const files = (dir: string) => ({ metrics: join(dir, 'ms_metric.csv'), load: join(dir, 'load.csv') });

before(async () => {
  await profileSimulated({
    benchmark: 'ecommerce',
    durationSeconds: 1800,
    stepSeconds: 30,
    load: { min: 80, max: 220, redrawSeconds: 60 },
    seed: 3,
    tracesPerStep: 1,
    incidentsPerHour: 0,
    out: runDir,
  });
});

test('the tail holds exactly the last steps readRun reads, with chunks of any size', async () => {
  const run = readRun(runDir, { calls: 'summary' });
  const last = run.load.length - 1;
  for (const chunkBytes of [37, 512, 64 * 1024]) {
    for (const steps of [1, 10, run.load.length]) {
      const tail = await readRunTail(files(runDir), run.services, steps, chunkBytes);
      assert.equal(tail.lastStep, last);
      assert.deepEqual(tail.load, run.load.slice(-steps), `${steps} steps, ${chunkBytes} B chunks`);
      assert.deepEqual(
        tail.metrics,
        run.metrics.filter((row) => row.timestamp > last - steps),
        `${steps} steps, ${chunkBytes} B chunks`,
      );
    }
  }
});

test('rows of a step still being written are not read', async () => {
  const live = join(tmp.path, 'live');
  cpSync(runDir, live, { recursive: true });
  const run = readRun(live, { calls: 'summary' });
  const last = run.load.length - 1;
  // Step last+1: metrics of one service written, no load row yet; then half a line.
  appendFileSync(
    join(live, 'ms_metric.csv'),
    `${last + 1},${run.services[0]!.msName},0,1.5,0,100\n${last + 1},pay`,
  );
  appendFileSync(join(live, 'load.csv'), `${last + 1},100,5`);
  const tail = await readRunTail(files(live), run.services, 3, 64);
  assert.equal(tail.lastStep, last);
  assert.ok(tail.metrics.every((row) => row.timestamp <= last));
  assert.equal(tail.metrics.length, 3 * run.services.length);
});

test('too few steps, or a damaged row near the end, is a DataError naming the file', async () => {
  const run = readRun(runDir, { calls: 'summary' });
  await assert.rejects(
    readRunTail(files(runDir), run.services, run.load.length + 1),
    (error: unknown) =>
      error instanceof DataError &&
      /has 60 complete step\(s\); the model needs the last 61/.test(error.message),
  );
  const damaged = join(tmp.path, 'damaged');
  cpSync(runDir, damaged, { recursive: true });
  appendFileSync(join(damaged, 'ms_metric.csv'), '60,nobody,0,1,0\n');
  appendFileSync(join(damaged, 'load.csv'), '60,100,5,0,1,2\n');
  await assert.rejects(
    readRunTail(files(damaged), run.services, 2),
    (error: unknown) =>
      error instanceof DataError && error.file === files(damaged).metrics && /5 columns/.test(error.message),
  );
  writeFileSync(join(damaged, 'load.csv'), 'timestamp,wrong\n');
  await assert.rejects(
    readRunTail(files(damaged), run.services, 2),
    (error: unknown) => error instanceof DataError && /wrong header/.test(error.message),
  );
});
