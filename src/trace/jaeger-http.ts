// The one HTTP path both Jaeger clients use: GET + JSON, auth, per-request timeout combined with the caller's
// AbortSignal, retries with backoff (p-retry) on 5xx, timeouts and dropped connections only, and typed errors
// that name the URL and status but never the credentials.

import axios, { isAxiosError } from 'axios';
import pRetry, { AbortError } from 'p-retry';
import { RemoteApiError, TimeoutError, UsageError, type RescapeErrorOptions } from '../core/errors.js';
import { isRecord, parseJsonDocuments, stringOf } from './json-shape.js';

export interface JaegerAuth {
  bearerToken?: string;
  basic?: { username: string; password: string };
}

export interface JaegerConnection {
  /** Jaeger query's base URL, e.g. http://jaeger:16686 (a path prefix such as /jaeger is kept). */
  baseUrl: string;
  auth?: JaegerAuth;
  /** Per-request deadline; default 30 s. */
  timeoutMs?: number;
  /** Retries after the first attempt on retryable failures; default 4. */
  retries?: number;
  /** First backoff delay (doubles each retry, randomised); default 500 ms. */
  retryMinDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Called before every HTTP attempt with the redacted URL (request counting in benchmarks and tests). */
  onRequest?: (url: string) => void;
}

export interface JaegerResponse {
  status: number;
  /** Decoded JSON; an array when the server streamed newline-delimited documents. */
  body: unknown;
  url: string;
}

/** A Jaeger HTTP failure; `status` is undefined when no answer came (connection error). */
export class JaegerApiError extends RemoteApiError {
  constructor(
    message: string,
    readonly url: string,
    readonly status: number | undefined,
    options: RescapeErrorOptions = {},
  ) {
    super(message, options);
  }
}

export interface GetOptions {
  signal?: AbortSignal | undefined;
  /** Non-2xx statuses the caller handles itself (e.g. v3's 404 "No traces found"). */
  acceptStatuses?: readonly number[];
}

