// Axes and grid lines from d3 scales: tick positions and labels come from scale.ticks() and
// scale.tickFormat(), so they land on round values whatever the data's range.
import type { ScaleLinear } from 'd3-scale';
import { escapeHtml } from '../html.js';
import { px } from './svg-figure.js';

export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Time since the start, in the unit that keeps its tick labels short for this span. */
export interface TimeUnit {
  seconds: number;
  /** Axis label, e.g. "time since start (h)". */
  label: string;
  short: string;
}

export function timeUnitFor(spanSeconds: number): TimeUnit {
  if (spanSeconds >= 3 * 3600) return { seconds: 3600, label: 'time since start (h)', short: 'h' };
  if (spanSeconds >= 3 * 60) return { seconds: 60, label: 'time since start (min)', short: 'min' };
  return { seconds: 1, label: 'time since start (s)', short: 's' };
}

/** Bottom axis: tick marks, labels and (optionally) vertical grid lines and the axis title. */
export function bottomAxis(
  scale: ScaleLinear<number, number>,
  area: PlotArea,
  options: { ticks: number; label?: string; grid?: boolean },
): string {
  const y = area.top + area.height;
  const format = scale.tickFormat(options.ticks);
  const ticks = scale
    .ticks(options.ticks)
    .map((tick) => {
      const x = px(scale(tick));
      const grid = options.grid ? `<line class="grid" x1="${x}" x2="${x}" y1="${area.top}" y2="${y}"/>` : '';
      return `${grid}<line class="tick" x1="${x}" x2="${x}" y1="${y}" y2="${y + 4}"/><text class="tick-label" x="${x}" y="${y + 15}" text-anchor="middle">${format(tick)}</text>`;
    })
    .join('');
  const title =
    options.label === undefined
      ? ''
      : `<text class="axis-label" x="${px(area.left + area.width / 2)}" y="${y + 32}" text-anchor="middle">${escapeHtml(options.label)}</text>`;
  return `<g class="axis x-axis"><line class="domain" x1="${area.left}" x2="${area.left + area.width}" y1="${y}" y2="${y}"/>${ticks}${title}</g>`;
}

/** Left axis with horizontal grid lines; the title is written vertically beside the labels. */
export function leftAxis(
  scale: ScaleLinear<number, number>,
  area: PlotArea,
  options: { ticks: number; label?: string },
): string {
  const format = scale.tickFormat(options.ticks);
  const right = area.left + area.width;
  const ticks = scale
    .ticks(options.ticks)
    .map((tick) => {
      const y = px(scale(tick));
      return `<line class="grid" x1="${area.left}" x2="${right}" y1="${y}" y2="${y}"/><text class="tick-label" x="${area.left - 6}" y="${y}" dy="0.32em" text-anchor="end">${escapeHtml(format(tick))}</text>`;
    })
    .join('');
  const title =
    options.label === undefined
      ? ''
      : `<text class="axis-label" transform="translate(${area.left - 46},${px(area.top + area.height / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(options.label)}</text>`;
  return `<g class="axis y-axis">${ticks}${title}</g>`;
}
