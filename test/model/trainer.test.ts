import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../src/model/tf.js';
import { createModel } from '../../src/model/create-model.js';
import {
  learningRateAt,
  trainModel,
  type TrainingSettings,
  type WindowArrays,
} from '../../src/model/trainer.js';
import { DirectoryCheckpoint } from '../../src/model/training-checkpoint.js';
import { chainGraph, fixtureValues, smallConfig, useTestBackend } from './model-test-helpers.js';

before(useTestBackend);

const config = smallConfig('gru', { residual: false });
const size = (dims: number[]) => dims.reduce((n, d) => n * d, 1);
function windows(count: number, seed: number): WindowArrays {
  return {
    inputs: fixtureValues(count * size([config.window, config.services, config.features]), seed),
    targets: fixtureValues(count * size([config.horizon, config.services, config.targets]), seed + 1),
    count,
  };
}
const settings: TrainingSettings = {
  epochs: 4,
  batchSize: 8,
  learningRate: 0.01,
  patience: null,
  clipNorm: 1,
  loss: 'mse',
  seed: 3,
};
const weightsOf = (model: { variables: readonly tf.Variable[] }) =>
  model.variables.map((v) => Array.from(v.dataSync()));

test('the same seed trains to the same history and weights; no tensor leaks across epochs', async () => {
  const run = async () => {
    const model = createModel(config, chainGraph(config.services), { scope: `seeded-${Math.random()}` });
    const before = tf.memory().numTensors;
    const outcome = await trainModel(model, windows(40, 1), windows(10, 5), settings);
    const after = tf.memory().numTensors;
    const weights = weightsOf(model);
    model.dispose();
    return { outcome, weights, leaked: after - before };
  };
  const a = await run();
  const b = await run();
  assert.deepEqual(
    a.outcome.history.map((r) => [r.loss, r.validationLoss]),
    b.outcome.history.map((r) => [r.loss, r.validationLoss]),
  );
  assert.deepEqual(a.weights, b.weights);
  assert.equal(a.leaked, 0);
  assert.equal(a.outcome.history.length, 4);
  const best = Math.min(...a.outcome.history.map((r) => r.validationLoss));
  assert.equal(
    a.outcome.bestValidationLoss,
    best,
    'the best epoch is the one with the lowest validation loss',
  );
});

test('without validation windows the training loss picks the best epoch (weights are trained, not the initial ones)', async () => {
  const model = createModel(config, chainGraph(config.services), { scope: 'no-validation' });
  const initial = weightsOf(model);
  const outcome = await trainModel(
    model,
    windows(40, 2),
    { inputs: new Float32Array(0), targets: new Float32Array(0), count: 0 },
    settings,
  );
  assert.ok(outcome.bestEpoch >= 1);
  assert.notDeepEqual(weightsOf(model), initial);
  model.dispose();
});

test('early stopping stops after `patience` epochs without improvement', async () => {
  const model = createModel(config, chainGraph(config.services), { scope: 'patience' });
  // A learning rate this large makes validation worse after the first steps.
  const messages: string[] = [];
  const outcome = await trainModel(
    model,
    windows(40, 3),
    windows(10, 7),
    { ...settings, epochs: 30, learningRate: 5, patience: 2 },
    { onProgress: (event) => messages.push(event.message ?? '') },
  );
  assert.ok(
    messages.some((message) =>
      /^epoch 1: loss [\d.]+, val [\d.]+, [\d.]+ s\/epoch, ETA \d+ s$/.test(message),
    ),
    'each epoch reports loss, validation loss, s/epoch and ETA',
  );
  assert.ok(outcome.stoppedEarly);
  assert.ok(outcome.history.length < 30);
  assert.equal(outcome.history.length - outcome.bestEpoch, 2);
  model.dispose();
});

