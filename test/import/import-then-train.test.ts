// End to end (issue 8, "Must show"): `rescape import … && rescape train …` works on an imported run. The
// built CLI imports the Online Boutique dataset, trains a small GRU for one epoch on it, evaluates the saved
// model and forecasts from the run's last window. Run `npm run build` first (`npm test` does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, rescape, tempDir } from '../cli.js';
import { assertMatchesSchema } from '../json-schema.js';

const dataset = join(repoRoot, '..', 'shared', 'datasets', 'onlineboutique-2022-08-22');

interface Horizon {
  step: number;
  mae: number;
  mse: number;
  wmape: number;
  mseNormalised: number;
}
interface Evaluation {
  windows: number;
  models: { model: string; horizons: Horizon[] }[];
  perService: { service: string; mae: number; maeLastValue: number }[];
}

/** The model, last value and seasonal naive, each with finite errors at every horizon, 10 services. */
function assertEvaluation(evaluation: Evaluation, label: string): void {
  assert.ok(evaluation.windows > 0, `${label}: test windows`);
  assert.deepEqual(
    evaluation.models.map((model) => model.model),
    ['gru', 'last-value', 'seasonal-naive'],
    `${label}: the model and its references`,
  );
  for (const model of evaluation.models) {
    assert.deepEqual(
      model.horizons.map((horizon) => horizon.step),
      [1, 2, 3],
      `${label}: ${model.model} horizons`,
    );
    for (const horizon of model.horizons) {
      for (const metric of ['mae', 'mse', 'wmape', 'mseNormalised'] as const) {
        assert.ok(
          Number.isFinite(horizon[metric]) && horizon[metric] >= 0,
          `${label}: ${model.model} ${metric} at step ${horizon.step} is ${horizon[metric]}`,
        );
      }
    }
  }
  assert.equal(evaluation.perService.length, 10, `${label}: per-service breakdown`);
  for (const service of evaluation.perService) {
    assert.ok(Number.isFinite(service.mae), `${label}: ${service.service} mae`);
    assert.ok(Number.isFinite(service.maeLastValue), `${label}: ${service.service} last-value mae`);
  }
}

test(
  'rescape import pod-csv <Online Boutique> && rescape train/evaluate/predict on the imported run',
  { skip: !existsSync(dataset) && 'needs ../shared/datasets', timeout: 60_000 },
  async () => {
    using tmp = tempDir('import-train');
    const run = join(tmp.path, 'run');
    const modelDir = join(tmp.path, 'model');

    const imported = await rescape(['import', 'pod-csv', dataset, '--out', run, '--json']);
    assert.equal(imported.exitCode, 0, imported.stderr);
    const summary = JSON.parse(imported.stdout) as { services: number; steps: number };
    assert.equal(summary.services, 10);

    const trained = await rescape([
      'train',
      run,
      '--model',
      'gru',
      '--epochs',
      '1',
      '--hidden',
      '8',
      '--out',
      modelDir,
      '--json',
    ]);
    assert.equal(trained.exitCode, 0, trained.stderr);
    const training = JSON.parse(trained.stdout) as {
      kind: string;
      services: number;
      epochs: number;
      bestValidationLoss: number;
      test: Evaluation;
    };
    assertMatchesSchema('train', training);
    assert.equal(training.kind, 'gru');
    assert.equal(training.services, 10);
    assert.equal(training.epochs, 1);
    assert.ok(Number.isFinite(training.bestValidationLoss), `validation loss ${training.bestValidationLoss}`);
    assertEvaluation(training.test, 'train');

    const evaluated = await rescape(['evaluate', modelDir, '--json']);
    assert.equal(evaluated.exitCode, 0, evaluated.stderr);
    const evaluation = JSON.parse(evaluated.stdout) as { test: Evaluation };
    assertMatchesSchema('evaluate', evaluation);
    assertEvaluation(evaluation.test, 'evaluate');

    const predicted = await rescape(['predict', modelDir, '--run', run, '--json']);
    assert.equal(predicted.exitCode, 0, predicted.stderr);
    const forecast = JSON.parse(predicted.stdout) as {
      at: number;
      steps: { timestamp: number }[];
      services: { service: string; targets: { target: string; last: number; forecast: number[] }[] }[];
    };
    assertMatchesSchema('predict', forecast);
    assert.equal(forecast.at, summary.steps - 1, 'forecast from the last imported step');
    assert.deepEqual(
      forecast.steps.map((step) => step.timestamp),
      [summary.steps, summary.steps + 1, summary.steps + 2],
    );
    assert.equal(forecast.services.length, 10);
    assert.equal(new Set(forecast.services.map((service) => service.service)).size, 10);
    for (const service of forecast.services) {
      assert.ok(service.targets.length > 0, `${service.service}: targets`);
      for (const target of service.targets) {
        assert.equal(target.forecast.length, 3, `${service.service} ${target.target}: 3 forecast steps`);
        assert.ok(
          [target.last, ...target.forecast].every(Number.isFinite),
          `${service.service} ${target.target}: finite values`,
        );
      }
    }
  },
);
