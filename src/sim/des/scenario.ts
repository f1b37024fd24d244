// What one discrete-event study simulates: the topology, the load, spikes and faults, and the cluster
// settings every policy shares. Plain data; validated by validateScenario before anything runs.
import { UsageError } from '../../core/errors.js';
import { getTopology } from '../topologies/index.js';
import type { Topology } from '../topology-types.js';

/**
 * Closed loop: `min..max` clients (RESCAPE's 80–220), re-drawn every `redrawSeconds`; each client sends a
 * request, waits for the answer, thinks for an exponential time of mean `thinkMs`, and sends the next.
 * Open loop: Poisson arrivals at a rate drawn in `min..max` requests/s, re-drawn every `redrawSeconds`.
 */
export type LoadModel =
  | { kind: 'closed'; min: number; max: number; redrawSeconds: number; thinkMs: number }
  | { kind: 'open'; min: number; max: number; redrawSeconds: number };

/** The load (clients or arrival rate) multiplied by `factor` during [startSeconds, startSeconds + durationSeconds). */
export interface Spike {
  factor: number;
  startSeconds: number;
  durationSeconds: number;
}

/** One replica of `service` crashes at `atSeconds` and restarts (ready again after the start-up delay). */
export interface CrashFault {
  service: string;
  atSeconds: number;
}

/** One replica of `service` serves `factor`× slower during the window, then recovers. */
export interface LatencyFault {
  service: string;
  factor: number;
  startSeconds: number;
  durationSeconds: number;
}

/**
 * Distribution of one call's service time, of mean latencyMs: exponential (M/M/c), lognormal with σ = 0.5
 * of the log (coefficient of variation 0.53, the step-level simulator's trace spread), or deterministic.
 */
export const SERVICE_TIMES = ['exponential', 'lognormal', 'deterministic'] as const;
export type ServiceTime = (typeof SERVICE_TIMES)[number];
export const LOGNORMAL_SIGMA = 0.5;

export interface Scenario {
  topology: Topology;
  serviceTime: ServiceTime;
  durationSeconds: number;
  load: LoadModel;
  spikes: Spike[];
  crashes: CrashFault[];
  latencyFaults: LatencyFault[];
  /** Seconds from a replica's creation (or restart) until it is ready to serve. */
  startupSeconds: number;
  /** Replica bounds of the autoscalers (the static policy keeps the topology's replicas). */
  minReplicas: number;
  maxReplicas: number;
  /** SLO: the p95 response time over a sliding window of `sloWindowSeconds` stays at or below `sloMs`. */
  sloMs: number;
  sloWindowSeconds: number;
  /** Timeline resolution, and the metrics step (run directories, forecasts). */
  bucketSeconds: number;
  stepSeconds: number;
}

/** Housekeeping (SLO windows, metric steps, control decisions) runs every TICK_SECONDS of simulated time. */
export const TICK_SECONDS = 5;

/**
 * The study's scenario with `rescape simulate`'s defaults: the e-commerce app for 2 h under RESCAPE's load
 * (80–220 clients re-drawn every minute, here with a 500 ms mean think time so that the load varies around
 * the autoscalers' target instead of saturating the app), 20 s start-up, 1–10 replicas, SLO p95 ≤ 50 ms over
 * 30 s; no spikes or faults unless given.
 */
export function studyScenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    topology: getTopology('ecommerce'),
    serviceTime: 'exponential',
    durationSeconds: 7200,
    load: { kind: 'closed', min: 80, max: 220, redrawSeconds: 60, thinkMs: 500 },
    spikes: [],
    crashes: [],
    latencyFaults: [],
    startupSeconds: 20,
    minReplicas: 1,
    maxReplicas: 10,
    sloMs: 50,
    sloWindowSeconds: 30,
    bucketSeconds: 60,
    stepSeconds: 30,
    ...overrides,
  };
}

export function describeLoad(scenario: Pick<Scenario, 'load' | 'spikes'>): string {
  const { load } = scenario;
  const base =
    load.kind === 'closed'
      ? `closed loop ${load.min}–${load.max} clients re-drawn every ${load.redrawSeconds} s, think time ${load.thinkMs} ms (exponential)`
      : `open loop, Poisson arrivals at ${load.min}–${load.max} requests/s re-drawn every ${load.redrawSeconds} s`;
  const spikes = scenario.spikes.map(
    (spike) => `spike ×${spike.factor} at ${spike.startSeconds} s for ${spike.durationSeconds} s`,
  );
  return [base, ...spikes].join(', ');
}

