// What every consumer of a run's calls actually uses: per caller → callee edge, the calls and their response
// times, plus how many rows and distinct traces there were. The graph models need the edges, the report the
// edges with mean latencies and the counts — none needs the individual calls, so a run read for them can keep
// this summary instead of one object per call (812k of them in a 12 h media-microservices run).
import { DataError } from '../core/errors.js';
import type { CallEdge } from './call-graph.js';
import { RUN_FILES, type CallRow } from './run-format.js';

export interface CallEdgeSummary extends CallEdge {
  /** Sum and count of the calls' response times that were recorded (rt_ms not empty). */
  rtSumMs: number;
  rtCount: number;
}

export interface CallSummary {
  rows: number;
  traces: number;
  /** Distinct (um_id, dm_id) pairs, sorted by um then dm. */
  edges: CallEdgeSummary[];
}

/** Accumulates calls whose service ids the caller has checked to lie in 0..services-1. */
export class CallSummariser {
  private readonly calls: Float64Array;
  private readonly rtSum: Float64Array;
  private readonly rtCount: Float64Array;
  private readonly traceIds = new Set<string>();
  private rows = 0;

  constructor(private readonly services: number) {
    this.calls = new Float64Array(services * services);
    this.rtSum = new Float64Array(services * services);
    this.rtCount = new Float64Array(services * services);
  }

  add(umId: number, dmId: number, rtMs: number | null): void {
    const key = umId * this.services + dmId;
    this.rows += 1;
    this.calls[key]! += 1;
    if (rtMs === null) return;
    this.rtSum[key]! += rtMs;
    this.rtCount[key]! += 1;
  }

  /** Counts a trace id; calling it again with the same id changes nothing. */
  trace(traceId: string): void {
    this.traceIds.add(traceId);
  }

  summary(): CallSummary {
    const edges: CallEdgeSummary[] = [];
    const n = this.services;
    for (let key = 0; key < this.calls.length; key += 1) {
      const calls = this.calls[key]!;
      if (calls === 0) continue;
      const um = Math.floor(key / n);
      edges.push({ um, dm: key % n, calls, rtSumMs: this.rtSum[key]!, rtCount: this.rtCount[key]! });
    }
    return { rows: this.rows, traces: this.traceIds.size, edges };
  }
}

/** The summary of calls already read; a service id outside 0..services-1 is a DataError. */
export function summariseCalls(calls: readonly CallRow[], services: number): CallSummary {
  const summariser = new CallSummariser(services);
  for (const call of calls) {
    checkServiceId(call.umId, 'um_id', call.timestamp, services);
    checkServiceId(call.dmId, 'dm_id', call.timestamp, services);
    summariser.add(call.umId, call.dmId, call.rtMs);
    summariser.trace(call.traceId);
  }
  return summariser.summary();
}

function checkServiceId(id: number, column: string, timestamp: number, services: number): void {
  if (Number.isInteger(id) && id >= 0 && id < services) return;
  throw new DataError(
    `${column} ${id} at timestamp ${timestamp} is not one of the ${services} services`,
    { file: RUN_FILES.callgraph, field: column },
    { suggestion: 'Every call must name services listed in services.csv.' },
  );
}

/** The summary's edges as the call graph takes them (um, dm, calls). */
export function summaryEdges(summary: CallSummary): CallEdge[] {
  return summary.edges.map(({ um, dm, calls }) => ({ um, dm, calls }));
}
