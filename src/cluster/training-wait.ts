// Waits for a training Job: watches its pods and the Job itself (watch-collection.ts, surviving dropped streams and
// 410 Gone), follows the pod's log once it runs and relays the trainer's NDJSON progress, and stops at the first
// sign of how it ends: the Job Complete; the Job Failed (DeadlineExceeded is a TimeoutError; an OOMKilled
// container says so; otherwise the log tail is in the error); a pod the scheduler cannot place for
// `unschedulableGraceSeconds` (a cluster autoscaler may still add a node); an image that cannot be pulled.
import type { KubernetesObject, V1Job, V1Pod } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClusterError, InterruptedError, TimeoutError, type RescapeError } from '../core/errors.js';
import type { ProgressListener } from '../core/progress.js';
import type { KubeClient } from './kube-client.js';
import { JOB_NAME_LABEL, jobLogTail } from './pod-diagnostics.js';
import { TRAINING_JOB_LABEL } from './training-configmaps.js';
import {
  isJobComplete,
  jobFailure,
  podFailure,
  unschedulableError,
  unschedulableMessage,
  type TrainingRequest,
} from './training-failures.js';
import type { LogFollower } from './training-log-follow.js';
import { parseProgressLine } from './training-progress.js';
import { watchUntil, type WatchOptions, type WatchStats } from './watch-collection.js';

export interface TrainingWaitOptions {
  namespace: string;
  job: string;
  request: TrainingRequest;
  signal: AbortSignal;
  /** How long to wait in all (beyond it the Job goes on in the cluster). */
  waitSeconds: number;
  unschedulableGraceSeconds: number;
  stats: WatchStats;
  onProgress?: ProgressListener;
  followLog?: LogFollower;
  onWarning?: (message: string) => void;
  watch?: Pick<WatchOptions, 'reconnectDelayMs' | 'maxReconnectDelayMs' | 'watchSeconds'>;
  logTailLines?: number;
}

/** How long the log may go on after the Job completed, for the last progress lines to arrive. */
const LOG_DRAIN_MS = 2000;

