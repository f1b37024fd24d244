// The API v3 client (OTLP JSON) and `--jaeger-api auto` against a local Jaeger stand-in on 127.0.0.1.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RemoteApiError } from '../../src/core/errors.js';
import { createJaegerClient, detectJaegerApi } from '../../src/trace/jaeger-api.js';
import { JaegerV3Client, rfc3339Micros } from '../../src/trace/jaeger-v3-client.js';
import { extractCallGraph, serviceIdsByName } from '../../src/trace/call-graph-extraction.js';
import { fakeJaegerPool, FAST_RETRIES, v1TraceOf, type V1Trace } from './fake-jaeger.js';

const START_MS = Date.UTC(2025, 0, 2, 3, 4, 5);
const traces = (count: number, everyMs: number): V1Trace[] =>
  Array.from({ length: count }, (_, i) =>
    v1TraceOf(`${i.toString(16).padStart(16, '0')}${'ab'.repeat(8)}`, (START_MS + i * everyMs) * 1000, [
      { um: 'frontend', dm: 'checkout', rpcType: 'grpc', rtUs: 2500 },
      { um: 'checkout', dm: 'payment', rpcType: 'grpc', rtUs: 800 },
    ]),
  );

const serve = fakeJaegerPool();
const fast = FAST_RETRIES;

describe('JaegerV3Client', () => {
  it('fetches OTLP answers with the documented snake_case parameters and RFC 3339 times', async () => {
    const server = await serve({ traces: traces(40, 1000), apis: ['v3'] });
    const client = new JaegerV3Client({ baseUrl: server.url, ...fast });
    assert.deepEqual((await client.services()).sort(), ['checkout', 'frontend', 'payment']);
    const result = await client.findTraces({
      service: 'frontend',
      start: new Date(START_MS),
      end: new Date(START_MS + 40_000),
      limit: 25,
      sliceSeconds: 40,
      concurrency: 1,
    });
    assert.equal(result.traces.length, 40);
    assert.equal(result.queries, 3); // 40 traces ≥ 25 → two halves of 20
    const params = server.requests.find((r) => r.path === '/api/v3/traces')?.params;
    assert.deepEqual([...(params?.keys() ?? [])].sort(), [
      'query.num_traces',
      'query.service_name',
      'query.start_time_max',
      'query.start_time_min',
    ]);
    assert.equal(params?.get('query.start_time_min'), '2025-01-02T03:04:05.000000Z');
    assert.equal(params?.get('query.start_time_max'), '2025-01-02T03:04:44.999999Z');
    const { rows } = extractCallGraph(result.traces, {
      startTime: new Date(START_MS),
      stepSeconds: 30,
      serviceIds: serviceIdsByName(['checkout', 'frontend', 'payment']),
    });
    assert.equal(rows.length, 80);
    assert.deepEqual(rows[0], {
      timestamp: 0,
      traceId: `${'0'.repeat(16)}${'ab'.repeat(8)}`,
      um: 'frontend',
      dm: 'checkout',
      umId: 1,
      dmId: 0,
      rpcType: 'grpc',
      rtMs: 2.5,
    });
    assert.equal(rows.at(-1)?.timestamp, 1);
  });

  it('treats 404 "No traces found" as an empty slice', async () => {
    const server = await serve({ traces: traces(2, 1000), apis: ['v3'] });
    const client = new JaegerV3Client({ baseUrl: server.url, ...fast });
    const result = await client.findTraces({
      service: 'frontend',
      start: new Date(0),
      end: new Date(60_000),
    });
    assert.deepEqual([result.traces, result.queries], [[], 1]);
  });

  it('a 404 that is not "No traces found" is an error suggesting the v1 API', async () => {
    const server = await serve({ traces: [], apis: ['v1'] });
    const client = new JaegerV3Client({ baseUrl: server.url, ...fast });
    await assert.rejects(
      client.findTraces({ service: 'frontend', start: new Date(0), end: new Date(1000) }),
      (error: unknown) => error instanceof RemoteApiError && /v1/.test(error.suggestion ?? ''),
    );
  });

  it('retries a 502 on /api/v3/traces', async () => {
    const server = await serve({
      traces: traces(3, 1000),
      apis: ['v3'],
      fault: (req) =>
        req.path === '/api/v3/traces' && server.requests.length === 1
          ? { status: 502, body: 'bad gateway' }
          : undefined,
    });
    const result = await new JaegerV3Client({ baseUrl: server.url, ...fast }).findTraces({
      service: 'checkout',
      start: new Date(START_MS),
      end: new Date(START_MS + 60_000),
    });
    assert.deepEqual([result.traces.length, server.requests.length], [3, 2]);
  });

  it('formats microsecond RFC 3339', () => {
    assert.equal(rfc3339Micros(1_706_678_909_209_712), '2024-01-31T05:28:29.209712Z');
  });
});

describe('detectJaegerApi', () => {
  it('picks v3 when /api/v3/services answers', async () => {
    const server = await serve({ traces: traces(1, 1), apis: ['v1', 'v3'] });
    assert.equal(await detectJaegerApi({ baseUrl: server.url, ...fast }), 'v3');
    assert.deepEqual(
      server.requests.map((r) => r.path),
      ['/api/v3/services'],
    );
  });

  it('falls back to v1 when v3 answers 404, and builds that client for "auto"', async () => {
    const server = await serve({ traces: traces(1, 1), apis: ['v1'] });
    const client = await createJaegerClient({ baseUrl: server.url, ...fast }, 'auto');
    assert.equal(client.api, 'v1');
    assert.deepEqual(
      server.requests.map((r) => r.path),
      ['/api/v3/services', '/api/services'],
    );
  });

  it('fails with a RemoteApiError when neither API answers', async () => {
    const server = await serve({ traces: [], apis: [] });
    await assert.rejects(
      detectJaegerApi({ baseUrl: server.url, ...fast }),
      (error: unknown) => error instanceof RemoteApiError,
    );
    assert.equal(server.requests.length, 2);
  });

  it('a 5xx on the probe is not taken for "v3 absent"', async () => {
    const server = await serve({ traces: [], apis: ['v1'], fault: () => ({ status: 503, body: '' }) });
    await assert.rejects(detectJaegerApi({ baseUrl: server.url, ...fast, retries: 1 }), { status: 503 });
    assert.deepEqual(
      server.requests.map((r) => r.path),
      ['/api/v3/services', '/api/v3/services'],
    );
  });
});
