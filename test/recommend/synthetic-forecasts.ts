// Hand-made series and held-out forecasts for one or more services (cpu only), so the calibration and
// the replay can be checked against numbers worked out by hand.
import type { ServiceSeries } from '../../src/dataset/series.js';
import type { HeldOutForecasts } from '../../src/recommend/held-out-forecasts.js';

/** A series of cpu values [step][service], 30-s steps, one replica each. */
export function cpuSeries(values: number[][]): ServiceSeries {
  const services = values[0]?.length ?? 0;
  return {
    services: Array.from({ length: services }, (_, s) => ({
      msId: s,
      msName: `svc-${s}`,
      kind: 'service' as const,
      replicas: 1,
    })),
    featureNames: ['cpu'],
    targets: 1,
    steps: values.length,
    stepSeconds: 30,
    values: Float32Array.from(values.flat()),
    lateServices: [],
    filledLeading: 0,
    missing: 0,
  };
}

/**
 * Held-out windows with a one-step horizon whose last input steps are `lastSteps` (the first
 * `validation` of them validation, the rest test): truth from the series, forecast = truth − error(step).
 */
export function heldOutOf(
  series: ServiceSeries,
  lastSteps: number[],
  validation: number,
  error: (step: number, service: number) => number,
): HeldOutForecasts {
  const services = series.services.length;
  const truths = new Float32Array(lastSteps.length * services);
  const forecasts = new Float32Array(lastSteps.length * services);
  lastSteps.forEach((last, k) => {
    for (let s = 0; s < services; s += 1) {
      const truth = series.values[(last + 1) * services + s] ?? NaN;
      truths[k * services + s] = truth;
      forecasts[k * services + s] = truth - error(last + 1, s);
    }
  });
  return {
    count: lastSteps.length,
    lastSteps: Int32Array.from(lastSteps),
    inTest: Uint8Array.from(lastSteps, (_, k) => (k >= validation ? 1 : 0)),
    forecasts,
    truths,
  };
}
