// `rescape deploy`: renders rescape's RBAC objects and the benchmark's manifests for a namespace, ensures the
// namespace, server-side applies everything in dependency order, then waits for every Deployment, StatefulSet,
// DaemonSet and Job to be available or done. Applying is idempotent: deploying again changes only what
// changed, so an interrupted or timed-out deploy is continued by running it again.
import type { KubernetesObject } from '@kubernetes/client-node';
import { UsageError } from '../core/errors.js';
import type { ProgressListener } from '../core/progress.js';
import { benchmarkObjects } from './benchmark-objects.js';
import type { KubeClient } from './kube-client.js';
import type { DeployableBenchmark, RenderOptions } from './manifest-set.js';
import { refOf } from './object-ref.js';
import { waitForWorkloads, type WorkloadReport } from './rollout-wait.js';
import { applyObjects, ensureNamespace, type AppliedObject } from './server-side-apply.js';
import { newWatchStats, type WatchOptions, type WatchStats } from './watch-collection.js';
import { isAwaited } from './workload-status.js';

const RBAC_KINDS = new Set(['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);

export interface DeployOptions {
  benchmark: DeployableBenchmark;
  namespace: string;
  registry?: string;
  replicas?: Record<string, number>;
  defaultReplicas?: number;
  /** Server-side apply's force: take over fields other managers own. */
  forceConflicts: boolean;
  wait: boolean;
  timeoutSeconds: number;
}

export interface DeployDeps {
  signal: AbortSignal;
  onProgress?: ProgressListener;
  watch?: Pick<WatchOptions, 'reconnectDelayMs' | 'maxReconnectDelayMs' | 'watchSeconds'>;
}

export interface DeployOutcome {
  applied: AppliedObject[];
  /** What was skipped and why (RBAC objects the account may not change). */
  warnings: string[];
  workloads: WorkloadReport[];
  watch: WatchStats;
}

/** The objects deploy would apply, namespace first: what --dry-run prints. */
export function renderDeploy(options: DeployOptions): KubernetesObject[] {
  const { namespace, objects } = benchmarkObjects(options.benchmark, renderOptions(options));
  return [namespace, ...objects];
}

export async function deployBenchmark(
  client: KubeClient,
  options: DeployOptions,
  deps: DeployDeps,
): Promise<DeployOutcome> {
  const { namespace, objects } = benchmarkObjects(options.benchmark, renderOptions(options));
  const progress = deps.onProgress === undefined ? {} : { onProgress: deps.onProgress };
  const warnings: string[] = [];
  const applied = [
    await ensureNamespace(client, namespace, options.forceConflicts),
    ...(await applyObjects(client, objects, {
      force: options.forceConflicts,
      signal: deps.signal,
      ...progress,
      // With the least-privilege Role an administrator applies rescape's own RBAC objects (manifests/rbac/);
      // a user who may not change them still deploys the benchmark.
      mayBeForbidden: (object) => RBAC_KINDS.has(object.kind ?? ''),
      onWarning: (message) => warnings.push(message),
    })),
  ];
  const stats = newWatchStats();
  if (!options.wait) return { applied, warnings, workloads: [], watch: stats };
  const workloads = await waitForWorkloads(
    client,
    objects.filter((object) => isAwaited(object.kind)).map(refOf),
    {
      timeoutSeconds: options.timeoutSeconds,
      signal: deps.signal,
      stats,
      ...progress,
      ...(deps.watch === undefined ? {} : { watch: deps.watch }),
    },
  );
  return { applied, warnings, workloads, watch: stats };
}

function renderOptions(options: DeployOptions): RenderOptions {
  return {
    namespace: options.namespace,
    ...(options.registry === undefined ? {} : { registry: options.registry }),
    ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
    ...(options.defaultReplicas === undefined ? {} : { defaultReplicas: options.defaultReplicas }),
  };
}

/** `--replicas svc=n` (repeatable, or comma-separated) → {svc: n}. */
export function parseReplicas(values: readonly string[]): Record<string, number> {
  const replicas: Record<string, number> = {};
  for (const pair of values
    .flatMap((value) => value.split(','))
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)=(\d+)$/.exec(pair);
    if (match === null) {
      throw new UsageError(`--replicas "${pair}" is not service=count`, {
        suggestion:
          'Write it as --replicas compose-post-service=3 (repeat the flag or separate pairs with commas).',
      });
    }
    replicas[match[1]!] = Number(match[3]);
  }
  return replicas;
}
