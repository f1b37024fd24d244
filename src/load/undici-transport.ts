// The undici transport (`--http-client undici`, the default): as many connections to the target's origin as
// the load keeps requests in flight (undici-connections.ts hands them out), each with no pipelining
// (pipelining 1: one request per connection at a time, as the closed loop's clients and wrk2 expect; a load
// generator must not pipeline unless asked). Requests go through `dispatch` with a handler object rather than
// `request()`, which would wrap each answer in a promise and a body stream; the body is read and dropped chunk
// by chunk.
//
// The connections are undici Clients built directly, not through a global dispatcher or an EnvHttpProxyAgent,
// so an HTTP(S)_PROXY in the environment never reroutes the load. The deadline is the same whole-request
// deadline as the other transports' (one sweep, DeadlineSweeper).
import type { Client, Dispatcher } from 'undici';
import { UndiciConnections } from './undici-connections.js';
import { RequestTimeoutError } from './error-kinds.js';
import {
  ABORTED,
  DeadlineSweeper,
  basePath,
  type HttpTransport,
  type Outcome,
  type TransportOptions,
} from './http-transport.js';
import type { MixRequest } from './request-mix.js';

/**
 * One request in flight: undici's handler (its methods on the prototype, so a request costs one object) and the
 * entry the deadline sweep keeps.
 */
class InFlightRequest implements Dispatcher.DispatchHandlers {
  status = 0;
  /** Set once the request has been reported; later callbacks from undici are ignored. */
  finished = false;
  /** Why we cut the request off before undici handed us its abort function (it was still connecting). */
  pendingCut: Error | undefined;
  private abortRequest: ((error?: Error) => void) | undefined;

  constructor(
    private readonly owner: UndiciTransport,
    readonly done: Outcome,
    readonly connection: Client,
  ) {}

  onConnect(abort: (error?: Error) => void): void {
    if (this.pendingCut !== undefined) abort(this.pendingCut);
    else this.abortRequest = abort;
  }

  onHeaders(statusCode: number): boolean {
    // 1xx informational answers come before the final one.
    if (statusCode >= 200) this.status = statusCode;
    return true;
  }

  onData(): boolean {
    return true;
  }

  onComplete(): void {
    this.owner.finish(this, this.status, undefined);
  }

  onError(error: Error): void {
    this.owner.finish(this, 0, error);
  }

  /** Stops the request on the wire: now if undici has started it, else as soon as it does. */
  cut(reason: Error): void {
    if (this.abortRequest !== undefined) this.abortRequest(reason);
    else this.pendingCut = reason;
  }
}

class UndiciTransport implements HttpTransport {
  private readonly connections: UndiciConnections;
  private readonly prefix: string;
  private readonly origin: string;
  private readonly inFlight: DeadlineSweeper<InFlightRequest>;
  private readonly timeoutError: RequestTimeoutError;
  /** What undici is told when we abort a request; it reports it back, after we already reported the request. */
  private readonly cutOff = new Error('cut off by the load generator');
  private readonly timeoutMs: number;
  /** True while inside dispatch(), which reports some failures (a destroyed client) synchronously. */
  private dispatching = false;

  constructor(target: URL, options: TransportOptions) {
    this.prefix = basePath(target);
    this.origin = target.origin;
    this.timeoutMs = options.timeoutMs;
    this.timeoutError = new RequestTimeoutError(options.timeoutMs);
    this.connections = new UndiciConnections(target.origin, {
      connections: options.maxSockets,
      connectTimeoutMs: options.timeoutMs,
    });
    this.inFlight = new DeadlineSweeper<InFlightRequest>(options.timeoutMs, (request) =>
      this.cut(request, this.timeoutError),
    );
  }

  send(request: MixRequest, done: Outcome): void {
    const connection = this.connections.acquire();
    const handler = new InFlightRequest(this, done, connection);
    this.inFlight.add(handler, performance.now() + this.timeoutMs);
    const body = request.body;
    this.dispatching = true;
    try {
      connection.dispatch(
        {
          // Given, so that undici does not read it from its URL object (a getter that builds the string) each time.
          origin: this.origin,
          path: this.prefix + request.path,
          method: request.method as Dispatcher.HttpMethod,
          // Headers as a flat list, shared by every request of the type; undici adds Host from the origin and
          // Content-Length from the body.
          headers: request.headers as string[],
          body: body ?? null,
        },
        handler,
      );
    } finally {
      this.dispatching = false;
    }
  }

  /** Called by a request's handler when undici reports its end; reports it once, never synchronously. */
  finish(request: InFlightRequest, status: number, error: unknown): void {
    if (!this.settle(request)) return;
    if (this.dispatching) queueMicrotask(() => request.done(status, error));
    else request.done(status, error);
  }

  abortAll(): void {
    for (const request of [...this.inFlight.items()]) this.cut(request, ABORTED);
  }

  close(): void {
    this.inFlight.stop();
    // destroy() fails whatever is still queued at once; its promise only tells when the sockets are gone.
    this.connections.destroy();
  }

  /**
   * Reports the request as ended for `reason` (ABORTED or the timeout) and stops it on the wire. The report is
   * deferred a tick: abortAll() runs inside the session's own bookkeeping, and `done` is never synchronous.
   */
  private cut(request: InFlightRequest, reason: unknown): void {
    if (!this.settle(request)) return;
    request.cut(this.cutOff);
    queueMicrotask(() => request.done(0, reason));
  }

  /**
   * Marks the request reported (false if it already was) and gives its connection back: the next request may
   * take it now, and undici writes that one once this one has left the connection.
   */
  private settle(request: InFlightRequest): boolean {
    if (request.finished) return false;
    request.finished = true;
    this.inFlight.delete(request);
    this.connections.release(request.connection);
    return true;
  }
}

export function createUndiciTransport(target: URL, options: TransportOptions): HttpTransport {
  return new UndiciTransport(target, options);
}
