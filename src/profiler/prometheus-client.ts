// A client for the Prometheus HTTP API (/api/v1/query, /api/v1/query_range). Every call has a deadline,
// is retried with exponential backoff when the failure is transient (5xx, no answer, deadline), and is
// never retried when the request itself is wrong (4xx: bad_data, execution). Range queries are split so no
// series exceeds the server's 11,000-point limit. Credentials (basic auth or a bearer token) go only into the
// Authorization header: they are never logged, put in a message, or attached to an error as a cause.
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import pLimit from 'p-limit';
import pRetry, { AbortError } from 'p-retry';
import { InterruptedError, TimeoutError, UsageError } from '../core/errors.js';
import { PrometheusApiError, suggestionFor } from './prometheus-errors.js';
import { PROMETHEUS_MAX_POINTS, splitRange } from './prometheus-range.js';
import {
  MalformedBodyError,
  parseApiBody,
  type Labels,
  type QueryData,
  type RangeSeries,
} from './prometheus-response.js';

export type PrometheusAuth =
  { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; token: string };

/** One HTTP exchange, reported for counting and diagnostics; it holds no header, query or credential. */
export interface PrometheusRequestEvent {
  method: 'GET' | 'POST';
  path: string;
  attempt: number;
  /** null when no answer came (connection error, deadline). */
  httpStatus: number | null;
  durationMs: number;
}

