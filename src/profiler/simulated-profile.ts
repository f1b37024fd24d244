// `rescape profile --cluster sim`: runs the simulated cluster step by step into a run directory.
// Rows are appended as each step is simulated, so an interrupted run keeps every finished step, and
// `--resume` replays the deterministic simulation up to the last complete step and goes on from there.
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DataError, UsageError } from '../core/errors.js';
import { ignoreProgress, type ProgressListener } from '../core/progress.js';
import { toolVersion } from '../core/version.js';
import { RUN_FORMAT, type RunManifest, type RunStatus } from '../dataset/run-format.js';
import { RunWriter } from '../dataset/run-writer.js';
import { ClusterSimulator, type SimulationSettings } from '../sim/cluster-simulator.js';
import { DEFAULT_INCIDENTS } from '../sim/incidents.js';
import { getTopology } from '../sim/topologies/index.js';
import { BENCHMARKS, type BenchmarkName } from '../sim/topology-types.js';

export interface SimulatedProfileOptions {
  benchmark: BenchmarkName;
  durationSeconds: number;
  stepSeconds: number;
  load: { min: number; max: number; redrawSeconds: number };
  seed: number;
  tracesPerStep: number;
  incidentsPerHour: number;
  /** Run directory to create; default runs/<id>. */
  out?: string;
  /** Simulated seconds per wall-clock second; unset runs as fast as possible. */
  speed?: number;
}

export interface ProfileDeps {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Wall clock in ms, and a sleep, injectable so pacing is testable without waiting. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface ProfileResult {
  runDir: string;
  id: string;
  benchmark: string;
  cluster: 'sim';
  status: RunStatus;
  stepSeconds: number;
  /** Steps planned and steps now in the run directory. */
  samples: number;
  steps: number;
  services: number;
  /** Distinct caller → callee pairs seen in the sampled traces. */
  edges: number;
  callRows: number;
  incidents: number;
  /** The step the run was resumed from, or null for a fresh run. */
  resumedFromStep: number | null;
  wallSeconds: number;
}

/** Checks option values before anything is read or written. */
export function validateProfileOptions(options: SimulatedProfileOptions): void {
  const fail = (flag: string, message: string, suggestion: string): never => {
    throw new UsageError(`--${flag}: ${message}`, { suggestion });
  };
  if (!BENCHMARKS.includes(options.benchmark)) {
    fail('benchmark', `unknown benchmark "${options.benchmark}"`, `Use one of: ${BENCHMARKS.join(', ')}.`);
  }
  if (options.durationSeconds < options.stepSeconds) {
    fail(
      'duration',
      `${options.durationSeconds} s is shorter than one step (${options.stepSeconds} s)`,
      'Give a duration of at least one step.',
    );
  }
  if (!Number.isInteger(options.load.min) || !Number.isInteger(options.load.max) || options.load.min < 1) {
    fail(
      'load-min',
      `concurrency bounds must be whole numbers ≥ 1 (got ${options.load.min}..${options.load.max})`,
      'E.g. --load-min 80 --load-max 220.',
    );
  }
  if (options.load.min > options.load.max) {
    fail(
      'load-min',
      `${options.load.min} is above --load-max ${options.load.max}`,
      'Make --load-min ≤ --load-max.',
    );
  }
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0x7fffffff) {
    fail('seed', `${options.seed} is not a whole number in 0..2147483647`, 'E.g. --seed 7.');
  }
  if (!Number.isInteger(options.tracesPerStep) || options.tracesPerStep < 0) {
    fail(
      'traces-per-step',
      `${options.tracesPerStep} is not a whole number ≥ 0`,
      'E.g. --traces-per-step 20.',
    );
  }
  if (!(options.incidentsPerHour >= 0)) {
    fail('incidents-per-hour', `${options.incidentsPerHour} is negative`, 'Use 0 to disable incidents.');
  }
  if (options.speed !== undefined && !(options.speed > 0)) {
    fail('speed', `${options.speed} is not positive`, 'Leave it out to simulate as fast as possible.');
  }
}

export async function profileSimulated(
  options: SimulatedProfileOptions,
  deps: ProfileDeps = {},
): Promise<ProfileResult> {
  validateProfileOptions(options);
  const startTime = new Date((deps.now ?? Date.now)());
  const id = `${options.benchmark}-${compactTimestamp(startTime)}-s${options.seed}`;
  const runDir = options.out ?? join('runs', id);
  const manifest: RunManifest = {
    format: RUN_FORMAT,
    id,
    benchmark: options.benchmark,
    cluster: {
      kind: 'sim',
      tracesPerStep: options.tracesPerStep,
      incidentsPerHour: options.incidentsPerHour,
    },
    startTime: startTime.toISOString(),
    stepSeconds: options.stepSeconds,
    samples: Math.floor(options.durationSeconds / options.stepSeconds),
    seed: options.seed,
    load: options.load,
    status: 'running',
    toolVersion,
  };
  const simulator = new ClusterSimulator(simulationSettings(manifest));
  // Listed so that forecasting studies can mark the incident windows as anomalies.
  manifest.cluster.incidents = simulator.incidents;
  const writer = await RunWriter.create(runDir, manifest, simulator.services, { durability: 'periodic' });
  return continueRun(runDir, manifest, simulator, writer, 0, deps, options.speed);
}

