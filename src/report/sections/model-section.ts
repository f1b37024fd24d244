// Forecasting models on this run: what each model is, the Table III analogue (errors per horizon against the
// last-value and seasonal-naive references) and, like the paper's Figure 9, truth against forecast on the
// test split for the chosen services.
import { timeChart } from '../charts/time-chart.js';
import { formatCount, formatPercent, formatValue, slug } from '../html.js';
import { forecastCurve } from '../forecast-curve.js';
import type { ModelForecasts } from '../model-forecasts.js';
import type { RunDigest, ServiceDigest } from '../run-digest.js';
import { errorRows, errorTable, targetUnit } from './error-table.js';
import { figure, section, table, type Section } from './html-parts.js';

/** The forecast drawn against the truth: one step ahead, the horizon the paper's headline figures use. */
const CURVE_HORIZON_STEP = 1;
const TARGET_NAMES: Record<string, { name: string; unit: string }> = {
  cpu: { name: 'CPU', unit: 'cores' },
  gpu: { name: 'GPU', unit: 'busy GPUs' },
};

export function modelSection(
  models: readonly ModelForecasts[],
  digest: RunDigest,
  services: readonly ServiceDigest[],
): Section {
  const targets = [...new Set(models.flatMap((model) => model.card.targets))];
  const first = models[0]!;
  const split = first.card.split;
  const intro =
    `<p>Each model forecasts every service's ${targets.map((target) => TARGET_NAMES[target]?.name ?? target).join(' and ')} ` +
    `from the last ${first.card.config.window} steps, scored on this run's test split (the last ${formatPercent(split.test, true)} of its steps) ` +
    'exactly as <code>rescape evaluate &lt;model&gt; &lt;run&gt;</code> scores it. Skill = 1 − MAE / MAE(last value): above zero beats "the next step looks like this one".</p>';
  const caption = `Forecast errors on the test split of ${digest.manifest.id} per horizon, best of each column in bold; MAPE leaves out cells whose truth is ≤ ${first.result.test.mapeZeroGuard}.`;
  const body =
    intro +
    modelTable(models) +
    errorTable(errorRows(models), targetUnit(targets), caption) +
    `<h3>Truth against forecast</h3><p class="muted">The forecast ${CURVE_HORIZON_STEP * digest.stepSeconds} s ahead of each test step, for the ${services.length} ${services.length === 1 ? 'service' : 'services'} chosen (--services; default the busiest).</p>` +
    services
      .flatMap((service) => targets.map((target) => forecastFigure(models, digest, service, target)))
      .join('');
  return section('models', 'Forecasting models', body);
}

function modelTable(models: readonly ModelForecasts[]): string {
  return table({
    id: 'models-trained',
    caption: 'The models compared.',
    head: [
      [
        { text: 'model' },
        { text: 'directory' },
        { text: 'window → horizon' },
        { text: 'hidden', numeric: true },
        { text: 'epochs (best)', numeric: true },
        { text: 'trained on' },
        { text: 'backend' },
        { text: 'training (s)', numeric: true },
      ],
    ],
    rows: models.map((model) => ({
      cells: [
        { text: model.label, header: true },
        { text: model.modelDir, wrap: true },
        { text: `${model.card.config.window} → ${model.card.config.horizon} steps` },
        { text: String(model.card.config.hidden), numeric: true },
        { text: `${model.card.training.history.length} (${model.card.training.bestEpoch})`, numeric: true },
        { text: model.card.trainedOn.map((run) => run.id).join(', '), wrap: true },
        { text: model.card.backend },
        { text: formatValue(model.card.trainSeconds), numeric: true },
      ],
    })),
  });
}

function forecastFigure(
  models: readonly ModelForecasts[],
  digest: RunDigest,
  service: ServiceDigest,
  target: string,
): string {
  const peak = target === 'gpu' ? service.gpuPeak : service.cpuPeak;
  const withTarget = models.filter((model) => model.card.targets.includes(target));
  if (!((peak ?? 0) > 0) || withTarget.length === 0) return '';
  const { name, unit } = TARGET_NAMES[target] ?? { name: target, unit: '' };
  const msId = service.service.msId;
  const curves = withTarget.map((model) =>
    forecastCurve(model, msId, model.card.targets.indexOf(target), CURVE_HORIZON_STEP, digest.steps),
  );
  const start = Math.min(...curves.map((curve) => curve.start));
  const end = Math.max(...curves.map((curve) => curve.end));
  if (end <= start) return '';
  const maes = withTarget.map((model) => {
    const row = model.result.test.perService.find((entry) => entry.service === service.service.msName);
    return { model, mae: row?.mae ?? null, last: row?.maeLastValue ?? null };
  });
  const lead = CURVE_HORIZON_STEP * digest.stepSeconds;
  const maeText = maes.map(({ model, mae }) => `${model.label} ${formatValue(mae)}`).join(', ');
  const serviceName = service.service.msName;
  const chart = timeChart({
    id: slug('forecast', `${msId}-${serviceName}-${target}`),
    title: `${serviceName}: ${name} truth and ${lead} s-ahead forecast`,
    description: `Measured ${name} of ${serviceName} over test steps ${start}–${end - 1} and each model's forecast made ${lead} s earlier. MAE at ${lead} s (${unit}): ${maeText}; last value ${formatValue(maes[0]?.last)}.`,
    yLabel: `${name} (${unit})`,
    domainSeconds: [start * digest.stepSeconds, end * digest.stepSeconds],
    series: [
      {
        name: 'truth',
        tone: 0,
        values: curves[0]!.truth,
        startSeconds: 0,
        spacingSeconds: digest.stepSeconds,
      },
      ...withTarget.map((model, index) => ({
        name: `${model.label} forecast`,
        tone: Math.min(8, index + 1),
        values: curves[index]!.forecast,
        startSeconds: 0,
        spacingSeconds: digest.stepSeconds,
      })),
    ],
  });
  return figure(
    `${serviceName} — ${name}`,
    `Test steps ${start}–${end - 1} (${formatCount(end - start)} steps). MAE at ${lead} s: ${maeText}, last value ${formatValue(maes[0]?.last)} ${unit}.`,
    chart,
    [
      { swatch: 't0 line', label: 'truth' },
      ...withTarget.map((model, index) => ({
        swatch: `t${Math.min(8, index + 1)} line`,
        label: `${model.label} forecast`,
      })),
    ],
  );
}
