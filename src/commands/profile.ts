import { Flags } from '@oclif/core';
import { parseDurationSeconds } from '../core/duration.js';
import { UsageError } from '../core/errors.js';
import {
  profileSimulated,
  resumeSimulated,
  type ProfileResult,
  type SimulatedProfileOptions,
} from '../profiler/simulated-profile.js';
import { BENCHMARKS, type BenchmarkName } from '../sim/topology-types.js';
import { RescapeCommand } from '../cli/base-command.js';

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
];

export default class Profile extends RescapeCommand {
  static override summary = 'Profile a benchmark under randomized-concurrency load into a run directory.';
  static override description = `Drives the client concurrency (uniform in [--load-min, --load-max], re-drawn every --redraw) against the benchmark and records per-service CPU/GPU/memory every --step, sampled call graphs and the load into runs/<id>/ (see DESIGN.md for the format). The built-in simulated cluster (--cluster sim) needs no cluster at all; the same seed gives byte-identical data files.

Rows are appended as the run goes: interrupt it with Ctrl-C (or lose it to a crash) and continue with --resume <run-dir>.`;

  static override examples = [
    '<%= config.bin %> profile --duration 2h --seed 7',
    '<%= config.bin %> profile --benchmark hotel-reservation --duration 12h --out runs/hotel --json',
    '<%= config.bin %> profile --resume runs/hotel',
  ];

  static override flags = {
    cluster: Flags.string({
      options: ['sim'],
      default: 'sim',
      description: 'Where to profile: the built-in simulated cluster.',
    }),
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

  async run(): Promise<ProfileResult> {
    const { flags } = await this.parse(Profile);
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
}

function toOptions(
  flags: {
    benchmark: string;
    duration: string;
    step: string;
    'load-min': number;
    'load-max': number;
    redraw: string;
    seed: number;
    out?: string | undefined;
    'traces-per-step': number;
    'incidents-per-hour': string;
  },
  speed: number | undefined,
): SimulatedProfileOptions {
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
    tracesPerStep: flags['traces-per-step'],
    incidentsPerHour: parseNumber('incidents-per-hour', flags['incidents-per-hour']),
    ...(flags.out === undefined ? {} : { out: flags.out }),
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
