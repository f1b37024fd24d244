// Opening a port-forward: a Service with no Ready pod is a ClusterError saying so; with one, a local listener
// opens, and a connection the API server refuses to upgrade is closed (not left hanging, not crashing).
// The WebSocket stream itself needs a real API server and kubelet: it is not exercised here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { V1Service } from '@kubernetes/client-node';
import { ClusterError } from '../../src/core/errors.js';
import { openPortForward } from '../../src/cluster/port-forward.js';
import { findKind } from '../helpers/fake-kube-resources.js';
import { service, startFakeCluster } from '../helpers/fake-kube-fixtures.js';

const SERVICE = service('web') as V1Service;
const PORT = SERVICE.spec!.ports![0]!;

function readyPod(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'web' } },
    spec: {
      containers: [
        { name: 'web', image: 'docker.io/example/web:1.0', ports: [{ name: 'http', containerPort: 8080 }] },
      ],
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

test('no Ready pod behind the Service: a ClusterError that says so', async () => {
  await using cluster = await startFakeCluster();
  const error = await openPortForward(cluster.client, 'bench', SERVICE, PORT).catch((e: unknown) => e);
  assert.ok(error instanceof ClusterError);
  assert.match(error.message, /Service bench\/web has no Ready pod to forward port 8080 to/);
  assert.match(error.suggestion ?? '', /kubectl -n bench get pods -l app=web/);
});

test('a Ready pod: the listener opens on 127.0.0.1; a refused upgrade closes the local connection', async () => {
  await using cluster = await startFakeCluster();
  cluster.fake.store.put(findKind('v1', 'Pod')!, 'bench', readyPod('web-1'));
  const forward = await openPortForward(cluster.client, 'bench', SERVICE, PORT);
  try {
    assert.match(forward.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(forward.pod, 'web-1');
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connect(forward.localPort, '127.0.0.1');
      const timer = setTimeout(() => resolve(false), 5000);
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
      socket.on('error', () => {});
    });
    assert.ok(closed, 'the local connection was closed');
    assert.ok(
      cluster.fake.requests.some(
        (r) =>
          r.path === '/api/v1/namespaces/bench/pods/web-1/portforward' && r.query.get('ports') === '8080',
      ),
    );
  } finally {
    await forward.close();
  }
});
