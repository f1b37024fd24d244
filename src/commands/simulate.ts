import { Flags } from '@oclif/core';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { parseDurationSeconds } from '../core/duration.js';
import { UsageError } from '../core/errors.js';
import { parseList } from '../cli/list-flags.js';
import { renderSimulation } from '../sim/des/result-table.js';
import {
  parseCrashes,
  parseLatencyFaults,
  parseLoad,
  parseSeeds,
  parseSpikes,
} from '../sim/des/scenario-flags.js';
import { SERVICE_TIMES, type Scenario, type ServiceTime } from '../sim/des/scenario.js';
import type { SimulationResult } from '../sim/des/simulation-result.js';
import { FORECASTER_KINDS, type ForecasterKind } from '../sim/des/forecaster-settings.js';
import { POLICY_NAMES, simulateStudy, type StudyOptions } from '../sim/des/simulate-study.js';
import { getTopology } from '../sim/topologies/index.js';
import { BENCHMARKS, type BenchmarkName } from '../sim/topology-types.js';
import { RescapeCommand } from '../cli/base-command.js';

export default class Simulate extends RescapeCommand {
  static override summary =
    'Compare orchestration policies (static, Kubernetes HPA, GNN-forecast predictive) in a discrete-event simulation.';
  static override description = `Simulates every request of a built-in topology (default: the GNN-MSOrchest e-commerce app) through its call tree: each call queues at one replica (a FIFO queue before coresPerReplica parallel servers, service times of mean latencyMs drawn from --service-time), replicas take --startup to start, crash and slow down as --crash and --latency-fault say. Each policy runs the same scenario for every seed; the table gives mean ± 95 % t interval over the seeds of the mean/p95/p99 response time, load balance (CV of per-replica utilisation), utilisation, replica-seconds, failure recovery time (fault start until the p95 over --slo-window is within --slo-ms again) and error rate.

The predictive policy forecasts per-service CPU 30/60/90 s ahead with a trained model: --model, or by default a GCN (--forecaster) trained for --epochs on a --train-duration simulation of the same topology with --training-seed. Formats: --load closed:80-220 | open:200-400 (requests/s); --spike 3x@30m+5m; --crash payment-processing@45m; --latency-fault inventory-management:5x@60m+10m (comma-separated lists).`;

  static override examples = [
    '<%= config.bin %> simulate --duration 2h --spike 3x@40m+5m --crash payment-processing@80m',
    '<%= config.bin %> simulate --policies static,hpa --duration 30m --seeds 1,2 --json --out result.json',
    '<%= config.bin %> simulate --topology hotel-reservation --model models/hotel-gcn --latency-fault geo:5x@20m+5m',
  ];

  static override flags = {
    topology: Flags.string({
      options: [...BENCHMARKS],
      default: 'ecommerce',
      description: 'Built-in topology.',
    }),
    duration: Flags.string({ default: '2h', description: 'Simulated time per run.' }),
    policies: Flags.string({
      default: 'static,hpa,predictive',
      description: `Policies to compare, comma-separated (${POLICY_NAMES.join(', ')}).`,
    }),
    seeds: Flags.string({ description: 'Seeds, comma-separated (default 1,2,3).', exclusive: ['runs'] }),
    runs: Flags.integer({ description: 'Run seeds 1..N.', exclusive: ['seeds'] }),
    load: Flags.string({
      default: 'closed:80-220',
      description: 'closed:MIN-MAX clients, or open:MIN-MAX requests/s, drawn uniformly every --redraw.',
    }),
    redraw: Flags.string({ default: '60s', description: 'How often the load level is re-drawn.' }),
    'service-time': Flags.string({
      options: [...SERVICE_TIMES],
      default: 'exponential',
      description: 'Distribution of a call’s service time (mean: the topology’s latencyMs).',
    }),
    'think-ms': Flags.integer({
      default: 500,
      description: 'Mean (exponential) think time of a closed-loop client.',
    }),
    spike: Flags.string({ description: 'Load spikes FACTORx@START+LENGTH, e.g. 3x@30m+5m.' }),
    crash: Flags.string({ description: 'Replica crashes SERVICE@TIME, e.g. payment-processing@45m.' }),
    'latency-fault': Flags.string({
      description: 'Slow replicas SERVICE:FACTORx@START+LENGTH, e.g. inventory-management:5x@60m+10m.',
    }),
    'slo-ms': Flags.string({ default: '50', description: 'SLO on the p95 response time, ms.' }),
    'slo-window': Flags.string({ default: '30s', description: 'Sliding window the SLO is evaluated over.' }),
    startup: Flags.string({ default: '20s', description: 'Replica start-up delay (also after a crash).' }),
    'target-utilisation': Flags.integer({ default: 60, description: 'Autoscalers’ CPU target, percent.' }),
    'min-replicas': Flags.integer({ default: 1, description: 'Autoscalers’ lower bound per service.' }),
    'max-replicas': Flags.integer({ default: 10, description: 'Autoscalers’ upper bound per service.' }),
    bucket: Flags.string({ default: '60s', description: 'Timeline resolution.' }),
    model: Flags.string({ description: 'Model directory for the predictive policy (default: train one).' }),
    forecaster: Flags.string({
      options: [...FORECASTER_KINDS],
      default: 'gcn',
      description: 'Model trained for the predictive policy when --model is not given.',
    }),
    epochs: Flags.integer({ default: 20, description: 'Training epochs of that model.' }),
    'train-duration': Flags.string({ default: '4h', description: 'Simulated history it is trained on.' }),
    'training-seed': Flags.integer({ default: 1000, description: 'Seed of that training simulation.' }),
    'save-model': Flags.string({
      description: 'Keep the trained model (and its training run) in this directory, for later --model.',
      exclusive: ['model'],
    }),
    out: Flags.string({ description: 'Also write the JSON result to this file (atomically).' }),
  };

