import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/model/tf.js';
import { createModel } from '../../src/model/create-model.js';
import { LEARNED_KINDS, MODEL_KINDS, type ModelKind } from '../../src/model/model-types.js';
import { DataError, UsageError } from '../../src/core/errors.js';
import {
  chainGraph,
  fixtureTensor,
  maxDifference,
  smallConfig,
  useTestBackend,
  namedGradients,
} from './model-test-helpers.js';

before(useTestBackend);

for (const services of [1, 100]) {
  test(`every model kind forecasts [batch, horizon, services, targets] for ${services} service(s)`, () => {
    const graph = chainGraph(services);
    for (const kind of MODEL_KINDS) {
      const config = smallConfig(kind, { services, hidden: 4, features: 2, targets: 2, seasonSteps: 3 });
      const model = createModel(config, graph);
      const inputs = fixtureTensor<tf.Rank.R4>([2, config.window, services, config.features], 1);
      const forecast = model.forward(inputs, { training: true });
      assert.deepEqual(forecast.shape, [2, config.horizon, services, config.targets], kind);
      assert.ok(forecast.dataSync().every(Number.isFinite), `${kind} forecast is finite`);
      tf.dispose([inputs, forecast]);
      model.dispose();
    }
  });
}

test('a residual model’s untrained forecast is exactly the last observed value, for every learned kind', () => {
  const graph = chainGraph(3);
  for (const kind of LEARNED_KINDS) {
    const config = smallConfig(kind, { residual: true, targets: 2, features: 3 });
    const model = createModel(config, graph);
    const naive = createModel({ ...config, kind: 'naive' }, graph);
    const inputs = fixtureTensor<tf.Rank.R4>([3, config.window, 3, 3], 2);
    const forecast = model.forward(inputs, { training: false });
    const lastValue = naive.forward(inputs, { training: false });
    assert.equal(maxDifference(forecast, lastValue), 0, kind);
    tf.dispose([inputs, forecast, lastValue]);
    model.dispose();
  }
});

test('naive repeats the last value; seasonal takes the value one season before each step', () => {
  const graph = chainGraph(1);
  // One service, one feature, window 4: values 10, 11, 12, 13.
  const inputs = tf.tensor4d([10, 11, 12, 13], [1, 4, 1, 1]);
  const base = smallConfig('naive', { services: 1, features: 1, targets: 1, horizon: 3 });
  const naive = createModel(base, graph);
  const forecastOf = (model: ReturnType<typeof createModel>) =>
    tf.tidy(() => Array.from(model.forward(inputs, { training: false }).dataSync()));
  assert.deepEqual(forecastOf(naive), [13, 13, 13]);
  const seasonal = createModel({ ...base, kind: 'seasonal', seasonSteps: 2 }, graph);
  // Steps t+1, t+2, t+3 take window indices 2, 3, 2 (one or two seasons back).
  assert.deepEqual(forecastOf(seasonal), [12, 13, 12]);
  assert.throws(
    () => createModel({ ...base, kind: 'seasonal', seasonSteps: 5 }, graph),
    (error: unknown) =>
      error instanceof UsageError &&
      /window 4 < season 5 steps/.test(error.message) &&
      error.suggestion !== undefined,
  );
  inputs.dispose();
});

test('the same seed gives identical weights and forecasts; another seed gives different ones', () => {
  const graph = chainGraph(3);
  for (const kind of LEARNED_KINDS) {
    const inputs = fixtureTensor<tf.Rank.R4>([2, 4, 3, 2], 3);
    const snapshot = (seed: number) => {
      const model = createModel(smallConfig(kind, { seed }), graph);
      const weights = model.variables.map(
        (variable) => [variable.name, Array.from(variable.dataSync())] as const,
      );
      const forecast = model.forward(inputs, { training: false });
      const values = Array.from(forecast.dataSync());
      forecast.dispose();
      model.dispose();
      return { weights, values };
    };
    const first = snapshot(5);
    assert.deepEqual(snapshot(5), first, kind);
    assert.notDeepEqual(snapshot(6).values, first.values, kind);
    inputs.dispose();
  }
});

