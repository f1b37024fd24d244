// What the fake API server does in place of kube-controller-manager and the kubelet, scripted by tests:
// Deployments/StatefulSets/DaemonSets become available after a delay, or never (with pods stuck in a waiting
// reason such as ImagePullBackOff); Jobs complete or fail (their pod fails and serves a log); deletions finish
// after a delay (finalizers, graceful termination), namespaces take their objects with them. Status fields and
// condition reasons are the real controllers' (zero counts omitted, as the API server omits them).
import { findKind, type FakeResource } from './fake-kube-resources.js';
import { metadataOf, type FakeStore, type Json, type StoredEvent } from './fake-kube-store.js';

export type RolloutPlan =
  | { readyAfterMs: number }
  | { never: true; readyReplicas?: number; podWaiting?: { reason: string; message: string } };

export type JobPlan =
  | { succeedAfterMs: number; log?: string; terminationMessage?: string }
  | { failAfterMs: number; log: string; reason?: string; message?: string }
  | { never: true };

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const POD = findKind('v1', 'Pod')!;

export class FakeControllers {
  /** How long a deleted object lingers (with deletionTimestamp) before it is gone. */
  deletionDelayMs = 0;
  readonly podLogs = new Map<string, string>();
  private readonly rollouts: {
    kind: string;
    name: string | undefined;
    namespace: string | undefined;
    plan: RolloutPlan;
  }[] = [];
  private readonly jobs: { name: string | undefined; namespace: string | undefined; plan: JobPlan }[] = [];
  private readonly handledGeneration = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly unsubscribe: () => void;

  constructor(private readonly store: FakeStore) {
    this.unsubscribe = store.subscribe((event) => this.react(event));
  }

  /** How `kind` objects (all, or the one named; in any namespace or one) roll out from now on; the last matching plan wins. */
  setRollout(
    kind: 'Deployment' | 'StatefulSet' | 'DaemonSet',
    name: string | undefined,
    plan: RolloutPlan,
    namespace?: string,
  ): void {
    this.rollouts.push({ kind, name, namespace, plan });
  }

  setJob(name: string | undefined, plan: JobPlan, namespace?: string): void {
    this.jobs.push({ name, namespace, plan });
  }

