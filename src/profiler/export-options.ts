// Options of `rescape export` and their validation, which runs before any request or write so that a typo
// costs nothing. The settings that define a run (window, step, namespace, sources, profile) are recorded in
// run.json and read back on --resume; credentials never are: they come from flags or the environment each time.
import { dirname, resolve } from 'node:path';
import { DataError, UsageError } from '../core/errors.js';
import type { RunManifest } from '../dataset/run-format.js';
import type { JaegerApiChoice } from '../trace/jaeger-api.js';
import type { JaegerApiVersion } from '../trace/trace-query.js';
import { checkNamespace } from './metrics-profile-query.js';

/** run.json's cluster.source for a run measured by the live profile (live-options.ts), which export refuses. */
export const LIVE_SOURCE = 'rescape profile';

export interface ExportCredentials {
  /** Bearer tokens; basic auth may also come as user:password@ in the URL. Never recorded. */
  prometheusToken?: string;
  jaegerToken?: string;
}

export interface ExportSources extends ExportCredentials {
  prometheusUrl: string;
  /** Without Jaeger, ms_callgraph.csv holds only its header and load.csv no request counts. */
  jaegerUrl?: string;
}

export interface ExportOptions extends ExportSources {
  jaegerApi: JaegerApiChoice;
  namespace: string;
  start: Date;
  end: Date;
  stepSeconds: number;
  /** Window collected and written per batch (default 1 h): what a failure can lose at most. */
  chunkSeconds?: number;
  /** Metrics profile file; default the built-in profile. */
  metricsProfile?: string;
  /** Services to export; default every service seen in the window. */
  services?: string[];
  /** Recorded in run.json (default 'custom'). */
  benchmark?: string;
  /** Run directory to create; default runs/<id>. */
  out?: string;
}

export interface ResumeExportOptions extends ExportCredentials {
  runDir: string;
  /** New addresses for the same servers (a port-forward that moved); default those in run.json. */
  prometheusUrl?: string;
  jaegerUrl?: string;
  chunkSeconds?: number;
}

/** What run.json's cluster object records about an export, and what --resume reads back. */
export interface ExportSettings {
  prometheus: string;
  jaeger: string | null;
  jaegerApi: JaegerApiVersion | null;
  namespace: string;
  metricsProfile: string | null;
}

export const DEFAULT_CHUNK_SECONDS = 3600;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** --start/--end: RFC 3339 with a zone, or Unix seconds. */
export function parseTimeFlag(flag: string, text: string): Date {
  const trimmed = text.trim();
  const date = /^\d+(\.\d+)?$/.test(trimmed)
    ? new Date(Number(trimmed) * 1000)
    : RFC3339.test(trimmed)
      ? new Date(trimmed)
      : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) {
    throw new UsageError(`--${flag} "${text}" is neither an RFC 3339 time nor Unix seconds`, {
      suggestion: `E.g. --${flag} 2024-04-17T12:00:00Z or --${flag} 1713355200.`,
    });
  }
  return date;
}

