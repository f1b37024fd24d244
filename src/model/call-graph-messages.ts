// Message passing along call edges for the call-graph cell. A call edge carries load information both ways:
// a caller's traffic now is a callee's work next, and a slow or saturated callee holds its callers' threads.
// So each service aggregates separately from its callers ("down" the call path) and from its callees ("up"),
// each a call-volume-weighted mean, and the cell gives the two directions their own weights.
import { tf } from './tf.js';
import { matMul2d } from './fast-matmul.js';
import type { GraphInput } from './model-types.js';

export interface CallGraphMatrices {
  services: number;
  /** [2N, N]: rows 0..N−1 average each service's callers, rows N..2N−1 its callees; a row with no edge is 0. */
  stacked: Float32Array;
}

/**
 * From a directed GraphInput (adjacency[i·n + j] = weight of the call j → i, i.e. i aggregates from its
 * caller j), the row-normalised caller and callee averaging matrices. The diagonal is ignored: a service's own
 * value enters the cell directly.
 */
export function callGraphMatrices(graph: GraphInput): CallGraphMatrices {
  const n = graph.services;
  const stacked = new Float32Array(2 * n * n);
  const weight = (i: number, j: number): number => (i === j ? 0 : (graph.adjacency[i * n + j] ?? 0));
  for (let i = 0; i < n; i += 1) {
    let callers = 0;
    let callees = 0;
    for (let j = 0; j < n; j += 1) {
      callers += weight(i, j);
      callees += weight(j, i);
    }
    for (let j = 0; j < n; j += 1) {
      if (callers > 0) stacked[i * n + j] = weight(i, j) / callers;
      if (callees > 0) stacked[(n + i) * n + j] = weight(j, i) / callees;
    }
  }
  return { services: n, stacked };
}

/**
 * Both directions' neighbour averages of per-service rows. x is [R·N, D] with batch-major rows (row r·N + i
 * is service i of group r); the result is [R·N, 2D]: the callers' mean, then the callees' mean. Done as one
 * [2N, N] × [N, R·D] product so the wasm backend stays on its fast matmul path.
 */
export function aggregateCallNeighbours(
  x: tf.Tensor2D,
  matrices: tf.Tensor2D,
  services: number,
): tf.Tensor2D {
  return tf.tidy(() => {
    const [rows, width] = x.shape;
    const groups = rows / services;
    const serviceMajor = tf.reshape(tf.transpose(tf.reshape(x, [groups, services, width]), [1, 0, 2]), [
      services,
      groups * width,
    ]);
    const both = tf.reshape(matMul2d(matrices, serviceMajor as tf.Tensor2D), [2, services, groups, width]);
    // [2, N, R, D] → [R, N, 2, D] → [R·N, 2D]
    return tf.reshape(tf.transpose(both, [2, 1, 0, 3]), [rows, 2 * width]) as tf.Tensor2D;
  });
}
