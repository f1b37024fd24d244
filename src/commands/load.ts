import { Flags } from '@oclif/core';
import { parseDurationSeconds } from '../core/duration.js';
import { HTTP_CLIENTS, parseConcurrency, type HttpClient } from '../load/load-options.js';
import { DEFAULT_HTTP_CLIENT } from '../load/transport-factory.js';
import { resumeLoad, runLoad, type LoadResult } from '../load/run-load.js';
import type { BenchmarkName } from '../sim/topology-types.js';
import { RescapeCommand } from '../cli/base-command.js';

/** Flags recorded in a run's settings, which --resume takes from there instead. */
const RUN_SETTINGS = [
  'benchmark',
  'mix',
  'duration',
  'step',
  'concurrency',
  'redraw',
  'rate-schedule',
  'seed',
  'out',
  'timeout',
  'max-in-flight',
  'http-client',
] as const;

export default class Load extends RescapeCommand {
  static override summary =
    "Drive randomized-concurrency (or open-loop) HTTP load at a benchmark's front end.";
  static override description = `Closed loop (default): --concurrency clients (an integer drawn uniformly in MIN-MAX, re-drawn every --redraw from the --seed, as rescape profile draws it) each send their next request as soon as the previous one is answered. Open loop: --rate-schedule "0-10m:50,10m-20m:200" sends Poisson arrivals at those rates (requests/s; inline or a file of segments) and times each request from its scheduled arrival, so a stalled server shows in the latencies instead of slowing the load down.

Requests follow the benchmark's DeathStarBench wrk2 mix (manifests/load-mixes/), or --mix FILE (YAML: method, path and body templates, weights; see those files). Every --step, a row goes to <out>/load.csv (the run directory's load columns) and <out>/load-detail.csv (p90, max, errors by kind, in-flight counts); <out>/load-result.json holds the final record. Ctrl-C stops the load, cuts off the requests in flight and writes the partial step; --resume <out> continues the run from its last complete step with the settings recorded in <out>/load-settings.json (the partial step is measured again, with the same concurrency draws).

--target sim serves the benchmark's simulated front end on 127.0.0.1 (latencies from the simulated cluster's model) and loads it: a demonstration that needs no cluster.`;

  static override examples = [
    '<%= config.bin %> load --target sim --benchmark social-network --duration 2m --step 10s',
    '<%= config.bin %> load --target http://127.0.0.1:8080 --benchmark social-network --duration 12h --concurrency 80-220 --redraw 1m --json',
    '<%= config.bin %> load --target http://127.0.0.1:5000 --benchmark hotel-reservation --duration 20m --rate-schedule "0-10m:50,10m-20m:200"',
    '<%= config.bin %> load --target http://127.0.0.1:8080 --mix my-mix.yaml --duration 10m',
    '<%= config.bin %> load --resume runs/load-social-network-20261123T101500Z-s1',
  ];

  static override flags = {
    target: Flags.string({
      description:
        "Base URL of the benchmark's front end (e.g. http://127.0.0.1:8080), or sim for the simulated one.",
      exactlyOne: ['target', 'resume'],
    }),
    resume: Flags.string({
      description:
        'Continue the interrupted run in this --out directory from its last complete step, with its recorded settings.',
      exactlyOne: ['target', 'resume'],
      exclusive: [...RUN_SETTINGS],
    }),
    benchmark: Flags.string({
      options: ['social-network', 'hotel-reservation', 'media-microservices', 'hpc-ai500'],
      default: 'social-network',
      description: 'Benchmark whose request mix is sent (hpc-ai500 has no HTTP endpoints).',
    }),
    mix: Flags.string({ description: "Request mix YAML to send instead of the benchmark's built-in one." }),
    duration: Flags.string({ default: '12h', description: 'How long to drive the load, e.g. 12h.' }),
    step: Flags.string({ default: '30s', description: 'Measurement step: one row per step.' }),
    concurrency: Flags.string({
      default: '80-220',
      description: 'Closed loop: concurrency range MIN-MAX (or one number).',
      exclusive: ['rate-schedule'],
    }),
    redraw: Flags.string({
      default: '1m',
      description: 'Closed loop: how often the concurrency is re-drawn.',
      exclusive: ['rate-schedule'],
    }),
    'rate-schedule': Flags.string({
      description:
        'Open loop: arrival rates, FROM-TO:RATE segments from 0 (e.g. "0-10m:50,10m-20m:200"), or a file of them.',
    }),
    seed: Flags.integer({
      default: 1,
      description: 'Random seed of the schedule, arrivals and request contents.',
    }),
    out: Flags.string({
      description:
        'Directory for load.csv, load-detail.csv and load-result.json (default runs/load-<benchmark>-<time>-s<seed>).',
    }),
    timeout: Flags.string({
      default: '10s',
      description: 'Deadline for each answer; later ones count as timeouts.',
    }),
    'max-in-flight': Flags.integer({
      default: 4096,
      description: 'Open loop: most requests outstanding; further arrivals are dropped (and counted).',
    }),
    'http-client': Flags.string({
      options: [...HTTP_CLIENTS],
      default: DEFAULT_HTTP_CLIENT,
      description: 'HTTP client: undici (the least CPU per request), node (node:http) or axios.',
    }),
  };

  async run(): Promise<LoadResult> {
    const { flags } = await this.parse(Load);
    const deps = { signal: this.signal, onProgress: this.progress() };
    if (flags.resume !== undefined) return this.report(await resumeLoad(flags.resume, deps));
    const durationSeconds = parseDurationSeconds('duration', flags.duration);
    const stepSeconds = parseDurationSeconds('step', flags.step);
    const mode =
      flags['rate-schedule'] === undefined
        ? {
            kind: 'closed' as const,
            ...parseConcurrency(flags.concurrency),
            redrawSeconds: parseDurationSeconds('redraw', flags.redraw),
          }
        : { kind: 'open' as const, rateSchedule: flags['rate-schedule'] };
    const result = await runLoad(
      {
        // exactlyOne: without --resume, --target was given.
        target: flags.target as string,
        benchmark: flags.benchmark as BenchmarkName,
        ...(flags.mix === undefined ? {} : { mixFile: flags.mix }),
        durationSeconds,
        stepSeconds,
        mode,
        seed: flags.seed,
        ...(flags.out === undefined ? {} : { out: flags.out }),
        timeoutSeconds: parseDurationSeconds('timeout', flags.timeout),
        maxInFlight: flags['max-in-flight'],
        httpClient: flags['http-client'] as HttpClient,
      },
      deps,
    );
    return this.report(result);
  }

  private report(result: LoadResult): LoadResult {
    if (result.status === 'interrupted') {
      process.exitCode = 130;
      this.logToStderr(
        `Interrupted after ${result.steps}/${result.samples} steps (the last one partial); rows are in ${result.outDir}. Continue with: rescape load --resume ${result.outDir}`,
      );
    }
    const p99 =
      result.latency === null
        ? 'no answers'
        : `p50 ${result.latency.p50Ms.toFixed(1)} ms, p99 ${result.latency.p99Ms.toFixed(1)} ms`;
    const resumed = result.resumedFromStep === null ? '' : ` (resumed at step ${result.resumedFromStep})`;
    this.log(
      `${result.status === 'complete' ? 'Loaded' : 'Stopped loading'} ${result.target} with the ${result.mix.name} mix (${result.mode} loop): ${result.requests} requests in ${result.steps} steps, ${result.requestsPerSecond.toFixed(1)} req/s, ${p99}, ${result.errors} errors → ${result.outDir}${resumed}`,
    );
    return result;
  }
}
