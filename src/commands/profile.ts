import { Flags } from '@oclif/core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseDurationSeconds } from '../core/duration.js';
import { UsageError } from '../core/errors.js';
import { readManifest } from '../dataset/run-manifest.js';
import { profileLive, resumeLive, type LiveProfileResult } from '../profiler/live-profile.js';
import type { LiveProfileOptions } from '../profiler/live-options.js';
import type { JaegerApiChoice } from '../trace/jaeger-api.js';
import {
  profileSimulated,
  resumeSimulated,
  type ProfileResult,
  type SimulatedProfileOptions,
} from '../profiler/simulated-profile.js';
import { BENCHMARKS, type BenchmarkName } from '../sim/topology-types.js';
import { RescapeCommand } from '../cli/base-command.js';
import { monitoringCredentialFlags } from '../cli/monitoring-flags.js';
import { clusterFlags, kubeconfigChoice } from '../cli/cluster-flags.js';
import { kanikoFlags, kanikoSettingsOf, type KanikoFlagValues } from '../cli/build-flags.js';

const SETTINGS = [
  'benchmark',
  'duration',
  'step',
  'load-min',
  'load-max',
  'redraw',
  'seed',
  'out',
  'traces-per-step',
  'incidents-per-hour',
  'namespace',
  'use-deployed',
  'registry',
  'deploy-timeout',
  'jaeger-api',
  'metrics-profile',
  'export-every',
  'scrape-lag',
  'request-timeout',
  'build',
  'build-timeout',
  'registry-secret',
  'kaniko-image',
  'cache',
  'cache-repo',
];

/** Flags of the live profile only; the simulated cluster refuses them rather than ignoring them. */
const LIVE_ONLY = [
  'namespace',
  'kubeconfig',
  'context',
  'use-deployed',
  'registry',
  'target',
  'prometheus',
  'jaeger',
  'metrics-profile',
  'build',
] as const;

/** Flags that only say how --build builds. */
const BUILD_ONLY = ['build-timeout', 'registry-secret', 'kaniko-image', 'cache', 'cache-repo'] as const;

export default class Profile extends RescapeCommand {
  static override summary = 'Profile a benchmark under randomized-concurrency load into a run directory.';
  static override description = `Drives the client concurrency (uniform in [--load-min, --load-max], re-drawn every --redraw) against the benchmark and records per-service CPU/GPU/memory every --step, sampled call graphs and the load into runs/<id>/ (see DESIGN.md for the format). The built-in simulated cluster (--cluster sim) needs no cluster at all; the same seed gives byte-identical data files.

--cluster kubernetes profiles a real cluster: it deploys the benchmark (--use-deployed: profiles what is deployed), finds its front end (an Ingress, LoadBalancer or NodePort of the entry Service; --target URL overrides), drives the load at it, and every --export-every appends the steps Prometheus (cAdvisor, DCGM-exporter; the queries of rescape export) and Jaeger have had --scrape-lag to see. Tokens come from RESCAPE_PROMETHEUS_TOKEN / RESCAPE_JAEGER_TOKEN (or the flags) and are never written.

Rows are appended as the run goes: interrupt it with Ctrl-C (or lose it to a crash) and continue with --resume <run-dir>. A live run continues its schedule at the step where it stopped; the downtime is listed in run.json (cluster.segments), never filled in.`;

  static override examples = [
    '<%= config.bin %> profile --duration 2h --seed 7',
    '<%= config.bin %> profile --benchmark hotel-reservation --duration 12h --out runs/hotel --json',
    '<%= config.bin %> profile --resume runs/hotel',
    'RESCAPE_PROMETHEUS_TOKEN=… <%= config.bin %> profile --cluster kubernetes --benchmark social-network --duration 12h --prometheus http://prometheus.example:9090 --jaeger http://jaeger.example:16686 --out runs/sn-live',
    '<%= config.bin %> profile --cluster kubernetes --use-deployed --target http://203.0.113.5:30080 --prometheus http://127.0.0.1:9090 --duration 2h',
  ];

