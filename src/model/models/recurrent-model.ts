// GRU, LSTM, GAT-GRU, GAT-LSTM and rescape's call-graph GRU in the paper's shape: a forward and a reverse recurrent pass over the
// window (separate weights), each service's last hidden states of both passes concatenated [B·N, 2H],
// then one dense layer to horizon × targets per service.
import { tf } from '../tf.js';
import { GruCell } from '../cells/gru-cell.js';
import { LstmCell } from '../cells/lstm-cell.js';
import { GraphAttentionCell } from '../cells/graph-attention-cell.js';
import { createGraphAttentionParams } from '../graph-attention.js';
import type { RecurrentCell } from '../cells/recurrent-cell.js';
import { CallGraphCell, callGraphInputFeatures } from '../cells/call-graph-cell.js';
import { callGraphMatrices } from '../call-graph-messages.js';
import { graphStructure } from '../graph-structure.js';
import {
  bidirectionalLastStates,
  INFERENCE_MAX_ROWS,
  inferenceOnHost,
  isInferable,
  type InferenceWeights,
} from '../recurrent-inference.js';
import type { ForecastModel, GraphInput, ModelConfig } from '../model-types.js';
import { WeightFactory } from '../weights.js';
import { checkInputs } from './model-io.js';
import { OutputHead } from './output-head.js';

export type RecurrentKind = 'gru' | 'lstm' | 'gat-gru' | 'gat-lstm' | 'call-gru';

function createCell(weights: WeightFactory, name: string, config: ModelConfig, graph: GraphInput): RecurrentCell {
  const kind = config.kind as RecurrentKind;
  if (kind === 'call-gru') {
    const inner = new GruCell(weights, name, callGraphInputFeatures(config.features), config.hidden);
    return new CallGraphCell(inner, weights, name, callGraphMatrices(graph));
  }
  const attention =
    kind === 'gat-gru' || kind === 'gat-lstm'
      ? createGraphAttentionParams(weights, `${name}/attention`, config.hidden, config.heads)
      : undefined;
  const inner =
    kind === 'lstm' || kind === 'gat-lstm'
      ? new LstmCell(weights, name, config.features, config.hidden)
      : new GruCell(weights, name, config.features, config.hidden);
  return attention === undefined ? inner : new GraphAttentionCell(inner, attention, graphStructure(graph));
}

export class RecurrentModel implements ForecastModel {
  readonly variables: readonly tf.Variable[];
  private readonly forwardCell: RecurrentCell;
  private readonly reverseCell: RecurrentCell;
  private readonly head: OutputHead;

  constructor(
    readonly config: ModelConfig,
    graph: GraphInput,
    scope: string,
  ) {
    const weights = new WeightFactory(config.seed, scope);
    this.forwardCell = createCell(weights, 'forward', config, graph);
    this.reverseCell = createCell(weights, 'reverse', config, graph);
    this.head = new OutputHead(weights, 2 * config.hidden, config);
    this.variables = weights.variables;
  }

  /**
   * With `training: false` and a small batch on wasm or cpu this runs the inference path: the same
   * forecasts to float32 rounding, several times faster, but not differentiable.
   */
  forward(inputs: tf.Tensor4D, options: { training: boolean }): tf.Tensor4D {
    checkInputs(this.config, inputs);
    const [batch, , services] = inputs.shape;
    const inference = options.training ? undefined : this.inferenceWeights(batch * services);
    return tf.tidy(() => {
      const last =
        inference === undefined ? this.lastStates(inputs) : bidirectionalLastStates(inputs, ...inference);
      return this.head.apply(last, inputs);
    });
  }

  /** Both passes through the cells' tf ops (differentiable): the last hidden states concatenated, [B·N, 2H]. */
  private lastStates(inputs: tf.Tensor4D): tf.Tensor2D {
    const [batch, window, services, features] = inputs.shape;
    // Time-major rows, so step t is the contiguous block [t·B·N, (t+1)·B·N) in batch-major order.
    const timeMajor = tf.reshape(tf.transpose(inputs, [1, 0, 2, 3]), [window * batch * services, features]);
    const last = [this.forwardCell, this.reverseCell].map((cell, direction) => {
      const projected = tf.split(cell.projectInputs(timeMajor as tf.Tensor2D), window, 0) as tf.Tensor2D[];
      let state = cell.initialState(batch * services);
      for (let index = 0; index < window; index += 1) {
        const t = direction === 0 ? index : window - 1 - index;
        const stepInputs = projected[t];
        if (stepInputs === undefined) throw new Error(`no projected inputs for step ${t}`);
        state = cell.step(stepInputs, state);
      }
      return state.h;
    });
    return tf.concat(last, 1) as tf.Tensor2D;
  }

  /**
   * On the inference path a forecast's cost grows with its rows (JavaScript elementwise work), while the
   * generic path's per-row cost stays high at any batch (slices copied per step): many small batches that
   * stay on the inference path beat one large generic one. 276 windows × 28 services, wasm: GAT-GRU 0.7–0.85 s
   * in batches of 9 windows vs 1.2–1.5 s in batches of 256; GAT-LSTM 0.77–0.9 vs 0.9–1.4 s.
   */
  forecastBatch(): number | undefined {
    const rowsPerWindow = this.config.services;
    const windows = Math.max(1, Math.floor(INFERENCE_MAX_ROWS / rowsPerWindow));
    return this.inferenceWeights(windows * rowsPerWindow) === undefined ? undefined : windows;
  }

  /**
   * Both cells' weights for the inference path (recurrent-inference.ts), when it suits the backend and the
   * batch and both cells support it; otherwise the generic path runs (and always when training).
   */
  private inferenceWeights(rows: number): [InferenceWeights, InferenceWeights] | undefined {
    if (!inferenceOnHost(rows)) return undefined;
    const [forward, reverse] = [this.forwardCell, this.reverseCell].map((cell) =>
      isInferable(cell) ? cell.inferenceWeights() : undefined,
    );
    return forward === undefined || reverse === undefined ? undefined : [forward, reverse];
  }

  dispose(): void {
    for (const cell of [this.forwardCell, this.reverseCell]) cell.dispose?.();
    for (const variable of this.variables) variable.dispose();
  }
}
