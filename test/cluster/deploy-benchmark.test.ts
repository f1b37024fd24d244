// deployBenchmark in-process against the fake API server, as a least-privilege user: the namespace an
// administrator created and rescape's own RBAC objects it may not change are tolerated (with warnings); a
// namespace that does not exist is still an error. And the --replicas parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/core/errors.js';
import { deployBenchmark, parseReplicas, renderDeploy } from '../../src/cluster/deploy-benchmark.js';
import { KubeApiError } from '../../src/cluster/kube-errors.js';
import { NEVER, startFakeCluster } from '../helpers/fake-kube-fixtures.js';

const OPTIONS = {
  benchmark: 'hotel-reservation',
  namespace: 'bench',
  forceConflicts: false,
  wait: true,
  timeoutSeconds: 30,
} as const;

test('a user with only the namespaced Role deploys: the namespace and the RBAC objects are left to the admin', async () => {
  await using cluster = await startFakeCluster('bench');
  for (const resource of ['namespaces', 'roles', 'rolebindings']) cluster.fake.forbid('patch', resource);
  const outcome = await deployBenchmark(cluster.client, OPTIONS, {
    signal: NEVER,
    watch: { reconnectDelayMs: 20 },
  });
  const byKind = (kind: string) => outcome.applied.filter((a) => a.kind === kind).map((a) => a.operation);
  assert.deepEqual(byKind('Namespace'), ['exists']);
  assert.deepEqual(byKind('Role'), ['skipped']);
  assert.deepEqual(byKind('RoleBinding'), ['skipped']);
  assert.ok(byKind('Deployment').length > 5 && byKind('Deployment').every((op) => op === 'created'));
  assert.equal(outcome.warnings.length, 2);
  assert.match(outcome.warnings[0]!, /^Role bench\/rescape skipped: patch Role bench\/rescape: forbidden/);
  assert.ok(outcome.workloads.every((w) => w.phase === 'ready'));
  assert.equal(outcome.applied.length, renderDeploy(OPTIONS).length);
});

test('a namespace that does not exist (and may not be created) is an error, not a skip', async () => {
  await using cluster = await startFakeCluster('bench');
  cluster.fake.forbid('patch', 'namespaces');
  cluster.fake.forbid('get', 'namespaces');
  const error = await deployBenchmark(
    cluster.client,
    { ...OPTIONS, namespace: 'absent' },
    { signal: NEVER },
  ).catch((e: unknown) => e);
  assert.ok(error instanceof KubeApiError, String(error));
  assert.equal(error.httpStatus, 404);
  assert.match(error.message, /not found \(namespaces "absent" not found\)/);
});

test('--replicas: service=count pairs, repeated or comma-separated', () => {
  assert.deepEqual(parseReplicas(['frontend=3,search=2', 'geo=1']), { frontend: 3, search: 2, geo: 1 });
  assert.deepEqual(parseReplicas([]), {});
  for (const bad of ['frontend', 'frontend=two', 'Front_End=1', '=3']) {
    assert.throws(
      () => parseReplicas([bad]),
      (e: unknown) => e instanceof UsageError && /is not service=count/.test(e.message),
    );
  }
});