  static override flags = {
    cluster: Flags.string({
      options: ['sim', 'kubernetes'],
      default: 'sim',
      description: 'Where to profile: the built-in simulated cluster, or a real one (kubeconfig).',
    }),
    namespace: clusterFlags.namespace,
    kubeconfig: clusterFlags.kubeconfig,
    context: clusterFlags.context,
    'use-deployed': Flags.boolean({
      default: false,
      description: 'Kubernetes: profile the benchmark as deployed instead of deploying it first.',
    }),
    registry: Flags.string({
      description:
        'Kubernetes: pull every image from this registry prefix (e.g. images rescape build pushed; with --build, derived from the destinations when left out).',
    }),
    build: Flags.string({
      description:
        "Kubernetes: build the images of this build file (rescape build --file's format, e.g. manifests/builds/social-network.yaml) with Kaniko Jobs in --namespace before deploying, and deploy with them. The deploy pulls every image of manifests/ from <registry>/<its repository path>:<tag>, so each destination must be one of those, e.g. registry.example.com/rescape/deathstarbench/social-network-microservices:latest; <registry> is --registry, or else the prefix the destinations share.",
    }),
    'build-timeout': Flags.string({
      default: '30m',
      description: 'Kubernetes, --build: deadline of each build Job, and of the wait for all of them.',
    }),
    ...kanikoFlags,
    'deploy-timeout': Flags.string({
      default: '10m',
      description: 'Kubernetes: how long to wait for the rollout.',
    }),
    target: Flags.string({ description: "Kubernetes: the front end's URL instead of endpoint discovery." }),
    prometheus: Flags.string({ description: 'Kubernetes: Prometheus base URL (required).' }),
    jaeger: Flags.string({ description: 'Kubernetes: Jaeger query base URL (call graphs).' }),
    ...monitoringCredentialFlags,
    'metrics-profile': Flags.string({ description: 'Metrics profile YAML (default: the built-in profile).' }),
    'export-every': Flags.string({
      default: '5m',
      description: 'Kubernetes: how often the steps measured so far are exported into the run directory.',
    }),
    'scrape-lag': Flags.string({
      default: '30s',
      description: "Kubernetes: time after a step's end before Prometheus and Jaeger are assumed to hold it.",
    }),
    'request-timeout': Flags.string({ default: '10s', description: 'Kubernetes: deadline of one request.' }),
    benchmark: Flags.string({
      options: [...BENCHMARKS],
      default: 'social-network',
      description: 'Benchmark application.',
    }),
    duration: Flags.string({
      default: '12h',
      description: 'How long to profile (simulated time for --cluster sim), e.g. 2h.',
    }),
    step: Flags.string({ default: '30s', description: 'Sampling step.' }),
    'load-min': Flags.integer({ default: 80, description: 'Lowest client concurrency drawn.' }),
    'load-max': Flags.integer({ default: 220, description: 'Highest client concurrency drawn.' }),
    redraw: Flags.string({ default: '60s', description: 'How often the concurrency is re-drawn.' }),
    seed: Flags.integer({ default: 1, description: 'Random seed; the same seed gives the same run.' }),
    out: Flags.string({
      description:
        'Run directory to create (default runs/<id>); an existing non-empty one is never overwritten.',
    }),
    'traces-per-step': Flags.integer({
      default: 20,
      description: 'Traces sampled into ms_callgraph.csv per step.',
    }),
    'incidents-per-hour': Flags.string({
      default: '0.5',
      description: 'Mean rate of simulated incidents (slow or failing replicas); 0 disables them.',
    }),
    speed: Flags.string({
      description: 'Simulated seconds per wall-clock second (default: as fast as possible).',
    }),
    resume: Flags.string({
      description: 'Continue an interrupted run directory; its run.json supplies every setting.',
      exclusive: SETTINGS,
    }),
  };

