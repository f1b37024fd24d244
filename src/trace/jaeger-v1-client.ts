// Jaeger's legacy JSON query API (/api/services, /api/traces): what the Jaeger shipped with DeathStarBench
// serves. Answers use the {data, total, limit, offset, errors} envelope.

import { RemoteApiError } from '../core/errors.js';
import { arrayOf, isRecord, stringOf } from './json-shape.js';
import { jaegerGet, type JaegerConnection } from './jaeger-http.js';
import { parseJaegerV1Traces } from './jaeger-v1-parser.js';
import {
  searchInSlices,
  type JaegerClient,
  type TraceFetchDeps,
  type TraceFetchResult,
  type TraceQuery,
} from './trace-query.js';

export class JaegerV1Client implements JaegerClient {
  readonly api = 'v1';

  constructor(private readonly conn: JaegerConnection) {}

  async services(signal?: AbortSignal): Promise<string[]> {
    const response = await jaegerGet(this.conn, '/api/services', {}, { signal });
    const { data } = envelope(response.body, response.url);
    return arrayOf(data).filter((name): name is string => typeof name === 'string');
  }

  findTraces(query: TraceQuery, deps: TraceFetchDeps = {}): Promise<TraceFetchResult> {
    return searchInSlices(query, deps, async (slice, limit) => {
      const response = await jaegerGet(
        this.conn,
        '/api/traces',
        {
          service: query.service,
          start: slice.startUs,
          // Jaeger's end is inclusive; slices are half-open so adjacent ones do not overlap.
          end: slice.endUs - 1,
          limit,
          lookback: 'custom',
        },
        { signal: deps.signal },
      );
      const { data, warnings } = envelope(response.body, response.url);
      const traces = parseJaegerV1Traces(arrayOf(data), response.url);
      return { items: traces, count: traces.length, warnings };
    });
  }
}

/** Unwraps {data, errors}; errors with no data is a failure, errors beside data are partial-result warnings. */
function envelope(body: unknown, url: string): { data: unknown; warnings: string[] } {
  if (!isRecord(body)) {
    throw new RemoteApiError(`Jaeger GET ${url} answered without the {data, errors} envelope`, {
      suggestion: 'Check the URL points at Jaeger query and use --jaeger-api v3 if it only serves API v3.',
    });
  }
  const warnings = arrayOf(body['errors']).map((error) =>
    isRecord(error) ? `${String(error['code'] ?? '')} ${stringOf(error['msg']) ?? ''}`.trim() : String(error),
  );
  const data = body['data'];
  if (
    (data === null || data === undefined || (Array.isArray(data) && data.length === 0)) &&
    warnings.length > 0
  ) {
    throw new RemoteApiError(`Jaeger GET ${url} answered errors: ${warnings.join('; ')}`, {
      suggestion: "Check Jaeger query's logs and its storage backend.",
    });
  }
  return { data, warnings };
}
