// Where an interrupted load run resumes: the complete steps kept, a partial or half-written step cut off, damage
// and foreign directories refused with the file, line and field named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, UsageError } from '../../src/core/errors.js';
import { LOAD_FILES, LoadFiles } from '../../src/load/load-files.js';
import type { LoadOptions } from '../../src/load/load-options.js';
import { findLoadResumePoint } from '../../src/load/load-resume.js';
import type { LoadStep } from '../../src/load/load-session.js';
import { StepMeter } from '../../src/load/step-meter.js';
import { resumeLoad } from '../../src/load/run-load.js';
import { tempDir } from '../cli.js';
import { EXAMPLE_LOAD_OPTIONS } from './load-helpers.js';

const OPTIONS: LoadOptions = {
  ...EXAMPLE_LOAD_OPTIONS,
  target: 'http://127.0.0.1:9',
  durationSeconds: 10,
  stepSeconds: 1,
  httpClient: 'undici',
};

/** A step that answered `latencies` (ms) with 200, and one 503 when `failed`. */
function fakeStep(timestamp: number, latencies: number[], partial = false, failed = false): LoadStep {
  const meter = new StepMeter(0);
  for (const latency of latencies) {
    meter.sent(0);
    meter.answered(200, latency, undefined, latency);
  }
  if (failed) {
    meter.sent(0);
    meter.answered(503, 1, 'http-5xx', 1);
  }
  const measure = meter.finish(partial ? 400 : 1000);
  return {
    timestamp,
    partial,
    startSeconds: timestamp,
    row: {
      timestamp,
      concurrency: 3,
      requests: measure.requests,
      errors: measure.errors,
      latencyP50Ms: measure.latency?.p50Ms ?? null,
      latencyP99Ms: measure.latency?.p99Ms ?? null,
    },
    measure,
    targetConcurrency: 3,
    draws: [],
    offeredRate: null,
  };
}

function writeRun(dir: string, steps: LoadStep[]): Record<'load' | 'detail' | 'latency', string> {
  const files = LoadFiles.create(dir, OPTIONS, 0);
  for (const step of steps) files.append(step);
  files.close();
  return { load: files.path('load'), detail: files.path('detail'), latency: files.path('latency') };
}

test('the complete steps are kept with their totals and latencies; a partial last step is cut off', () => {
  using tmp = tempDir('load-resume-point');
  const dir = join(tmp.path, 'run');
  const files = writeRun(dir, [
    fakeStep(0, [5, 6, 7]),
    fakeStep(1, [50, 60], false, true),
    fakeStep(2, [9], true),
  ]);
  const lengthsBefore = {
    load: readFileSync(files.load).length,
    detail: readFileSync(files.detail).length,
  };
  const point = findLoadResumePoint(files);
  assert.equal(point.completedSteps, 2);
  assert.deepEqual(
    [point.totals.steps, point.totals.requests, point.totals.errors, point.totals.seconds],
    [2, 6, 1, 2],
  );
  assert.deepEqual(point.totals.statusCounts, { '200': 5, '503': 1 });
  assert.equal(point.totals.errorsByKind['http-5xx'], 1);
  assert.equal(point.latencies.count, 6, 'both steps\u2019 latencies, the partial one\u2019s left out');
  assert.ok(Math.abs((point.latencies.summary()?.maxMs ?? 0) - 60) < 0.1);
  // The lengths keep exactly the rows of steps 0 and 1; nothing was written.
  const loadRows = readFileSync(files.load, 'utf8').split('\n');
  assert.equal(point.lengths.load, Buffer.byteLength(loadRows.slice(0, 3).join('\n') + '\n'));
  assert.equal(readFileSync(files.load).length, lengthsBefore.load);
  assert.ok(point.lengths.detail < lengthsBefore.detail);
  assert.doesNotMatch(
    readFileSync(files.latency).subarray(0, point.lengths.latency).toString(),
    /Tag=partial/,
  );
});

