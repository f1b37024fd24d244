// The flags of `rescape train --on-cluster` (and the hidden ones its pod runs with), and how they become a
// ClusterTraining: resources, node selection, storage, deadline, and the model flags passed on to the pod as the
// user gave them. Every value is checked here, before anything is packed or sent.
import { Flags } from '@oclif/core';
import { basename, resolve } from 'node:path';
import { parseDurationSeconds } from '../core/duration.js';
import { UsageError } from '../core/errors.js';
import { checkNamespace } from '../cluster/manifests/render-options.js';
import type { ClusterTraining } from '../cluster/training-run.js';
import { trainingJobName, type WorkStorage } from '../cluster/training-job.js';

export const IMAGE_ENV = 'RESCAPE_TRAIN_IMAGE';

export const trainClusterFlags = {
  'on-cluster': Flags.boolean({
    default: false,
    description:
      'Train in a Kubernetes Job instead of here: the runs go as ConfigMaps, the model comes back to --out.',
  }),
  namespace: Flags.string({
    char: 'n',
    default: 'default',
    description: '(--on-cluster) Namespace of the Job.',
  }),
  kubeconfig: Flags.string({
    description:
      '(--on-cluster) Kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster).',
  }),
  context: Flags.string({ description: '(--on-cluster) Kubeconfig context (default: its current-context).' }),
  'dry-run': Flags.boolean({
    default: false,
    description: '(--on-cluster) Print the objects (YAML, or JSON with --json) and contact nothing.',
  }),
  image: Flags.string({
    env: IMAGE_ENV,
    description: `(--on-cluster) The rescape image the Job runs (built from the repository's Dockerfile, e.g. with rescape build); default: $${IMAGE_ENV}.`,
  }),
  'image-pull-secret': Flags.string({ description: '(--on-cluster) Pull Secret of a private registry.' }),
  gpu: Flags.integer({ default: 0, min: 0, description: '(--on-cluster) GPUs to request (nvidia.com/gpu).' }),
  cpu: Flags.string({ default: '2', description: '(--on-cluster) CPU request, e.g. 2 or 500m.' }),
  memory: Flags.string({ default: '4Gi', description: '(--on-cluster) Memory request and limit, e.g. 4Gi.' }),
  'node-selector': Flags.string({
    multiple: true,
    default: [],
    description: '(--on-cluster) KEY=VALUE a node must carry (repeatable).',
  }),
  storage: Flags.string({
    options: ['emptydir', 'pvc'],
    default: 'emptydir',
    description:
      '(--on-cluster) Work volume of the pod: emptydir, or pvc (a PersistentVolumeClaim kept after a failure, so a rerun resumes from the last finished epoch).',
  }),
  'storage-class': Flags.string({ description: '(--on-cluster, --storage pvc) StorageClass of the claim.' }),
  'storage-size': Flags.string({ default: '5Gi', description: '(--on-cluster) Size of the work volume.' }),
  timeout: Flags.string({ default: '6h', description: '(--on-cluster) Deadline of the Job.' }),
  'schedule-timeout': Flags.string({
    default: '5m',
    description:
      '(--on-cluster) How long the pod may stay unschedulable (a cluster autoscaler adding a node).',
  }),
  'job-name': Flags.string({ description: '(--on-cluster) Name of the Job (default: from --out).' }),
  keep: Flags.boolean({
    default: false,
    description: '(--on-cluster) Keep the Job, its ConfigMaps and the work claim afterwards.',
  }),
  // The pod's side: `rescape train <runs> --bundle <mounted ConfigMaps> --json-progress --publish-to-configmap <job>`.
  bundle: Flags.string({
    hidden: true,
    description: 'Unpack the run bundle mounted at this directory into the run-directory argument first.',
  }),
  'json-progress': Flags.boolean({ hidden: true, default: false, description: 'Progress as NDJSON lines.' }),
  'publish-to-configmap': Flags.string({
    hidden: true,
    description: 'Publish the model as ConfigMaps <name>-model-NNN through the in-cluster API.',
  }),
};

