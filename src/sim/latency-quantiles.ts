// Request latency quantiles of a mix of endpoints, each log-normally distributed around its mean.

export interface LatencyComponent {
  weight: number;
  meanMs: number;
  /** Shape (σ of the underlying normal). */
  sigma: number;
}

/** Standard normal CDF via the complementary error function (Numerical Recipes' erfc, |error| < 1.2e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

function mixtureCdf(components: readonly LatencyComponent[], totalWeight: number, ms: number): number {
  let cdf = 0;
  for (const { weight, meanMs, sigma } of components) {
    const mu = Math.log(meanMs) - (sigma * sigma) / 2;
    cdf += weight * normalCdf((Math.log(ms) - mu) / sigma);
  }
  return cdf / totalWeight;
}

/** The q-quantile (0 < q < 1) of the mixture, by bisection on a log scale. */
export function mixtureQuantile(components: readonly LatencyComponent[], q: number): number {
  const live = components.filter((component) => component.weight > 0 && component.meanMs > 0);
  if (live.length === 0) return 0;
  const totalWeight = live.reduce((sum, component) => sum + component.weight, 0);
  let low = Math.log(Math.min(...live.map((component) => component.meanMs)) / 1000);
  let high = Math.log(Math.max(...live.map((component) => component.meanMs)) * 1000);
  for (let iteration = 0; iteration < 50; iteration += 1) {
    const middle = (low + high) / 2;
    if (mixtureCdf(live, totalWeight, Math.exp(middle)) < q) low = middle;
    else high = middle;
  }
  return Math.exp((low + high) / 2);
}
