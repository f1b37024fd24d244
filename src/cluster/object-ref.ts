// How objects are named in results and messages: apiVersion, kind, namespace and name, and a stable key.
import type { KubernetesObject } from '@kubernetes/client-node';
import { DataError } from '../core/errors.js';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  /** Absent for cluster-scoped objects (Namespace, ClusterRole, …). */
  namespace?: string;
  name: string;
}

/** The reference of a manifest object; a manifest without apiVersion, kind or name is a DataError. */
export function refOf(object: KubernetesObject): ObjectRef {
  const { apiVersion, kind } = object;
  const name = object.metadata?.name;
  if (apiVersion === undefined || kind === undefined || name === undefined || name === '') {
    throw new DataError('a manifest object lacks apiVersion, kind or metadata.name', {
      field: `${kind ?? '?'} ${name ?? '?'}`,
    });
  }
  const namespace = object.metadata?.namespace;
  return namespace === undefined ? { apiVersion, kind, name } : { apiVersion, kind, namespace, name };
}

/** e.g. "Deployment social-network/nginx-thrift", "Namespace social-network". */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace === undefined ? '' : `${ref.namespace}/`}${ref.name}`;
}

/** The API group of an apiVersion: "apps/v1" → "apps", "v1" → "" (the core group). */
export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}
