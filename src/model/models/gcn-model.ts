// The GNN-MSOrchest GCN: two graph convolutions H' = dropout(ReLU(Â H W + b)) with
// Â = D^-1/2 (A + I) D^-1/2, over each service's flattened window, then the output layer.
// Dropout (rate config.dropout, paper 0.3) is active only when training, and seeded: call k of a model
// uses seed (config.seed, k), so a rerun with the same seed drops the same units.
import { tf } from '../tf.js';
import { matMul2d } from '../fast-matmul.js';
import type { ForecastModel, GraphInput, ModelConfig } from '../model-types.js';
import { normalisedAdjacency } from '../graph-structure.js';
import { WeightFactory } from '../weights.js';
import { checkInputs, windowsPerService } from './model-io.js';
import { OutputHead } from './output-head.js';

const GRAPH_LAYERS = 2;

export class GcnModel implements ForecastModel {
  readonly variables: readonly tf.Variable[];
  private readonly layers: { kernel: tf.Variable; bias: tf.Variable }[] = [];
  private readonly head: OutputHead;
  /** Â, a constant owned by the model. */
  private readonly propagation: tf.Tensor2D;
  private dropoutCalls = 0;

  constructor(
    readonly config: ModelConfig,
    graph: GraphInput,
    scope: string,
  ) {
    const weights = new WeightFactory(config.seed, scope);
    let inputSize = config.window * config.features;
    for (let layer = 0; layer < GRAPH_LAYERS; layer += 1) {
      this.layers.push({
        kernel: weights.glorot(`graph_conv_${layer}/kernel`, [inputSize, config.hidden]),
        bias: weights.constant(`graph_conv_${layer}/bias`, [config.hidden]),
      });
      inputSize = config.hidden;
    }
    this.head = new OutputHead(weights, config.hidden, config);
    this.variables = weights.variables;
    this.propagation = tf.tensor2d(normalisedAdjacency(graph), [graph.services, graph.services]);
  }

  forward(inputs: tf.Tensor4D, options: { training: boolean }): tf.Tensor4D {
    checkInputs(this.config, inputs);
    const batch = inputs.shape[0];
    const dropoutSeeds = options.training && this.config.dropout > 0 ? this.layers.map(() => this.nextDropoutSeed()) : [];
    return tf.tidy(() => {
      let hidden = windowsPerService(inputs);
      this.layers.forEach(({ kernel, bias }, layer) => {
        const transformed = matMul2d(hidden, kernel as tf.Tensor2D);
        const activated = tf.relu(tf.add(this.propagate(transformed, batch), bias)) as tf.Tensor2D;
        const seed = dropoutSeeds[layer];
        hidden = seed === undefined ? activated : (tf.dropout(activated, this.config.dropout, undefined, seed) as tf.Tensor2D);
      });
      return this.head.apply(hidden, inputs);
    });
  }

  // Â applied to every window of the batch at once: [B·N, C] → [N, B·C], one 2-D matmul, and back.
  private propagate(x: tf.Tensor2D, batch: number): tf.Tensor2D {
    const services = this.config.services;
    const channels = x.shape[1];
    const nodeMajor = tf.reshape(tf.transpose(tf.reshape(x, [batch, services, channels]), [1, 0, 2]), [
      services,
      batch * channels,
    ]) as tf.Tensor2D;
    const mixed = matMul2d(this.propagation, nodeMajor);
    return tf.reshape(tf.transpose(tf.reshape(mixed, [services, batch, channels]), [1, 0, 2]), [
      batch * services,
      channels,
    ]) as tf.Tensor2D;
  }

  private nextDropoutSeed(): number {
    this.dropoutCalls += 1;
    // Distinct per call and per model seed; tf's seeded dropout is deterministic for a given seed.
    return this.config.seed * 1_000_003 + this.dropoutCalls;
  }

  dispose(): void {
    for (const variable of this.variables) variable.dispose();
    this.propagation.dispose();
  }
}
