// Series and spans of a run in the charts' terms (seconds since the start).
import type { RunDigest } from '../run-digest.js';
import type { TimeSeries, TimeSpan } from '../charts/time-chart.js';

export function runSeries(
  digest: RunDigest,
  name: string,
  tone: number,
  values: ArrayLike<number>,
): TimeSeries {
  return { name, tone, values, startSeconds: 0, spacingSeconds: digest.stepSeconds };
}

/** The run's incidents as shaded spans. */
export function incidentSpans(digest: RunDigest): TimeSpan[] {
  return digest.incidents.map((incident) => ({
    startSeconds: incident.start * digest.stepSeconds,
    endSeconds: incident.end * digest.stepSeconds,
    label: incident.reason,
  }));
}

export function runDomain(digest: RunDigest): [number, number] {
  return [0, Math.max(1, digest.steps) * digest.stepSeconds];
}
