import { Args, Flags } from '@oclif/core';
import { parseDurationSeconds } from '../core/duration.js';
import { UsageError } from '../core/errors.js';
import { BACKEND_NAMES, selectBackend, type BackendName } from '../model/tf.js';
import type { RefreshEvent } from '../serve/forecast-refresher.js';
import { startServe, type ServeSource, type ServeSummary } from '../serve/start-serve.js';
import { RescapeCommand } from '../cli/base-command.js';

export default class Serve extends RescapeCommand {
  static override summary =
    "Serve a model's forecasts over HTTP, refreshed in the background from Prometheus or a run directory.";
  static override description = `Answers GET /healthz, /v1/forecast (the next steps of every service, in original units, labelled with their horizon in seconds), /v1/forecast/{service} and /metrics (Prometheus text format: request counts and latencies, and the forecasts as gauges such as rescape_forecast_cpu_cores{service,horizon_seconds}).

The input is the model's window (the last 10 steps at the paper's configuration): from --run, the run directory's last complete steps, read again when its files change (a live profile or export appending to it); from --prometheus, the metrics profile's queries (those of \`rescape export\`) over the steps ending now − --offset, every --refresh. A missing sample takes the service's previous value in the window (a GPU metric absent for the whole window counts as 0 GPUs busy). The model runs in a worker thread only when the window has changed; requests are answered from the latest forecast and never wait for the model or Prometheus. Forecasts are clipped at 0. When a refresh fails (Prometheus down, a timeout), the last good forecast is served marked "stale": true with its age, and the next refresh that succeeds clears the mark. The bearer token comes from --prometheus-token or, better, RESCAPE_PROMETHEUS_TOKEN. SIGINT/SIGTERM close the server after the answers in flight.`;

  static override examples = [
    '<%= config.bin %> serve models/gat-gru --run runs/live --port 8080',
    'RESCAPE_PROMETHEUS_TOKEN=… <%= config.bin %> serve models/gat-gru --prometheus http://prometheus:9090 --namespace social-network --host 0.0.0.0',
  ];

  static override args = {
    modelDir: Args.string({ required: true, description: 'Model directory written by `rescape train`.' }),
  };

  static override flags = {
    run: Flags.string({
      description: 'Run directory to forecast from (its last steps; re-read when it grows).',
      exclusive: ['prometheus'],
    }),
    prometheus: Flags.string({
      description:
        'Prometheus base URL to query the last steps from (user:password@ in it is used as basic auth).',
      exclusive: ['run'],
    }),
    'prometheus-token': Flags.string({
      env: 'RESCAPE_PROMETHEUS_TOKEN',
      description: 'Bearer token for Prometheus (prefer the environment variable).',
    }),
    namespace: Flags.string({
      description: 'Kubernetes namespace of the benchmark (with --prometheus).',
      dependsOn: ['prometheus'],
    }),
    'metrics-profile': Flags.string({
      description: 'Metrics profile YAML (default: the built-in profile, as export uses).',
      dependsOn: ['prometheus'],
    }),
    offset: Flags.string({
      description:
        'Forecast from the steps ending this long before now (metrics that arrive late, or replaying history).',
      dependsOn: ['prometheus'],
    }),
    refresh: Flags.string({ default: '30s', description: 'How often the input window is read again.' }),
    timeout: Flags.string({
      default: '10s',
      description: 'Deadline of one refresh; a refresh that overruns it marks the forecast stale.',
    }),
    host: Flags.string({
      default: '127.0.0.1',
      description: 'Address to listen on (0.0.0.0 in a container).',
    }),
    port: Flags.integer({ default: 8080, description: 'TCP port to listen on (0: any free port).' }),
    backend: Flags.string({
      options: [...BACKEND_NAMES],
      description: 'Force a TensorFlow.js backend (default: the best available).',
    }),
  };

  async run(): Promise<ServeSummary> {
    const { args, flags } = await this.parse(Serve);
    const source = sourceOf(flags);
    const refreshSeconds = parseDurationSeconds('refresh', flags.refresh);
    const timeoutSeconds = parseDurationSeconds('timeout', flags.timeout);
    const signal = this.signal;
    const { backend, fallbacks } = await selectBackend(flags.backend as BackendName | undefined);
    // Server lines go straight to stderr: with --json oclif silences logToStderr, and a server's log matters.
    const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
    const handle = await startServe(
      {
        modelDir: args.modelDir,
        host: flags.host,
        port: flags.port,
        refreshSeconds,
        timeoutSeconds,
        source,
        backend,
      },
      { signal, onEvent: (event: RefreshEvent) => log(`${event.kind}: ${event.message}`) },
    );
    log(
      `serving ${args.modelDir} on ${handle.url} (backend ${backend}${fallbacks.length > 0 ? `; ${fallbacks.join('; ')}` : ''}), input from ${source.kind === 'run' ? source.runDir : `${flags.prometheus} namespace ${source.namespace}`}, refreshed every ${refreshSeconds} s`,
    );
    const summary = await handle.closed;
    this.log(
      `Served ${summary.requests} requests in ${summary.uptimeSeconds.toFixed(1)} s; refreshes: ${summary.refreshes.ok} new, ${summary.refreshes.unchanged} unchanged, ${summary.refreshes.failed} failed`,
    );
    return summary;
  }
}

function sourceOf(flags: {
  run?: string | undefined;
  prometheus?: string | undefined;
  'prometheus-token'?: string | undefined;
  namespace?: string | undefined;
  'metrics-profile'?: string | undefined;
  offset?: string | undefined;
}): ServeSource {
  if (flags.run !== undefined) return { kind: 'run', runDir: flags.run };
  if (flags.prometheus === undefined) {
    throw new UsageError('give the input: --run <run-dir> or --prometheus <url>', {
      suggestion: 'E.g. --run runs/demo, or --prometheus http://127.0.0.1:9090 --namespace social-network.',
    });
  }
  if (flags.namespace === undefined) {
    throw new UsageError('--namespace is required with --prometheus', {
      suggestion: 'Give the namespace the benchmark runs in, e.g. --namespace social-network.',
    });
  }
  return {
    kind: 'prometheus',
    url: flags.prometheus,
    namespace: flags.namespace,
    offsetSeconds: flags.offset === undefined ? 0 : parseDurationSeconds('offset', flags.offset),
    ...(flags['prometheus-token'] === undefined ? {} : { token: flags['prometheus-token'] }),
    ...(flags['metrics-profile'] === undefined ? {} : { metricsProfile: flags['metrics-profile'] }),
  };
}
