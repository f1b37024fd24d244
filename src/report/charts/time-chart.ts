// A line chart over time: one or more series, each drawn as its per-bucket mean with a min..max band when
// several values share a pixel bucket, over shaded spans (incidents, faults) and horizontal rules (an SLO).
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import { area as areaPath, line as linePath } from 'd3-shape';
import { escapeHtml } from '../html.js';
import { bottomAxis, leftAxis, timeUnitFor, type PlotArea } from './axes.js';
import { bucketSeries, bucketsMax, type Bucket } from './downsample.js';
import { px, svgFigure, type FigureText } from './svg-figure.js';

export interface TimeSeries {
  name: string;
  /** Colour slot (CSS classes t1..t8). */
  tone: number;
  /** Values at startSeconds + i × spacingSeconds; NaN where there is none (drawn as a break). */
  values: ArrayLike<number>;
  startSeconds: number;
  spacingSeconds: number;
  /** Dashed: a forecast rather than a measurement. */
  dashed?: boolean;
}

export interface TimeSpan {
  startSeconds: number;
  endSeconds: number;
  label: string;
}

export interface TimeChartSpec extends FigureText {
  /** Y axis title with its unit, e.g. "CPU (cores)". */
  yLabel: string;
  /** The x range drawn, in seconds since the start. */
  domainSeconds: [number, number];
  series: TimeSeries[];
  spans?: TimeSpan[];
  rules?: { value: number; label: string }[];
  /** 'small' for small multiples: fewer ticks, no axis titles (the grid's caption names them). */
  size?: 'full' | 'small';
}

const SIZES = {
  full: {
    width: 960,
    height: 260,
    margin: { top: 12, right: 16, bottom: 44, left: 64 },
    xTicks: 10,
    yTicks: 5,
  },
  small: {
    width: 300,
    height: 116,
    margin: { top: 8, right: 8, bottom: 22, left: 46 },
    xTicks: 4,
    yTicks: 3,
  },
};

/** Pixels per bucket: two keeps lines smooth while a 1,440-step series shrinks to a few hundred points. */
const PIXELS_PER_BUCKET = 2;

type Scale = ScaleLinear<number, number>;

export function timeChart(spec: TimeChartSpec): string {
  const size = SIZES[spec.size ?? 'full'];
  const plot: PlotArea = {
    left: size.margin.left,
    top: size.margin.top,
    width: size.width - size.margin.left - size.margin.right,
    height: size.height - size.margin.top - size.margin.bottom,
  };
  const [from, to] = spec.domainSeconds;
  const unit = timeUnitFor(to - from);
  // x is in the display unit (h, min or s); series and spans are converted from seconds.
  const x = scaleLinear()
    .domain([from / unit.seconds, to / unit.seconds])
    .range([plot.left, plot.left + plot.width]);
  const drawn = spec.series.map((series) => {
    const [first, last] = indexRange(series, from, to);
    const buckets = bucketSeries(series.values, Math.floor(plot.width / PIXELS_PER_BUCKET), first, last);
    // A band only where buckets hold several values; otherwise it would be the line itself.
    return { series, buckets, banded: buckets.length < last - first };
  });
  const top = Math.max(
    ...drawn.map(({ buckets }) => bucketsMax(buckets)),
    ...(spec.rules ?? []).map((rule) => rule.value),
  );
  const y = scaleLinear()
    .domain([0, top > 0 ? top : 1])
    .nice(size.yTicks)
    .range([plot.top + plot.height, plot.top]);
  const toX = (bucket: Bucket, series: TimeSeries) =>
    x((series.startSeconds + bucket.x * series.spacingSeconds) / unit.seconds);

  const small = spec.size === 'small';
  const body =
    `<rect class="plot" x="${plot.left}" y="${plot.top}" width="${plot.width}" height="${plot.height}"/>` +
    spanRects(spec.spans ?? [], x, plot, [from, to], unit.seconds) +
    leftAxis(y, plot, { ticks: size.yTicks, ...(small ? {} : { label: spec.yLabel }) }) +
    bottomAxis(x, plot, { ticks: size.xTicks, grid: !small, ...(small ? {} : { label: unit.label }) }) +
    ruleLines(spec.rules ?? [], y, plot) +
    `<g class="series">${drawn.map(({ series, buckets, banded }) => seriesPaths(series, buckets, banded, (b) => toX(b, series), y)).join('')}</g>`;
  return svgFigure(spec, size.width, size.height, body, small ? 'chart small' : 'chart');
}

/** A band (min..max, when buckets hold several values) and the mean line of one series. */
function seriesPaths(
  series: TimeSeries,
  buckets: Bucket[],
  banded: boolean,
  x: (bucket: Bucket) => number,
  y: Scale,
): string {
  const name = escapeHtml(series.name);
  const defined = (bucket: Bucket) => Number.isFinite(bucket.mean);
  const band = banded
    ? `<path class="band t${series.tone}" d="${
        areaPath<Bucket>()
          .x(x)
          .y0((bucket) => y(bucket.min))
          .y1((bucket) => y(bucket.max))
          .defined(defined)
          .digits(1)(buckets) ?? ''
      }"><title>${name}: lowest to highest value behind each point</title></path>`
    : '';
  const line =
    linePath<Bucket>()
      .x(x)
      .y((bucket) => y(bucket.mean))
      .defined(defined)
      .digits(1)(buckets) ?? '';
  return `${band}<path class="line t${series.tone}${series.dashed ? ' dashed' : ''}" d="${line}"><title>${name}</title></path>`;
}

/** Shaded spans (incidents, faults) clipped to the drawn range, each with its label as a tooltip. */
function spanRects(
  spans: readonly TimeSpan[],
  x: Scale,
  plot: PlotArea,
  [from, to]: [number, number],
  unitSeconds: number,
): string {
  return spans
    .filter((span) => span.endSeconds > from && span.startSeconds < to)
    .map((span) => {
      const x0 = x(Math.max(span.startSeconds, from) / unitSeconds);
      const x1 = x(Math.min(span.endSeconds, to) / unitSeconds);
      return `<rect class="span" x="${px(x0)}" y="${plot.top}" width="${px(Math.max(1, x1 - x0))}" height="${plot.height}"><title>${escapeHtml(span.label)}</title></rect>`;
    })
    .join('');
}

/** Horizontal reference lines (an SLO), labelled at the right end. */
function ruleLines(rules: readonly { value: number; label: string }[], y: Scale, plot: PlotArea): string {
  return rules
    .map((rule) => {
      const ry = px(y(rule.value));
      return `<g class="rule"><line x1="${plot.left}" x2="${plot.left + plot.width}" y1="${ry}" y2="${ry}"/><text x="${plot.left + plot.width - 4}" y="${ry}" dy="-0.35em" text-anchor="end">${escapeHtml(rule.label)}</text></g>`;
    })
    .join('');
}

/** Indices of the series' values that fall inside [from, to) seconds. */
function indexRange(series: TimeSeries, from: number, to: number): [number, number] {
  const first = Math.max(0, Math.ceil((from - series.startSeconds) / series.spacingSeconds));
  const last = Math.min(series.values.length, Math.ceil((to - series.startSeconds) / series.spacingSeconds));
  return [first, Math.max(first, last)];
}
