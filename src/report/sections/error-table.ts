// The Table III analogue: every model and the two references (last value, seasonal naive) scored on the same
// test windows, MAE / MAPE / MSE and skill at each horizon, the best of each column in bold.
import type { HorizonReport } from '../../model/evaluate-forecasts.js';
import { formatCount, formatPercent, formatValue } from '../html.js';
import type { ModelForecasts } from '../model-forecasts.js';
import { table, type Cell } from './html-parts.js';

export interface ErrorRow {
  label: string;
  reference: boolean;
  windows: number;
  horizons: HorizonReport[];
}

interface Metric {
  key: 'mae' | 'mape' | 'mse' | 'skillMae';
  name: string;
  better: 'lower' | 'higher';
  format: (value: number | null) => string;
}

/**
 * Each model's own row, then the reference rows. Models scored on the same windows share their references,
 * which are then listed once; a reference that differs between models is listed per model and says whose.
 */
export function errorRows(models: readonly ModelForecasts[]): ErrorRow[] {
  const rows: ErrorRow[] = models.map((model) => ({
    label: model.label,
    reference: false,
    windows: model.result.test.windows,
    horizons: model.result.test.models[0]?.horizons ?? [],
  }));
  const references = new Map<
    string,
    { name: string; owner: string; windows: number; horizons: HorizonReport[] }
  >();
  for (const model of models) {
    for (const reference of model.result.test.models.slice(1)) {
      const key = JSON.stringify([reference.model, model.result.test.windows, reference.horizons]);
      if (!references.has(key)) {
        references.set(key, {
          name: reference.model,
          owner: model.label,
          windows: model.result.test.windows,
          horizons: reference.horizons,
        });
      }
    }
  }
  const distinct = [...references.values()];
  for (const reference of distinct) {
    const ambiguous = distinct.filter((other) => other.name === reference.name).length > 1;
    rows.push({
      label: ambiguous ? `${reference.name} (for ${reference.owner})` : reference.name,
      reference: true,
      windows: reference.windows,
      horizons: reference.horizons,
    });
  }
  return rows;
}

/** The unit of the forecast targets: cores for CPU, busy GPUs for GPU. */
export function targetUnit(targets: readonly string[]): string {
  const units = targets.map((target) => (target === 'gpu' ? 'GPUs' : 'cores'));
  return [...new Set(units)].join(' / ');
}

export function errorTable(rows: readonly ErrorRow[], unit: string, caption: string): string {
  const units = `MAE in ${unit}, MSE in ${unit}², MAPE and skill in %.`;
  const metrics: Metric[] = [
    { key: 'mae', name: 'MAE', better: 'lower', format: formatValue },
    { key: 'mape', name: 'MAPE', better: 'lower', format: (value) => formatPercent(value) },
    { key: 'mse', name: 'MSE', better: 'lower', format: formatValue },
    { key: 'skillMae', name: 'skill', better: 'higher', format: (value) => formatPercent(value, true) },
  ];
  const horizons = rows[0]?.horizons ?? [];
  // The window count is a column only when the models were scored on different numbers of windows.
  const windows = new Set(rows.map((row) => row.windows));
  const windowColumn = windows.size > 1;
  const best = horizons.map((_, h) =>
    metrics.map((metric) => {
      const values = rows
        .map((row) => row.horizons[h]?.[metric.key])
        .filter((value): value is number => value !== null && value !== undefined && Number.isFinite(value));
      if (values.length === 0) return null;
      return metric.better === 'lower' ? Math.min(...values) : Math.max(...values);
    }),
  );
  const head: Cell[][] = [
    [
      { text: 'model', rowspan: 2 },
      ...(windowColumn ? [{ text: 'test windows', numeric: true, rowspan: 2 }] : []),
      ...horizons.map((horizon) => ({ text: `${horizon.leadSeconds} s ahead`, colspan: metrics.length })),
    ],
    [
      ...horizons.flatMap(() =>
        metrics.map((metric, m) => ({ text: metric.name, numeric: true, groupStart: m === 0 })),
      ),
    ],
  ];
  return table({
    id: 'forecast-errors',
    caption: `${caption} ${units}${windowColumn ? '' : ` ${formatCount([...windows][0] ?? 0)} test windows.`}`,
    head,
    rows: rows.map((row) => ({
      className: row.reference ? 'reference' : 'model',
      cells: [
        { text: row.label, header: true },
        ...(windowColumn ? [{ text: formatCount(row.windows), numeric: true }] : []),
        ...horizons.flatMap((horizon, h) =>
          metrics.map((metric, m) => {
            const value = row.horizons[h]?.[metric.key] ?? null;
            return {
              text: metric.format(value),
              numeric: true,
              groupStart: m === 0,
              best: value !== null && value === best[h]?.[m],
              data: {
                'data-model': row.label,
                'data-horizon': horizon.leadSeconds,
                'data-metric': metric.key,
                'data-value': value === null ? '' : String(value),
              },
            };
          }),
        ),
      ],
    })),
  });
}
