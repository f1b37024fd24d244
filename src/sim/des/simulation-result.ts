// The result of `rescape simulate`: what the discrete-event study writes (--json, --out result.json) and what
// `rescape report --simulation` reads. Shared contract between src/sim/des and src/report; change both together
// and bump `version`.

/** A statistic over the seeds: mean and a 95 % confidence interval (Student t over per-seed values). */
export interface SeedStatistic {
  mean: number;
  ciLow: number;
  ciHigh: number;
  /** The per-seed values, in the order of SimulationResult.seeds. */
  values: number[];
}

export interface PolicySummary {
  meanResponseMs: SeedStatistic;
  p95ResponseMs: SeedStatistic;
  p99ResponseMs: SeedStatistic;
  /** Coefficient of variation of per-replica utilisation (lower = better balanced). */
  loadBalanceCv: SeedStatistic;
  /** Mean CPU utilisation of the running replicas, 0..1. */
  utilisation: SeedStatistic;
  /** Replica-seconds used over the run (cost). */
  replicaSeconds: SeedStatistic;
  /** Seconds from each fault's start until the SLO is met again (mean over faults); NaN-free: runs without faults give 0. */
  recoverySeconds: SeedStatistic;
  /** Requests that failed or were dropped, as a share of arrivals. */
  errorRate: SeedStatistic;
}

/** One policy's behaviour over time for the first seed, bucketed at `bucketSeconds`. */
export interface PolicyTimeline {
  /** Bucket start, seconds from the simulation start. */
  t: number[];
  arrivalsPerSecond: number[];
  meanResponseMs: number[];
  p99ResponseMs: number[];
  /** Mean utilisation over all replicas of all services, 0..1. */
  utilisation: number[];
  /** Total replicas running (all services). */
  replicas: number[];
}

export interface PolicyResult {
  /** static | hpa | predictive (and any later policy). */
  policy: string;
  /** Human description of its settings, e.g. "HPA target 60 %, sync 15 s, tolerance 0.1, stabilisation 300 s". */
  description: string;
  summary: PolicySummary;
  timeline: PolicyTimeline;
}

export interface SimulatedFault {
  kind: 'crash' | 'latency';
  service: string;
  startSeconds: number;
  endSeconds: number;
}

export interface SimulationResult {
  kind: 'rescape.simulation';
  version: 1;
  topology: string;
  durationSeconds: number;
  bucketSeconds: number;
  sloMs: number;
  seeds: number[];
  /** The load schedule in words, e.g. "closed loop 80–220 re-drawn every 60 s, spike ×3 at 1800 s for 300 s". */
  load: string;
  faults: SimulatedFault[];
  policies: PolicyResult[];
  /** Events processed over all runs and the wall-clock seconds they took. */
  events: number;
  wallSeconds: number;
}