  async run(): Promise<SimulationResult> {
    const { flags } = await this.parse(Simulate);
    const options = toStudyOptions(flags);
    if (flags.out !== undefined) checkOutFile(flags.out);
    if (flags['save-model'] !== undefined) checkSaveDir(flags['save-model']);
    const result = await simulateStudy(options, { signal: this.signal, onProgress: this.progress() });
    if (flags.out !== undefined) await writeFileAtomic(flags.out, `${JSON.stringify(result, null, 2)}\n`);
    for (const line of renderSimulation(result)) this.log(line);
    return result;
  }
}

interface SimulateFlags {
  topology: string;
  duration: string;
  policies: string;
  seeds?: string | undefined;
  runs?: number | undefined;
  load: string;
  'service-time': string;
  redraw: string;
  'think-ms': number;
  spike?: string | undefined;
  crash?: string | undefined;
  'latency-fault'?: string | undefined;
  'slo-ms': string;
  'slo-window': string;
  startup: string;
  'target-utilisation': number;
  'min-replicas': number;
  'max-replicas': number;
  bucket: string;
  model?: string | undefined;
  forecaster: string;
  epochs: number;
  'train-duration': string;
  'training-seed': number;
  'save-model'?: string | undefined;
}

function toStudyOptions(flags: SimulateFlags): StudyOptions {
  const seeds = parseSeeds(flags.seeds, flags.runs);
  if (seeds.includes(flags['training-seed'])) {
    throw new UsageError(`--training-seed ${flags['training-seed']} is also one of the --seeds`, {
      suggestion:
        'Train the forecaster on another seed than the ones it is evaluated on, e.g. --training-seed 1000.',
    });
  }
  const scenario: Scenario = {
    topology: getTopology(flags.topology as BenchmarkName),
    serviceTime: flags['service-time'] as ServiceTime,
    durationSeconds: parseDurationSeconds('duration', flags.duration),
    load: parseLoad(flags.load, parseDurationSeconds('redraw', flags.redraw), flags['think-ms']),
    spikes: flags.spike === undefined ? [] : parseSpikes(flags.spike),
    crashes: flags.crash === undefined ? [] : parseCrashes(flags.crash),
    latencyFaults: flags['latency-fault'] === undefined ? [] : parseLatencyFaults(flags['latency-fault']),
    startupSeconds: parseSecondsOrZero('startup', flags.startup),
    minReplicas: flags['min-replicas'],
    maxReplicas: flags['max-replicas'],
    sloMs: parsePositive('slo-ms', flags['slo-ms']),
    sloWindowSeconds: parseDurationSeconds('slo-window', flags['slo-window']),
    bucketSeconds: parseDurationSeconds('bucket', flags.bucket),
    stepSeconds: 30,
  };
  return {
    scenario,
    policies: parseList('policies', flags.policies, POLICY_NAMES),
    seeds,
    targetUtilisation: flags['target-utilisation'] / 100,
    predictive: {
      ...(flags.model === undefined ? {} : { modelDir: flags.model }),
      ...(flags['save-model'] === undefined ? {} : { saveDir: flags['save-model'] }),
      kind: flags.forecaster as ForecasterKind,
      epochs: flags.epochs,
      trainingSeconds: parseDurationSeconds('train-duration', flags['train-duration']),
      trainingSeed: flags['training-seed'],
    },
  };
}

function parsePositive(flag: string, value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !(Number.isFinite(number) && number > 0)) {
    throw new UsageError(`--${flag} "${value}" is not a positive number`, {
      suggestion: `E.g. --${flag} 50.`,
    });
  }
  return number;
}

/** A duration that may also be 0 (no start-up delay, no stabilisation). */
function parseSecondsOrZero(flag: string, value: string): number {
  return /^\s*0+\s*(s)?\s*$/.test(value) ? 0 : parseDurationSeconds(flag, value);
}

function checkOutFile(out: string): void {
  const parent = dirname(resolve(out));
  if (!existsSync(parent) || !statSync(parent).isDirectory()) {
    throw new UsageError(`--out ${out}: the directory ${parent} does not exist`, {
      suggestion: 'Create the directory first, or write the result elsewhere.',
    });
  }
  if (existsSync(out) && statSync(out).isDirectory()) {
    throw new UsageError(`--out ${out} is a directory`, {
      suggestion: 'Give a file name, e.g. --out result.json.',
    });
  }
}

function checkSaveDir(dir: string): void {
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) {
    throw new UsageError(`--save-model ${dir} exists and is not an empty directory`, {
      suggestion: 'Give a new directory; rescape never overwrites a model or a run.',
    });
  }
}
