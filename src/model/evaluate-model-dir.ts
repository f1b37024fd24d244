// `rescape evaluate`: a saved model scored on the test split of a run (by default the runs it was
// trained on), with its own normaliser, against last-value and seasonal naive.
import { readRun, type RunData } from '../dataset/run-reader.js';
import type { ServiceRow } from '../dataset/run-format.js';
import type { TargetName } from '../dataset/series.js';
import type { Windows } from '../dataset/windows.js';
import { evaluateWithForecasts, type Evaluation } from './evaluate-forecasts.js';
import { assertRunMatchesModel, loadForecaster } from './load-forecaster.js';
import { loadTrainingData } from './training-data.js';

export interface EvaluateResult {
  modelDir: string;
  kind: string;
  runDirs: string[];
  stepSeconds: number;
  /** Test windows left out because their targets touch an annotated anomaly (with excludeAnomalies). */
  excludedAnomalyWindows: number;
  test: Evaluation;
}

export interface EvaluateOptions {
  excludeAnomalies?: boolean;
  /** The runs of runDirs, already read (same order), so a caller holding them does not read them again. */
  runs?: readonly RunData[];
}

/** An evaluation with what it was computed on, for drawing forecasts against the truth (the report). */
export interface EvaluationWithForecasts {
  result: EvaluateResult;
  services: ServiceRow[];
  /** The test windows in original units, and the model's forecasts for them laid out like windows.targets. */
  windows: Windows;
  predictions: Float32Array;
}

export async function evaluateModelDir(
  modelDir: string,
  runDirs: string[] = [],
  options: EvaluateOptions = {},
): Promise<EvaluateResult> {
  return (await evaluateModelDirWithForecasts(modelDir, runDirs, options)).result;
}

export async function evaluateModelDirWithForecasts(
  modelDir: string,
  runDirs: string[] = [],
  options: EvaluateOptions = {},
): Promise<EvaluationWithForecasts> {
  const { card, graph, normaliser, model } = loadForecaster(modelDir);
  try {
    const runs = runDirs.length > 0 ? runDirs : card.trainedOn.map((run) => run.runDir);
    const read: RunData[] = [];
    for (const [index, runDir] of runs.entries()) {
      const run = options.runs?.[index] ?? (await readRun(runDir, { calls: 'summary' }));
      assertRunMatchesModel(card, run, runDir);
      read.push(run);
    }
    const data = await loadTrainingData({
      runDirs: runs,
      runs: read,
      targets: card.targets as TargetName[],
      extraInputs: card.extraInputs,
      shape: { window: card.config.window, horizon: card.config.horizon, stride: 1 },
      split: card.split,
      normaliserKind: normaliser.kind,
      normaliser,
      graph: card.graph,
      excludeAnomalies: options.excludeAnomalies ?? false,
    });
    const test = data.splits.test;
    const { evaluation, predictions } = evaluateWithForecasts(
      model,
      graph,
      test,
      normaliser,
      data.services,
      data.stepSeconds,
    );
    const result = {
      modelDir,
      kind: card.kind,
      runDirs: runs,
      stepSeconds: data.stepSeconds,
      excludedAnomalyWindows: data.runs.reduce((sum, run) => sum + run.excludedAnomalyWindows, 0),
      test: evaluation,
    };
    return { result, services: data.services, windows: test.raw, predictions };
  } finally {
    model.dispose();
  }
}
