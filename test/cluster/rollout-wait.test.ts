// Waiting for rollouts and Jobs with list+watch against the fake API server: a rollout that completes, one
// that never does (TimeoutError saying why), a watch connection dropped mid-wait (re-established), 410 Gone
// (re-listed), a failed Job (its log tail in the error), a forbidden watch, and Ctrl-C.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterError, InterruptedError, TimeoutError } from '../../src/core/errors.js';
import type { ProgressEvent } from '../../src/core/progress.js';
import { KubeApiError } from '../../src/cluster/kube-errors.js';
import { refOf } from '../../src/cluster/object-ref.js';
import { waitForWorkloads } from '../../src/cluster/rollout-wait.js';
import { newWatchStats } from '../../src/cluster/watch-collection.js';
import {
  deployment,
  job,
  NEVER,
  startFakeCluster,
  statefulSet,
  type FakeCluster,
} from '../helpers/fake-kube-fixtures.js';
import type { KubernetesObject } from '@kubernetes/client-node';
import { findKind } from '../helpers/fake-kube-resources.js';
import { metadataOf, type Json } from '../helpers/fake-kube-store.js';

const FAST_WATCH = { reconnectDelayMs: 20, maxReconnectDelayMs: 100 };
const DEPLOYMENTS = findKind('apps/v1', 'Deployment')!;

function annotate(object: Json): void {
  metadataOf(object).annotations = { 'example.com/touched': 'yes' };
}

async function applyAll(cluster: FakeCluster, objects: KubernetesObject[]): Promise<void> {
  for (const object of objects) await cluster.client.apply(object, false);
}

test('a rollout that completes: every workload reported ready, with progress', async () => {
  await using cluster = await startFakeCluster();
  cluster.fake.controllers.setRollout('Deployment', undefined, { readyAfterMs: 150 });
  cluster.fake.controllers.setRollout('StatefulSet', undefined, { readyAfterMs: 250 });
  const objects = [deployment('web', 'bench', 2), deployment('api'), statefulSet('db')];
  await applyAll(cluster, objects);
  const events: ProgressEvent[] = [];
  const stats = newWatchStats();
  const reports = await waitForWorkloads(cluster.client, objects.map(refOf), {
    timeoutSeconds: 10,
    signal: NEVER,
    stats,
    onProgress: (event) => events.push(event),
    watch: FAST_WATCH,
  });
  assert.deepEqual(
    reports.map((r) => [r.kind, r.name, r.phase, r.detail]),
    [
      ['Deployment', 'web', 'ready', '2/2 replicas available'],
      ['Deployment', 'api', 'ready', '1/1 replicas available'],
      ['StatefulSet', 'db', 'ready', '1/1 replicas ready'],
    ],
  );
  assert.ok(stats.watches >= 2, 'it watched rather than polled');
  assert.equal(stats.lists, 2, 'one list per kind');
  assert.deepEqual(events.at(-1), { phase: 'rollout', done: 3, total: 3 });
  assert.ok(
    events.some(
      (e) =>
        e.done < 3 && /waiting for Deployment bench\/web \(0\/2 replicas available\)/.test(e.message ?? ''),
    ),
  );
});

test('a rollout that never completes is a TimeoutError naming what is not ready and why', async () => {
  await using cluster = await startFakeCluster();
  cluster.fake.controllers.setRollout('Deployment', 'web', {
    never: true,
    readyReplicas: 1,
    podWaiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "docker.io/example/web:1.0"' },
  });
  const objects = [deployment('web', 'bench', 3), deployment('api')];
  await applyAll(cluster, objects);
  const started = Date.now();
  const error = await waitForWorkloads(cluster.client, objects.map(refOf), {
    timeoutSeconds: 1,
    signal: NEVER,
    watch: FAST_WATCH,
  }).catch((e: unknown) => e);
  assert.ok(error instanceof TimeoutError, String(error));
  assert.ok(Date.now() - started < 5000);
  assert.match(error.message, /^timed out after 1 s waiting for 1 of 2 workloads:/);
  assert.match(
    error.message,
    /Deployment bench\/web: 1\/3 replicas available; Available=False \(MinimumReplicasUnavailable: Deployment does not have minimum availability\.\)/,
  );
  assert.match(
    error.message,
    /pod web-5d4f8c7b9-\w+: container web waiting: ImagePullBackOff \(Back-off pulling image "docker\.io\/example\/web:1\.0"\)/,
  );
  assert.doesNotMatch(error.message, /Deployment bench\/api/, 'only what is not ready is named');
  assert.match(error.suggestion ?? '', /kubectl -n bench describe deployment\/web.*raise --timeout/);
  assert.equal(error.exitCode, 6);
});

/**
 * Waits for one Deployment that becomes ready after 700 ms, while `disturbances` (ms → what happens to the
 * fake API server then) strike the watch.
 */
