// The last layer of every learned model: a dense map from each service's features to its horizon ×
// targets forecast, laid out [B, horizon, N, targets]. With `residual` the forecast is the change from
// the last observed value, and the kernel starts at zero, so an untrained model is exactly last-value.
import { tf } from '../tf.js';
import { dense } from '../fast-matmul.js';
import type { ModelConfig } from '../model-types.js';
import type { WeightFactory } from '../weights.js';
import { targetsAt } from './model-io.js';

export class OutputHead {
  private readonly kernel: tf.Variable;
  private readonly bias: tf.Variable;

  constructor(
    weights: WeightFactory,
    inputSize: number,
    private readonly config: ModelConfig,
  ) {
    const outputs = config.horizon * config.targets;
    this.kernel = config.residual
      ? weights.constant('output/kernel', [inputSize, outputs])
      : weights.glorot('output/kernel', [inputSize, outputs]);
    this.bias = weights.constant('output/bias', [outputs]);
  }

  /** features [B·N, inputSize] (batch-major rows), inputs the windows they came from. */
  apply(features: tf.Tensor2D, inputs: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const { horizon, targets, services } = this.config;
      const batch = inputs.shape[0];
      const flat = dense(features, this.kernel as tf.Tensor2D, this.bias as tf.Tensor1D);
      const forecast = tf.transpose(tf.reshape(flat, [batch, services, horizon, targets]), [0, 2, 1, 3]) as tf.Tensor4D;
      if (!this.config.residual) return forecast;
      return tf.add(forecast, targetsAt(inputs, inputs.shape[1] - 1, targets));
    });
  }
}
