// Options of `rescape load`, checked before anything is started or written.
import { UsageError } from '../core/errors.js';
import { HTTP_BENCHMARKS } from '../sim/http-routes.js';
import type { BenchmarkName } from '../sim/topology-types.js';
import { RateSchedule } from './rate-schedule.js';
import { HTTP_CLIENTS, type HttpClient } from './transport-factory.js';

export { HTTP_CLIENTS, type HttpClient } from './transport-factory.js';

export interface LoadOptions {
  /** Base URL of the benchmark's front end, or 'sim' for the built-in simulated one on 127.0.0.1. */
  target: string;
  benchmark: BenchmarkName;
  /** A mix file; default the benchmark's built-in mix. */
  mixFile?: string;
  durationSeconds: number;
  stepSeconds: number;
  /** Closed loop (concurrency drawn in [min, max] every redrawSeconds) or open loop (a rate schedule). */
  mode:
    | { kind: 'closed'; min: number; max: number; redrawSeconds: number }
    | { kind: 'open'; rateSchedule: string };
  seed: number;
  out?: string;
  timeoutSeconds: number;
  maxInFlight: number;
  httpClient: HttpClient;
}

export interface CheckedLoadOptions extends LoadOptions {
  targetUrl: URL | 'sim';
  steps: number;
  rates: RateSchedule | undefined;
}

const MAX_CONCURRENCY = 100_000;

function fail(flag: string, message: string, suggestion: string): never {
  throw new UsageError(`--${flag}: ${message}`, { suggestion });
}

/** Parses `--concurrency`: "80-220" or a single number. */
export function parseConcurrency(value: string): { min: number; max: number } {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(value);
  if (match === null)
    fail(
      'concurrency',
      `"${value}" is not MIN-MAX or a number`,
      'E.g. --concurrency 80-220, or --concurrency 100 for a fixed one.',
    );
  const min = Number(match[1]);
  const max = Number(match[2] ?? match[1]);
  if (min < 1)
    fail('concurrency', `the lowest concurrency must be ≥ 1, got ${min}`, 'E.g. --concurrency 80-220.');
  if (max < min)
    fail(
      'concurrency',
      `${min}-${max} runs backwards`,
      `Write the lower bound first: --concurrency ${max}-${min}.`,
    );
  if (max > MAX_CONCURRENCY)
    fail(
      'concurrency',
      `${max} is above ${MAX_CONCURRENCY}`,
      'Use fewer clients, or several load generators.',
    );
  return { min, max };
}

export function checkLoadOptions(options: LoadOptions): CheckedLoadOptions {
  if (!HTTP_BENCHMARKS.includes(options.benchmark)) {
    fail(
      'benchmark',
      options.benchmark === 'hpc-ai500'
        ? 'HPC-AI500 has no HTTP endpoints; its load is concurrent training/inference Jobs'
        : `${options.benchmark} has no HTTP workload`,
      `rescape load drives one of: ${HTTP_BENCHMARKS.join(', ')}.`,
    );
  }
  let targetUrl: URL | 'sim' = 'sim';
  if (options.target !== 'sim') {
    try {
      targetUrl = new URL(options.target);
    } catch {
      fail(
        'target',
        `"${options.target}" is not a URL`,
        "Give the front end's base URL, e.g. --target http://127.0.0.1:8080, or --target sim.",
      );
    }
    if (targetUrl.protocol !== 'http:' && targetUrl.protocol !== 'https:') {
      fail(
        'target',
        `${targetUrl.protocol} is not http: or https:`,
        'E.g. --target http://nginx-thrift.social-network:8080.',
      );
    }
  }
  const { durationSeconds, stepSeconds } = options;
  if (durationSeconds < stepSeconds) {
    fail(
      'duration',
      `${durationSeconds} s is shorter than one step (${stepSeconds} s)`,
      `Give at least --duration ${stepSeconds}s, or a shorter --step.`,
    );
  }
  if (durationSeconds % stepSeconds !== 0) {
    fail(
      'duration',
      `${durationSeconds} s is not a whole number of ${stepSeconds} s steps`,
      `E.g. --duration ${Math.ceil(durationSeconds / stepSeconds) * stepSeconds}s.`,
    );
  }
  let rates: RateSchedule | undefined;
  if (options.mode.kind === 'open') {
    rates = RateSchedule.parse(options.mode.rateSchedule);
    if (rates.endSeconds < durationSeconds) {
      fail(
        'rate-schedule',
        `covers ${rates.endSeconds} s of the ${durationSeconds} s run`,
        'Extend the last segment to the end of --duration, or shorten --duration.',
      );
    }
  } else if (!(options.mode.redrawSeconds > 0)) {
    fail('redraw', `${options.mode.redrawSeconds} s is not positive`, 'E.g. --redraw 1m.');
  }
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0x7fffffff) {
    fail('seed', `${options.seed} is not a whole number in 0..2147483647`, 'E.g. --seed 7.');
  }
  if (!(options.timeoutSeconds > 0))
    fail('timeout', `${options.timeoutSeconds} s is not positive`, 'E.g. --timeout 10s.');
  if (!Number.isInteger(options.maxInFlight) || options.maxInFlight < 1) {
    fail('max-in-flight', `${options.maxInFlight} is not a whole number ≥ 1`, 'E.g. --max-in-flight 4096.');
  }
  if (!(HTTP_CLIENTS as readonly string[]).includes(options.httpClient))
    fail('http-client', `unknown client "${options.httpClient}"`, `Use ${HTTP_CLIENTS.join(' or ')}.`);
  return { ...options, targetUrl, steps: durationSeconds / stepSeconds, rates };
}
