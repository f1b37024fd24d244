// The JSON bodies of serve's answers (schemas/serve-*.schema.json). A forecast answer is an envelope that
// changes with every request (its age) around the snapshot's JSON text, which changes only per refresh.
import type { ForecastState, ForecastStatus, RefreshCounts } from './forecast-refresher.js';
import type { WindowSourceInfo } from './window-source.js';

export interface ModelIdentity {
  /** The model directory's name. */
  name: string;
  kind: string;
  dir: string;
  services: number;
  targets: string[];
}

export interface ServedBy {
  model: ModelIdentity;
  source: WindowSourceInfo;
}

/** Freshness of what is served; the same fields in /healthz and every forecast. */
export interface Freshness {
  status: ForecastStatus;
  stale: boolean;
  /** Seconds since the last successful refresh; null before the first. */
  ageSeconds: number | null;
  updatedAt: string | null;
  lastError: string | null;
}

export interface HealthJson extends ServedBy, Freshness {
  /** A forecast can be served (possibly stale). */
  ok: boolean;
  refreshes: RefreshCounts;
}

/** Failure answers, shaped like a Kubernetes Status. */
export interface StatusJson {
  kind: 'Status';
  status: 'Failure';
  code: number;
  reason: string;
  message: string;
  details?: Record<string, unknown>;
}

export function freshness(state: ForecastState, nowMs: number): Freshness {
  return {
    status: state.status,
    stale: state.status === 'stale',
    ageSeconds: state.updatedAtMs === null ? null : Math.max(0, (nowMs - state.updatedAtMs) / 1000),
    updatedAt: state.updatedAtMs === null ? null : new Date(state.updatedAtMs).toISOString(),
    lastError: state.lastError,
  };
}

export function healthAnswer(servedBy: ServedBy, state: ForecastState, nowMs: number): HealthJson {
  return {
    ok: state.snapshot !== null,
    ...servedBy,
    ...freshness(state, nowMs),
    refreshes: state.refreshes,
  };
}

/** `{"model":…,"source":…,<freshness>,<snapshot body>}`; `body` is snapshot JSON without its braces. */
export function forecastAnswer(
  servedBy: ServedBy,
  state: ForecastState,
  nowMs: number,
  body: string,
): string {
  const envelope = JSON.stringify({ ...servedBy, ...freshness(state, nowMs) });
  return `${envelope.slice(0, -1)},${body}}`;
}

export function statusAnswer(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): StatusJson {
  return {
    kind: 'Status',
    status: 'Failure',
    code,
    reason,
    message,
    ...(details === undefined ? {} : { details }),
  };
}
