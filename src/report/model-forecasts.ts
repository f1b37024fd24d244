// Every --model scored on the report's run exactly as `rescape evaluate <model> <run>` scores it (the same
// code, on the same run), keeping the model's forecasts for the test windows so that they can be drawn
// against the truth. Imported only when models are given, so a run-only report never loads tfjs.
import { basename } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { RunData } from '../dataset/run-reader.js';
import type { EvaluateResult } from '../model/evaluate-model-dir.js';
import type { ModelCard } from '../model/model-card.js';
import { loadCard } from '../model/model-files.js';
import type { Windows } from '../dataset/windows.js';
import { scoreModels } from './scoring-pool.js';

export interface ModelForecasts {
  modelDir: string;
  /** "gat-gru (models/gat-gru)": the kind and, when it says more, the directory. */
  label: string;
  card: ModelCard;
  result: EvaluateResult;
  windows: Windows;
  predictions: Float32Array;
}

export interface ForecastRequest {
  modelDirs: readonly string[];
  runDir: string;
  /** The run, read once by the caller; called only for models scored in the main thread. */
  run: () => RunData;
  onScored: (index: number) => void;
  signal?: AbortSignal;
  /** Worker threads already started on the run (startScoringWorkers); none: the main thread alone. */
  workers: readonly Worker[];
}

export async function forecastModels(request: ForecastRequest): Promise<ModelForecasts[]> {
  const cards = request.modelDirs.map((modelDir) => loadCard<ModelCard>(modelDir));
  const scored = await scoreModels(
    {
      runDir: request.runDir,
      modelDirs: request.modelDirs,
      cards,
      onScored: request.onScored,
      ...(request.signal === undefined ? {} : { signal: request.signal }),
      workers: request.workers,
    },
    request.run,
  );
  const models: ModelForecasts[] = [];
  for (const [index, modelDir] of request.modelDirs.entries()) {
    const detail = scored[index];
    if (detail === undefined) continue;
    const card = cards[index]!;
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
  return models;
}