  async run(): Promise<ProfileResult | LiveProfileResult> {
    const { flags, metadata } = await this.parse(Profile);
    // A build setting without --build would be silently ignored: refuse it (defaults do not count as given).
    const buildOnly = BUILD_ONLY.find(
      (flag) => flags[flag] !== undefined && metadata.flags[flag]?.setFromDefault !== true,
    );
    if (buildOnly !== undefined && flags.build === undefined) {
      throw new UsageError(`--${buildOnly} applies to --build only`, {
        suggestion: 'Add --build <images.yaml> (with --cluster kubernetes), or leave the flag out.',
      });
    }
    const live =
      flags.resume === undefined
        ? flags.cluster === 'kubernetes'
        : readManifest(flags.resume).cluster.kind === 'kubernetes';
    if (live) return this.runLive(flags);
    const misplaced = LIVE_ONLY.find((flag) => flags[flag] !== undefined && flags[flag] !== false);
    if (misplaced !== undefined) {
      throw new UsageError(`--${misplaced} applies to --cluster kubernetes only`, {
        suggestion: 'Add --cluster kubernetes, or leave the flag out for the simulated cluster.',
      });
    }
    const speed = flags.speed === undefined ? undefined : parseNumber('speed', flags.speed);
    const deps = { signal: this.signal, onProgress: this.progress() };
    const result =
      flags.resume === undefined
        ? await profileSimulated(toOptions(flags, speed), deps)
        : await resumeSimulated(flags.resume, deps, speed);
    if (result.status === 'interrupted') {
      process.exitCode = 130;
      this.logToStderr(
        `Interrupted after step ${result.steps}/${result.samples}; continue with: rescape profile --resume ${result.runDir}`,
      );
    }
    this.log(
      `${result.status === 'complete' ? 'Profiled' : 'Stopped'} ${result.benchmark} (${result.cluster}): ${result.steps}/${result.samples} steps × ${result.services} services, ${result.edges} call edges → ${result.runDir} (${result.wallSeconds.toFixed(1)} s)`,
    );
    return result;
  }

  private async runLive(flags: LiveFlags & { speed?: string | undefined }): Promise<LiveProfileResult> {
    if (flags.speed !== undefined) {
      throw new UsageError('--speed paces the simulated cluster only; a real cluster runs in real time', {
        suggestion: 'Leave --speed out with --cluster kubernetes.',
      });
    }
    const deps = { signal: this.signal, onProgress: this.progress() };
    const credentials = {
      ...(flags['prometheus-token'] === undefined ? {} : { prometheusToken: flags['prometheus-token'] }),
      ...(flags['jaeger-token'] === undefined ? {} : { jaegerToken: flags['jaeger-token'] }),
    };
    const kubeconfig = kubeconfigChoice(flags);
    const runDir = flags.resume ?? flags.out;
    const result = await (
      flags.resume === undefined
        ? profileLive({ ...toLiveOptions(flags), ...credentials, kubeconfig }, deps)
        : resumeLive(
            {
              runDir: flags.resume,
              kubeconfig,
              ...(flags.prometheus === undefined ? {} : { prometheusUrl: flags.prometheus }),
              ...(flags.jaeger === undefined ? {} : { jaegerUrl: flags.jaeger }),
              ...(flags.target === undefined ? {} : { target: flags.target }),
              ...credentials,
            },
            deps,
          )
    ).catch((error: unknown) => {
      // What was measured is kept: say how to go on (to stderr directly: --json silences logToStderr).
      const kept =
        !(error instanceof UsageError) && runDir !== undefined && existsSync(join(runDir, 'run.json'));
      if (kept)
        process.stderr.write(`Measured steps are kept; continue with: rescape profile --resume ${runDir}\n`);
      throw error;
    });
    // Straight to stderr: with --json oclif silences logToStderr, and scripts' users need the hint most.
    if (result.status === 'interrupted') {
      process.exitCode = 130;
      process.stderr.write(
        `Interrupted after step ${result.steps}/${result.samples}; continue with: rescape profile --resume ${result.runDir}\n`,
      );
    }
    for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
    this.log(
      `${result.status === 'complete' ? 'Profiled' : 'Stopped'} ${result.benchmark} in namespace ${result.namespace} at ${result.target} (${result.targetVia}): ${result.steps}/${result.samples} steps × ${result.services} services, ${result.requests} requests (${result.errors} errors), ${result.callRows} call rows, ${result.missing.cpu} missing CPU cells → ${result.runDir} (${result.wallSeconds.toFixed(1)} s)`,
    );
    return result;
  }
}

