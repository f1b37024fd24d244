// Where a live profile sends its load: the benchmark is deployed first (server-side apply, waited for) unless
// --use-deployed, and its front end is found with the endpoint discovery of `rescape endpoints` — the first
// entry Service of the benchmark (nginx-thrift before media-frontend) reachable through an Ingress, a
// LoadBalancer or a NodePort — unless --target names the URL. A front end with only a ClusterIP is refused:
// a port-forward carries every byte through the API server and cannot take a profile's load. With --build, the
// images are built (live-build.ts) before the deploy, in the same session, and a failed build stops it there.
import { ClusterError } from '../core/errors.js';
import type { ProgressListener } from '../core/progress.js';
import { openClusterSession } from '../cluster/cluster-session.js';
import { deployBenchmark, type DeployOutcome } from '../cluster/deploy-benchmark.js';
import type { EndpointVia } from '../cluster/endpoint-choice.js';
import { discoverEndpoints } from '../cluster/endpoint-discovery.js';
import type { KubeconfigChoice } from '../cluster/kubeconfig.js';
import type { KubeClient } from '../cluster/kube-client.js';
import { getTopology } from '../sim/topologies/index.js';
import type { BenchmarkName } from '../sim/topology-types.js';
import type { BuiltImage } from '../cluster/kaniko-build.js';
import { buildImages, type LiveBuildPlan } from './live-build.js';

export interface TargetRequest {
  benchmark: BenchmarkName;
  namespace: string;
  kubeconfig: KubeconfigChoice;
  /** Deploy (and wait for) the benchmark first. */
  deploy: boolean;
  registry?: string;
  deployTimeoutSeconds: number;
  /** --target: the front end's URL; no discovery. */
  target?: URL;
  /** Images to build before the deploy (--build). */
  build?: LiveBuildPlan;
}

export interface ChosenTarget {
  url: URL;
  via: EndpointVia | 'flag';
  /** The entry Service the URL leads to; null for --target. */
  service: string | null;
  /** The kubeconfig context worked on; null when the cluster was not contacted. */
  context: string | null;
  /** What deploy applied and waited for; null with --use-deployed or on resume. */
  deployed: DeployOutcome | null;
  /** The images built before the deploy (none without --build). */
  built: BuiltImage[];
}

export async function chooseTarget(
  request: TargetRequest,
  deps: { signal: AbortSignal; onProgress?: ProgressListener },
): Promise<ChosenTarget> {
  if (!request.deploy && request.target !== undefined) {
    return { url: request.target, via: 'flag', service: null, context: null, deployed: null, built: [] };
  }
  const { client } = await openClusterSession(request.kubeconfig);
  const built = request.build === undefined ? [] : await buildImages(client, request.build, deps);
  const deployed = request.deploy ? await deploy(client, request, deps) : null;
  if (request.target !== undefined) {
    return { url: request.target, via: 'flag', service: null, context: client.context, deployed, built };
  }
  return { ...(await discoverFrontEnd(client, request)), context: client.context, deployed, built };
}

async function deploy(
  client: KubeClient,
  request: TargetRequest,
  deps: { signal: AbortSignal; onProgress?: ProgressListener },
): Promise<DeployOutcome> {
  return deployBenchmark(
    client,
    {
      benchmark: request.benchmark as Parameters<typeof deployBenchmark>[1]['benchmark'],
      namespace: request.namespace,
      ...(request.registry === undefined ? {} : { registry: request.registry }),
      forceConflicts: false,
      wait: true,
      timeoutSeconds: request.deployTimeoutSeconds,
    },
    deps,
  );
}

async function discoverFrontEnd(
  client: KubeClient,
  request: TargetRequest,
): Promise<Pick<ChosenTarget, 'url' | 'via' | 'service'>> {
  const entries = getTopology(request.benchmark)
    .services.filter((service) => service.kind === 'gateway')
    .map((service) => service.name);
  const found = await discoverEndpoints(client, request.namespace, entries);
  for (const name of entries) {
    const endpoint = found.endpoints.find(
      (candidate) => candidate.service === name && candidate.via !== 'port-forward' && candidate.url !== null,
    );
    if (endpoint?.url != null) return { url: new URL(endpoint.url), via: endpoint.via, service: name };
  }
  const seen = found.endpoints
    .filter((endpoint) => endpoint.entry)
    .map((endpoint) => `${endpoint.service}:${endpoint.port} via ${endpoint.via} (${endpoint.detail})`);
  throw new ClusterError(
    `no front end of ${request.benchmark} in namespace ${request.namespace} is reachable from outside the cluster${seen.length === 0 ? '' : `: ${seen.join('; ')}`}${found.notes.length === 0 ? '' : `; ${found.notes.join('; ')}`}`,
    {
      suggestion: `Expose ${entries[0] ?? 'the entry Service'} as a NodePort, LoadBalancer or Ingress, or give --target URL (e.g. with rescape endpoints --port-forward running, for light load only).`,
    },
  );
}
