// Services × time as a heat map. Each row is scaled to its own service's peak, so a quiet cache's pattern
// shows as clearly as the gateway's; the row's tooltip gives the absolute mean and peak. Cells of one
// colour level are drawn as one <path> and equal neighbours in a row merge, so 100 services × 1,440 steps
// stays a few hundred kilobytes.
import { scaleLinear, scaleQuantize } from 'd3-scale';
import { escapeHtml } from '../html.js';
import { bottomAxis, timeUnitFor, type PlotArea } from './axes.js';
import { bucketSeries } from './downsample.js';
import { px, svgFigure, type FigureText } from './svg-figure.js';

export interface HeatRow {
  name: string;
  /** One value per step; NaN where the sample is missing. */
  values: ArrayLike<number>;
  /** Tooltip of the whole row, e.g. "api: mean 0.21 cores, peak 0.52 cores". */
  tooltip: string;
}

export interface HeatMapSpec extends FigureText {
  rows: HeatRow[];
  steps: number;
  stepSeconds: number;
}

/** Colour levels (CSS classes h0..h7): eighths of the row's peak. */
export const HEAT_LEVELS = 8;
const WIDTH = 960;
const PIXELS_PER_COLUMN = 3;
/** Rough width of a 10 px label character, to size the label column without a text measuring engine. */
const LABEL_CHAR_PX = 6;

export function heatMap(spec: HeatMapSpec): string {
  const rowHeight = spec.rows.length > 60 ? 8 : 13;
  const labelWidth = Math.min(
    240,
    12 + LABEL_CHAR_PX * Math.max(4, ...spec.rows.map((row) => row.name.length)),
  );
  const plot: PlotArea = {
    left: labelWidth,
    top: 6,
    width: WIDTH - labelWidth - 16,
    height: spec.rows.length * rowHeight,
  };
  const height = plot.top + plot.height + 44;
  const columns = Math.max(1, Math.min(spec.steps, Math.floor(plot.width / PIXELS_PER_COLUMN)));
  const columnWidth = plot.width / columns;
  const level = scaleQuantize<number>()
    .domain([0, 1])
    .range(Array.from({ length: HEAT_LEVELS }, (_, index) => index));
  const runs: string[][] = Array.from({ length: HEAT_LEVELS + 1 }, () => []);
  const missing = HEAT_LEVELS;

  const labels = spec.rows
    .map((row, r) => {
      const y = plot.top + r * rowHeight;
      let peak = 0;
      for (let i = 0; i < row.values.length; i += 1) {
        const value = row.values[i] ?? NaN;
        if (value > peak) peak = value; // NaN (a missing sample) never compares greater
      }
      const buckets = bucketSeries(row.values, columns, 0, Math.min(spec.steps, row.values.length));
      let runStart = 0;
      let runLevel = -1;
      const flush = (end: number) => {
        if (runLevel < 0) return;
        const w = px((end - runStart) * columnWidth);
        runs[runLevel]!.push(`M${px(plot.left + runStart * columnWidth)} ${y}h${w}v${rowHeight}h-${w}z`);
      };
      buckets.forEach((bucket, column) => {
        const cell = Number.isFinite(bucket.mean) ? (peak > 0 ? level(bucket.mean / peak) : 0) : missing;
        if (cell === runLevel) return;
        flush(column);
        runStart = column;
        runLevel = cell;
      });
      flush(buckets.length);
      const name = escapeHtml(row.name);
      const tooltip = escapeHtml(row.tooltip);
      return (
        `<text class="row-label" x="${labelWidth - 6}" y="${px(y + rowHeight / 2)}" dy="0.32em" text-anchor="end">${name}</text>` +
        `<rect class="row-hit" x="${plot.left}" y="${y}" width="${plot.width}" height="${rowHeight}"><title>${tooltip}</title></rect>`
      );
    })
    .join('');

  const cells = runs
    .map((parts, index) =>
      parts.length === 0
        ? ''
        : `<path class="${index === missing ? 'hm-missing' : `h${index}`}" d="${parts.join('')}"/>`,
    )
    .join('');
  const unit = timeUnitFor(spec.steps * spec.stepSeconds);
  const x = scaleLinear()
    .domain([0, (spec.steps * spec.stepSeconds) / unit.seconds])
    .range([plot.left, plot.left + plot.width]);
  const body =
    `<g class="cells">${cells}</g>` +
    `<g class="rows">${labels}</g>` +
    bottomAxis(x, plot, { ticks: 10, label: unit.label });
  return svgFigure(spec, WIDTH, height, body, 'chart heat-map');
}

/** The legend's entries: each level's share of the row's peak, e.g. "0–12 %". */
export function heatLegend(): { className: string; label: string }[] {
  return Array.from({ length: HEAT_LEVELS }, (_, index) => ({
    className: `h${index}`,
    label: `${Math.round((100 * index) / HEAT_LEVELS)}–${Math.round((100 * (index + 1)) / HEAT_LEVELS)} %`,
  }));
}
