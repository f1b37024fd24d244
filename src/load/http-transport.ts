// Sending one request of the mix and reporting how it ended, over keep-alive connections at least as many as the
// most requests the load keeps in flight (so concurrency is never capped by the connection pool).
//
// Three transports implement it: undici (the default, undici-transport.ts), node:http (here) and axios
// (axios-transport.ts); transport-factory.ts picks one by `--http-client`. node:http and axios share the agent
// settings below; all three share the deadline sweep and report failures with the error codes error-kinds.ts
// maps.
import http from 'node:http';
import https from 'node:https';
import { RequestTimeoutError } from './error-kinds.js';
import type { MixRequest } from './request-mix.js';

/**
 * How a request ended: `status` > 0 for an HTTP answer (fully read), otherwise `error` says why not.
 * `error === ABORTED` marks a request cut off by abortAll().
 */
export type Outcome = (status: number, error: unknown) => void;

export const ABORTED: unique symbol = Symbol('aborted');

export interface HttpTransport {
  /** Sends the request; `done` is called exactly once, never synchronously. */
  send(request: MixRequest, done: Outcome): void;
  /** Cuts off every request in flight; each reports ABORTED. */
  abortAll(): void;
  /** Frees the sockets. */
  close(): void;
}

export interface TransportOptions {
  /** Most requests in flight at once (≥ the highest concurrency); the pool holds this many sockets. */
  maxSockets: number;
  /** Deadline for a complete answer. */
  timeoutMs: number;
}

export function keepAliveAgent(target: URL, maxSockets: number): http.Agent {
  const options: http.AgentOptions = {
    keepAlive: true,
    maxSockets,
    maxFreeSockets: maxSockets,
    // LIFO reuses the most recently used sockets, so when the concurrency drops the spare ones idle out.
    scheduling: 'lifo',
  };
  return target.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
}

/** Path prefix of the target URL (without a trailing '/'), to which each request's path is appended. */
export function basePath(target: URL): string {
  return target.pathname.replace(/\/+$/, '');
}

/** Checks deadlines in one sweep rather than one timer per request (requests/s matter here). */
export class DeadlineSweeper<T> {
  private readonly deadlines = new Map<T, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(timeoutMs: number, onExpired: (item: T) => void) {
    const every = Math.max(10, Math.min(250, timeoutMs / 4));
    this.timer = setInterval(() => {
      const now = performance.now();
      for (const [item, deadline] of this.deadlines) {
        if (deadline <= now) {
          this.deadlines.delete(item);
          onExpired(item);
        }
      }
    }, every);
    this.timer.unref();
  }

  add(item: T, deadline: number): void {
    this.deadlines.set(item, deadline);
  }

  delete(item: T): void {
    this.deadlines.delete(item);
  }

  items(): IterableIterator<T> {
    return this.deadlines.keys();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export function createNodeHttpTransport(target: URL, options: TransportOptions): HttpTransport {
  const agent = keepAliveAgent(target, options.maxSockets);
  const request = target.protocol === 'https:' ? https.request : http.request;
  const prefix = basePath(target);
  const host = target.host;
  const timeoutError = new RequestTimeoutError(options.timeoutMs);
  // Why a request was cut off by us, whichever event then reports it (request error, response error or close).
  const cutOff = new WeakMap<http.ClientRequest, unknown>();
  const cut = (clientRequest: http.ClientRequest, cause: unknown): void => {
    cutOff.set(clientRequest, cause);
    clientRequest.destroy();
  };
  const inFlight = new DeadlineSweeper<http.ClientRequest>(options.timeoutMs, (clientRequest) =>
    cut(clientRequest, timeoutError),
  );
  // A request type's fixed headers with Host in front, built once (the mix shares one array per type).
  const withHost = new WeakMap<readonly string[], string[]>();
  return {
    send(mixRequest, done) {
      const body = mixRequest.body;
      let headers = withHost.get(mixRequest.headers);
      if (headers === undefined) {
        headers = ['Host', host, ...mixRequest.headers];
        withHost.set(mixRequest.headers, headers);
      }
      if (body !== undefined) headers = [...headers, 'Content-Length', String(Buffer.byteLength(body))];
      const clientRequest = request({
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        path: prefix + mixRequest.path,
        method: mixRequest.method,
        agent,
        // Headers as a flat list skip node's per-header validation (they were checked when the mix was read).
        setHost: false,
        headers,
      });
      let finished = false;
      const finish = (status: number, error: unknown): void => {
        if (finished) return;
        finished = true;
        inFlight.delete(clientRequest);
        const cause = cutOff.get(clientRequest);
        done(cause === undefined ? status : 0, cause ?? error);
      };
      clientRequest.on('response', (response) => {
        response.on('end', () => finish(response.statusCode ?? 0, undefined));
        // An answer cut short emits 'error' (ECONNRESET, "aborted") on the response.
        response.on('error', (error) => finish(0, error));
        response.resume();
      });
      clientRequest.on('error', (error) => finish(0, error));
      // Closed without an answer or an error (the request's 'close' follows the answer's 'end' otherwise).
      clientRequest.on('close', () =>
        finish(0, Object.assign(new Error('connection closed'), { code: 'ECONNRESET' })),
      );
      inFlight.add(clientRequest, performance.now() + options.timeoutMs);
      clientRequest.end(body);
    },
    abortAll() {
      for (const clientRequest of [...inFlight.items()]) cut(clientRequest, ABORTED);
    },
    close() {
      inFlight.stop();
      agent.destroy();
    },
  };
}
