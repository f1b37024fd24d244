// One service's recommendation at a decision time: the forecast at the three quantile levels, then sizing.
// Shared by the recommendation at T and by every decision of the replay, so both are the same method.
import type { ServiceRow } from '../dataset/run-format.js';
import type { ForecastErrors, ForecastShape, QuantileForecast } from './forecast-errors.js';
import type { QuantileLevels } from './recommend-types.js';
import type { ServiceHistory } from './service-history.js';
import { sizeService, type ReplicaCapacity, type ServiceSizing, type SizingOptions } from './sizing.js';

export interface DecisionSettings {
  shape: ForecastShape;
  /** Target indices of cpu and (when the model forecasts it) gpu in the forecasts. */
  targets: { cpu: number; gpu: number | null };
  levels: QuantileLevels;
  sizing: SizingOptions;
  services: readonly ServiceRow[];
  capacities: readonly ReplicaCapacity[];
}

export interface ServiceDecision {
  cpu: Record<keyof QuantileLevels, QuantileForecast>;
  /** At the target level, for a service that uses GPUs; null otherwise. */
  gpu: QuantileForecast | null;
  sizing: ServiceSizing;
}

export function decideService(
  settings: DecisionSettings,
  errors: ForecastErrors,
  history: ServiceHistory,
  forecast: Float32Array,
  offset: number,
  s: number,
): ServiceDecision {
  const { targets, levels } = settings;
  const service = settings.services[s]!;
  const peak = history.peak(s);
  const at = (target: number, q: number): QuantileForecast =>
    errors.quantileForecast(forecast, offset, s, target, q);
  const cpu = {
    lower: at(targets.cpu, levels.lower),
    target: at(targets.cpu, levels.target),
    upper: at(targets.cpu, levels.upper),
  };
  const usesGpu = targets.gpu !== null && (service.kind === 'gpu' || peak.gpu > 0);
  const gpu = usesGpu ? at(targets.gpu!, levels.target) : null;
  const sizing = sizeService(
    {
      cpu: { lower: cpu.lower.max, target: cpu.target.max, upper: cpu.upper.max },
      gpu: gpu?.max ?? null,
      peak,
      currentReplicas: service.replicas,
      capacity: settings.capacities[s]!,
    },
    settings.sizing,
  );
  return { cpu, gpu, sizing };
}
