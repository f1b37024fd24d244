// Whether a workload has finished rolling out, read from its status the way `kubectl rollout status` and
// `kubectl wait --for=condition=complete` read it: Deployments (observed generation, updated and available
// replicas, ProgressDeadlineExceeded), StatefulSets (ready and updated replicas, revisions), DaemonSets
// (scheduled, updated and available pods), Jobs (Complete/Failed conditions). Pure: no I/O.
import type { KubernetesObject } from '@kubernetes/client-node';

export type WorkloadPhase = 'ready' | 'progressing' | 'failed';

export interface WorkloadState {
  phase: WorkloadPhase;
  /** One line for progress and errors, e.g. "1/3 replicas available". */
  detail: string;
  /** Conditions that are not as they should be, e.g. "Available=False (MinimumReplicasUnavailable: …)". */
  conditions: string[];
}

/** The kinds rescape waits for after applying; other kinds are ready as soon as they are applied. */
export const AWAITED_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'] as const;
export type AwaitedKind = (typeof AWAITED_KINDS)[number];

export function isAwaited(kind: string | undefined): kind is AwaitedKind {
  return (AWAITED_KINDS as readonly string[]).includes(kind ?? '');
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

interface Workload {
  metadata?: { generation?: number };
  spec?: {
    replicas?: number;
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
  };
  status?: Record<string, unknown> & { conditions?: Condition[]; observedGeneration?: number };
}

export function workloadState(object: KubernetesObject): WorkloadState {
  const workload = object as Workload;
  const status = workload.status ?? {};
  const conditions = status.conditions ?? [];
  const generation = workload.metadata?.generation;
  if (object.kind !== 'Job' && generation !== undefined && (status.observedGeneration ?? 0) < generation) {
    return state(
      'progressing',
      `waiting for the controller to observe generation ${generation}`,
      conditions,
      object.kind,
    );
  }
  switch (object.kind) {
    case 'Deployment':
      return deploymentState(workload, conditions);
    case 'StatefulSet':
      return statefulSetState(workload, conditions);
    case 'DaemonSet':
      return daemonSetState(workload, conditions);
    case 'Job':
      return jobState(workload, conditions);
    default:
      return state('ready', 'applied', [], object.kind);
  }
}

function deploymentState(workload: Workload, conditions: Condition[]): WorkloadState {
  const status = workload.status ?? {};
  const wanted = workload.spec?.replicas ?? 1;
  const updated = count(status.updatedReplicas);
  const available = count(status.availableReplicas);
  const total = count(status.replicas);
  const deadline = conditions.find(
    (c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded',
  );
  if (deadline !== undefined) {
    return state(
      'failed',
      `exceeded its progress deadline: ${deadline.message ?? ''}`.trim(),
      conditions,
      'Deployment',
    );
  }
  if (updated < wanted)
    return state('progressing', `${updated}/${wanted} replicas updated`, conditions, 'Deployment');
  if (total > updated) {
    return state(
      'progressing',
      `${total - updated} old replicas pending termination`,
      conditions,
      'Deployment',
    );
  }
  if (available < updated)
    return state('progressing', `${available}/${wanted} replicas available`, conditions, 'Deployment');
  return state('ready', `${available}/${wanted} replicas available`, [], 'Deployment');
}

function statefulSetState(workload: Workload, conditions: Condition[]): WorkloadState {
  const status = workload.status ?? {};
  const wanted = workload.spec?.replicas ?? 1;
  const ready = count(status.readyReplicas);
  if (ready < wanted)
    return state('progressing', `${ready}/${wanted} replicas ready`, conditions, 'StatefulSet');
  if (workload.spec?.updateStrategy?.type !== 'OnDelete') {
    const partition = workload.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    const updated = count(status.updatedReplicas);
    if (updated < wanted - partition) {
      return state(
        'progressing',
        `${updated}/${wanted - partition} replicas updated`,
        conditions,
        'StatefulSet',
      );
    }
    if (
      partition === 0 &&
      status.updateRevision !== undefined &&
      status.currentRevision !== status.updateRevision
    ) {
      return state(
        'progressing',
        `rolling to revision ${String(status.updateRevision)}`,
        conditions,
        'StatefulSet',
      );
    }
  }
  return state('ready', `${ready}/${wanted} replicas ready`, [], 'StatefulSet');
}

function daemonSetState(workload: Workload, conditions: Condition[]): WorkloadState {
  const status = workload.status ?? {};
  const desired = count(status.desiredNumberScheduled);
  const updated = count(status.updatedNumberScheduled);
  const available = count(status.numberAvailable);
  if (updated < desired)
    return state('progressing', `${updated}/${desired} pods updated`, conditions, 'DaemonSet');
  if (available < desired)
    return state('progressing', `${available}/${desired} pods available`, conditions, 'DaemonSet');
  return state('ready', `${available}/${desired} pods available`, [], 'DaemonSet');
}

function jobState(workload: Workload, conditions: Condition[]): WorkloadState {
  const status = workload.status ?? {};
  const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
  if (failed !== undefined) {
    return state(
      'failed',
      `failed: ${failed.reason ?? 'Failed'}${failed.message ? `: ${failed.message}` : ''}`,
      conditions,
      'Job',
    );
  }
  if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) {
    return state('ready', `complete (${count(status.succeeded)} succeeded)`, [], 'Job');
  }
  return state(
    'progressing',
    `${count(status.active)} active, ${count(status.succeeded)} succeeded, ${count(status.failed)} failed`,
    conditions,
    'Job',
  );
}

function state(
  phase: WorkloadPhase,
  detail: string,
  conditions: Condition[],
  kind: string | undefined,
): WorkloadState {
  return { phase, detail, conditions: conditions.filter((c) => isUnwell(c, kind)).map(describeCondition) };
}

/** A condition worth showing when a workload is not ready: a False one that should be True, or a failure. */
function isUnwell(condition: Condition, kind: string | undefined): boolean {
  if (kind === 'Job')
    return condition.status === 'True' && (condition.type === 'Failed' || condition.type === 'FailureTarget');
  if (condition.type === 'ReplicaFailure') return condition.status === 'True';
  return condition.status === 'False' || condition.reason === 'ProgressDeadlineExceeded';
}

function describeCondition(condition: Condition): string {
  const why = [condition.reason, condition.message]
    .filter((part) => part !== undefined && part !== '')
    .join(': ');
  return `${condition.type ?? '?'}=${condition.status ?? '?'}${why === '' ? '' : ` (${why})`}`;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
