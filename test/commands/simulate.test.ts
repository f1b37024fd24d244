// `rescape simulate` as a user runs it (the built CLI: `npm run build` first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rescape, tempDir } from '../cli.js';
import { assertMatchesSchema } from '../json-schema.js';

const words = (line: string): string[] => line.split(' ');

test('--json prints a result that matches the schema, and --out writes the same record', async () => {
  using tmp = tempDir('simulate');
  const out = join(tmp.path, 'result.json');
  const result = await rescape([
    ...words(
      'simulate --policies static,hpa --duration 5m --seeds 1,2 --spike 3x@2m+1m --crash orders-db@3m --json --out',
    ),
    out,
  ]);
  assert.equal(result.exitCode, 0, result.stderr);
  const record = JSON.parse(result.stdout);
  assertMatchesSchema('simulation-result', record);
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), record);
  assert.equal(record.topology, 'ecommerce');
  assert.deepEqual(record.seeds, [1, 2]);
  assert.deepEqual(
    record.policies.map((p: { policy: string }) => p.policy),
    ['static', 'hpa'],
  );
  assert.deepEqual(record.faults, [
    { kind: 'crash', service: 'orders-db', startSeconds: 180, endSeconds: 200 },
  ]);
  const [staticPolicy, hpa] = record.policies;
  assert.deepEqual(staticPolicy.summary.replicaSeconds.values, [3600, 3600]);
  assert.ok(hpa.summary.replicaSeconds.mean < 3600, 'the HPA removes idle replicas');
  assert.ok(staticPolicy.summary.errorRate.mean > 0, 'the only orders-db replica crashed');
  assert.equal(staticPolicy.timeline.t.length, 5);
  assert.match(record.load, /closed loop 80–220 clients.*spike ×3 at 120 s for 60 s/);
  assert.ok(record.events > 0 && record.wallSeconds > 0);
});

test('the human output is a table of every policy with the relative change against the HPA', async () => {
  const result = await rescape(['simulate', '--policies', 'static,hpa', '--duration', '2m', '--runs', '1']);
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(
    result.stdout,
    /policy\s+mean ms\s+p95 ms\s+p99 ms\s+LB CV\s+util %\s+replica-s\s+recovery s\s+errors %/,
  );
  assert.match(result.stdout, /^static\s+\d/m);
  assert.match(result.stdout, /static vs hpa: mean response [+−]\d/);
  assert.match(result.stdout, /M events\/s/);
});

test('predictive: trains a GCN on a simulation, keeps it with --save-model, and reuses it with --model', async () => {
  using tmp = tempDir('simulate-model');
  const saved = join(tmp.path, 'forecaster');
  const trained = await rescape([
    ...words(
      'simulate --policies predictive --duration 2m --seeds 1 --train-duration 45m --epochs 1 --save-model',
    ),
    saved,
    '--json',
  ]);
  assert.equal(trained.exitCode, 0, trained.stderr);
  const record = JSON.parse(trained.stdout);
  assertMatchesSchema('simulation-result', record);
  assert.match(
    record.policies[0].description,
    /^gcn trained on a 0.75 h static simulation \(seed 1000\), 1 epochs/,
  );
  for (const file of ['model/card.json', 'model/weights.bin', 'training-run/run.json'])
    assert.ok(existsSync(join(saved, file)), file);

  const reused = await rescape([
    ...words('simulate --policies predictive --duration 2m --seeds 1 --model'),
    join(saved, 'model'),
    '--json',
  ]);
  assert.equal(reused.exitCode, 0, reused.stderr);
  assert.match(JSON.parse(reused.stdout).policies[0].description, /^gcn model .* \(window 10, 30 s steps\)/);

  const other = await rescape([
    ...words('simulate --topology hotel-reservation --policies predictive --duration 2m --model'),
    join(saved, 'model'),
    '--json',
  ]);
  assert.equal(other.exitCode, 3, other.stdout);
  const error = JSON.parse(other.stdout);
  assertMatchesSchema('error', error);
  assert.equal(error.error.field, 'services');
  assert.match(error.error.file, /card\.json$/);
});

// Each format's own cases are in test/sim/des/scenario-flags.test.ts; these check the command wires them.
const badFlags: [string[], RegExp][] = [
  [['--crash', 'cart@5m'], /--crash: ecommerce has no service "cart"/],
  [['--seeds', '1,1000'], /--training-seed 1000 is also one of the --seeds/],
  [
    ['--train-duration', '20m'],
    /--train-duration: 1200 s is 40 steps of 30 s; the forecaster needs at least 85/,
  ],
  [['--out', '/nonexistent-dir/result.json'], /--out .*: the directory \/nonexistent-dir does not exist/],
];

test('bad flags exit 2 with a message naming the flag and a suggestion, before anything runs', async () => {
  for (const [args, message] of badFlags) {
    const result = await rescape(['simulate', ...args, '--json']);
    assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stdout} ${result.stderr}`);
    const record = JSON.parse(result.stdout);
    assertMatchesSchema('error', record);
    assert.equal(record.error.kind, 'usage');
    assert.match(record.error.message, message);
    assert.ok(record.error.suggestion.length > 0, args.join(' '));
  }
  const human = await rescape(['simulate', '--spike', '3@30m+5m']);
  assert.equal(human.exitCode, 2);
  assert.match(human.stderr, /--spike/);
  assert.match(human.stderr, /E\.g\. --spike 3x@30m\+5m/);
});
