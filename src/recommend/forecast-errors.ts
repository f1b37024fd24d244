// The models give point forecasts; a recommendation needs a quantile of what will happen. The quantile used
// is the point forecast plus the same quantile of the model's own errors (truth − forecast) for that
// service, target and horizon step, measured on held-out windows whose targets were all observed by the
// decision time: split-conformal prediction (Lei et al., "Distribution-free predictive inference for
// regression", JASA 2018), per service and horizon. It needs no assumption about the error distribution,
// keeps a bias of the model (a model that tends to under-forecast gets a larger correction), and only
// ever uses the past, so replaying decisions over the test split never peeks at their future.
import type { HeldOutForecasts } from './held-out-forecasts.js';
import { SortedSample } from './sorted-sample.js';

export interface ForecastShape {
  horizon: number;
  services: number;
  targets: number;
}

/** A service at one quantile of its forecast: forecast + error quantile per step, and the largest of them. */
export interface QuantileForecast {
  perStep: number[];
  max: number;
}

export class ForecastErrors {
  private readonly samples: SortedSample[];
  private next = 0;

  constructor(
    private readonly shape: ForecastShape,
    private readonly heldOut: HeldOutForecasts,
  ) {
    this.samples = Array.from(
      { length: shape.horizon * shape.services * shape.targets },
      () => new SortedSample(),
    );
  }

  /** Held-out windows whose errors are known so far. */
  get windows(): number {
    return this.next;
  }

  /** Takes in the errors of every held-out window whose last target step is at or before `step`. */
  observeUntil(step: number): void {
    const { horizon } = this.shape;
    const size = this.samples.length;
    while (this.next < this.heldOut.count && (this.heldOut.lastSteps[this.next] ?? 0) + horizon <= step) {
      const offset = this.next * size;
      for (let cell = 0; cell < size; cell += 1) {
        this.samples[cell]!.add(
          (this.heldOut.truths[offset + cell] ?? NaN) - (this.heldOut.forecasts[offset + cell] ?? NaN),
        );
      }
      this.next += 1;
    }
  }

  /**
   * Service s's target t at quantile q of the forecast distribution, from a forecast laid out
   * [horizon × services × targets] starting at `offset`: per step forecast + error quantile, and the max.
   */
  quantileForecast(
    forecast: Float32Array,
    offset: number,
    s: number,
    t: number,
    q: number,
  ): QuantileForecast {
    const { services, targets } = this.shape;
    const perStep = serviceSteps(forecast, offset, this.shape, s, t).map(
      (value, h) => value + this.samples[(h * services + s) * targets + t]!.conformalQuantile(q),
    );
    return { perStep, max: Math.max(...perStep) };
  }
}

/** Service s's target t, one value per horizon step, from a [horizon × services × targets] block at `offset`. */
export function serviceSteps(
  values: Float32Array,
  offset: number,
  shape: ForecastShape,
  s: number,
  t: number,
): number[] {
  return Array.from(
    { length: shape.horizon },
    (_, h) => values[offset + (h * shape.services + s) * shape.targets + t] ?? NaN,
  );
}
