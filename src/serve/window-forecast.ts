// One forward pass of a loaded model over an input window in original units → the next `horizon` steps of
// every service's targets in original units. The same arithmetic as `rescape predict` (normalise the
// features, forward, denormalise the targets), over a window that came from anywhere.
import type { LoadedForecaster } from '../model/load-forecaster.js';
import { tf } from '../model/tf.js';

/** [horizon × services × targets] in original units. */
export function forecastWindow(forecaster: LoadedForecaster, inputs: Float32Array): Float32Array {
  const { window, services, features } = forecaster.card.config;
  if (inputs.length !== window * services * features) {
    throw new Error(
      `input window holds ${inputs.length} values, the model takes ${window}×${services}×${features}`,
    );
  }
  const normalised = forecaster.normaliser.normalise(inputs, 'features');
  const output = tf.tidy(
    () =>
      forecaster.model
        .forward(tf.tensor4d(normalised, [1, window, services, features]), { training: false })
        .dataSync() as Float32Array,
  );
  return forecaster.normaliser.denormaliseTargets(output);
}
