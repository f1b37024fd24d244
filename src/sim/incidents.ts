// Occasional incidents of the simulated cluster: one replica of a service turns slow or starts
// failing for a few minutes. Their effect reaches callers through latency, retries and errors.
import type { Random } from '../core/random.js';
import type { Topology } from './topology-types.js';

export type IncidentKind = 'slow-replica' | 'failing-replica';

export interface Incident {
  service: string;
  kind: IncidentKind;
  /** First affected step and the step after the last one. */
  startStep: number;
  endStep: number;
  /** slow-replica: how many times slower the replica serves; failing-replica: share of its calls that fail. */
  severity: number;
}

export interface IncidentSettings {
  /** Mean number of incidents per hour of simulated time (Poisson). 0 disables them. */
  ratePerHour: number;
  /** Duration range in seconds. */
  minSeconds: number;
  maxSeconds: number;
}

export const DEFAULT_INCIDENTS: IncidentSettings = { ratePerHour: 0.5, minSeconds: 120, maxSeconds: 900 };

/** The whole run's incidents, drawn up front so a resumed run sees the same ones. */
export function scheduleIncidents(
  topology: Topology,
  steps: number,
  stepSeconds: number,
  settings: IncidentSettings,
  random: Random,
): Incident[] {
  const incidents: Incident[] = [];
  if (settings.ratePerHour <= 0) return incidents;
  const candidates = topology.services.filter((service) => service.kind !== 'gateway');
  const meanGapSeconds = 3600 / settings.ratePerHour;
  for (
    let at = random.exponential(meanGapSeconds);
    at < steps * stepSeconds;
    at += random.exponential(meanGapSeconds)
  ) {
    const service = candidates[random.int(0, candidates.length - 1)];
    if (service === undefined) break;
    const kind: IncidentKind = random.uniform() < 0.5 ? 'slow-replica' : 'failing-replica';
    const seconds = settings.minSeconds + random.uniform() * (settings.maxSeconds - settings.minSeconds);
    const startStep = Math.floor(at / stepSeconds);
    incidents.push({
      service: service.name,
      kind,
      startStep,
      endStep: Math.min(steps, startStep + Math.max(1, Math.round(seconds / stepSeconds))),
      severity: kind === 'slow-replica' ? 3 + random.uniform() * 7 : 0.3 + random.uniform() * 0.7,
    });
  }
  return incidents;
}
