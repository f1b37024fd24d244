// Reads what endpoint-choice.ts needs from the cluster: the namespace's Services and Ingresses and one node
// address. Ingresses and nodes are optional knowledge: a cluster without the networking.k8s.io API, or a
// namespaced Role that may not list nodes (nodes are cluster-scoped), leaves them out rather than failing.
import type { V1Ingress, V1Node, V1Service } from '@kubernetes/client-node';
import { chooseEndpoints, nodeAddressOf, type Endpoint } from './endpoint-choice.js';
import type { KubeClient } from './kube-client.js';
import { KubeApiError } from './kube-errors.js';

export interface DiscoveredEndpoints {
  endpoints: Endpoint[];
  services: V1Service[];
  /** What could not be read, and so was not considered. */
  notes: string[];
}

export async function discoverEndpoints(
  client: KubeClient,
  namespace: string,
  entryServices: readonly string[],
): Promise<DiscoveredEndpoints> {
  const notes: string[] = [];
  const services = (await client.list<V1Service>('v1', 'Service', namespace)).items;
  const ingresses = await optional(
    () => client.list<V1Ingress>('networking.k8s.io/v1', 'Ingress', namespace),
    'Ingresses',
    notes,
  );
  const nodes = await optional(() => client.list<V1Node>('v1', 'Node', undefined), 'nodes', notes);
  const endpoints = chooseEndpoints({
    namespace,
    services,
    ingresses: ingresses ?? [],
    nodeAddress: nodes === undefined ? null : nodeAddressOf(nodes),
    entryServices,
  });
  return { endpoints, services, notes };
}

/** The items, or undefined (with a note) when the API is forbidden or not served. */
async function optional<T>(
  list: () => Promise<{ items: T[] }>,
  what: string,
  notes: string[],
): Promise<T[] | undefined> {
  try {
    return (await list()).items;
  } catch (error) {
    if (
      error instanceof KubeApiError &&
      (error.httpStatus === 403 || error.httpStatus === 404 || error.reason === 'NotServed')
    ) {
      notes.push(`${what} not considered: ${error.message}`);
      return undefined;
    }
    throw error;
  }
}
