// The paper's GAT-GRU / GAT-LSTM cell: graph attention over the previous hidden states of all services,
// then the ordinary recurrent update with the attended state in place of h(t−1). The LSTM's cell state
// is not attended (the paper applies GAT to h only).
import { tf } from '../tf.js';
import { graphAttention, type GraphAttentionParams } from '../graph-attention.js';
import type { GraphStructure } from '../graph-structure.js';
import { DerivedTensor } from '../derived-tensor.js';
import {
  isInferable,
  scoredAttentionKernel,
  type InferableCell,
  type InferenceWeights,
} from '../recurrent-inference.js';
import { tidyState, type RecurrentCell, type RecurrentState } from './recurrent-cell.js';

export class GraphAttentionCell implements RecurrentCell, InferableCell {
  readonly hidden: number;
  /** The inference path's attention kernel, kept while the attention weights are unchanged. */
  private readonly scoredKernel: DerivedTensor<tf.Rank.R2>;

  constructor(
    private readonly inner: RecurrentCell,
    private readonly attention: GraphAttentionParams,
    private readonly structure: GraphStructure,
  ) {
    this.hidden = inner.hidden;
    const { kernel, sourceAttention, targetAttention } = attention;
    this.scoredKernel = new DerivedTensor([kernel, sourceAttention, targetAttention], () =>
      scoredAttentionKernel(attention),
    );
  }

  projectInputs(x: tf.Tensor2D): tf.Tensor2D {
    return this.inner.projectInputs(x);
  }

  initialState(rows: number): RecurrentState {
    return this.inner.initialState(rows);
  }

  inferenceWeights(): InferenceWeights | undefined {
    const inner = isInferable(this.inner) ? this.inner.inferenceWeights() : undefined;
    if (inner === undefined || inner.attention !== undefined) return undefined;
    return {
      ...inner,
      attention: {
        scoredKernel: this.scoredKernel.get(),
        heads: this.attention.sourceAttention.shape[0],
        structure: this.structure,
      },
    };
  }

  dispose(): void {
    this.scoredKernel.dispose();
    this.inner.dispose?.();
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
