// Chronological train / validation / test split by step (default 70/10/20). A window belongs to a split only
// if all its input and target steps lie inside that split's steps, so nothing a model is validated or
// tested on was ever seen in training; windows that straddle a boundary are in no split.
import { DataError, UsageError } from '../core/errors.js';
import type { StepRange } from './series.js';
import type { Windows } from './windows.js';

export const SPLIT_NAMES = ['train', 'validation', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];
export type SplitFractions = Record<SplitName, number>;

export const DEFAULT_SPLIT: SplitFractions = { train: 0.7, validation: 0.1, test: 0.2 };

export interface DataSplit {
  fractions: SplitFractions;
  ranges: Record<SplitName, StepRange>;
  /** Indices into the windows, ascending, per split. */
  windows: Record<SplitName, Int32Array>;
  /** Windows that cross a split boundary and so belong to none. */
  straddling: number;
}

type WindowSpan = Pick<Windows, 'window' | 'horizon'>;

/** Checks split fractions (before any data is read): each ≥ 0, training > 0, summing to 1. */
export function checkSplitFractions(fractions: SplitFractions): void {
  const listed = SPLIT_NAMES.map((name) => `${name} ${fractions[name]}`).join(', ');
  const suggestion = 'E.g. --split 0.7,0.1,0.2 (train, validation, test).';
  if (SPLIT_NAMES.some((name) => !(fractions[name] >= 0)) || !(fractions.train > 0)) {
    throw new UsageError(`--split: fractions must be ≥ 0 with training > 0 (got ${listed})`, { suggestion });
  }
  const sum = SPLIT_NAMES.reduce((total, name) => total + fractions[name], 0);
  if (Math.abs(sum - 1) > 1e-9) {
    throw new UsageError(`--split: fractions sum to ${sum}, not 1 (${listed})`, { suggestion });
  }
}

/** Step ranges of the splits of `steps` steps: contiguous, in order, together covering every step. */
export function splitRanges(
  steps: number,
  fractions: SplitFractions = DEFAULT_SPLIT,
): Record<SplitName, StepRange> {
  checkSplitFractions(fractions);
  const trainEnd = Math.round(fractions.train * steps);
  const validationEnd = Math.max(trainEnd, Math.round((fractions.train + fractions.validation) * steps));
  return {
    train: { start: 0, end: trainEnd },
    validation: { start: trainEnd, end: validationEnd },
    test: { start: validationEnd, end: steps },
  };
}

/** The split (fraction > 0) whose steps cannot hold one window at this length, if any. */
function tooShortSplit(steps: number, span: WindowSpan, fractions: SplitFractions): SplitName | undefined {
  const ranges = splitRanges(steps, fractions);
  return SPLIT_NAMES.find(
    (name) => fractions[name] > 0 && ranges[name].end - ranges[name].start < span.window + span.horizon,
  );
}

/**
 * The fewest steps from which on every split (fraction > 0) holds at least one window. Rounding makes split
 * lengths non-monotonic in the step count, so this is the smallest N for which every length ≥ N works.
 */
export function minimumSteps(span: WindowSpan, fractions: SplitFractions = DEFAULT_SPLIT): number {
  checkSplitFractions(fractions);
  const need = span.window + span.horizon;
  // A split's length is at least fraction × steps − 1, so this count and every larger one are long enough.
  const safe = Math.max(
    ...SPLIT_NAMES.filter((name) => fractions[name] > 0).map((name) =>
      Math.ceil((need + 1) / fractions[name]),
    ),
  );
  let minimum = safe;
  while (minimum > need && tooShortSplit(minimum - 1, span, fractions) === undefined) minimum -= 1;
  return minimum;
}

/** Assigns each window to the split that contains all of its steps. */
export function splitWindows(
  windows: Pick<Windows, 'window' | 'horizon' | 'starts' | 'steps' | 'skippedForGaps'>,
  fractions: SplitFractions = DEFAULT_SPLIT,
): DataSplit {
  const ranges = splitRanges(windows.steps, fractions);
  const short = tooShortSplit(windows.steps, windows, fractions);
  if (short !== undefined) {
    const range = ranges[short];
    throw new UsageError(
      `the ${short} split (${Math.round(fractions[short] * 100)} % of ${windows.steps} steps) holds ${range.end - range.start} steps, ` +
        `but one window needs ${windows.window + windows.horizon} (window ${windows.window} + horizon ${windows.horizon}): ` +
        `at least ${minimumSteps(windows, fractions)} steps are needed`,
      { suggestion: 'Profile for longer, shorten --window or --horizon, or change the split fractions.' },
    );
  }
  const span = windows.window + windows.horizon;
  const lists: Record<SplitName, number[]> = { train: [], validation: [], test: [] };
  let straddling = 0;
  windows.starts.forEach((start, index) => {
    const name = SPLIT_NAMES.find(
      (split) => start >= ranges[split].start && start + span <= ranges[split].end,
    );
    if (name === undefined) straddling += 1;
    else lists[name].push(index);
  });
  const empty = SPLIT_NAMES.find((name) => fractions[name] > 0 && lists[name].length === 0);
  if (empty !== undefined) {
    throw new DataError(
      `the ${empty} split (steps ${ranges[empty].start}..${ranges[empty].end - 1}) holds no complete window: every window there touches a gap ` +
        `(${windows.skippedForGaps} windows of the run were skipped for gaps)`,
      {},
      {
        suggestion:
          'Use a run with fewer missing samples, or move the split boundaries with the split fractions.',
      },
    );
  }
  return {
    fractions: { ...fractions },
    ranges,
    windows: {
      train: Int32Array.from(lists.train),
      validation: Int32Array.from(lists.validation),
      test: Int32Array.from(lists.test),
    },
    straddling,
  };
}
