// The labels and annotations rescape's manifests carry, and typed access to the pods of their workloads.
import type {
  KubernetesObject,
  V1Container,
  V1Deployment,
  V1Job,
  V1PodTemplateSpec,
  V1StatefulSet,
} from '@kubernetes/client-node';

/** The service's name: the simulated topology's name for it (set in the manifest files). */
export const NAME_LABEL = 'app.kubernetes.io/name';
/** gateway | service | cache | database | gpu (the topology's kinds), or infrastructure (jaeger, consul, config). */
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
/** The benchmark the object belongs to (set when rendering). */
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
/** Always "rescape" (set when rendering), so teardown can select what rescape applied. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'rescape';
/** Comma-separated services this one calls, as in the simulated topology; a test compares the two graphs. */
export const CALLS_ANNOTATION = 'rescape.io/calls';
/** "true" on workloads whose one pod holds the data (databases, caches, brokers): they are never scaled. */
export const SINGLE_INSTANCE_ANNOTATION = 'rescape.io/single-instance';
export const INFRASTRUCTURE = 'infrastructure';

export type Workload = V1Deployment | V1StatefulSet | V1Job;

const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'Job']);

export function isWorkload(object: KubernetesObject): object is Workload {
  return WORKLOAD_KINDS.has(object.kind ?? '');
}

/** The pod template of a workload; the manifests always have one (the schema requires it). */
export function podTemplateOf(workload: Workload): V1PodTemplateSpec {
  const template = workload.spec?.template;
  if (template === undefined)
    throw new Error(`${workload.kind} ${workload.metadata?.name} has no pod template`);
  return template;
}

/** Init containers first, then the containers, as the kubelet starts them. */
export function containersOf(workload: Workload): V1Container[] {
  const spec = podTemplateOf(workload).spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
}

export function nameOf(object: KubernetesObject): string {
  return object.metadata?.name ?? '';
}

export function labelOf(object: KubernetesObject, label: string): string | undefined {
  return object.metadata?.labels?.[label];
}

export function annotationOf(object: KubernetesObject, annotation: string): string | undefined {
  return object.metadata?.annotations?.[annotation];
}

export function isSingleInstance(object: KubernetesObject): boolean {
  return annotationOf(object, SINGLE_INSTANCE_ANNOTATION) === 'true';
}
