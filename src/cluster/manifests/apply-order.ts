// The order to apply a benchmark's objects in: identities first, then what pods mount or resolve (config,
// Services), then workloads from the bottom of the call graph up, so each tier finds the one below it started.
import type { KubernetesObject } from '@kubernetes/client-node';
import { COMPONENT_LABEL, INFRASTRUCTURE, labelOf } from './manifest-objects.js';

const KIND_ORDER = [
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ConfigMap',
  'Service',
  'StatefulSet',
  'Deployment',
  'Job',
];

// Within the workloads: tracing and service discovery, then stores, then the services that use them, then the
// front ends, then the GPU workloads.
const COMPONENT_ORDER = [INFRASTRUCTURE, 'database', 'cache', 'service', 'gateway', 'gpu'];

function rank(order: readonly string[], value: string | undefined): number {
  const index = order.indexOf(value ?? '');
  return index < 0 ? order.length : index;
}

/** A copy of `objects` in apply order; objects of equal rank keep their relative order (the sort is stable). */
export function sortForApply<T extends KubernetesObject>(objects: readonly T[]): T[] {
  const key = (object: T): [number, number] => [
    rank(KIND_ORDER, object.kind),
    rank(COMPONENT_ORDER, labelOf(object, COMPONENT_LABEL)),
  ];
  return [...objects].sort((a, b) => {
    const [kindA, componentA] = key(a);
    const [kindB, componentB] = key(b);
    return kindA - kindB || componentA - componentB;
  });
}
