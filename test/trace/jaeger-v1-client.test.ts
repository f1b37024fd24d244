// The legacy-API client against a local Jaeger stand-in on 127.0.0.1: slicing, retries, timeouts, 4xx, auth.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { RemoteApiError, TimeoutError } from '../../src/core/errors.js';
import { extractCallGraph, serviceIdsByName } from '../../src/trace/call-graph-extraction.js';
import { JaegerApiError } from '../../src/trace/jaeger-http.js';
import { JaegerV1Client } from '../../src/trace/jaeger-v1-client.js';
import { collectTraces } from '../../src/trace/collect-traces.js';
import {
  fakeJaegerPool,
  FAST_RETRIES,
  v1TraceOf,
  type FakeJaeger,
  type SyntheticCall,
  type V1Trace,
} from './fake-jaeger.js';

const START_MS = Date.UTC(2024, 3, 17, 12, 0, 0);
const CALLS: SyntheticCall[] = [
  { um: 'nginx-web-server', dm: 'home-timeline-service', rpcType: 'thrift', rtUs: 1500 },
  { um: 'home-timeline-service', dm: 'post-storage-service', rpcType: 'thrift', rtUs: 700 },
  { um: 'post-storage-service', dm: 'post-storage-mongodb', rpcType: 'mongodb', rtUs: 300 },
];

/** `count` traces, one every `everyMs` from START_MS. */
function traces(count: number, everyMs: number): V1Trace[] {
  return Array.from({ length: count }, (_, i) =>
    v1TraceOf(i.toString(16).padStart(16, '0'), (START_MS + i * everyMs) * 1000, CALLS),
  );
}

const serve = fakeJaegerPool();
const fast = FAST_RETRIES;
const tracePath = (s: FakeJaeger) => s.requests.filter((r) => r.path === '/api/traces');

