// The human-readable form of a recommendation: one row per service, then the replay against the VPA.
import { formatCpu } from './cpu-quantity.js';
import type { ProvisioningTotals } from './provisioning-tally.js';
import type { RecommendResult, VpaComparison } from './recommend-types.js';

const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)} %`;

export function renderRecommendation(result: RecommendResult): string {
  const { quantiles, headroom } = result.settings;
  const lines = [
    `${result.kind}: resources for steps ${result.steps.map((step) => step.timestamp).join(', ')} (from ${result.steps[0]?.time ?? '?'}), decided at T = ${result.at}`,
    `Forecast quantiles ${quantiles.lower} / ${quantiles.target} / ${quantiles.upper} (lower / target / upper) from ${result.calibrationWindows} held-out windows' errors, headroom ${percent(headroom)}; per replica:`,
    `  ${'service'.padEnd(32)} ${'replicas'.padEnd(9)} ${'lower'.padStart(7)} ${'request'.padStart(8)} ${'limit'.padStart(8)} ${'VPA'.padStart(8)} ${'GPU'.padStart(4)}  bounded by`,
  ];
  for (const service of result.services) {
    lines.push(
      `  ${service.service.padEnd(32)} ${`${service.replicas.current} → ${service.replicas.recommended}`.padEnd(9)} ${formatCpu(service.cpu.lower).padStart(7)} ${service.cpu.request.padStart(8)} ${service.cpu.limit.padStart(8)} ${(service.vpa === null ? '–' : formatCpu(service.vpa.target)).padStart(8)} ${String(service.gpu?.perReplica ?? '–').padStart(4)}  ${service.cpu.boundedBy.join(', ') || '–'}`,
    );
  }
  for (const skipped of result.unpatched) lines.push(`  no patch for ${skipped.service}: ${skipped.reason}`);
  if (result.comparison !== null) lines.push('', ...renderComparison(result.comparison));
  return lines.join('\n');
}

function renderComparison(comparison: VpaComparison): string[] {
  const row = (name: string, totals: ProvisioningTotals): string =>
    `  ${name.padEnd(18)} ${totals.provisionedCoreSeconds.toFixed(0).padStart(12)} ${totals.overCoreSeconds.toFixed(0).padStart(12)} ${totals.underCoreSeconds.toFixed(1).padStart(12)} ${percent(totals.underProvisionedFraction).padStart(10)}`;
  return [
    `Replay over the test split: ${comparison.decisions} decisions (steps ${comparison.firstStep}..${comparison.lastStep}, ${comparison.horizon}-step horizon), used ${comparison.totals.forecast.usedCoreSeconds.toFixed(0)} core-s${comparison.skippedForCalibration > 0 ? `; ${comparison.skippedForCalibration} skipped for too few known errors` : ''}`,
    `  ${'method'.padEnd(18)} ${'provisioned'.padStart(12)} ${'over'.padStart(12)} ${'under'.padStart(12)} ${'under steps'.padStart(10)}   (core-seconds)`,
    row('forecast quantile', comparison.totals.forecast),
    row('VPA-style', comparison.totals.vpa),
  ];
}