test('an aborted run resumes from its checkpoint to the same result as an uninterrupted one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rescape-checkpoint-'));
  try {
    const uninterrupted = createModel(config, chainGraph(config.services), { scope: 'straight' });
    const reference = await trainModel(uninterrupted, windows(40, 4), windows(10, 8), settings);
    const referenceWeights = weightsOf(uninterrupted);
    uninterrupted.dispose();

    const controller = new AbortController();
    const first = createModel(config, chainGraph(config.services), { scope: 'first' });
    const checkpoint = new DirectoryCheckpoint(dir, 'fingerprint');
    let epochsSeen = 0;
    const stopped = await trainModel(first, windows(40, 4), windows(10, 8), settings, {
      signal: controller.signal,
      checkpoint,
      onProgress: (event) => {
        if (event.message?.includes('val')) epochsSeen += 1;
        if (epochsSeen === 2) controller.abort();
      },
    });
    first.dispose();
    assert.ok(stopped.interrupted);
    assert.equal(stopped.epochsDone, 2);

    // Weights are restored by variable name, so the resumed model is built with the same scope.
    const resumedModel = createModel(config, chainGraph(config.services), { scope: 'first' });
    const resumed = await trainModel(resumedModel, windows(40, 4), windows(10, 8), settings, { checkpoint });
    assert.equal(resumed.resumedFromEpoch, 2);
    assert.deepEqual(
      resumed.history.map((r) => r.validationLoss),
      reference.history.map((r) => r.validationLoss),
    );
    const resumedWeights = weightsOf(resumedModel);
    resumedModel.dispose();
    resumedWeights.forEach((values, index) =>
      values.forEach((value, i) => assert.ok(Math.abs(value - referenceWeights[index]![i]!) < 1e-5)),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the cosine schedule starts at the learning rate and ends at a tenth of it; constant stays put', () => {
  const cosine: TrainingSettings = { ...settings, epochs: 5, learningRateSchedule: 'cosine' };
  const rates = [1, 2, 3, 4, 5].map((epoch) => learningRateAt(cosine, epoch));
  assert.ok(Math.abs(rates[0]! - 0.01) < 1e-12);
  // Half way the rate is the mean of the start and the floor: 0.01 × (0.1 + 0.9 / 2).
  assert.ok(Math.abs(rates[2]! - 0.01 * 0.55) < 1e-12, `mid ${rates[2]}`);
  assert.ok(Math.abs(rates[4]! - 0.001) < 1e-12, `end ${rates[4]}`);
  for (let i = 1; i < rates.length; i += 1) assert.ok(rates[i]! < rates[i - 1]!, 'strictly falling');
  assert.equal(learningRateAt({ ...settings, epochs: 5 }, 4), 0.01);
});

test('decoupled weight decay shrinks kernels, never biases, by lr × decay per step', async () => {
  // A learning rate too small to move anything measurably, so what changes is the decay alone.
  const tiny: TrainingSettings = {
    ...settings,
    epochs: 1,
    batchSize: 40,
    learningRate: 1e-9,
    clipNorm: null,
  };
  const train = async (weightDecay: number) => {
    const model = createModel(config, chainGraph(config.services), { scope: `decay-${weightDecay}` });
    await trainModel(model, windows(40, 1), windows(0, 5), { ...tiny, weightDecay: weightDecay });
    // Names without the scope, which differs between the two models.
    const named = new Map(
      model.variables.map((v) => [v.name.replace(/^[^/]*\//, ''), Array.from(v.dataSync())]),
    );
    model.dispose();
    return named;
  };
  const plain = await train(0);
  const decayed = await train(1e6); // factor 1 − 1e-9 × 1e6 = 0.999 for the one step
  for (const [name, values] of plain) {
    const after = decayed.get(name)!;
    values.forEach((value, index) => {
      const expected = name.endsWith('kernel') ? value * 0.999 : value;
      assert.ok(
        Math.abs(after[index]! - expected) < 1e-6,
        `${name}[${index}]: ${after[index]} vs ${expected}`,
      );
    });
  }
});
