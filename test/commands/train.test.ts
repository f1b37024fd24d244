import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { rescape, tempDir } from '../cli.js';
import { assertMatchesSchema } from '../json-schema.js';

const tmp = tempDir('train');
process.on('exit', () => tmp[Symbol.dispose]());
const run = join(tmp.path, 'ecommerce');
const small = ['--hidden', '8', '--heads', '2', '--batch-size', '32'];

/** `rescape train <run> <args> --out <tmp>/<name> --json`, which must succeed: the model dir and the result. */
async function trainInto(name: string, args: string[]) {
  const modelDir = join(tmp.path, name);
  const trained = await rescape(['train', run, ...args, ...small, '--out', modelDir, '--json']);
  assert.equal(trained.exitCode, 0, trained.stderr);
  return { modelDir, result: JSON.parse(trained.stdout) };
}

before(async () => {
  const profiled = await rescape([
    'profile',
    '--benchmark',
    'ecommerce',
    '--duration',
    '2h',
    '--seed',
    '4',
    '--out',
    run,
  ]);
  assert.equal(profiled.exitCode, 0, profiled.stderr);
});

test('train → evaluate → predict: a saved model scores and forecasts exactly as trained', async () => {
  const modelDir = join(tmp.path, 'gat-gru');
  const trained = await rescape([
    'train',
    run,
    '--model',
    'gat-gru',
    '--epochs',
    '2',
    ...small,
    '--out',
    modelDir,
    '--json',
  ]);
  assert.equal(trained.exitCode, 0, trained.stderr);
  const result = JSON.parse(trained.stdout);
  assertMatchesSchema('train', result);
  assert.equal(result.epochs, 2);
  assert.equal(result.services, 6);
  assert.deepEqual(
    result.test.models.map((m: { model: string }) => m.model),
    ['gat-gru', 'last-value', 'seasonal-naive'],
  );
  const lastValue = result.test.models[1].horizons;
  assert.ok(
    lastValue.every((h: { skillMae: number }) => h.skillMae === 0),
    'last value has zero skill against itself',
  );
  assert.deepEqual(
    result.test.models[0].horizons.map((h: { leadSeconds: number }) => h.leadSeconds),
    [30, 60, 90],
  );
  for (const file of ['model.json', 'weights.bin', 'card.json'])
    assert.ok(existsSync(join(modelDir, file)), file);
  assert.equal(
    existsSync(join(modelDir, 'checkpoint')),
    false,
    'the checkpoint is removed once the model is saved',
  );
  const card = JSON.parse(readFileSync(join(modelDir, 'card.json'), 'utf8'));
  assert.equal(card.format, 'rescape.model/v1');
  assert.equal(card.backend, result.backend);

  const evaluated = await rescape(['evaluate', modelDir, '--json']);
  assert.equal(evaluated.exitCode, 0, evaluated.stderr);
  const evaluation = JSON.parse(evaluated.stdout);
  assertMatchesSchema('evaluate', evaluation);
  assert.deepEqual(evaluation.test, result.test, 'loading the saved model gives identical forecasts');

  const predicted = await rescape(['predict', modelDir, '--run', run, '--at', '100', '--json']);
  assert.equal(predicted.exitCode, 0, predicted.stderr);
  const forecast = JSON.parse(predicted.stdout);
  assertMatchesSchema('predict', forecast);
  assert.deepEqual(
    forecast.steps.map((s: { timestamp: number }) => s.timestamp),
    [101, 102, 103],
  );
  assert.equal(forecast.services.length, 6);
  for (const service of forecast.services) {
    assert.equal(service.targets[0].forecast.length, 3);
    assert.ok(service.targets[0].forecast.every((v: number) => Number.isFinite(v)));
  }
});

test('the naive baseline trains nothing and equals last value exactly', async () => {
  const result = await rescape([
    'train',
    run,
    '--model',
    'naive',
    '--out',
    join(tmp.path, 'naive'),
    '--json',
  ]);
  assert.equal(result.exitCode, 0, result.stderr);
  const { test: evaluation, epochs } = JSON.parse(result.stdout);
  assert.equal(epochs, 0);
  assert.deepEqual(
    evaluation.models[0].horizons.map((h: { mae: number }) => h.mae),
    evaluation.models[1].horizons.map((h: { mae: number }) => h.mae),
  );
});

