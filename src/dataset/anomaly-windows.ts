// Annotated anomaly periods (injected faults, simulated incidents) to leave out of evaluation: a forecast
// scored on a fault measures how well the model guesses the fault, not the workload (issue 12). Ranges are
// step ranges of the whole run, whichever service the anomaly hit, since a fault reaches callers too.
import { DataError } from '../core/errors.js';
import { RUN_FILES, type RunManifest } from './run-format.js';
import type { StepRange } from './series.js';
import type { Windows } from './windows.js';

export interface ExcludedRange extends StepRange {
  /** What the range is, e.g. "slow-replica of user-service" (for reports). */
  reason: string;
}

/** An annotated fault, already converted to steps (end exclusive). */
export interface FaultAnnotation {
  startStep: number;
  endStep: number;
  label?: string;
}

/** The step range startStep..endStep (exclusive) when both are whole steps and it is non-empty. */
function asStepRange(startStep: unknown, endStep: unknown): StepRange | undefined {
  if (typeof startStep !== 'number' || typeof endStep !== 'number') return undefined;
  const valid =
    Number.isInteger(startStep) && Number.isInteger(endStep) && startStep >= 0 && endStep > startStep;
  return valid ? { start: startStep, end: endStep } : undefined;
}

/** Excluded ranges from a fault list (e.g. one that comes with an imported dataset). */
export function excludedRangesFromFaults(
  faults: readonly FaultAnnotation[],
  source = 'fault list',
): ExcludedRange[] {
  return faults.map((fault, index) => {
    const range = asStepRange(fault.startStep, fault.endStep);
    if (range === undefined) {
      throw new DataError(
        `fault ${index} spans steps ${fault.startStep}..${fault.endStep}, not a non-empty range of whole steps ≥ 0`,
        { file: source },
        { suggestion: 'Give each fault a startStep ≥ 0 and an endStep after it (exclusive).' },
      );
    }
    return { ...range, reason: fault.label ?? `fault ${index}` };
  });
}

/** Excluded ranges from run.json's cluster.incidents (simulated runs); none when the run lists none. */
export function excludedRangesFromIncidents(manifest: Pick<RunManifest, 'cluster'>): ExcludedRange[] {
  return rangesFromClusterList(manifest, 'incidents');
}

/**
 * Every annotated range of a run: simulated incidents (cluster.incidents) and imported faults
 * (cluster.anomalies, e.g. a dataset's fault list), merged.
 */
export function excludedRangesFromManifest(manifest: Pick<RunManifest, 'cluster'>): ExcludedRange[] {
  return mergeExcludedRanges([
    ...rangesFromClusterList(manifest, 'incidents'),
    ...rangesFromClusterList(manifest, 'anomalies'),
  ]);
}

function rangesFromClusterList(
  manifest: Pick<RunManifest, 'cluster'>,
  list: 'incidents' | 'anomalies',
): ExcludedRange[] {
  const entries = manifest.cluster[list];
  if (entries === undefined) return [];
  const fail = (field: string, message: string): never => {
    throw new DataError(
      message,
      { file: RUN_FILES.manifest, field },
      {
        suggestion: `Each entry of cluster.${list} is {service, kind, startStep, endStep, …} with 0 ≤ startStep < endStep.`,
      },
    );
  };
  if (!Array.isArray(entries)) return fail(`cluster.${list}`, 'is not a list');
  return entries.map((entry: unknown, index) => {
    const field = `cluster.${list}[${index}]`;
    if (typeof entry !== 'object' || entry === null) return fail(field, 'is not an object');
    const { startStep, endStep, kind, service } = entry as Record<string, unknown>;
    const range = asStepRange(startStep, endStep);
    if (range === undefined) {
      return fail(field, `spans steps ${String(startStep)}..${String(endStep)}, not a non-empty range`);
    }
    return {
      ...range,
      reason: `${typeof kind === 'string' ? kind : 'incident'} of ${typeof service === 'string' ? service : 'a service'}`,
    };
  });
}

/** Sorted by start, overlapping or touching ranges merged (reasons joined). */
export function mergeExcludedRanges(ranges: readonly ExcludedRange[]): ExcludedRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: ExcludedRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range.start <= last.end) {
      last.end = Math.max(last.end, range.end);
      if (!last.reason.split('; ').includes(range.reason)) last.reason = `${last.reason}; ${range.reason}`;
    } else {
      merged.push({ ...range });
    }
  }
  return merged;
}

/** True when any target step of the window starting at `start` lies in an excluded range. */
export function targetsOverlapExcluded(
  start: number,
  span: Pick<Windows, 'window' | 'horizon'>,
  ranges: readonly StepRange[],
): boolean {
  const first = start + span.window;
  const end = first + span.horizon;
  return ranges.some((range) => range.start < end && first < range.end);
}

/** Splits window indices (e.g. the test split) into those kept and the count whose targets are excluded. */
export function dropExcludedWindows(
  indices: Int32Array,
  windows: Pick<Windows, 'window' | 'horizon' | 'starts'>,
  ranges: readonly StepRange[],
): { kept: Int32Array; excluded: number } {
  const kept = indices.filter(
    (index) => !targetsOverlapExcluded(windows.starts[index] ?? 0, windows, ranges),
  );
  return { kept, excluded: indices.length - kept.length };
}
