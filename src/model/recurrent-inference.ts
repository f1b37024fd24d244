// Inference-only forward pass of the bidirectional recurrent models (GRU, LSTM, GAT-GRU, GAT-LSTM) for
// backends whose tensors live in main memory (wasm, cpu) and small batches. A single forecast is ~20 cell
// steps of 30-row products, so the generic path spends its time dispatching small tf ops (818 kernels for
// one GAT-GRU forecast: slices, adds, customGrad wrappers), not computing. Here each step of each direction
// is one matmul (two with attention) on the backend, XNNPACK on wasm, with everything between done in
// JavaScript on rows read back to main memory; both directions run in lock step so that their gates'
// sigmoids go to the backend as one batch, in two rounds per step (tanh x is evaluated as 2σ(2x) − 1).
// 73 kernels per GAT-GRU forecast, 53 per GRU one. Same maths as the cells, to float32 rounding.
import { tf } from './tf.js';
import { attendForward } from './edge-attention.js';
import type { GraphAttentionParams } from './graph-attention.js';
import type { GraphStructure } from './graph-structure.js';
import { gateUpdate, hostSigmoid, type GateWeights, type Squashed } from './inference-gates.js';
import { readBack } from './read-back.js';

/** What a cell hands the inference path: its gate weights and, for GAT cells, its attention. */
export interface InferenceWeights {
  hidden: number;
  gates: GateWeights;
  attention?: {
    /** scoredAttentionKernel's [H, K·H + 2K] for the cell's attention weights. */
    scoredKernel: tf.Tensor2D;
    heads: number;
    structure: GraphStructure;
  };
}

/** A cell that can run on the inference path; cells without it (call-gru) keep the generic path. */
export interface InferableCell {
  inferenceWeights(): InferenceWeights | undefined;
}

export function isInferable(cell: object): cell is InferableCell {
  return typeof (cell as Partial<InferableCell>).inferenceWeights === 'function';
}

/**
 * Rows (windows × services) up to which this path is the faster one. Its elementwise work is JavaScript,
 * ~10× slower per element than the backend's vectorised kernels, so it wins while op dispatch dominates:
 * measured against the generic path (wasm, 30 services, hidden 48), 0.45–0.6× the time at 1 window,
 * 0.65–0.8× at 4, 0.75–0.85× at 8, 1.05–1.3× at 16.
 */
export const INFERENCE_MAX_ROWS = 256;

/**
 * Whether a forward pass over `rows` rows should take this path: on backends that keep tensors in main
 * memory, so reading rows back to JavaScript is cheap (wasm, cpu), and for small batches.
 */
export function inferenceOnHost(rows: number): boolean {
  const backend = tf.getBackend();
  return rows <= INFERENCE_MAX_ROWS && (backend === 'wasm' || backend === 'cpu');
}

/** a [rows, inner] (JavaScript) × kernel [inner, cols] on the backend, read back: [rows, cols]. */
function hostProduct(a: Float32Array, rows: number, kernel: tf.Tensor2D): Float32Array {
  return readBack(() => tf.matMul(tf.tensor2d(a, [rows, kernel.shape[0]]), kernel));
}

/**
 * [H, K·H + 2K]: every head's W_k, then the columns W_k a_src,k and W_k a_dst,k, so that one product h × it
 * gives the values and both scores of every head (graphAttention computes (W_k h) · a; the same sums
 * associated differently). Built in JavaScript: tf ops for it cost more than the ten steps that use it.
 */
export function scoredAttentionKernel(params: GraphAttentionParams): tf.Tensor2D {
  const [hidden, width] = params.kernel.shape;
  const heads = params.sourceAttention.shape[0];
  const kernel = params.kernel.dataSync();
  const source = params.sourceAttention.dataSync();
  const target = params.targetAttention.dataSync();
  const stride = width + 2 * heads;
  const scored = new Float32Array(hidden * stride);
  for (let row = 0; row < hidden; row += 1) {
    scored.set(kernel.subarray(row * width, (row + 1) * width), row * stride);
    for (let k = 0; k < heads; k += 1) {
      let sourceScore = 0;
      let targetScore = 0;
      for (let d = 0; d < hidden; d += 1) {
        const weight = kernel[row * width + k * hidden + d]!;
        sourceScore += weight * source[k * hidden + d]!;
        targetScore += weight * target[k * hidden + d]!;
      }
      scored[row * stride + width + k] = sourceScore;
      scored[row * stride + width + heads + k] = targetScore;
    }
  }
  return tf.tensor2d(scored, [hidden, stride]);
}

/** Graph attention over the rows of h (batch-major groups of N services), as graphAttention computes it. */
class HostAttention {
  private readonly source: Float32Array;
  private readonly target: Float32Array;

  constructor(
    private readonly kernel: tf.Tensor2D,
    private readonly heads: number,
    private readonly structure: GraphStructure,
    private readonly rows: number,
    private readonly hidden: number,
  ) {
    this.source = new Float32Array(rows * heads);
    this.target = new Float32Array(rows * heads);
  }

