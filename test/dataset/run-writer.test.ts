import assert from 'node:assert/strict';
import fs from 'node:fs';
import { join } from 'node:path';
import { describe, mock, test } from 'node:test';
import { DataError, UsageError } from '../../src/core/errors.js';
import { RUN_FILES } from '../../src/dataset/run-format.js';
import { readManifest, readRun } from '../../src/dataset/run-reader.js';
import { RunWriter } from '../../src/dataset/run-writer.js';
import { SERVICES, manifest, step, tempDir, writeRun } from './run-fixtures.js';

const FILES = Object.values(RUN_FILES);

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(FILES.map((name) => [name, fs.readFileSync(join(dir, name), 'latin1')]));
}

describe('RunWriter and readRun', () => {
  test('round trip: what is written reads back equal, with values rounded as documented', () => {
    const dir = join(tempDir(), 'run');
    writeRun(dir, 12, { status: 'complete' });
    const run = readRun(dir);
    assert.deepEqual(run.services, SERVICES);
    assert.deepEqual(run.manifest, manifest({ samples: 20, status: 'complete' }));
    const expected = Array.from({ length: 12 }, (_, t) => step(t));
    const round = (value: number | null, digits: number) =>
      value === null ? null : Number(value.toFixed(digits));
    assert.deepEqual(
      run.metrics,
      expected.flatMap((s) =>
        s.metrics.map((row) => ({
          ...row,
          cpuUtilization: round(row.cpuUtilization, 6),
          gpuUtilization: round(row.gpuUtilization, 6),
          memoryBytes: row.memoryBytes === null ? null : Math.round(row.memoryBytes),
        })),
      ),
    );
    assert.deepEqual(
      run.calls,
      expected.flatMap((s) => s.calls.map((row) => ({ ...row, rtMs: round(row.rtMs, 3) }))),
    );
    assert.deepEqual(
      run.load,
      expected.map((s) => ({
        ...s.load,
        latencyP50Ms: round(s.load.latencyP50Ms, 3),
        latencyP99Ms: round(s.load.latencyP99Ms, 3),
      })),
    );
    // Complete status but 12 of 20 steps; media-mongodb has its missing cpu samples counted once.
    assert.deepEqual(
      run.problems.map((problem) => problem.message),
      [
        'service media-mongodb (ms_id 2) has 2 missing samples (cpu_utilization 2)',
        'holds 12 of the 20 steps run.json plans',
      ],
    );
    assert.equal(readRun(dir, { calls: 'summary' }).calls.length, 0);
    assert.deepEqual(readManifest(dir), run.manifest);
  });

  test('identical input gives byte-identical files, whatever the row order within a step', () => {
    const base = tempDir();
    writeRun(join(base, 'a'), 8);
    const writer = RunWriter.create(join(base, 'b'), manifest(), SERVICES, { durability: 'every-step' });
    for (let t = 0; t < 8; t += 1) {
      const record = step(t);
      writer.appendStep({ ...record, metrics: [...record.metrics].reverse() });
    }
    writer.close();
    assert.deepEqual(snapshot(join(base, 'b')), snapshot(join(base, 'a')));
    const metrics = fs.readFileSync(join(base, 'a', RUN_FILES.metrics), 'utf8').split('\n');
    assert.equal(metrics[0], 'timestamp,ms_name,ms_id,cpu_utilization,gpu_utilization,memory_bytes');
    assert.equal(metrics[1], '0,compose-post,0,0.123457,0,100000000');
    assert.equal(metrics[4], '0,"user,cache",3,0.493827,0,103000009');
  });

  test('create refuses a non-empty directory and leaves it untouched', () => {
    const dir = tempDir();
    fs.writeFileSync(join(dir, 'notes.txt'), 'keep me');
    assert.throws(
      () => RunWriter.create(dir, manifest(), SERVICES),
      (error: unknown) => error instanceof UsageError && /--resume/.test(error.suggestion ?? ''),
    );
    assert.deepEqual(fs.readdirSync(dir), ['notes.txt']);
    assert.equal(fs.readFileSync(join(dir, 'notes.txt'), 'utf8'), 'keep me');

    const run = join(tempDir(), 'run');
    writeRun(run, 3);
    const before = snapshot(run);
    assert.throws(() => RunWriter.create(run, manifest(), SERVICES), UsageError);
    assert.deepEqual(snapshot(run), before);
  });

  test('create validates before any I/O', () => {
    const dir = join(tempDir(), 'run');
    assert.throws(() => RunWriter.create(dir, manifest({ stepSeconds: 0 }), SERVICES), /stepSeconds/);
    assert.throws(
      () => RunWriter.create(dir, manifest(), [...SERVICES].reverse()),
      (error: unknown) => error instanceof DataError && error.field === 'ms_id',
    );
    assert.equal(fs.existsSync(dir), false);
  });

  test('appendStep refuses out-of-order and inconsistent steps without writing', () => {
    const dir = join(tempDir(), 'run');
    const writer = RunWriter.create(dir, manifest({ samples: 3 }), SERVICES);
    writer.appendStep(step(0));
    const before = snapshot(dir);
    assert.throws(() => writer.appendStep(step(2)), /out of order: expected timestamp 1/);
    assert.throws(() => writer.appendStep(step(0)), DataError);
    const missing = step(1);
    assert.throws(
      () => writer.appendStep({ ...missing, metrics: missing.metrics.slice(1) }),
      /lacks rows for compose-post/,
    );
    const badCall = step(1);
    assert.throws(
      () => writer.appendStep({ ...badCall, calls: [{ ...badCall.calls[0]!, dmId: 3 }] }),
      /dm_id 3 does not match dm compose-post/,
    );
    const nan = step(1);
    assert.throws(
      () => writer.appendStep({ ...nan, load: { ...nan.load, latencyP50Ms: Number.NaN } }),
      /latency_p50_ms/,
    );
    assert.deepEqual(snapshot(dir), before);
    writer.appendStep(step(1));
    writer.appendStep(step(2));
    assert.throws(() => writer.appendStep(step(3)), /beyond the 3 samples/);
    writer.close();
    assert.throws(() => writer.appendStep(step(3)), UsageError);
    assert.equal(writer.setStatus('complete').status, 'complete');
    assert.deepEqual(readRun(dir).problems, [], 'a complete run with all its samples has no warnings');
  });

  test('durability: every-step fsyncs each step, periodic at most once a second and on close', () => {
    const fsyncs = mock.method(fs, 'fsyncSync');
    try {
      const every = RunWriter.create(join(tempDir(), 'run'), manifest(), SERVICES, {
        durability: 'every-step',
      });
      fsyncs.mock.resetCalls();
      every.appendStep(step(0));
      every.appendStep(step(1));
      assert.equal(fsyncs.mock.callCount(), 6);
      every.close();

      let now = 0;
      const periodic = RunWriter.create(join(tempDir(), 'run'), manifest(), SERVICES, {
        durability: 'periodic',
        clock: () => now,
      });
      fsyncs.mock.resetCalls();
      for (const [t, time] of [0, 400, 999].entries()) {
        now = time;
        periodic.appendStep(step(t));
      }
      assert.equal(fsyncs.mock.callCount(), 0);
      now = 1000;
      periodic.appendStep(step(3));
      assert.equal(fsyncs.mock.callCount(), 3);
      now = 1500;
      periodic.appendStep(step(4));
      assert.equal(fsyncs.mock.callCount(), 3);
      periodic.close();
      assert.equal(fsyncs.mock.callCount(), 6);
    } finally {
      fsyncs.mock.restore();
    }
  });

  test('updateManifest replaces run.json atomically and keeps the canonical key order', () => {
    const dir = join(tempDir(), 'run');
    const writer = RunWriter.create(dir, manifest(), SERVICES);
    writer.updateManifest({ samples: 30, cluster: { kind: 'sim', tracesPerStep: 5 } });
    writer.close();
    const text = fs.readFileSync(join(dir, RUN_FILES.manifest), 'utf8');
    assert.deepEqual(Object.keys(JSON.parse(text) as object), Object.keys(manifest()));
    assert.equal(readManifest(dir).samples, 30);
    assert.deepEqual(fs.readdirSync(dir).sort(), [...FILES].sort(), 'no temporary file is left behind');
    assert.throws(() => writer.updateManifest({ status: 'done' as never }), /status/);
  });
});
