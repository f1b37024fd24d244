// Deleting and waiting until gone, against the fake API server: objects that linger while they terminate are
// waited for through the watch, already-gone objects are fine, workloads go before what they use, and objects
// that never go are a TimeoutError naming them and their finalizers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TimeoutError } from '../../src/core/errors.js';
import type { ProgressEvent } from '../../src/core/progress.js';
import { inDeleteOrder } from '../../src/cluster/apply-order.js';
import { deleteObjects } from '../../src/cluster/teardown.js';
import { newWatchStats } from '../../src/cluster/watch-collection.js';
import { findKind } from '../helpers/fake-kube-resources.js';
import { deployment, NEVER, service, startFakeCluster } from '../helpers/fake-kube-fixtures.js';

const FAST_WATCH = { reconnectDelayMs: 20, maxReconnectDelayMs: 100 };
const DEPLOYMENTS = findKind('apps/v1', 'Deployment')!;
const SERVICES = findKind('v1', 'Service')!;

test('teardown deletes in delete order (workloads before what they use), and returns only once everything is gone', async () => {
  await using cluster = await startFakeCluster();
  const objects = [service('web'), deployment('web'), deployment('api')];
  for (const object of objects) await cluster.client.apply(object, false);
  cluster.fake.controllers.deletionDelayMs = 300;
  const events: ProgressEvent[] = [];
  const stats = newWatchStats();
  const deleted = await deleteObjects(cluster.client, inDeleteOrder(objects), {
    propagation: 'Foreground',
    wait: true,
    timeoutSeconds: 10,
    signal: NEVER,
    stats,
    onProgress: (event) => events.push(event),
    watch: FAST_WATCH,
  });
  assert.deepEqual(cluster.fake.store.list(DEPLOYMENTS, 'bench'), [], 'no Deployment left when it returns');
  assert.deepEqual(cluster.fake.store.list(SERVICES, 'bench'), []);
  assert.deepEqual(
    deleted.map((d) => [d.kind, d.name, d.outcome]),
    [
      ['Deployment', 'api', 'deleted'],
      ['Deployment', 'web', 'deleted'],
      ['Service', 'web', 'deleted'],
    ],
  );
  const deletes = cluster.fake.requests.filter((r) => r.verb === 'delete');
  assert.deepEqual(
    deletes.map((r) => r.resource),
    ['deployments', 'deployments', 'services'],
  );
  assert.ok(deletes.every((r) => r.query.get('propagationPolicy') === 'Foreground'));
  assert.ok(stats.watches >= 1, 'it waited on a watch');
  const waits = events.filter((e) => e.phase === 'wait for deletion');
  assert.ok(
    waits.some((e) => e.done < e.total),
    'it saw them terminating',
  );
  assert.deepEqual(waits.at(-1), { phase: 'wait for deletion', done: 3, total: 3, message: '0 left' });
});

test('objects already gone are reported as such, and nothing is waited for', async () => {
  await using cluster = await startFakeCluster();
  const deleted = await deleteObjects(cluster.client, [deployment('web')], {
    propagation: 'Background',
    wait: true,
    timeoutSeconds: 10,
    signal: NEVER,
  });
  assert.deepEqual(
    deleted.map((d) => d.outcome),
    ['already-gone'],
  );
  assert.equal(cluster.fake.count('watch'), 0);
});

test('objects that never go are a TimeoutError naming them and their finalizers', async () => {
  await using cluster = await startFakeCluster();
  await cluster.client.apply(deployment('web'), false);
  cluster.fake.controllers.deletionDelayMs = 60_000;
  const error = await deleteObjects(cluster.client, [deployment('web')], {
    propagation: 'Foreground',
    wait: true,
    timeoutSeconds: 1,
    signal: NEVER,
    watch: FAST_WATCH,
  }).catch((e: unknown) => e);
  assert.ok(error instanceof TimeoutError, String(error));
  assert.match(
    error.message,
    /waiting for 1 of 1 deleted objects to go:\n {2}Deployment bench\/web \(terminating\); finalizers: foregroundDeletion/,
  );
});
