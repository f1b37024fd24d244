// serve's HTTP side on node:http: four read-only routes answered from the refresher's last snapshot, so a
// request never waits on Prometheus or the model. Every answer is counted and timed by route template (not
// by path, which would give Prometheus one series per misspelt URL) and status code.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { EXPOSITION_CONTENT_TYPE } from './exposition.js';
import type { ForecastRefresher } from './forecast-refresher.js';
import {
  forecastAnswer,
  healthAnswer,
  statusAnswer,
  type ServedBy,
  type StatusJson,
} from './http-answers.js';
import { RequestMetrics, renderMetrics, type MetricsPage } from './serve-metrics.js';

export const ROUTES = {
  health: '/healthz',
  forecast: '/v1/forecast',
  serviceForecast: '/v1/forecast/{service}',
  metrics: '/metrics',
  other: 'other',
} as const;

const FORECAST_PREFIX = '/v1/forecast/';
const JSON_TYPE = 'application/json; charset=utf-8';

export interface ForecastServerOptions {
  servedBy: ServedBy;
  /** The model's services, in its order: the valid {service} values. */
  services: readonly string[];
  /** Only its current state and refresh timings are read. */
  refresher: Pick<ForecastRefresher, 'state' | 'durations'>;
  info: MetricsPage['info'];
  /** Wall clock, Unix milliseconds. */
  now?: () => number;
}

interface Answer {
  route: string;
  code: number;
  type: string;
  body: string;
  headers?: Record<string, string>;
}

export function createForecastServer(options: ForecastServerOptions): {
  server: Server;
  metrics: RequestMetrics;
} {
  const metrics = new RequestMetrics();
  const now = options.now ?? Date.now;
  const server = createServer((request, response) => {
    const started = performance.now();
    let answer: Answer;
    try {
      answer = route(request, options, metrics, now());
    } catch (error) {
      // A bug here must cost one answer, not the process.
      const message = error instanceof Error ? error.message : String(error);
      answer = status(ROUTES.other, statusAnswer(500, 'InternalError', message));
    }
    response.on('finish', () =>
      metrics.observe(answer.route, answer.code, (performance.now() - started) / 1000),
    );
    send(response, answer);
  });
  return { server, metrics };
}

function route(
  request: IncomingMessage,
  options: ForecastServerOptions,
  metrics: RequestMetrics,
  nowMs: number,
): Answer {
  const path = new URL(request.url ?? '/', 'http://serve').pathname;
  const routeName = routeOf(path);
  if (routeName === ROUTES.other) {
    return status(
      routeName,
      statusAnswer(404, 'NotFound', `no route ${path}`, {
        routes: [ROUTES.health, ROUTES.forecast, ROUTES.serviceForecast, ROUTES.metrics],
      }),
    );
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return {
      ...status(
        routeName,
        statusAnswer(405, 'MethodNotAllowed', `${request.method} is not allowed on ${path}`),
      ),
      headers: { Allow: 'GET, HEAD' },
    };
  }
  const { servedBy, refresher } = options;
  const state = refresher.state;
  switch (routeName) {
    case ROUTES.health: {
      const health = healthAnswer(servedBy, state, nowMs);
      return { route: routeName, code: health.ok ? 200 : 503, type: JSON_TYPE, body: JSON.stringify(health) };
    }
    case ROUTES.metrics:
      return {
        route: routeName,
        code: 200,
        type: EXPOSITION_CONTENT_TYPE,
        body: renderMetrics({
          info: options.info,
          targets: servedBy.model.targets,
          requests: metrics,
          refreshDurations: refresher.durations,
          state,
        }),
      };
    default:
      break;
  }
  let service: string | undefined;
  if (routeName === ROUTES.serviceForecast) {
    try {
      service = decodeURIComponent(path.slice(FORECAST_PREFIX.length));
    } catch {
      return status(
        routeName,
        statusAnswer(400, 'BadRequest', `the service name in ${path} is not valid percent-encoding`),
      );
    }
    if (!options.services.includes(service)) {
      return status(
        routeName,
        statusAnswer(404, 'NotFound', `unknown service ${JSON.stringify(service)}`, {
          service,
          validServices: options.services,
        }),
      );
    }
  }
  const snapshot = state.snapshot;
  if (snapshot === null) {
    return status(
      routeName,
      statusAnswer(
        503,
        'ServiceUnavailable',
        `no forecast yet: ${state.lastError ?? 'the first refresh is running'}`,
      ),
    );
  }
  const body = service === undefined ? snapshot.json.body : snapshot.json.services.get(service);
  return {
    route: routeName,
    code: 200,
    type: JSON_TYPE,
    body: forecastAnswer(servedBy, state, nowMs, body ?? ''),
  };
}

function routeOf(path: string): string {
  if (path === ROUTES.health || path === ROUTES.metrics || path === ROUTES.forecast) return path;
  if (
    path.startsWith(FORECAST_PREFIX) &&
    path.length > FORECAST_PREFIX.length &&
    !path.includes('/', FORECAST_PREFIX.length)
  ) {
    return ROUTES.serviceForecast;
  }
  return ROUTES.other;
}

function status(route: string, json: StatusJson): Answer {
  return { route, code: json.code, type: JSON_TYPE, body: JSON.stringify(json) };
}

function send(response: ServerResponse, answer: Answer): void {
  response.writeHead(answer.code, {
    'Content-Type': answer.type,
    'Content-Length': Buffer.byteLength(answer.body),
    // Forecasts change every refresh: a cache in between would serve old ones without their stale mark.
    'Cache-Control': 'no-store',
    ...answer.headers,
  });
  response.end(answer.body);
}
