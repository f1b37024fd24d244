// A port-forward to a Service that is only reachable inside the cluster: a listener on 127.0.0.1 whose every
// connection is carried to one Ready pod behind the Service through the API server (client-node's PortForward,
// a WebSocket per connection), like `kubectl port-forward svc/<name>`.
//
// Limits, by design kept simple: it picks one pod when it opens (no balancing over replicas, and no failover:
// if that pod goes away, new connections fail until it is opened again); every byte goes through the API
// server, so it suits checking a front end and light load, not the full 80–220 concurrency of a profile
// (expose the entry Service as NodePort/LoadBalancer/Ingress for that); TCP only.
import type { V1Pod, V1Service, V1ServicePort } from '@kubernetes/client-node';
import { createServer, type Server, type Socket } from 'node:net';
import { ClusterError } from '../core/errors.js';
import type { KubeClient } from './kube-client.js';

export interface PodTarget {
  pod: string;
  /** The container port the Service port leads to. */
  port: number;
}

/**
 * The pod and container port a Service port leads to: the first Ready pod (by name) that the Service selects,
 * and its targetPort resolved (a number, a named container port, or the Service port when unset).
 */
export function choosePodTarget(servicePort: V1ServicePort, pods: V1Pod[]): PodTarget | undefined {
  const ready = pods
    .filter((pod) => pod.status?.phase === 'Running')
    .filter((pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false)
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  for (const pod of ready) {
    const target = servicePort.targetPort ?? servicePort.port;
    if (typeof target === 'number') return { pod: pod.metadata?.name ?? '', port: target };
    const numeric = Number(target);
    if (Number.isInteger(numeric)) return { pod: pod.metadata?.name ?? '', port: numeric };
    const named = pod.spec?.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === target);
    if (named !== undefined) return { pod: pod.metadata?.name ?? '', port: named.containerPort };
  }
  return undefined;
}

export interface OpenPortForward {
  /** http://127.0.0.1:<local port> */
  url: string;
  localPort: number;
  pod: string;
  close: () => Promise<void>;
}

/** Opens a local listener forwarding to `servicePort` of the Service (see the limits above). */
export async function openPortForward(
  client: KubeClient,
  namespace: string,
  service: V1Service,
  servicePort: V1ServicePort,
  localPort = 0,
): Promise<OpenPortForward> {
  const name = service.metadata?.name ?? '';
  const selector = Object.entries(service.spec?.selector ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  if (selector === '') {
    throw new ClusterError(`Service ${namespace}/${name} has no selector, so there is no pod to forward to`, {
      suggestion: 'Forward to the pod behind it directly with kubectl port-forward pod/<name>.',
    });
  }
  const pods = (await client.list<V1Pod>('v1', 'Pod', namespace, selector)).items;
  const target = choosePodTarget(servicePort, pods);
  if (target === undefined) {
    throw new ClusterError(
      `Service ${namespace}/${name} has no Ready pod to forward port ${servicePort.port} to`,
      {
        suggestion: `Wait for its pods (rescape deploy waits for them), then try again; kubectl -n ${namespace} get pods -l ${selector} shows them.`,
      },
    );
  }
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    client.portForward(namespace, target.pod, target.port, socket).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(localPort, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : localPort;
  return {
    url: `http://127.0.0.1:${port}`,
    localPort: port,
    pod: target.pod,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
