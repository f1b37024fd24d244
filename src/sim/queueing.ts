// Queueing approximations for the step-level model: a service with c cores behaves like an M/M/c
// queue; the closed client loop obeys Little's law, concurrency = throughput × response time.

/**
 * Mean response time of an M/M/c queue relative to its service time, using Sakasegawa's
 * approximation of the waiting time, Wq ≈ S·ρ^(√(2(c+1))−1) / (c(1−ρ)). Close to 1 at low load,
 * growing without bound as ρ → 1.
 */
export function responseFactor(utilisation: number, servers: number): number {
  const rho = Math.min(Math.max(utilisation, 0), 0.999);
  const c = Math.max(1, servers);
  return 1 + Math.pow(rho, Math.sqrt(2 * (c + 1)) - 1) / (c * (1 - rho));
}

export interface ClosedLoopModel {
  /** Clients in the loop (concurrent requests), thinking `thinkMs` between requests. */
  concurrency: number;
  thinkMs: number;
  /** Highest throughput (requests/s) the bottleneck allows; the solution stays below it. */
  saturationRps: number;
  /** Mean end-to-end response time (ms) at a given throughput (requests/s); increasing in it. */
  responseMs(throughputRps: number): number;
}

/**
 * Throughput X solving Little's law X·(R(X) + Z) = N by bisection; R grows without bound towards
 * saturation, so the root exists and is unique.
 */
export function solveClosedLoop(model: ClosedLoopModel): number {
  let low = 0;
  let high = model.saturationRps * 0.999;
  const residual = (rps: number): number =>
    (rps * (model.responseMs(rps) + model.thinkMs)) / 1000 - model.concurrency;
  if (residual(high) <= 0) return high;
  for (let iteration = 0; iteration < 60; iteration += 1) {
    const middle = (low + high) / 2;
    if (residual(middle) > 0) high = middle;
    else low = middle;
  }
  return (low + high) / 2;
}
