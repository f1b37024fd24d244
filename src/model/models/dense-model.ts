// A dense all-services model, a reference beyond the paper: every service's whole window of every feature
// flattened into one vector, one hidden ReLU layer, and a dense map to every service's forecast. It can use any
// service's history for any other (no graph), which wins where load travels between services with a lag and
// over-fits where the graph is sparse. Residual like the others: with a zero output kernel it is last-value.
import { tf } from '../tf.js';
import { dense } from '../fast-matmul.js';
import type { ForecastModel, ModelConfig } from '../model-types.js';
import { WeightFactory } from '../weights.js';
import { checkInputs, targetsAt } from './model-io.js';

export class DenseModel implements ForecastModel {
  readonly variables: readonly tf.Variable[];
  private readonly hiddenKernel: tf.Variable;
  private readonly hiddenBias: tf.Variable;
  private readonly outputKernel: tf.Variable;
  private readonly outputBias: tf.Variable;

  constructor(
    readonly config: ModelConfig,
    scope: string,
  ) {
    const weights = new WeightFactory(config.seed, scope);
    const { window, services, features, horizon, targets, hidden } = config;
    this.hiddenKernel = weights.glorot('hidden/kernel', [window * services * features, hidden]);
    this.hiddenBias = weights.constant('hidden/bias', [hidden]);
    const outputs = horizon * services * targets;
    this.outputKernel = config.residual
      ? weights.constant('output/kernel', [hidden, outputs])
      : weights.glorot('output/kernel', [hidden, outputs]);
    this.outputBias = weights.constant('output/bias', [outputs]);
    this.variables = weights.variables;
  }

  forward(inputs: tf.Tensor4D, _options: { training: boolean }): tf.Tensor4D {
    checkInputs(this.config, inputs);
    return tf.tidy(() => {
      const { window, services, features, horizon, targets } = this.config;
      const batch = inputs.shape[0];
      const flat = tf.reshape(inputs, [batch, window * services * features]) as tf.Tensor2D;
      const hidden = tf.relu(dense(flat, this.hiddenKernel as tf.Tensor2D, this.hiddenBias as tf.Tensor1D));
      const out = dense(hidden as tf.Tensor2D, this.outputKernel as tf.Tensor2D, this.outputBias as tf.Tensor1D);
      const forecast = tf.reshape(out, [batch, horizon, services, targets]) as tf.Tensor4D;
      if (!this.config.residual) return forecast;
      return tf.add(forecast, targetsAt(inputs, window - 1, targets));
    });
  }

  dispose(): void {
    for (const variable of this.variables) variable.dispose();
  }
}
