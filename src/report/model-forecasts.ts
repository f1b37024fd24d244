// Every --model scored on the report's run exactly as `rescape evaluate <model> <run>` scores it (the same
// code, on the run already read), keeping the model's forecasts for the test windows so that they can be
// drawn against the truth. Imported only when models are given, so a run-only report never loads tfjs.
import { basename } from 'node:path';
import type { RunData } from '../dataset/run-reader.js';
import { evaluateModelDirWithForecasts } from '../model/evaluate-model-dir.js';
import type { EvaluateResult } from '../model/evaluate-model-dir.js';
import type { ModelCard } from '../model/model-card.js';
import { loadCard } from '../model/model-files.js';
import { selectBackend } from '../model/tf.js';
import type { Windows } from '../dataset/windows.js';

export interface ModelForecasts {
  modelDir: string;
  /** "gat-gru (models/gat-gru)": the kind and, when it says more, the directory. */
  label: string;
  card: ModelCard;
  result: EvaluateResult;
  windows: Windows;
  predictions: Float32Array;
}

export async function forecastModels(
  modelDirs: readonly string[],
  runDir: string,
  run: RunData,
  onModel: (index: number) => void,
  signal?: AbortSignal,
): Promise<{ models: ModelForecasts[]; backend: string }> {
  const { backend } = await selectBackend();
  const models: ModelForecasts[] = [];
  for (const [index, modelDir] of modelDirs.entries()) {
    if (signal?.aborted) break;
    onModel(index);
    const card = loadCard<ModelCard>(modelDir);
    const detail = await evaluateModelDirWithForecasts(modelDir, [runDir], { runs: [run] });
    const name = basename(modelDir.replace(/[/\\]+$/, ''));
    models.push({
      modelDir,
      label: name === card.kind ? card.kind : `${card.kind} (${name})`,
      card,
      result: detail.result,
      windows: detail.windows,
      predictions: detail.predictions,
    });
  }
  // Two models of one kind in directories of the same name are told apart by their whole paths.
  const labels = models.map((model) => model.label);
  models.forEach((model) => {
    if (labels.filter((label) => label === model.label).length > 1)
      model.label = `${model.card.kind} (${model.modelDir})`;
  });
  return { models, backend };
}
