import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend, tf } from '../../src/model/tf.js';
import { createModel } from '../../src/model/create-model.js';
import { INFERENCE_MAX_ROWS } from '../../src/model/recurrent-inference.js';
import type { ForecastModel, ModelKind } from '../../src/model/model-types.js';
import {
  chainGraph,
  fixtureTensor,
  maxDifference,
  smallConfig,
  useTestBackend,
} from './model-test-helpers.js';

before(useTestBackend);
after(useTestBackend);

const SERVICES = 5;
const INFERABLE: ModelKind[] = ['gat-gru', 'gat-lstm', 'gru', 'lstm'];

/** A model whose every weight is non-trivial (biases and the zero-initialised output kernel included). */
function perturbedModel(kind: ModelKind, seed: number): ForecastModel {
  const config = smallConfig(kind, { services: SERVICES, hidden: 6, heads: 3, features: 2, targets: 2 });
  const model = createModel(config, chainGraph(SERVICES), { scope: `inference-${kind}-${seed}` });
  model.variables.forEach((variable, index) => {
    tf.tidy(() => variable.assign(tf.add(variable, fixtureTensor(variable.shape, seed + index, 0.5))));
  });
  return model;
}

/** The kernels one forward pass runs. */
async function kernelsOf(model: ForecastModel, inputs: tf.Tensor4D, training: boolean): Promise<string[]> {
  const info = await tf.profile(() => model.forward(inputs, { training }));
  tf.dispose(info.result);
  return info.kernels.map((kernel) => kernel.name);
}

for (const kind of [...INFERABLE, 'call-gru' as const]) {
  test(`${kind}: forecasts (training: false) equal the training path's within 1e-5, for 1 and 3 windows`, () => {
    const model = perturbedModel(kind, 40);
    for (const [batch, scale] of [
      [1, 1],
      [3, 1],
      // Large inputs drive the gates into saturation, where tanh as 2σ(2x) − 1 is checked at its extremes.
      [2, 6],
    ] as const) {
      const inputs = fixtureTensor<tf.Rank.R4>([batch, 4, SERVICES, 2], 50 + batch, scale);
      const generic = model.forward(inputs, { training: true });
      const inference = model.forward(inputs, { training: false });
      assert.deepEqual(inference.shape, generic.shape);
      const difference = maxDifference(inference, generic);
      assert.ok(difference <= 1e-5, `${kind}, batch ${batch}, scale ${scale}: max |Δ| ${difference}`);
      tf.dispose([inputs, generic, inference]);
    }
    model.dispose();
  });
}

test('the inference path runs for GRU, LSTM and both GAT cells (no Tanh kernel), not for call-gru or training', async () => {
  const inputs = fixtureTensor<tf.Rank.R4>([1, 4, SERVICES, 2], 60);
  for (const kind of [...INFERABLE, 'call-gru' as const]) {
    const model = perturbedModel(kind, 70);
    const inference = await kernelsOf(model, inputs, false);
    const training = await kernelsOf(model, inputs, true);
    assert.ok(training.includes('Tanh'), `${kind}: the training path uses Tanh`);
    assert.equal(inference.includes('Tanh'), kind === 'call-gru', `${kind}: ${inference.join(', ')}`);
    if (kind !== 'call-gru') {
      assert.ok(
        inference.length * 2 < training.length,
        `${kind}: ${inference.length} vs ${training.length} kernels`,
      );
    }
    model.dispose();
  }
  // Above INFERENCE_MAX_ROWS rows the generic path is the faster one.
  const model = perturbedModel('gat-gru', 75);
  const large = fixtureTensor<tf.Rank.R4>(
    [Math.floor(INFERENCE_MAX_ROWS / SERVICES) + 1, 4, SERVICES, 2],
    76,
  );
  assert.ok((await kernelsOf(model, large, false)).includes('Tanh'));
  tf.dispose([inputs, large]);
  model.dispose();
});

test('after its weights change the inference path forecasts with the new ones; dispose frees what it kept', () => {
  const before = tf.memory().numTensors;
  const model = perturbedModel('gat-gru', 120);
  const inputs = fixtureTensor<tf.Rank.R4>([1, 4, SERVICES, 2], 130);
  const first = model.forward(inputs, { training: false });
  // As Adam and loading weights do: assign() every attention weight (the inference path caches a kernel
  // derived from them).
  model.variables
    .filter((variable) => variable.name.includes('/attention/'))
    .forEach((variable, index) => {
      tf.tidy(() => variable.assign(tf.add(variable, fixtureTensor(variable.shape, 140 + index, 0.5))));
    });
  const second = model.forward(inputs, { training: false });
  const generic = model.forward(inputs, { training: true });
  assert.ok(maxDifference(first, second) > 1e-3, 'the new attention weights change the forecast');
  assert.ok(maxDifference(second, generic) <= 1e-5, 'and the inference path follows them');
  tf.dispose([inputs, first, second, generic]);
  model.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('repeated forecasts leak no tensors, for every recurrent kind', () => {
  const inputs = fixtureTensor<tf.Rank.R4>([2, 4, SERVICES, 2], 80);
  for (const kind of [...INFERABLE, 'call-gru' as const]) {
    const model = perturbedModel(kind, 90);
    tf.dispose(model.forward(inputs, { training: false }));
    const before = tf.memory().numTensors;
    for (let index = 0; index < 3; index += 1) tf.dispose(model.forward(inputs, { training: false }));
    assert.equal(tf.memory().numTensors, before, kind);
    model.dispose();
  }
  inputs.dispose();
});

test('on the cpu backend the inference path gives the same forecasts as the training path', async () => {
  await selectBackend('cpu');
  const inputs = fixtureTensor<tf.Rank.R4>([2, 4, SERVICES, 2], 100);
  for (const kind of ['gat-gru', 'lstm'] as const) {
    const model = perturbedModel(kind, 110);
    const generic = model.forward(inputs, { training: true });
    const inference = model.forward(inputs, { training: false });
    const difference = maxDifference(inference, generic);
    assert.ok(difference <= 1e-5, `${kind} on cpu: max |Δ| ${difference}`);
    tf.dispose([generic, inference]);
    model.dispose();
  }
  inputs.dispose();
});
