// `rescape teardown`: deletes what `rescape deploy` applied for a benchmark (rendered the same way, so the
// same objects), workloads first, and waits until they are gone; the namespace too with --delete-namespace.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ProgressListener } from '../core/progress.js';
import { inDeleteOrder } from './apply-order.js';
import { benchmarkObjects } from './benchmark-objects.js';
import type { KubeClient } from './kube-client.js';
import type { DeployableBenchmark } from './manifest-set.js';
import { deleteObjects, type DeletedObject, type Propagation } from './teardown.js';
import { newWatchStats, type WatchOptions, type WatchStats } from './watch-collection.js';

export interface TeardownOptions {
  benchmark: DeployableBenchmark;
  namespace: string;
  deleteNamespace: boolean;
  propagation: Propagation;
  wait: boolean;
  timeoutSeconds: number;
}

export interface TeardownDeps {
  signal: AbortSignal;
  onProgress?: ProgressListener;
  watch?: Pick<WatchOptions, 'reconnectDelayMs' | 'maxReconnectDelayMs' | 'watchSeconds'>;
}

/** What teardown deletes, in the order it deletes them: what --dry-run prints. */
export function renderTeardown(options: TeardownOptions): KubernetesObject[] {
  const { namespace, objects } = benchmarkObjects(options.benchmark, { namespace: options.namespace });
  return [...inDeleteOrder(objects), ...(options.deleteNamespace ? [namespace] : [])];
}

export async function teardownBenchmark(
  client: KubeClient,
  options: TeardownOptions,
  deps: TeardownDeps,
): Promise<{ deleted: DeletedObject[]; watch: WatchStats }> {
  const stats = newWatchStats();
  const deleted = await deleteObjects(client, renderTeardown(options), {
    propagation: options.propagation,
    wait: options.wait,
    timeoutSeconds: options.timeoutSeconds,
    signal: deps.signal,
    stats,
    ...(deps.onProgress === undefined ? {} : { onProgress: deps.onProgress }),
    ...(deps.watch === undefined ? {} : { watch: deps.watch }),
  });
  return { deleted, watch: stats };
}
