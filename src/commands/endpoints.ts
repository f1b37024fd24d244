import { Flags } from '@oclif/core';
import type { V1Service } from '@kubernetes/client-node';
import { chooseEndpoints, type Endpoint } from '../cluster/endpoint-choice.js';
import { discoverEndpoints } from '../cluster/endpoint-discovery.js';
import { openClusterSession } from '../cluster/cluster-session.js';
import { checkDeployableBenchmark, renderBenchmark } from '../cluster/manifest-set.js';
import { openPortForward, type OpenPortForward } from '../cluster/port-forward.js';
import { getTopology } from '../sim/topologies/index.js';
import { RescapeCommand } from '../cli/base-command.js';
import { benchmarkArg, clusterFlags, kubeconfigChoice } from '../cli/cluster-flags.js';

export interface EndpointsResult {
  dryRun: boolean;
  benchmark: string;
  namespace: string;
  context: string | null;
  entryServices: string[];
  endpoints: Endpoint[];
  notes: string[];
}

export default class Endpoints extends RescapeCommand {
  static override summary =
    "Find where a deployed benchmark's front ends (and other exposed Services) can be reached.";
  static override description = `For each Service port of the benchmark's entry points (nginx-thrift and media-frontend for social-network, frontend for hotel-reservation, nginx-web-server for media-microservices), and for any other Service something exposes, says how to reach it, best first: an Ingress host and path, a LoadBalancer address, a NodePort on a node's address, or — when there is only a ClusterIP — a port-forward through the API server.

--port-forward opens those port-forwards on 127.0.0.1 and keeps them open until Ctrl-C. It is for checks and light load: it goes to one pod (no balancing, no failover) and every byte passes through the API server; expose the entry Service as NodePort, LoadBalancer or Ingress for a full profile. --dry-run reads the Services from the manifests instead of the cluster.`;

  static override examples = [
    '<%= config.bin %> endpoints social-network',
    '<%= config.bin %> endpoints hotel-reservation --namespace hotel --json',
    '<%= config.bin %> endpoints social-network --port-forward',
  ];

  static override args = { benchmark: benchmarkArg };

  static override flags = {
    ...clusterFlags,
    'port-forward': Flags.boolean({
      default: false,
      description: 'Open port-forwards for entry points that only have a ClusterIP, until Ctrl-C.',
      exclusive: ['dry-run'],
    }),
  };

  async run(): Promise<EndpointsResult | undefined> {
    const { args, flags } = await this.parse(Endpoints);
    const benchmark = checkDeployableBenchmark(args.benchmark);
    const namespace = flags.namespace ?? benchmark;
    const entryServices = getTopology(benchmark)
      .services.filter((service) => service.kind === 'gateway')
      .map((service) => service.name);
    if (flags['dry-run']) {
      const services = renderBenchmark(benchmark, { namespace }).filter(
        (o) => o.kind === 'Service',
      ) as V1Service[];
      const endpoints = chooseEndpoints({
        namespace,
        services,
        ingresses: [],
        nodeAddress: null,
        entryServices,
      });
      const result = {
        dryRun: true,
        benchmark,
        namespace,
        context: null,
        entryServices,
        endpoints,
        notes: missingEntries(entryServices, services),
      };
      this.show(result);
      return result;
    }
    const { client } = await openClusterSession(kubeconfigChoice(flags));
    const found = await discoverEndpoints(client, namespace, entryServices);
    const result: EndpointsResult = {
      dryRun: false,
      benchmark,
      namespace,
      context: client.context,
      entryServices,
      endpoints: found.endpoints,
      notes: [...missingEntries(entryServices, found.services), ...found.notes],
    };
    if (!flags['port-forward']) {
      this.show(result);
      return result;
    }
    const forwards: OpenPortForward[] = [];
    try {
      for (const endpoint of result.endpoints.filter((e) => e.entry && e.via === 'port-forward')) {
        const service = found.services.find((s) => s.metadata?.name === endpoint.service)!;
        const port = service.spec!.ports!.find((p) => p.port === endpoint.port)!;
        const forward = await openPortForward(client, namespace, service, port);
        forwards.push(forward);
        endpoint.url = forward.url;
        endpoint.detail = `port-forward to pod ${forward.pod} (open until Ctrl-C)`;
      }
      // The record is printed now, not on return: the command keeps running until it is interrupted.
      if (this.jsonEnabled()) this.logJson(result);
      else this.show(result);
      if (forwards.length > 0) {
        await new Promise<void>((resolve) =>
          this.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
      }
    } finally {
      await Promise.all(forwards.map((forward) => forward.close()));
    }
    return undefined;
  }

  private show(result: EndpointsResult): void {
    for (const endpoint of result.endpoints) {
      this.log(
        `${endpoint.entry ? '*' : ' '} ${endpoint.service}:${endpoint.port}  ${endpoint.url ?? '-'}  (${endpoint.via}: ${endpoint.detail})`,
      );
    }
    if (result.endpoints.length === 0)
      this.log(`No reachable Service found in namespace ${result.namespace}.`);
    for (const note of result.notes) this.logToStderr(`note: ${note}`);
  }
}

function missingEntries(entryServices: readonly string[], services: readonly V1Service[]): string[] {
  return entryServices
    .filter((name) => !services.some((service) => service.metadata?.name === name))
    .map((name) => `entry Service ${name} not found`);
}
