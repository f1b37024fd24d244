// Splitting a range query so no series in an answer exceeds Prometheus' resolution limit: the server
// refuses (bad_data) any query_range with more than 11,000 points per series, i.e. (end-start)/step + 1.

/** Prometheus' hard-coded limit on points per series in one range query. */
export const PROMETHEUS_MAX_POINTS = 11_000;

export interface TimeRange {
  /** Unix seconds; both ends are evaluated (Prometheus' query_range is inclusive). */
  start: number;
  end: number;
}

/**
 * Cuts [start, end] at multiples of the step from start into ranges of at most maxPoints evaluation
 * times each. Pieces do not overlap (the next starts one step after the previous ends), so joining
 * their answers gives exactly the evaluation times of the whole range.
 */
export function splitRange(
  range: TimeRange,
  stepSeconds: number,
  maxPoints = PROMETHEUS_MAX_POINTS,
): TimeRange[] {
  const points = Math.floor((range.end - range.start) / stepSeconds + 1e-9) + 1;
  const pieces: TimeRange[] = [];
  for (let first = 0; first < points; first += maxPoints) {
    const last = Math.min(points, first + maxPoints) - 1;
    pieces.push({ start: range.start + first * stepSeconds, end: range.start + last * stepSeconds });
  }
  return pieces;
}