test('--compare trains several models into <out>/<kind> and shows them beside the references', async () => {
  const out = join(tmp.path, 'compare');
  const result = await rescape([
    'train',
    run,
    '--compare',
    'fc,gcn',
    '--epochs',
    '1',
    ...small,
    '--out',
    out,
    '--json',
  ]);
  assert.equal(result.exitCode, 0, result.stderr);
  const record = JSON.parse(result.stdout);
  assert.deepEqual(Object.keys(record), ['models']);
  for (const model of record.models) assertMatchesSchema('train', model);
  assert.deepEqual(
    record.models.map((m: { kind: string }) => m.kind),
    ['fc', 'gcn'],
  );
  for (const kind of ['fc', 'gcn']) assert.ok(existsSync(join(out, kind, 'card.json')), kind);
  const human = await rescape([
    'train',
    run,
    '--compare',
    'naive,seasonal',
    '--out',
    join(tmp.path, 'compare-naive'),
  ]);
  assert.equal(human.exitCode, 0, human.stderr);
  assert.match(human.stdout, /naive\s+30 s/);
  assert.match(human.stdout, /seasonal\s+30 s/);
  assert.match(human.stdout, /last-value\s+30 s/);
});

test('an interrupted train resumes from its last finished epoch', async () => {
  const modelDir = join(tmp.path, 'resumed');
  const args = ['train', run, '--model', 'gru', '--epochs', '40', ...small, '--out', modelDir];
  const child = rescape(args);
  const state = join(modelDir, 'checkpoint', 'state.json');
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !existsSync(state)) await delay(50);
  child.kill('SIGINT');
  const stopped = await child;
  assert.equal(stopped.exitCode, 130, stopped.stderr);
  assert.match(stopped.stderr, /run the same command again to resume/);
  const done = JSON.parse(readFileSync(state, 'utf8')).state.epochsDone as number;
  assert.ok(done >= 1 && done < 40);

  const resumed = await rescape([
    ...args.slice(0, 4),
    '--epochs',
    String(done + 1),
    ...small,
    '--out',
    modelDir,
    '--json',
  ]);
  assert.equal(resumed.exitCode, 0, resumed.stderr);
  const result = JSON.parse(resumed.stdout);
  assertMatchesSchema('train', result);
  assert.equal(result.resumedFromEpoch, done, 'training goes on from the checkpoint');
  assert.equal(result.epochs, done + 1);
  assert.deepEqual(
    result.history.map((h: { epoch: number }) => h.epoch),
    Array.from({ length: done + 1 }, (_, i) => i + 1),
  );
  assert.equal(existsSync(join(modelDir, 'checkpoint')), false);
});

test('forecasting a run of another benchmark names the differing services', async () => {
  const other = join(tmp.path, 'hotel');
  assert.equal(
    (await rescape(['profile', '--benchmark', 'hotel-reservation', '--duration', '10m', '--out', other]))
      .exitCode,
    0,
  );
  const result = await rescape(['predict', join(tmp.path, 'gat-gru'), '--run', other, '--json']);
  assert.equal(result.exitCode, 3, result.stdout);
  const { error } = JSON.parse(result.stdout);
  assertMatchesSchema('error', { error });
  assert.match(
    error.message,
    /services differ from the model's: missing .*payment.*not in the model .*frontend/,
  );
});

test('too little data for the split is a usage error saying how many steps are needed', async () => {
  const short = join(tmp.path, 'short');
  assert.equal(
    (await rescape(['profile', '--benchmark', 'ecommerce', '--duration', '30m', '--out', short])).exitCode,
    0,
  );
  const result = await rescape([
    'train',
    short,
    '--model',
    'gru',
    '--out',
    join(tmp.path, 'never'),
    '--json',
  ]);
  assert.equal(result.exitCode, 2, result.stdout);
  assert.match(JSON.parse(result.stdout).error.message, /129/);
  assert.equal(existsSync(join(tmp.path, 'never')), false);
});

