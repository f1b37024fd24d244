// The API resources the fake API server serves, as the real one lists them in discovery (/api/v1,
// /apis/<group>/<version>), and the Status bodies it answers errors with.

export interface FakeResource {
  group: string;
  version: string;
  /** Plural, as in URLs: "deployments". */
  resource: string;
  kind: string;
  namespaced: boolean;
}

function resources(group: string, version: string, list: [string, string, boolean][]): FakeResource[] {
  return list.map(([resource, kind, namespaced]) => ({ group, version, resource, kind, namespaced }));
}

export const FAKE_RESOURCES: FakeResource[] = [
  ...resources('', 'v1', [
    ['namespaces', 'Namespace', false],
    ['nodes', 'Node', false],
    ['pods', 'Pod', true],
    ['services', 'Service', true],
    ['endpoints', 'Endpoints', true],
    ['configmaps', 'ConfigMap', true],
    ['secrets', 'Secret', true],
    ['serviceaccounts', 'ServiceAccount', true],
    ['persistentvolumeclaims', 'PersistentVolumeClaim', true],
  ]),
  ...resources('apps', 'v1', [
    ['deployments', 'Deployment', true],
    ['statefulsets', 'StatefulSet', true],
    ['daemonsets', 'DaemonSet', true],
    ['replicasets', 'ReplicaSet', true],
  ]),
  ...resources('batch', 'v1', [
    ['jobs', 'Job', true],
    ['cronjobs', 'CronJob', true],
  ]),
  ...resources('rbac.authorization.k8s.io', 'v1', [
    ['roles', 'Role', true],
    ['rolebindings', 'RoleBinding', true],
    ['clusterroles', 'ClusterRole', false],
    ['clusterrolebindings', 'ClusterRoleBinding', false],
  ]),
  ...resources('networking.k8s.io', 'v1', [
    ['ingresses', 'Ingress', true],
    ['networkpolicies', 'NetworkPolicy', true],
  ]),
  ...resources('policy', 'v1', [['poddisruptionbudgets', 'PodDisruptionBudget', true]]),
  ...resources('autoscaling', 'v2', [['horizontalpodautoscalers', 'HorizontalPodAutoscaler', true]]),
  ...resources('scheduling.k8s.io', 'v1', [['priorityclasses', 'PriorityClass', false]]),
];

export function groupVersionOf(resource: FakeResource): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

export function findResource(group: string, version: string, plural: string): FakeResource | undefined {
  return FAKE_RESOURCES.find((r) => r.group === group && r.version === version && r.resource === plural);
}

export function findKind(apiVersion: string, kind: string): FakeResource | undefined {
  return FAKE_RESOURCES.find((r) => groupVersionOf(r) === apiVersion && r.kind === kind);
}

/** The APIResourceList of a group version, or undefined when the fake does not serve it (a 404). */
export function discoveryDocument(group: string, version: string): object | undefined {
  const served = FAKE_RESOURCES.filter((r) => r.group === group && r.version === version);
  if (served.length === 0) return undefined;
  const verbs = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
  const list = served.map((r) => ({
    name: r.resource,
    singularName: r.kind.toLowerCase(),
    namespaced: r.namespaced,
    kind: r.kind,
    verbs,
  }));
  if (group === '' && version === 'v1') {
    list.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? version : `${group}/${version}`,
    resources: list,
  };
}

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** A metav1.Status failure body, as the API server sends with every error. */
export function failureStatus(
  code: number,
  reason: string,
  message: string,
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  },
): object {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details === undefined ? {} : { details }),
    code,
  };
}

/** "deployments.apps" / "services": how the API server names a resource in messages. */
export function qualifiedResource(resource: FakeResource): string {
  return resource.group === '' ? resource.resource : `${resource.resource}.${resource.group}`;
}
