// The attention product of multi-head graph attention: for every service i and head k,
//   α_kij = softmax over j ∈ N(i) of LeakyReLU(target_ik + source_jk),   out_i = mean_k Σ_j α_kij · values_jk.
// Two implementations with the same result and gradients:
// - `sparseEdgeAttention` walks the neighbour lists in JavaScript with a hand-written gradient. Call graphs
//   are sparse (a few neighbours per service), so it does |edges|/n² of the dense work, and it avoids the
//   wasm backend's batched matMul, which is a scalar loop (it dominated the training step: ~26 ms per cell).
// - `denseEdgeAttention` is plain tf ops over the masked [n, n] score matrix. It also returns the attention
//   weights, and is used on GPU-like backends where reading tensors back to JavaScript would stall.
import { tf } from './tf.js';
import type { GraphStructure } from './graph-structure.js';

export const LEAKY_SLOPE = 0.2;
/** Added to non-neighbour scores before the softmax; exp underflows to exactly 0 for them. */
const MASKED_SCORE = -1e30;

export interface Dimensions {
  batch: number;
  services: number;
  heads: number;
  hidden: number;
}

function dimensionsOf(values: tf.Tensor4D, structure: GraphStructure): Dimensions {
  const [batch, services, heads, hidden] = values.shape;
  if (services !== structure.services) {
    throw new RangeError(`attention over ${services} services, but the graph has ${structure.services}`);
  }
  return { batch, services, heads, hidden };
}

/**
 * values [B, N, K, H] (per-head transformed states), sourceScores and targetScores [B, N, K]
 * (a_src·Wh_j and a_dst·Wh_i) → [B, N, H], heads averaged.
 */
export function sparseEdgeAttention(
  values: tf.Tensor4D,
  sourceScores: tf.Tensor3D,
  targetScores: tf.Tensor3D,
  structure: GraphStructure,
): tf.Tensor3D {
  const dims = dimensionsOf(values, structure);
  const op = tf.customGrad((...args) => {
    const [valuesArg, sourceArg, targetArg] = args;
    if (!(
      valuesArg instanceof tf.Tensor &&
      sourceArg instanceof tf.Tensor &&
      targetArg instanceof tf.Tensor
    )) {
      throw new TypeError('sparseEdgeAttention expects three tensors');
    }
    const valueData = valuesArg.dataSync() as Float32Array;
    const sourceData = sourceArg.dataSync() as Float32Array;
    const targetData = targetArg.dataSync() as Float32Array;
    const { output, alpha } = attendForward(valueData, sourceData, targetData, dims, structure);
    return {
      value: tf.tensor3d(output, [dims.batch, dims.services, dims.hidden]),
      gradFunc: (dy) => {
        const grads = attendBackward(
          dy.dataSync() as Float32Array,
          valueData,
          sourceData,
          targetData,
          alpha,
          dims,
          structure,
        );
        return [
          tf.tensor4d(grads.values, values.shape),
          tf.tensor3d(grads.source, sourceScores.shape),
          tf.tensor3d(grads.target, targetScores.shape),
        ];
      },
    };
  });
  return op(values, sourceScores, targetScores) as tf.Tensor3D;
}

// The hot loops below index typed arrays with `!`: every index is in range by construction, and the
// `?? 0` fallbacks that noUncheckedIndexedAccess would otherwise need cost ~2× in these loops.
/**
 * The attention product on arrays (layouts as sparseEdgeAttention's tensors): the output [B·N·H] and the
 * weights α of every edge and head, which the gradient reuses. Also the inference path's attention, whose
 * value rows carry more columns after the K·H values (`rowStride`).
 */
export function attendForward(
  values: Float32Array,
  source: Float32Array,
  target: Float32Array,
  { batch, services, heads, hidden }: Dimensions,
  { offsets, sources }: GraphStructure,
  rowStride = heads * hidden,
): { output: Float32Array; alpha: Float32Array } {
  const edges = sources.length;
  // alpha[(b * edges + e) * heads + k]: the weight of edge e (in neighbour-list order) for head k.
  const alpha = new Float32Array(batch * edges * heads);
  const output = new Float32Array(batch * services * hidden);
  // One output row is summed here over all its edges and heads, then stored: read-modify-writes of the
  // Float32Array itself made this loop ~1.7× slower.
  const row = new Float64Array(hidden);
  const headShare = 1 / heads;
  for (let b = 0; b < batch; b += 1) {
    const nodeBase = b * services;
    const edgeBase = b * edges;
    for (let i = 0; i < services; i += 1) {
      const start = offsets[i]!;
      const end = offsets[i + 1]!;
      const outBase = (nodeBase + i) * hidden;
      row.fill(0);
      for (let k = 0; k < heads; k += 1) {
        const targetScore = target[(nodeBase + i) * heads + k]!;
        let max = -Infinity;
        for (let e = start; e < end; e += 1) {
          const z = targetScore + source[(nodeBase + sources[e]!) * heads + k]!;
          const score = z > 0 ? z : LEAKY_SLOPE * z;
          alpha[(edgeBase + e) * heads + k] = score;
          if (score > max) max = score;
        }
        let sum = 0;
        for (let e = start; e < end; e += 1) {
          const index = (edgeBase + e) * heads + k;
          const weight = Math.exp(alpha[index]! - max);
          alpha[index] = weight;
          sum += weight;
        }
        const inverseSum = 1 / sum;
        for (let e = start; e < end; e += 1) {
          const index = (edgeBase + e) * heads + k;
          const weight = alpha[index]! * inverseSum;
          alpha[index] = weight;
          const share = weight * headShare;
          const valueBase = (nodeBase + sources[e]!) * rowStride + k * hidden;
          // Four lanes per iteration: ~30 % faster here (V8 does not vectorise), the same sums in the same order.
          let d = 0;
          for (; d + 3 < hidden; d += 4) {
            row[d]! += share * values[valueBase + d]!;
            row[d + 1]! += share * values[valueBase + d + 1]!;
            row[d + 2]! += share * values[valueBase + d + 2]!;
            row[d + 3]! += share * values[valueBase + d + 3]!;
          }
          for (; d < hidden; d += 1) row[d]! += share * values[valueBase + d]!;
        }
      }
      for (let d = 0; d < hidden; d += 1) output[outBase + d] = row[d]!;
    }
  }
  return { output, alpha };
}

