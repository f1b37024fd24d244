// The paper's GAT-GRU / GAT-LSTM cell: graph attention over the previous hidden states of all services,
// then the ordinary recurrent update with the attended state in place of h(t−1). The LSTM's cell state
// is not attended (the paper applies GAT to h only).
import { tf } from '../tf.js';
import { graphAttention, type GraphAttentionParams } from '../graph-attention.js';
import type { GraphStructure } from '../graph-structure.js';
import { tidyState, type RecurrentCell, type RecurrentState } from './recurrent-cell.js';

export class GraphAttentionCell implements RecurrentCell {
  readonly hidden: number;

  constructor(
    private readonly inner: RecurrentCell,
    private readonly attention: GraphAttentionParams,
    private readonly structure: GraphStructure,
  ) {
    this.hidden = inner.hidden;
  }

  projectInputs(x: tf.Tensor2D): tf.Tensor2D {
    return this.inner.projectInputs(x);
  }

  initialState(rows: number): RecurrentState {
    return this.inner.initialState(rows);
  }

  /** Rows are batch-major: row b·N + i is service i of window b. */
  step(projectedInputs: tf.Tensor2D, state: RecurrentState): RecurrentState {
    const services = this.structure.services;
    const [rows, hidden] = state.h.shape;
    return tidyState(() => {
      const grouped = tf.reshape(state.h, [rows / services, services, hidden]) as tf.Tensor3D;
      const attended = tf.reshape(graphAttention(grouped, this.attention, this.structure), [rows, hidden]);
      return this.inner.step(projectedInputs, { h: attended as tf.Tensor2D, c: state.c });
    });
  }
}
