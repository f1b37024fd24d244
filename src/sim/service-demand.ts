// Expected calls per request: how many times one request of each endpoint visits each service,
// following the real call paths, with the current cache hit rates and retries of failed calls.
import type { CallSpec, EndpointSpec } from './topology-types.js';

export interface DemandConditions {
  /** Index of each service name in the simulator's (ms_id) order. */
  indexOf: ReadonlyMap<string, number>;
  /** Per service: multiplier on cache miss rates (1 = the topology's nominal hit rate). */
  missFactor: Float64Array;
  /** Per service: fraction of its calls that fail (a failing replica); failed calls are retried once. */
  failFraction: Float64Array;
}

/** Probability that a cache call hits, given the spec's nominal rate and the cache's current miss factor. */
export function effectiveHitRate(spec: CallSpec, missFactor: number): number {
  const nominalMiss = 1 - (spec.hitRate ?? 1);
  return 1 - Math.min(1, nominalMiss * missFactor);
}

/** visits[s] += expected calls to each service for one request of `endpoint`. */
export function addEndpointVisits(
  endpoint: EndpointSpec,
  conditions: DemandConditions,
  visits: Float64Array,
): void {
  const entry = conditions.indexOf.get(endpoint.entry.service);
  if (entry === undefined) throw new Error(`unknown entry service ${endpoint.entry.service}`);
  visits[entry] = (visits[entry] ?? 0) + 1;
  for (const call of endpoint.entry.calls ?? []) addCallVisits(call, 1, conditions, visits);
}

function addCallVisits(
  call: CallSpec,
  rate: number,
  conditions: DemandConditions,
  visits: Float64Array,
): void {
  const index = conditions.indexOf.get(call.service);
  if (index === undefined) throw new Error(`unknown service ${call.service}`);
  const fail = conditions.failFraction[index] ?? 0;
  // One retry on failure: a failed call costs the callee a second call.
  const made = rate * (call.probability ?? 1) * (call.count ?? 1) * (1 + fail);
  visits[index] = (visits[index] ?? 0) + made;
  for (const child of call.calls ?? []) addCallVisits(child, made, conditions, visits);
  if (call.onMiss !== undefined) {
    const missRate = 1 - effectiveHitRate(call, conditions.missFactor[index] ?? 1);
    for (const fallback of call.onMiss) addCallVisits(fallback, made * missRate, conditions, visits);
  }
}

/** Probability that a request of this endpoint fails: some call fails on its first try and on its retry. */
export function endpointErrorProbability(visits: Float64Array, failFraction: Float64Array): number {
  let survive = 1;
  for (let index = 0; index < visits.length; index += 1) {
    const fail = failFraction[index] ?? 0;
    if (fail > 0) survive *= Math.pow(1 - fail * fail, visits[index] ?? 0);
  }
  return 1 - survive;
}