  apply(h: Float32Array): Float32Array {
    const { rows, hidden, heads, structure, source, target } = this;
    const scored = hostProduct(h, rows, this.kernel);
    const stride = heads * hidden + 2 * heads;
    for (let row = 0; row < rows; row += 1) {
      const scores = row * stride + heads * hidden;
      for (let k = 0; k < heads; k += 1) {
        source[row * heads + k] = scored[scores + k]!;
        target[row * heads + k] = scored[scores + heads + k]!;
      }
    }
    const dims = { batch: rows / structure.services, services: structure.services, heads, hidden };
    return attendForward(scored, source, target, dims, structure, stride).output;
  }
}

/** One direction's recurrence: its input projections for the whole window, its state, its weights. */
class Direction {
  h: Float32Array;
  private readonly attention: HostAttention | undefined;
  private readonly update: ReturnType<typeof gateUpdate>;
  private readonly recurrentKernel: tf.Tensor2D;
  private fedState: Float32Array;

  constructor(
    weights: InferenceWeights,
    private readonly projected: Float32Array,
    readonly rows: number,
  ) {
    this.h = new Float32Array(rows * weights.hidden);
    this.fedState = this.h;
    this.attention =
      weights.attention === undefined
        ? undefined
        : new HostAttention(
            weights.attention.scoredKernel,
            weights.attention.heads,
            weights.attention.structure,
            rows,
            weights.hidden,
          );
    this.update = gateUpdate(weights.gates, rows, weights.hidden);
    this.recurrentKernel = weights.gates.recurrentKernel;
  }

  get firstLength(): number {
    return this.update.firstLength;
  }

  get secondLength(): number {
    return this.update.secondLength;
  }

  /** Attention (GAT cells) and the hidden-side product, then the first sigmoid batch's pre-activations. */
  first(step: number, out: Float32Array, at: number): void {
    this.fedState = this.attention === undefined ? this.h : this.attention.apply(this.h);
    const projectedHidden = hostProduct(this.fedState, this.rows, this.recurrentKernel);
    const offset = step * this.rows * this.update.width;
    this.update.first({ inputs: this.projected, offset, projectedHidden }, out, at);
  }

  second(sigmoids: Float32Array, at: number, out: Float32Array, secondAt: number): void {
    this.update.second(sigmoids, at, out, secondAt);
  }

  finish(squashed: Squashed): void {
    this.h = this.update.finish(squashed, this.fedState);
  }
}

/**
 * The last hidden states of the forward and the reverse pass over inputs [B, T, N, F], concatenated per
 * row: [B·N, 2H], batch-major rows, as the generic path hands the output head.
 */
export function bidirectionalLastStates(
  inputs: tf.Tensor4D,
  forward: InferenceWeights,
  reverse: InferenceWeights,
): tf.Tensor2D {
  const [batch, window, services, features] = inputs.shape;
  const rows = batch * services;
  // Time-major rows: step t's projections are the block [t·rows, (t+1)·rows).
  const timeMajor = tf.tidy(
    () => tf.reshape(tf.transpose(inputs, [1, 0, 2, 3]), [window * rows, features]) as tf.Tensor2D,
  );
  const directions = [forward, reverse].map((weights) => {
    const { inputKernel, inputBias } = weights.gates;
    const projected = readBack(() => tf.add(tf.matMul(timeMajor, inputKernel), inputBias));
    return new Direction(weights, projected, rows);
  });
  timeMajor.dispose();
  const firstLength = directions.reduce((sum, direction) => sum + direction.firstLength, 0);
  const secondLength = directions.reduce((sum, direction) => sum + direction.secondLength, 0);
  const firstInputs = new Float32Array(firstLength);
  const secondInputs = new Float32Array(secondLength);
  for (let index = 0; index < window; index += 1) {
    let at = 0;
    directions.forEach((direction, which) => {
      direction.first(which === 0 ? index : window - 1 - index, firstInputs, at);
      at += direction.firstLength;
    });
    const firstSigmoids = hostSigmoid(firstInputs);
    at = 0;
    let secondAt = 0;
    for (const direction of directions) {
      direction.second(firstSigmoids, at, secondInputs, secondAt);
      at += direction.firstLength;
      secondAt += direction.secondLength;
    }
    const secondSigmoids = hostSigmoid(secondInputs);
    at = 0;
    secondAt = 0;
    for (const direction of directions) {
      direction.finish({ first: firstSigmoids, at, second: secondSigmoids, secondAt });
      at += direction.firstLength;
      secondAt += direction.secondLength;
    }
  }
  const hidden = forward.hidden;
  const both = new Float32Array(rows * 2 * hidden);
  directions.forEach((direction, which) => {
    for (let row = 0; row < rows; row += 1) {
      both.set(direction.h.subarray(row * hidden, (row + 1) * hidden), (2 * row + which) * hidden);
    }
  });
  return tf.tensor2d(both, [rows, 2 * hidden]);
}
