// Picks the Jaeger query API: `--jaeger-api v1|v3|auto`. Auto probes v3 first (the future) and falls back to
// the legacy API when v3 is not served.

import { RemoteApiError, UsageError } from '../core/errors.js';
import { isRecord } from './json-shape.js';
import { JaegerApiError, jaegerGet, redactUrl, type JaegerConnection } from './jaeger-http.js';
import { JaegerV1Client } from './jaeger-v1-client.js';
import { JaegerV3Client } from './jaeger-v3-client.js';
import type { JaegerApiVersion, JaegerClient } from './trace-query.js';

export type JaegerApiChoice = JaegerApiVersion | 'auto';

export async function createJaegerClient(
  conn: JaegerConnection,
  api: JaegerApiChoice,
  signal?: AbortSignal,
): Promise<JaegerClient> {
  if (!['v1', 'v3', 'auto'].includes(api)) {
    throw new UsageError(`unknown Jaeger API "${String(api)}"`, {
      suggestion: 'Use --jaeger-api v1, v3 or auto.',
    });
  }
  const version = api === 'auto' ? await detectJaegerApi(conn, signal) : api;
  return version === 'v3' ? new JaegerV3Client(conn) : new JaegerV1Client(conn);
}

/**
 * v3 when /api/v3/services answers a services list; v1 when v3 answers 4xx or something that is not JSON
 * (older Jaeger query falls through to the UI) and /api/services answers the v1 envelope. Server errors and
 * timeouts are not "absent": they propagate after retries.
 */
export async function detectJaegerApi(
  conn: JaegerConnection,
  signal?: AbortSignal,
): Promise<JaegerApiVersion> {
  try {
    const v3 = await jaegerGet(conn, '/api/v3/services', {}, { signal });
    if (isRecord(v3.body) && Array.isArray(v3.body['services'])) return 'v3';
  } catch (error) {
    if (!(error instanceof JaegerApiError) || error.status === undefined || error.status >= 500) throw error;
  }
  const v1 = await jaegerGet(conn, '/api/services', {}, { signal });
  if (isRecord(v1.body) && 'data' in v1.body) return 'v1';
  throw new RemoteApiError(
    `Jaeger at ${redactUrl(conn.baseUrl)} serves neither API v3 nor the legacy JSON API`,
    {
      suggestion: 'Point --jaeger at Jaeger query (port 16686) and name the API with --jaeger-api v1 or v3.',
    },
  );
}
