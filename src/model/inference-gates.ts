// The gate arithmetic of the GRU and LSTM cells on rows held in JavaScript, for the inference path
// (recurrent-inference.ts). Elementwise work on ~30 rows is cheap here, but exp and tanh are not (5–10 ns
// each in V8), so every squashing goes to the backend as one batched sigmoid (vectorised on wasm), in two
// rounds per step: tanh x is 2σ(2x) − 1. Each update writes its pre-activations into a shared buffer at a
// given offset, so both directions of a layer share one sigmoid call per round.
import { tf } from './tf.js';
import { readBack } from './read-back.js';

/** The weights a gate update needs, as the cells hold them. */
export type GateWeights =
  | {
      kind: 'gru';
      /** [F, 3H], [3H]: reset, update, candidate. */
      inputKernel: tf.Tensor2D;
      inputBias: tf.Tensor;
      /** [H, 3H], [3H]: applied before the reset gate multiplies the candidate's part (reset_after). */
      recurrentKernel: tf.Tensor2D;
      recurrentBias: tf.Tensor;
    }
  | {
      kind: 'lstm';
      /** [F, 4H], [4H]: input, forget, output, candidate. */
      inputKernel: tf.Tensor2D;
      inputBias: tf.Tensor;
      recurrentKernel: tf.Tensor2D;
    };

/** σ of every element, computed on the backend (XNNPACK's vectorised sigmoid on wasm). */
export function hostSigmoid(values: Float32Array): Float32Array {
  return readBack(() => tf.sigmoid(tf.tensor1d(values)));
}

/** One step's products for one direction: the input side (`inputs` from `offset`) and the hidden side. */
export interface StepProducts {
  /** The window's input projections, bias included; this step's [rows, width] block starts at `offset`. */
  inputs: Float32Array;
  offset: number;
  /** h U for this step, [rows, width], no bias. */
  projectedHidden: Float32Array;
}

/** Both sigmoid rounds' results for one direction: its elements start at `at` and `secondAt`. */
export interface Squashed {
  first: Float32Array;
  at: number;
  second: Float32Array;
  secondAt: number;
}

export interface GateUpdate {
  /** Gate columns per row of the projections (3H for GRU, 4H for LSTM). */
  readonly width: number;
  /** Elements this update puts into the first and the second sigmoid round. */
  readonly firstLength: number;
  readonly secondLength: number;
  /** First round's pre-activations from this step's products, written to out[at…]. */
  first(products: StepProducts, out: Float32Array, at: number): void;
  /** Second round's pre-activations, from the first round's sigmoids at sigmoids[at…]. */
  second(sigmoids: Float32Array, at: number, out: Float32Array, secondAt: number): void;
  /** The new hidden state, given both rounds and the hidden state the cell was fed. */
  finish(squashed: Squashed, fed: Float32Array): Float32Array;
}

// The loops below index typed arrays with `!`: every index is in range by construction (as in
// edge-attention.ts, the `?? 0` fallbacks would cost ~2× here).

/** r, z = σ(x W + b + h U + c); n = tanh(x W_n + b_n + r ⊙ (h U_n + c_n)); h' = n + z ⊙ (h − n). */
class GruUpdate implements GateUpdate {
  readonly width: number;
  readonly firstLength: number;
  readonly secondLength: number;
  private products: StepProducts = {
    inputs: new Float32Array(0),
    offset: 0,
    projectedHidden: new Float32Array(0),
  };

  constructor(
    private readonly recurrentBias: Float32Array,
    private readonly rows: number,
    private readonly hidden: number,
  ) {
    this.width = 3 * hidden;
    this.firstLength = rows * 2 * hidden;
    this.secondLength = rows * hidden;
  }

  first(products: StepProducts, out: Float32Array, at: number): void {
    this.products = products;
    const { inputs, offset, projectedHidden } = products;
    const { rows, hidden, width, recurrentBias } = this;
    const gates = 2 * hidden;
    for (let row = 0; row < rows; row += 1) {
      const source = row * width;
      const target = at + row * gates;
      for (let j = 0; j < gates; j += 1) {
        out[target + j] = inputs[offset + source + j]! + (projectedHidden[source + j]! + recurrentBias[j]!);
      }
    }
  }

