// When each step of a live profile was measured. A live run is measured in segments: the first starts with the
// run, and every --resume starts a new one at the step it continues from, when its load starts. The steps that
// would have fallen in the time rescape was down are not in the run and are not faked: the schedule continues
// at the saved step (same seed, so the same concurrency draws), and step k of the segment that starts at step f
// covers [segment start + (k − f)·step, + step). run.json lists the segments, so the downtimes stay visible.
import { DataError } from '../core/errors.js';

export interface LiveSegment {
  /** First step measured in this segment. */
  fromStep: number;
  /** Wall-clock time (ISO 8601) at which that step began. */
  startTime: string;
}

/** Reads run.json's cluster.segments, checking each field so that an error names it. */
export function parseSegments(value: unknown, file: string): LiveSegment[] {
  const fail = (field: string, expected: string): never => {
    throw new DataError(
      `${field} must be ${expected}`,
      { file, field },
      {
        suggestion:
          'Restore run.json as rescape profile wrote it; the segments map steps to wall-clock time.',
      },
    );
  };
  // Empty until the load starts: a run stopped while deploying has measured nothing yet.
  if (!Array.isArray(value)) return fail('cluster.segments', 'a list');
  return value.map((item: unknown, index): LiveSegment => {
    const field = `cluster.segments[${index}]`;
    const segment = item as Partial<LiveSegment> | null;
    const fromStep = segment?.fromStep;
    const startTime = segment?.startTime;
    if (typeof fromStep !== 'number' || !Number.isSafeInteger(fromStep) || fromStep < 0)
      return fail(`${field}.fromStep`, 'a whole number ≥ 0');
    if (index === 0 ? fromStep !== 0 : fromStep <= (value[index - 1] as LiveSegment).fromStep)
      return fail(`${field}.fromStep`, index === 0 ? '0' : 'after the previous segment');
    if (typeof startTime !== 'string' || Number.isNaN(Date.parse(startTime)))
      return fail(`${field}.startTime`, 'an ISO 8601 time');
    return { fromStep, startTime };
  });
}

/** The segment that holds `step`. */
export function segmentOf(segments: readonly LiveSegment[], step: number): LiveSegment {
  let found = segments[0];
  for (const segment of segments) if (segment.fromStep <= step) found = segment;
  if (found === undefined) throw new RangeError('a live run has at least one segment');
  return found;
}

/**
 * The wall-clock time step 0 would have started at had the run never stopped before `segment`: the origin a
 * run-wide step index is measured from inside that segment (what the export's step windows need).
 */
export function segmentOrigin(segment: LiveSegment, stepSeconds: number): Date {
  return new Date(Date.parse(segment.startTime) - segment.fromStep * stepSeconds * 1000);
}

/** Wall-clock end of `step`, in ms since the epoch. */
export function stepEndMs(segments: readonly LiveSegment[], stepSeconds: number, step: number): number {
  return segmentOrigin(segmentOf(segments, step), stepSeconds).getTime() + (step + 1) * stepSeconds * 1000;
}

/**
 * The segments with a new one starting at `fromStep`. Segments that start at or after it measured nothing
 * that was kept (a resume killed before its first step), so the new one replaces them.
 */
export function withSegment(segments: readonly LiveSegment[], fromStep: number, start: Date): LiveSegment[] {
  return [
    ...segments.filter((segment) => segment.fromStep < fromStep),
    { fromStep, startTime: start.toISOString() },
  ];
}

/** [from, to) cut into windows of at most `maxSteps` that never cross a segment's start. */
export function exportWindows(
  segments: readonly LiveSegment[],
  from: number,
  to: number,
  maxSteps: number,
): [number, number][] {
  const windows: [number, number][] = [];
  const starts = segments.map((segment) => segment.fromStep);
  for (let at = from; at < to;) {
    const nextSegment = starts.find((start) => start > at) ?? Infinity;
    const end = Math.min(to, at + maxSteps, nextSegment);
    windows.push([at, end]);
    at = end;
  }
  return windows;
}
