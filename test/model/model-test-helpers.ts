// Shared fixtures for the model tests: the backend, small graphs and configs, and a central-difference
// gradient checker.
import assert from 'node:assert/strict';
import { selectBackend, tf } from '../../src/model/tf.js';
import type { GraphInput, ModelConfig, ModelKind } from '../../src/model/model-types.js';

/** Tests run on wasm (the CLI's default here); set once per test file. */
export async function useTestBackend(): Promise<void> {
  await selectBackend('wasm');
}

/** A chain 0 – 1 – … – n−1 (both directions), plus one directed edge 0 → n−1 when n > 2. */
export function chainGraph(services: number): GraphInput {
  const adjacency = new Float32Array(services * services);
  for (let i = 1; i < services; i += 1) {
    adjacency[i * services + (i - 1)] = 1;
    adjacency[(i - 1) * services + i] = 1;
  }
  if (services > 2) adjacency[(services - 1) * services + 0] = 1;
  return { adjacency, services };
}

export function smallConfig(kind: ModelKind, overrides: Partial<ModelConfig> = {}): ModelConfig {
  return {
    kind,
    window: 4,
    horizon: 2,
    services: 3,
    features: 2,
    targets: 1,
    hidden: 5,
    heads: 2,
    dropout: 0.3,
    residual: false,
    seasonSteps: 2,
    seed: 7,
    ...overrides,
  };
}

/** Deterministic pseudo-random values in [−1, 1) (a small LCG; no tf randomness in fixtures). */
export function fixtureValues(count: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32) * 2 - 1;
  });
}

export function fixtureTensor<R extends tf.Rank>(shape: number[], seed: number, scale = 1): tf.Tensor<R> {
  const values = fixtureValues(
    shape.reduce((a, b) => a * b, 1),
    seed,
  ).map((v) => v * scale);
  const tensor: tf.Tensor = tf.tensor(values, shape);
  return tensor as tf.Tensor<R>;
}

/** The gradients of tf.variableGrads in the form Optimizer.applyGradients takes. */
export function namedGradients(grads: tf.NamedTensorMap): { name: string; tensor: tf.Tensor }[] {
  return Object.entries(grads).map(([name, tensor]) => ({ name, tensor }));
}

/**
 * Compares an analytic gradient with central differences of `loss` in every element of `point`.
 * `loss(values)` must evaluate the scalar at the given values (float32), `analytic` the gradient there.
 */
export function assertGradientMatches(
  label: string,
  loss: (values: Float32Array) => number,
  point: Float32Array,
  analytic: Float32Array,
  { epsilon = 1e-2, absolute = 2e-3, relative = 2e-2 } = {},
): void {
  assert.equal(analytic.length, point.length, `${label}: gradient size`);
  let checked = 0;
  for (let index = 0; index < point.length; index += 1) {
    const plus = Float32Array.from(point);
    const minus = Float32Array.from(point);
    plus[index] = (plus[index] ?? 0) + epsilon;
    minus[index] = (minus[index] ?? 0) - epsilon;
    const numeric = (loss(plus) - loss(minus)) / (2 * epsilon);
    const exact = analytic[index] ?? 0;
    const tolerance = absolute + relative * Math.abs(numeric);
    assert.ok(
      Math.abs(numeric - exact) <= tolerance,
      `${label}[${index}]: analytic ${exact} vs central difference ${numeric}`,
    );
    checked += 1;
  }
  assert.ok(checked > 0, `${label}: nothing checked`);
}

/** Max |a − b| over two equally shaped tensors. */
export function maxDifference(a: tf.Tensor, b: tf.Tensor): number {
  assert.deepEqual(a.shape, b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? Number.NaN);
}
