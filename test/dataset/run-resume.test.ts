import assert from 'node:assert/strict';
import fs from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DataError } from '../../src/core/errors.js';
import { RUN_FILES } from '../../src/dataset/run-format.js';
import { readRun } from '../../src/dataset/run-reader.js';
import { RunWriter } from '../../src/dataset/run-writer.js';
import { SERVICES, manifest, step, tempDir, writeRun } from './run-fixtures.js';

const STEPS = 10;
const KILLED_AT = 6;
const DATA = ['metrics', 'callgraph', 'load'] as const;
type DataFile = (typeof DATA)[number];

const base = tempDir();
const reference = join(base, 'reference');
writeRun(reference, STEPS);
const bytes = Object.fromEntries(
  DATA.map((key) => [key, fs.readFileSync(join(reference, RUN_FILES[key]))]),
) as Record<DataFile, Buffer>;

/** Byte offset just past line `count` (1-based, header included). */
function lineEnd(buffer: Buffer, count: number): number {
  let offset = 0;
  for (let line = 0; line < count; line += 1) offset = buffer.indexOf(0x0a, offset) + 1;
  return offset;
}

function stepEnd(key: DataFile, steps: number): number {
  const rows = { metrics: steps * SERVICES.length, load: steps, callgraph: 0 };
  for (let t = 0; t < steps; t += 1) rows.callgraph += step(t).calls.length;
  return lineEnd(bytes[key], 1 + rows[key]);
}

let runs = 0;
/** A run killed mid-write: each data file is a prefix of the uninterrupted run's file. */
function killedRun(lengths: Record<DataFile, number>): string {
  const dir = join(base, `killed-${(runs += 1)}`);
  fs.mkdirSync(dir);
  for (const name of [RUN_FILES.manifest, RUN_FILES.services])
    fs.copyFileSync(join(reference, name), join(dir, name));
  for (const key of DATA) fs.writeFileSync(join(dir, RUN_FILES[key]), bytes[key].subarray(0, lengths[key]));
  return dir;
}

function resumeAndFinish(dir: string): number {
  const resumed = RunWriter.openForResume(dir, { durability: 'periodic' });
  for (let t = resumed.completedSteps; t < STEPS; t += 1) resumed.writer.appendStep(step(t));
  resumed.writer.close();
  for (const key of DATA) {
    assert.ok(
      fs.readFileSync(join(dir, RUN_FILES[key])).equals(bytes[key]),
      `${key} differs after resume (${dir})`,
    );
  }
  return resumed.completedSteps;
}

describe('openForResume', () => {
  test('a cleanly closed run resumes at its next step without cutting anything', () => {
    const dir = killedRun({
      metrics: stepEnd('metrics', 6),
      callgraph: stepEnd('callgraph', 6),
      load: stepEnd('load', 6),
    });
    const resumed = RunWriter.openForResume(dir);
    assert.equal(resumed.completedSteps, 6);
    assert.deepEqual(resumed.services, SERVICES);
    assert.deepEqual(resumed.manifest, manifest());
    assert.throws(() => resumed.writer.appendStep(step(7)), /expected timestamp 6/);
    resumed.writer.close();
    assert.equal(readRun(dir).load.length, 6);
  });

  test('a kill at any byte of a step: the tail is cut and resuming gives the uninterrupted bytes', () => {
    const done = {
      metrics: stepEnd('metrics', KILLED_AT),
      callgraph: stepEnd('callgraph', KILLED_AT),
      load: stepEnd('load', KILLED_AT),
    };
    const next = {
      metrics: stepEnd('metrics', KILLED_AT + 1),
      callgraph: stepEnd('callgraph', KILLED_AT + 1),
      load: stepEnd('load', KILLED_AT + 1),
    };
    let cases = 0;
    // Killed while writing the metric rows (this crosses the multi-byte name), then the call rows, then the
    // load row: the files written before the one being written hold the whole step, later ones none of it.
    for (let cut = done.metrics; cut <= next.metrics; cut += 1) {
      assert.equal(resumeAndFinish(killedRun({ ...done, metrics: cut })), KILLED_AT);
      cases += 1;
    }
    for (let cut = done.callgraph; cut <= next.callgraph; cut += 1) {
      assert.equal(resumeAndFinish(killedRun({ ...done, metrics: next.metrics, callgraph: cut })), KILLED_AT);
      cases += 1;
    }
    for (let cut = done.load; cut < next.load; cut += 1) {
      assert.equal(resumeAndFinish(killedRun({ ...next, load: cut })), KILLED_AT);
      cases += 1;
    }
    assert.equal(resumeAndFinish(killedRun(next)), KILLED_AT + 1);
    assert.ok(cases > 300, `${cases} cut points`);
  });

  test('a kill during the first step resumes at step 0', () => {
    const headers = {
      metrics: lineEnd(bytes.metrics, 1),
      callgraph: lineEnd(bytes.callgraph, 1),
      load: lineEnd(bytes.load, 1),
    };
    assert.equal(resumeAndFinish(killedRun({ ...headers, metrics: headers.metrics + 17 })), 0);
  });

  test('damage before the last complete step is a DataError, and nothing is cut', () => {
    const full = {
      metrics: bytes.metrics.length,
      callgraph: bytes.callgraph.length,
      load: bytes.load.length,
    };
    const cases: { name: string; edit: (dir: string) => void; file: string; line: number }[] = [
      {
        // load.csv ahead of the metrics: what a power loss with periodic durability can leave.
        name: 'load row without metric rows',
        edit: (dir) => fs.truncateSync(join(dir, RUN_FILES.metrics), stepEnd('metrics', 9)),
        file: RUN_FILES.metrics,
        line: 1 + 9 * SERVICES.length,
      },
      {
        name: 'a metric row missing inside the run',
        edit: (dir) => removeLine(join(dir, RUN_FILES.metrics), 1 + 3 * SERVICES.length + 2),
        file: RUN_FILES.metrics,
        line: 1 + 4 * SERVICES.length,
      },
      {
        name: 'a garbled load row',
        edit: (dir) => replaceLine(join(dir, RUN_FILES.load), 4, '3,x,1,1,1,1'),
        file: RUN_FILES.load,
        line: 4,
      },
      {
        name: 'a load row missing',
        edit: (dir) => removeLine(join(dir, RUN_FILES.load), 4),
        file: RUN_FILES.load,
        line: 4,
      },
    ];
    for (const { name, edit, file, line } of cases) {
      const dir = killedRun(full);
      edit(dir);
      const before = DATA.map((key) => fs.readFileSync(join(dir, RUN_FILES[key])));
      assert.throws(
        () => RunWriter.openForResume(dir),
        (error: unknown) =>
          error instanceof DataError &&
          error.file === join(dir, file) &&
          error.line === line &&
          error.message.includes(file),
        name,
      );
      DATA.forEach((key, index) =>
        assert.ok(fs.readFileSync(join(dir, RUN_FILES[key])).equals(before[index]!), name),
      );
    }
  });
});

function editLines(file: string, edit: (lines: string[]) => void): void {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  edit(lines);
  fs.writeFileSync(file, lines.join('\n'));
}

function removeLine(file: string, line: number): void {
  editLines(file, (lines) => lines.splice(line - 1, 1));
}

function replaceLine(file: string, line: number, text: string): void {
  editLines(file, (lines) => lines.splice(line - 1, 1, text));
}
