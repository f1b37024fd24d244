// HPC-AI500's load. Its workloads have no HTTP endpoints: the load is the number of training and inference
// Jobs running at once, following the same randomized schedule as the HTTP benchmarks (a concurrency uniform
// in [min, max], re-drawn every redrawSeconds, from the same seeded stream), scaled so that the highest
// concurrency fills the GPUs available. The Jobs are shared out over the workload kinds by their weights with a
// house-monotone divisor method (Sainte-Laguë, seat by seat), so more Jobs never means fewer of a kind, and the
// GPUs they take only grow with the concurrency.
//
// This file is the pure plan; a JobLauncher (a Kubernetes one, later) makes the cluster run it.
import type { ConcurrencyDraw, ConcurrencySettings } from '../profiler/concurrency-schedule.js';
import { HPC_AI500 } from '../sim/topologies/index.js';
import { UsageError } from '../core/errors.js';
import { ClosedLoopPlan } from './load-schedule.js';

export interface JobKind {
  /** Workload name, e.g. cosmoflow-train or inference. */
  name: string;
  /** Share of the Jobs. */
  weight: number;
  gpusPerJob: number;
}

export interface JobScheduleSettings {
  load: ConcurrencySettings;
  /** GPUs the cluster offers to the benchmark. */
  gpus: number;
  kinds: readonly JobKind[];
  seed: number;
}

/** What should run during one redraw period. */
export interface JobPeriod {
  /** Schedule time the period starts, seconds from the run's start. */
  atSeconds: number;
  /** The drawn concurrency. */
  concurrency: number;
  /** Jobs to run at once, and how many of each kind. */
  jobs: number;
  byKind: Record<string, number>;
  gpus: number;
}

/** Makes the cluster run what a period asks (starting and stopping Jobs); implemented by the cluster code. */
export interface JobLauncher {
  apply(period: JobPeriod, signal: AbortSignal): Promise<JobLaunchReport>;
}

export interface JobLaunchReport {
  /** Jobs running once the period was applied, by kind. */
  running: Record<string, number>;
  started: number;
  stopped: number;
}

/** HPC-AI500's workloads with the topology's weights; one GPU per Job unless told otherwise. */
export function hpcAi500JobKinds(gpusPerJob = 1): JobKind[] {
  return HPC_AI500.endpoints.map((endpoint) => ({
    name: endpoint.name,
    weight: endpoint.weight,
    gpusPerJob,
  }));
}

/** More Jobs than any cluster runs for one benchmark; bounds the planning loop. */
const MAX_JOBS = 10_000;

export class JobSchedule {
  private readonly plan: ClosedLoopPlan;
  /** The kind given each successive Job (Sainte-Laguë order), up to the most that fit the GPUs. */
  private readonly seats: number[];

  constructor(readonly settings: JobScheduleSettings) {
    const { kinds, gpus } = settings;
    if (kinds.length === 0 || kinds.some((kind) => !(kind.weight >= 0) || !(kind.gpusPerJob > 0))) {
      throw new UsageError('every Job kind needs a weight ≥ 0 and at least one GPU per Job', {
        suggestion: 'Check the Job kinds.',
      });
    }
    this.seats = [];
    const counts = kinds.map(() => 0);
    let used = 0;
    while (this.seats.length < MAX_JOBS) {
      let best = -1;
      let bestQuotient = 0;
      kinds.forEach((kind, index) => {
        const quotient = kind.weight / (2 * (counts[index] ?? 0) + 1);
        if (quotient > bestQuotient) {
          best = index;
          bestQuotient = quotient;
        }
      });
      const kind = kinds[best];
      if (kind === undefined || used + kind.gpusPerJob > gpus) break;
      used += kind.gpusPerJob;
      counts[best] = (counts[best] ?? 0) + 1;
      this.seats.push(best);
    }
    if (this.seats.length === 0) {
      throw new UsageError(`${gpus} GPUs cannot hold a single Job`, {
        suggestion: `Offer at least ${Math.min(...kinds.map((kind) => kind.gpusPerJob))} GPUs.`,
      });
    }
    this.plan = new ClosedLoopPlan(settings.load, settings.seed);
  }

  /** Jobs that fit the GPUs at the highest concurrency. */
  get maxJobs(): number {
    return this.seats.length;
  }

  /** Jobs for a concurrency: proportional to concurrency / max, at least one. */
  jobsFor(concurrency: number): number {
    const scaled = Math.round((concurrency / this.settings.load.max) * this.maxJobs);
    return Math.min(this.maxJobs, Math.max(1, scaled));
  }

  periodAt(seconds: number): JobPeriod {
    const redraw = this.settings.load.redrawSeconds;
    return this.period({
      atSeconds: Math.floor(seconds / redraw) * redraw,
      concurrency: this.plan.at(seconds),
    });
  }

  /** The periods in force over [from, to). */
  periods(fromSeconds: number, toSeconds: number): JobPeriod[] {
    return this.plan.drawsOver(fromSeconds, toSeconds).map((draw) => this.period(draw));
  }

  private period(draw: ConcurrencyDraw): JobPeriod {
    const jobs = this.jobsFor(draw.concurrency);
    const byKind: Record<string, number> = Object.fromEntries(
      this.settings.kinds.map((kind) => [kind.name, 0]),
    );
    let gpus = 0;
    for (const seat of this.seats.slice(0, jobs)) {
      const kind = this.settings.kinds[seat] as JobKind;
      byKind[kind.name] = (byKind[kind.name] ?? 0) + 1;
      gpus += kind.gpusPerJob;
    }
    return { atSeconds: draw.atSeconds, concurrency: draw.concurrency, jobs, byKind, gpus };
  }
}
