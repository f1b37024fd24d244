// An LSTM cell: i, f, o = σ(x W + h U + b), g = tanh(x W_g + h U_g + b_g), c' = f ⊙ c + i ⊙ g,
// h' = o ⊙ tanh(c'). The forget gate's bias starts at 1 (Jozefowicz et al.), so early in training the
// cell keeps its memory instead of wiping it.
import { tf } from '../tf.js';
import { dense, matMul2d } from '../fast-matmul.js';
import type { WeightFactory } from '../weights.js';
import type { InferableCell, InferenceWeights } from '../recurrent-inference.js';
import type { RecurrentCell, RecurrentState } from './recurrent-cell.js';

export class LstmCell implements RecurrentCell, InferableCell {
  private readonly inputKernel: tf.Variable<tf.Rank.R2>;
  private readonly recurrentKernel: tf.Variable<tf.Rank.R2>;
  private readonly bias: tf.Variable;

  constructor(
    weights: WeightFactory,
    name: string,
    features: number,
    readonly hidden: number,
  ) {
    this.inputKernel = weights.glorot(`${name}/input_kernel`, [features, 4 * hidden]);
    this.recurrentKernel = weights.orthogonalBlocks(`${name}/recurrent_kernel`, [hidden, 4 * hidden]);
    // Gate order: input, forget, output, candidate.
    const bias = new Float32Array(4 * hidden);
    bias.fill(1, hidden, 2 * hidden);
    this.bias = weights.values(`${name}/bias`, bias, [4 * hidden]);
  }

  projectInputs(x: tf.Tensor2D): tf.Tensor2D {
    return dense(x, this.inputKernel as tf.Tensor2D, this.bias as tf.Tensor1D);
  }

  initialState(rows: number): RecurrentState {
    return { h: tf.zeros([rows, this.hidden]), c: tf.zeros([rows, this.hidden]) };
  }

  inferenceWeights(): InferenceWeights {
    const { hidden, inputKernel, bias, recurrentKernel } = this;
    return { hidden, gates: { kind: 'lstm', inputKernel, inputBias: bias, recurrentKernel } };
  }

  step(projectedInputs: tf.Tensor2D, state: RecurrentState): RecurrentState {
    const [h, c] = tf.tidy(() => {
      const hidden = this.hidden;
      const rows = state.h.shape[0];
      const previousCell = state.c ?? tf.zeros([rows, hidden]);
      const gates = tf.add(projectedInputs, matMul2d(state.h, this.recurrentKernel as tf.Tensor2D));
      const sigmoids = tf.sigmoid(tf.slice(gates, [0, 0], [rows, 3 * hidden]));
      const input = tf.slice(sigmoids, [0, 0], [rows, hidden]);
      const forget = tf.slice(sigmoids, [0, hidden], [rows, hidden]);
      const output = tf.slice(sigmoids, [0, 2 * hidden], [rows, hidden]);
      const candidate = tf.tanh(tf.slice(gates, [0, 3 * hidden], [rows, hidden]));
      const cell = tf.add(tf.mul(forget, previousCell), tf.mul(input, candidate)) as tf.Tensor2D;
      return [tf.mul(output, tf.tanh(cell)) as tf.Tensor2D, cell];
    });
    return { h, c };
  }
}
