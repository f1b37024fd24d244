// The Table III analogue on a terminal: every model side by side per horizon, with skill against last value.
import type { Evaluation } from '../model/evaluate-forecasts.js';

export function renderEvaluation(evaluation: Evaluation): string {
  const format = (value: number | null, digits: number, suffix = ''): string =>
    value === null || !Number.isFinite(value) ? '–' : `${value.toFixed(digits)}${suffix}`;
  const lines = [
    `Test split: ${evaluation.windows} windows; MAPE leaves out cells whose truth is ≤ ${evaluation.mapeZeroGuard} (zero guard).`,
    `  ${'model'.padEnd(16)} ${'horizon'.padEnd(8)} ${'MAE'.padStart(9)} ${'MSE'.padStart(10)} ${'MAPE'.padStart(9)} ${'wMAPE'.padStart(8)} ${'skill'.padStart(8)}`,
  ];
  for (const model of evaluation.models) {
    for (const horizon of model.horizons) {
      lines.push(
        `  ${model.model.padEnd(16)} ${`${horizon.leadSeconds} s`.padEnd(8)} ${format(horizon.mae, 4).padStart(9)} ${format(horizon.mse, 5).padStart(10)} ${format(horizon.mape, 1, ' %').padStart(9)} ${format(horizon.wmape, 1, ' %').padStart(8)} ${format(horizon.skillMae === null ? null : horizon.skillMae * 100, 1, ' %').padStart(8)}`,
      );
    }
  }
  return lines.join('\n');
}

/** Several trained models on the same test split: each model's rows, then the references once. */
export function renderComparison(evaluations: readonly Evaluation[]): string {
  const first = evaluations[0];
  if (first === undefined) return 'No model trained.';
  const learned = evaluations.map((evaluation) => evaluation.models[0]!);
  return renderEvaluation({ ...first, models: [...learned, ...first.models.slice(1)] });
}
