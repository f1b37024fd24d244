// Why a training pod or Job failed, as typed errors that say what to change: a pod the scheduler cannot place
// (no node with the GPUs, memory or labels asked for), an image that cannot be pulled, a container killed for
// exceeding its memory limit, a Job past its deadline. Read from the pod and Job status the way
// `kubectl describe` shows them. Pure: no I/O.
import type { V1ContainerStatus, V1Job, V1Pod } from '@kubernetes/client-node';
import { ClusterError, TimeoutError, type RescapeError } from '../core/errors.js';
import { GPU_RESOURCE } from './training-job.js';

/** What the user asked for, to say which flag to change. */
export interface TrainingRequest {
  image: string;
  gpus: number;
  cpu: string;
  memory: string;
  nodeSelector: Record<string, string>;
  deadlineSeconds: number;
}

/** Waiting reasons that do not get better by waiting. */
const IMAGE_PULL_REASONS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
]);
const CONFIG_REASONS = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

/** The scheduler's message when the pod cannot be placed, e.g. "0/3 nodes are available: 3 Insufficient nvidia.com/gpu." */
export function unschedulableMessage(pod: V1Pod): string | undefined {
  const condition = pod.status?.conditions?.find(
    (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
  );
  return condition === undefined ? undefined : (condition.message ?? 'no node fits the pod');
}

export function unschedulableError(pod: V1Pod, message: string, request: TrainingRequest): ClusterError {
  const advice: string[] = [];
  if (message.includes(GPU_RESOURCE)) {
    advice.push(
      request.gpus > 0
        ? `No node has ${request.gpus} free GPU${request.gpus === 1 ? '' : 's'} (${GPU_RESOURCE}): train without --gpu (CPU), ask for fewer, or add a GPU node running the NVIDIA device plugin.`
        : `Nodes lack ${GPU_RESOURCE}.`,
    );
  }
  if (/Insufficient memory/.test(message))
    advice.push(`Lower --memory (${request.memory}) or free memory on a node.`);
  if (/Insufficient cpu/.test(message)) advice.push(`Lower --cpu (${request.cpu}) or free CPU on a node.`);
  if (
    /node affinity|node selector|nodeSelector/i.test(message) &&
    Object.keys(request.nodeSelector).length > 0
  ) {
    advice.push(
      `No node carries the labels of --node-selector (${Object.entries(request.nodeSelector)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}): check kubectl get nodes --show-labels.`,
    );
  }
  if (/untolerated taint/.test(message))
    advice.push(
      'The nodes are tainted: ask the cluster admin which taints the training pods should tolerate.',
    );
  if (advice.length === 0)
    advice.push('kubectl describe pod shows the scheduler events; make room or change the requests.');
  return new ClusterError(`training pod ${pod.metadata?.name ?? '?'} cannot be scheduled: ${message}`, {
    suggestion: advice.join(' '),
  });
}

/** A container state of the pod that ends the training for sure, as an error; undefined while it may still run. */
export function podFailure(pod: V1Pod, request: TrainingRequest): RescapeError | undefined {
  const name = pod.metadata?.name ?? '?';
  for (const status of containerStatuses(pod)) {
    const waiting = status.state?.waiting;
    if (waiting?.reason !== undefined && IMAGE_PULL_REASONS.has(waiting.reason)) {
      return new ClusterError(
        `training pod ${name} cannot pull image ${status.image || request.image}: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ''}`,
        {
          suggestion: `Build and push the rescape image (rescape build --build-context <git or tar.gz of this repository> --destination ${request.image}, with the repository's Dockerfile), check the reference given to --image, or name the registry's pull Secret with --image-pull-secret.`,
        },
      );
    }
    if (waiting?.reason !== undefined && CONFIG_REASONS.has(waiting.reason)) {
      return new ClusterError(
        `training pod ${name} cannot start its container: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ''}`,
        {
          suggestion: `kubectl -n ${pod.metadata?.namespace ?? '<namespace>'} describe pod ${name} shows the events (a missing ServiceAccount: apply manifests/train/trainer-rbac.yaml).`,
        },
      );
    }
    const terminated = status.state?.terminated ?? status.lastState?.terminated;
    if (terminated?.reason === 'OOMKilled') return oomError(name, request);
  }
  return undefined;
}

export function oomError(pod: string, request: TrainingRequest): ClusterError {
  return new ClusterError(
    `training pod ${pod} was killed for using more than its memory limit (--memory ${request.memory}): OOMKilled`,
    {
      suggestion: `Give it more memory (e.g. --memory ${doubled(request.memory)}), or use less: a smaller --batch-size or --hidden, or fewer runs.`,
    },
  );
}

/** The Job's Failed condition, as an error (DeadlineExceeded is a TimeoutError); undefined when not failed. */
export function jobFailure(job: V1Job, request: TrainingRequest): RescapeError | undefined {
  const failed = job.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
  if (failed === undefined) return undefined;
  const name = job.metadata?.name ?? '?';
  if (failed.reason === 'DeadlineExceeded') {
    return new TimeoutError(
      `training Job ${name} ran past its deadline of ${request.deadlineSeconds} s (${failed.message ?? 'DeadlineExceeded'})`,
      {
        suggestion:
          'Raise --timeout, train fewer --epochs, or ask for a GPU (--gpu 1); with --storage pvc the next run resumes from the last finished epoch.',
      },
    );
  }
  return new ClusterError(
    `training Job ${name} failed: ${failed.reason ?? 'Failed'}${failed.message ? `: ${failed.message}` : ''}`,
    {
      suggestion: `Fix what the log shows and run the command again; kubectl -n ${job.metadata?.namespace ?? '<namespace>'} describe job/${name} shows the events.`,
    },
  );
}

export function isJobComplete(job: V1Job): boolean {
  return job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ?? false;
}

function containerStatuses(pod: V1Pod): V1ContainerStatus[] {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
}

/** "4Gi" → "8Gi"; a quantity it cannot read is left to the user ("twice 4G"). */
function doubled(quantity: string): string {
  const match = /^(\d+(?:\.\d+)?)([A-Za-z]*)$/.exec(quantity);
  return match === null ? `twice ${quantity}` : `${Number(match[1]) * 2}${match[2]}`;
}
