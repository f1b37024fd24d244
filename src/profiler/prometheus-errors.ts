// The typed error of a failed Prometheus API call. It is a RemoteApiError (exit code 7) that also carries
// Prometheus' own classification, so callers can tell a bad query (bad_data, execution: fix the query) from
// an outage (unavailable, connection, 5xx: try again later). Messages name the endpoint by origin and path
// only: credentials never appear in a message or a cause.
import { RemoteApiError, type RescapeErrorOptions } from '../core/errors.js';

/**
 * Prometheus' errorType (bad_data, execution, timeout, canceled, internal, unavailable, not_found, …),
 * or rescape's own for failures without a Prometheus body: "connection" (no HTTP answer), "http" (an answer
 * that is not a Prometheus error body, e.g. a proxy's HTML page), "bad_response" (a 2xx that does not parse).
 */
export type PrometheusErrorType = string;

export interface PrometheusErrorDetails {
  errorType: PrometheusErrorType;
  /** HTTP status, or null when no answer came. */
  httpStatus: number | null;
  /** e.g. "POST http://127.0.0.1:9090/api/v1/query_range" (no credentials, no query string). */
  endpoint: string;
  /** Whether the failure is worth retrying (5xx, connection errors). */
  retryable: boolean;
  warnings: string[];
}

export class PrometheusApiError extends RemoteApiError {
  readonly errorType: PrometheusErrorType;
  readonly httpStatus: number | null;
  readonly endpoint: string;
  readonly retryable: boolean;
  readonly warnings: string[];

  constructor(message: string, details: PrometheusErrorDetails, options: RescapeErrorOptions = {}) {
    super(message, options);
    this.errorType = details.errorType;
    this.httpStatus = details.httpStatus;
    this.endpoint = details.endpoint;
    this.retryable = details.retryable;
    this.warnings = details.warnings;
  }
}

/** What to tell the user for each kind of failure. */
export function suggestionFor(errorType: PrometheusErrorType, httpStatus: number | null): string {
  if (httpStatus === 401 || httpStatus === 403)
    return 'Check the Prometheus credentials (basic auth user/password or bearer token).';
  switch (errorType) {
    case 'bad_data':
      return 'Fix the PromQL query or the time range in the metrics profile; the server rejected it as written.';
    case 'execution':
      return 'The query is valid PromQL but failed to evaluate; check label matching and aggregations in the metrics profile.';
    case 'connection':
      return 'Check that Prometheus is running and reachable at this URL (port-forward, proxy, firewall).';
    case 'timeout':
      return 'Prometheus timed out evaluating the query; query a shorter range or raise its --query.timeout.';
    default:
      return 'Retry later; if it persists, check the Prometheus server logs.';
  }
}