export async function jaegerGet(
  conn: JaegerConnection,
  path: string,
  params: Record<string, string | number>,
  options: GetOptions = {},
): Promise<JaegerResponse> {
  const { url, auth } = requestTarget(conn, path, params);
  const timeoutMs = conn.timeoutMs ?? 30_000;
  const attempts = (conn.retries ?? 4) + 1;
  const run = async (attempt: number): Promise<JaegerResponse> => {
    conn.onRequest?.(url.display);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
    const where = `Jaeger GET ${url.display} (attempt ${attempt} of ${attempts})`;
    let response;
    try {
      response = await axios.get<string>(url.full, {
        signal,
        responseType: 'text',
        // Raw text: error bodies are often text/plain JSON, and streamed answers are several documents.
        transformResponse: [(data: unknown) => data],
        validateStatus: () => true,
        headers: { Accept: 'application/json', ...auth.headers },
        ...(auth.basic === undefined ? {} : { auth: auth.basic }),
      });
    } catch (error) {
      if (options.signal?.aborted === true) throw new AbortError(abortReason(options.signal));
      // The cause is rebuilt from the code alone: axios errors carry the request config, headers included.
      const cause = new Error(isAxiosError(error) ? (error.code ?? error.message) : String(error));
      if (timeout.aborted) {
        throw new TimeoutError(`${where} did not answer within ${timeoutMs} ms`, {
          cause,
          suggestion: 'Raise the Jaeger timeout, or shorten the time slice so each query does less work.',
        });
      }
      throw new JaegerApiError(`${where} failed: ${cause.message}`, url.display, undefined, {
        cause,
        suggestion: `Check that Jaeger query is reachable at ${url.origin} (default port 16686).`,
      });
    }
    const { status } = response;
    const ok = (status >= 200 && status < 300) || (options.acceptStatuses ?? []).includes(status);
    const text = typeof response.data === 'string' ? response.data : '';
    if (ok && status >= 300) {
      // An accepted error status is the caller's to read; its body may be plain text.
      return { status, body: decodeOrText(text), url: url.display };
    }
    if (ok) return { status, body: decode(text, where, url.display, status), url: url.display };
    const error = new JaegerApiError(
      `${where} answered ${status}${remoteMessage(text)}`,
      url.display,
      status,
      { suggestion: suggestionFor(status) },
    );
    // Only server-side failures are worth repeating; a 4xx will answer the same way again.
    if (status >= 500) throw error;
    throw new AbortError(error);
  };
  return pRetry(run, {
    retries: attempts - 1,
    minTimeout: conn.retryMinDelayMs ?? 500,
    maxTimeout: conn.retryMaxDelayMs ?? 10_000,
    factor: 2,
    randomize: true,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}

interface Target {
  url: { full: string; display: string; origin: string };
  auth: { headers: Record<string, string>; basic?: { username: string; password: string } };
}

function requestTarget(
  conn: JaegerConnection,
  path: string,
  params: Record<string, string | number>,
): Target {
  let base: URL;
  try {
    base = new URL(conn.baseUrl);
  } catch (error) {
    // Not echoed: a malformed URL may still hold a password.
    throw new UsageError('the Jaeger URL is not a valid absolute URL', {
      cause: error,
      suggestion: 'Give the query service URL, e.g. http://jaeger-query:16686.',
    });
  }
  // Credentials written into the URL become basic auth, and are removed from everything that is displayed.
  const urlBasic =
    base.username === ''
      ? undefined
      : { username: decodeURIComponent(base.username), password: decodeURIComponent(base.password) };
  base.username = '';
  base.password = '';
  const url = new URL(base.pathname.replace(/\/+$/, '') + path, base);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, String(value));
  const headers: Record<string, string> =
    conn.auth?.bearerToken === undefined ? {} : { Authorization: `Bearer ${conn.auth.bearerToken}` };
  const basic = conn.auth?.basic ?? urlBasic;
  return {
    url: { full: url.toString(), display: url.toString(), origin: url.origin },
    auth: basic === undefined ? { headers } : { headers, basic },
  };
}

/** The URL without user:password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}

function decode(text: string, where: string, url: string, status: number): unknown {
  if (text.trim() === '') return null;
  try {
    const documents = parseJsonDocuments(text);
    return documents.length === 1 ? documents[0] : documents;
  } catch (error) {
    throw new AbortError(
      new JaegerApiError(
        `${where} answered ${status} with a body that is not JSON${snippet(text)}`,
        url,
        status,
        {
          cause: error,
          suggestion:
            'Point the Jaeger URL at the query service (its API, not a proxy login page or the UI only).',
        },
      ),
    );
  }
}

function decodeOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Jaeger's error text: v1 {errors:[{code,msg}]}, v3 {error:{httpCode,message}}, else a snippet of the body. */
function remoteMessage(text: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return snippet(text);
  }
  if (isRecord(body)) {
    const v3 = isRecord(body['error']) ? stringOf(body['error']['message']) : undefined;
    const v1 =
      Array.isArray(body['errors']) && isRecord(body['errors'][0])
        ? stringOf(body['errors'][0]['msg'])
        : undefined;
    const message = v3 ?? v1;
    if (message !== undefined) return `: ${message}`;
  }
  return snippet(text);
}

function snippet(text: string): string {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  return trimmed === '' ? '' : `: ${trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed}`;
}

function suggestionFor(status: number): string {
  if (status === 401 || status === 403) return 'Check the Jaeger bearer token or basic-auth credentials.';
  if (status === 404)
    return 'Check the Jaeger URL (the query service, port 16686) and the API version (--jaeger-api).';
  if (status === 429) return 'Jaeger is rate limiting: lower the request concurrency or retry later.';
  if (status >= 500) return "Jaeger's storage backend failed: retry later or use a shorter time slice.";
  return 'Check the query: service name and time window.';
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}
