// A bundle (training-bundle.ts) as ConfigMaps and back: ConfigMap <prefix>-000 holds the manifest and the first
// chunk, <prefix>-001 the second chunk, and so on, each chunk as binaryData (stored as raw bytes, under the 1 MiB
// limit). They are immutable (the kubelet then stops watching them) and labelled with the Job and the bundle's
// role, so the Job's ConfigMaps can be listed and deleted together; an owner reference to the Job lets the
// garbage collector take them with it when rescape is not there to clean up.
import type { V1ConfigMap, V1OwnerReference } from '@kubernetes/client-node';
import { DataError } from '../core/errors.js';
import { MANAGED_BY_LABEL } from './server-side-apply.js';
import { MANIFEST_KEY, parseManifest, type Bundle, type BundleManifest } from './training-bundle.js';

export const TRAINING_JOB_LABEL = 'rescape.dev/training-job';
export const BUNDLE_ROLE_LABEL = 'rescape.dev/bundle';
export type BundleRole = 'run' | 'model';

export interface BundleConfigMapOptions {
  namespace: string;
  /** The training Job's name; the ConfigMaps are <job>-<role>-NNN. */
  job: string;
  role: BundleRole;
  owner?: { name: string; uid: string };
}

export function bundleConfigMapName(job: string, role: BundleRole, index: number): string {
  return `${job}-${role}-${String(index).padStart(3, '0')}`;
}

/** The label selector of one Job's ConfigMaps of a role. */
export function bundleSelector(job: string, role: BundleRole): string {
  return `${TRAINING_JOB_LABEL}=${job},${BUNDLE_ROLE_LABEL}=${role}`;
}

export function bundleConfigMaps(bundle: Bundle, options: BundleConfigMapOptions): V1ConfigMap[] {
  const ownerReferences: V1OwnerReference[] | undefined =
    options.owner === undefined
      ? undefined
      : [{ apiVersion: 'batch/v1', kind: 'Job', name: options.owner.name, uid: options.owner.uid }];
  return bundle.manifest.chunks.map((chunk, index) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: bundleConfigMapName(options.job, options.role, index),
      namespace: options.namespace,
      labels: {
        ...MANAGED_BY_LABEL,
        'app.kubernetes.io/name': 'rescape',
        'app.kubernetes.io/component': 'training',
        [TRAINING_JOB_LABEL]: options.job,
        [BUNDLE_ROLE_LABEL]: options.role,
      },
      ...(ownerReferences === undefined ? {} : { ownerReferences }),
    },
    immutable: true,
    ...(index === 0 ? { data: { [MANIFEST_KEY]: JSON.stringify(bundle.manifest) } } : {}),
    binaryData: { [chunk.key]: bundle.chunks.get(chunk.key)!.toString('base64') },
  }));
}

/** The manifest and a chunk lookup from a bundle's ConfigMaps, as read from the API server. */
export function bundleFromConfigMaps(
  configMaps: readonly V1ConfigMap[],
  source: string,
): { manifest: BundleManifest; chunkOf: (key: string) => Buffer | undefined } {
  const chunks = new Map<string, Buffer>();
  let manifestText: string | undefined;
  for (const configMap of configMaps) {
    manifestText ??= configMap.data?.[MANIFEST_KEY];
    for (const [key, value] of Object.entries(configMap.binaryData ?? {}))
      chunks.set(key, Buffer.from(value, 'base64'));
  }
  if (manifestText === undefined) {
    throw new DataError(
      `no ConfigMap holds the bundle manifest (${MANIFEST_KEY})`,
      { file: source },
      {
        suggestion: 'The training pod did not finish publishing its model; run the command again.',
      },
    );
  }
  return { manifest: parseManifest(manifestText, source), chunkOf: (key) => chunks.get(key) };
}
