// Multi-head graph attention (GAT) as in the RESCAPE paper: per head k a linear map W_k, scores
// LeakyReLU(0.2)(a_src,k·W_k h_j + a_dst,k·W_k h_i) over one-hop neighbours with self loops, a softmax
// over each service's neighbours, the heads' outputs averaged (no activation: the recurrent cell that
// consumes it applies its own gates). All heads' W_k are one [H, K·H] matrix so the whole batch of
// services is a single 2-D matmul.
import { tf } from './tf.js';
import { matMul2d } from './fast-matmul.js';
import { denseEdgeAttention, edgeAttention } from './edge-attention.js';
import type { GraphStructure } from './graph-structure.js';
import type { WeightFactory } from './weights.js';

export interface GraphAttentionParams {
  /** [H, K·H]: column block k is head k's W_k. */
  kernel: tf.Tensor2D;
  /** [K, H]: a_src,k and a_dst,k. */
  sourceAttention: tf.Tensor2D;
  targetAttention: tf.Tensor2D;
}

export function createGraphAttentionParams(
  weights: WeightFactory,
  name: string,
  hidden: number,
  heads: number,
): GraphAttentionParams {
  return {
    kernel: weights.glorot(`${name}/kernel`, [hidden, heads * hidden]),
    sourceAttention: weights.glorot(`${name}/source_attention`, [heads, hidden]),
    targetAttention: weights.glorot(`${name}/target_attention`, [heads, hidden]),
  };
}

interface Projection {
  values: tf.Tensor4D;
  sourceScores: tf.Tensor3D;
  targetScores: tf.Tensor3D;
}

// W h for all heads, and both attention scores for all heads as one more 2-D matmul against a
// block-diagonal [K·H, 2K] matrix built from the attention vectors.
function project(h: tf.Tensor3D, params: GraphAttentionParams): Projection {
  const [batch, services, hidden] = h.shape;
  const heads = params.sourceAttention.shape[0];
  const transformed = matMul2d(tf.reshape(h, [batch * services, hidden]), params.kernel);
  const headOfRow = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: heads * hidden }, (_, row) => Math.floor(row / hidden)),
      'int32',
    ),
    heads,
  );
  const blockScores = tf.concat(
    [
      tf.mul(tf.reshape(params.sourceAttention, [heads * hidden, 1]), headOfRow),
      tf.mul(tf.reshape(params.targetAttention, [heads * hidden, 1]), headOfRow),
    ],
    1,
  ) as tf.Tensor2D;
  const scores = matMul2d(transformed, blockScores);
  return {
    values: tf.reshape(transformed, [batch, services, heads, hidden]),
    sourceScores: tf.reshape(tf.slice(scores, [0, 0], [-1, heads]), [batch, services, heads]),
    targetScores: tf.reshape(tf.slice(scores, [0, heads], [-1, heads]), [batch, services, heads]),
  };
}

/** h [B, N, H] → [B, N, H]. */
export function graphAttention(
  h: tf.Tensor3D,
  params: GraphAttentionParams,
  structure: GraphStructure,
): tf.Tensor3D {
  return tf.tidy(() => {
    const { values, sourceScores, targetScores } = project(h, params);
    return edgeAttention(values, sourceScores, targetScores, structure);
  });
}

/**
 * The same layer through the dense tf-ops path, also returning the attention weights [B, K, N, N]
 * (weights[b, k, i, j]: how much service i takes from j under head k), for tests and inspection.
 */
export function graphAttentionWithWeights(
  h: tf.Tensor3D,
  params: GraphAttentionParams,
  structure: GraphStructure,
): { output: tf.Tensor3D; weights: tf.Tensor4D } {
  return tf.tidy(() => {
    const { values, sourceScores, targetScores } = project(h, params);
    return denseEdgeAttention(values, sourceScores, targetScores, structure);
  });
}
