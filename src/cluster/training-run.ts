// `rescape train --on-cluster` from this machine: packs the run directories into ConfigMaps, replaces the previous
// training Job of the same name, applies the trainer's RBAC (skipped with a warning where the account may not —
// an administrator applies manifests/train/), the work claim and the Job, then the run's ConfigMaps owned by the
// Job; waits for it with progress (training-wait.ts), copies the model back (training-copy-back.ts), and deletes the
// Job and its ConfigMaps (and the claim) unless --keep. A Job that failed is left for `kubectl logs` (its
// ttlSecondsAfterFinished collects it, its ConfigMaps go with it) and the claim is kept so a rerun resumes; a pod
// that can never run (unschedulable, image not pullable) or a run interrupted with Ctrl-C has its Job deleted, so
// no GPU request is left queued.
import type { KubernetesObject, V1ConfigMap } from '@kubernetes/client-node';
import type { ProgressListener } from '../core/progress.js';
import type { KubeClient } from './kube-client.js';
import { applyObjects, type AppliedObject } from './server-side-apply.js';
import { deleteObjects } from './teardown.js';
import { packDirectories } from './training-bundle.js';
import { TRAINING_JOB_LABEL } from './training-configmaps.js';
import { copyModelBack, type CopiedModel } from './training-copy-back.js';
import type { TrainingRequest } from './training-failures.js';
import { workClaimName, type TrainingJobSettings } from './training-job.js';
import type { LogFollower } from './training-log-follow.js';
import { trainingObjects } from './training-objects.js';
import { waitForTraining } from './training-wait.js';
import { newWatchStats, type WatchOptions, type WatchStats } from './watch-collection.js';

export interface ClusterTraining {
  settings: Omit<TrainingJobSettings, 'runChunks'>;
  runDirs: string[];
  out: string;
  /** Keep the Job, its ConfigMaps and the work claim after the model is copied back. */
  keep: boolean;
  /** How long to wait for the Job in all. */
  waitSeconds: number;
  unschedulableGraceSeconds: number;
}

export interface ClusterTrainingDeps {
  signal: AbortSignal;
  onProgress?: ProgressListener;
  onWarning?: (message: string) => void;
  followLog?: LogFollower;
  watch?: Pick<WatchOptions, 'reconnectDelayMs' | 'maxReconnectDelayMs' | 'watchSeconds'>;
}

export interface ClusterTrainingOutcome {
  namespace: string;
  job: string;
  image: string;
  gpus: number;
  run: { files: number; bytes: number; compressedBytes: number; configMaps: number };
  applied: AppliedObject[];
  model: CopiedModel;
  progressLines: number;
  kept: boolean;
  watch: WatchStats;
}

