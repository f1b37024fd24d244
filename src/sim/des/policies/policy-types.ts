// The one interface every orchestration policy implements, and what the simulation shows it at each decision.

/** How calls are spread over a service's ready replicas. */
export type Balancing = 'round-robin' | 'least-loaded';

export interface ServiceView {
  name: string;
  /** Servers (cores) of one replica: the CPU a replica requests. */
  coresPerReplica: number;
  /** Replicas the service has now, starting and ready (a Deployment's spec.replicas). */
  replicas: number;
  ready: number;
  starting: number;
  /** Busy cores over the last control period, summed over the service's replicas. */
  usageCores: number;
}

export interface ControlView {
  timeSeconds: number;
  /** Seconds since the previous decision (the window usageCores is measured over). */
  periodSeconds: number;
  services: readonly ServiceView[];
  /** Per-service CPU (busy cores, mean over each metrics step) of every completed step, oldest first. */
  history: readonly Float64Array[];
  stepSeconds: number;
}

export interface OrchestrationPolicy {
  readonly name: string;
  /** Its settings in words, e.g. "HPA target 60 %, sync 15 s, tolerance 0.1, stabilisation 300 s". */
  readonly description: string;
  /** Seconds between decisions; 0 never decides (the replicas stay as deployed). */
  readonly periodSeconds: number;
  readonly balancing: Balancing;
  /** Desired replicas per service, in view.services order. */
  decide(view: ControlView): number[];
}

/** Settings the autoscaling policies share. */
export interface AutoscalerSettings {
  /** Target CPU utilisation of a replica, 0..1 (a request of coresPerReplica cores). */
  targetUtilisation: number;
  minReplicas: number;
  maxReplicas: number;
}

export function clampReplicas(replicas: number, settings: AutoscalerSettings): number {
  return Math.min(settings.maxReplicas, Math.max(settings.minReplicas, replicas));
}

/**
 * Kubernetes' scale-down stabilisation: the applied size is the highest recommendation of the last
 * `windowSeconds`, so a brief dip does not remove replicas that will be needed again. Scaling up is immediate.
 */
export class ScaleDownStabiliser {
  private readonly history: { time: number; desired: number[] }[] = [];

  constructor(private readonly windowSeconds: number) {}

  /** Records this decision's recommendations and returns the stabilised sizes. */
  stabilise(time: number, current: readonly number[], recommended: readonly number[]): number[] {
    this.history.push({ time, desired: [...recommended] });
    while (this.history.length > 0 && (this.history[0]?.time ?? time) <= time - this.windowSeconds) {
      this.history.shift();
    }
    return recommended.map((upRecommendation, s) => {
      let downRecommendation = upRecommendation;
      for (const record of this.history)
        downRecommendation = Math.max(downRecommendation, record.desired[s] ?? 0);
      let result = current[s] ?? upRecommendation;
      if (result < upRecommendation) result = upRecommendation;
      if (result > downRecommendation) result = downRecommendation;
      return result;
    });
  }
}
