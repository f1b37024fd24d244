// `rescape serve`: a model directory behind an HTTP endpoint, its input window read from a run directory or
// Prometheus by a background refresher. Options are checked and the model loaded (a bad model directory is a
// DataError) before anything listens; the first refresh starts right after, so /healthz tells when the first
// forecast is there. Closing stops the refresher, lets answers in flight finish and frees the model.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { toolVersion } from '../core/version.js';
import { loadForecaster, type LoadedForecaster } from '../model/load-forecaster.js';
import type { BackendName } from '../model/tf.js';
import { loadMetricsProfile } from '../profiler/metrics-profile.js';
import { checkNamespace } from '../profiler/metrics-profile-query.js';
import { PrometheusClient } from '../profiler/prometheus-client.js';
import { ForecastRefresher, type RefreshCounts, type RefreshEvent } from './forecast-refresher.js';
import { createForecastServer } from './forecast-server.js';
import { PrometheusWindowSource } from './prometheus-window-source.js';
import { RunWindowSource } from './run-window-source.js';
import { mainThreadRunner, startWorkerRunner, type ModelRunner } from './model-runner.js';
import type { ModelInputs, WindowSource, WindowSourceInfo } from './window-source.js';

/** How long answers in flight may take to finish at shutdown before their connections are cut. */
const SHUTDOWN_GRACE_MS = 5_000;

export type ServeSource =
  | { kind: 'run'; runDir: string }
  | {
      kind: 'prometheus';
      url: string;
      token?: string;
      namespace: string;
      metricsProfile?: string;
      offsetSeconds: number;
    };

export interface ServeOptions {
  modelDir: string;
  host: string;
  port: number;
  refreshSeconds: number;
  /** Deadline of one refresh, and of one Prometheus request. */
  timeoutSeconds: number;
  source: ServeSource;
  /** The tfjs backend selected by the caller; the worker thread uses it too. */
  backend: BackendName;
}

export interface ServeDeps {
  /** Aborting it closes the server. */
  signal?: AbortSignal;
  /** Wall clock, Unix milliseconds. */
  now?: () => number;
  onEvent?: (event: RefreshEvent) => void;
}

export interface ServeSummary {
  url: string;
  modelDir: string;
  kind: string;
  source: WindowSourceInfo;
  requests: number;
  refreshes: RefreshCounts;
  lastError: string | null;
  uptimeSeconds: number;
}

export interface ServeHandle {
  url: string;
  /** Resolves once the server has closed (after close() or the signal). */
  closed: Promise<ServeSummary>;
  close(): Promise<ServeSummary>;
}

export function validateServeOptions(options: ServeOptions): void {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new UsageError(`--port ${options.port} is not a TCP port`, {
      suggestion: 'Give a port between 1 and 65535, or 0 to let the system choose one.',
    });
  }
  if (options.host.trim() === '') {
    throw new UsageError('--host is empty', {
      suggestion: 'E.g. --host 127.0.0.1, or 0.0.0.0 in a container.',
    });
  }
  if (options.source.kind === 'prometheus') checkNamespace(options.source.namespace);
}

