// The Kubernetes Horizontal Pod Autoscaler on CPU utilisation, with its defaults (kube-controller-manager
// --horizontal-pod-autoscaler-sync-period 15s, tolerance 0.1, scale-down stabilisation 300 s, scale-up
// stabilisation 0 and scale-up limited to max(100 %, 4 pods) per period), and round-robin balancing as a
// Kubernetes Service (kube-proxy IPVS rr) gives.
//
// Per service, every sync period (pkg/controller/podautoscaler/replica_calculator.go, simplified to one metric):
//   utilisation = usage of the ready replicas / (ready × request);  ratio = utilisation / target
//   |ratio − 1| ≤ tolerance  → keep the current size
//   otherwise                → desired = ceil(ratio × ready)
// Replicas still starting have no metrics: when scaling up they are counted at 0 % usage (the ratio is
// recomputed over ready + starting), and if that flips the direction or lands within tolerance the size stays.
// With no ready replica there is no metric and the size stays.
import {
  clampReplicas,
  ScaleDownStabiliser,
  type AutoscalerSettings,
  type ControlView,
  type OrchestrationPolicy,
  type ServiceView,
} from './policy-types.js';

export interface HpaSettings extends AutoscalerSettings {
  tolerance: number;
  syncSeconds: number;
  scaleDownStabilisationSeconds: number;
}

export const HPA_DEFAULTS = { tolerance: 0.1, syncSeconds: 15, scaleDownStabilisationSeconds: 300 } as const;

/** The HPA's raw recommendation for one service, before stabilisation, rate limits and bounds. */
export function hpaRecommendation(
  service: ServiceView,
  targetUtilisation: number,
  tolerance: number,
): number {
  if (service.ready === 0) return service.replicas;
  const request = service.coresPerReplica;
  const ratio = service.usageCores / (service.ready * request) / targetUtilisation;
  if (Math.abs(ratio - 1) <= tolerance) return service.replicas;
  if (ratio > 1 && service.starting > 0) {
    const withStarting =
      service.usageCores / ((service.ready + service.starting) * request) / targetUtilisation;
    if (withStarting <= 1 + tolerance) return service.replicas;
    return Math.ceil(withStarting * (service.ready + service.starting));
  }
  return Math.ceil(ratio * service.ready);
}

/** Kubernetes' default scale-up limit per period: double, or add 4 pods, whichever is more. */
export function scaleUpLimit(current: number): number {
  return Math.max(2 * current, current + 4);
}

/**
 * The HPA's behaviour after its recommendation: scale-down stabilisation, then the scale-up limit and the
 * bounds (the order of the controller's normalizeDesiredReplicasWithBehaviors).
 */
export function stabiliseAndLimit(
  stabiliser: ScaleDownStabiliser,
  view: ControlView,
  recommended: readonly number[],
  settings: AutoscalerSettings,
): number[] {
  const current = view.services.map((service) => service.replicas);
  return stabiliser
    .stabilise(view.timeSeconds, current, recommended)
    .map((desired, s) => clampReplicas(Math.min(desired, scaleUpLimit(current[s] ?? desired)), settings));
}

export class HpaPolicy implements OrchestrationPolicy {
  readonly name: string;
  readonly periodSeconds: number;
  readonly description: string;
  private readonly stabiliser: ScaleDownStabiliser;

  constructor(
    private readonly settings: HpaSettings,
    readonly balancing: 'round-robin' | 'least-loaded' = 'round-robin',
  ) {
    this.name = balancing === 'round-robin' ? 'hpa' : 'hpa-least-loaded';
    this.periodSeconds = settings.syncSeconds;
    this.stabiliser = new ScaleDownStabiliser(settings.scaleDownStabilisationSeconds);
    this.description =
      `HPA target ${Math.round(settings.targetUtilisation * 100)} % CPU, sync ${settings.syncSeconds} s, ` +
      `tolerance ${settings.tolerance}, scale-down stabilisation ${settings.scaleDownStabilisationSeconds} s, ` +
      `scale-up ≤ max(2×, +4) per sync, ${settings.minReplicas}–${settings.maxReplicas} replicas, ` +
      (balancing === 'round-robin' ? 'round-robin balancing' : 'least-loaded-of-two balancing');
  }

  decide(view: ControlView): number[] {
    const recommended = view.services.map((service) =>
      clampReplicas(
        hpaRecommendation(service, this.settings.targetUtilisation, this.settings.tolerance),
        this.settings,
      ),
    );
    return stabiliseAndLimit(this.stabiliser, view, recommended, this.settings);
  }
}
