// Deletes objects and waits until they are gone. Callers pass them workloads first, then what they use (the
// reverse of apply order); each goes with the chosen propagation (Foreground: the object stays until its pods
// are gone, so "gone" means its pods are too; Background: the garbage collector removes dependents afterwards).
// An object that is already gone is no failure. Waiting watches each kind until no named object is left; running out of time is
// a TimeoutError naming what is left and why it lingers (finalizers). The namespace goes last, on request.
import type { KubernetesObject } from '@kubernetes/client-node';
import { InterruptedError, TimeoutError } from '../core/errors.js';
import type { ProgressListener } from '../core/progress.js';
import type { KubeClient } from './kube-client.js';
import { describeRef, refOf, type ObjectRef } from './object-ref.js';
import { newWatchStats, watchUntil, type WatchOptions, type WatchStats } from './watch-collection.js';

export type Propagation = 'Foreground' | 'Background';

export interface DeletedObject extends ObjectRef {
  outcome: 'deleted' | 'already-gone';
}

export interface DeleteOptions {
  propagation: Propagation;
  wait: boolean;
  timeoutSeconds: number;
  signal: AbortSignal;
  onProgress?: ProgressListener;
  stats?: WatchStats;
  watch?: Pick<WatchOptions, 'reconnectDelayMs' | 'maxReconnectDelayMs' | 'watchSeconds'>;
}

/**
 * Deletes `objects` in the order given (inDeleteOrder gives the reverse of apply order) and, with `wait`,
 * returns once none of them exists any more.
 */
export async function deleteObjects(
  client: KubeClient,
  objects: readonly KubernetesObject[],
  options: DeleteOptions,
): Promise<DeletedObject[]> {
  const ordered = objects.map(refOf);
  const deleted: DeletedObject[] = [];
  for (const ref of ordered) {
    if (options.signal.aborted) {
      throw new InterruptedError(
        `interrupted after deleting ${deleted.length} of ${ordered.length} objects`,
        {
          suggestion: 'Run the same command again to delete the rest.',
        },
      );
    }
    options.onProgress?.({
      phase: 'delete',
      done: deleted.length,
      total: ordered.length,
      message: `${ref.kind} ${ref.name}`,
    });
    deleted.push({ ...ref, outcome: await client.delete(ref, options.propagation) });
  }
  options.onProgress?.({ phase: 'delete', done: deleted.length, total: ordered.length });
  const lingering = deleted.filter((d) => d.outcome === 'deleted');
  if (options.wait && lingering.length > 0) await waitUntilGone(client, lingering, options);
  return deleted;
}

async function waitUntilGone(client: KubeClient, refs: ObjectRef[], options: DeleteOptions): Promise<void> {
  const stats = options.stats ?? newWatchStats();
  const deadline = AbortSignal.timeout(options.timeoutSeconds * 1000);
  const signal = AbortSignal.any([options.signal, deadline]);
  const groups = new Map<string, ObjectRef[]>();
  for (const ref of refs) {
    const key = `${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), ref]);
  }
  const left = new Map<string, KubernetesObject>();
  const total = refs.length;
  const report = (): void =>
    options.onProgress?.({
      phase: 'wait for deletion',
      done: total - left.size,
      total,
      message: `${left.size} left`,
    });
  for (const ref of refs) left.set(describeRef(ref), { apiVersion: ref.apiVersion, kind: ref.kind });
  report();
  await Promise.all(
    [...groups.values()].map((members) =>
      watchUntil(
        client,
        { apiVersion: members[0]!.apiVersion, kind: members[0]!.kind, namespace: members[0]!.namespace },
        (objects) => {
          for (const member of members) {
            const present = objects.get(member.name);
            if (present === undefined) left.delete(describeRef(member));
            else left.set(describeRef(member), present);
          }
          report();
          return members.every((member) => !objects.has(member.name));
        },
        { ...options.watch, signal, stats },
      ),
    ),
  );
  if (left.size === 0) return;
  if (options.signal.aborted) {
    throw new InterruptedError(`interrupted while ${left.size} deleted objects were still terminating`, {
      suggestion: 'They go on terminating in the cluster; run the command again to wait for them.',
    });
  }
  const lines = [...left].map(([name, object]) => {
    const finalizers = object.metadata?.finalizers ?? [];
    return `  ${name}${object.metadata?.deletionTimestamp === undefined ? '' : ' (terminating)'}${finalizers.length === 0 ? '' : `; finalizers: ${finalizers.join(', ')}`}`;
  });
  throw new TimeoutError(
    `timed out after ${options.timeoutSeconds} s waiting for ${left.size} of ${total} deleted objects to go:\n${lines.join('\n')}`,
    {
      suggestion:
        'Their finalizers have not finished (pods still terminating, volumes detaching); check kubectl get events, or raise --timeout.',
    },
  );
}
