// Jaeger API v3 over HTTP (/api/v3/services, /api/v3/traces), answering OTLP JSON. Recent Jaeger releases
// removed the legacy search endpoints, so this is the API going forward.

import { RemoteApiError } from '../core/errors.js';
import { isRecord } from './json-shape.js';
import { jaegerGet, type JaegerConnection } from './jaeger-http.js';
import { parseOtlpTraces } from './otlp-parser.js';
import type { Trace } from './span-model.js';
import {
  searchInSlices,
  type JaegerClient,
  type TraceFetchDeps,
  type TraceFetchResult,
  type TraceQuery,
} from './trace-query.js';

export class JaegerV3Client implements JaegerClient {
  readonly api = 'v3';

  constructor(private readonly conn: JaegerConnection) {}

  async services(signal?: AbortSignal): Promise<string[]> {
    const response = await jaegerGet(this.conn, '/api/v3/services', {}, { signal });
    if (!isRecord(response.body) || !Array.isArray(response.body['services'])) {
      throw new RemoteApiError(`Jaeger GET ${response.url} answered without a services list`, {
        suggestion: 'Check the URL points at Jaeger query, or use --jaeger-api v1 for older Jaeger.',
      });
    }
    return response.body['services'].filter((name): name is string => typeof name === 'string');
  }

  findTraces(query: TraceQuery, deps: TraceFetchDeps = {}): Promise<TraceFetchResult> {
    return searchInSlices(query, deps, async (slice, limit) => {
      // The documented snake_case names (grpc-gateway also accepts the camelCase ones, e.g. query.serviceName).
      const response = await jaegerGet(
        this.conn,
        '/api/v3/traces',
        {
          'query.service_name': query.service,
          'query.start_time_min': rfc3339Micros(slice.startUs),
          // Inclusive on the server; slices are half-open.
          'query.start_time_max': rfc3339Micros(slice.endUs - 1),
          'query.num_traces': limit,
        },
        { signal: deps.signal, acceptStatuses: [404] },
      );
      const traces =
        response.status === 404
          ? noTraces(response.body, response.url)
          : parseAnswer(response.body, response.url);
      return { items: traces, count: traces.length, warnings: [] };
    });
  }
}

/** Jaeger v2 answers an empty search with 404 {"error":{"message":"No traces found"}}; any other 404 is an error. */
function noTraces(body: unknown, url: string): Trace[] {
  const message = isRecord(body) && isRecord(body['error']) ? body['error']['message'] : undefined;
  if (typeof message === 'string' && /no traces found|trace not found/i.test(message)) return [];
  const said =
    typeof message === 'string' ? message : typeof body === 'string' ? body.trim().slice(0, 200) : '';
  throw new RemoteApiError(`Jaeger GET ${url} answered 404${said === '' ? '' : `: ${said}`}`, {
    suggestion: 'This Jaeger may not serve API v3: use --jaeger-api v1 (or auto).',
  });
}

/** One {result:{resourceSpans}} document, or several when the gateway streamed one per trace chunk. */
function parseAnswer(body: unknown, url: string): Trace[] {
  const documents = Array.isArray(body) ? body : [body];
  const merged = new Map<string, Trace>();
  for (const doc of documents) {
    if (isRecord(doc) && isRecord(doc['error'])) {
      throw new RemoteApiError(`Jaeger GET ${url} answered an error: ${JSON.stringify(doc['error'])}`, {
        suggestion: "Check Jaeger query's logs and its storage backend.",
      });
    }
    // protobuf JSON omits empty lists, so an empty answer is {"result":{}}.
    const result = isRecord(doc) && isRecord(doc['result']) ? doc['result'] : doc;
    if (result === null || (isRecord(result) && Object.keys(result).length === 0)) continue;
    for (const trace of parseOtlpTraces(doc, url)) {
      const known = merged.get(trace.traceId);
      if (known === undefined) merged.set(trace.traceId, trace);
      else known.spans.push(...trace.spans);
    }
  }
  return [...merged.values()];
}

/** RFC 3339 with microseconds (what Go's time.RFC3339Nano parses), in UTC. */
export function rfc3339Micros(us: number): string {
  const ms = Math.floor(us / 1000);
  const micros = String(Math.round(us - ms * 1000)).padStart(3, '0');
  return new Date(ms).toISOString().replace(/Z$/, `${micros}Z`);
}
