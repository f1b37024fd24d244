// Small constructors for CallSpec and EndpointSpec trees, so the topology files read like the call paths they
// describe. They only omit absent optional fields (exactOptionalPropertyTypes); they add no behaviour.
import type { CallSpec, EndpointSpec } from '../topology-types.js';

export interface CallOptions {
  /** Chance the call is made at all (default 1). */
  probability?: number;
  /** How many times it is made when made (default 1). */
  count?: number;
}

function withOptions(spec: CallSpec, options: CallOptions): CallSpec {
  const out: CallSpec = { ...spec };
  if (options.probability !== undefined) out.probability = options.probability;
  if (options.count !== undefined) out.count = options.count;
  return out;
}

/** A call to a service, which makes `calls` in turn. */
export function rpc(
  rpcType: string,
  service: string,
  calls: readonly CallSpec[] = [],
  options: CallOptions = {},
): CallSpec {
  const spec: CallSpec = { service, rpcType };
  if (calls.length > 0) spec.calls = [...calls];
  return withOptions(spec, options);
}

export const thrift = (
  service: string,
  calls: readonly CallSpec[] = [],
  options: CallOptions = {},
): CallSpec => rpc('thrift', service, calls, options);

export const grpc = (service: string, calls: readonly CallSpec[] = [], options: CallOptions = {}): CallSpec =>
  rpc('grpc', service, calls, options);

export const http = (service: string, calls: readonly CallSpec[] = [], options: CallOptions = {}): CallSpec =>
  rpc('http', service, calls, options);

/** A read from a cache that hits with `hitRate`; on a miss the caller makes the `onMiss` calls. */
export function lookup(
  rpcType: string,
  cache: string,
  hitRate: number,
  onMiss: readonly CallSpec[] = [],
  options: CallOptions = {},
): CallSpec {
  const spec: CallSpec = { service: cache, rpcType, hitRate };
  if (onMiss.length > 0) spec.onMiss = [...onMiss];
  return withOptions(spec, options);
}

/** A write to a cache (SET, ZADD, INCR): it never misses, so its hit rate is 1 and it has no miss path. */
export const cacheWrite = (rpcType: string, cache: string, options: CallOptions = {}): CallSpec =>
  lookup(rpcType, cache, 1, [], options);

/**
 * The common read-through pattern: look the key up in `cache`; on a miss read `database` (a `dbRpcType`
 * query) and write the result back to the cache.
 */
export function readThrough(
  cache: string,
  cacheRpcType: string,
  hitRate: number,
  database: string,
  dbRpcType: string,
  options: CallOptions = {},
): CallSpec {
  return lookup(
    cacheRpcType,
    cache,
    hitRate,
    [rpc(dbRpcType, database), cacheWrite(cacheRpcType, cache)],
    options,
  );
}

/** A request type entering at `gateway` with a share `weight` of the mix. */
export function endpoint(
  name: string,
  weight: number,
  gateway: string,
  calls: readonly CallSpec[] = [],
): EndpointSpec {
  return calls.length > 0
    ? { name, weight, entry: { service: gateway, calls: [...calls] } }
    : { name, weight, entry: { service: gateway } };
}
