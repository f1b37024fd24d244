// The service graph the graph models aggregate over, from ms_callgraph.csv (um_id → dm_id: caller → callee).
//
// Orientation: adjacency[i * n + j] is the weight with which service i aggregates from service j
// (GraphInput in src/model/model-types.ts). In a 'directed' graph information flows the way calls do: a
// callee aggregates from its callers (adjacency[dm * n + um]), because a callee's load is driven by the
// requests its callers send. 'symmetric' is the union of both orientations: every call edge lets caller and
// callee aggregate from each other, as the paper's one-hop neighbourhood does.
import { UsageError } from '../core/errors.js';
import type { GraphInput } from '../model/model-types.js';
import { summariseCalls, summaryEdges } from './call-summary.js';
import type { RunData } from './run-reader.js';

export type GraphDirection = 'directed' | 'symmetric';
/** 'binary': 1 per edge; 'calls': the edge's call count divided by the largest edge's, so weights lie in (0, 1]. */
export type EdgeWeighting = 'binary' | 'calls';

export interface GraphOptions {
  direction: GraphDirection;
  /** A weight-1 edge from every service to itself (the paper's "one-hop neighbours with self loops"). */
  selfLoops: boolean;
  weighting: EdgeWeighting;
}

/** One distinct caller → callee pair and how many calls it carried over the run. */
export interface CallEdge {
  um: number;
  dm: number;
  calls: number;
}

export interface CallGraph extends GraphInput {
  /** Distinct caller → callee pairs, sorted by um then dm (stored in the model card). */
  edges: CallEdge[];
  options: GraphOptions;
}

export const DEFAULT_GRAPH_OPTIONS: GraphOptions = {
  direction: 'symmetric',
  selfLoops: true,
  weighting: 'binary',
};

function checkOptions(options: GraphOptions): void {
  if (options.direction !== 'directed' && options.direction !== 'symmetric') {
    throw new UsageError(`unknown graph direction ${JSON.stringify(options.direction)}`, {
      suggestion: "Use 'directed' or 'symmetric'.",
    });
  }
  if (options.weighting !== 'binary' && options.weighting !== 'calls') {
    throw new UsageError(`unknown edge weighting ${JSON.stringify(options.weighting)}`, {
      suggestion: "Use 'binary' or 'calls'.",
    });
  }
}

/**
 * The dense adjacency of a set of call edges. The diagonal comes from `selfLoops` only: a service calling
 * itself adds nothing a self loop does not already give, and `selfLoops: false` must mean an empty diagonal.
 */
export function graphFromEdges(
  services: number,
  edges: readonly CallEdge[],
  options: GraphOptions,
): CallGraph {
  checkOptions(options);
  const n = services;
  // Call counts per (aggregating i, source j) first, so 'symmetric' adds both directions of a pair.
  const counts = new Float64Array(n * n);
  for (const { um, dm, calls } of edges) {
    if (um === dm) continue;
    counts[dm * n + um] = (counts[dm * n + um] ?? 0) + calls;
    if (options.direction === 'symmetric') counts[um * n + dm] = (counts[um * n + dm] ?? 0) + calls;
  }
  let largest = 0;
  for (const count of counts) largest = Math.max(largest, count);
  const adjacency = new Float32Array(n * n);
  counts.forEach((count, index) => {
    if (count > 0) adjacency[index] = options.weighting === 'binary' ? 1 : count / largest;
  });
  if (options.selfLoops) for (let i = 0; i < n; i += 1) adjacency[i * n + i] = 1;
  return {
    services: n,
    adjacency,
    edges: edges.map((edge) => ({ ...edge })),
    options: { ...options },
  };
}

/** The call graph of a run. */
export function graphFromRun(run: Pick<RunData, 'services' | 'calls'>, options: GraphOptions): CallGraph {
  checkOptions(options);
  const services = run.services.length;
  return graphFromEdges(services, summaryEdges(summariseCalls(run.calls, services)), options);
}