test('defaults are the robust preset, --paper the paper’s, and an explicit flag overrides either', async () => {
  const settingsOf = async (name: string, extra: string[]) => {
    const { modelDir, result } = await trainInto(name, ['--model', 'call-gru', '--epochs', '1', ...extra]);
    assertMatchesSchema('train', result);
    const card = JSON.parse(readFileSync(join(modelDir, 'card.json'), 'utf8'));
    return { ...card.training.settings, residual: card.config.residual, normaliser: card.normalisation.kind };
  };
  const robust = await settingsOf('preset-default', []);
  assert.deepEqual(
    [
      robust.residual,
      robust.normaliser,
      robust.loss,
      robust.clipNorm,
      robust.patience,
      robust.weightDecay,
      robust.learningRateSchedule,
    ],
    [true, 'robust', 'huber', 1, 10, 1e-4, 'cosine'],
  );
  const paper = await settingsOf('preset-paper', ['--paper', '--loss', 'huber']);
  assert.deepEqual(
    [
      paper.residual,
      paper.normaliser,
      paper.loss,
      paper.clipNorm,
      paper.patience,
      paper.weightDecay,
      paper.learningRateSchedule,
    ],
    [false, 'minmax', 'huber', null, null, 0, 'constant'],
  );
});

test('evaluate --exclude-anomalies reports how many test windows it left out', async () => {
  const modelDir = join(tmp.path, 'naive-anomalies');
  const trained = await rescape(['train', run, '--model', 'naive', '--out', modelDir, '--json']);
  assert.equal(trained.exitCode, 0, trained.stderr);
  const all = JSON.parse((await rescape(['evaluate', modelDir, '--json'])).stdout);
  const evaluated = await rescape(['evaluate', modelDir, '--exclude-anomalies', '--json']);
  assert.equal(evaluated.exitCode, 0, evaluated.stderr);
  const kept = JSON.parse(evaluated.stdout);
  assertMatchesSchema('evaluate', kept);
  assert.equal(all.excludedAnomalyWindows, 0);
  assert.equal(kept.test.windows, all.test.windows - kept.excludedAnomalyWindows);
});

test('--ensemble 2 forecasts the mean of the two models its seeds train on their own, and reloads', async () => {
  const train = async (name: string, extra: string[]) => {
    const { modelDir, result } = await trainInto(name, ['--model', 'gru', '--epochs', '2', ...extra]);
    const predicted = await rescape(['predict', modelDir, '--run', run, '--at', '150', '--json']);
    assert.equal(predicted.exitCode, 0, predicted.stderr);
    const forecast = JSON.parse(predicted.stdout) as { services: { targets: { forecast: number[] }[] }[] };
    return { result, modelDir, values: forecast.services.flatMap((s) => s.targets[0]!.forecast) };
  };
  const first = await train('single-seed-3', ['--seed', '3']);
  const second = await train('single-seed-4', ['--seed', '4']);
  const ensemble = await train('ensemble', ['--seed', '3', '--ensemble', '2']);
  assertMatchesSchema('train', ensemble.result);
  assert.deepEqual(
    ensemble.result.members.map((m: { seed: number }) => m.seed),
    [3, 4],
  );
  assert.equal(ensemble.result.history.length, 4, 'two epochs for each member');
  ensemble.values.forEach((value, index) => {
    const mean = (first.values[index]! + second.values[index]!) / 2;
    assert.ok(
      Math.abs(value - mean) < 1e-4 * Math.max(1, Math.abs(mean)),
      `forecast ${index}: ${value} vs mean ${mean}`,
    );
  });
  const evaluated = await rescape(['evaluate', ensemble.modelDir, '--json']);
  assert.deepEqual(
    JSON.parse(evaluated.stdout).test,
    ensemble.result.test,
    'the saved ensemble scores as trained',
  );
  const refused = await rescape([
    'train',
    run,
    '--model',
    'naive',
    '--ensemble',
    '2',
    '--out',
    join(tmp.path, 'naive-ensemble'),
  ]);
  assert.equal(refused.exitCode, 2);
  assert.match(refused.stderr, /not learned/);
});
