// What one replica of each service can hold, which turns a service's demand into a replica count:
// --cores-per-replica for every service when given; for a run of the simulated cluster, the per-pod CPU
// limit and GPUs of its built-in topology; otherwise unknown (the run's replica count is kept).
import type { RunData } from '../dataset/run-reader.js';
import { TOPOLOGIES } from '../sim/topologies/index.js';
import type { BenchmarkName } from '../sim/topology-types.js';
import type { ReplicaCapacity } from './sizing.js';

export type CapacitySource = 'flag' | 'topology' | 'unknown';

export function replicaCapacities(
  run: Pick<RunData, 'manifest' | 'services'>,
  coresPerReplica: number | undefined,
): { capacities: ReplicaCapacity[]; source: CapacitySource } {
  const topology =
    run.manifest.cluster.kind === 'sim' && Object.hasOwn(TOPOLOGIES, run.manifest.benchmark)
      ? TOPOLOGIES[run.manifest.benchmark as BenchmarkName]
      : undefined;
  const capacities = run.services.map((service) => {
    const spec = topology?.services.find((candidate) => candidate.name === service.msName);
    return {
      cores: coresPerReplica ?? spec?.coresPerReplica ?? null,
      // A topology's gpus count the whole service's GPUs.
      gpus: spec?.gpus === undefined ? null : spec.gpus / spec.replicas,
    };
  });
  const source: CapacitySource =
    coresPerReplica !== undefined
      ? 'flag'
      : capacities.some((c) => c.cores !== null)
        ? 'topology'
        : 'unknown';
  return { capacities, source };
}
