import { Flags } from '@oclif/core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseDurationSeconds } from '../core/duration.js';
import { UsageError } from '../core/errors.js';
import { exportRun, resumeExport, type ExportResult } from '../profiler/export-run.js';
import { parseTimeFlag } from '../profiler/export-options.js';
import type { JaegerApiChoice } from '../trace/jaeger-api.js';
import { RescapeCommand } from '../cli/base-command.js';
import { monitoringCredentialFlags } from '../cli/monitoring-flags.js';

/** Settings run.json records; on --resume they come from there. */
const SETTINGS = [
  'namespace',
  'start',
  'end',
  'step',
  'metrics-profile',
  'services',
  'benchmark',
  'out',
  'jaeger-api',
];

export default class Export extends RescapeCommand {
  static override summary =
    "Export a time window of a cluster's Prometheus metrics and Jaeger traces into a run directory.";
  static override description = `Reads per-service CPU (cAdvisor), GPU (DCGM-exporter) and memory with the PromQL of a metrics profile, and call graphs from Jaeger (legacy JSON API or API v3), for the steps of [--start, --end), into the run directory format that profile writes (see DESIGN.md). A missing sample is an empty cell. load.csv counts Jaeger's root spans as requests; concurrency is not known (0).

The window is collected and written in batches of --chunk: if Prometheus or Jaeger fails, or on Ctrl-C, every batch written is kept and run.json says failed or interrupted; continue with --resume <run-dir>. Bearer tokens come from --prometheus-token/--jaeger-token or, better (they stay out of shell history), RESCAPE_PROMETHEUS_TOKEN and RESCAPE_JAEGER_TOKEN; they are never written to the run directory, and must be given again on --resume.`;

  static override examples = [
    '<%= config.bin %> export --prometheus http://127.0.0.1:9090 --jaeger http://127.0.0.1:16686 --namespace social-network --start 2024-04-17T00:00:00Z --end 2024-04-17T12:00:00Z --benchmark social-network --out runs/sn-live',
    'RESCAPE_PROMETHEUS_TOKEN=… <%= config.bin %> export --resume runs/sn-live',
  ];

  static override flags = {
    prometheus: Flags.string({
      description: 'Prometheus base URL (user:password@ in it is used as basic auth).',
    }),
    jaeger: Flags.string({
      description: 'Jaeger query base URL; without it ms_callgraph.csv has only its header.',
    }),
    ...monitoringCredentialFlags,
    namespace: Flags.string({ description: 'Kubernetes namespace of the benchmark.' }),
    start: Flags.string({ description: 'Window start: RFC 3339 (2024-04-17T12:00:00Z) or Unix seconds.' }),
    end: Flags.string({ description: 'Window end (exclusive): RFC 3339 or Unix seconds.' }),
    step: Flags.string({ default: '30s', description: 'Sampling step.' }),
    chunk: Flags.string({ default: '1h', description: 'Window collected and written per batch.' }),
    'metrics-profile': Flags.string({ description: 'Metrics profile YAML (default: the built-in profile).' }),
    services: Flags.string({
      description: 'Comma-separated services to export (default: every service seen).',
    }),
    benchmark: Flags.string({ default: 'custom', description: 'Benchmark name recorded in run.json.' }),
    out: Flags.string({ description: 'Run directory to create (default runs/<id>).' }),
    resume: Flags.string({
      description: 'Continue an export run directory; its run.json supplies every setting but credentials.',
      exclusive: SETTINGS,
    }),
  };

  async run(): Promise<ExportResult> {
    const { flags } = await this.parse(Export);
    const deps = { signal: this.signal, onProgress: this.progress() };
    const credentials = {
      ...(flags['prometheus-token'] === undefined ? {} : { prometheusToken: flags['prometheus-token'] }),
      ...(flags['jaeger-token'] === undefined ? {} : { jaegerToken: flags['jaeger-token'] }),
    };
    const chunkSeconds = parseDurationSeconds('chunk', flags.chunk);
    const runDir = flags.resume ?? flags.out;
    let result: ExportResult;
    try {
      result =
        flags.resume === undefined
          ? await exportRun(
              {
                prometheusUrl: required('prometheus', flags.prometheus),
                ...(flags.jaeger === undefined ? {} : { jaegerUrl: flags.jaeger }),
                jaegerApi: flags['jaeger-api'] as JaegerApiChoice,
                namespace: required('namespace', flags.namespace),
                start: parseTimeFlag('start', required('start', flags.start)),
                end: parseTimeFlag('end', required('end', flags.end)),
                stepSeconds: parseDurationSeconds('step', flags.step),
                chunkSeconds,
                ...(flags['metrics-profile'] === undefined
                  ? {}
                  : { metricsProfile: flags['metrics-profile'] }),
                ...(flags.services === undefined
                  ? {}
                  : { services: flags.services.split(',').map((s) => s.trim()) }),
                benchmark: flags.benchmark,
                ...(flags.out === undefined ? {} : { out: flags.out }),
                ...credentials,
              },
              deps,
            )
          : await resumeExport(
              {
                runDir: flags.resume,
                ...(flags.prometheus === undefined ? {} : { prometheusUrl: flags.prometheus }),
                ...(flags.jaeger === undefined ? {} : { jaegerUrl: flags.jaeger }),
                chunkSeconds,
                ...credentials,
              },
              deps,
            );
    } catch (error) {
      // The batches written before the failure are kept: say how to go on from them.
      if (!(error instanceof UsageError) && runDir !== undefined && existsSync(join(runDir, 'run.json'))) {
        // Straight to stderr: with --json, oclif silences logToStderr, and this hint matters most to scripts' users.
        process.stderr.write(
          `The steps exported so far are kept in ${runDir}; continue with: rescape export --resume ${runDir}\n`,
        );
      }
      throw error;
    }
    if (result.status === 'interrupted') {
      process.exitCode = 130;
      this.logToStderr(
        `Interrupted after step ${result.steps}/${result.samples}; continue with: rescape export --resume ${result.runDir}`,
      );
    }
    for (const warning of result.warnings) this.logToStderr(`warning: ${warning}`);
    this.log(
      `${result.status === 'complete' ? 'Exported' : 'Stopped'} ${result.namespace} from ${result.prometheus}${result.jaeger === null ? '' : ` and ${result.jaeger} (Jaeger ${result.jaegerApi})`}: ${result.steps}/${result.samples} steps × ${result.services} services (${result.gpuServices} GPU), ${result.callRows} call rows, ${result.missing.cpu} missing CPU cells → ${result.runDir} (${result.prometheusRequests} Prometheus requests, ${result.wallSeconds.toFixed(2)} s)`,
    );
    return result;
  }
}

function required(flag: string, value: string | undefined): string {
  if (value === undefined) {
    throw new UsageError(`--${flag} is required (unless --resume is given)`, {
      suggestion: `Give --${flag}, or continue an earlier export with --resume <run-dir>.`,
    });
  }
  return value;
}
