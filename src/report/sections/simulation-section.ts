// A `rescape simulate` result: the orchestration policies side by side over time (first seed) and their
// summary over all seeds (mean and 95 % interval), the best of each column in bold.
import type { PolicySummary, SimulationResult } from '../../sim/des/simulation-result.js';
import { timeChart, type TimeSeries } from '../charts/time-chart.js';
import { escapeHtml, formatCount, formatDuration, formatPercent, formatValue } from '../html.js';
import { SUMMARY_KEYS } from '../simulation-file.js';
import { facts, figure, section, table, type Section } from './html-parts.js';

type SummaryKey = (typeof SUMMARY_KEYS)[number];

const COLUMNS: Record<
  SummaryKey,
  { name: string; better: 'lower' | 'higher'; format: (value: number) => string }
> = {
  meanResponseMs: { name: 'mean response (ms)', better: 'lower', format: formatValue },
  p95ResponseMs: { name: 'p95 response (ms)', better: 'lower', format: formatValue },
  p99ResponseMs: { name: 'p99 response (ms)', better: 'lower', format: formatValue },
  loadBalanceCv: { name: 'load imbalance (CV)', better: 'lower', format: formatValue },
  utilisation: { name: 'utilisation', better: 'higher', format: (value) => formatPercent(value, true) },
  replicaSeconds: { name: 'replica-seconds', better: 'lower', format: formatValue },
  recoverySeconds: { name: 'recovery (s)', better: 'lower', format: formatValue },
  errorRate: { name: 'errors', better: 'lower', format: (value) => formatPercent(value, true) },
};

type TimelineKey = 'arrivalsPerSecond' | 'meanResponseMs' | 'p99ResponseMs' | 'utilisation' | 'replicas';

const TIMELINES: { key: TimelineKey; title: string; yLabel: string; slo?: boolean; percent?: boolean }[] = [
  { key: 'arrivalsPerSecond', title: 'Arrivals', yLabel: 'arrivals (req/s)' },
  { key: 'meanResponseMs', title: 'Mean response time', yLabel: 'response (ms)', slo: true },
  { key: 'p99ResponseMs', title: 'p99 response time', yLabel: 'p99 response (ms)', slo: true },
  { key: 'utilisation', title: 'Utilisation', yLabel: 'utilisation (%)', percent: true },
  { key: 'replicas', title: 'Replicas running', yLabel: 'replicas' },
];

export function simulationSection(result: SimulationResult, file: string): Section {
  const body =
    facts([
      ['result file', file],
      ['topology', result.topology],
      [
        'simulated',
        `${formatDuration(result.durationSeconds)} × ${result.seeds.length} seeds (${result.seeds.join(', ')})`,
      ],
      ['load', result.load],
      ['SLO', `${result.sloMs} ms`],
      [
        'faults',
        result.faults.length === 0
          ? 'none'
          : result.faults
              .map((fault) => `${fault.kind} of ${fault.service} at ${formatDuration(fault.startSeconds)}`)
              .join('; '),
      ],
      ['events', `${formatCount(result.events)} in ${formatValue(result.wallSeconds)} s`],
    ]) +
    summaryTable(result) +
    policySettings(result) +
    `<h3>Over time</h3><p class="muted">First seed, in ${result.bucketSeconds} s buckets${result.faults.length > 0 ? '; faults shaded' : ''}.</p>` +
    TIMELINES.map((timeline) => timelineFigure(result, timeline)).join('');
  return section('simulation', 'Orchestration simulation', body);
}

function summaryTable(result: SimulationResult): string {
  const best = SUMMARY_KEYS.map((key) => {
    const means = result.policies.map((policy) => policy.summary[key].mean);
    return COLUMNS[key].better === 'lower' ? Math.min(...means) : Math.max(...means);
  });
  return table({
    id: 'policy-summary',
    caption: `Policies over ${result.seeds.length} seeds: mean (95 % interval); best of each column in bold. Lower is better except utilisation.`,
    head: [
      [
        { text: 'policy' },
        ...SUMMARY_KEYS.map((key) => ({ text: COLUMNS[key].name, numeric: true })),
        { text: 'settings' },
      ],
    ],
    rows: result.policies.map((policy) => ({
      cells: [
        { text: policy.policy, header: true },
        ...SUMMARY_KEYS.map((key, k) => {
          const statistic = policy.summary[key as keyof PolicySummary];
          const { format } = COLUMNS[key];
          return {
            text: format(statistic.mean),
            note: `${format(statistic.ciLow)}–${format(statistic.ciHigh)}`,
            numeric: true,
            best: statistic.mean === best[k],
            data: { 'data-policy': policy.policy, 'data-metric': key, 'data-value': String(statistic.mean) },
          };
        }),
      ],
    })),
  });
}

function policySettings(result: SimulationResult): string {
  const items = result.policies
    .map(
      (policy) =>
        `<div><dt>${escapeHtml(policy.policy)}</dt><dd>${escapeHtml(policy.description)}</dd></div>`,
    )
    .join('');
  return `<dl class="settings">${items}</dl>`;
}

function timelineFigure(result: SimulationResult, timeline: (typeof TIMELINES)[number]): string {
  const series: TimeSeries[] = result.policies.map((policy, index) => ({
    name: policy.policy,
    tone: Math.min(8, index + 1),
    values: timeline.percent
      ? policy.timeline[timeline.key].map((value) => value * 100)
      : policy.timeline[timeline.key],
    startSeconds: policy.timeline.t[0] ?? 0,
    spacingSeconds: result.bucketSeconds,
  }));
  const chart = timeChart({
    id: `sim-${timeline.key}`,
    title: `${timeline.title} by policy`,
    description: `${timeline.title} of ${result.policies.map((policy) => policy.policy).join(', ')} over ${formatDuration(result.durationSeconds)} of simulated time (first seed).`,
    yLabel: timeline.yLabel,
    domainSeconds: [0, result.durationSeconds],
    series,
    spans: result.faults.map((fault) => ({
      startSeconds: fault.startSeconds,
      endSeconds: fault.endSeconds,
      label: `${fault.kind} of ${fault.service}`,
    })),
    ...(timeline.slo ? { rules: [{ value: result.sloMs, label: `SLO ${result.sloMs} ms` }] } : {}),
  });
  return figure(timeline.title, '', chart, [
    ...result.policies.map((policy, index) => ({
      swatch: `t${Math.min(8, index + 1)} line`,
      label: policy.policy,
    })),
    ...(result.faults.length > 0 ? [{ swatch: 'incident', label: 'fault' }] : []),
  ]);
}