export async function trainOnCluster(
  client: KubeClient,
  training: ClusterTraining,
  deps: ClusterTrainingDeps,
): Promise<ClusterTrainingOutcome> {
  const bundle = packDirectories(training.runDirs.map((dir, index) => ({ name: String(index), dir })));
  const settings: TrainingJobSettings = { ...training.settings, runChunks: bundle.manifest.chunks.length };
  const { namespace, job } = settings;
  const objects = trainingObjects(settings, bundle);
  const stats = newWatchStats();
  const progress = deps.onProgress === undefined ? {} : { onProgress: deps.onProgress };
  const common = {
    signal: deps.signal,
    stats,
    ...progress,
    ...(deps.watch === undefined ? {} : { watch: deps.watch }),
  };
  // A Job's pod template cannot change and a finished Job does not run again; immutable ConfigMaps cannot be
  // re-applied with other data: the previous attempt's objects go first (not the claim: it holds the checkpoint).
  await deleteObjects(client, await jobObjects(client, namespace, job), {
    ...common,
    propagation: 'Background',
    wait: true,
    timeoutSeconds: 120,
  });
  const apply = (list: KubernetesObject[], mayBeForbidden: boolean): Promise<AppliedObject[]> =>
    applyObjects(client, list, {
      force: false,
      signal: deps.signal,
      ...progress,
      ...(mayBeForbidden ? { mayBeForbidden: () => true } : {}),
      ...(deps.onWarning === undefined ? {} : { onWarning: deps.onWarning }),
    });
  const applied = [
    ...(await apply(objects.rbac, true)),
    ...(await apply(objects.claim === undefined ? [objects.job] : [objects.claim, objects.job], false)),
  ];
  const created = await client.get({ apiVersion: 'batch/v1', kind: 'Job', namespace, name: job });
  const uid = created?.metadata?.uid;
  applied.push(
    ...(await apply(objects.runConfigMaps(uid === undefined ? undefined : { name: job, uid }), false)),
  );
  const request: TrainingRequest = {
    image: settings.image,
    gpus: settings.gpus,
    cpu: settings.cpu,
    memory: settings.memory,
    nodeSelector: settings.nodeSelector,
    deadlineSeconds: settings.deadlineSeconds,
  };
  let progressLines: number;
  try {
    ({ progressLines } = await waitForTraining(client, {
      namespace,
      job,
      request,
      signal: deps.signal,
      waitSeconds: training.waitSeconds,
      unschedulableGraceSeconds: training.unschedulableGraceSeconds,
      stats,
      ...progress,
      ...(deps.followLog === undefined ? {} : { followLog: deps.followLog }),
      ...(deps.onWarning === undefined ? {} : { onWarning: deps.onWarning }),
      ...(deps.watch === undefined ? {} : { watch: deps.watch }),
    }));
  } catch (error) {
    if (!training.keep && (await stillActive(client, namespace, job))) {
      await deleteObjects(client, await jobObjects(client, namespace, job), {
        ...common,
        signal: new AbortController().signal,
        propagation: 'Background',
        wait: false,
        timeoutSeconds: 60,
      }).catch(() => undefined);
    }
    throw error;
  }
  deps.onProgress?.({ phase: 'copy back', done: 0, total: 1 });
  const model = await copyModelBack(client, namespace, job, training.out, training.runDirs);
  deps.onProgress?.({ phase: 'copy back', done: 1, total: 1, message: training.out });
  if (!training.keep) {
    const claim = objects.claim === undefined ? [] : [claimRef(namespace, job)];
    await deleteObjects(client, [...(await jobObjects(client, namespace, job)), ...claim], {
      ...common,
      propagation: 'Background',
      wait: false,
      timeoutSeconds: 60,
    });
  }
  return {
    namespace,
    job,
    image: settings.image,
    gpus: settings.gpus,
    run: {
      files: bundle.manifest.files.length,
      bytes: bundle.manifest.bytes,
      compressedBytes: bundle.manifest.chunks.reduce((sum, chunk) => sum + chunk.size, 0),
      configMaps: bundle.manifest.chunks.length,
    },
    applied,
    model,
    progressLines,
    kept: training.keep,
    watch: stats,
  };
}

/** The Job and every ConfigMap labelled with it (run and model bundles), as delete targets. */
async function jobObjects(client: KubeClient, namespace: string, job: string): Promise<KubernetesObject[]> {
  const configMaps = (
    await client.list<V1ConfigMap>('v1', 'ConfigMap', namespace, `${TRAINING_JOB_LABEL}=${job}`)
  ).items;
  const jobRef = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: job, namespace } };
  const existing = await client.get({ apiVersion: 'batch/v1', kind: 'Job', namespace, name: job });
  return [
    ...(existing === null ? [] : [jobRef]),
    ...configMaps.map((c) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: c.metadata?.name ?? '', namespace },
    })),
  ];
}

async function stillActive(client: KubeClient, namespace: string, job: string): Promise<boolean> {
  const object = (await client
    .get({ apiVersion: 'batch/v1', kind: 'Job', namespace, name: job })
    .catch(() => null)) as {
    status?: { conditions?: { type?: string; status?: string }[] };
  } | null;
  if (object === null) return false;
  return !(object.status?.conditions ?? []).some(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
}

function claimRef(namespace: string, job: string): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: workClaimName(job), namespace },
  };
}
