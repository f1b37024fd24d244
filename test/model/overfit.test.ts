import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/model/tf.js';
import { createModel } from '../../src/model/create-model.js';
import { chainGraph, smallConfig, useTestBackend, namedGradients } from './model-test-helpers.js';

before(useTestBackend);

const SERVICES = 3;
const WINDOW = 4;
const HORIZON = 2;

/**
 * Eight windows cut from a tiny series where each service follows its upstream neighbour with a
 * one-step lag: a model able to learn at all should drive its training loss close to zero.
 */
function tinySeries(): { inputs: tf.Tensor4D; targets: tf.Tensor4D } {
  const steps = 8 + WINDOW + HORIZON;
  const series = Array.from({ length: steps }, (_, t) =>
    Array.from({ length: SERVICES }, (_, service) => Math.sin((t - service) * 0.9) * 0.5 + 0.1 * service),
  );
  const inputs: number[] = [];
  const targets: number[] = [];
  for (
    let start = 0;
    start + WINDOW + HORIZON <= steps && inputs.length < 8 * WINDOW * SERVICES;
    start += 1
  ) {
    for (let t = 0; t < WINDOW; t += 1) inputs.push(...(series[start + t] ?? []));
    for (let t = 0; t < HORIZON; t += 1) targets.push(...(series[start + WINDOW + t] ?? []));
  }
  return {
    inputs: tf.tensor4d(inputs, [8, WINDOW, SERVICES, 1]),
    targets: tf.tensor4d(targets, [8, HORIZON, SERVICES, 1]),
  };
}

for (const kind of ['gru', 'gat-gru'] as const) {
  test(`${kind} overfits a tiny series: 200 Adam steps cut the training loss by over 20×`, () => {
    const { inputs, targets } = tinySeries();
    const config = smallConfig(kind, {
      services: SERVICES,
      window: WINDOW,
      horizon: HORIZON,
      features: 1,
      hidden: 8,
    });
    const model = createModel(config, chainGraph(SERVICES));
    const optimizer = tf.train.adam(0.02);
    const loss = () =>
      tf.losses.meanSquaredError(targets, model.forward(inputs, { training: true })) as tf.Scalar;
    const initial = tf.tidy(() => loss().dataSync()[0] ?? Number.NaN);
    for (let step = 0; step < 200; step += 1) {
      const { value, grads } = tf.variableGrads(loss, [...model.variables]);
      optimizer.applyGradients(namedGradients(grads));
      tf.dispose([value, ...Object.values(grads)]);
    }
    const final = tf.tidy(() => loss().dataSync()[0] ?? Number.NaN);
    assert.ok(final < initial / 20, `loss went from ${initial} to ${final}`);
    optimizer.dispose();
    tf.dispose([inputs, targets]);
    model.dispose();
  });
}
