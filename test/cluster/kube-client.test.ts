// KubeClient against the fake API server, through a real kubeconfig and the real @kubernetes/client-node:
// server-side apply (create, idempotent re-apply, conflict, force), typed errors with advice for 403/404/409/
// 422/5xx and an unreachable server, retries of transient failures, and credentials that never reach a message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubernetesObject } from '@kubernetes/client-node';
import { ClusterError, RemoteApiError } from '../../src/core/errors.js';
import { KubeClient } from '../../src/cluster/kube-client.js';
import { KubeApiError, KubeServerError } from '../../src/cluster/kube-errors.js';
import { loadKubeconfig } from '../../src/cluster/kubeconfig.js';
import { FAKE_TOKEN } from '../helpers/fake-kube-api.js';
import { findKind } from '../helpers/fake-kube-resources.js';
import { deployment, startFakeCluster } from '../helpers/fake-kube-fixtures.js';

const DEPLOYMENTS = findKind('apps/v1', 'Deployment')!;
const WEB = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'bench', name: 'web' };

test('apply creates with field manager rescape, and applying again changes nothing', async () => {
  await using cluster = await startFakeCluster();
  const first = await cluster.client.apply(deployment('web'), false);
  assert.equal(first.created, true);
  const patch = cluster.fake.requests.find((r) => r.verb === 'patch' && r.resource === 'deployments')!;
  assert.equal(patch.contentType, 'application/apply-patch+yaml');
  assert.equal(patch.query.get('fieldManager'), 'rescape');
  assert.equal(patch.query.get('force'), null, 'force only when asked');
  // Let the fake's controller write its status, then re-apply: same object, same resourceVersion.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const before = cluster.fake.store.get(DEPLOYMENTS, 'bench', 'web')!;
  const second = await cluster.client.apply(deployment('web'), false);
  assert.equal(second.created, false);
  assert.equal(
    second.object.metadata?.resourceVersion,
    (before.metadata as { resourceVersion: string }).resourceVersion,
  );
  assert.equal(cluster.fake.store.list(DEPLOYMENTS, 'bench').length, 1);
});

test('a field another manager owns is a conflict that names it; --force-conflicts takes it over', async () => {
  await using cluster = await startFakeCluster();
  await cluster.client.apply(deployment('web', 'bench', 2), false);
  // `kubectl scale` (or an HPA) now owns .spec.replicas.
  cluster.fake.store.apply(
    DEPLOYMENTS,
    'bench',
    'web',
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 5 } },
    'kubectl-scale',
    true,
  );
  const conflict = await cluster.client.apply(deployment('web', 'bench', 2), false).catch((e: unknown) => e);
  assert.ok(conflict instanceof KubeApiError && conflict instanceof ClusterError);
  assert.equal(conflict.httpStatus, 409);
  assert.match(
    conflict.message,
    /patch Deployment bench\/web: Apply failed with 1 conflict: conflict with "kubectl-scale" using apps\/v1: \.spec\.replicas/,
  );
  assert.match(conflict.suggestion ?? '', /--force-conflicts/);
  const forced = await cluster.client.apply(deployment('web', 'bench', 2), true);
  assert.equal((forced.object as { spec?: { replicas?: number } }).spec?.replicas, 2);
  assert.equal(
    cluster.fake.requests
      .filter((r) => r.verb === 'patch')
      .at(-1)!
      .query.get('force'),
    'true',
  );
});

const ERROR_CASES: {
  name: string;
  arrange: (fake: Awaited<ReturnType<typeof startFakeCluster>>['fake']) => void;
  act: (client: KubeClient) => Promise<unknown>;
  type: typeof ClusterError | typeof RemoteApiError;
  status: number | null;
  message: RegExp;
  suggestion: RegExp;
}[] = [
  {
    name: '403 names the verb and resource and points at the RBAC manifests',
    arrange: (fake) => fake.forbid('patch', 'deployments', 'bench'),
    act: (client) => client.apply(deployment('web'), false),
    type: ClusterError,
    status: 403,
    message:
      /patch Deployment bench\/web: forbidden: deployments\.apps "web" is forbidden: User "system:serviceaccount:ci:rescape-tester" cannot patch resource "deployments"/,
    suggestion:
      /may not patch deployments\.apps in namespace bench\. rescape's Role and RoleBinding are in manifests\/rbac\//,
  },
  {
    name: '404: a namespace that does not exist',
    arrange: () => {},
    act: (client) => client.apply(deployment('web', 'elsewhere'), false),
    type: ClusterError,
    status: 404,
    message: /patch Deployment elsewhere\/web: not found \(namespaces "elsewhere" not found\)/,
    suggestion: /--namespace/,
  },
  {
    name: '422 lists the invalid fields from the Status causes',
    arrange: () => {},
    act: (client) =>
      client.apply(
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'broken', namespace: 'bench' },
          spec: {},
        } as KubernetesObject,
        false,
      ),
    type: ClusterError,
    status: 422,
    message:
      /rejected the object as invalid: .*\[spec\.selector: Required value; spec\.template\.spec\.containers: Required value\]/,
    suggestion: /Fix the listed fields/,
  },
  {
    name: '5xx that persists is a RemoteApiError (retry later), after the retries',
    arrange: (fake) =>
      fake.failNext({
        method: 'PATCH',
        status: 503,
        reason: 'ServiceUnavailable',
        message: 'etcdserver: leader changed',
        times: 10,
      }),
    act: (client) => client.apply(deployment('web'), false),
    type: RemoteApiError,
    status: 503,
    message: /answered 503 \(etcdserver: leader changed\)/,
    suggestion: /run the command again later/,
  },
  {
    name: 'a kind the cluster does not serve',
    arrange: () => {},
    act: (client) =>
      client.apply(
        {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'ServiceMonitor',
          metadata: { name: 'x', namespace: 'bench' },
        },
        false,
      ),
    type: ClusterError,
    status: null,
    message:
      /the cluster at http:\/\/127\.0\.0\.1:\d+ does not serve monitoring\.coreos\.com\/v1 ServiceMonitor/,
    suggestion: /CRD that is not installed/,
  },
];

