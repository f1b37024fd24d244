// PrometheusClient against loopback HTTP servers that answer like Prometheus (or a proxy in front of it) would:
// retries on 5xx only, no retry on 4xx, deadlines, cancellation, POST for long queries, range splitting,
// warnings, and credentials that reach the server but never a message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { InterruptedError, RemoteApiError, TimeoutError, UsageError } from '../../src/core/errors.js';
import { PrometheusClient, type PrometheusClientOptions } from '../../src/profiler/prometheus-client.js';
import { PrometheusApiError } from '../../src/profiler/prometheus-errors.js';

interface Seen {
  method: string;
  path: string;
  params: URLSearchParams;
  contentType: string | undefined;
  authorization: string | undefined;
}

type Handler = (seen: Seen, index: number, res: ServerResponse) => void;

/** A loopback server; every request is recorded with its decoded parameters (query string or form body). */
async function serve(handler: Handler) {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const params = req.method === 'POST' ? new URLSearchParams(body) : url.searchParams;
      const one = {
        method: req.method ?? '',
        path: url.pathname,
        params,
        contentType: req.headers['content-type'],
        authorization: req.headers.authorization,
      };
      seen.push(one);
      handler(one, seen.length - 1, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    [Symbol.asyncDispose]: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

const VECTOR = {
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: { pod: 'a' }, value: [1700000000, '2.5'] }] },
};

function fastClient(url: string, options: Partial<PrometheusClientOptions> = {}) {
  return new PrometheusClient({
    url,
    timeoutMs: 2_000,
    retries: 3,
    retryMinDelayMs: 5,
    retryMaxDelayMs: 20,
    ...options,
  });
}

test('503 twice, then success: retried, and the answer is parsed', async () => {
  await using server = await serve((_, i, res) =>
    i < 2
      ? json(res, 503, { status: 'error', errorType: 'unavailable', error: 'TSDB not ready' })
      : json(res, 200, VECTOR),
  );
  const result = await fastClient(server.url).query('up');
  assert.equal(server.seen.length, 3);
  assert.deepEqual(result.data, {
    resultType: 'vector',
    samples: [{ labels: { pod: 'a' }, sample: { time: 1700000000, value: 2.5 } }],
  });
});

test('errors that must not be retried, and errors that are retried until the retries run out', async () => {
  const cases = [
    {
      status: 422,
      body: { status: 'error', errorType: 'bad_data', error: 'invalid expression type "range vector"' },
      errorType: 'bad_data',
      attempts: 1,
    },
    {
      status: 400,
      body: {
        status: 'error',
        errorType: 'bad_data',
        error: 'exceeded maximum resolution of 11,000 points per timeseries',
      },
      errorType: 'bad_data',
      attempts: 1,
    },
    { status: 404, body: 'page not found', errorType: 'http', attempts: 1 },
    {
      status: 503,
      body: { status: 'error', errorType: 'unavailable', error: 'shutting down' },
      errorType: 'unavailable',
      attempts: 4,
    },
    { status: 502, body: '<html><body>Bad Gateway</body></html>', errorType: 'http', attempts: 4 },
    {
      status: 200,
      body: { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, 2] }] } },
      errorType: 'bad_response',
      attempts: 1,
    },
  ];
  for (const one of cases) {
    await using server = await serve((_, __, res) =>
      typeof one.body === 'string'
        ? res.writeHead(one.status).end(one.body)
        : json(res, one.status, one.body),
    );
    await assert.rejects(fastClient(server.url).query('up'), (error: unknown) => {
      assert.ok(error instanceof PrometheusApiError && error instanceof RemoteApiError, String(error));
      assert.equal(error.errorType, one.errorType);
      assert.equal(error.httpStatus, one.status);
      assert.match(
        error.message,
        new RegExp(`^Prometheus GET ${server.url}/api/v1/query answered HTTP ${one.status}`),
      );
      assert.ok(error.suggestion);
      return true;
    });
    assert.equal(server.seen.length, one.attempts, `HTTP ${one.status} ${one.errorType}`);
  }
});

test('a slow server: TimeoutError after the per-request deadline and its retries, no hang', async () => {
  await using server = await serve(() => {}); // never answers
  const started = performance.now();
  await assert.rejects(
    fastClient(server.url, { timeoutMs: 150, retries: 1 }).query('up'),
    (error: unknown) => {
      assert.ok(error instanceof TimeoutError, String(error));
      assert.match(error.message, /did not answer within 150 ms/);
      return true;
    },
  );
  const elapsed = performance.now() - started;
  assert.equal(server.seen.length, 2, 'one retry');
  assert.ok(elapsed >= 300 && elapsed < 1_500, `took ${elapsed.toFixed(0)} ms`);
});

test('an AbortSignal cancels a request in flight: InterruptedError, at once', async () => {
  await using server = await serve(() => {});
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('user pressed Ctrl-C')), 50);
  const started = performance.now();
  await assert.rejects(
    fastClient(server.url, { timeoutMs: 10_000 }).query('up', undefined, { signal: controller.signal }),
    InterruptedError,
  );
  assert.ok(performance.now() - started < 1_000);
  assert.equal(server.seen.length, 1);
});

