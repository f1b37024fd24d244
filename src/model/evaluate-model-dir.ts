// `rescape evaluate`: a saved model scored on the test split of a run (by default the runs it was
// trained on), with its own normaliser, against last-value and seasonal naive.
import { readRun } from '../dataset/run-reader.js';
import type { TargetName } from '../dataset/series.js';
import { evaluateForecasts, type Evaluation } from './evaluate-forecasts.js';
import { assertRunMatchesModel, loadForecaster } from './load-forecaster.js';
import { loadTrainingData } from './training-data.js';

export interface EvaluateResult {
  modelDir: string;
  kind: string;
  runDirs: string[];
  stepSeconds: number;
  test: Evaluation;
}

export async function evaluateModelDir(modelDir: string, runDirs: string[] = []): Promise<EvaluateResult> {
  const { card, graph, normaliser, model } = loadForecaster(modelDir);
  try {
    const runs = runDirs.length > 0 ? runDirs : card.trainedOn.map((run) => run.runDir);
    for (const runDir of runs) assertRunMatchesModel(card, await readRun(runDir), runDir);
    const data = await loadTrainingData({
      runDirs: runs,
      targets: card.targets as TargetName[],
      extraInputs: card.extraInputs,
      shape: { window: card.config.window, horizon: card.config.horizon, stride: 1 },
      split: card.split,
      normaliserKind: normaliser.kind,
      normaliser,
      graph: card.graph,
    });
    return {
      modelDir,
      kind: card.kind,
      runDirs: runs,
      stepSeconds: data.stepSeconds,
      test: evaluateForecasts(model, graph, data.splits.test, normaliser, data.services, data.stepSeconds),
    };
  } finally {
    model.dispose();
  }
}