export async function startServe(options: ServeOptions, deps: ServeDeps = {}): Promise<ServeHandle> {
  validateServeOptions(options);
  const now = deps.now ?? Date.now;
  const startedMs = now();
  const forecaster = loadForecaster(options.modelDir);
  let source: WindowSource;
  let runner: ModelRunner | undefined;
  let refresher: ForecastRefresher;
  let listening: ReturnType<typeof createForecastServer>;
  try {
    source = createSource(options, forecaster, now);
    runner = await createRunner(forecaster, options, deps.onEvent);
    refresher = new ForecastRefresher({
      source,
      card: forecaster.card,
      runner,
      refreshMs: options.refreshSeconds * 1000,
      timeoutMs: options.timeoutSeconds * 1000,
      now,
      ...(deps.onEvent === undefined ? {} : { onEvent: deps.onEvent }),
    });
    const { card } = forecaster;
    const modelDir = resolve(options.modelDir);
    listening = createForecastServer({
      servedBy: {
        model: {
          name: basename(modelDir),
          kind: card.kind,
          dir: modelDir,
          services: card.services.length,
          targets: card.targets,
        },
        source: source.info,
      },
      services: card.services,
      refresher,
      info: {
        model: basename(modelDir),
        kind: card.kind,
        source: source.info.kind,
        backend: options.backend,
        version: toolVersion,
      },
      now,
    });
    await listen(listening.server, options.host, options.port);
  } catch (error) {
    if (runner === undefined) forecaster.model.dispose();
    else await runner.close();
    throw error;
  }
  const { server, metrics } = listening;
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  refresher.start();

  let closing: Promise<ServeSummary> | undefined;
  let resolveClosed: (summary: ServeSummary) => void = () => {};
  const closed = new Promise<ServeSummary>((resolvePromise) => (resolveClosed = resolvePromise));
  const close = (): Promise<ServeSummary> => {
    closing ??= (async () => {
      await refresher.stop();
      const closed = once(server, 'close');
      server.close();
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      await closed;
      clearTimeout(cut);
      await runner.close();
      const state = refresher.state;
      const summary: ServeSummary = {
        url,
        modelDir: options.modelDir,
        kind: forecaster.card.kind,
        source: source.info,
        requests: metrics.requests.total(),
        refreshes: state.refreshes,
        lastError: state.lastError,
        uptimeSeconds: (now() - startedMs) / 1000,
      };
      resolveClosed(summary);
      return summary;
    })();
    return closing;
  };
  if (deps.signal !== undefined) {
    if (deps.signal.aborted) void close();
    else deps.signal.addEventListener('abort', () => void close(), { once: true });
  }
  return { url, closed, close };
}

/** The worker thread when it starts; the main thread otherwise, saying why. The runner owns the model. */
async function createRunner(
  forecaster: LoadedForecaster,
  options: ServeOptions,
  onEvent: ServeDeps['onEvent'],
): Promise<ModelRunner> {
  try {
    const runner = await startWorkerRunner(options.modelDir, options.backend);
    // The worker holds its own copy; this one only had to prove the model directory sound.
    forecaster.model.dispose();
    return runner;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    onEvent?.({ kind: 'notice', message: `the model runs in the main thread: no worker thread (${reason})` });
    return mainThreadRunner(forecaster);
  }
}

function createSource(options: ServeOptions, forecaster: LoadedForecaster, now: () => number): WindowSource {
  const { card } = forecaster;
  const model: ModelInputs = {
    services: card.services,
    features: card.features,
    window: card.config.window,
    stepSeconds: card.stepSeconds,
  };
  const source = options.source;
  if (source.kind === 'run') return new RunWindowSource(source.runDir, model);
  const client = new PrometheusClient({
    url: source.url,
    ...(source.token === undefined ? {} : { auth: { kind: 'bearer' as const, token: source.token } }),
    timeoutMs: options.timeoutSeconds * 1000,
    // The refresher tries again every interval; one quick retry covers a dropped connection.
    retries: 1,
    retryMinDelayMs: 250,
    retryMaxDelayMs: 1_000,
  });
  return new PrometheusWindowSource(client, loadMetricsProfile(source.metricsProfile), model, {
    namespace: source.namespace,
    offsetSeconds: source.offsetSeconds,
    now,
  });
}

async function listen(server: Server, host: string, port: number): Promise<void> {
  try {
    server.listen(port, host);
    await once(server, 'listening');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`cannot listen on ${host}:${port}: ${code}`, {
      suggestion:
        code === 'EADDRINUSE'
          ? 'Another process holds the port: choose another --port (0 picks a free one).'
          : 'Check --host (an address of this machine) and --port (below 1024 needs privileges).',
      cause: error,
    });
  }
}