describe('JaegerV1Client', () => {
  it('lists services and fetches a 10-minute window in 300 s slices; the rows come back whole', async () => {
    const server = await serve({ traces: traces(50, 12_000), apis: ['v1'] });
    const client = new JaegerV1Client({ baseUrl: server.url, ...fast });
    const services = await client.services();
    assert.deepEqual(services.sort(), [
      'home-timeline-service',
      'nginx-web-server',
      'post-storage-mongodb',
      'post-storage-service',
    ]);
    const result = await client.findTraces({
      service: 'nginx-web-server',
      start: new Date(START_MS),
      end: new Date(START_MS + 600_000),
      limit: 100,
    });
    assert.equal(result.traces.length, 50);
    assert.deepEqual([result.queries, result.truncated, result.warnings], [2, [], []]);
    const params = tracePath(server)[0]?.params;
    assert.deepEqual(
      [
        params?.get('service'),
        params?.get('start'),
        params?.get('end'),
        params?.get('limit'),
        params?.get('lookback'),
      ],
      ['nginx-web-server', String(START_MS * 1000), String((START_MS + 300_000) * 1000 - 1), '100', 'custom'],
    );
    const { rows, stats } = extractCallGraph(result.traces, {
      startTime: new Date(START_MS),
      stepSeconds: 30,
      serviceIds: serviceIdsByName(services),
    });
    assert.equal(rows.length, 150);
    assert.deepEqual(
      rows.slice(0, 3).map((r) => [r.timestamp, r.um, r.dm, r.rpcType, r.rtMs]),
      [
        [0, 'nginx-web-server', 'home-timeline-service', 'thrift', 1.5],
        [0, 'home-timeline-service', 'post-storage-service', 'thrift', 0.7],
        [0, 'post-storage-service', 'post-storage-mongodb', 'mongodb', 0.3],
      ],
    );
    assert.equal(rows.at(-1)?.timestamp, 19); // trace 49 starts at 588 s
    assert.deepEqual([stats.orphans, stats.duplicates, stats.unknownServices], [0, 0, []]);
  });

  it('splits slices that reach the limit until every trace is fetched', async () => {
    const server = await serve({ traces: traces(64, 1000), apis: ['v1'] }); // 64 traces in 64 s
    const client = new JaegerV1Client({ baseUrl: server.url, ...fast });
    const result = await client.findTraces({
      service: 'nginx-web-server',
      start: new Date(START_MS),
      end: new Date(START_MS + 64_000),
      limit: 10,
      sliceSeconds: 64,
      concurrency: 1,
    });
    assert.equal(result.traces.length, 64);
    assert.deepEqual(result.truncated, []);
    // 64 s → 2×32 → 4×16 → 8×8 (8 traces each, under the limit): 1 + 2 + 4 + 8 queries.
    assert.equal(result.queries, 15);
    assert.equal(tracePath(server).length, 15);
  });

  it('reports truncation when even the minimum slice reaches the limit', async () => {
    const server = await serve({ traces: traces(30, 10), apis: ['v1'] }); // 30 traces in 0.3 s
    const client = new JaegerV1Client({ baseUrl: server.url, ...fast });
    const result = await client.findTraces({
      service: 'nginx-web-server',
      start: new Date(START_MS),
      end: new Date(START_MS + 4000),
      limit: 10,
      sliceSeconds: 4,
      minSliceSeconds: 1,
    });
    assert.equal(result.traces.length, 10);
    // [0,4) full → [0,2) full → [0,1) full, and halving again would go under 1 s; then [1,2) and [2,4) empty.
    assert.deepEqual(result.truncated, [{ startUs: START_MS * 1000, endUs: (START_MS + 1000) * 1000 }]);
    assert.equal(result.queries, 5);
  });

  it('retries 5xx answers, then succeeds', async () => {
    const server = await serve({
      traces: traces(5, 1000),
      apis: ['v1'],
      fault: (req, i) =>
        req.path === '/api/traces' && i < 2 ? { status: 503, body: 'upstream connect error' } : undefined,
    });
    const client = new JaegerV1Client({ baseUrl: server.url, ...fast });
    const result = await client.findTraces({
      service: 'nginx-web-server',
      start: new Date(START_MS),
      end: new Date(START_MS + 60_000),
    });
    assert.equal(result.traces.length, 5);
    assert.equal(tracePath(server).length, 3);
  });

  it('gives up after the retries on a persistent 500 with the URL, status and Jaeger message', async () => {
    const body = JSON.stringify({
      data: null,
      total: 0,
      limit: 0,
      offset: 0,
      errors: [{ code: 500, msg: 'cassandra timeout' }],
    });
    const server = await serve({ traces: [], apis: ['v1'], fault: () => ({ status: 500, body }) });
    const client = new JaegerV1Client({ baseUrl: server.url, ...fast, retries: 2 });
    await assert.rejects(client.services(), (error: unknown) => {
      assert.ok(error instanceof JaegerApiError && error instanceof RemoteApiError);
      assert.equal(error.status, 500);
      assert.match(
        error.message,
        /GET http:\/\/127\.0\.0\.1:\d+\/api\/services .*attempt 3 of 3.* answered 500: cassandra timeout/,
      );
      assert.match(error.suggestion ?? '', /retry later/);
      return true;
    });
    assert.equal(server.requests.length, 3);
  });

  it('does not retry a 4xx', async () => {
    const body = JSON.stringify({
      data: null,
      total: 0,
      limit: 0,
      offset: 0,
      errors: [{ code: 400, msg: "unable to parse param 'limit'" }],
    });
    const server = await serve({ traces: [], apis: ['v1'], fault: () => ({ status: 400, body }) });
    const client = new JaegerV1Client({ baseUrl: server.url, ...fast });
    await assert.rejects(
      client.findTraces({ service: 's', start: new Date(START_MS), end: new Date(START_MS + 1000) }),
      (error: unknown) =>
        error instanceof JaegerApiError &&
        error.status === 400 &&
        /unable to parse param 'limit'/.test(error.message),
    );
    assert.equal(server.requests.length, 1);
  });

  it('times out a slow answer, retries, and fails with a TimeoutError without hanging', async () => {
    const server = await serve({ traces: traces(1, 1), apis: ['v1'], fault: () => ({ delayMs: 5000 }) });
    const client = new JaegerV1Client({
      baseUrl: server.url,
      timeoutMs: 150,
      retries: 1,
      retryMinDelayMs: 1,
      retryMaxDelayMs: 5,
    });
    const began = Date.now();
    await assert.rejects(client.services(), (error: unknown) => {
      assert.ok(error instanceof TimeoutError);
      assert.match(error.message, /\/api\/services \(attempt 2 of 2\) did not answer within 150 ms/);
      return true;
    });
    assert.ok(Date.now() - began < 2000);
    assert.equal(server.requests.length, 2);
  });

  it('recovers when only the first answer is slow', async () => {
    const server = await serve({
      traces: traces(3, 1),
      apis: ['v1'],
      fault: (_r, i) => (i === 0 ? { delayMs: 5000 } : undefined),
    });
    const client = new JaegerV1Client({
      baseUrl: server.url,
      timeoutMs: 150,
      retryMinDelayMs: 1,
      retryMaxDelayMs: 5,
    });
    assert.equal((await client.services()).length, 4);
    assert.equal(server.requests.length, 2);
  });

  it('stops at once when the caller aborts', async () => {
    const server = await serve({ traces: [], apis: ['v1'], fault: () => ({ delayMs: 5000 }) });
    const client = new JaegerV1Client({ baseUrl: server.url, timeoutMs: 4000 });
    const began = Date.now();
    await assert.rejects(
      client.services(AbortSignal.timeout(100)),
      (error: unknown) => (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError',
    );
    assert.ok(Date.now() - began < 1500);
    assert.equal(server.requests.length, 1);
  });

  it('sends a bearer token and never shows it in errors', async () => {
    const token = 'sekret-token-123';
    const server = await serve({
      traces: [],
      apis: ['v1'],
      fault: () => ({ status: 401, body: 'unauthorized' }),
    });
    const client = new JaegerV1Client({ baseUrl: server.url, auth: { bearerToken: token }, ...fast });
    const error = await client.services().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof JaegerApiError);
    assert.equal(server.requests[0]?.authorization, `Bearer ${token}`);
    assert.match(error.suggestion ?? '', /token|credentials/);
    assert.ok(!inspect(error, { depth: 10 }).includes(token));
    assert.ok(!JSON.stringify({ ...error, message: error.message }).includes(token));
  });

  it('turns URL credentials into basic auth and keeps the password out of errors', async () => {
    const server = await serve({
      traces: [],
      apis: ['v1'],
      fault: () => ({ status: 403, body: 'forbidden' }),
    });
    const url = server.url.replace('http://', 'http://alice:pa55word@');
    const error = await new JaegerV1Client({ baseUrl: url, ...fast }).services().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof JaegerApiError);
    assert.equal(
      server.requests[0]?.authorization,
      `Basic ${Buffer.from('alice:pa55word').toString('base64')}`,
    );
    assert.ok(!inspect(error, { depth: 10 }).includes('pa55word'));
  });

  it('a connection refused is a RemoteApiError naming the origin', async () => {
    const server = await serve({ traces: [], apis: ['v1'] });
    const url = server.url;
    await server.close();
    await assert.rejects(
      new JaegerV1Client({ baseUrl: url, ...fast, retries: 1 }).services(),
      (error: unknown) => {
        assert.ok(error instanceof JaegerApiError);
        assert.equal(error.status, undefined);
        assert.match(error.message, /ECONNREFUSED/);
        return true;
      },
    );
  });

  it('errors beside no data are a RemoteApiError; invalid options fail before any request', async () => {
    const body = JSON.stringify({
      data: [],
      total: 0,
      limit: 0,
      offset: 0,
      errors: [{ code: 500, msg: 'trace store down' }],
    });
    const server = await serve({ traces: [], apis: ['v1'], fault: () => ({ status: 200, body }) });
    const client = new JaegerV1Client({ baseUrl: server.url, ...fast });
    await assert.rejects(client.services(), /trace store down/);
    const before = server.requests.length;
    await assert.rejects(
      client.findTraces({ service: 's', start: new Date(START_MS), end: new Date(START_MS) }),
      { name: 'UsageError' },
    );
    await assert.rejects(
      client.findTraces({ service: 's', start: new Date(START_MS), end: new Date(START_MS + 1), limit: 0 }),
      { name: 'UsageError' },
    );
    assert.equal(server.requests.length, before);
  });

  it('collectTraces searches every service and keeps one copy of each trace', async () => {
    const server = await serve({ traces: traces(6, 1000), apis: ['v1'] });
    const client = new JaegerV1Client({ baseUrl: server.url, ...fast });
    const result = await collectTraces(client, {
      start: new Date(START_MS),
      end: new Date(START_MS + 60_000),
    });
    assert.equal(result.services.length, 4);
    assert.deepEqual([result.traces.length, result.queries], [6, 4]);
  });
});
