// Fetches a long time window in slices. Jaeger answers at most `limit` traces per query and says nothing when
// it drops the rest, so a slice whose answer reaches the limit is halved and fetched again, down to a minimum
// slice; a minimum slice still at the limit is reported as truncated rather than silently kept.

import pLimit from 'p-limit';
import type { ProgressListener } from '../core/progress.js';

/** A half-open window [startUs, endUs) in microseconds since the epoch. */
export interface TimeSlice {
  startUs: number;
  endUs: number;
}

export interface SlicePage<T> {
  items: T[];
  /** How many traces the answer held (compared against the limit). */
  count: number;
}

export interface SlicingOptions {
  window: TimeSlice;
  sliceUs: number;
  minSliceUs: number;
  limit: number;
  concurrency: number;
  signal?: AbortSignal | undefined;
  onProgress?: ProgressListener | undefined;
}

export interface SlicedResult<T> {
  items: T[];
  /** Queries sent (each may have taken several HTTP attempts). */
  queries: number;
  truncated: TimeSlice[];
}

export async function fetchInSlices<T>(
  options: SlicingOptions,
  fetchSlice: (slice: TimeSlice) => Promise<SlicePage<T>>,
): Promise<SlicedResult<T>> {
  const slices: TimeSlice[] = [];
  for (let start = options.window.startUs; start < options.window.endUs; start += options.sliceUs) {
    slices.push({ startUs: start, endUs: Math.min(start + options.sliceUs, options.window.endUs) });
  }
  const truncated: TimeSlice[] = [];
  let queries = 0;
  let done = 0;
  const fetchSplitting = async (slice: TimeSlice): Promise<T[]> => {
    options.signal?.throwIfAborted();
    queries += 1;
    const page = await fetchSlice(slice);
    if (page.count < options.limit) return page.items;
    const half = Math.floor((slice.endUs - slice.startUs) / 2);
    if (half < options.minSliceUs) {
      truncated.push(slice);
      return page.items;
    }
    const middle = slice.startUs + half;
    const left = await fetchSplitting({ startUs: slice.startUs, endUs: middle });
    const right = await fetchSplitting({ startUs: middle, endUs: slice.endUs });
    return [...left, ...right];
  };
  const limit = pLimit(options.concurrency);
  const pages = await Promise.all(
    slices.map((slice) =>
      limit(async () => {
        const items = await fetchSplitting(slice);
        done += 1;
        options.onProgress?.({
          phase: 'traces',
          done,
          total: slices.length,
          message: `slice ${done}/${slices.length}`,
        });
        return items;
      }),
    ),
  );
  truncated.sort((a, b) => a.startUs - b.startUs);
  return { items: pages.flat(), queries, truncated };
}
