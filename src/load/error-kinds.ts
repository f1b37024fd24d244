// How a request failed, by kind: the HTTP status class for answers ≥ 400, or what went wrong on the connection.
// Node (node:http) and axios report connection failures with the same error codes; undici passes the socket's
// own errors through (ECONNREFUSED, ECONNRESET) and adds codes of its own (UND_ERR_*), mapped here alongside.

export const ERROR_KINDS = [
  'http-4xx',
  'http-5xx',
  'timeout',
  'connection-refused',
  'connection-reset',
  'other',
  /** Open loop: an arrival found --max-in-flight requests outstanding and was not sent. */
  'dropped',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export type ErrorCounts = Record<ErrorKind, number>;

export function emptyErrorCounts(): ErrorCounts {
  return {
    'http-4xx': 0,
    'http-5xx': 0,
    timeout: 0,
    'connection-refused': 0,
    'connection-reset': 0,
    other: 0,
    dropped: 0,
  };
}

/** The error kind of an HTTP status, or undefined for a success (1xx–3xx). */
export function statusErrorKind(status: number): ErrorKind | undefined {
  if (status >= 500) return 'http-5xx';
  if (status >= 400) return 'http-4xx';
  return undefined;
}

/** The error code carried by a Node or axios error (e.g. ECONNREFUSED), if any. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function connectionErrorKind(error: unknown): ErrorKind {
  switch (errorCode(error)) {
    case 'ECONNREFUSED':
      return 'connection-refused';
    // "socket hang up" is ECONNRESET too: the server closed the connection before answering.
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_PREMATURE_CLOSE':
    case 'UND_ERR_SOCKET': // undici: "other side closed" before the answer was complete
      return 'connection-reset';
    case 'ETIMEDOUT':
    case 'ECONNABORTED':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'timeout';
    default:
      return 'other';
  }
}

/** Raised by a transport when a request runs past its deadline. */
export class RequestTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';

  constructor(timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
  }
}
