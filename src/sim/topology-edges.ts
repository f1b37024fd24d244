// Every caller → callee pair a topology's call paths can produce, for checking sampled call graphs.
import type { CallSpec, Topology } from './topology-types.js';

export function topologyEdges(topology: Topology): Set<string> {
  const edges = new Set<string>();
  const visit = (caller: string, calls: readonly CallSpec[]): void => {
    for (const call of calls) {
      edges.add(`${caller}>${call.service}`);
      visit(call.service, call.calls ?? []);
      visit(caller, call.onMiss ?? []);
    }
  };
  for (const endpoint of topology.endpoints) visit(endpoint.entry.service, endpoint.entry.calls ?? []);
  return edges;
}
