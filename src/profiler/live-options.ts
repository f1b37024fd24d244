// Options of `rescape profile --cluster kubernetes`, checked before anything is contacted or written, and the
// settings run.json records about a live run (read back by --resume). Credentials are never recorded: the
// Prometheus and Jaeger tokens come from flags or the environment each time, the kubeconfig's stay in it.
import { resolve } from 'node:path';
import { DataError, UsageError } from '../core/errors.js';
import type { KubeconfigChoice } from '../cluster/kubeconfig.js';
import type { RunManifest } from '../dataset/run-format.js';
import { HTTP_BENCHMARKS } from '../sim/http-routes.js';
import type { BenchmarkName } from '../sim/topology-types.js';
import type { JaegerApiVersion } from '../trace/trace-query.js';
import type { ExportCredentials } from './export-options.js';
import { LIVE_SOURCE, urlWithoutCredentials } from './export-options.js';
import { parseSegments, type LiveSegment } from './live-segments.js';
import type { LiveSourceAddresses } from './live-sources.js';
import type { LiveBuildOptions } from './live-build.js';
import { checkNamespace } from './metrics-profile-query.js';
import { validateProfileOptions } from './simulated-profile.js';

export interface LiveProfileOptions extends LiveSourceAddresses {
  benchmark: BenchmarkName;
  namespace: string;
  kubeconfig: KubeconfigChoice;
  /** Profile what is deployed instead of deploying the benchmark first. */
  useDeployed: boolean;
  registry?: string;
  /** Images to build (Kaniko Jobs in the namespace) before the deploy, which then pulls them. */
  build?: LiveBuildOptions;
  deployTimeoutSeconds: number;
  /** The front end's URL instead of endpoint discovery. */
  target?: string;
  durationSeconds: number;
  stepSeconds: number;
  load: { min: number; max: number; redrawSeconds: number };
  seed: number;
  /** How often the steps measured so far are exported (and the run files appended). */
  exportEverySeconds: number;
  /** How long after a step's end Prometheus and Jaeger are assumed to hold all of it. */
  scrapeLagSeconds: number;
  /** Deadline of one request of the load. */
  requestTimeoutSeconds: number;
  metricsProfile?: string;
  out?: string;
}

export interface LiveResumeOptions extends ExportCredentials {
  runDir: string;
  kubeconfig: KubeconfigChoice;
  /** New addresses for the same servers (a port-forward that moved); default those in run.json. */
  prometheusUrl?: string;
  jaegerUrl?: string;
  target?: string;
}

/** What run.json's cluster object records about a live run. */
export interface LiveSettings {
  source: typeof LIVE_SOURCE;
  context: string | null;
  namespace: string;
  /** Whether this run deployed the benchmark (false: --use-deployed). */
  deployed: boolean;
  target: string;
  targetVia: string;
  prometheus: string;
  jaeger: string | null;
  jaegerApi: JaegerApiVersion | null;
  metricsProfile: string | null;
  exportEverySeconds: number;
  scrapeLagSeconds: number;
  requestTimeoutSeconds: number;
  segments: LiveSegment[];
  /** The images --build built before the deploy: names and destinations only (absent without --build). */
  images?: { name: string; destination: string }[];
}

/** Checks every option; returns the number of steps planned. */
export function validateLiveOptions(options: LiveProfileOptions): number {
  if (!HTTP_BENCHMARKS.includes(options.benchmark)) {
    throw new UsageError(
      options.benchmark === 'hpc-ai500'
        ? '--benchmark hpc-ai500 has no HTTP front end; its load is training Jobs, which the live profile does not drive yet'
        : `--benchmark ${options.benchmark} cannot be profiled on Kubernetes`,
      { suggestion: `Profile one of: ${HTTP_BENCHMARKS.join(', ')}; or use --cluster sim.` },
    );
  }
  validateProfileOptions({ ...options, tracesPerStep: 0, incidentsPerHour: 0 });
  if (options.build !== undefined && options.useDeployed) {
    throw new UsageError('--build builds the images a deploy pulls; --use-deployed deploys nothing', {
      suggestion: 'Leave out --use-deployed to build, deploy and profile; or leave out --build.',
    });
  }
  checkNamespace(options.namespace);
  urlWithoutCredentials('prometheus', options.prometheusUrl);
  if (options.jaegerUrl !== undefined) urlWithoutCredentials('jaeger', options.jaegerUrl);
  if (options.target !== undefined) targetUrl(options.target);
  const whole = (flag: string, value: number, min: number): void => {
    if (!Number.isInteger(value) || value < min) {
      throw new UsageError(`--${flag} must be whole seconds ≥ ${min} (got ${value})`, {
        suggestion: `E.g. --${flag} ${flag === 'export-every' ? '5m' : '30s'}.`,
      });
    }
  };
  whole('step', options.stepSeconds, 1);
  whole('export-every', options.exportEverySeconds, 1);
  whole('scrape-lag', options.scrapeLagSeconds, 0);
  whole('request-timeout', options.requestTimeoutSeconds, 1);
  return Math.floor(options.durationSeconds / options.stepSeconds);
}

