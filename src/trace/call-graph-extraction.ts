// Spans → rows of ms_callgraph.csv. A call edge is a span whose parent belongs to another service: upstream
// (um) is the parent's service, downstream (dm) the child's, rt_ms the child's duration, and the timestamp the
// step in which the child started. Spans within one service (internal work, client-side spans) give no edge.
//
// Irregular traces are kept as far as they go and counted, never fatal:
// - duplicate spans (same trace and span id, e.g. re-sent batches) → the first copy is kept;
// - orphans (the parent is not in the trace: lost or unsampled) → no edge for that span, its subtree still counts;
// - several roots in one trace → each root starts its own subtree;
// - FOLLOWS_FROM parents (async hand-offs, queues) → treated as call edges, since the downstream service did
//   work because of the upstream one; counted separately so they can be told apart;
// - clock skew (a child starting before its parent, clocks of different hosts) → the edge is kept, counted.

import type { CallRow } from '../dataset/run-format.js';
import { UsageError } from '../core/errors.js';
import { groupByTrace, type Span, type Trace } from './span-model.js';

export interface CallGraphOptions {
  /** Wall-clock time of step 0. */
  startTime: Date;
  stepSeconds: number;
  /** service name → ms_id. */
  serviceIds: ReadonlyMap<string, number>;
  /** Steps in the run; an edge at or beyond it (or before step 0) is dropped and counted. */
  samples?: number;
}

export interface CallGraphStats {
  /** Distinct spans read (duplicates not included). */
  spans: number;
  traces: number;
  orphans: number;
  duplicates: number;
  /** Edges whose child started before its parent. */
  skewed: number;
  roots: number;
  /** Edges that came from a FOLLOWS_FROM reference. */
  followsFrom: number;
  /** Edges dropped because the child started outside [step 0, samples). */
  outOfWindow: number;
  /** Services on an edge with no ms_id in the map, sorted; their edges are dropped. */
  unknownServices: string[];
  unknownServiceEdges: number;
}

export interface CallGraphResult {
  rows: CallRow[];
  stats: CallGraphStats;
}

export function extractCallGraph(traces: Iterable<Trace>, options: CallGraphOptions): CallGraphResult {
  if (!(options.stepSeconds > 0)) throw new UsageError(`step must be positive, got ${options.stepSeconds} s`);
  const originUs = options.startTime.getTime() * 1000;
  if (!Number.isFinite(originUs)) throw new UsageError('call-graph start time is not a valid date');
  const stepUs = options.stepSeconds * 1e6;
  const stats: CallGraphStats = {
    spans: 0,
    traces: 0,
    orphans: 0,
    duplicates: 0,
    skewed: 0,
    roots: 0,
    followsFrom: 0,
    outOfWindow: 0,
    unknownServices: [],
    unknownServiceEdges: 0,
  };
  const unknown = new Set<string>();
  const rows: CallRow[] = [];
  // Regrouped so that one trace split across documents or API pages is handled as one.
  for (const trace of groupByTrace([...traces].flatMap((t) => t.spans))) {
    stats.traces += 1;
    const byId = new Map<string, Span>();
    for (const span of trace.spans) {
      if (byId.has(span.spanId)) stats.duplicates += 1;
      else byId.set(span.spanId, span);
    }
    stats.spans += byId.size;
    for (const child of byId.values()) {
      if (child.parentSpanId === null) {
        stats.roots += 1;
        continue;
      }
      const parent = byId.get(child.parentSpanId);
      if (parent === undefined) {
        stats.orphans += 1;
        continue;
      }
      if (parent.service === child.service) continue;
      if (child.startUs < parent.startUs) stats.skewed += 1;
      if (child.relation === 'FOLLOWS_FROM') stats.followsFrom += 1;
      const timestamp = Math.floor((child.startUs - originUs) / stepUs);
      if (timestamp < 0 || (options.samples !== undefined && timestamp >= options.samples)) {
        stats.outOfWindow += 1;
        continue;
      }
      const umId = options.serviceIds.get(parent.service);
      const dmId = options.serviceIds.get(child.service);
      if (umId === undefined || dmId === undefined) {
        if (umId === undefined) unknown.add(parent.service);
        if (dmId === undefined) unknown.add(child.service);
        stats.unknownServiceEdges += 1;
        continue;
      }
      rows.push({
        timestamp,
        traceId: trace.traceId,
        um: parent.service,
        dm: child.service,
        umId,
        dmId,
        rpcType: rpcTypeOf(child, parent),
        rtMs: child.durationUs / 1000,
      });
    }
  }
  stats.unknownServices = [...unknown].sort();
  // Stable: rows of one step keep trace and span order.
  rows.sort((a, b) => a.timestamp - b.timestamp);
  return { rows, stats };
}

/** The callee's tags first; the caller's span only when it is the client side of this very call. */
function rpcTypeOf(child: Span, parent: Span): string {
  if (child.rpcType !== null) return child.rpcType;
  if ((parent.kind === 'client' || parent.kind === 'producer') && parent.rpcType !== null)
    return parent.rpcType;
  return 'rpc';
}

/** ms_id numbering of DESIGN.md: services sorted by name, from 0. */
export function serviceIdsByName(names: Iterable<string>): Map<string, number> {
  return new Map([...new Set(names)].sort().map((name, index) => [name, index]));
}
