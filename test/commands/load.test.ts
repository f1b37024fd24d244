import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { rescape, tempDir } from '../cli.js';
import { assertMatchesSchema } from '../json-schema.js';
import { ClosedLoopPlan } from '../../src/load/load-schedule.js';
import { LOAD_DETAIL_COLUMNS } from '../../src/load/load-files.js';
import { LOAD_COLUMNS } from '../../src/dataset/run-format.js';
import { EndpointServer } from '../../src/sim/http-endpoints.js';
import { settled } from '../load/load-helpers.js';

interface LoadRecord {
  status: string;
  steps: number;
  samples: number;
  requests: number;
  resumedFromStep: number | null;
  draws: { atSeconds: number; concurrency: number }[];
  statusCounts: Record<string, number>;
}

function rows(file: string): string[][] {
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => line.split(','));
}

/** Sends SIGINT to a `rescape load` child 0.4 s into its third step (once two rows are in load.csv). */
async function interruptInThirdStep(child: ReturnType<typeof rescape>, loadCsv: string) {
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline && !(existsSync(loadCsv) && rows(loadCsv).length >= 3)) await delay(50);
  await delay(400);
  child.kill('SIGINT');
  return child;
}

test('rescape load --json: closed loop at a front end, one row per step, the record matches its schema', async () => {
  using tmp = tempDir('load');
  await using server = await EndpointServer.start({ benchmark: 'social-network', latencyScale: 0.5 });
  const out = join(tmp.path, 'run');
  const args = [
    'load',
    '--target',
    server.url,
    '--duration',
    '3s',
    '--step',
    '1s',
    '--concurrency',
    '2-9',
    '--redraw',
    '1s',
    '--seed',
    '3',
  ];
  const result = await rescape([...args, '--out', out, '--json']);
  assert.equal(result.exitCode, 0, result.stderr);
  const record = JSON.parse(result.stdout) as Record<string, unknown> & {
    draws: { concurrency: number }[];
    requests: number;
  };
  assertMatchesSchema('load-result', record);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'load-result.json'), 'utf8')), record);
  const plan = new ClosedLoopPlan({ min: 2, max: 9, redrawSeconds: 1 }, 3);
  const drawn = [0, 1, 2].map((second) => plan.at(second));
  assert.deepEqual(
    record.draws.map((draw) => draw.concurrency),
    drawn,
  );
  const load = rows(join(out, 'load.csv'));
  assert.deepEqual(load[0], [...LOAD_COLUMNS]);
  assert.deepEqual(
    load.slice(1).map((row) => [Number(row[0]), Number(row[1])]),
    drawn.map((value, step) => [step, value]),
  );
  const detail = rows(join(out, 'load-detail.csv'));
  assert.deepEqual(detail[0], [...LOAD_DETAIL_COLUMNS]);
  assert.equal(detail.length, 4);
  assert.ok(
    detail.slice(1).every((row) => row[1] === '0'),
    'no partial step',
  );
  const answered = load.slice(1).reduce((sum, row) => sum + Number(row[2]), 0);
  assert.equal(answered, record.requests);
  assert.ok(server.stats().total >= answered);
  assert.match(
    result.stderr,
    /load: 3\/3 .*elapsed .*remaining .*concurrency \d+, \d+ req\/s, p99 [\d.]+ ms, errors 0/,
  );
});

test('rescape load --target sim --rate-schedule: the open loop at the simulated front end', async () => {
  using tmp = tempDir('load-open');
  const out = join(tmp.path, 'run');
  const args =
    'load --target sim --benchmark hotel-reservation --rate-schedule 0-1s:40,1s-2s:80 --duration 2s --step 1s';
  const result = await rescape([...args.split(' '), '--out', out, '--json']);
  assert.equal(result.exitCode, 0, result.stderr);
  const record = JSON.parse(result.stdout) as {
    mode: string;
    rateSchedule: string;
    target: string;
    requests: number;
    draws: unknown[];
  };
  assertMatchesSchema('load-result', record);
  assert.equal(record.mode, 'open');
  assert.equal(record.rateSchedule, '0s-1s:40,1s-2s:80');
  assert.match(record.target, /^http:\/\/127\.0\.0\.1:\d+\/ \(simulated hotel-reservation\)$/);
  assert.deepEqual(record.draws, []);
  assert.ok(record.requests > 60 && record.requests < 180, `${record.requests} arrivals for 120 expected`);
  const detail = rows(join(out, 'load-detail.csv'));
  assert.deepEqual(
    detail.slice(1).map((row) => row[LOAD_DETAIL_COLUMNS.indexOf('offered_rate')]),
    ['40', '80'],
  );
  assert.deepEqual(
    detail.slice(1).map((row) => row[LOAD_DETAIL_COLUMNS.indexOf('target_concurrency')]),
    ['', ''],
  );
});

