// Prometheus as the forecast's input: each refresh runs the metrics profile's queries (those `export` runs)
// over the last `window` steps and forms the model's input window from them. Steps end on multiples of the
// step in Unix time, so every refresh within one step sees the same window, and the step boundaries are
// export's: step k covers (end − (window−k)·step, end − (window−k−1)·step], evaluated at its end.
import { UsageError } from '../core/errors.js';
import { collectServiceMetrics } from '../profiler/metrics-profile-collect.js';
import type { MetricsProfile } from '../profiler/metrics-profile.js';
import type { PrometheusClient } from '../profiler/prometheus-client.js';
import { METRIC_FEATURES, absentMeansZero } from './feature-columns.js';
import { buildInputWindow, type InputWindow } from './input-window.js';
import type { ModelInputs, WindowSource, WindowSourceInfo } from './window-source.js';

export interface PrometheusWindowOptions {
  namespace: string;
  /** Read the window ending this long before now (late-arriving metrics, or replaying history). */
  offsetSeconds: number;
  /** Wall clock, Unix milliseconds. */
  now?: () => number;
}

export class PrometheusWindowSource implements WindowSource {
  readonly info: WindowSourceInfo;
  private readonly profile: MetricsProfile;
  private readonly now: () => number;

  /** Checks that Prometheus can supply every input of the model (a UsageError naming the first that it cannot). */
  constructor(
    private readonly client: PrometheusClient,
    profile: MetricsProfile,
    private readonly model: ModelInputs,
    private readonly options: PrometheusWindowOptions,
  ) {
    this.info = { kind: 'prometheus', location: client.url };
    this.now = options.now ?? Date.now;
    const columns = model.features.map((feature) => {
      const column = METRIC_FEATURES[feature]?.column;
      if (column === undefined) {
        throw new UsageError(
          `the model takes ${feature} as an input, which Prometheus does not record (only a run directory's load.csv has it)`,
          { suggestion: 'Serve it with --run <run-dir>, or train a model without --inputs load.' },
        );
      }
      return column;
    });
    const metrics = profile.metrics.filter((metric) => (columns as string[]).includes(metric.metricName));
    const lacking = columns.find((column) => !metrics.some((metric) => metric.metricName === column));
    if (lacking !== undefined) {
      throw new UsageError(
        `the metrics profile ${profile.source} has no ${lacking} query, which the model needs`,
        {
          suggestion: 'Add the query to the profile (or set includeDefaultMetrics: true).',
        },
      );
    }
    // Only the queries the model reads are run.
    this.profile = { ...profile, metrics };
  }

  async read(signal: AbortSignal): Promise<InputWindow> {
    const { window, services, features, stepSeconds } = this.model;
    const stepMs = stepSeconds * 1000;
    const endMs = Math.floor((this.now() - this.options.offsetSeconds * 1000) / stepMs) * stepMs;
    const collected = await collectServiceMetrics(this.client, this.profile, {
      start: new Date(endMs - window * stepMs),
      end: new Date(endMs),
      stepSeconds,
      namespace: this.options.namespace,
      services,
      signal,
    });
    const columns = features.map((feature) => METRIC_FEATURES[feature]!.column);
    const { values, filledCells } = buildInputWindow(
      { window, services, features },
      (t, s, f) => collected.values[columns[f]!]?.[services[s]!]?.[t] ?? null,
      { source: this.client.url, absentMeansZero },
    );
    return { values, filledCells, lastStep: null, observedUntilMs: endMs };
  }
}
