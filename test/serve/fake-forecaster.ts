// A stand-in for a loaded model with the shapes serve reads (window 2, horizon 2, two services, one cpu
// target): identity normalisation and a forward pass that repeats the last value, so forecasts are known.
import type { LoadedForecaster } from '../../src/model/load-forecaster.js';
import { tf } from '../../src/model/tf.js';
import type { InputWindow } from '../../src/serve/input-window.js';
import { mainThreadRunner } from '../../src/serve/model-runner.js';

export const FAKE_SERVICES = ['api', 'db'];

export function fakeForecaster(): LoadedForecaster & { forwards: number } {
  const fake = {
    forwards: 0,
    card: {
      kind: 'fake',
      services: FAKE_SERVICES,
      targets: ['cpu'],
      features: ['cpu'],
      stepSeconds: 30,
      config: { window: 2, horizon: 2, services: 2, features: 1, targets: 1 },
    },
    normaliser: {
      normalise: (values: Float32Array) => values,
      denormaliseTargets: (values: Float32Array) => values,
    },
    model: {
      forward: (input: tf.Tensor) => {
        fake.forwards += 1;
        const last = input.slice([0, 1, 0, 0], [1, 1, 2, 1]);
        return tf.concat([last, last], 1);
      },
      dispose: () => {},
    },
  };
  return fake as unknown as LoadedForecaster & { forwards: number };
}

/** A window whose last step has `api` at `value` and `db` at 2·value, ending at `endMs`. */
export function fakeWindow(value: number, endMs = Date.UTC(2024, 3, 17, 12)): InputWindow {
  return {
    values: new Float32Array([0, 0, value, 2 * value]),
    observedUntilMs: endMs,
    lastStep: null,
    filledCells: 0,
  };
}

/** The card and a main-thread runner of a fake forecaster, as the refresher takes them. */
export function fakeModel(forecaster = fakeForecaster()) {
  return { card: forecaster.card, runner: mainThreadRunner(forecaster) };
}