/** Continues an interrupted simulated run from its last complete step. */
export async function resumeSimulated(
  runDir: string,
  deps: ProfileDeps = {},
  speed?: number,
): Promise<ProfileResult> {
  const opened = await RunWriter.openForResume(runDir);
  const { manifest, completedSteps } = opened;
  if (manifest.cluster.kind !== 'sim') {
    opened.writer.close();
    throw new DataError(
      `run ${manifest.id} was measured on a ${manifest.cluster.kind} cluster, not simulated`,
      {
        file: join(runDir, 'run.json'),
        field: 'cluster.kind',
      },
      { suggestion: 'Resume it with the same --cluster it was started with.' },
    );
  }
  const simulator = new ClusterSimulator(simulationSettings(manifest));
  const known = new Set(simulator.services.map((service) => `${service.msId}:${service.msName}`));
  const mismatch = opened.services.find((service) => !known.has(`${service.msId}:${service.msName}`));
  if (mismatch !== undefined || opened.services.length !== simulator.services.length) {
    opened.writer.close();
    throw new DataError(
      `services.csv does not match the ${manifest.benchmark} topology of this rescape version`,
      {
        file: join(runDir, 'services.csv'),
      },
      { suggestion: 'Resume with the rescape version that started the run, or start a new run.' },
    );
  }
  return continueRun(runDir, manifest, simulator, opened.writer, completedSteps, deps, speed);
}

function simulationSettings(manifest: RunManifest): SimulationSettings {
  const benchmark = manifest.benchmark as BenchmarkName;
  if (!BENCHMARKS.includes(benchmark)) {
    throw new DataError(
      `unknown benchmark "${manifest.benchmark}"`,
      { file: 'run.json', field: 'benchmark' },
      {
        suggestion: `A simulated run names one of: ${BENCHMARKS.join(', ')}.`,
      },
    );
  }
  const tracesPerStep = Number(manifest.cluster.tracesPerStep ?? 20);
  const ratePerHour = Number(manifest.cluster.incidentsPerHour ?? DEFAULT_INCIDENTS.ratePerHour);
  return {
    topology: getTopology(benchmark),
    stepSeconds: manifest.stepSeconds,
    steps: manifest.samples,
    seed: manifest.seed ?? 0,
    load: manifest.load,
    tracesPerStep,
    incidents: { ...DEFAULT_INCIDENTS, ratePerHour },
  };
}

async function continueRun(
  runDir: string,
  manifest: RunManifest,
  simulator: ClusterSimulator,
  writer: RunWriter,
  fromStep: number,
  deps: ProfileDeps,
  speed: number | undefined,
): Promise<ProfileResult> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? abortableSleep;
  const onProgress = deps.onProgress ?? ignoreProgress;
  const startedAt = now();
  const edges = new Set<string>();
  let callRows = 0;
  let status: RunStatus = 'running';
  try {
    // Replaying the finished steps restores the simulator's random state exactly; their rows are already on disk.
    while (simulator.timestamp < fromStep) {
      const replayed = simulator.step();
      callRows += replayed.calls.length;
      for (const call of replayed.calls) edges.add(`${call.umId}>${call.dmId}`);
    }
    writer.setStatus('running');
    while (simulator.timestamp < manifest.samples) {
      if (deps.signal?.aborted) {
        status = 'interrupted';
        break;
      }
      if (speed !== undefined) {
        const due = startedAt + (((simulator.timestamp - fromStep) * manifest.stepSeconds) / speed) * 1000;
        if (due > now()) await sleep(due - now(), deps.signal).catch(() => undefined);
        if (deps.signal?.aborted) continue;
      }
      const step = simulator.step();
      writer.appendStep(step);
      callRows += step.calls.length;
      for (const call of step.calls) edges.add(`${call.umId}>${call.dmId}`);
      onProgress({
        phase: 'simulate',
        done: simulator.timestamp,
        total: manifest.samples,
        message: `step ${step.timestamp}`,
      });
    }
    if (status === 'running') status = 'complete';
    writer.setStatus(status);
  } catch (error) {
    try {
      writer.setStatus('failed');
    } catch {
      // The original error matters more than a failure to record it.
    }
    throw error;
  } finally {
    writer.close();
  }
  return {
    runDir,
    id: manifest.id,
    benchmark: manifest.benchmark,
    cluster: 'sim',
    status,
    stepSeconds: manifest.stepSeconds,
    samples: manifest.samples,
    steps: simulator.timestamp,
    services: simulator.services.length,
    edges: edges.size,
    callRows,
    incidents: simulator.incidents.length,
    resumedFromStep: fromStep > 0 ? fromStep : null,
    wallSeconds: (now() - startedAt) / 1000,
  };
}

function compactTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal === undefined ? {} : { signal });
}
