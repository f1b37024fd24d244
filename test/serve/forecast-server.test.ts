// The HTTP routes over loopback against refresher states set by the test: before the first forecast,
// unknown routes and services, bad encodings, other methods, HEAD, and the route labels /metrics counts by.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { selectBackend } from '../../src/model/tf.js';
import { buildSnapshot } from '../../src/serve/forecast-snapshot.js';
import type { ForecastState } from '../../src/serve/forecast-refresher.js';
import { createForecastServer } from '../../src/serve/forecast-server.js';
import { HistogramSeries } from '../../src/serve/metric-series.js';
import { forecastWindow } from '../../src/serve/window-forecast.js';
import { assertMatchesSchema } from '../json-schema.js';
import { FAKE_SERVICES, fakeForecaster, fakeWindow } from './fake-forecaster.js';

const NOW = Date.UTC(2024, 3, 17, 12, 5);
const refresher: { state: ForecastState; durations: HistogramSeries } = {
  state: {
    status: 'waiting',
    snapshot: null,
    updatedAtMs: null,
    lastError: 'Prometheus GET /api/v1/query_range no answer (ECONNREFUSED)',
    refreshes: { ok: 0, unchanged: 0, failed: 1 },
  },
  durations: new HistogramSeries('rescape_forecast_refresh_duration_seconds', 'd', [1]),
};
const { server } = createForecastServer({
  servedBy: {
    model: { name: 'fake', kind: 'fake', dir: '/models/fake', services: 2, targets: ['cpu'] },
    source: { kind: 'prometheus', location: 'http://127.0.0.1:9' },
  },
  services: FAKE_SERVICES,
  refresher,
  info: { model: 'fake', kind: 'fake', source: 'prometheus', backend: 'cpu', version: 'test' },
  now: () => NOW,
});
let base: string;

before(async () => {
  await selectBackend('cpu');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const get = async (path: string, init: RequestInit = {}) => {
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
};

test('before the first forecast: /healthz and the forecasts answer 503 with the reason; an unknown service is still 404', async () => {
  const health = await get('/healthz');
  assert.equal(health.status, 503);
  assertMatchesSchema('serve-health', health.json());
  assert.equal(health.json().ok, false);
  const forecast = await get('/v1/forecast/api');
  assert.equal(forecast.status, 503);
  assertMatchesSchema('serve-status', forecast.json());
  assert.match(forecast.json().message, /^no forecast yet: Prometheus .*ECONNREFUSED/);
  assert.equal((await get('/v1/forecast/web')).status, 404);
});

test('routes: unknown paths, bad encodings and other methods get Status answers; HEAD gets headers only', async () => {
  const snapshot = buildSnapshot(
    fakeForecaster().card,
    fakeWindow(2),
    forecastWindow(fakeForecaster(), fakeWindow(2).values),
    NOW,
  );
  refresher.state = {
    ...refresher.state,
    status: 'fresh',
    snapshot,
    updatedAtMs: NOW - 1500,
    lastError: null,
  };

  const forecast = await get('/v1/forecast?pretty=1');
  assert.equal(forecast.status, 200);
  assert.equal(forecast.headers.get('cache-control'), 'no-store');
  assertMatchesSchema('serve-forecast', forecast.json());
  assert.equal(forecast.json().ageSeconds, 1.5);
  assert.deepEqual(
    forecast.json().services[1].targets[0].forecast.map((f: { value: number }) => f.value),
    [4, 4],
  );

  const cases: [string, RequestInit, number, string][] = [
    ['/nowhere', {}, 404, 'NotFound'],
    ['/v1/forecast/', {}, 404, 'NotFound'],
    ['/v1/forecast/api/extra', {}, 404, 'NotFound'],
    ['/v1/forecast/%E0%A4%A', {}, 400, 'BadRequest'],
    ['/metrics', { method: 'DELETE' }, 405, 'MethodNotAllowed'],
  ];
  for (const [path, init, status, reason] of cases) {
    const answer = await get(path, init);
    assert.equal(answer.status, status, path);
    assertMatchesSchema('serve-status', answer.json());
    assert.equal(answer.json().reason, reason, path);
  }
  assert.equal((await get('/metrics', { method: 'DELETE' })).headers.get('allow'), 'GET, HEAD');

  const head = await get('/v1/forecast/db', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
  assert.ok(Number(head.headers.get('content-length')) > 100);

  const metrics = (await get('/metrics')).text;
  // Unknown paths count under one label, whatever they were.
  assert.match(metrics, /^rescape_serve_http_requests_total\{route="other",code="404"\} 3$/m);
  assert.match(
    metrics,
    /^rescape_serve_http_requests_total\{route="\/v1\/forecast\/\{service\}",code="400"\} 1$/m,
  );
  assert.match(metrics, /^rescape_forecast_cpu_cores\{service="db",horizon_seconds="60"\} 4$/m);
  assert.match(metrics, /^rescape_observed_cpu_cores\{service="api"\} 2$/m);
  assert.match(metrics, /^rescape_forecast_last_update_timestamp_seconds 1713355498\.5$/m);
});