test('SIGINT stops the load and writes the partial step; exit 130', async () => {
  using tmp = tempDir('load-int');
  await using server = await EndpointServer.start({ benchmark: 'media-microservices', latencyScale: 0.5 });
  const out = join(tmp.path, 'run');
  const args = `load --target ${server.url} --benchmark media-microservices --duration 60s --step 1s --concurrency 4`;
  const child = rescape([...args.split(' '), '--out', out, '--json']);
  const loadCsv = join(out, 'load.csv');
  const result = await interruptInThirdStep(child, loadCsv);
  assert.equal(result.exitCode, 130, result.stderr);
  const record = JSON.parse(result.stdout) as { status: string; steps: number; samples: number };
  assertMatchesSchema('load-result', record);
  assert.equal(record.status, 'interrupted');
  assert.equal(record.samples, 60);
  const detail = rows(join(out, 'load-detail.csv')).slice(1);
  const load = rows(loadCsv).slice(1);
  assert.equal(load.length, record.steps);
  assert.equal(detail.length, record.steps);
  assert.deepEqual(
    detail.map((row) => row[1]),
    [...detail.slice(0, -1).map(() => '0'), '1'],
    'the last step is partial',
  );
  assert.ok(Number(detail.at(-1)?.[2]) < 1, 'the partial step is shorter than a step');
  assert.match(result.stderr, /SIGINT received/);
  await settled(() => server.stats().inFlight === 0, 'the server saw every cut-off request close');
});

test('load --resume continues a SIGINT-ed run: every step exactly once, the draws of an uninterrupted run', async () => {
  using tmp = tempDir('load-resume');
  await using server = await EndpointServer.start({ benchmark: 'social-network', latencyScale: 0.5 });
  const settings = `load --target ${server.url} --duration 5s --step 1s --concurrency 2-30 --redraw 1s --seed 11`;
  const whole = join(tmp.path, 'whole');
  const cut = join(tmp.path, 'cut');
  // The uninterrupted run goes alongside the one that is interrupted, so the test waits for one run, not two.
  const uninterrupted = rescape([...settings.split(' '), '--out', whole, '--json']);
  const interrupted = rescape([...settings.split(' '), '--out', cut, '--json']);
  const first = await interruptInThirdStep(interrupted, join(cut, 'load.csv'));
  assert.equal(first.exitCode, 130, first.stderr);
  const cutAt = (JSON.parse(first.stdout) as { steps: number }).steps;
  assert.ok(cutAt >= 3 && cutAt < 5, `interrupted in step ${cutAt - 1}`);
  assert.equal(rows(join(cut, 'load-detail.csv')).at(-1)?.[1], '1', 'the last step written was partial');

  const again = await rescape(['load', '--resume', cut, '--json']);
  assert.equal(again.exitCode, 0, again.stderr);
  const resumed = JSON.parse(again.stdout) as Record<string, unknown> & LoadRecord;
  assertMatchesSchema('load-result', resumed);
  const reference = await uninterrupted;
  assert.equal(reference.exitCode, 0, reference.stderr);
  const whole_ = JSON.parse(reference.stdout) as LoadRecord;
  assert.equal(resumed.resumedFromStep, cutAt - 1, 'the partial step is measured again');
  assert.deepEqual([resumed.status, resumed.steps, resumed.samples], ['complete', 5, 5]);
  assert.deepEqual(resumed.draws, whole_.draws, 'the same concurrency draws as the uninterrupted run');
  const steps = (dir: string, file: string): string[] =>
    rows(join(dir, file))
      .slice(1)
      .map((row) => row[0] as string);
  for (const file of ['load.csv', 'load-detail.csv'])
    assert.deepEqual(steps(cut, file), ['0', '1', '2', '3', '4'], `${file}: every step exactly once`);
  assert.deepEqual(
    rows(join(cut, 'load.csv')).map((row) => row[1]),
    rows(join(whole, 'load.csv')).map((row) => row[1]),
    "load.csv holds the uninterrupted run's concurrency in every step",
  );
  assert.ok(
    rows(join(cut, 'load-detail.csv'))
      .slice(1)
      .every((row) => row[1] === '0'),
    'no partial step is left',
  );
  const latencyLines = readFileSync(join(cut, 'load-latency.hlog'), 'utf8').split('\n');
  assert.equal(latencyLines.filter((line) => /^\d/.test(line)).length, 5, 'one histogram per step');
  const counted = rows(join(cut, 'load.csv'))
    .slice(1)
    .reduce((sum, row) => sum + Number(row[2]), 0);
  assert.equal(resumed.requests, counted, 'the record totals every step, before and after the resume');
  assert.deepEqual(resumed.statusCounts, { '200': counted });

  const twice = await rescape(['load', '--resume', cut, '--json']);
  assert.equal(twice.exitCode, 2, 'a complete run has nothing to resume');
  assert.match(twice.stdout, /is complete \(all 5 steps were measured\)/);
  const mixed = await rescape(['load', '--resume', cut, '--seed', '4']);
  assert.equal(mixed.exitCode, 2);
  assert.match(mixed.stderr, /--seed=4 cannot also be provided when using --resume/);
});

