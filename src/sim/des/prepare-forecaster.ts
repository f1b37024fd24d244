// The predictive policy's forecaster: --model, or a model trained on a simulation of the same topology with
// another seed. Loaded lazily by the study, as it brings TensorFlow.js in.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '../../core/errors.js';
import { selectBackend } from '../../model/tf.js';
import { compileTopology } from './call-program.js';
import { ModelForecaster } from './model-forecaster.js';
import type { StudyDeps, StudyOptions } from './simulate-study.js';
import { trainOnSimulation } from './simulation-training.js';

/** Loads --model, or trains a forecaster on a simulation of the same topology with another seed. */
export async function prepareForecaster(options: StudyOptions, deps: StudyDeps): Promise<ModelForecaster> {
  const { scenario, predictive } = options;
  const services = compileTopology(scenario.topology).services;
  await selectBackend();
  let forecaster: ModelForecaster;
  if (predictive.modelDir !== undefined) {
    forecaster = ModelForecaster.load(predictive.modelDir, services);
  } else {
    const dir = predictive.saveDir ?? mkdtempSync(join(tmpdir(), 'rescape-simulate-'));
    try {
      const trained = await trainOnSimulation({
        scenario,
        seed: predictive.trainingSeed,
        durationSeconds: predictive.trainingSeconds,
        kind: predictive.kind,
        epochs: predictive.epochs,
        dir,
        ...(deps.signal === undefined ? {} : { signal: deps.signal }),
        ...(deps.onProgress === undefined ? {} : { onProgress: deps.onProgress }),
      });
      forecaster = ModelForecaster.load(trained.modelDir, services, trained.description);
    } finally {
      if (predictive.saveDir === undefined) rmSync(dir, { recursive: true, force: true });
    }
  }
  if (forecaster.stepSeconds !== scenario.stepSeconds) {
    forecaster.dispose();
    throw new DataError(
      `the model forecasts ${forecaster.stepSeconds} s steps; the simulation measures ${scenario.stepSeconds} s steps`,
      { file: `${predictive.modelDir ?? 'model'}/card.json`, field: 'stepSeconds' },
      { suggestion: `Give --model a model trained on runs with a ${scenario.stepSeconds} s step.` },
    );
  }
  return forecaster;
}
