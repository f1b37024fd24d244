// What both Jaeger clients share: the query and result types, option validation, and the sliced search that
// turns per-slice answers into one list of distinct traces.

import { UsageError } from '../core/errors.js';
import type { ProgressListener } from '../core/progress.js';
import type { Trace } from './span-model.js';
import { fetchInSlices, type SlicePage, type TimeSlice } from './time-slices.js';

export type JaegerApiVersion = 'v1' | 'v3';

export interface TraceQuery {
  service: string;
  start: Date;
  end: Date;
  /** Traces per request (Jaeger's `limit` / `query.num_traces`); default 1000. */
  limit?: number;
  /** Initial slice length; default 300 s. */
  sliceSeconds?: number;
  /** Shortest slice before giving up splitting and reporting truncation; default 1 s. */
  minSliceSeconds?: number;
  /** Slices fetched at once; default 4. */
  concurrency?: number;
}

export interface TraceFetchDeps {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface TraceFetchResult {
  traces: Trace[];
  /** Search queries sent, splits included (HTTP retries not counted). */
  queries: number;
  /** Minimum-length slices that still reached the limit: traces there may be missing. */
  truncated: TimeSlice[];
  /** Partial-failure messages Jaeger returned beside data (v1 `errors`). */
  warnings: string[];
}

export interface JaegerClient {
  readonly api: JaegerApiVersion;
  services(signal?: AbortSignal): Promise<string[]>;
  findTraces(query: TraceQuery, deps?: TraceFetchDeps): Promise<TraceFetchResult>;
}

export interface SlicePageWithWarnings extends SlicePage<Trace> {
  warnings: string[];
}

/** Validates the query (before any I/O), runs the sliced search and keeps one copy of each trace. */
export async function searchInSlices(
  query: TraceQuery,
  deps: TraceFetchDeps,
  fetchSlice: (slice: TimeSlice, limit: number) => Promise<SlicePageWithWarnings>,
): Promise<TraceFetchResult> {
  const limit = query.limit ?? 1000;
  const startUs = query.start.getTime() * 1000;
  const endUs = query.end.getTime() * 1000;
  if (query.service === '') throw new UsageError('Jaeger trace search needs a service name');
  if (!Number.isFinite(startUs) || !Number.isFinite(endUs) || endUs <= startUs) {
    throw new UsageError(
      `Jaeger trace window is empty or invalid: ${String(query.start)} .. ${String(query.end)}`,
      {
        suggestion: 'Give a start time before the end time.',
      },
    );
  }
  for (const [name, value] of Object.entries({ limit, concurrency: query.concurrency ?? 4 })) {
    if (!Number.isInteger(value) || value < 1)
      throw new UsageError(`Jaeger ${name} must be a positive integer, got ${value}`);
  }
  const sliceUs = (query.sliceSeconds ?? 300) * 1e6;
  const minSliceUs = (query.minSliceSeconds ?? 1) * 1e6;
  if (!(sliceUs > 0) || !(minSliceUs > 0)) {
    throw new UsageError(
      `Jaeger slice lengths must be positive, got ${query.sliceSeconds} s / ${query.minSliceSeconds} s`,
    );
  }
  const warnings: string[] = [];
  const result = await fetchInSlices(
    {
      window: { startUs, endUs },
      sliceUs: Math.round(sliceUs),
      minSliceUs: Math.round(minSliceUs),
      limit,
      concurrency: query.concurrency ?? 4,
      signal: deps.signal,
      onProgress: deps.onProgress,
    },
    async (slice) => {
      const page = await fetchSlice(slice, limit);
      warnings.push(...page.warnings);
      return page;
    },
  );
  return {
    traces: distinctTraces(result.items),
    queries: result.queries,
    truncated: result.truncated,
    warnings,
  };
}

/** Jaeger returns whole traces, so one found in two slices (spans either side of a boundary) is the same trace. */
function distinctTraces(traces: Trace[]): Trace[] {
  const seen = new Map<string, Trace>();
  for (const trace of traces) if (!seen.has(trace.traceId)) seen.set(trace.traceId, trace);
  return [...seen.values()];
}
