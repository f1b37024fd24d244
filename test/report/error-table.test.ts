import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HorizonReport, ModelEvaluation } from '../../src/model/evaluate-forecasts.js';
import type { ModelForecasts } from '../../src/report/model-forecasts.js';
import { errorRows, errorTable } from '../../src/report/sections/error-table.js';

function horizons(mae: number[]): HorizonReport[] {
  return mae.map((value, h) => ({
    step: h + 1,
    leadSeconds: 30 * (h + 1),
    mae: value,
    mse: value * value,
    mape: value * 100,
    wmape: value * 90,
    cells: 10,
    mapeExcluded: 0,
    mseNormalised: value,
    skillMae: 1 - value / 0.5,
    skillWmape: null,
  }));
}

function model(label: string, mae: number[], windows = 50): ModelForecasts {
  const evaluations: ModelEvaluation[] = [
    { model: label, horizons: horizons(mae) },
    { model: 'last-value', horizons: horizons([0.5, 0.6, 0.7]) },
    { model: 'seasonal-naive', horizons: horizons([0.8, 0.8, 0.8]) },
  ];
  return {
    label,
    result: { test: { windows, mapeZeroGuard: 0.001, models: evaluations, perService: [] } },
  } as unknown as ModelForecasts;
}

test('models side by side with shared references listed once; best of each column in bold', () => {
  const rows = errorRows([model('gat-gru', [0.2, 0.45, 0.9]), model('gru', [0.3, 0.4, 0.65])]);
  assert.deepEqual(
    rows.map((row) => [row.label, row.reference]),
    [
      ['gat-gru', false],
      ['gru', false],
      ['last-value', true],
      ['seasonal-naive', true],
    ],
  );
  const html = errorTable(rows, 'cores', 'Errors.');
  const best = [
    ...html.matchAll(
      /<td class="num best[^"]*" data-model="([^"]+)" data-horizon="(\d+)" data-metric="(\w+)"/g,
    ),
  ].map((match) => `${match[1]}@${match[2]}:${match[3]}`);
  assert.deepEqual(best.sort(), [
    'gat-gru@30:mae',
    'gat-gru@30:mape',
    'gat-gru@30:mse',
    'gat-gru@30:skillMae',
    'gru@60:mae',
    'gru@60:mape',
    'gru@60:mse',
    'gru@60:skillMae',
    'gru@90:mae',
    'gru@90:mape',
    'gru@90:mse',
    'gru@90:skillMae',
  ]);
  assert.match(
    html,
    /<caption>Errors\. MAE in cores, MSE in cores², MAPE and skill in %\. 50 test windows\.<\/caption>/,
  );
  assert.match(
    html,
    /data-model="gat-gru" data-horizon="30" data-metric="mae" data-value="0.2"><strong>0.2<\/strong></,
  );
  assert.ok(!html.includes('test windows</th>'), 'no window column when all models share the windows');
});

test('references that differ between models are listed per model, with a window column', () => {
  const rows = errorRows([model('gat-gru', [0.2, 0.3, 0.4], 50), model('fc', [0.3, 0.3, 0.3], 48)]);
  const references = rows.filter((row) => row.reference).map((row) => row.label);
  assert.deepEqual(references, [
    'last-value (for gat-gru)',
    'seasonal-naive (for gat-gru)',
    'last-value (for fc)',
    'seasonal-naive (for fc)',
  ]);
  assert.match(errorTable(rows, 'cores', 'Errors.'), /test windows<\/th>/);
});
