// The deployed benchmarks against the simulated ones (src/sim/topologies): the same services under the same
// names, the same call graph, each call wired by the configuration the caller gets, and the same shape (kind,
// replicas, CPU limit, GPUs). A change on either side that the other does not follow fails here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject, V1ConfigMap, V1Deployment, V1Job } from '@kubernetes/client-node';
import { quantityToScalar } from '@kubernetes/client-node/dist/util.js';
import { renderBenchmark, type DeployableBenchmark } from '../../src/cluster/manifest-set.js';
import {
  containersOf,
  isWorkload,
  nameOf,
  type Workload,
} from '../../src/cluster/manifests/manifest-objects.js';
import { manifestServiceGraph } from '../../src/cluster/manifests/service-wiring.js';
import { TOPOLOGIES } from '../../src/sim/topologies/index.js';
import { topologyEdges } from '../../src/sim/topology-edges.js';
import type { ServiceSpec } from '../../src/sim/topology-types.js';

const DEATHSTARBENCH: DeployableBenchmark[] = ['social-network', 'hotel-reservation', 'media-microservices'];

/** Deployed beside the benchmark but not part of its service graph (tracing, service discovery). */
const INFRASTRUCTURE: Record<string, string[]> = {
  'social-network': ['jaeger'],
  'hotel-reservation': ['consul', 'jaeger'],
  'media-microservices': ['jaeger'],
  'hpc-ai500': [],
};

const render = (benchmark: DeployableBenchmark) => renderBenchmark(benchmark, { namespace: 'graph-check' });

const podsOf = (workload: Workload): number | undefined =>
  workload.kind === 'Job' ? (workload as V1Job).spec?.parallelism : (workload as V1Deployment).spec?.replicas;

/** The workload's main container (the last one: init containers come first). */
const mainContainer = (workload: Workload) => containersOf(workload).at(-1)!;

function checkShape(workload: Workload, spec: ServiceSpec): void {
  const where = nameOf(workload);
  assert.equal(workload.metadata?.labels?.['app.kubernetes.io/component'], spec.kind, `${where} kind`);
  assert.equal(podsOf(workload), spec.replicas, `${where} replicas`);
  const limits = mainContainer(workload).resources?.limits ?? {};
  assert.equal(Number(quantityToScalar(String(limits.cpu))), spec.coresPerReplica, `${where} CPU limit`);
  const memory = Number(quantityToScalar(String(mainContainer(workload).resources?.requests?.memory)));
  assert.ok(memory >= spec.memoryBaseBytes, `${where} requests less memory than it uses idle`);
}

describe('DeathStarBench manifests against the simulated topologies', () => {
  for (const benchmark of DEATHSTARBENCH) {
    describe(benchmark, () => {
      const objects = render(benchmark);
      const graph = manifestServiceGraph(objects);
      const topology = TOPOLOGIES[benchmark];
      const edges = topologyEdges(topology);

      it('deploys exactly the simulated services, plus the infrastructure', () => {
        assert.deepEqual(graph.services, topology.services.map((s) => s.name).sort());
        const all = objects.filter(isWorkload).map(nameOf).sort();
        assert.deepEqual(all, [...graph.services, ...INFRASTRUCTURE[benchmark]!].sort());
      });

      it('declares exactly the simulated call graph', () => {
        assert.deepEqual([...graph.declaredEdges].sort(), [...edges].sort());
      });

      it('wires every simulated call through the configuration the caller gets', () => {
        const unwired = [...edges].filter((edge) => {
          const [caller, callee] = edge.split('>') as [string, string];
          return graph.wiring(caller, callee) === undefined;
        });
        assert.deepEqual(unwired, []);
      });

      it('configures only addresses that a Service of the benchmark answers', () => {
        assert.deepEqual(graph.danglingAddresses, []);
      });

      it('gives each service the simulated kind, replicas, CPU limit and at least its memory', () => {
        for (const spec of topology.services) {
          const workload = objects.filter(isWorkload).find((w) => nameOf(w) === spec.name);
          assert.ok(workload, `no workload ${spec.name}`);
          checkShape(workload, spec);
        }
      });
    });
  }

  it('notices a call whose configuration entry is missing', () => {
    const objects = render('social-network');
    const config = objects.find((o) => nameOf(o) === 'social-network-config') as V1ConfigMap;
    const serviceConfig = JSON.parse(config.data!['service-config.json']!) as Record<string, unknown>;
    delete serviceConfig['post-storage-memcached'];
    config.data!['service-config.json'] = JSON.stringify(serviceConfig);
    const graph = manifestServiceGraph(objects);
    assert.equal(graph.wiring('post-storage-service', 'post-storage-memcached'), undefined);
    assert.equal(graph.wiring('post-storage-service', 'post-storage-mongodb'), 'config');
  });

  it('notices an address no Service answers and a call nobody declared', () => {
    const objects: KubernetesObject[] = render('hotel-reservation');
    const config = objects.find((o) => nameOf(o) === 'hotel-reservation-config') as V1ConfigMap;
    config.data!['config.json'] = config.data!['config.json']!.replace(
      'mongodb-geo:27018',
      'mongodb-geo:27017',
    );
    const geo = objects.find((o) => o.kind === 'Deployment' && nameOf(o) === 'geo')!;
    geo.metadata!.annotations = { 'rescape.io/calls': 'mongodb-geo,rate' };
    const graph = manifestServiceGraph(objects);
    assert.ok(graph.danglingAddresses.includes('geo: mongodb-geo:27017'), graph.danglingAddresses.join(', '));
    assert.ok(graph.declaredEdges.has('geo>rate'));
  });
});

describe('HPC-AI500 manifests against the simulated GPU services', () => {
  const objects = render('hpc-ai500');
  const workloads = objects.filter(isWorkload);
  const gpuServices = TOPOLOGIES['hpc-ai500'].services.filter((s) => s.kind === 'gpu');

  it('run exactly the simulated GPU services', () => {
    assert.deepEqual(workloads.map(nameOf).sort(), gpuServices.map((s) => s.name).sort());
  });

  it('hold the simulated GPU count over the simulated pods, with its kind and CPU limit', () => {
    for (const spec of gpuServices) {
      const workload = workloads.find((w) => nameOf(w) === spec.name)!;
      checkShape(workload, spec);
      const perPod = Number(mainContainer(workload).resources?.limits?.['nvidia.com/gpu']);
      assert.equal(perPod * podsOf(workload)!, spec.gpus, `${spec.name} GPUs`);
    }
  });

  it('runs trainers as Jobs of one pod per completion index and inference as a Deployment', () => {
    for (const workload of workloads) {
      const trainer = nameOf(workload).endsWith('-trainer');
      assert.equal(workload.kind, trainer ? 'Job' : 'Deployment', nameOf(workload));
      if (trainer) assert.equal((workload as V1Job).spec?.completionMode, 'Indexed');
    }
  });
});