test('bad flags are usage errors (exit 2) naming the flag, with a suggestion; nothing is written', async () => {
  // Every option check is covered in test/load/load-options.test.ts; this one goes through the CLI.
  using tmp = tempDir('load-flags');
  const out = join(tmp.path, 'never');
  const base = ['load', '--target', 'http://127.0.0.1:9', '--duration', '1m', '--out', out];
  const json = await rescape([...base, '--concurrency', '300-100', '--json']);
  assert.equal(json.exitCode, 2, json.stdout);
  const error = JSON.parse(json.stdout) as Record<string, unknown> & {
    error: { kind: string; message: string; suggestion?: string };
  };
  assertMatchesSchema('error', error);
  assert.equal(error.error.kind, 'usage');
  assert.match(error.error.message, /--concurrency: 300-100 runs backwards/);
  assert.match(error.error.suggestion ?? '', /--concurrency 100-300/);
  const human = await rescape([...base, '--benchmark', 'hpc-ai500']);
  assert.equal(human.exitCode, 2);
  // oclif wraps and prefixes the lines of its message.
  const message = human.stderr.replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' ');
  assert.match(
    message,
    /HPC-AI500 has no HTTP endpoints; .* Try this: rescape load drives one of: social-network, hotel-reservation, media-microservices\./,
  );
  const both = await rescape([...base, '--concurrency', '5', '--rate-schedule', '0-1m:5']);
  assert.equal(both.exitCode, 2);
  assert.match(both.stderr, /cannot also be provided/);
  assert.equal(existsSync(out), false);
});

test('a broken --mix file is a data error naming file, line and field', async () => {
  using tmp = tempDir('load-mix');
  const mix = join(tmp.path, 'mix.yaml');
  writeFileSync(
    mix,
    'format: rescape.load-mix/v1\nname: mine\nrequests:\n  - name: a\n    weight: one\n    method: GET\n    path: /\n',
  );
  const args = ['load', '--target', 'http://127.0.0.1:9', '--mix', mix, '--duration', '30s'];
  const result = await rescape([...args, '--out', join(tmp.path, 'out'), '--json']);
  assert.equal(result.exitCode, 3, result.stdout);
  const error = JSON.parse(result.stdout) as {
    error: { kind: string; file: string; line: number; field: string };
  };
  assert.deepEqual(
    [error.error.kind, error.error.file, error.error.line, error.error.field],
    ['data', mix, 5, 'requests[0].weight'],
  );
});
