import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/model/tf.js';
import {
  graphAttention,
  graphAttentionWithWeights,
  type GraphAttentionParams,
} from '../../src/model/graph-attention.js';
import { denseEdgeAttention, sparseEdgeAttention } from '../../src/model/edge-attention.js';
import { graphStructure } from '../../src/model/graph-structure.js';
import {
  assertGradientMatches,
  chainGraph,
  fixtureTensor,
  fixtureValues,
  maxDifference,
  useTestBackend,
} from './model-test-helpers.js';

before(useTestBackend);

const BATCH = 2;
const SERVICES = 4;
const HIDDEN = 3;
const HEADS = 2;
const structure = graphStructure(chainGraph(SERVICES));

function params(seed: number): GraphAttentionParams {
  return {
    kernel: fixtureTensor([HIDDEN, HEADS * HIDDEN], seed, 0.8),
    sourceAttention: fixtureTensor([HEADS, HIDDEN], seed + 1),
    targetAttention: fixtureTensor([HEADS, HIDDEN], seed + 2),
  };
}

test('attention weights sum to 1 over each service’s neighbours and are exactly 0 elsewhere', () => {
  const h = fixtureTensor<tf.Rank.R3>([BATCH, SERVICES, HIDDEN], 1, 2);
  const { output, weights } = graphAttentionWithWeights(h, params(10), structure);
  assert.deepEqual(output.shape, [BATCH, SERVICES, HIDDEN]);
  assert.deepEqual(weights.shape, [BATCH, HEADS, SERVICES, SERVICES]);
  const values = weights.dataSync();
  for (let b = 0; b < BATCH; b += 1) {
    for (let k = 0; k < HEADS; k += 1) {
      for (let i = 0; i < SERVICES; i += 1) {
        let sum = 0;
        for (let j = 0; j < SERVICES; j += 1) {
          const weight = values[((b * HEADS + k) * SERVICES + i) * SERVICES + j] ?? Number.NaN;
          if (structure.mask[i * SERVICES + j] === 1) {
            assert.ok(weight > 0, `neighbour ${j} of ${i} has weight ${weight}`);
            sum += weight;
          } else {
            assert.equal(weight, 0, `non-neighbour ${j} of ${i} has weight ${weight}`);
          }
        }
        assert.ok(Math.abs(sum - 1) < 1e-6, `weights of service ${i} sum to ${sum}`);
      }
    }
  }
  tf.dispose([h, output, weights]);
});

test('a service with no neighbours attends only to itself: the output is its own W h averaged over heads', () => {
  const isolated = graphStructure({ adjacency: new Float32Array(4), services: 2 });
  const h = fixtureTensor<tf.Rank.R3>([1, 2, HIDDEN], 3);
  const p = params(20);
  const output = graphAttention(h, p, isolated);
  const expected = tf.tidy(() => {
    const perHead = tf.reshape(tf.matMul(tf.reshape(h, [2, HIDDEN]), p.kernel), [1, 2, HEADS, HIDDEN]);
    return tf.mean(perHead, 2);
  });
  assert.ok(maxDifference(output, expected) < 1e-6);
  tf.dispose([h, output, expected]);
});

test('the sparse (JavaScript) and dense (tf ops) attention products agree, values and gradients', () => {
  const values = fixtureTensor<tf.Rank.R4>([BATCH, SERVICES, HEADS, HIDDEN], 4);
  const source = fixtureTensor<tf.Rank.R3>([BATCH, SERVICES, HEADS], 5, 2);
  const target = fixtureTensor<tf.Rank.R3>([BATCH, SERVICES, HEADS], 6, 2);
  const upstream = fixtureTensor([BATCH, SERVICES, HIDDEN], 7);
  const gradients = (implementation: 'sparse' | 'dense') =>
    tf.grads((v: tf.Tensor, s: tf.Tensor, t: tf.Tensor) => {
      const [v4, s3, t3] = [v as tf.Tensor4D, s as tf.Tensor3D, t as tf.Tensor3D];
      const out =
        implementation === 'sparse'
          ? sparseEdgeAttention(v4, s3, t3, structure)
          : denseEdgeAttention(v4, s3, t3, structure).output;
      return tf.sum(tf.mul(out, upstream));
    })([values, source, target]);
  const sparseOut = sparseEdgeAttention(values, source, target, structure);
  const denseOut = denseEdgeAttention(values, source, target, structure);
  assert.ok(maxDifference(sparseOut, denseOut.output) < 1e-5);
  const sparseGrads = gradients('sparse');
  const denseGrads = gradients('dense');
  sparseGrads.forEach((grad, index) => {
    const other = denseGrads[index];
    assert.ok(other !== undefined && maxDifference(grad, other) < 1e-5, `gradient ${index} differs`);
  });
  tf.dispose([
    values,
    source,
    target,
    upstream,
    sparseOut,
    denseOut.output,
    denseOut.weights,
    ...sparseGrads,
    ...denseGrads,
  ]);
});

test('graph attention gradients match central finite differences (input and every parameter)', () => {
  const h = fixtureTensor<tf.Rank.R3>([BATCH, SERVICES, HIDDEN], 30);
  const p = params(31);
  const upstream = fixtureValues(BATCH * SERVICES * HIDDEN, 32);
  const upstreamTensor = tf.tensor3d(upstream, [BATCH, SERVICES, HIDDEN]);
  const inputs = [h, p.kernel, p.sourceAttention, p.targetAttention];
  const evaluate = (tensors: tf.Tensor[]): number =>
    tf.tidy(() => {
      const [hh, kernel, sourceAttention, targetAttention] = tensors as [
        tf.Tensor3D,
        tf.Tensor2D,
        tf.Tensor2D,
        tf.Tensor2D,
      ];
      const out = graphAttention(hh, { kernel, sourceAttention, targetAttention }, structure).dataSync();
      let sum = 0;
      for (let i = 0; i < out.length; i += 1) sum += (out[i] ?? 0) * (upstream[i] ?? 0);
      return sum;
    });
  const analytic = tf.grads((...tensors: tf.Tensor[]) => {
    const [hh, kernel, sourceAttention, targetAttention] = tensors as [
      tf.Tensor3D,
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
    ];
    return tf.sum(
      tf.mul(graphAttention(hh, { kernel, sourceAttention, targetAttention }, structure), upstreamTensor),
    );
  })(inputs);
  const names = ['h', 'kernel', 'source_attention', 'target_attention'];
  inputs.forEach((input, which) => {
    const point = input.dataSync() as Float32Array;
    assertGradientMatches(
      names[which] ?? String(which),
      (values) => {
        const replaced = inputs.map((t, index) => (index === which ? tf.tensor(values, t.shape) : t));
        const result = evaluate(replaced);
        replaced[which]?.dispose();
        return result;
      },
      point,
      analytic[which]?.dataSync() as Float32Array,
    );
  });
  tf.dispose([...inputs, upstreamTensor, ...analytic]);
});
