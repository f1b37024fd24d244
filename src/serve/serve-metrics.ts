// The /metrics page: serve's own request counts and latencies by route and status code, its refreshes, and
// the current forecast as gauges (one series per service and horizon) with its age and stale flag, so
// Prometheus can scrape the forecasts for Grafana panels and KEDA or HPA scaling rules.
import { formatExposition, type MetricFamily, type Sample } from './exposition.js';
import { TARGETS } from './feature-columns.js';
import type { ForecastState } from './forecast-refresher.js';
import { CounterSeries, HistogramSeries, LATENCY_BUCKETS } from './metric-series.js';

export class RequestMetrics {
  readonly requests = new CounterSeries(
    'rescape_serve_http_requests_total',
    'HTTP requests answered, by route and status code',
  );
  readonly durations = new HistogramSeries(
    'rescape_serve_http_request_duration_seconds',
    'Time from receiving a request to sending the last byte of its answer, by route and status code',
    LATENCY_BUCKETS,
  );

  observe(route: string, code: number, seconds: number): void {
    const labels = { route, code: String(code) };
    this.requests.inc(labels);
    this.durations.observe(labels, seconds);
  }
}

export interface MetricsPage {
  info: { model: string; kind: string; source: string; backend: string; version: string };
  targets: readonly string[];
  requests: RequestMetrics;
  refreshDurations: HistogramSeries;
  state: ForecastState;
}

export function renderMetrics(page: MetricsPage): string {
  const { state } = page;
  const gauge = (name: string, help: string, samples: Sample[]): MetricFamily => ({
    name,
    help,
    type: 'gauge',
    samples,
  });
  const families: MetricFamily[] = [
    gauge('rescape_serve_info', 'The model served and where its input comes from (always 1)', [
      { labels: page.info, value: 1 },
    ]),
    page.requests.requests.family(),
    page.requests.durations.family(),
    {
      name: 'rescape_forecast_refreshes_total',
      help: 'Refreshes of the forecast by result: ok (new forecast), unchanged (input unchanged), failed',
      type: 'counter',
      samples: Object.entries(state.refreshes).map(([result, value]) => ({ labels: { result }, value })),
    },
    page.refreshDurations.family(),
    gauge(
      'rescape_forecast_stale',
      'Whether the last refresh failed and the forecast served is an older one (1) or not (0)',
      [{ labels: {}, value: state.status === 'stale' ? 1 : 0 }],
    ),
  ];
  if (state.updatedAtMs !== null) {
    families.push(
      gauge(
        'rescape_forecast_last_update_timestamp_seconds',
        'When the forecast was last refreshed successfully',
        [{ labels: {}, value: state.updatedAtMs / 1000 }],
      ),
    );
  }
  const snapshot = state.snapshot;
  if (snapshot !== null) {
    families.push(
      gauge(
        'rescape_forecast_observed_until_timestamp_seconds',
        'End of the last observed step of the input window the forecast was made from',
        [{ labels: {}, value: snapshot.observedUntilMs / 1000 }],
      ),
    );
    page.targets.forEach((target, t) => {
      const presentation = TARGETS[target];
      if (presentation === undefined) return;
      families.push(
        gauge(
          presentation.forecastMetric,
          `Forecast ${presentation.help}, horizon_seconds after the last observed step`,
          snapshot.services.flatMap((service) =>
            service.targets[t]!.forecast.map((step) => ({
              labels: { service: service.service, horizon_seconds: String(step.horizonSeconds) },
              value: step.value,
            })),
          ),
        ),
        gauge(
          presentation.observedMetric,
          `Last observed ${presentation.help} (the end of the forecast's input window)`,
          snapshot.services.map((service) => ({
            labels: { service: service.service },
            value: service.targets[t]!.last,
          })),
        ),
      );
    });
  }
  return formatExposition(families);
}
