// GNN-MSOrchest's policy: a graph neural network forecasts each service's CPU for the next steps, the
// orchestrator provisions ahead of that forecast, and calls are spread towards the less-loaded replicas.
//
// To measure what the forecast and the balancing add, and nothing else, everything else is the HPA's (same
// target, sync period, tolerance, scale-down stabilisation, scale-up limit and bounds; hpa-policy.ts):
// every sync period, per service,
//   reactive = the HPA's recommendation from the CPU used since the last sync;
//   ahead    = ceil(forecast / (coresPerReplica × target)), the forecast being the highest of the forecast
//              steps that a replica ordered now serves before the next sync's replicas are ready:
//              lead = ceil((sync period + start-up delay) / step) steps, at most the horizon;
//   desired  = max(reactive, ahead) — the forecast can only add replicas ahead of a rise, never remove
//              ones the present load needs — then stabilised and limited like the HPA's.
// The forecast is made once per completed metrics step (30 s) from the last `window` steps, and reused by
// the syncs within that step. Until `window` steps exist (the first 5 minutes) the policy is the HPA.
// Balancing: of two replicas drawn at random, the one with fewer calls waiting or in service per server
// (Envoy's LEAST_REQUEST), which steers calls away from slow or busy replicas.
import { hpaRecommendation, stabiliseAndLimit, type HpaSettings } from './hpa-policy.js';
import {
  clampReplicas,
  ScaleDownStabiliser,
  type ControlView,
  type OrchestrationPolicy,
} from './policy-types.js';

export interface CpuForecaster {
  readonly window: number;
  readonly horizon: number;
  readonly stepSeconds: number;
  /** E.g. "gcn trained on a 4 h simulation (seed 1001), 20 epochs". */
  readonly description: string;
  /** From the last `window` steps ([step][service], cores) → [horizon][service] forecast, cores. */
  forecast(history: readonly Float64Array[]): Float64Array[];
}

export interface PredictiveSettings extends HpaSettings {
  startupSeconds: number;
}

export class PredictivePolicy implements OrchestrationPolicy {
  readonly name = 'predictive';
  readonly balancing = 'least-loaded' as const;
  readonly periodSeconds: number;
  readonly description: string;
  private readonly stabiliser: ScaleDownStabiliser;
  private readonly lead: number;
  private cached: { steps: number; cores: Float64Array } | undefined;

  constructor(
    private readonly forecaster: CpuForecaster,
    private readonly settings: PredictiveSettings,
  ) {
    this.periodSeconds = settings.syncSeconds;
    this.lead = Math.max(
      1,
      Math.min(
        forecaster.horizon,
        Math.ceil((settings.syncSeconds + settings.startupSeconds) / forecaster.stepSeconds),
      ),
    );
    this.stabiliser = new ScaleDownStabiliser(settings.scaleDownStabilisationSeconds);
    this.description =
      `${forecaster.description}; the HPA's sizing (target ${Math.round(settings.targetUtilisation * 100)} % CPU, ` +
      `sync ${settings.syncSeconds} s, tolerance ${settings.tolerance}, scale-down stabilisation ` +
      `${settings.scaleDownStabilisationSeconds} s, ${settings.minReplicas}–${settings.maxReplicas} replicas) raised to ` +
      `cover the forecast ${this.lead} step(s) of ${forecaster.stepSeconds} s ahead (start-up ${settings.startupSeconds} s), ` +
      'least-loaded-of-two balancing';
  }

  /** Per service, the highest forecast CPU (cores) over the lead steps; undefined before `window` steps exist. */
  forecastCores(view: ControlView): Float64Array | undefined {
    const steps = view.history.length;
    if (steps < this.forecaster.window) return undefined;
    if (this.cached?.steps !== steps) {
      const forecast = this.forecaster.forecast(view.history.slice(-this.forecaster.window));
      const cores = new Float64Array(view.services.length);
      for (let h = 0; h < this.lead; h += 1) {
        const step = forecast[h];
        for (let s = 0; s < cores.length; s += 1) cores[s] = Math.max(cores[s] ?? 0, step?.[s] ?? 0);
      }
      this.cached = { steps, cores };
    }
    return this.cached.cores;
  }

  decide(view: ControlView): number[] {
    const { settings } = this;
    const ahead = this.forecastCores(view);
    const recommended = view.services.map((service, s) => {
      const reactive = hpaRecommendation(service, settings.targetUtilisation, settings.tolerance);
      // The small epsilon keeps a forecast of exactly k replicas' worth from rounding up to k + 1.
      const forecast = Math.ceil(
        (ahead?.[s] ?? 0) / (service.coresPerReplica * settings.targetUtilisation) - 1e-9,
      );
      return clampReplicas(Math.max(reactive, forecast), settings);
    });
    return stabiliseAndLimit(this.stabiliser, view, recommended, settings);
  }
}