export async function waitForTraining(
  client: KubeClient,
  options: TrainingWaitOptions,
): Promise<{ progressLines: number }> {
  const { namespace, job, request } = options;
  const stop = new AbortController();
  const signal = AbortSignal.any([
    options.signal,
    AbortSignal.timeout(options.waitSeconds * 1000),
    stop.signal,
  ]);
  const followStop = new AbortController();
  let failure: RescapeError | undefined;
  let complete = false;
  let progressLines = 0;
  let unschedulable: { pod: V1Pod; message: string } | undefined;
  let unschedulableTimer: NodeJS.Timeout | undefined;
  const followed = new Set<string>();
  const follows: Promise<void>[] = [];
  const fail = (error: RescapeError): void => {
    failure ??= error;
    stop.abort();
  };
  const onLine = (line: string): void => {
    const event = parseProgressLine(line);
    if (event === undefined) return;
    progressLines += 1;
    options.onProgress?.(event);
  };
  const follow = (pod: V1Pod): void => {
    const name = pod.metadata?.name ?? '';
    const started = pod.status?.phase !== undefined && pod.status.phase !== 'Pending';
    if (options.followLog === undefined || !started || followed.has(name)) return;
    followed.add(name);
    const container = pod.spec?.containers[0]?.name ?? 'train';
    follows.push(
      options.followLog({ namespace, pod: name, container }, onLine, followStop.signal, (error) =>
        options.onWarning?.(
          `cannot follow the log of pod ${name} (progress will not show): ${error.message}`,
        ),
      ),
    );
  };
  const onPods = (pods: ReadonlyMap<string, KubernetesObject>): boolean => {
    unschedulable = undefined;
    for (const pod of [...pods.values()] as V1Pod[]) {
      const problem = podFailure(pod, request);
      if (problem !== undefined) {
        fail(problem);
        return true;
      }
      const message = unschedulableMessage(pod);
      if (message !== undefined) unschedulable = { pod, message };
      options.onProgress?.({
        phase: 'pod',
        done: 0,
        total: 1,
        message: `${pod.metadata?.name ?? '?'} ${pod.status?.phase ?? 'Pending'}`,
      });
      follow(pod);
    }
    if (unschedulable === undefined) {
      clearTimeout(unschedulableTimer);
      unschedulableTimer = undefined;
    } else if (unschedulableTimer === undefined) {
      unschedulableTimer = setTimeout(() => {
        if (unschedulable !== undefined)
          fail(unschedulableError(unschedulable.pod, unschedulable.message, request));
      }, options.unschedulableGraceSeconds * 1000);
    }
    return false;
  };
  const onJobs = (jobs: ReadonlyMap<string, KubernetesObject>): boolean => {
    const object = jobs.get(job) as V1Job | undefined;
    if (object === undefined) return false;
    if (isJobComplete(object)) {
      complete = true;
      stop.abort();
      return true;
    }
    const error = jobFailure(object, request);
    if (error !== undefined) fail(error);
    return error !== undefined;
  };
  const watchOptions = { ...options.watch, signal, stats: options.stats };
  try {
    await Promise.all([
      watchUntil(
        client,
        { apiVersion: 'v1', kind: 'Pod', namespace, labelSelector: `${JOB_NAME_LABEL}=${job}` },
        onPods,
        watchOptions,
      ),
      watchUntil(
        client,
        { apiVersion: 'batch/v1', kind: 'Job', namespace, labelSelector: `${TRAINING_JOB_LABEL}=${job}` },
        onJobs,
        watchOptions,
      ),
    ]);
  } finally {
    stop.abort();
    clearTimeout(unschedulableTimer);
  }
  if (complete) {
    // The container has ended, so its log stream ends too; the wait is only a bound.
    await Promise.race([Promise.all(follows), sleep(LOG_DRAIN_MS)]);
  }
  followStop.abort();
  await Promise.all(follows);
  if (complete) return { progressLines };
  if (failure !== undefined) throw await explained(client, options, failure);
  if (options.signal.aborted) {
    throw new InterruptedError(`interrupted while training Job ${namespace}/${job} ran`, {
      suggestion:
        'Run the same command again to start it anew (with --storage pvc it resumes from the last finished epoch).',
    });
  }
  throw new TimeoutError(
    `timed out after ${options.waitSeconds} s waiting for training Job ${namespace}/${job}`,
    {
      suggestion: `It may still be queued or running: kubectl -n ${namespace} describe job/${job}; raise --timeout.`,
    },
  );
}

/**
 * A failed Job says little by itself: an OOMKilled container (the pod watch may not have delivered it yet) says
 * more, and otherwise the last lines of the pod's log go into the message.
 */
async function explained(
  client: KubeClient,
  options: TrainingWaitOptions,
  failure: RescapeError,
): Promise<RescapeError> {
  if (!(failure instanceof ClusterError) || !failure.message.startsWith('training Job')) return failure;
  const pods = (await client.list<V1Pod>('v1', 'Pod', options.namespace, `${JOB_NAME_LABEL}=${options.job}`))
    .items;
  for (const pod of pods) {
    const problem = podFailure(pod, options.request);
    if (problem !== undefined) return problem;
  }
  const lines = options.logTailLines ?? 20;
  let tail: string;
  try {
    const found = await jobLogTail(client, options.namespace, options.job, lines);
    tail =
      found === undefined
        ? '(no pod left to read a log from)'
        : `last ${lines} log lines of pod ${found.pod}:\n${found.log.trimEnd().replace(/^/gm, '    ') || '    (empty log)'}`;
  } catch (error) {
    tail = `(could not read its log: ${(error as Error).message})`;
  }
  return new ClusterError(
    `${failure.message}\n  ${tail}`,
    failure.suggestion === undefined ? {} : { suggestion: failure.suggestion },
  );
}
