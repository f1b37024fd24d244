// The readable form of a SimulationResult: one row per policy (mean ± 95 % CI half-width over the seeds),
// the policies' settings, and each policy's response time and cost relative to a reference policy.
import type { PolicyResult, SeedStatistic, SimulationResult } from './simulation-result.js';

interface Column {
  title: string;
  read: (policy: PolicyResult) => SeedStatistic;
  digits: number;
  scale?: number;
}

const COLUMNS: Column[] = [
  { title: 'mean ms', read: (p) => p.summary.meanResponseMs, digits: 1 },
  { title: 'p95 ms', read: (p) => p.summary.p95ResponseMs, digits: 1 },
  { title: 'p99 ms', read: (p) => p.summary.p99ResponseMs, digits: 0 },
  { title: 'LB CV', read: (p) => p.summary.loadBalanceCv, digits: 3 },
  { title: 'util %', read: (p) => p.summary.utilisation, digits: 1, scale: 100 },
  { title: 'replica-s', read: (p) => p.summary.replicaSeconds, digits: 0 },
  { title: 'recovery s', read: (p) => p.summary.recoverySeconds, digits: 0 },
  { title: 'errors %', read: (p) => p.summary.errorRate, digits: 3, scale: 100 },
];

function cell(statistic: SeedStatistic, column: Column): string {
  const scale = column.scale ?? 1;
  const mean = (statistic.mean * scale).toFixed(column.digits);
  if (statistic.values.length < 2) return mean;
  const half = (((statistic.ciHigh - statistic.ciLow) / 2) * scale).toFixed(column.digits);
  return `${mean} ±${half}`;
}

/** Relative change of `value` against `reference`, as a signed percentage. */
export function percentChange(value: number, reference: number): number {
  return reference === 0 ? 0 : ((value - reference) / reference) * 100;
}

function signed(percent: number): string {
  return `${percent >= 0 ? '+' : '−'}${Math.abs(percent).toFixed(1)} %`;
}

export function renderSimulation(result: SimulationResult): string[] {
  const header = ['policy', ...COLUMNS.map((column) => column.title)];
  const rows = result.policies.map((policy) => [
    policy.policy,
    ...COLUMNS.map((column) => cell(column.read(policy), column)),
  ]);
  const widths = header.map((title, index) =>
    Math.max(title.length, ...rows.map((row) => row[index]?.length ?? 0)),
  );
  const line = (row: string[]): string =>
    row
      .map((text, index) =>
        index === 0 ? text.padEnd(widths[index] ?? 0) : text.padStart(widths[index] ?? 0),
      )
      .join('  ');
  const faults = result.faults.map(
    (fault) => `${fault.kind} ${fault.service} ${fault.startSeconds}–${fault.endSeconds} s`,
  );
  const lines = [
    `${result.topology}, ${result.durationSeconds} s simulated × ${result.seeds.length} seed(s) (${result.seeds.join(', ')}); ${result.load}`,
    `faults: ${faults.length === 0 ? 'none' : faults.join('; ')}; SLO p95 ≤ ${result.sloMs} ms`,
    '',
    line(header),
    ...rows.map(line),
    '',
    ...result.policies.map((policy) => `${policy.policy}: ${policy.description}`),
  ];
  const reference = result.policies.find((policy) => policy.policy === 'hpa') ?? result.policies[0];
  if (reference !== undefined && result.policies.length > 1) {
    lines.push('');
    for (const policy of result.policies) {
      if (policy === reference) continue;
      const summary = policy.summary;
      lines.push(
        `${policy.policy} vs ${reference.policy}: mean response ${signed(percentChange(summary.meanResponseMs.mean, reference.summary.meanResponseMs.mean))}, ` +
          `p95 ${signed(percentChange(summary.p95ResponseMs.mean, reference.summary.p95ResponseMs.mean))}, ` +
          `replica-seconds ${signed(percentChange(summary.replicaSeconds.mean, reference.summary.replicaSeconds.mean))}`,
      );
    }
  }
  const rate = result.wallSeconds > 0 ? result.events / result.wallSeconds : 0;
  lines.push(
    '',
    `${result.events.toLocaleString('en-US')} events in ${result.wallSeconds.toFixed(1)} s (${(rate / 1e6).toFixed(2)} M events/s)`,
  );
  return lines;
}
