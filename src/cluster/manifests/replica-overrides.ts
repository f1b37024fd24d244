// Replica overrides on a benchmark's workloads: `replicas` names services, `defaultReplicas` applies to every
// other scalable Deployment or StatefulSet. Stores whose one pod holds the data (databases, caches, the broker)
// are never scaled: more pods behind one Service would split their data. A Job's override sets its pod count
// (parallelism and completions).
import type { V1Deployment, V1Job, V1StatefulSet } from '@kubernetes/client-node';
import { UsageError } from '../../core/errors.js';
import { isSingleInstance, nameOf, type Workload } from './manifest-objects.js';
import { checkReplicaCount } from './render-options.js';

export interface ReplicaOverrides {
  replicas?: Record<string, number>;
  defaultReplicas?: number;
}

/** Checks the overrides against the benchmark's workloads; throws a UsageError naming the service and the fix. */
export function checkReplicaOverrides(
  benchmark: string,
  workloads: readonly Workload[],
  overrides: ReplicaOverrides,
): void {
  if (overrides.defaultReplicas !== undefined) {
    checkReplicaCount(overrides.defaultReplicas, `--default-replicas ${overrides.defaultReplicas}`);
  }
  const scalable = workloads.filter((workload) => !isSingleInstance(workload)).map(nameOf);
  for (const [service, count] of Object.entries(overrides.replicas ?? {})) {
    const workload = workloads.find((candidate) => nameOf(candidate) === service);
    if (workload === undefined) {
      throw new UsageError(`--replicas ${service}=${count}: ${benchmark} has no service "${service}"`, {
        suggestion: `Scale one of: ${scalable.join(', ')}.`,
      });
    }
    if (isSingleInstance(workload)) {
      throw new UsageError(
        `--replicas ${service}=${count}: ${service} keeps its data in its one pod and cannot be scaled`,
        { suggestion: `Scale the services that use it instead, e.g. one of: ${scalable.join(', ')}.` },
      );
    }
    checkReplicaCount(count, `--replicas ${service}=${count}`);
  }
}

/** Sets the replica counts on checked overrides (see checkReplicaOverrides). */
export function applyReplicaOverrides(workloads: readonly Workload[], overrides: ReplicaOverrides): void {
  for (const workload of workloads) {
    const named = overrides.replicas?.[nameOf(workload)];
    if (workload.kind === 'Job') {
      if (named !== undefined) setJobPods(workload as V1Job, named);
      continue;
    }
    const count = named ?? (isSingleInstance(workload) ? undefined : overrides.defaultReplicas);
    const spec = (workload as V1Deployment | V1StatefulSet).spec;
    if (count !== undefined && spec !== undefined) spec.replicas = count;
  }
}

function setJobPods(job: V1Job, pods: number): void {
  if (job.spec === undefined) return;
  job.spec.parallelism = pods;
  job.spec.completions = pods;
}
