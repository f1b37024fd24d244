// The Kubernetes objects of a benchmark, rendered for one namespace. The manifests are data (manifests/**.yaml);
// rendering only sets fields on the parsed objects — namespace, the rescape labels, the image registry, replica
// counts — with no template engine, and returns them in apply order.
import type {
  KubernetesObject,
  V1Deployment,
  V1RoleBinding,
  V1Service,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { UsageError } from '../core/errors.js';
import { sortForApply } from './manifests/apply-order.js';
import { relocateImage } from './manifests/image-registry.js';
import { loadManifestDirectory } from './manifests/manifest-files.js';
import {
  containersOf,
  isWorkload,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  PART_OF_LABEL,
  podTemplateOf,
  type Workload,
} from './manifests/manifest-objects.js';
import { applyReplicaOverrides, checkReplicaOverrides } from './manifests/replica-overrides.js';
import { checkNamespace, checkRegistry } from './manifests/render-options.js';

export const DEPLOYABLE_BENCHMARKS = [
  'social-network',
  'hotel-reservation',
  'media-microservices',
  'hpc-ai500',
] as const;
export type DeployableBenchmark = (typeof DEPLOYABLE_BENCHMARKS)[number];

export interface RenderOptions {
  /** Namespace of every object: a Kubernetes namespace name (RFC 1123 label). */
  namespace: string;
  /** Registry every image moves to (host[:port][/path]); images keep their repository path and tag. */
  registry?: string;
  /** Pods by service name: a Deployment's replicas, or a Job's pod count (parallelism and completions). */
  replicas?: Record<string, number>;
  /** Replicas of every other scalable Deployment; databases, caches and brokers keep one pod, Jobs their count. */
  defaultReplicas?: number;
}

const DIRECTORIES: Record<DeployableBenchmark, string> = {
  'social-network': 'deathstarbench/social-network',
  'hotel-reservation': 'deathstarbench/hotel-reservation',
  'media-microservices': 'deathstarbench/media-microservices',
  'hpc-ai500': 'hpc-ai500',
};

/** `name` as a deployable benchmark; a UsageError listing them otherwise. */
export function checkDeployableBenchmark(name: string): DeployableBenchmark {
  if ((DEPLOYABLE_BENCHMARKS as readonly string[]).includes(name)) return name as DeployableBenchmark;
  const simulatedOnly = name === 'ecommerce';
  throw new UsageError(
    simulatedOnly
      ? 'benchmark "ecommerce" exists only in the simulated cluster: it has no Kubernetes manifests'
      : `unknown benchmark "${name}"`,
    {
      suggestion: simulatedOnly
        ? 'Profile it with rescape profile --benchmark ecommerce (simulated), or deploy one of: ' +
          `${DEPLOYABLE_BENCHMARKS.join(', ')}.`
        : `Deploy one of: ${DEPLOYABLE_BENCHMARKS.join(', ')}.`,
    },
  );
}

/** Every object to apply for the benchmark, in apply order (namespace-scoped only: the namespace must exist). */
export function renderBenchmark(benchmark: DeployableBenchmark, options: RenderOptions): KubernetesObject[] {
  checkDeployableBenchmark(benchmark);
  checkNamespace(options.namespace);
  const registry = options.registry === undefined ? undefined : checkRegistry(options.registry);
  const objects = loadManifestDirectory(DIRECTORIES[benchmark]).map((document) => document.object);
  const workloads = objects.filter(isWorkload);
  checkReplicaOverrides(benchmark, workloads, options);
  for (const object of objects) placeInNamespace(object, options.namespace, benchmark);
  if (registry !== undefined) relocateImages(workloads, registry);
  applyReplicaOverrides(workloads, options);
  return sortForApply(objects);
}

/**
 * The least-privilege ServiceAccount/Role/RoleBinding rescape itself needs in the namespace (deploy, build Jobs,
 * watch, logs, port-forward): manifests/rbac/rescape.yaml. An administrator applies it, as creating namespaces and
 * RBAC objects is beyond what the Role grants.
 */
export function renderRbac(options: { namespace: string }): KubernetesObject[] {
  checkNamespace(options.namespace);
  const objects = loadManifestDirectory('rbac').map((document) => document.object);
  for (const object of objects) {
    placeInNamespace(object, options.namespace, 'rescape');
    if (object.kind === 'RoleBinding') {
      for (const subject of (object as V1RoleBinding).subjects ?? []) {
        if (subject.kind === 'ServiceAccount') subject.namespace = options.namespace;
      }
    }
  }
  return sortForApply(objects);
}

/**
 * Sets the namespace and the part-of/managed-by labels on the object and its pods, and adds part-of to the
 * selectors, so two benchmarks' services of the same name never select each other's pods.
 */
function placeInNamespace(object: KubernetesObject, namespace: string, partOf: string): void {
  const labels = { [PART_OF_LABEL]: partOf, [MANAGED_BY_LABEL]: MANAGED_BY };
  // Loaded manifests always have a name; it comes first, then the namespace, as kubectl prints them.
  const { name = '', ...metadata } = object.metadata ?? {};
  object.metadata = { name, namespace, ...metadata, labels: { ...metadata.labels, ...labels } };
  if (isWorkload(object)) {
    const template = podTemplateOf(object);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, ...labels } };
  }
  // A Job's selector is generated by the API server; Deployments and StatefulSets state theirs.
  if (object.kind === 'Deployment' || object.kind === 'StatefulSet') {
    const matchLabels = (object as V1Deployment | V1StatefulSet).spec?.selector.matchLabels;
    if (matchLabels !== undefined) matchLabels[PART_OF_LABEL] = partOf;
  }
  if (object.kind === 'Service') {
    const spec = (object as V1Service).spec;
    if (spec?.selector !== undefined) spec.selector[PART_OF_LABEL] = partOf;
  }
}

function relocateImages(workloads: readonly Workload[], registry: string): void {
  for (const workload of workloads) {
    for (const container of containersOf(workload)) {
      if (container.image !== undefined) container.image = relocateImage(container.image, registry);
    }
  }
}