export interface PrometheusClientOptions {
  /** Base URL, e.g. http://127.0.0.1:9090 or https://host/prometheus. Userinfo in it is used as basic auth. */
  url: string;
  auth?: PrometheusAuth;
  /** Deadline of one HTTP request, including reading the body (default 30 s). */
  timeoutMs?: number;
  /** Retries after the first attempt for transient failures (default 3). */
  retries?: number;
  /** Backoff: first delay and cap (defaults 500 ms, 5 s; doubled each time, randomised ×1–2). */
  retryMinDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Points per series per range request (default and maximum: Prometheus' 11,000). */
  maxPointsPerSeries?: number;
  /** Range pieces fetched at once (default 4). */
  concurrency?: number;
  /** Longer GET URLs are sent as POST form bodies instead (default 2,000 characters: proxies cut longer lines). */
  maxGetUrlLength?: number;
  onRequest?: (event: PrometheusRequestEvent) => void;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface RangeQuery {
  start: Date;
  end: Date;
  stepSeconds: number;
}

export interface RangeResult {
  series: RangeSeries[];
  /** Prometheus' warnings (e.g. partial data from a remote store), de-duplicated. */
  warnings: string[];
  /** Range requests the query was split into. */
  pieces: number;
}

export interface InstantResult {
  data: QueryData;
  warnings: string[];
}

export class PrometheusClient {
  private readonly http: AxiosInstance;
  private readonly origin: string;
  private readonly secrets: string[];
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryMinDelayMs: number;
  private readonly retryMaxDelayMs: number;
  private readonly maxPoints: number;
  private readonly concurrency: number;
  private readonly maxGetUrlLength: number;
  private readonly onRequest: (event: PrometheusRequestEvent) => void;

  constructor(options: PrometheusClientOptions) {
    const { baseUrl, auth } = parseBaseUrl(options.url, options.auth);
    this.origin = baseUrl;
    this.timeoutMs = positive('timeoutMs', options.timeoutMs ?? 30_000);
    this.retries = wholeAtLeast('retries', options.retries ?? 3, 0);
    this.retryMinDelayMs = wholeAtLeast('retryMinDelayMs', options.retryMinDelayMs ?? 500, 0);
    this.retryMaxDelayMs = wholeAtLeast(
      'retryMaxDelayMs',
      options.retryMaxDelayMs ?? 5_000,
      this.retryMinDelayMs,
    );
    this.maxPoints = wholeAtLeast(
      'maxPointsPerSeries',
      options.maxPointsPerSeries ?? PROMETHEUS_MAX_POINTS,
      1,
    );
    if (this.maxPoints > PROMETHEUS_MAX_POINTS) {
      throw new UsageError(`maxPointsPerSeries ${this.maxPoints} is above Prometheus' limit of 11,000`, {
        suggestion: 'Leave it unset, or lower it.',
      });
    }
    this.concurrency = wholeAtLeast('concurrency', options.concurrency ?? 4, 1);
    this.maxGetUrlLength = wholeAtLeast('maxGetUrlLength', options.maxGetUrlLength ?? 2_000, 0);
    this.onRequest = options.onRequest ?? (() => {});
    // The Basic header's base64 form is a secret too: a proxy that echoes headers would show it.
    this.secrets =
      auth === undefined
        ? []
        : auth.kind === 'bearer'
          ? [auth.token]
          : [Buffer.from(`${auth.username}:${auth.password}`).toString('base64'), auth.password];
    this.http = axios.create({
      baseURL: baseUrl,
      // Status codes and bodies are interpreted here, where Prometheus' error body is understood.
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      headers: {
        Accept: 'application/json',
        ...(auth?.kind === 'bearer' ? { Authorization: `Bearer ${auth.token}` } : {}),
      },
      ...(auth?.kind === 'basic' ? { auth: { username: auth.username, password: auth.password } } : {}),
    });
  }

  /** The server as named in messages: origin and path prefix, without credentials. */
  get url(): string {
    return this.origin;
  }

  /** An instant query (/api/v1/query) at `time` (default: now, the server's clock). */
  async query(query: string, time?: Date, options: CallOptions = {}): Promise<InstantResult> {
    const params = new URLSearchParams({ query });
    if (time !== undefined) params.set('time', unixSeconds(time));
    const body = await this.call('/api/v1/query', params, options.signal);
    return { data: body.data, warnings: body.warnings };
  }

  /**
   * A range query (/api/v1/query_range) evaluated at start, start+step, …, ≤ end, fetched in pieces of at
   * most maxPointsPerSeries points and joined: one series per label set, samples in time order.
   */
  async queryRange(query: string, range: RangeQuery, options: CallOptions = {}): Promise<RangeResult> {
    const start = range.start.getTime() / 1000;
    const end = range.end.getTime() / 1000;
    if (!(range.stepSeconds > 0) || !(end >= start)) {
      throw new UsageError(
        `range query needs step > 0 and end ≥ start (got step ${range.stepSeconds} s, ${range.start.toISOString()}..${range.end.toISOString()})`,
        { suggestion: 'Give a positive step and an end time not before the start time.' },
      );
    }
    const pieces = splitRange({ start, end }, range.stepSeconds, this.maxPoints);
    const limit = pLimit(this.concurrency);
    const answers = await Promise.all(
      pieces.map((piece) =>
        limit(async () => {
          const params = new URLSearchParams({
            query,
            start: piece.start.toFixed(3),
            end: piece.end.toFixed(3),
            step: String(range.stepSeconds),
          });
          return this.call('/api/v1/query_range', params, options.signal);
        }),
      ),
    );
    const merged = new Map<string, RangeSeries>();
    const warnings = new Set<string>();
    for (const answer of answers) {
      answer.warnings.forEach((warning) => warnings.add(warning));
      if (answer.data.resultType !== 'matrix') {
        throw this.error(
          '/api/v1/query_range',
          null,
          'bad_response',
          `expected a matrix, got a ${answer.data.resultType}`,
        );
      }
      for (const series of answer.data.series) {
        const key = labelKey(series.labels);
        const known = merged.get(key);
        if (known === undefined) merged.set(key, { labels: series.labels, samples: [...series.samples] });
        else known.samples.push(...series.samples);
      }
    }
    return { series: [...merged.values()], warnings: [...warnings], pieces: pieces.length };
  }

  /** One API call with retries; resolves to a success body or throws a typed error. */
  private async call(path: string, params: URLSearchParams, signal: AbortSignal | undefined) {
    try {
      return await pRetry((attempt) => this.attempt(path, params, attempt, signal), {
        retries: this.retries,
        minTimeout: this.retryMinDelayMs,
        maxTimeout: this.retryMaxDelayMs,
        factor: 2,
        randomize: true,
        shouldRetry: (error) =>
          error instanceof TimeoutError || (error instanceof PrometheusApiError && error.retryable),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      if (signal?.aborted && !(error instanceof InterruptedError)) throw interrupted(path, signal.reason);
      throw error;
    }
  }

  private async attempt(
    path: string,
    params: URLSearchParams,
    attempt: number,
    signal: AbortSignal | undefined,
  ) {
    if (signal?.aborted) throw new AbortError(interrupted(path, signal.reason));
    const encoded = params.toString();
    const method = `${this.origin}${path}?${encoded}`.length > this.maxGetUrlLength ? 'POST' : 'GET';
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const started = performance.now();
    const report = (httpStatus: number | null) =>
      this.onRequest({ method, path, attempt, httpStatus, durationMs: performance.now() - started });
    let response: AxiosResponse<string>;
    try {
      response = await this.http.request<string>({
        method,
        url: method === 'GET' ? `${path}?${encoded}` : path,
        signal: signal === undefined ? deadline : AbortSignal.any([signal, deadline]),
        ...(method === 'POST'
          ? { data: encoded, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }
          : {}),
      });
    } catch (error) {
      report(null);
      if (signal?.aborted) throw new AbortError(interrupted(path, signal.reason));
      if (deadline.aborted) {
        throw new TimeoutError(
          `Prometheus ${method} ${this.origin}${path} did not answer within ${this.timeoutMs} ms`,
          {
            suggestion:
              'Query a shorter range, or raise the request timeout if the server is slow but healthy.',
          },
        );
      }
      // The axios error holds the request config, Authorization header included, so only its code is kept.
      const code = (error as { code?: unknown }).code;
      const reason = typeof code === 'string' ? code : 'network error';
      throw this.error(path, null, 'connection', `no answer (${reason})`, {
        method,
        cause: new Error(reason),
      });
    }
    report(response.status);
    return this.interpret(path, method, response);
  }

  private interpret(path: string, method: 'GET' | 'POST', response: AxiosResponse<string>) {
    const status = response.status;
    let json: unknown;
    try {
      json = JSON.parse(response.data);
    } catch {
      const snippet = response.data.slice(0, 200).replace(/\s+/g, ' ').trim();
      const type = status >= 200 && status < 300 ? 'bad_response' : 'http';
      throw this.error(
        path,
        status,
        type,
        `answered HTTP ${status} with a body that is not JSON: "${snippet}"`,
        { method },
      );
    }
    let body;
    try {
      body = parseApiBody(json);
    } catch (error) {
      const where = error instanceof MalformedBodyError ? error.path : '$';
      throw this.error(
        path,
        status,
        'bad_response',
        `answered HTTP ${status} with a malformed body at ${where}`,
        { method },
      );
    }
    if (body.status === 'error') {
      throw this.error(
        path,
        status,
        body.errorType,
        `answered HTTP ${status} ${body.errorType}: ${body.error}`,
        {
          method,
          warnings: body.warnings,
        },
      );
    }
    if (status < 200 || status >= 300) {
      throw this.error(path, status, 'http', `answered HTTP ${status} with a success body`, { method });
    }
    return body;
  }

  private error(
    path: string,
    httpStatus: number | null,
    errorType: string,
    what: string,
    extra: { method?: string; warnings?: string[]; cause?: Error } = {},
  ): PrometheusApiError {
    const endpoint = `${extra.method ?? 'GET'} ${this.origin}${path}`;
    const retryable = errorType === 'connection' || (httpStatus !== null && httpStatus >= 500);
    return new PrometheusApiError(
      this.redact(`Prometheus ${endpoint} ${what}`),
      { errorType, httpStatus, endpoint, retryable, warnings: extra.warnings ?? [] },
      {
        suggestion: suggestionFor(errorType, httpStatus),
        ...(extra.cause === undefined ? {} : { cause: extra.cause }),
      },
    );
  }

  /** A server (or proxy) that echoes request headers must not carry a credential into a message. */
  private redact(text: string): string {
    return this.secrets.reduce(
      (out, secret) => (secret === '' ? out : out.split(secret).join('[redacted]')),
      text,
    );
  }
}

function interrupted(path: string, reason: unknown): InterruptedError {
  return new InterruptedError(`Prometheus request ${path} was cancelled`, {
    cause: reason,
    suggestion: 'Run the command again to continue.',
  });
}

/** Validates the URL and moves any userinfo (https://user:pass@host) into basic auth. */
function parseBaseUrl(
  text: string,
  auth: PrometheusAuth | undefined,
): { baseUrl: string; auth?: PrometheusAuth } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`Prometheus URL is not a URL: "${text.replace(/\/\/[^/@]*@/, '//…@')}"`, {
      suggestion: 'Give a full URL such as http://127.0.0.1:9090.',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`Prometheus URL must be http or https (got ${url.protocol})`, {
      suggestion: 'Give a URL such as http://127.0.0.1:9090.',
    });
  }
  const userinfo = url.username !== '' || url.password !== '';
  if (userinfo && auth !== undefined) {
    throw new UsageError('Prometheus credentials were given both in the URL and as options', {
      suggestion: 'Give them once, preferably as options (they stay out of shell history and logs).',
    });
  }
  const fromUrl: PrometheusAuth | undefined = userinfo
    ? {
        kind: 'basic',
        username: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
      }
    : undefined;
  url.username = '';
  url.password = '';
  const baseUrl = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  const chosen = auth ?? fromUrl;
  return chosen === undefined ? { baseUrl } : { baseUrl, auth: chosen };
}

function unixSeconds(date: Date): string {
  return (date.getTime() / 1000).toFixed(3);
}

function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new UsageError(`${name} must be a positive number (got ${value})`, {
      suggestion: `Give ${name} > 0.`,
    });
  }
  return value;
}

function wholeAtLeast(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new UsageError(`${name} must be a whole number ≥ ${min} (got ${value})`, {
      suggestion: `Give ${name} ≥ ${min}.`,
    });
  }
  return value;
}
