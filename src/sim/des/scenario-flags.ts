// The command-line formats of `rescape simulate`'s load and fault flags. Times are durations from the start
// of the run (30s, 45m, 2h, or plain seconds); lists are comma-separated.
//   --load      closed:MIN-MAX (clients) | open:MIN-MAX (requests/s)     closed:80-220
//   --spike     FACTORx@START+LENGTH                                      3x@30m+5m
//   --crash     SERVICE@TIME                                              payment-processing@45m
//   --latency-fault SERVICE:FACTORx@START+LENGTH                          inventory-management:5x@60m+10m
//   --seeds     N,N,…                                                     1,2,3
import { parseDurationSeconds } from '../../core/duration.js';
import { UsageError } from '../../core/errors.js';
import type { CrashFault, LatencyFault, LoadModel, Spike } from './scenario.js';

function items(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function malformed(flag: string, item: string, format: string, example: string): UsageError {
  return new UsageError(`--${flag}: "${item}" is not ${format}`, {
    suggestion: `E.g. --${flag} ${example}.`,
  });
}

function factor(flag: string, text: string, example: string): number {
  const value = Number(text);
  if (!(Number.isFinite(value) && value > 0)) throw malformed(flag, text, 'a positive factor', example);
  return value;
}

export function parseLoad(value: string, redrawSeconds: number, thinkMs: number): LoadModel {
  const match = /^(closed|open):(\d+)-(\d+)$/.exec(value.trim());
  if (match === null) throw malformed('load', value, 'closed:MIN-MAX or open:MIN-MAX', 'closed:80-220');
  const min = Number(match[2]);
  const max = Number(match[3]);
  return match[1] === 'closed'
    ? { kind: 'closed', min, max, redrawSeconds, thinkMs }
    : { kind: 'open', min, max, redrawSeconds };
}

export function parseSpikes(value: string): Spike[] {
  const example = '3x@30m+5m';
  return items(value).map((item) => {
    const match = /^([\d.]+)x@([^+]+)\+(.+)$/.exec(item);
    if (match === null) throw malformed('spike', item, 'FACTORx@START+LENGTH', example);
    return {
      factor: factor('spike', match[1] ?? '', example),
      startSeconds: parseDurationSeconds('spike', match[2] ?? ''),
      durationSeconds: parseDurationSeconds('spike', match[3] ?? ''),
    };
  });
}

export function parseCrashes(value: string): CrashFault[] {
  return items(value).map((item) => {
    const match = /^([\w.-]+)@(.+)$/.exec(item);
    if (match === null) throw malformed('crash', item, 'SERVICE@TIME', 'payment-processing@45m');
    return { service: match[1] ?? '', atSeconds: parseDurationSeconds('crash', match[2] ?? '') };
  });
}

export function parseLatencyFaults(value: string): LatencyFault[] {
  const example = 'inventory-management:5x@60m+10m';
  return items(value).map((item) => {
    const match = /^([\w.-]+):([\d.]+)x@([^+]+)\+(.+)$/.exec(item);
    if (match === null) throw malformed('latency-fault', item, 'SERVICE:FACTORx@START+LENGTH', example);
    return {
      service: match[1] ?? '',
      factor: factor('latency-fault', match[2] ?? '', example),
      startSeconds: parseDurationSeconds('latency-fault', match[3] ?? ''),
      durationSeconds: parseDurationSeconds('latency-fault', match[4] ?? ''),
    };
  });
}

/** --seeds 1,2,3, or --runs N for seeds 1..N. */
export function parseSeeds(seeds: string | undefined, runs: number | undefined): number[] {
  if (runs !== undefined) {
    if (!Number.isInteger(runs) || runs < 1) {
      throw new UsageError(`--runs: ${runs} is not a whole number ≥ 1`, { suggestion: 'E.g. --runs 5.' });
    }
    return Array.from({ length: runs }, (_, index) => index + 1);
  }
  const list = items(seeds ?? '1,2,3').map(Number);
  if (list.length === 0 || list.some((seed) => !Number.isSafeInteger(seed) || seed < 0)) {
    throw new UsageError(`--seeds: "${seeds}" is not a list of whole numbers ≥ 0`, {
      suggestion: 'E.g. --seeds 1,2,3.',
    });
  }
  return list;
}