/** --target as a URL (http or https, no credentials: they would end up in run.json). */
export function targetUrl(text: string): URL {
  const clean = urlWithoutCredentials('target', text);
  const url = new URL(text);
  if (url.username !== '' || url.password !== '') {
    throw new UsageError('--target must not carry a user or password', {
      suggestion: 'Give the front end URL without credentials, e.g. http://203.0.113.5:30080.',
    });
  }
  return new URL(clean);
}

export function liveSettings(
  options: LiveProfileOptions,
  chosen: {
    context: string | null;
    url: URL;
    via: string;
    built: readonly { name: string; destination: string }[];
  },
  jaegerApi: JaegerApiVersion | null,
): LiveSettings {
  return {
    source: LIVE_SOURCE,
    context: chosen.context,
    namespace: options.namespace,
    deployed: !options.useDeployed,
    target: chosen.url.href,
    targetVia: chosen.via,
    prometheus: urlWithoutCredentials('prometheus', options.prometheusUrl),
    jaeger: options.jaegerUrl === undefined ? null : urlWithoutCredentials('jaeger', options.jaegerUrl),
    jaegerApi,
    metricsProfile: options.metricsProfile === undefined ? null : resolve(options.metricsProfile),
    exportEverySeconds: options.exportEverySeconds,
    scrapeLagSeconds: options.scrapeLagSeconds,
    requestTimeoutSeconds: options.requestTimeoutSeconds,
    segments: [],
    ...(options.build === undefined
      ? {}
      : { images: chosen.built.map(({ name, destination }) => ({ name, destination })) }),
  };
}

/** The live settings of a run.json; any other run is a DataError that says which command resumes it. */
export function liveSettingsOf(manifest: RunManifest, file: string): LiveSettings {
  const cluster = manifest.cluster;
  if (cluster.kind !== 'kubernetes' || cluster.source !== LIVE_SOURCE) {
    throw new DataError(
      `run ${manifest.id} was not measured by a live profile (cluster ${JSON.stringify(cluster.kind)})`,
      { file, field: 'cluster.source' },
      {
        suggestion:
          cluster.kind === 'kubernetes'
            ? 'An exported run continues with rescape export --resume.'
            : 'Resume it with the command that created it.',
      },
    );
  }
  const fail = (field: string, expected: string): never => {
    throw new DataError(
      `cluster.${field} must be ${expected}, found ${JSON.stringify(cluster[field])}`,
      { file, field: `cluster.${field}` },
      { suggestion: 'Restore run.json as rescape profile wrote it.' },
    );
  };
  const text = (field: string): string =>
    typeof cluster[field] === 'string' && cluster[field] !== '' ? cluster[field] : fail(field, 'a string');
  const optionalText = (field: string): string | null => (cluster[field] === null ? null : text(field));
  const seconds = (field: string): number =>
    typeof cluster[field] === 'number' && Number.isInteger(cluster[field]) && cluster[field] >= 0
      ? cluster[field]
      : fail(field, 'whole seconds');
  const jaegerApi = optionalText('jaegerApi');
  if (jaegerApi !== null && jaegerApi !== 'v1' && jaegerApi !== 'v3') fail('jaegerApi', 'v1, v3 or null');
  if (typeof cluster.deployed !== 'boolean') fail('deployed', 'true or false');
  return {
    source: LIVE_SOURCE,
    context: optionalText('context'),
    namespace: text('namespace'),
    deployed: cluster.deployed as boolean,
    target: text('target'),
    targetVia: text('targetVia'),
    prometheus: text('prometheus'),
    jaeger: optionalText('jaeger'),
    jaegerApi: jaegerApi as JaegerApiVersion | null,
    metricsProfile: optionalText('metricsProfile'),
    exportEverySeconds: seconds('exportEverySeconds'),
    scrapeLagSeconds: seconds('scrapeLagSeconds'),
    requestTimeoutSeconds: seconds('requestTimeoutSeconds'),
    segments: parseSegments(cluster.segments, file),
  };
}
