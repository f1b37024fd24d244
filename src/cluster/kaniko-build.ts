// Runs image builds as Kaniko Jobs (kaniko-job.ts): the previous build Job of the same image is deleted and
// waited for (a Job's pod template cannot change, and a finished Job would not run again), the new Jobs are
// applied, and then watched until they finish, with progress. A failed build is a ClusterError carrying the
// executor's log tail; a build past its deadline fails the same way (the Job controller marks it
// DeadlineExceeded). The image digest is read back from the executor's termination message.
import type { V1Pod } from '@kubernetes/client-node';
import type { ProgressListener } from '../core/progress.js';
import { buildJobName, kanikoJob, type ImageBuild, type KanikoSettings } from './kaniko-job.js';
import type { KubeClient } from './kube-client.js';
import { JOB_NAME_LABEL } from './pod-diagnostics.js';
import { waitForWorkloads } from './rollout-wait.js';
import { applyObjects } from './server-side-apply.js';
import { deleteObjects } from './teardown.js';
import { newWatchStats, type WatchOptions, type WatchStats } from './watch-collection.js';

export interface BuildRun {
  builds: ImageBuild[];
  settings: KanikoSettings;
  wait: boolean;
  /** How long to wait for all builds (beyond it the Jobs go on in the cluster). */
  timeoutSeconds: number;
}

export interface BuildDeps {
  signal: AbortSignal;
  onProgress?: ProgressListener;
  watch?: Pick<WatchOptions, 'reconnectDelayMs' | 'maxReconnectDelayMs' | 'watchSeconds'>;
}

export interface BuiltImage {
  name: string;
  job: string;
  destination: string;
  status: 'succeeded' | 'submitted';
  /** sha256:… of the pushed image, when the executor reported it. */
  digest: string | null;
}

export interface BuildOutcome {
  images: BuiltImage[];
  watch: WatchStats;
}

/**
 * How long to wait for builds whose Jobs have `deadlineSeconds`: a little longer, so an overdue build is
 * reported as the Job controller failed it (DeadlineExceeded, with its log) rather than as rescape giving up.
 */
export function buildWaitSeconds(deadlineSeconds: number): number {
  return deadlineSeconds + 60;
}

export async function runBuilds(client: KubeClient, run: BuildRun, deps: BuildDeps): Promise<BuildOutcome> {
  const jobs = run.builds.map((build) => kanikoJob(build, run.settings));
  const stats = newWatchStats();
  const common = {
    signal: deps.signal,
    stats,
    ...(deps.onProgress === undefined ? {} : { onProgress: deps.onProgress }),
    ...(deps.watch === undefined ? {} : { watch: deps.watch }),
  };
  await deleteObjects(client, jobs, {
    ...common,
    propagation: 'Background',
    wait: true,
    timeoutSeconds: 120,
  });
  await applyObjects(client, jobs, {
    force: false,
    signal: deps.signal,
    ...(deps.onProgress === undefined ? {} : { onProgress: deps.onProgress }),
  });
  const images = run.builds.map<BuiltImage>((build) => ({
    name: build.name,
    job: buildJobName(build),
    destination: build.destination,
    status: 'submitted',
    digest: null,
  }));
  if (!run.wait) return { images, watch: stats };
  await waitForWorkloads(
    client,
    images.map((image) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      namespace: run.settings.namespace,
      name: image.job,
    })),
    { ...common, timeoutSeconds: run.timeoutSeconds, phase: 'build', logTailLines: 30 },
  );
  for (const image of images) {
    image.status = 'succeeded';
    image.digest = await digestOf(client, run.settings.namespace, image.job);
  }
  return { images, watch: stats };
}

/** The digest the executor wrote to /dev/termination-log, from the succeeded pod's status. */
async function digestOf(client: KubeClient, namespace: string, job: string): Promise<string | null> {
  const pods = (await client.list<V1Pod>('v1', 'Pod', namespace, `${JOB_NAME_LABEL}=${job}`)).items;
  for (const pod of pods) {
    const message = pod.status?.containerStatuses?.[0]?.state?.terminated?.message?.trim();
    if (message !== undefined && /^sha256:[a-f0-9]{64}$/.test(message)) return message;
  }
  return null;
}