  second(sigmoids: Float32Array, at: number, out: Float32Array, secondAt: number): void {
    const { rows, hidden, width, recurrentBias } = this;
    const { inputs, offset, projectedHidden } = this.products;
    const candidate = 2 * hidden;
    for (let row = 0; row < rows; row += 1) {
      const source = row * width + candidate;
      const reset = at + row * candidate;
      const target = secondAt + row * hidden;
      for (let d = 0; d < hidden; d += 1) {
        const recurrent = projectedHidden[source + d]! + recurrentBias[candidate + d]!;
        out[target + d] = 2 * (inputs[offset + source + d]! + sigmoids[reset + d]! * recurrent);
      }
    }
  }

  finish(
    { first: sigmoids, at, second: secondSigmoids, secondAt }: Squashed,
    fed: Float32Array,
  ): Float32Array {
    const { rows, hidden } = this;
    const next = new Float32Array(rows * hidden);
    for (let row = 0; row < rows; row += 1) {
      const update = at + row * 2 * hidden + hidden;
      const base = row * hidden;
      for (let d = 0; d < hidden; d += 1) {
        const candidate = 2 * secondSigmoids[secondAt + base + d]! - 1;
        next[base + d] = candidate + sigmoids[update + d]! * (fed[base + d]! - candidate);
      }
    }
    return next;
  }
}

/** i, f, o = σ(x W + h U + b); g = tanh(x W_g + h U_g + b_g); c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c'). */
class LstmUpdate implements GateUpdate {
  readonly width: number;
  readonly firstLength: number;
  readonly secondLength: number;
  private readonly cell: Float32Array;

  constructor(
    private readonly rows: number,
    private readonly hidden: number,
  ) {
    this.width = 4 * hidden;
    this.firstLength = rows * this.width;
    this.secondLength = rows * hidden;
    this.cell = new Float32Array(rows * hidden);
  }

  first({ inputs, offset, projectedHidden }: StepProducts, out: Float32Array, at: number): void {
    const { rows, width } = this;
    const squashed = 3 * this.hidden;
    for (let row = 0; row < rows; row += 1) {
      const source = row * width;
      const target = at + source;
      for (let j = 0; j < squashed; j += 1) {
        out[target + j] = inputs[offset + source + j]! + projectedHidden[source + j]!;
      }
      // The candidate is a tanh: σ of twice its pre-activation.
      for (let j = squashed; j < width; j += 1) {
        out[target + j] = 2 * (inputs[offset + source + j]! + projectedHidden[source + j]!);
      }
    }
  }

  second(sigmoids: Float32Array, at: number, out: Float32Array, secondAt: number): void {
    const { rows, hidden, width, cell } = this;
    for (let row = 0; row < rows; row += 1) {
      const gates = at + row * width;
      const base = row * hidden;
      for (let d = 0; d < hidden; d += 1) {
        const input = sigmoids[gates + d]!;
        const forget = sigmoids[gates + hidden + d]!;
        const candidate = 2 * sigmoids[gates + 3 * hidden + d]! - 1;
        cell[base + d] = forget * cell[base + d]! + input * candidate;
        // The second round squashes the new cell state (stored as float32, as the tf path holds it).
        out[secondAt + base + d] = 2 * cell[base + d]!;
      }
    }
  }

  finish({ first: sigmoids, at, second: secondSigmoids, secondAt }: Squashed): Float32Array {
    const { rows, hidden, width } = this;
    const next = new Float32Array(rows * hidden);
    for (let row = 0; row < rows; row += 1) {
      const output = at + row * width + 2 * hidden;
      const base = row * hidden;
      for (let d = 0; d < hidden; d += 1) {
        next[base + d] = sigmoids[output + d]! * (2 * secondSigmoids[secondAt + base + d]! - 1);
      }
    }
    return next;
  }
}

/** The update for a cell's gates over `rows` rows (recurrent bias read once, here). */
export function gateUpdate(weights: GateWeights, rows: number, hidden: number): GateUpdate {
  return weights.kind === 'gru'
    ? new GruUpdate(weights.recurrentBias.dataSync() as Float32Array, rows, hidden)
    : new LstmUpdate(rows, hidden);
}
