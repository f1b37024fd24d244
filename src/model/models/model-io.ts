// Shapes shared by every model: checking a batch of windows against the config, the last observed
// targets (the naive forecast, and the base the residual models add to), and the per-service flattening.
import { DataError } from '../../core/errors.js';
import { tf } from '../tf.js';
import type { ModelConfig } from '../model-types.js';

/** Throws a DataError unless inputs is [batch ≥ 1, window, services, features] for this config. */
export function checkInputs(config: ModelConfig, inputs: tf.Tensor4D): void {
  const [batch, window, services, features] = inputs.shape;
  if (batch < 1 || window !== config.window || services !== config.services || features !== config.features) {
    throw new DataError(
      `a ${config.kind} model expects windows shaped [batch, ${config.window}, ${config.services}, ${config.features}], got [${inputs.shape.join(', ')}]`,
      {},
      { suggestion: 'predict on a run with the same services, features and window as the one the model was trained on' },
    );
  }
}

/** inputs[:, t, :, :targets] as [B, 1, N, targets]. */
export function targetsAt(inputs: tf.Tensor4D, step: number, targets: number): tf.Tensor4D {
  const [batch, , services] = inputs.shape;
  return tf.slice(inputs, [0, step, 0, 0], [batch, 1, services, targets]);
}

/** The last observed targets repeated over the horizon: [B, horizon, N, targets]. */
export function lastValueForecast(inputs: tf.Tensor4D, horizon: number, targets: number): tf.Tensor4D {
  return tf.tidy(() => tf.tile(targetsAt(inputs, inputs.shape[1] - 1, targets), [1, horizon, 1, 1]));
}

/** [B, T, N, F] → [B·N, T·F]: each service's whole window as one row (service-major within a batch). */
export function windowsPerService(inputs: tf.Tensor4D): tf.Tensor2D {
  const [batch, window, services, features] = inputs.shape;
  return tf.tidy(() => tf.reshape(tf.transpose(inputs, [0, 2, 1, 3]), [batch * services, window * features]));
}