export interface ClusterFlagValues {
  namespace: string;
  image?: string | undefined;
  'image-pull-secret'?: string | undefined;
  gpu: number;
  cpu: string;
  memory: string;
  'node-selector': string[];
  storage: string;
  'storage-class'?: string | undefined;
  'storage-size': string;
  timeout: string;
  'schedule-timeout': string;
  'job-name'?: string | undefined;
  keep: boolean;
}

const QUANTITY = /^\d+(\.\d+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

export function clusterTrainingFromFlags(
  flags: ClusterFlagValues,
  runDirs: string[],
  out: string,
  trainArgs: string[],
): ClusterTraining {
  checkNamespace(flags.namespace);
  if (flags.image === undefined || flags.image === '') {
    throw new UsageError(`--on-cluster needs the rescape image to run: give --image or set ${IMAGE_ENV}`, {
      suggestion:
        "Build it from this repository's Dockerfile and push it (e.g. rescape build --build-context git://<your fork>.git --destination registry.example.com/rescape/rescape:0.1), then pass --image registry.example.com/rescape/rescape:0.1.",
    });
  }
  for (const [flag, value] of [
    ['cpu', flags.cpu],
    ['memory', flags.memory],
    ['storage-size', flags['storage-size']],
  ] as const) {
    if (!QUANTITY.test(value)) {
      throw new UsageError(`--${flag} "${value}" is not a Kubernetes quantity`, {
        suggestion: `Write it as Kubernetes does, e.g. --${flag} ${flag === 'cpu' ? '2 or 500m' : '4Gi'}.`,
      });
    }
  }
  const deadlineSeconds = parseDurationSeconds('timeout', flags.timeout);
  const storage: WorkStorage =
    flags.storage === 'pvc'
      ? {
          kind: 'pvc',
          size: flags['storage-size'],
          ...(flags['storage-class'] === undefined ? {} : { storageClass: flags['storage-class'] }),
        }
      : { kind: 'emptyDir', size: flags['storage-size'] };
  return {
    settings: {
      job: trainingJobName(flags['job-name'] ?? basename(resolve(out))),
      namespace: flags.namespace,
      image: flags.image,
      ...(flags['image-pull-secret'] === undefined ? {} : { imagePullSecret: flags['image-pull-secret'] }),
      trainArgs,
      gpus: flags.gpu,
      cpu: flags.cpu,
      memory: flags.memory,
      nodeSelector: parseNodeSelector(flags['node-selector']),
      deadlineSeconds,
      // Kept an hour for kubectl logs after a failure; a success is cleaned up by rescape itself.
      ttlSecondsAfterFinished: 3600,
      storage,
    },
    runDirs,
    out,
    keep: flags.keep,
    // The wait outlasts the Job's deadline a little, so an overdue Job is reported as the Job controller failed it.
    waitSeconds: deadlineSeconds + 60,
    unschedulableGraceSeconds: parseDurationSeconds('schedule-timeout', flags['schedule-timeout']),
  };
}

export function parseNodeSelector(pairs: readonly string[]): Record<string, string> {
  const selector: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const key = at < 0 ? pair : pair.slice(0, at);
    const value = at < 0 ? undefined : pair.slice(at + 1);
    if (value === undefined || !LABEL_KEY.test(key) || !LABEL_VALUE.test(value)) {
      throw new UsageError(`--node-selector "${pair}" is not KEY=VALUE with a valid label key and value`, {
        suggestion:
          'E.g. --node-selector nvidia.com/gpu.present=true --node-selector kubernetes.io/arch=amd64.',
      });
    }
    selector[key] = value;
  }
  return selector;
}

/**
 * The model flags as arguments for the pod's `rescape train`: every flag in `names` the parse gave a value,
 * booleans as --flag (or --no-flag for the negatable ones set false), so the pod trains exactly as asked.
 */
export function forwardedArgs(
  flags: Record<string, unknown>,
  names: readonly string[],
  negatable: readonly string[],
): string[] {
  return names.flatMap((name) => {
    const value = flags[name];
    if (value === undefined) return [];
    if (typeof value === 'boolean') {
      if (value) return [`--${name}`];
      return negatable.includes(name) ? [`--no-${name}`] : [];
    }
    return [`--${name}`, String(value)];
  });
}