function attendBackward(
  dOutput: Float32Array,
  values: Float32Array,
  source: Float32Array,
  target: Float32Array,
  alpha: Float32Array,
  { batch, services, heads, hidden }: Dimensions,
  { offsets, sources, maxDegree }: GraphStructure,
): { values: Float32Array; source: Float32Array; target: Float32Array } {
  const edges = sources.length;
  const dValues = new Float32Array(values.length);
  const dSource = new Float32Array(source.length);
  const dTarget = new Float32Array(target.length);
  const dAlpha = new Float64Array(maxDegree);
  const headShare = 1 / heads;
  for (let b = 0; b < batch; b += 1) {
    const nodeBase = b * services;
    const edgeBase = b * edges;
    for (let i = 0; i < services; i += 1) {
      const start = offsets[i]!;
      const end = offsets[i + 1]!;
      const gradBase = (nodeBase + i) * hidden;
      for (let k = 0; k < heads; k += 1) {
        // out_i = (1/K) Σ_e α_e v_e: gradients to the values and to each α.
        let weighted = 0;
        for (let e = start; e < end; e += 1) {
          const weight = alpha[(edgeBase + e) * heads + k]!;
          const valueBase = ((nodeBase + sources[e]!) * heads + k) * hidden;
          const share = weight * headShare;
          let dot = 0;
          for (let d = 0; d < hidden; d += 1) {
            const grad = dOutput[gradBase + d]!;
            dot += grad * values[valueBase + d]!;
            dValues[valueBase + d]! += share * grad;
          }
          const gradAlpha = dot * headShare;
          dAlpha[e - start] = gradAlpha;
          weighted += weight * gradAlpha;
        }
        // Softmax, then LeakyReLU, back to the two score terms.
        const targetIndex = (nodeBase + i) * heads + k;
        const targetScore = target[targetIndex]!;
        let targetGrad = 0;
        for (let e = start; e < end; e += 1) {
          const weight = alpha[(edgeBase + e) * heads + k]!;
          const dScore = weight * (dAlpha[e - start]! - weighted);
          const sourceIndex = (nodeBase + sources[e]!) * heads + k;
          const dz = targetScore + source[sourceIndex]! > 0 ? dScore : LEAKY_SLOPE * dScore;
          targetGrad += dz;
          dSource[sourceIndex]! += dz;
        }
        dTarget[targetIndex] = targetGrad;
      }
    }
  }
  return { values: dValues, source: dSource, target: dTarget };
}

/** The same product with tf ops over the dense masked score matrix; also returns α [B, K, N, N] (α[b,k,i,j]). */
export function denseEdgeAttention(
  values: tf.Tensor4D,
  sourceScores: tf.Tensor3D,
  targetScores: tf.Tensor3D,
  structure: GraphStructure,
): { output: tf.Tensor3D; weights: tf.Tensor4D } {
  const { services } = dimensionsOf(values, structure);
  return tf.tidy(() => {
    const maskValues = structure.mask.map((inMask) => (inMask > 0 ? 0 : MASKED_SCORE));
    const maskBias = tf.tensor2d(maskValues, [services, services]);
    const mask = tf.tensor2d(structure.mask, [services, services]);
    // z[b, k, i, j] = target[b, i, k] + source[b, j, k]
    const z = tf.add(
      tf.expandDims(tf.transpose(targetScores, [0, 2, 1]), 3),
      tf.expandDims(tf.transpose(sourceScores, [0, 2, 1]), 2),
    );
    const scores = tf.add(tf.leakyRelu(z, LEAKY_SLOPE), maskBias);
    // Multiplying by the mask keeps non-neighbours at exactly 0 even if a row's scores were all huge.
    const weights = tf.mul(tf.softmax(scores), mask) as tf.Tensor4D;
    const perHead = tf.matMul(weights, tf.transpose(values, [0, 2, 1, 3]));
    return { output: tf.mean(perHead, 1) as tf.Tensor3D, weights };
  });
}

/** The implementation to use on the active backend: JavaScript loops where tensors live in main memory. */
export function edgeAttention(
  values: tf.Tensor4D,
  sourceScores: tf.Tensor3D,
  targetScores: tf.Tensor3D,
  structure: GraphStructure,
): tf.Tensor3D {
  const backend = tf.getBackend();
  if (backend === 'wasm' || backend === 'cpu')
    return sparseEdgeAttention(values, sourceScores, targetScores, structure);
  return tf.tidy(() => denseEdgeAttention(values, sourceScores, targetScores, structure).output);
}
