// A forecast as served: every service's targets with the last observed value and the next steps, each
// labelled with its horizon (30/60/90 s at a 30 s step) and the end of the step it forecasts. Built once per
// refresh, with its JSON text, so answering a request only splices that text into an envelope.
import type { ModelCard } from '../model/model-card.js';
import { TARGETS } from './feature-columns.js';
import type { InputWindow } from './input-window.js';

export interface HorizonJson {
  horizonSeconds: number;
  /** End of the forecast step: the value is the average over the step up to this time. */
  time: string;
}

export interface TargetForecastJson {
  target: string;
  unit: string;
  /** The last observed value (end of the input window). */
  last: number;
  forecast: (HorizonJson & { value: number })[];
}

export interface ServiceForecastJson {
  service: string;
  targets: TargetForecastJson[];
}

export interface ForecastSnapshot {
  observedUntil: string;
  observedUntilMs: number;
  lastStep: number | null;
  stepSeconds: number;
  horizons: HorizonJson[];
  services: ServiceForecastJson[];
  filledCells: number;
  /** When the model ran, Unix milliseconds. */
  computedAtMs: number;
  /** JSON of the fields above that go into an answer, without the braces; and of each service. */
  json: { body: string; services: ReadonlyMap<string, string> };
}

export function buildSnapshot(
  card: Pick<ModelCard, 'services' | 'targets' | 'config' | 'stepSeconds'>,
  input: InputWindow,
  forecast: Float32Array,
  computedAtMs: number,
): ForecastSnapshot {
  const { window, horizon, services, features, targets } = card.config;
  const stepMs = card.stepSeconds * 1000;
  const horizons = Array.from({ length: horizon }, (_, h) => ({
    horizonSeconds: (h + 1) * card.stepSeconds,
    time: new Date(input.observedUntilMs + (h + 1) * stepMs).toISOString(),
  }));
  const serviceForecasts = card.services.map((service, s) => ({
    service,
    targets: card.targets.map((target, t) => ({
      target,
      unit: TARGETS[target]?.unit ?? target,
      last: round(input.values[((window - 1) * services + s) * features + t]!),
      forecast: horizons.map((horizonJson, h) => ({
        ...horizonJson,
        // Resource use is never negative; a model near 0 can undershoot, and a scaler must not see it.
        value: round(Math.max(0, forecast[(h * services + s) * targets + t]!)),
      })),
    })),
  }));
  const observedUntil = new Date(input.observedUntilMs).toISOString();
  const common = {
    observedUntil,
    lastStep: input.lastStep,
    stepSeconds: card.stepSeconds,
    horizons,
    filledCells: input.filledCells,
  };
  const body = JSON.stringify({ ...common, services: serviceForecasts }).slice(1, -1);
  const perService = new Map(
    serviceForecasts.map((one) => [one.service, JSON.stringify({ ...common, service: one }).slice(1, -1)]),
  );
  return {
    ...common,
    observedUntilMs: input.observedUntilMs,
    services: serviceForecasts,
    computedAtMs,
    json: { body, services: perService },
  };
}

/**
 * Float32 arithmetic gives digits that mean nothing (0.30000001192092896); 6 significant digits keep far
 * more than the model's accuracy and make the answers shorter.
 */
function round(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(6)) : value;
}