for (const testCase of ERROR_CASES) {
  test(`typed error: ${testCase.name}`, async () => {
    await using cluster = await startFakeCluster();
    testCase.arrange(cluster.fake);
    const error = await testCase.act(cluster.client).catch((e: unknown) => e);
    assert.ok(error instanceof testCase.type, `${String(error)}`);
    assert.equal(
      (error as KubeApiError).httpStatus ?? null,
      testCase.status ?? (error as KubeApiError).httpStatus,
    );
    assert.match((error as Error).message, testCase.message);
    assert.match((error as ClusterError).suggestion ?? '', testCase.suggestion);
    assert.ok(!(error as Error).message.includes(FAKE_TOKEN));
  });
}

test('transient failures are retried: two 503s, then success', async () => {
  await using cluster = await startFakeCluster();
  cluster.fake.failNext({ method: 'PATCH', status: 503, times: 2 });
  const applied = await cluster.client.apply(deployment('web'), false);
  assert.equal(applied.created, true);
  assert.equal(
    cluster.fake.requests.filter((r) => r.method === 'PATCH' && r.resource === 'deployments').length,
    3,
  );
});

test('4xx is not retried', async () => {
  await using cluster = await startFakeCluster();
  cluster.fake.forbid('patch', 'deployments');
  await assert.rejects(cluster.client.apply(deployment('web'), false), KubeApiError);
  assert.equal(
    cluster.fake.requests.filter((r) => r.method === 'PATCH' && r.resource === 'deployments').length,
    1,
  );
});

test('get of a missing object is null; deleting it again is "already-gone"', async () => {
  await using cluster = await startFakeCluster();
  assert.equal(await cluster.client.get(WEB), null);
  await cluster.client.apply(deployment('web'), false);
  assert.equal(await cluster.client.delete(WEB, 'Foreground'), 'deleted');
  assert.equal(cluster.fake.requests.at(-1)!.query.get('propagationPolicy'), 'Foreground');
  assert.equal(await cluster.client.delete(WEB, 'Foreground'), 'already-gone');
});

test('an API server that echoes the Authorization header into its error never gets the token into a message', async () => {
  await using cluster = await startFakeCluster();
  cluster.fake.failNext({ method: 'PATCH', status: 500, echoAuthorization: true, times: 10 });
  const error = await cluster.client.apply(deployment('web'), false).catch((e: unknown) => e);
  assert.ok(error instanceof KubeServerError);
  assert.match(error.message, /request had authorization: \[redacted\]/);
  assert.ok(
    !JSON.stringify({
      message: error.message,
      suggestion: error.suggestion,
      cause: String(error.cause),
    }).includes(FAKE_TOKEN),
  );
  // The token did reach the server.
  assert.ok(cluster.fake.requests.every((r) => r.authorization === `Bearer ${FAKE_TOKEN}`));
});

test('an unreachable API server is a ClusterError naming the server and context', async () => {
  await using cluster = await startFakeCluster();
  const kubeconfig = cluster.fake.writeKubeconfig([{ name: 'gone', server: 'http://127.0.0.1:9' }]);
  const client = await KubeClient.create(loadKubeconfig({ kubeconfig, context: 'gone' }), {
    retries: 1,
    retryMinDelayMs: 5,
  });
  const error = await client.get(WEB).catch((e: unknown) => e);
  assert.ok(error instanceof ClusterError);
  assert.match(error.message, /cannot reach the API server at http:\/\/127\.0\.0\.1:9 \(context "gone"\)/);
  assert.match(error.suggestion ?? '', /reachable/);
});

test('a wrong token is a 401 that says to refresh the credentials', async () => {
  await using cluster = await startFakeCluster();
  const kubeconfig = cluster.fake.writeKubeconfig([
    { name: 'stale', server: cluster.fake.url, token: 'expired-token-0123456789' },
  ]);
  const client = await KubeClient.create(loadKubeconfig({ kubeconfig, context: 'stale' }), { retries: 0 });
  const error = await client.get(WEB).catch((e: unknown) => e);
  assert.ok(error instanceof KubeApiError);
  assert.equal(error.httpStatus, 401);
  assert.match(error.message, /rejected the credentials of context "stale" \(401 Unauthorized\)/);
  assert.ok(!error.message.includes('expired-token-0123456789'));
});