test('short queries are GET; long ones POST as application/x-www-form-urlencoded with the same parameters', async () => {
  await using server = await serve((_, __, res) => json(res, 200, VECTOR));
  const prometheus = fastClient(server.url);
  const long = Array.from({ length: 200 }, (_, i) => `up{job="job-${i}"}`).join(' or ');
  await prometheus.query('up', new Date(1_700_000_000_500));
  await prometheus.query(long);
  const [short, posted] = server.seen;
  assert.equal(short?.method, 'GET');
  assert.equal(short?.params.get('query'), 'up');
  assert.equal(short?.params.get('time'), '1700000000.500');
  assert.equal(posted?.method, 'POST');
  assert.equal(posted?.contentType, 'application/x-www-form-urlencoded');
  assert.equal(posted?.params.get('query'), long);
});

test('range queries are split so no request exceeds maxPointsPerSeries; pieces join into one series; warnings are returned', async () => {
  await using server = await serve((seen, _, res) => {
    const start = Number(seen.params.get('start'));
    const end = Number(seen.params.get('end'));
    const step = Number(seen.params.get('step'));
    const values = [];
    for (let t = start; t <= end + 1e-9; t += step) values.push([t, String(t - 1_700_000_000)]);
    json(res, 200, {
      status: 'success',
      data: { resultType: 'matrix', result: [{ metric: { pod: 'p' }, values }] },
      warnings: ['PromQL info: metric might not be a counter'],
    });
  });
  const result = await fastClient(server.url, { maxPointsPerSeries: 7 }).queryRange('x', {
    start: new Date(1_700_000_000_000),
    end: new Date(1_700_000_000_000 + 29 * 30_000),
    stepSeconds: 30,
  });
  assert.equal(result.pieces, 5); // 30 points in pieces of ≤ 7
  for (const seen of server.seen) {
    const points = (Number(seen.params.get('end')) - Number(seen.params.get('start'))) / 30 + 1;
    assert.ok(points <= 7, `a request of ${points} points`);
  }
  assert.equal(result.series.length, 1);
  assert.deepEqual(
    result.series[0]?.samples.map((sample) => sample.value),
    Array.from({ length: 30 }, (_, i) => i * 30),
  );
  assert.deepEqual(result.warnings, ['PromQL info: metric might not be a counter']);
});

test('bearer token and basic auth reach the server, and never a message, a cause or an inspected error', async () => {
  const token = 'tok-7c1f0e4b9a2d';
  const password = 'pw-91b3e8c2';
  // A misbehaving proxy that echoes the request headers into its error page.
  await using server = await serve((seen, _, res) =>
    res.writeHead(500).end(`upstream failed; request had Authorization: ${seen.authorization}`),
  );
  const cases = [
    {
      client: fastClient(server.url, { retries: 0, auth: { kind: 'bearer', token } }),
      header: `Bearer ${token}`,
      secret: token,
    },
    {
      client: fastClient(server.url, { retries: 0, auth: { kind: 'basic', username: 'rescape', password } }),
      header: `Basic ${Buffer.from(`rescape:${password}`).toString('base64')}`,
      secret: password,
    },
    {
      client: fastClient(server.url.replace('http://', `http://rescape:${password}@`), { retries: 0 }),
      header: `Basic ${Buffer.from(`rescape:${password}`).toString('base64')}`,
      secret: password,
    },
  ];
  for (const [i, one] of cases.entries()) {
    const error = await one.client.query('up').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof PrometheusApiError);
    assert.equal(server.seen[i]?.authorization, one.header);
    const everything = `${error.message} ${error.suggestion} ${inspect(error, { depth: 10, showHidden: true })} ${JSON.stringify(error)}`;
    assert.ok(!everything.includes(one.secret), `the credential leaked: ${error.message}`);
    assert.ok(!everything.includes(one.header.split(' ')[1]!), 'the encoded header leaked');
    assert.match(error.message, /\[redacted\]/);
    assert.ok(!one.client.url.includes(password));
  }
  // No answer at all: the axios error (which holds the request headers) must not ride along as the cause.
  const closed = fastClient('http://127.0.0.1:9', { retries: 0, auth: { kind: 'bearer', token } });
  const error = await closed.query('up').then(
    () => undefined,
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof PrometheusApiError && error.errorType === 'connection');
  assert.ok(!inspect(error, { depth: 10, showHidden: true }).includes(token));
});

test('options are checked before any request', () => {
  const cases: [Partial<PrometheusClientOptions>, RegExp][] = [
    [{ url: 'not a url' }, /not a URL/],
    [{ url: 'ftp://127.0.0.1:9090' }, /must be http or https/],
    [
      { url: 'http://u:p@127.0.0.1:9090', auth: { kind: 'bearer', token: 't' } },
      /both in the URL and as options/,
    ],
    [{ timeoutMs: 0 }, /timeoutMs must be a positive number/],
    [{ retries: -1 }, /retries must be a whole number ≥ 0/],
    [{ maxPointsPerSeries: 20_000 }, /above Prometheus' limit/],
  ];
  for (const [options, message] of cases) {
    assert.throws(
      () => new PrometheusClient({ url: 'http://127.0.0.1:9090', ...options }),
      (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, message);
        return true;
      },
    );
  }
});
