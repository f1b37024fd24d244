// Chooses how a benchmark's Services are reached from outside the cluster, best first: an Ingress rule that
// routes to the Service (its host and path), a LoadBalancer's ingress IP or hostname, a NodePort on a node's
// address, and otherwise — only a ClusterIP — a port-forward through the API server. Entry Services (the
// benchmark's front ends) are always listed; others only when something exposes them. Pure: it is given the
// Services, Ingresses and node addresses and returns the choices.
import type { V1Ingress, V1Node, V1Service, V1ServicePort } from '@kubernetes/client-node';

export type EndpointVia = 'ingress' | 'load-balancer' | 'node-port' | 'port-forward';

export interface Endpoint {
  service: string;
  /** Whether the benchmark's requests enter here (its gateway). */
  entry: boolean;
  /** The Service port (what a port-forward connects to). */
  port: number;
  portName?: string;
  via: EndpointVia;
  /** Where to send requests; null when it cannot be known (no node address, or a port-forward not open yet). */
  url: string | null;
  detail: string;
}

export interface EndpointInput {
  namespace: string;
  services: V1Service[];
  ingresses: V1Ingress[];
  /** A node address for NodePorts; null when nodes could not be listed (a namespaced Role may not). */
  nodeAddress: string | null;
  /** Names of the benchmark's entry Services. */
  entryServices: readonly string[];
}

export function chooseEndpoints(input: EndpointInput): Endpoint[] {
  const entries = new Set(input.entryServices);
  const endpoints: Endpoint[] = [];
  const services = [...input.services].sort((a, b) => {
    const entryOrder =
      Number(entries.has(b.metadata?.name ?? '')) - Number(entries.has(a.metadata?.name ?? ''));
    return entryOrder || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
  });
  for (const service of services) {
    const name = service.metadata?.name ?? '';
    const entry = entries.has(name);
    for (const port of (service.spec?.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP')) {
      const chosen =
        viaIngress(name, port, input.ingresses) ??
        viaLoadBalancer(service, port) ??
        viaNodePort(service, port, input.nodeAddress);
      if (chosen !== undefined) {
        endpoints.push({ service: name, entry, ...portOf(port), ...chosen });
      } else if (entry) {
        endpoints.push({
          service: name,
          entry,
          ...portOf(port),
          via: 'port-forward',
          url: null,
          detail: `only a ClusterIP: rescape endpoints --port-forward, or kubectl -n ${input.namespace} port-forward svc/${name} ${port.port}:${port.port}`,
        });
      }
    }
  }
  return endpoints;
}

/** The address to reach NodePorts on: a Ready node's ExternalIP, else its InternalIP (first node by name). */
export function nodeAddressOf(nodes: V1Node[]): string | null {
  const ready = [...nodes]
    .filter(
      (node) => node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    )
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  for (const type of ['ExternalIP', 'InternalIP']) {
    for (const node of ready) {
      const address = node.status?.addresses?.find((a) => a.type === type)?.address;
      if (address !== undefined) return address;
    }
  }
  return null;
}

type Choice = Pick<Endpoint, 'via' | 'url' | 'detail'>;

function portOf(port: V1ServicePort): Pick<Endpoint, 'port' | 'portName'> {
  return port.name === undefined ? { port: port.port } : { port: port.port, portName: port.name };
}

function viaIngress(service: string, port: V1ServicePort, ingresses: V1Ingress[]): Choice | undefined {
  for (const ingress of ingresses) {
    const tlsHosts = new Set((ingress.spec?.tls ?? []).flatMap((tls) => tls.hosts ?? []));
    const balancer = ingress.status?.loadBalancer?.ingress?.[0];
    for (const rule of ingress.spec?.rules ?? []) {
      for (const path of rule.http?.paths ?? []) {
        const backend = path.backend.service;
        if (backend?.name !== service) continue;
        const matches =
          backend.port?.number === port.port ||
          (backend.port?.name !== undefined && backend.port.name === port.name);
        if (!matches) continue;
        const host = rule.host ?? balancer?.hostname ?? balancer?.ip;
        const scheme = rule.host !== undefined && tlsHosts.has(rule.host) ? 'https' : 'http';
        return {
          via: 'ingress',
          url: host === undefined ? null : `${scheme}://${host}${path.path ?? '/'}`,
          detail: `Ingress ${ingress.metadata?.name ?? ''}${host === undefined ? ' (no host or address yet)' : ''}`,
        };
      }
    }
  }
  return undefined;
}

function viaLoadBalancer(service: V1Service, port: V1ServicePort): Choice | undefined {
  if (service.spec?.type !== 'LoadBalancer') return undefined;
  const ingress = service.status?.loadBalancer?.ingress?.[0];
  const host = ingress?.ip ?? ingress?.hostname;
  if (host === undefined) return undefined;
  return {
    via: 'load-balancer',
    url: `http://${hostForUrl(host)}:${port.port}`,
    detail: 'LoadBalancer ingress',
  };
}

function viaNodePort(
  service: V1Service,
  port: V1ServicePort,
  nodeAddress: string | null,
): Choice | undefined {
  const type = service.spec?.type;
  if ((type !== 'NodePort' && type !== 'LoadBalancer') || port.nodePort === undefined) return undefined;
  return {
    via: 'node-port',
    url: nodeAddress === null ? null : `http://${hostForUrl(nodeAddress)}:${port.nodePort}`,
    detail:
      nodeAddress === null
        ? `NodePort ${port.nodePort} on any node (nodes could not be listed to pick an address)`
        : `NodePort ${port.nodePort}`,
  };
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
