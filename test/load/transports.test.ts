// Each HTTP transport of the load generator, one request at a time against a real server on 127.0.0.1: what
// arrives, how each way of failing is reported (status, timeout, refused, reset), abortAll, no pipelining, and
// no proxy from the environment. The same table runs for every transport, so they stay interchangeable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectionErrorKind, statusErrorKind } from '../../src/load/error-kinds.js';
import { ABORTED, type HttpTransport } from '../../src/load/http-transport.js';
import type { MixRequest } from '../../src/load/request-mix.js';
import { createTransport, HTTP_CLIENTS, type HttpClient } from '../../src/load/transport-factory.js';
import { EndpointServer } from '../../src/sim/http-endpoints.js';
import { settled } from './load-helpers.js';

const READ: MixRequest = {
  type: 0,
  method: 'GET',
  path: '/wrk2-api/home-timeline/read?user_id=7&start=3&stop=13',
  headers: ['Content-Type', 'application/x-www-form-urlencoded'],
  body: undefined,
};
const COMPOSE: MixRequest = {
  type: 1,
  method: 'POST',
  path: '/wrk2-api/post/compose',
  headers: ['Content-Type', 'application/x-www-form-urlencoded'],
  body: 'username=username_7&user_id=7&text=caf%C3%A9 ünïcode',
};

interface Ended {
  status: number;
  error: unknown;
  /** How the load generator books it: 'ok', an error kind, or 'aborted'. */
  kind: string;
  /** True if the transport reported before send() returned (it must not). */
  synchronous: boolean;
  ms: number;
}

function send(transport: HttpTransport, request: MixRequest): Promise<Ended> {
  const started = performance.now();
  return new Promise((resolve) => {
    let returned = false;
    transport.send(request, (status, error) => {
      const kind =
        error === ABORTED
          ? 'aborted'
          : status > 0
            ? (statusErrorKind(status) ?? 'ok')
            : connectionErrorKind(error);
      resolve({ status, error, kind, synchronous: !returned, ms: performance.now() - started });
    });
    returned = true;
  });
}

function transportAt(client: HttpClient, url: string, timeoutMs = 5000): HttpTransport {
  return createTransport(client, new URL(url), { maxSockets: 16, timeoutMs });
}

for (const client of HTTP_CLIENTS) {
  test(`${client}: method, path, headers and body arrive as sent; Host and Content-Length are set`, async () => {
    const received: {
      method: string | undefined;
      url: string | undefined;
      headers: http.IncomingHttpHeaders;
      body: string;
    }[] = [];
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({
          method: request.method,
          url: request.url,
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // A base path on the target is kept in front of each request's path.
    const transport = transportAt(client, `http://127.0.0.1:${port}/api/`);
    try {
      const [read, compose] = [await send(transport, READ), await send(transport, COMPOSE)];
      assert.deepEqual([read.kind, read.status, compose.kind, compose.status], ['ok', 200, 'ok', 200]);
      assert.equal(read.synchronous || compose.synchronous, false, 'done is never called synchronously');
      const [first, second] = received;
      assert.ok(first !== undefined && second !== undefined);
      assert.equal(first.method, 'GET');
      assert.equal(first.url, `/api${READ.path}`);
      assert.equal(first.headers.host, `127.0.0.1:${port}`);
      assert.equal(first.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(first.body, '');
      assert.equal(second.method, 'POST');
      assert.equal(second.body, COMPOSE.body);
      assert.equal(second.headers['content-length'], String(Buffer.byteLength(COMPOSE.body ?? '')));
    } finally {
      transport.close();
      server.closeAllConnections();
      server.close();
    }
  });

  test(`${client}: statuses, timeout, refused and reset are told apart`, async () => {
    await using server = await EndpointServer.start({ benchmark: 'social-network', latencyScale: 0.1 });
    const transport = transportAt(client, server.url, 300);
    try {
      assert.equal((await send(transport, READ)).kind, 'ok');
      const notFound = await send(transport, { ...READ, path: '/nowhere' });
      assert.deepEqual([notFound.status, notFound.kind], [404, 'http-4xx']);
      server.fail(1, 503);
      const failed = await send(transport, READ);
      assert.deepEqual([failed.status, failed.kind], [503, 'http-5xx']);
      server.reset(1);
      const reset = await send(transport, READ);
      assert.deepEqual([reset.status, reset.kind], [0, 'connection-reset'], String(reset.error));
      server.stall(2000);
      const late = await send(transport, READ);
      assert.deepEqual([late.status, late.kind], [0, 'timeout'], String(late.error));
      assert.ok(late.ms >= 290 && late.ms < 1500, `the deadline held: ${late.ms.toFixed(0)} ms`);
      await server.stop();
      const refused = await send(transport, READ);
      assert.deepEqual([refused.status, refused.kind], [0, 'connection-refused'], String(refused.error));
      assert.equal(
        [notFound, failed, reset, late, refused].some((ended) => ended.synchronous),
        false,
        'done is never called synchronously',
      );
    } finally {
      transport.close();
    }
  });

  test(`${client}: one connection per request in flight (no pipelining); abortAll cuts every one off`, async () => {
    await using server = await EndpointServer.start({ benchmark: 'social-network', latencyScale: 0.1 });
    const transport = transportAt(client, server.url);
    try {
      // Warm connections first, so the stalled requests below must each take a connection of their own.
      await Promise.all(Array.from({ length: 3 }, () => send(transport, READ)));
      server.stall(5000);
      const pending = Array.from({ length: 8 }, () => send(transport, READ));
      // A pipelining client would queue requests behind each other on fewer connections: the server would see
      // fewer than 8 at once.
      await settled(() => server.stats().inFlight === 8, 'the server holds all 8 requests at once');
      transport.abortAll();
      const ended = await Promise.all(pending);
      assert.deepEqual(
        ended.map((one) => one.kind),
        Array.from({ length: 8 }, () => 'aborted'),
      );
      assert.ok(
        ended.every((one) => one.ms < 2000),
        'reported at once, not at the deadline',
      );
      await settled(() => server.stats().inFlight === 0, 'the server saw every cut-off request close');
      server.stall(0);
    } finally {
      transport.close();
    }
  });

  test(`${client}: an HTTP_PROXY in the environment does not reroute the load`, async () => {
    await using server = await EndpointServer.start({ benchmark: 'social-network', latencyScale: 0.1 });
    const saved = { http: process.env.HTTP_PROXY, lower: process.env.http_proxy };
    // Port 9 (discard) refuses on loopback: a request sent through this proxy would fail.
    process.env.HTTP_PROXY = 'http://127.0.0.1:9';
    process.env.http_proxy = 'http://127.0.0.1:9';
    const transport = transportAt(client, server.url);
    try {
      const ended = await send(transport, READ);
      assert.equal(ended.kind, 'ok', String(ended.error));
      assert.equal(server.stats().total, 1);
    } finally {
      transport.close();
      for (const [name, value] of [
        ['HTTP_PROXY', saved.http],
        ['http_proxy', saved.lower],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
}