/** The run's schedule, the same for both clusters. */
interface ScheduleFlags {
  benchmark: string;
  duration: string;
  step: string;
  'load-min': number;
  'load-max': number;
  redraw: string;
  seed: number;
  out?: string | undefined;
}

function scheduleOf(flags: ScheduleFlags) {
  return {
    benchmark: flags.benchmark as BenchmarkName,
    durationSeconds: parseDurationSeconds('duration', flags.duration),
    stepSeconds: parseDurationSeconds('step', flags.step),
    load: {
      min: flags['load-min'],
      max: flags['load-max'],
      redrawSeconds: parseDurationSeconds('redraw', flags.redraw),
    },
    seed: flags.seed,
    ...(flags.out === undefined ? {} : { out: flags.out }),
  };
}

interface LiveFlags extends ScheduleFlags, KanikoFlagValues {
  namespace?: string | undefined;
  kubeconfig?: string | undefined;
  context?: string | undefined;
  'use-deployed': boolean;
  registry?: string | undefined;
  'deploy-timeout': string;
  target?: string | undefined;
  prometheus?: string | undefined;
  'prometheus-token'?: string | undefined;
  jaeger?: string | undefined;
  'jaeger-token'?: string | undefined;
  'jaeger-api': string;
  'metrics-profile'?: string | undefined;
  'export-every': string;
  'scrape-lag': string;
  'request-timeout': string;
  build?: string | undefined;
  'build-timeout': string;
  resume?: string | undefined;
}

function toLiveOptions(flags: LiveFlags): Omit<LiveProfileOptions, 'kubeconfig'> {
  if (flags.prometheus === undefined) {
    throw new UsageError('--prometheus is required with --cluster kubernetes', {
      suggestion: 'Give the Prometheus that scrapes the cluster, e.g. --prometheus http://127.0.0.1:9090.',
    });
  }
  return {
    ...scheduleOf(flags),
    namespace: flags.namespace ?? flags.benchmark,
    useDeployed: flags['use-deployed'],
    deployTimeoutSeconds: parseDurationSeconds('deploy-timeout', flags['deploy-timeout']),
    prometheusUrl: flags.prometheus,
    jaegerApi: flags['jaeger-api'] as JaegerApiChoice,
    exportEverySeconds: parseDurationSeconds('export-every', flags['export-every']),
    // 0 s is allowed (a Prometheus that already holds every step), which parseDurationSeconds refuses.
    scrapeLagSeconds: /^\s*0+\s*[a-z]*\s*$/.test(flags['scrape-lag'])
      ? 0
      : parseDurationSeconds('scrape-lag', flags['scrape-lag']),
    requestTimeoutSeconds: parseDurationSeconds('request-timeout', flags['request-timeout']),
    ...(flags.jaeger === undefined ? {} : { jaegerUrl: flags.jaeger }),
    ...(flags.registry === undefined ? {} : { registry: flags.registry }),
    ...(flags.build === undefined ? {} : { build: buildOptions(flags.build, flags) }),
    ...(flags.target === undefined ? {} : { target: flags.target }),
    ...(flags['metrics-profile'] === undefined ? {} : { metricsProfile: flags['metrics-profile'] }),
  };
}

/** --build and the Kaniko flags; the Jobs run in the profile's namespace (set by the core). */
function buildOptions(file: string, flags: LiveFlags): NonNullable<LiveProfileOptions['build']> {
  return {
    file,
    kaniko: kanikoSettingsOf(flags, parseDurationSeconds('build-timeout', flags['build-timeout'])),
  };
}

function toOptions(
  flags: ScheduleFlags & { 'traces-per-step': number; 'incidents-per-hour': string },
  speed: number | undefined,
): SimulatedProfileOptions {
  return {
    ...scheduleOf(flags),
    tracesPerStep: flags['traces-per-step'],
    incidentsPerHour: parseNumber('incidents-per-hour', flags['incidents-per-hour']),
    ...(speed === undefined ? {} : { speed }),
  };
}

function parseNumber(flag: string, value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) {
    throw new UsageError(`--${flag} "${value}" is not a number`, {
      suggestion: `Give a plain number, e.g. --${flag} 1.5.`,
    });
  }
  return number;
}
