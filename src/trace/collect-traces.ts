// Traces of a window across services. Jaeger searches by service, and a trace crossing N services is found
// N times, so results are merged by trace id.

import type { Trace } from './span-model.js';
import type { JaegerClient, TraceFetchDeps, TraceFetchResult, TraceQuery } from './trace-query.js';

export interface CollectOptions extends Omit<TraceQuery, 'service'> {
  /** Services to search; default every service Jaeger knows except its own (jaeger-*). */
  services?: string[];
}

export interface CollectResult extends TraceFetchResult {
  services: string[];
}

export async function collectTraces(
  client: JaegerClient,
  options: CollectOptions,
  deps: TraceFetchDeps = {},
): Promise<CollectResult> {
  const services =
    options.services ??
    (await client.services(deps.signal)).filter((name) => !name.startsWith('jaeger')).sort();
  const traces = new Map<string, Trace>();
  const result: CollectResult = { services, traces: [], queries: 0, truncated: [], warnings: [] };
  for (const [index, service] of services.entries()) {
    deps.signal?.throwIfAborted();
    const found = await client.findTraces({ ...options, service }, deps);
    for (const trace of found.traces) if (!traces.has(trace.traceId)) traces.set(trace.traceId, trace);
    result.queries += found.queries;
    result.truncated.push(...found.truncated);
    result.warnings.push(...found.warnings.map((warning) => `${service}: ${warning}`));
    deps.onProgress?.({
      phase: 'jaeger',
      done: index + 1,
      total: services.length,
      message: `service ${service}`,
    });
  }
  result.traces = [...traces.values()];
  return result;
}
