// The pod's side of `rescape train --on-cluster` (run by `rescape train --bundle … --publish-to-configmap …`):
// which Job it belongs to (from the downward-API environment the Job sets), and publishing the trained model
// directory back as ConfigMaps through the API with the trainer ServiceAccount. The ConfigMaps are owned by the Job,
// so the garbage collector removes them with it if nobody copies them back. Checkpoints stay behind: only the model
// travels.
import type { KubeClient } from './kube-client.js';
import { UsageError } from '../core/errors.js';
import { packDirectories } from './training-bundle.js';
import { bundleConfigMaps } from './training-configmaps.js';
import { JOB_NAME_ENV, JOB_UID_ENV, NAMESPACE_ENV } from './training-job.js';
import { validateObjects } from './training-objects.js';

export interface PublishTarget {
  namespace: string;
  job: string;
  owner?: { name: string; uid: string };
}

export interface PublishedModel {
  configMaps: string[];
  files: number;
  bytes: number;
}

/** The namespace and owning Job of the pod, from the environment the training Job gives its container. */
export function publishTargetFromEnv(job: string, env: NodeJS.ProcessEnv): PublishTarget {
  const namespace = env[NAMESPACE_ENV];
  if (namespace === undefined || namespace === '') {
    throw new UsageError(`--publish-to-configmap needs ${NAMESPACE_ENV} (set by the training Job)`, {
      suggestion: 'Use rescape train --on-cluster, which starts the pod with it; this flag is for that pod.',
    });
  }
  const uid = env[JOB_UID_ENV];
  const owner = env[JOB_NAME_ENV] === job && uid !== undefined && uid !== '' ? { name: job, uid } : undefined;
  return { namespace, job, ...(owner === undefined ? {} : { owner }) };
}

export async function publishModel(
  client: KubeClient,
  modelDir: string,
  target: PublishTarget,
): Promise<PublishedModel> {
  const bundle = packDirectories([{ name: 'model', dir: modelDir }], { excludeDirectories: ['checkpoint'] });
  const configMaps = bundleConfigMaps(bundle, {
    namespace: target.namespace,
    job: target.job,
    role: 'model',
    ...(target.owner === undefined ? {} : { owner: target.owner }),
  });
  validateObjects(configMaps);
  // The manifest ConfigMap (-000) goes last: whoever sees it may rely on every chunk being there.
  for (const configMap of [...configMaps.slice(1), ...configMaps.slice(0, 1)])
    await client.apply(configMap, true);
  return {
    configMaps: configMaps.map((c) => c.metadata?.name ?? ''),
    files: bundle.manifest.files.length,
    bytes: bundle.manifest.bytes,
  };
}
