// The undici transport's connections: one undici Client (one connection, pipelining 1) per request in flight,
// handed out from a stack of idle ones, most recently used first.
//
// Why not undici's Pool: at load-generator concurrency a Pool looks for a free client by scanning all of them
// on every request, and with every connection busy (the closed loop's steady state: a client's next request is
// sent from inside the previous one's completion, before undici frees the connection) it finds none, queues
// the request, and hands it over on the connection's 'drain' event. At 220 connections that scan and hand-over
// cost more CPU than everything else the generator does (measured with --cpu-prof; bench/load-speed.ts).
// Here a request that ends gives its connection back at once, so the next request takes it in O(1) and undici
// writes it as soon as the connection is free. Most-recently-used first, like node's agent with
// scheduling 'lifo': when the concurrency drops, the spare connections idle out (undici's keep-alive timeout).
import { Client } from 'undici';

export interface ConnectionSettings {
  /** Most connections open at once: at least the most requests the load keeps in flight. */
  connections: number;
  /** Deadline for establishing a connection. */
  connectTimeoutMs: number;
}

export class UndiciConnections {
  private readonly all: Client[] = [];
  private readonly idle: Client[] = [];
  /** Only when more requests are in flight than connections allowed: where the next extra one queues. */
  private overflow = 0;

  constructor(
    private readonly origin: string,
    private readonly settings: ConnectionSettings,
  ) {}

  /** A connection for one request; give it back with release() when the request has been reported. */
  acquire(): Client {
    const idle = this.idle.pop();
    if (idle !== undefined) return idle;
    if (this.all.length < this.settings.connections) {
      const client = new Client(this.origin, {
        pipelining: 1,
        // The transport's deadline sweep keeps the whole-request deadline; undici's per-request header and
        // body timers would only add work.
        headersTimeout: 0,
        bodyTimeout: 0,
        connectTimeout: this.settings.connectTimeoutMs,
      });
      this.all.push(client);
      return client;
    }
    // The caller sends more than it said it would: queue on the connections in turn (undici orders each).
    this.overflow = (this.overflow + 1) % this.all.length;
    return this.all[this.overflow] as Client;
  }

  release(client: Client): void {
    this.idle.push(client);
  }

  /** Closes every connection; requests still on them fail at once. */
  destroy(): void {
    for (const client of this.all) client.destroy().catch(() => undefined);
    this.all.length = 0;
    this.idle.length = 0;
  }
}
