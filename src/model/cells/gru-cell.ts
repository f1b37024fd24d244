// A GRU cell with the reset gate applied after the hidden projection (as cuDNN, PyTorch and Keras'
// reset_after): r, z = σ(x W + b + h U + c), n = tanh(x W_n + b_n + r ⊙ (h U_n + c_n)),
// h' = (1 − z) ⊙ n + z ⊙ h. The hidden side of all three gates is then one matmul.
import { tf } from '../tf.js';
import { dense } from '../fast-matmul.js';
import type { WeightFactory } from '../weights.js';
import type { InferableCell, InferenceWeights } from '../recurrent-inference.js';
import type { RecurrentCell, RecurrentState } from './recurrent-cell.js';

export class GruCell implements RecurrentCell, InferableCell {
  private readonly inputKernel: tf.Variable<tf.Rank.R2>;
  private readonly inputBias: tf.Variable;
  private readonly recurrentKernel: tf.Variable<tf.Rank.R2>;
  private readonly recurrentBias: tf.Variable;

  constructor(
    weights: WeightFactory,
    name: string,
    features: number,
    readonly hidden: number,
  ) {
    this.inputKernel = weights.glorot(`${name}/input_kernel`, [features, 3 * hidden]);
    this.recurrentKernel = weights.orthogonalBlocks(`${name}/recurrent_kernel`, [hidden, 3 * hidden]);
    this.inputBias = weights.constant(`${name}/input_bias`, [3 * hidden]);
    this.recurrentBias = weights.constant(`${name}/recurrent_bias`, [3 * hidden]);
  }

  projectInputs(x: tf.Tensor2D): tf.Tensor2D {
    return dense(x, this.inputKernel as tf.Tensor2D, this.inputBias as tf.Tensor1D);
  }

  initialState(rows: number): RecurrentState {
    return { h: tf.zeros([rows, this.hidden]), c: null };
  }

  inferenceWeights(): InferenceWeights {
    const { hidden, inputKernel, inputBias, recurrentKernel, recurrentBias } = this;
    return { hidden, gates: { kind: 'gru', inputKernel, inputBias, recurrentKernel, recurrentBias } };
  }

  step(projectedInputs: tf.Tensor2D, state: RecurrentState): RecurrentState {
    const h = tf.tidy(() => {
      const hidden = this.hidden;
      const projectedHidden = dense(
        state.h,
        this.recurrentKernel as tf.Tensor2D,
        this.recurrentBias as tf.Tensor1D,
      );
      const rows = state.h.shape[0];
      const gates = tf.sigmoid(
        tf.add(
          tf.slice(projectedInputs, [0, 0], [rows, 2 * hidden]),
          tf.slice(projectedHidden, [0, 0], [rows, 2 * hidden]),
        ),
      );
      const reset = tf.slice(gates, [0, 0], [rows, hidden]);
      const update = tf.slice(gates, [0, hidden], [rows, hidden]);
      const candidate = tf.tanh(
        tf.add(
          tf.slice(projectedInputs, [0, 2 * hidden], [rows, hidden]),
          tf.mul(reset, tf.slice(projectedHidden, [0, 2 * hidden], [rows, hidden])),
        ),
      );
      // (1 − z) n + z h, written with one multiply.
      return tf.add(candidate, tf.mul(update, tf.sub(state.h, candidate))) as tf.Tensor2D;
    });
    return { h, c: null };
  }
}
