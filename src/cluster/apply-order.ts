// The order objects are applied in (and, reversed, deleted in): what others refer to comes first — the
// namespace, then RBAC and configuration, then Services, then the workloads that use them — as Helm and
// kubectl's apply ordering do, so a pod never starts before its ServiceAccount or ConfigMap exists, and on
// teardown workloads stop before the objects they use disappear. Stable within a kind.
import type { KubernetesObject } from '@kubernetes/client-node';

const KIND_ORDER = [
  'Namespace',
  'PriorityClass',
  'ResourceQuota',
  'LimitRange',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'PersistentVolumeClaim',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'Service',
  'NetworkPolicy',
  'PodDisruptionBudget',
  'DaemonSet',
  'StatefulSet',
  'Deployment',
  'Job',
  'CronJob',
  'HorizontalPodAutoscaler',
  'Ingress',
];

function rank(kind: string | undefined): number {
  const index = KIND_ORDER.indexOf(kind ?? '');
  return index === -1 ? KIND_ORDER.length : index;
}

export function inApplyOrder<T extends KubernetesObject>(objects: readonly T[]): T[] {
  return objects
    .map((object, index) => ({ object, index }))
    .sort((a, b) => rank(a.object.kind) - rank(b.object.kind) || a.index - b.index)
    .map(({ object }) => object);
}

export function inDeleteOrder<T extends KubernetesObject>(objects: readonly T[]): T[] {
  return inApplyOrder(objects).reverse();
}
