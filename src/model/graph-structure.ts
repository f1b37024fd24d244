// The call graph in the forms the layers need: neighbour lists for attention (one hop, self loop always
// included) and the symmetrically normalised adjacency for graph convolution.
import { UsageError } from '../core/errors.js';
import type { GraphInput } from './model-types.js';

export interface GraphStructure {
  services: number;
  /** Neighbours of service i (the services it aggregates from, itself included) are sources[offsets[i] .. offsets[i+1]). */
  offsets: Int32Array;
  sources: Int32Array;
  /** The largest neighbour count, for scratch buffers. */
  maxDegree: number;
  /** mask[i * n + j] = 1 when i attends to j, else 0. */
  mask: Float32Array;
}

export function validateGraph(graph: GraphInput): void {
  const { services, adjacency } = graph;
  if (!Number.isInteger(services) || services < 1) {
    throw new UsageError(`the graph must have at least one service, got ${services}`);
  }
  if (adjacency.length !== services * services) {
    throw new UsageError(
      `the graph's adjacency has ${adjacency.length} entries, expected ${services}² = ${services * services}`,
    );
  }
  const bad = adjacency.findIndex((weight) => !Number.isFinite(weight) || weight < 0);
  if (bad >= 0) {
    throw new UsageError(
      `adjacency weight ${adjacency[bad]} for edge ${bad % services} → ${Math.floor(bad / services)} is not a finite non-negative number`,
    );
  }
}

/** One-hop neighbour lists from a GraphInput; any positive weight is an edge, and every service sees itself. */
export function graphStructure(graph: GraphInput): GraphStructure {
  validateGraph(graph);
  const n = graph.services;
  const mask = new Float32Array(n * n);
  const offsets = new Int32Array(n + 1);
  const sources: number[] = [];
  let maxDegree = 0;
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      if (i === j || (graph.adjacency[i * n + j] ?? 0) > 0) {
        mask[i * n + j] = 1;
        sources.push(j);
      }
    }
    offsets[i + 1] = sources.length;
    maxDegree = Math.max(maxDegree, sources.length - (offsets[i] ?? 0));
  }
  return { services: n, offsets, sources: Int32Array.from(sources), maxDegree, mask };
}

/**
 * D^-1/2 (A + I) D^-1/2 as a dense row-major [n, n] array, with A the graph's edge weights off the
 * diagonal and exactly one self loop per service (a self loop already in A is not counted twice).
 */
export function normalisedAdjacency(graph: GraphInput): Float32Array {
  validateGraph(graph);
  const n = graph.services;
  const withSelfLoops = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) withSelfLoops[i * n + j] = i === j ? 1 : (graph.adjacency[i * n + j] ?? 0);
  }
  const inverseRootDegree = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    let degree = 0;
    for (let j = 0; j < n; j += 1) degree += withSelfLoops[i * n + j] ?? 0;
    inverseRootDegree[i] = 1 / Math.sqrt(degree);
  }
  const normalised = new Float32Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      normalised[i * n + j] =
        (withSelfLoops[i * n + j] ?? 0) * (inverseRootDegree[i] ?? 0) * (inverseRootDegree[j] ?? 0);
    }
  }
  return normalised;
}
