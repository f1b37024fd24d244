// The paper's FC baseline: each service's whole window flattened (window × features), one hidden dense
// layer with ReLU, then the output layer. Services share weights and see no neighbours.
import { tf } from '../tf.js';
import { dense } from '../fast-matmul.js';
import type { ForecastModel, ModelConfig } from '../model-types.js';
import { WeightFactory } from '../weights.js';
import { checkInputs, windowsPerService } from './model-io.js';
import { OutputHead } from './output-head.js';

export class FcModel implements ForecastModel {
  readonly variables: readonly tf.Variable[];
  private readonly kernel: tf.Variable;
  private readonly bias: tf.Variable;
  private readonly head: OutputHead;

  constructor(
    readonly config: ModelConfig,
    scope: string,
  ) {
    const weights = new WeightFactory(config.seed, scope);
    this.kernel = weights.glorot('hidden/kernel', [config.window * config.features, config.hidden]);
    this.bias = weights.constant('hidden/bias', [config.hidden]);
    this.head = new OutputHead(weights, config.hidden, config);
    this.variables = weights.variables;
  }

  forward(inputs: tf.Tensor4D, _options: { training: boolean }): tf.Tensor4D {
    checkInputs(this.config, inputs);
    return tf.tidy(() => {
      const hidden = tf.relu(dense(windowsPerService(inputs), this.kernel as tf.Tensor2D, this.bias as tf.Tensor1D));
      return this.head.apply(hidden as tf.Tensor2D, inputs);
    });
  }

  dispose(): void {
    for (const variable of this.variables) variable.dispose();
  }
}
