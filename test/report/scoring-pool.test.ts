// The report's models scored in worker threads give exactly what the main thread gives (the same code on the
// same backend), and a model a worker cannot score still fails with the main thread's typed error.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DataError } from '../../src/core/errors.js';
import { readRun } from '../../src/dataset/run-reader.js';
import { forecastModels, type ModelForecasts } from '../../src/report/model-forecasts.js';
import { startScoringWorkers } from '../../src/report/scoring-pool.js';
import { rescape, tempDir } from '../cli.js';
import { profiledRun, tinyModel } from './cli-fixtures.js';

const tmp = tempDir('scoring-pool');
process.on('exit', () => tmp[Symbol.dispose]());
const run = join(tmp.path, 'run');
const gatGru = join(tmp.path, 'gat-gru');
const gru = join(tmp.path, 'gru');
const otherRun = join(tmp.path, 'other-run');
const otherModel = join(tmp.path, 'other-model');

before(async () => {
  await profiledRun(run, '2h', 5);
  await tinyModel(run, gatGru);
  const small = ['--epochs', '1', '--hidden', '8', '--batch-size', '32'];
  const trained = await rescape(['train', run, '--model', 'gru', ...small, '--out', gru]);
  assert.equal(trained.exitCode, 0, trained.stderr);
  // A model of another benchmark: it cannot be scored on `run`.
  const profiled = await rescape([
    'profile',
    '--benchmark',
    'hotel-reservation',
    '--out',
    otherRun,
    '--duration',
    '2h',
  ]);
  assert.equal(profiled.exitCode, 0, profiled.stderr);
  await tinyModel(otherRun, otherModel);
});

async function score(modelDirs: string[], threads: number) {
  const scored: number[] = [];
  const models = await forecastModels({
    modelDirs,
    runDir: run,
    run: () => readRun(run, { calls: 'summary' }),
    workers: startScoringWorkers(run, threads - 1),
    onScored: (index) => scored.push(index),
  });
  return { models, scored };
}

const comparable = (model: ModelForecasts) => ({
  label: model.label,
  result: model.result,
  predictions: Array.from(model.predictions),
  starts: Array.from(model.windows.starts),
});

test('a worker thread and the main thread together score every model exactly as the main thread alone does', async () => {
  const inWorkers = await score([gru, gatGru], 2);
  const inMain = await score([gru, gatGru], 1);
  assert.deepEqual(
    inWorkers.models.map((model) => model.card.kind),
    ['gru', 'gat-gru'],
  );
  assert.deepEqual(inWorkers.models.map(comparable), inMain.models.map(comparable));
  assert.ok(inWorkers.models[0]!.predictions.length > 0);
  // Heaviest first: the GAT-GRU's job went out before the GRU's; both were reported.
  assert.deepEqual([...inWorkers.scored].sort(), [0, 1]);
  assert.deepEqual(inMain.scored, [1, 0]);
});

test('a model a worker cannot score fails with the typed error the main thread gives', async () => {
  const inMain = await score([otherModel], 1).catch((error: unknown) => error);
  const inWorkers = await score([gru, otherModel], 2).catch((error: unknown) => error);
  assert.ok(inMain instanceof DataError, String(inMain));
  assert.ok(inWorkers instanceof DataError, String(inWorkers));
  assert.equal(inWorkers.message, inMain.message);
  assert.equal(inWorkers.exitCode, 3);
});
