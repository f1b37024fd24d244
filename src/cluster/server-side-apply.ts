// Applies manifests with server-side apply, field manager "rescape": each object is created or merged by the
// API server, so applying again is a no-op and fields other tools own (an HPA's replicas, kubectl edit) are
// a 409 conflict unless --force-conflicts takes them over. Objects go one at a time in dependency order
// (apply-order.ts), checking for Ctrl-C between them; the namespace is ensured first, tolerating a user whose
// Role is namespaced and may not touch the Namespace object itself.
import type { KubernetesObject } from '@kubernetes/client-node';
import { InterruptedError } from '../core/errors.js';
import type { ProgressListener } from '../core/progress.js';
import { inApplyOrder } from './apply-order.js';
import type { KubeClient } from './kube-client.js';
import { KubeApiError } from './kube-errors.js';
import { describeRef, refOf, type ObjectRef } from './object-ref.js';

export type ApplyOperation = 'created' | 'configured' | 'exists' | 'skipped';

export interface AppliedObject extends ObjectRef {
  /**
   * created (201), configured (merged into an existing object), exists (the namespace, left as it was),
   * skipped (the account may not apply it and `mayBeForbidden` allowed that).
   */
  operation: ApplyOperation;
}

export interface ApplyOptions {
  /** Take over fields other field managers own (server-side apply's force). */
  force: boolean;
  signal: AbortSignal;
  onProgress?: ProgressListener;
  /** Objects whose 403 is not a failure (they are skipped, with a warning). */
  mayBeForbidden?: (object: KubernetesObject) => boolean;
  /** Receives what was skipped and why. */
  onWarning?: (message: string) => void;
}

/** The labels every object rescape creates carries, so it can be found again (kubectl get -l). */
export const MANAGED_BY_LABEL = { 'app.kubernetes.io/managed-by': 'rescape' } as const;

export function namespaceObject(name: string): KubernetesObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...MANAGED_BY_LABEL } } };
}

/**
 * Applies the Namespace object. A 403 is not the end: with the least-privilege Role (manifests/rbac/) an
 * administrator creates the namespace and rescape only works inside it, so the namespace counts as existing
 * if it can be read, or if even reading it is forbidden (the first namespaced apply then says if it is not).
 */
export async function ensureNamespace(
  client: KubeClient,
  namespace: KubernetesObject,
  force: boolean,
): Promise<AppliedObject> {
  const ref = refOf(namespace);
  try {
    const { created } = await client.apply(namespace, force);
    return { ...ref, operation: created ? 'created' : 'configured' };
  } catch (error) {
    if (!(error instanceof KubeApiError) || error.httpStatus !== 403) throw error;
    let exists: boolean;
    try {
      exists = (await client.get(ref)) !== null;
    } catch (readError) {
      if (!(readError instanceof KubeApiError) || readError.httpStatus !== 403) throw readError;
      exists = true;
    }
    if (!exists) throw error;
    return { ...ref, operation: 'exists' };
  }
}

export async function applyObjects(
  client: KubeClient,
  objects: readonly KubernetesObject[],
  options: ApplyOptions,
): Promise<AppliedObject[]> {
  const ordered = inApplyOrder(objects);
  const applied: AppliedObject[] = [];
  for (const object of ordered) {
    if (options.signal.aborted) {
      throw new InterruptedError(
        `interrupted after applying ${applied.length} of ${ordered.length} objects`,
        {
          suggestion: 'Run the same command again: applying is idempotent and continues where it stopped.',
        },
      );
    }
    const ref = refOf(object);
    options.onProgress?.({
      phase: 'apply',
      done: applied.length,
      total: ordered.length,
      message: `${ref.kind} ${ref.name}`,
    });
    try {
      const { created } = await client.apply(object, options.force);
      applied.push({ ...ref, operation: created ? 'created' : 'configured' });
    } catch (error) {
      if (!(error instanceof KubeApiError && error.httpStatus === 403 && options.mayBeForbidden?.(object)))
        throw error;
      options.onWarning?.(`${describeRef(ref)} skipped: ${error.message}`);
      applied.push({ ...ref, operation: 'skipped' });
    }
  }
  options.onProgress?.({ phase: 'apply', done: applied.length, total: ordered.length });
  return applied;
}
