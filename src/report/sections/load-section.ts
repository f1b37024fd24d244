// The load the run was under, step by step: concurrency, throughput, latency and errors (load.csv).
import { timeChart } from '../charts/time-chart.js';
import type { RunDigest } from '../run-digest.js';
import { figure, section, type LegendItem, type Section } from './html-parts.js';
import { incidentSpans, runDomain, runSeries } from './run-charts.js';

const BAND_NOTE = 'Where a pixel covers several steps the line is their mean and the band their range.';

export function loadSection(digest: RunDigest): Section {
  const spans = incidentSpans(digest);
  const common = { domainSeconds: runDomain(digest), spans };
  const spanLegend: LegendItem[] = spans.length > 0 ? [{ swatch: 'incident', label: 'incident' }] : [];
  const { load } = digest;
  const charts = [
    figure(
      'Client concurrency',
      `Concurrent clients sending requests. ${BAND_NOTE}`,
      timeChart({
        id: 'load-concurrency',
        title: 'Client concurrency over time',
        description: `Concurrent clients per step, between ${load.concurrencyMin ?? '–'} and ${load.concurrencyMax ?? '–'}.`,
        yLabel: 'clients',
        series: [runSeries(digest, 'concurrency', 1, load.concurrency)],
        ...common,
      }),
      spanLegend,
    ),
    figure(
      'Throughput',
      'Requests completed per second.',
      timeChart({
        id: 'load-throughput',
        title: 'Throughput over time',
        description: 'Requests per second, per step.',
        yLabel: 'requests (req/s)',
        series: [runSeries(digest, 'requests per second', 3, load.requestsPerSecond)],
        ...common,
      }),
      spanLegend,
    ),
    figure(
      'Latency',
      'Response time percentiles of the requests of each step.',
      timeChart({
        id: 'load-latency',
        title: 'Latency p50 and p99 over time',
        description: 'Median and 99th percentile response time per step, in milliseconds.',
        yLabel: 'latency (ms)',
        series: [runSeries(digest, 'p50', 1, load.p50Ms), runSeries(digest, 'p99', 2, load.p99Ms)],
        ...common,
      }),
      [{ swatch: 't1 line', label: 'p50' }, { swatch: 't2 line', label: 'p99' }, ...spanLegend],
    ),
    figure(
      'Errors',
      'Failed requests per second.',
      timeChart({
        id: 'load-errors',
        title: 'Errors over time',
        description: `Failed requests per second, per step; ${load.errors} errors in all.`,
        yLabel: 'errors (1/s)',
        series: [runSeries(digest, 'errors per second', 2, load.errorsPerSecond)],
        ...common,
      }),
      spanLegend,
    ),
  ];
  return section('load', 'Load over time', charts.join(''));
}
