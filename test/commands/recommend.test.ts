import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { rescape, tempDir } from '../cli.js';
import { assertMatchesSchema } from '../json-schema.js';

const tmp = tempDir('recommend');
process.on('exit', () => tmp[Symbol.dispose]());
const run = join(tmp.path, 'ecommerce');
const model = join(tmp.path, 'gru');

/** Flags written as one string, split on spaces (no value here contains one). */
const flags = (text: string): string[] => text.split(' ');

/** Runs `rescape <command> <inputs> <settings> --out <out>` and expects it to succeed. */
async function make(command: 'profile' | 'train', inputs: string[], settings: string, out: string) {
  const result = await rescape([command, ...inputs, ...flags(settings), '--out', out]);
  assert.equal(result.exitCode, 0, result.stderr);
}

before(async () => {
  await make('profile', [], '--benchmark ecommerce --duration 2h --seed 4', run);
  // A tiny GRU: two epochs of hidden 8 train in about a second and forecast with real, imperfect errors.
  await make('train', [run], '--model gru --epochs 2 --hidden 8 --batch-size 32', model);
});

interface ServiceJson {
  service: string;
  replicas: { recommended: number };
  cpu: { lower: number; target: number; upper: number; request: string; limit: string; boundedBy: string[] };
}

test('recommend --json: a schema-valid result with ordered bounds, validated patches and the VPA replay', async () => {
  const result = await rescape(['recommend', model, '--run', run, '--max-cpu', '3', '--json']);
  assert.equal(result.exitCode, 0, result.stderr);
  const recommendation = JSON.parse(result.stdout);
  assertMatchesSchema('recommend-result', recommendation);
  assert.equal(recommendation.at, 239, 'the last step by default');
  assert.deepEqual(
    recommendation.steps.map((step: { timestamp: number }) => step.timestamp),
    [240, 241, 242],
  );
  assert.equal(recommendation.settings.capacitySource, 'topology');
  assert.equal(recommendation.services.length, 6);
  assert.equal(recommendation.patches.length, 6);
  for (const service of recommendation.services as ServiceJson[]) {
    const { lower, target, upper } = service.cpu;
    assert.ok(lower <= target && target <= upper, service.service);
    assert.ok(lower >= 0.025 && upper <= 3, `${service.service}: within --min-cpu 25m and --max-cpu 3`);
    assert.equal(service.cpu.request, `${Math.round(target * 1000)}m`);
  }
  const comparison = recommendation.comparison;
  assert.ok(comparison.decisions > 0);
  assert.equal(
    comparison.skippedForCalibration,
    0,
    '12 validation windows are enough from the first test step',
  );
  for (const method of ['forecast', 'vpa']) {
    const totals = comparison.totals[method];
    assert.ok(totals.overCoreSeconds >= 0 && totals.underCoreSeconds >= 0);
    assert.ok(
      Math.abs(
        totals.provisionedCoreSeconds -
          totals.overCoreSeconds +
          totals.underCoreSeconds -
          totals.usedCoreSeconds,
      ) <
        1e-6 * totals.usedCoreSeconds,
      'provisioned − over + under = used',
    );
  }
});

test('--format yaml prints Deployment documents that pass the Kubernetes schema', async () => {
  const result = await rescape([
    'recommend',
    model,
    '--run',
    run,
    '--namespace',
    'shop',
    '--map',
    'orders-db=orders-database/mongodb',
    '--no-compare-vpa',
    '--format',
    'yaml',
  ]);
  assert.equal(result.exitCode, 0, result.stderr);
  const documents = parseAllDocuments(result.stdout).map((document) => document.toJS());
  assert.equal(documents.length, 6);
  for (const document of documents) {
    assert.equal(document.kind, 'Deployment');
    assert.equal(document.metadata.namespace, 'shop');
    assert.doesNotThrow(() =>
      new Deployment({ ...document, spec: { selector: {}, ...document.spec } }).validate(),
    );
  }
  const orders = documents.find((document) => document.metadata.name === 'orders-database');
  assert.equal(orders?.spec.template.spec.containers[0].name, 'mongodb');

  const json = await rescape(['recommend', model, '--run', run, '--no-compare-vpa', '--format', 'json']);
  assert.equal(json.exitCode, 0, json.stderr);
  const list = JSON.parse(json.stdout);
  assert.deepEqual([list.kind, list.items.length], ['List', 6]);
});

test('a higher --quantile never recommends less, and somewhere more', async () => {
  const totals = async (quantile: string) => {
    const result = await rescape([
      'recommend',
      model,
      '--run',
      run,
      '--quantile',
      quantile,
      '--headroom',
      '0',
      '--no-compare-vpa',
      '--json',
    ]);
    assert.equal(result.exitCode, 0, result.stderr);
    return (JSON.parse(result.stdout).services as ServiceJson[]).map(
      (service) => service.cpu.target * service.replicas.recommended,
    );
  };
  const low = await totals('0.5');
  const high = await totals('0.97');
  low.forEach((value, s) => assert.ok(high[s]! >= value - 1e-9, `service ${s}: ${high[s]} < ${value}`));
  assert.ok(high.some((value, s) => value > low[s]!));
});

test('a run that does not match the model is a data error (exit 3); bad flags are usage errors (exit 2)', async () => {
  const other = join(tmp.path, 'hotel');
  await make('profile', [], '--benchmark hotel-reservation --duration 30m --seed 1', other);
  const mismatched = await rescape(['recommend', model, '--run', other, '--json']);
  assert.equal(mismatched.exitCode, 3, mismatched.stderr);
  const error = JSON.parse(mismatched.stdout).error;
  assertMatchesSchema('error', JSON.parse(mismatched.stdout));
  assert.match(error.message, /the run's services differ from the model's/);

  for (const [args, flag] of [
    [['--quantile', '1.5'], '--quantile'],
    [['--at', '20'], '--at 20'],
  ] as const) {
    const result = await rescape(['recommend', model, '--run', run, ...args]);
    assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.ok(result.stderr.includes(flag), result.stderr);
  }
});

test('GPU services get a GPU count per replica in their limits; CPU services none', async () => {
  const gpuRun = join(tmp.path, 'hpc');
  const gpuModel = join(tmp.path, 'hpc-naive');
  await make('profile', [], '--benchmark hpc-ai500 --duration 2h --seed 3', gpuRun);
  // The naive (last-value) model trains nothing, which is all this needs: forecasts of cpu and gpu.
  await make('train', [gpuRun], '--model naive --targets cpu,gpu', gpuModel);
  const result = await rescape(['recommend', gpuModel, '--run', gpuRun, '--no-compare-vpa', '--json']);
  assert.equal(result.exitCode, 0, result.stderr);
  const recommendation = JSON.parse(result.stdout);
  assertMatchesSchema('recommend-result', recommendation);
  for (const [s, service] of (
    recommendation.services as (ServiceJson & { kind: string; gpu: { perReplica: number } | null })[]
  ).entries()) {
    const limits = recommendation.patches[s].spec.template.spec.containers[0].resources.limits;
    if (service.kind === 'gpu') {
      assert.ok(
        service.gpu !== null && service.gpu.perReplica >= 1 && service.gpu.perReplica <= 8,
        service.service,
      );
      assert.equal(limits['nvidia.com/gpu'], String(service.gpu.perReplica));
    } else {
      assert.equal(service.gpu, null, service.service);
      assert.equal(limits['nvidia.com/gpu'], undefined);
    }
  }
});