/** A URL as recorded and printed: no user:password, query or fragment (where tokens hide). */
export function urlWithoutCredentials(flag: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--${flag} is not a URL`, {
      suggestion: `Give a full URL such as http://127.0.0.1:${flag === 'jaeger' ? 16686 : 9090}.`,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--${flag} must be an http or https URL (got ${url.protocol})`, {
      suggestion: `Give a URL such as http://127.0.0.1:${flag === 'jaeger' ? 16686 : 9090}.`,
    });
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Checks every option; returns the number of steps in the window. */
export function validateExportOptions(options: ExportOptions): number {
  urlWithoutCredentials('prometheus', options.prometheusUrl);
  if (options.jaegerUrl !== undefined) urlWithoutCredentials('jaeger', options.jaegerUrl);
  if (!['v1', 'v3', 'auto'].includes(options.jaegerApi)) {
    throw new UsageError(`--jaeger-api "${options.jaegerApi}" is not v1, v3 or auto`, {
      suggestion: 'Use --jaeger-api auto unless the server is known.',
    });
  }
  checkNamespace(options.namespace);
  if (!Number.isInteger(options.stepSeconds) || options.stepSeconds < 1) {
    throw new UsageError(`--step must be whole seconds ≥ 1 (got ${options.stepSeconds} s)`, {
      suggestion: 'E.g. --step 30s, the paper’s sampling interval.',
    });
  }
  const steps = Math.floor((options.end.getTime() - options.start.getTime()) / 1000 / options.stepSeconds);
  if (!(steps >= 1)) {
    throw new UsageError(
      `--end ${options.end.toISOString()} is not at least one ${options.stepSeconds} s step after --start ${options.start.toISOString()}`,
      { suggestion: 'Give an --end later than --start by at least one --step.' },
    );
  }
  checkChunk(options.chunkSeconds, options.stepSeconds);
  const services = options.services;
  if (services !== undefined) {
    const bad = services.find((name) => name === '' || /[\r\n,]/.test(name));
    if (services.length === 0 || bad !== undefined) {
      throw new UsageError(`--services must list service names (got ${JSON.stringify(services)})`, {
        suggestion: 'E.g. --services compose-post-service,user-service.',
      });
    }
    if (new Set(services).size !== services.length) {
      throw new UsageError('--services names a service twice', { suggestion: 'List each service once.' });
    }
  }
  if (options.benchmark !== undefined && options.benchmark.trim() === '') {
    throw new UsageError('--benchmark is empty', { suggestion: 'Leave it out to record "custom".' });
  }
  return steps;
}

export function checkChunk(chunkSeconds: number | undefined, stepSeconds: number): number {
  const chunk = chunkSeconds ?? DEFAULT_CHUNK_SECONDS;
  if (!(chunk >= stepSeconds)) {
    throw new UsageError(`--chunk ${chunk} s is shorter than one --step (${stepSeconds} s)`, {
      suggestion: 'Leave --chunk out (1h), or give at least one step.',
    });
  }
  return Math.floor(chunk / stepSeconds);
}

export function exportSettings(options: ExportOptions, jaegerApi: JaegerApiVersion | null): ExportSettings {
  return {
    prometheus: urlWithoutCredentials('prometheus', options.prometheusUrl),
    jaeger: options.jaegerUrl === undefined ? null : urlWithoutCredentials('jaeger', options.jaegerUrl),
    jaegerApi,
    namespace: options.namespace,
    metricsProfile: options.metricsProfile === undefined ? null : resolve(options.metricsProfile),
  };
}

/** The export settings of a run.json; a run that did not come from `rescape export` is a DataError. */
export function settingsOf(manifest: RunManifest, file: string): ExportSettings {
  const cluster = manifest.cluster;
  const text = (key: string): string | null => {
    const value = cluster[key];
    if (value === null || value === undefined) return null;
    if (typeof value === 'string' && value !== '') return value;
    throw new DataError(
      `cluster.${key} must be a string or null, found ${JSON.stringify(value)}`,
      { file, field: `cluster.${key}` },
      { suggestion: 'Restore run.json as rescape export wrote it, or export the window again.' },
    );
  };
  const prometheus = text('prometheus');
  const namespace = text('namespace');
  const jaegerApi = text('jaegerApi');
  if (cluster.kind !== 'kubernetes' || prometheus === null || namespace === null) {
    throw new DataError(
      `run ${manifest.id} was not written by rescape export (cluster ${JSON.stringify(cluster.kind)} without prometheus/namespace)`,
      { file, field: 'cluster' },
      { suggestion: 'Resume it with the command that created it (e.g. rescape profile --resume).' },
    );
  }
  // A live profile's run has the same fields, but its steps follow the load it drove: only it can continue them.
  if (cluster['source'] === LIVE_SOURCE) {
    throw new DataError(
      `run ${manifest.id} was measured by rescape profile --cluster kubernetes, not exported`,
      { file, field: 'cluster.source' },
      { suggestion: `Continue it with: rescape profile --resume ${dirname(file)}` },
    );
  }
  if (jaegerApi !== null && jaegerApi !== 'v1' && jaegerApi !== 'v3') {
    throw new DataError(`cluster.jaegerApi must be v1, v3 or null, found "${jaegerApi}"`, {
      file,
      field: 'cluster.jaegerApi',
    });
  }
  return {
    prometheus,
    jaeger: text('jaeger'),
    jaegerApi,
    namespace,
    metricsProfile: text('metricsProfile'),
  };
}
