// Serves a simulated benchmark's HTTP front end on 127.0.0.1: each request of a known route is answered after a
// response time drawn from the simulator's latency model (http-latency.ts); unknown paths get 404. Used by the
// load generator's tests and benchmark, and by `rescape load --target sim`.
//
// Fault controls, for tests and demonstrations: stall (hold every answer until a moment), fail (answer the next
// n requests with a status), reset (drop the connection of the next n requests), stop (close the listener and
// every connection: new requests are refused). The server also reports how many requests were in flight.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { UsageError } from '../core/errors.js';
import { Random } from '../core/random.js';
import { EndpointLatencyModel } from './http-latency.js';
import { routesOf } from './http-routes.js';
import { getTopology } from './topologies/index.js';
import type { BenchmarkName } from './topology-types.js';

export interface EndpointServerOptions {
  benchmark: BenchmarkName;
  /** Loopback address to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; default 0 (any free port). */
  port?: number;
  /** Multiplies every response time; default 1. */
  latencyScale?: number;
  seed?: number;
  /** Monotonic milliseconds; default performance.now. */
  clock?: () => number;
}

export interface EndpointServerStats {
  /** Requests received per endpoint (request type). */
  byEndpoint: Record<string, number>;
  notFound: number;
  total: number;
  inFlight: number;
}

const LOOPBACK = ['127.0.0.1', '::1', 'localhost'];

export class EndpointServer {
  private readonly server: http.Server;
  private readonly model: EndpointLatencyModel;
  private readonly routes: Map<string, number>;
  private readonly endpointNames: string[];
  private readonly counts: number[];
  private readonly sockets = new Set<Socket>();
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly clock: () => number;
  private notFound = 0;
  private inFlight = 0;
  private peakInFlight = 0;
  private stallUntil = 0;
  private failures: { count: number; status: number } = { count: 0, status: 503 };
  private resets = 0;
  private listening = false;
  private address: AddressInfo | undefined;

  private constructor(options: EndpointServerOptions) {
    const topology = getTopology(options.benchmark);
    this.clock = options.clock ?? (() => performance.now());
    this.model = new EndpointLatencyModel(
      topology,
      options.latencyScale ?? 1,
      Random.fromSeed(options.seed ?? 1),
      this.clock(),
    );
    this.endpointNames = topology.endpoints.map((endpoint) => endpoint.name);
    this.counts = this.endpointNames.map(() => 0);
    this.routes = new Map(
      routesOf(options.benchmark).map((route) => [
        `${route.method} ${route.path}`,
        this.model.indexOf(route.endpoint),
      ]),
    );
    this.server = http.createServer({ keepAliveTimeout: 120_000 }, this.handle);
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Starts a server and resolves once it listens. */
  static async start(options: EndpointServerOptions): Promise<EndpointServer> {
    const host = options.host ?? '127.0.0.1';
    if (!LOOPBACK.includes(host)) {
      throw new UsageError(`the simulated endpoints listen on loopback only, not ${host}`, {
        suggestion: 'Use 127.0.0.1.',
      });
    }
    const server = new EndpointServer(options);
    await server.listen(host, options.port ?? 0);
    return server;
  }

  private listen(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        this.listening = true;
        this.address = this.server.address() as AddressInfo;
        resolve();
      });
    });
  }

  get port(): number {
    return this.address?.port ?? 0;
  }

  /** Base URL, e.g. http://127.0.0.1:40123. */
  get url(): string {
    const host = this.address?.family === 'IPv6' ? `[${this.address.address}]` : this.address?.address;
    return `http://${host}:${this.port}`;
  }

  stats(): EndpointServerStats {
    return {
      byEndpoint: Object.fromEntries(
        this.endpointNames.map((name, index) => [name, this.counts[index] ?? 0]),
      ),
      notFound: this.notFound,
      total: this.counts.reduce((sum, count) => sum + count, 0) + this.notFound,
      inFlight: this.inFlight,
    };
  }

  /** The most requests in flight at once since the last call; the count restarts from those in flight now. */
  takeMaxInFlight(): number {
    const peak = this.peakInFlight;
    this.peakInFlight = this.inFlight;
    return peak;
  }

  /** Holds every answer, of requests in flight and arriving, until `ms` from now. */
  stall(ms: number): void {
    this.stallUntil = Math.max(this.stallUntil, this.clock() + ms);
  }

  /** Answers the next `count` requests with `status` at once. */
  fail(count: number, status = 503): void {
    this.failures = { count, status };
  }

  /** Drops the connection of the next `count` requests without answering. */
  reset(count: number): void {
    this.resets = count;
  }

  /** Closes the listener and every connection; requests in flight get no answer, new ones are refused. */
  async stop(): Promise<void> {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
    for (const socket of this.sockets) socket.destroy();
    if (!this.listening) return;
    this.listening = false;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The same as stop(): for `await using` and test clean-up. */
  close(): Promise<void> {
    return this.stop();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private readonly handle = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    request.resume();
    if (this.resets > 0) {
      this.resets -= 1;
      request.socket.destroy();
      return;
    }
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    const endpoint = this.routes.get(`${request.method} ${query < 0 ? url : url.slice(0, query)}`);
    if (endpoint === undefined || endpoint < 0) {
      this.notFound += 1;
      respond(response, 404, 'no such endpoint\n');
      return;
    }
    this.counts[endpoint] = (this.counts[endpoint] ?? 0) + 1;
    if (this.failures.count > 0) {
      this.failures.count -= 1;
      respond(response, this.failures.status, 'injected failure\n');
      return;
    }
    this.inFlight += 1;
    if (this.inFlight > this.peakInFlight) this.peakInFlight = this.inFlight;
    const now = this.clock();
    const delay = this.model.arrive(endpoint, now);
    let answered = false;
    const answer = (): void => {
      if (answered) return;
      const wait = this.stallUntil - this.clock();
      if (wait > 0) {
        this.later(answer, wait);
        return;
      }
      answered = true;
      this.inFlight -= 1;
      respond(response, 200, 'ok\n');
    };
    response.on('close', () => {
      if (!answered) {
        answered = true;
        this.inFlight -= 1;
      }
    });
    this.later(answer, delay);
  };

  private later(action: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      action();
    }, ms);
    this.pending.add(timer);
  }
}

function respond(response: http.ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}