test('lines a kill left half-written are an uncommitted tail; an empty run resumes at step 0', () => {
  using tmp = tempDir('load-resume-tail');
  const files = writeRun(join(tmp.path, 'a'), [fakeStep(0, [5]), fakeStep(1, [6])]);
  // Step 2 got its histogram line and half a detail row, no load row.
  appendFileSync(files.latency, readFileSync(files.latency, 'utf8').trimEnd().split('\n').at(-1) + '\n');
  appendFileSync(files.detail, '2,0,1,3,');
  assert.equal(findLoadResumePoint(files).completedSteps, 2);
  const empty = writeRun(join(tmp.path, 'b'), []);
  const point = findLoadResumePoint(empty);
  assert.equal(point.completedSteps, 0);
  assert.equal(point.lengths.load, readFileSync(empty.load).length, 'the header stays');
});

test('damage before the last complete step is a DataError naming file, line and field', () => {
  using tmp = tempDir('load-resume-damage');
  const cases: [string, (files: Record<'load' | 'detail' | 'latency', string>) => void, RegExp, string][] = [
    [
      'a step missing',
      (files) => writeFileSync(files.detail, readFileSync(files.detail, 'utf8').replace('\n1,0,', '\n7,0,')),
      /load-detail\.csv:3: expected timestamp 1, found 7 \(timestamp\)/,
      'detail',
    ],
    [
      'rows after a partial step',
      (files) => writeFileSync(files.detail, readFileSync(files.detail, 'utf8').replace('\n1,0,', '\n1,1,')),
      /load-detail\.csv:4: rows after step 1, which is not complete/,
      'detail',
    ],
    [
      'a damaged histogram',
      (files) =>
        writeFileSync(
          files.latency,
          readFileSync(files.latency, 'utf8').replace(/,HISTF[^\n]*/, ',HISTFAAAxx'),
        ),
      /load-latency\.hlog:\d+: not an HdrHistogram compressed histogram/,
      'latency',
    ],
    [
      'a bad status count',
      (files) =>
        writeFileSync(files.detail, readFileSync(files.detail, 'utf8').replace('200:1\n', '200=1\n')),
      /"200=1" is not STATUS:COUNT \(status_counts\)/,
      'detail',
    ],
  ];
  cases.forEach(([what, damage, message, file], index) => {
    const files = writeRun(join(tmp.path, `run${index}`), [
      fakeStep(0, [5]),
      fakeStep(1, [6]),
      fakeStep(2, [7]),
    ]);
    damage(files);
    assert.throws(
      () => findLoadResumePoint(files),
      (error: unknown) => {
        assert.ok(error instanceof DataError, `${what}: ${String(error)}`);
        assert.match(error.message, message, what);
        assert.equal(error.file, files[file as keyof typeof files], what);
        assert.match(error.suggestion ?? '', /cannot be resumed/, what);
        return true;
      },
    );
  });
});

test('resumeLoad refuses a missing directory, one without settings and a complete run', async () => {
  using tmp = tempDir('load-resume-refuse');
  const complete = join(tmp.path, 'complete');
  writeRun(complete, [fakeStep(0, [5])]);
  writeFileSync(
    join(complete, LOAD_FILES.settings),
    readFileSync(join(complete, LOAD_FILES.settings), 'utf8').replace(
      '"durationSeconds": 10',
      '"durationSeconds": 1',
    ),
  );
  const foreign = join(tmp.path, 'foreign');
  writeRun(foreign, []);
  writeFileSync(join(foreign, LOAD_FILES.settings), '{"format": "something/v9"}');
  const cases: [string, string, 'usage' | 'data', RegExp][] = [
    ['missing', join(tmp.path, 'nowhere'), 'usage', /--resume: .*nowhere does not exist/],
    [
      'foreign',
      foreign,
      'data',
      /load-settings\.json: format is "something\/v9", expected rescape\.load-settings\/v1/,
    ],
    ['complete', complete, 'usage', /is complete \(all 1 steps were measured\)/],
  ];
  for (const [what, dir, kind, message] of cases) {
    await assert.rejects(resumeLoad(dir), (error: unknown) => {
      assert.ok(error instanceof (kind === 'usage' ? UsageError : DataError), `${what}: ${String(error)}`);
      assert.match((error as Error).message, message, what);
      return true;
    });
  }
});
