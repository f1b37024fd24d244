// A live cAdvisor stand-in on 127.0.0.1 for the live profile's tests: /metrics in the Prometheus text format
// with the series the kubelet's cAdvisor exposes for a namespace — container_cpu_usage_seconds_total and
// container_memory_working_set_bytes per pod and container, plus the pause container (container="POD") and the
// pod-level cgroup (container="") that the metrics profile must not count — for every service of a simulated
// benchmark. The CPU counters grow with the requests the simulated front end (src/sim/http-endpoints.ts) has
// answered: each request type charges every service on its call tree the calls it expects to make there
// (probability × count, cache misses included) times the service's CPU cost per call, on top of its idle use.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EndpointServer } from '../../src/sim/http-endpoints.js';
import type { CallSpec, Topology } from '../../src/sim/topology-types.js';

export interface LiveCadvisor {
  /** host:port, as a Prometheus scrape target. */
  target: string;
  /** Scrapes answered so far. */
  scrapes: () => number;
  close(): Promise<void>;
}

/** A Deployment's pod name, which the default metrics profile maps back to its service. */
export function podOf(service: string): string {
  return `${service}-7d9f8b6c5d-x2k9q`;
}

/** Expected calls each service serves per request of each type (the entry service serves one). */
export function callsPerRequest(topology: Topology): Map<string, Map<string, number>> {
  const byEndpoint = new Map<string, Map<string, number>>();
  for (const endpoint of topology.endpoints) {
    const calls = new Map<string, number>([[endpoint.entry.service, 1]]);
    const visit = (specs: readonly CallSpec[] | undefined, weight: number): void => {
      for (const spec of specs ?? []) {
        const made = weight * (spec.probability ?? 1) * (spec.count ?? 1);
        calls.set(spec.service, (calls.get(spec.service) ?? 0) + made);
        visit(spec.calls, made);
        if (spec.hitRate !== undefined) visit(spec.onMiss, made * (1 - spec.hitRate));
      }
    };
    visit(endpoint.entry.calls, 1);
    byEndpoint.set(endpoint.name, calls);
  }
  return byEndpoint;
}

export async function startLiveCadvisor(options: {
  namespace: string;
  topology: Topology;
  frontEnd: EndpointServer;
}): Promise<LiveCadvisor> {
  const started = performance.now();
  const perRequest = callsPerRequest(options.topology);
  let scrapes = 0;
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    scrapes += 1;
    const uptime = (performance.now() - started) / 1000;
    const served = options.frontEnd.stats().byEndpoint;
    const lines = [
      '# TYPE container_cpu_usage_seconds_total counter',
      '# TYPE container_memory_working_set_bytes gauge',
    ];
    for (const service of options.topology.services) {
      let calls = 0;
      for (const [endpoint, count] of Object.entries(served))
        calls += count * (perRequest.get(endpoint)?.get(service.name) ?? 0);
      const cpu = service.idleCores * uptime + (calls * service.cpuMsPerCall) / 1000;
      const memory = service.memoryBaseBytes + calls * 1024;
      const labels = (container: string) =>
        `namespace="${options.namespace}",pod="${podOf(service.name)}",container="${container}"`;
      lines.push(
        `container_cpu_usage_seconds_total{${labels(service.name)}} ${cpu}`,
        // Counted twice or inflated if the profile's container filters were wrong.
        `container_cpu_usage_seconds_total{${labels('')}} ${cpu * 1.01}`,
        `container_cpu_usage_seconds_total{${labels('POD')}} ${uptime * 0.001}`,
        `container_memory_working_set_bytes{${labels(service.name)}} ${memory}`,
        `container_memory_working_set_bytes{${labels('POD')}} 1048576`,
      );
    }
    const body = `${lines.join('\n')}\n`;
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    scrapes: () => scrapes,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