function fail(flag: string, message: string, suggestion: string): never {
  throw new UsageError(`--${flag}: ${message}`, { suggestion });
}

function checkWhole(flag: string, value: number, minimum: number, example: string): void {
  if (!Number.isInteger(value) || value < minimum) {
    fail(flag, `${value} is not a whole number ≥ ${minimum}`, `E.g. --${flag} ${example}.`);
  }
}

function checkMultipleOfTick(flag: string, seconds: number): void {
  if (seconds % TICK_SECONDS !== 0) {
    fail(
      flag,
      `${seconds} s is not a multiple of ${TICK_SECONDS} s`,
      `Use a multiple of ${TICK_SECONDS} s, e.g. --${flag} ${Math.max(TICK_SECONDS, Math.round(seconds / TICK_SECONDS) * TICK_SECONDS)}s.`,
    );
  }
}

/** Throws a UsageError naming the flag for any setting out of range, before anything runs. */
export function validateScenario(scenario: Scenario): void {
  const { load, durationSeconds } = scenario;
  const services = scenario.topology.services.map((service) => service.name);
  if (!SERVICE_TIMES.includes(scenario.serviceTime)) {
    fail(
      'service-time',
      `unknown distribution "${scenario.serviceTime}"`,
      `Use one of: ${SERVICE_TIMES.join(', ')}.`,
    );
  }
  checkMultipleOfTick('duration', durationSeconds);
  checkMultipleOfTick('bucket', scenario.bucketSeconds);
  checkMultipleOfTick('step', scenario.stepSeconds);
  checkMultipleOfTick('slo-window', scenario.sloWindowSeconds);
  if (load.min < 1 || load.min > load.max || !Number.isInteger(load.min) || !Number.isInteger(load.max)) {
    fail(
      'load',
      `${load.kind}:${load.min}-${load.max} needs whole numbers 1 ≤ min ≤ max`,
      'E.g. --load closed:80-220 or --load open:200-400.',
    );
  }
  if (!(load.redrawSeconds > 0))
    fail('redraw', `${load.redrawSeconds} s is not positive`, 'E.g. --redraw 60s.');
  if (load.kind === 'closed' && !(load.thinkMs >= 0)) {
    fail('think-ms', `${load.thinkMs} is negative`, 'E.g. --think-ms 500 (0 sends back to back).');
  }
  checkWhole('min-replicas', scenario.minReplicas, 1, '1');
  checkWhole('max-replicas', scenario.maxReplicas, scenario.minReplicas, String(scenario.minReplicas + 9));
  if (!(scenario.startupSeconds >= 0))
    fail('startup', `${scenario.startupSeconds} s is negative`, 'E.g. --startup 20s.');
  if (!(scenario.sloMs > 0)) fail('slo-ms', `${scenario.sloMs} is not positive`, 'E.g. --slo-ms 50.');
  const window = (flag: string, start: number, length: number): void => {
    if (!(start >= 0 && length > 0 && start + length <= durationSeconds)) {
      fail(
        flag,
        `the window ${start} s + ${length} s does not lie within the ${durationSeconds} s run`,
        `Start and end it within --duration (${durationSeconds} s).`,
      );
    }
  };
  const knownService = (flag: string, service: string): void => {
    if (!services.includes(service)) {
      fail(
        flag,
        `${scenario.topology.benchmark} has no service "${service}"`,
        `Use one of: ${services.join(', ')}.`,
      );
    }
  };
  for (const spike of scenario.spikes) {
    if (!(spike.factor > 0))
      fail('spike', `factor ${spike.factor} is not positive`, 'E.g. --spike 3x@30m+5m.');
    window('spike', spike.startSeconds, spike.durationSeconds);
  }
  for (const crash of scenario.crashes) {
    knownService('crash', crash.service);
    if (!(crash.atSeconds > 0 && crash.atSeconds < durationSeconds)) {
      fail(
        'crash',
        `${crash.atSeconds} s is not within the ${durationSeconds} s run`,
        'E.g. --crash payment-processing@45m.',
      );
    }
  }
  for (const fault of scenario.latencyFaults) {
    knownService('latency-fault', fault.service);
    if (!(fault.factor >= 1)) {
      fail(
        'latency-fault',
        `factor ${fault.factor} is below 1`,
        'E.g. --latency-fault inventory-management:5x@60m+10m.',
      );
    }
    window('latency-fault', fault.startSeconds, fault.durationSeconds);
  }
}