test('variables have stable, scoped, unique names; a clash is a clear error; another scope avoids it', () => {
  const graph = chainGraph(3);
  const model = createModel(smallConfig('gat-gru'), graph);
  const names = model.variables.map((variable) => variable.name);
  assert.equal(new Set(names).size, names.length);
  assert.ok(names.every((name) => name.startsWith('gat-gru/')));
  assert.ok(names.includes('gat-gru/forward/attention/kernel'));
  assert.throws(() => createModel(smallConfig('gat-gru'), graph), UsageError);
  const other = createModel(smallConfig('gat-gru'), graph, { scope: 'ensemble-1' });
  assert.ok(other.variables.every((variable) => variable.name.startsWith('ensemble-1/')));
  other.dispose();
  model.dispose();
});

test('bad configs, graphs and inputs are rejected with the values that are wrong', () => {
  const graph = chainGraph(3);
  const cases: [string, () => unknown, RegExp][] = [
    [
      'zero hidden',
      () => createModel(smallConfig('gru', { hidden: 0 }), graph),
      /hidden must be a positive integer, got 0/,
    ],
    [
      'targets > features',
      () => createModel(smallConfig('fc', { targets: 3 }), graph),
      /targets \(3\) cannot exceed features \(2\)/,
    ],
    [
      'graph size',
      () => createModel(smallConfig('gcn', { services: 4 }), graph),
      /graph has 3 services but the model config has 4/,
    ],
    [
      'dropout',
      () => createModel(smallConfig('gcn', { dropout: 1 }), graph),
      /dropout must be in \[0, 1\), got 1/,
    ],
    [
      'unknown kind',
      () => createModel(smallConfig('gru', { kind: 'rnn' as ModelKind }), graph),
      /unknown model kind rnn/,
    ],
  ];
  for (const [label, run, message] of cases) {
    assert.throws(run, (error: unknown) => error instanceof UsageError && message.test(error.message), label);
  }
  const model = createModel(smallConfig('gru'), graph);
  const wrong = tf.zeros([1, 5, 3, 2]) as tf.Tensor4D;
  assert.throws(
    () => model.forward(wrong, { training: false }),
    (error: unknown) =>
      error instanceof DataError &&
      /expects windows shaped \[batch, 4, 3, 2\], got \[1, 5, 3, 2\]/.test(error.message),
  );
  wrong.dispose();
  model.dispose();
});

test('gcn dropout acts only when training, and is reproducible for the same seed', () => {
  const graph = chainGraph(3);
  const inputs = fixtureTensor<tf.Rank.R4>([2, 4, 3, 2], 4);
  const run = () => {
    const model = createModel(smallConfig('gcn', { hidden: 16 }), graph);
    const evaluation = Array.from(model.forward(inputs, { training: false }).dataSync());
    const evaluationAgain = Array.from(model.forward(inputs, { training: false }).dataSync());
    const training = Array.from(model.forward(inputs, { training: true }).dataSync());
    const trainingAgain = Array.from(model.forward(inputs, { training: true }).dataSync());
    model.dispose();
    return { evaluation, evaluationAgain, training, trainingAgain };
  };
  const first = tf.tidy(run);
  assert.deepEqual(first.evaluation, first.evaluationAgain);
  assert.notDeepEqual(first.training, first.evaluation);
  assert.notDeepEqual(first.training, first.trainingAgain, 'each training call draws a new mask');
  assert.deepEqual(tf.tidy(run), first);
  inputs.dispose();
});

test('no tensor leaks across repeated forward + gradient + Adam steps, for every learned kind', () => {
  const graph = chainGraph(3);
  for (const kind of LEARNED_KINDS) {
    const model = createModel(smallConfig(kind), graph);
    const optimizer = tf.train.adam(0.01);
    const inputs = fixtureTensor<tf.Rank.R4>([2, 4, 3, 2], 5);
    const targets = fixtureTensor<tf.Rank.R4>([2, 2, 3, 1], 6);
    const step = () => {
      const { value, grads } = tf.variableGrads(
        () => tf.losses.meanSquaredError(targets, model.forward(inputs, { training: true })),
        [...model.variables],
      );
      optimizer.applyGradients(namedGradients(grads));
      tf.dispose([value, ...Object.values(grads)]);
      tf.dispose(model.forward(inputs, { training: false }));
    };
    step(); // Adam creates its slot variables on the first step.
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i += 1) step();
    assert.equal(tf.memory().numTensors, before, kind);
    optimizer.dispose();
    tf.dispose([inputs, targets]);
    model.dispose();
  }
});
