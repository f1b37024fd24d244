// The objects of one `rescape train --on-cluster`: the trainer's ServiceAccount/Role/RoleBinding
// (manifests/train/), an optional work PersistentVolumeClaim, and the Job. The Job's pod runs the rescape image
// with `rescape train` on the run bundle mounted from its ConfigMaps (a projected volume), writes the model to a
// work volume (an emptyDir, or the PVC so that a rerun after a failure resumes from the last finished epoch),
// prints NDJSON progress, and publishes the model as ConfigMaps through the API with the trainer account, which
// may only create ConfigMaps. GPUs are `nvidia.com/gpu` limits with the NVIDIA device plugin's taint tolerated;
// one attempt (backoffLimit 0: a failure is reported with its cause, not retried blindly), a deadline, non-root,
// read-only root filesystem, no capabilities. Pure: it only builds the objects.
import type {
  KubernetesObject,
  V1EnvVar,
  V1Job,
  V1PersistentVolumeClaim,
  V1RoleBinding,
  V1Volume,
} from '@kubernetes/client-node';
import { loadManifestDirectory } from './manifests/manifest-files.js';
import { MANAGED_BY_LABEL } from './server-side-apply.js';
import { bundleConfigMapName, TRAINING_JOB_LABEL } from './training-configmaps.js';

export const TRAINER_SERVICE_ACCOUNT = 'rescape-trainer';
export const GPU_RESOURCE = 'nvidia.com/gpu';
/** Where the pod sees things. */
export const POD_PATHS = {
  bundle: '/var/run/rescape/bundle',
  work: '/var/run/rescape/work',
  runs: '/var/run/rescape/work/runs',
  model: '/var/run/rescape/work/model',
  tmp: '/tmp',
} as const;
/** Env of the training container naming its Job, so the model ConfigMaps it publishes are owned by the Job. */
export const JOB_NAME_ENV = 'RESCAPE_TRAINING_JOB';
export const JOB_UID_ENV = 'RESCAPE_TRAINING_JOB_UID';
export const NAMESPACE_ENV = 'RESCAPE_TRAINING_NAMESPACE';

export type WorkStorage =
  { kind: 'emptyDir'; size: string } | { kind: 'pvc'; size: string; storageClass?: string };

export interface TrainingJobSettings {
  /** Job name (a DNS label, ≤ 63 characters). */
  job: string;
  namespace: string;
  image: string;
  imagePullSecret?: string;
  /** The model flags of `rescape train`, passed on as given. */
  trainArgs: string[];
  /** ConfigMaps holding the run bundle. */
  runChunks: number;
  gpus: number;
  cpu: string;
  memory: string;
  nodeSelector: Record<string, string>;
  deadlineSeconds: number;
  ttlSecondsAfterFinished: number;
  storage: WorkStorage;
}

/** "rescape-train-<name>", cut to the 63 characters a Job name may have (its ConfigMaps add "-model-000"). */
export function trainingJobName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `rescape-train-${slug === '' ? 'model' : slug}`.slice(0, 52).replace(/-+$/, '');
}

export function workClaimName(job: string): string {
  return `${job}-work`;
}

function labelsOf(job: string): Record<string, string> {
  return {
    ...MANAGED_BY_LABEL,
    'app.kubernetes.io/name': 'rescape',
    'app.kubernetes.io/component': 'training',
    [TRAINING_JOB_LABEL]: job,
  };
}

/** The trainer's ServiceAccount, Role and RoleBinding (manifests/train/trainer-rbac.yaml) in the namespace. */
export function trainerRbac(namespace: string): KubernetesObject[] {
  return loadManifestDirectory('train').map(({ object }) => {
    object.metadata = {
      ...object.metadata,
      namespace,
      labels: { ...object.metadata?.labels, ...MANAGED_BY_LABEL },
    };
    if (object.kind === 'RoleBinding') {
      for (const subject of (object as V1RoleBinding).subjects ?? []) subject.namespace = namespace;
    }
    return object;
  });
}

export function workClaim(settings: TrainingJobSettings): V1PersistentVolumeClaim | undefined {
  const storage = settings.storage;
  if (storage.kind !== 'pvc') return undefined;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: workClaimName(settings.job),
      namespace: settings.namespace,
      labels: labelsOf(settings.job),
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: storage.size } },
      ...(storage.storageClass === undefined ? {} : { storageClassName: storage.storageClass }),
    },
  };
}

/** The in-pod command: train on the unpacked bundle, print NDJSON progress, publish the model. */
export function podArgs(settings: TrainingJobSettings): string[] {
  return [
    'train',
    POD_PATHS.runs,
    '--bundle',
    POD_PATHS.bundle,
    '--out',
    POD_PATHS.model,
    '--json-progress',
    '--publish-to-configmap',
    settings.job,
    ...settings.trainArgs,
  ];
}

export function trainingJob(settings: TrainingJobSettings): V1Job {
  const labels = labelsOf(settings.job);
  const gpu = settings.gpus > 0;
  const env: V1EnvVar[] = [
    { name: JOB_NAME_ENV, value: settings.job },
    { name: NAMESPACE_ENV, valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    {
      name: JOB_UID_ENV,
      valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/controller-uid']" } },
    },
    // tfjs and npm look for a writable home; the root filesystem is read-only.
    { name: 'HOME', value: POD_PATHS.tmp },
  ];
  const volumes: V1Volume[] = [
    {
      name: 'bundle',
      projected: {
        sources: Array.from({ length: settings.runChunks }, (_, index) => ({
          configMap: { name: bundleConfigMapName(settings.job, 'run', index) },
        })),
      },
    },
    settings.storage.kind === 'pvc'
      ? { name: 'work', persistentVolumeClaim: { claimName: workClaimName(settings.job) } }
      : { name: 'work', emptyDir: { sizeLimit: settings.storage.size } },
    { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
  ];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: settings.job, namespace: settings.namespace, labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: settings.deadlineSeconds,
      ttlSecondsAfterFinished: settings.ttlSecondsAfterFinished,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: TRAINER_SERVICE_ACCOUNT,
          // The token is what publishes the model; the trainer Role lets it create ConfigMaps and nothing else.
          automountServiceAccountToken: true,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            fsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          ...(Object.keys(settings.nodeSelector).length === 0 ? {} : { nodeSelector: settings.nodeSelector }),
          ...(gpu ? { tolerations: [{ key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' }] } : {}),
          ...(settings.imagePullSecret === undefined
            ? {}
            : { imagePullSecrets: [{ name: settings.imagePullSecret }] }),
          containers: [
            {
              name: 'train',
              image: settings.image,
              args: podArgs(settings),
              env,
              resources: {
                requests: { cpu: settings.cpu, memory: settings.memory },
                limits: {
                  memory: settings.memory,
                  ...(gpu ? { [GPU_RESOURCE]: String(settings.gpus) } : {}),
                },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'bundle', mountPath: POD_PATHS.bundle, readOnly: true },
                { name: 'work', mountPath: POD_PATHS.work },
                { name: 'tmp', mountPath: POD_PATHS.tmp },
              ],
            },
          ],
          volumes,
        },
      },
    },
  };
}