  /** DELETE: the Status to answer with, or the object when it lingers while it terminates. */
  delete(
    resource: FakeResource,
    namespace: string | undefined,
    name: string,
    propagation: string | null,
  ): Json | undefined {
    const existing = this.store.get(resource, namespace, name);
    if (existing === undefined) return undefined;
    const finish = (): void => {
      if (resource.kind === 'Namespace') {
        for (const { object } of this.store.inNamespace(name)) {
          const kind = findKind(String(object.apiVersion), String(object.kind));
          if (kind !== undefined) this.store.remove(kind, name, String(metadataOf(object).name));
        }
      }
      this.store.remove(resource, namespace, name);
    };
    if (this.deletionDelayMs === 0 && resource.kind !== 'Namespace') {
      finish();
      return {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name, kind: resource.resource, uid: metadataOf(existing).uid },
      };
    }
    const lingering = this.store.update(resource, namespace, name, (object) => {
      const meta = metadataOf(object);
      meta.deletionTimestamp = new Date().toISOString();
      meta.deletionGracePeriodSeconds = 0;
      if (propagation === 'Foreground') meta.finalizers = ['foregroundDeletion'];
      if (resource.kind === 'Namespace') object.status = { phase: 'Terminating' };
    });
    this.later(this.deletionDelayMs, finish);
    return lingering;
  }

  stop(): void {
    this.unsubscribe();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private react(event: StoredEvent): void {
    const kind = event.resource.kind;
    if (!WORKLOAD_KINDS.has(kind) && kind !== 'Job') return;
    const meta = metadataOf(event.object);
    const key = `${kind}|${event.namespace}|${meta.name}`;
    // An object created again under the same name starts from generation 1 again.
    if (event.type === 'DELETED') this.handledGeneration.delete(key);
    if (event.type === 'DELETED' || meta.deletionTimestamp !== undefined) return;
    const generation = Number(meta.generation ?? 1);
    if (this.handledGeneration.get(key) === generation) return;
    this.handledGeneration.set(key, generation);
    if (kind === 'Job') this.runJob(event.resource, event.namespace, event.object);
    else this.rollOut(event.resource, event.namespace, event.object, generation);
  }

  private rollOut(
    resource: FakeResource,
    namespace: string | undefined,
    object: Json,
    generation: number,
  ): void {
    const name = String(metadataOf(object).name);
    const plan = [...this.rollouts]
      .reverse()
      .find((r) => r.kind === resource.kind && matches(r, name, namespace))?.plan ?? { readyAfterMs: 20 };
    const replicas = Number((object.spec as Json | undefined)?.replicas ?? 1);
    const progressing = 'never' in plan ? (plan.readyReplicas ?? 0) : 0;
    // Each step is scheduled by the one before: timers of different durations are not run in order when the
    // event loop was busy.
    const same = this.sameObject(resource, namespace, object);
    this.later(
      0,
      () => {
        this.setWorkloadStatus(resource, namespace, name, generation, replicas, progressing);
        if ('never' in plan) {
          if (plan.podWaiting !== undefined)
            this.stuckPods(namespace, object, replicas - progressing, plan.podWaiting);
          return;
        }
        this.later(
          plan.readyAfterMs,
          () => this.setWorkloadStatus(resource, namespace, name, generation, replicas, replicas),
          same,
        );
      },
      same,
    );
  }

  private setWorkloadStatus(
    resource: FakeResource,
    namespace: string | undefined,
    name: string,
    generation: number,
    replicas: number,
    ready: number,
  ): void {
    this.store.update(resource, namespace, name, (object) => {
      if (Number(metadataOf(object).generation ?? 1) !== generation) return;
      const available = ready >= replicas;
      const counts = omitZero({
        replicas,
        updatedReplicas: replicas,
        readyReplicas: ready,
        availableReplicas: ready,
        unavailableReplicas: replicas - ready,
      });
      const now = new Date().toISOString();
      if (resource.kind === 'Deployment') {
        object.status = {
          observedGeneration: generation,
          ...counts,
          conditions: [
            available
              ? {
                  type: 'Available',
                  status: 'True',
                  reason: 'MinimumReplicasAvailable',
                  message: 'Deployment has minimum availability.',
                  lastUpdateTime: now,
                  lastTransitionTime: now,
                }
              : {
                  type: 'Available',
                  status: 'False',
                  reason: 'MinimumReplicasUnavailable',
                  message: 'Deployment does not have minimum availability.',
                  lastUpdateTime: now,
                  lastTransitionTime: now,
                },
            {
              type: 'Progressing',
              status: 'True',
              reason: available ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
              message: `ReplicaSet "${name}-5d4f8c7b9" ${available ? 'has successfully progressed' : 'is progressing'}.`,
              lastUpdateTime: now,
              lastTransitionTime: now,
            },
          ],
        };
      } else if (resource.kind === 'StatefulSet') {
        object.status = {
          observedGeneration: generation,
          ...omitZero({
            replicas,
            readyReplicas: ready,
            currentReplicas: ready,
            updatedReplicas: ready,
            availableReplicas: ready,
          }),
          currentRevision: `${name}-7b9c`,
          updateRevision: `${name}-7b9c`,
          collisionCount: 0,
        };
      } else {
        object.status = {
          observedGeneration: generation,
          ...omitZero({
            desiredNumberScheduled: replicas,
            currentNumberScheduled: replicas,
            numberReady: ready,
            numberAvailable: ready,
            updatedNumberScheduled: replicas,
          }),
          numberMisscheduled: 0,
        };
      }
    });
  }

  private stuckPods(
    namespace: string | undefined,
    workload: Json,
    count: number,
    waiting: { reason: string; message: string },
  ): void {
    const spec = workload.spec as Json;
    const labels = ((spec.selector as Json | undefined)?.matchLabels ?? {}) as Record<string, string>;
    const container = (((spec.template as Json).spec as Json).containers as Json[])[0]!;
    for (let i = 0; i < count; i++) {
      this.store.put(POD, namespace, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${String(metadataOf(workload).name)}-5d4f8c7b9-${'abcdefghij'.slice(i, i + 5).padEnd(5, 'x')}`,
          labels: { ...labels, 'pod-template-hash': '5d4f8c7b9' },
        },
        spec: { containers: [{ name: container.name, image: container.image }] },
        status: {
          phase: 'Pending',
          containerStatuses: [
            {
              name: container.name,
              image: container.image,
              imageID: '',
              ready: false,
              restartCount: 0,
              started: false,
              state: { waiting },
            },
          ],
        },
      });
    }
  }

  private runJob(resource: FakeResource, namespace: string | undefined, job: Json): void {
    const name = String(metadataOf(job).name);
    const plan = [...this.jobs].reverse().find((j) => matches(j, name, namespace))?.plan ?? {
      succeedAfterMs: 20,
    };
    const podName = `${name}-x7k2p`;
    const container = ((((job.spec as Json).template as Json).spec as Json).containers as Json[])[0]!;
    const labels = {
      'batch.kubernetes.io/job-name': name,
      'job-name': name,
      'batch.kubernetes.io/controller-uid': String(metadataOf(job).uid),
      'controller-uid': String(metadataOf(job).uid),
    };
    const pod = (phase: string, state: Json): Json => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: podName, labels },
      spec: { containers: [{ name: container.name, image: container.image }], restartPolicy: 'Never' },
      status: { phase, containerStatuses: [containerStatus(container, phase, state)] },
    });
    const failed = 'failAfterMs' in plan;
    const same = this.sameObject(resource, namespace, job);
    this.later(
      0,
      () => {
        this.store.put(POD, namespace, pod('Running', { running: { startedAt: new Date().toISOString() } }));
        this.store.update(resource, namespace, name, (object) => {
          object.status = {
            active: 1,
            ready: 1,
            startTime: new Date().toISOString(),
            terminating: 0,
            uncountedTerminatedPods: {},
          };
        });
        if (!('never' in plan)) this.later(failed ? plan.failAfterMs : plan.succeedAfterMs, finish, same);
      },
      same,
    );
    if ('never' in plan) return;
    const finish = (): void => {
      if (plan.log !== undefined) this.podLogs.set(`${namespace}/${podName}`, plan.log);
      const finishedAt = new Date().toISOString();
      const message =
        !failed && plan.terminationMessage !== undefined ? { message: plan.terminationMessage } : {};
      this.store.put(
        POD,
        namespace,
        pod(failed ? 'Failed' : 'Succeeded', {
          terminated: {
            exitCode: failed ? 1 : 0,
            reason: failed ? 'Error' : 'Completed',
            ...message,
            startedAt: finishedAt,
            finishedAt,
          },
        }),
      );
      this.store.update(resource, namespace, name, (object) => {
        const status = object.status as Json;
        delete status.active;
        status.ready = 0;
        if (failed) {
          status.failed = 1;
          const reason = plan.reason ?? 'BackoffLimitExceeded';
          const message = plan.message ?? 'Job has reached the specified backoff limit';
          // The Job controller sets FailureTarget first, then Failed once the pods are gone.
          status.conditions = ['FailureTarget', 'Failed'].map((type) =>
            jobCondition(type, reason, message, finishedAt),
          );
        } else {
          status.succeeded = 1;
          status.completionTime = finishedAt;
          status.conditions = ['SuccessCriteriaMet', 'Complete'].map((type) =>
            jobCondition(type, 'CompletionsReached', 'Reached expected number of succeeded pods', finishedAt),
          );
        }
      });
    };
  }

  /** Runs `run` after `ms`, unless `guard` then says the object it was for is gone or was created again. */
  private later(ms: number, run: () => void, guard: () => boolean = () => true): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (guard()) run();
    }, ms);
    this.timers.add(timer);
  }

  /** A guard for `later`: the object with this uid still exists. */
  private sameObject(resource: FakeResource, namespace: string | undefined, object: Json): () => boolean {
    const { name, uid } = metadataOf(object);
    return () => metadataOf(this.store.get(resource, namespace, String(name)) ?? {}).uid === uid;
  }
}

/** A pod's status entry for its one container in `state` (waiting, running or terminated). */
export function containerStatus(container: Json, phase: string, state: Json): Json {
  return {
    name: container.name,
    image: container.image,
    imageID: '',
    ready: phase === 'Running',
    restartCount: 0,
    state,
  };
}

function jobCondition(type: string, reason: string, message: string, at: string): Json {
  return { type, status: 'True', reason, message, lastProbeTime: at, lastTransitionTime: at };
}

function matches(
  plan: { name: string | undefined; namespace: string | undefined },
  name: string,
  namespace: string | undefined,
): boolean {
  return (
    (plan.name === undefined || plan.name === name) &&
    (plan.namespace === undefined || plan.namespace === namespace)
  );
}

function omitZero(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, value]) => value !== 0));
}