async function disturbedRollout(cluster: FakeCluster, disturbances: [number, () => void][]) {
  cluster.fake.controllers.setRollout('Deployment', undefined, { readyAfterMs: 700 });
  const objects = [deployment('web')];
  await applyAll(cluster, objects);
  const stats = newWatchStats();
  const timers = disturbances.map(([ms, disturb]) => setTimeout(disturb, ms));
  try {
    const reports = await waitForWorkloads(cluster.client, objects.map(refOf), {
      timeoutSeconds: 10,
      signal: NEVER,
      stats,
      watch: FAST_WATCH,
    });
    assert.equal(reports[0]!.phase, 'ready');
    return stats;
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
}

test('a watch connection dropped mid-wait is re-established from the last resourceVersion', async () => {
  await using cluster = await startFakeCluster();
  // An event the watch sees (someone annotates the Deployment), then the connection is cut.
  const stats = await disturbedRollout(cluster, [
    [100, () => cluster.fake.store.update(DEPLOYMENTS, 'bench', 'web', annotate)],
    [250, () => cluster.fake.dropWatches()],
  ]);
  assert.ok(stats.reconnects >= 1, `reconnects ${stats.reconnects}`);
  assert.ok(cluster.fake.watchConnections >= 2);
  assert.equal(stats.relists, 0, 'a drop needs no re-list');
  const watches = cluster.fake.requests.filter((r) => r.verb === 'watch');
  assert.notEqual(
    watches.at(-1)!.query.get('resourceVersion'),
    watches[0]!.query.get('resourceVersion'),
    'resumed from a later version',
  );
});

test('410 Gone (an ERROR event mid-stream) makes it re-list, then watch from the new resourceVersion', async () => {
  await using cluster = await startFakeCluster();
  const stats = await disturbedRollout(cluster, [[250, () => cluster.fake.expireWatches()]]);
  assert.equal(stats.relists, 1);
  assert.equal(cluster.fake.count('list', 'deployments'), 2);
});

test('a drop followed by compaction: the re-opened watch gets 410 at once and it re-lists', async () => {
  await using cluster = await startFakeCluster();
  const stats = await disturbedRollout(cluster, [
    [
      250,
      () => {
        // Cut the stream, then let the history it would resume from be compacted away by a newer write.
        cluster.fake.dropWatches();
        cluster.fake.store.update(DEPLOYMENTS, 'bench', 'web', annotate);
        cluster.fake.store.compact();
      },
    ],
  ]);
  assert.ok(stats.reconnects >= 1 && stats.relists === 1, JSON.stringify(stats));
  assert.equal(cluster.fake.count('list', 'deployments'), 2);
});

test('a failed Job stops the wait with its pod log tail in the error', async () => {
  await using cluster = await startFakeCluster();
  const log = Array.from({ length: 50 }, (_, i) => `step ${i + 1}`).join('\n') + '\nerror: exit status 1\n';
  cluster.fake.controllers.setJob('train', { failAfterMs: 100, log });
  cluster.fake.controllers.setRollout('Deployment', undefined, { never: true });
  const objects = [job('train'), deployment('web')];
  await applyAll(cluster, objects);
  const error = await waitForWorkloads(cluster.client, objects.map(refOf), {
    timeoutSeconds: 20,
    signal: NEVER,
    logTailLines: 5,
    watch: FAST_WATCH,
  }).catch((e: unknown) => e);
  assert.ok(error instanceof ClusterError && !(error instanceof TimeoutError), String(error));
  assert.match(
    error.message,
    /^Job bench\/train failed: BackoffLimitExceeded: Job has reached the specified backoff limit/,
  );
  assert.match(
    error.message,
    /last 5 log lines of pod train-x7k2p:\n {4}step 47\n {4}step 48\n {4}step 49\n {4}step 50\n {4}error: exit status 1$/,
  );
  assert.doesNotMatch(error.message, /step 46\b/);
  const logRequest = cluster.fake.requests.find((r) => r.path.endsWith('/pods/train-x7k2p/log'))!;
  assert.equal(logRequest.query.get('tailLines'), '5');
});

test('a forbidden watch fails at once with the RBAC advice, without waiting for the deadline', async () => {
  await using cluster = await startFakeCluster();
  cluster.fake.forbid('watch', 'deployments');
  const objects = [deployment('web')];
  cluster.fake.controllers.setRollout('Deployment', undefined, { never: true });
  await applyAll(cluster, objects);
  const started = Date.now();
  const error = await waitForWorkloads(cluster.client, objects.map(refOf), {
    timeoutSeconds: 30,
    signal: NEVER,
    watch: FAST_WATCH,
  }).catch((e: unknown) => e);
  assert.ok(error instanceof KubeApiError, String(error));
  assert.equal(error.httpStatus, 403);
  assert.match(error.suggestion ?? '', /may not watch deployments\.apps/);
  assert.ok(Date.now() - started < 5000);
});

test('Ctrl-C while waiting is an InterruptedError that says what was applied stays', async () => {
  await using cluster = await startFakeCluster();
  cluster.fake.controllers.setRollout('Deployment', undefined, { never: true });
  const objects = [deployment('web')];
  await applyAll(cluster, objects);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const error = await waitForWorkloads(cluster.client, objects.map(refOf), {
    timeoutSeconds: 30,
    signal: controller.signal,
    watch: FAST_WATCH,
  }).catch((e: unknown) => e);
  assert.ok(error instanceof InterruptedError, String(error));
  assert.match(error.message, /what was applied stays/);
});
