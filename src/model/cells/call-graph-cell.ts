// rescape's call-graph cell (beyond the paper). The paper's GAT cell attends over hidden states only, so a
// neighbour's *input* at step t reaches a service one step late, through the neighbour's hidden state, and
// caller and callee share one attention. Here every step sees, besides its own input and state:
// - the call-volume-weighted mean of its callers' inputs and of its callees' inputs (separate input weights,
//   so "my callers got busier" and "my callees got busier" are different evidence), and
// - the same two means of the previous hidden states, each through its own matrix, added to h(t−1).
// The message matrices start at zero, so an untrained cell is the plain GRU on the widened input, and on a
// graph that carries no signal the cell can stay close to it.
import { tf } from '../tf.js';
import { dense } from '../fast-matmul.js';
import { aggregateCallNeighbours, type CallGraphMatrices } from '../call-graph-messages.js';
import type { WeightFactory } from '../weights.js';
import { tidyState, type RecurrentCell, type RecurrentState } from './recurrent-cell.js';

/** Input features the inner cell must accept: own, callers' mean and callees' mean of each feature. */
export function callGraphInputFeatures(features: number): number {
  return 3 * features;
}

export class CallGraphCell implements RecurrentCell {
  readonly hidden: number;
  private readonly matrices: tf.Tensor2D;
  private readonly services: number;
  private readonly messageKernel: tf.Variable;

  constructor(
    private readonly inner: RecurrentCell,
    weights: WeightFactory,
    name: string,
    graph: CallGraphMatrices,
  ) {
    this.hidden = inner.hidden;
    this.services = graph.services;
    this.matrices = tf.keep(tf.tensor2d(graph.stacked, [2 * graph.services, graph.services]));
    // [callers' h mean, callees' h mean] (2H) → H, one kernel holding both directions' separate matrices.
    this.messageKernel = weights.constant(`${name}/message_kernel`, [2 * inner.hidden, inner.hidden]);
  }

  /** x [W·B·N, F] (any number of batch-major groups of N rows) → the inner cell's projection of [x, callers, callees]. */
  projectInputs(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() =>
      this.inner.projectInputs(tf.concat([x, aggregateCallNeighbours(x, this.matrices, this.services)], 1)),
    );
  }

  initialState(rows: number): RecurrentState {
    return this.inner.initialState(rows);
  }

  step(projectedInputs: tf.Tensor2D, state: RecurrentState): RecurrentState {
    return tidyState(() => {
      const neighbours = aggregateCallNeighbours(state.h, this.matrices, this.services);
      const informed = tf.add(state.h, dense(neighbours, this.messageKernel as tf.Tensor2D)) as tf.Tensor2D;
      return this.inner.step(projectedInputs, { h: informed, c: state.c });
    });
  }

  dispose(): void {
    this.matrices.dispose();
  }
}
