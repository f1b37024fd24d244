// `rescape endpoints` end to end against the fake API server: a NodePort entry point reached on a node's
// address, a ClusterIP-only one needing a port-forward, --dry-run from the manifests, and nodes that may not be
// listed (a namespaced Role) leaving the address open with a note.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderDeploy } from '../../src/cluster/deploy-benchmark.js';
import { KubeClient } from '../../src/cluster/kube-client.js';
import { FakeKubeApi } from '../helpers/fake-kube-api.js';
import { cliAgainstFake } from '../helpers/fake-kube-fixtures.js';
import { findKind } from '../helpers/fake-kube-resources.js';
import type { Json } from '../helpers/fake-kube-store.js';
import { tempDir } from '../cli.js';
import { assertMatchesSchema } from '../json-schema.js';

const tmp = tempDir('endpoints');
let fake: FakeKubeApi;
let kubeconfig: string;
const run = cliAgainstFake(tmp.path);

interface Endpoint {
  service: string;
  entry: boolean;
  port: number;
  via: string;
  url: string | null;
  detail: string;
}

before(async () => {
  fake = await FakeKubeApi.start();
  kubeconfig = fake.writeKubeconfig();
  const client = await KubeClient.connect({ kubeconfig });
  const objects = renderDeploy({
    benchmark: 'social-network',
    namespace: 'sn',
    forceConflicts: false,
    wait: false,
    timeoutSeconds: 60,
  });
  for (const object of objects.filter((o) => o.kind === 'Namespace' || o.kind === 'Service'))
    await client.apply(object, false);
  // The operator exposed nginx-thrift as a NodePort (the API server allocates the port).
  fake.store.update(findKind('v1', 'Service')!, 'sn', 'nginx-thrift', (service) => {
    const spec = service.spec as { type?: string; ports: Json[] };
    spec.type = 'NodePort';
    spec.ports = spec.ports.map((port, i) => ({ ...port, nodePort: 30080 + i }));
  });
  fake.store.put(findKind('v1', 'Node')!, undefined, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'worker-1' },
    status: {
      conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [
        { type: 'InternalIP', address: '192.0.2.10' },
        { type: 'Hostname', address: 'worker-1' },
      ],
    },
  });
});

after(async () => {
  await fake.close();
  tmp[Symbol.dispose]();
});

test('endpoints: a NodePort on the node address, a port-forward for a ClusterIP-only entry point; --dry-run from the manifests', async () => {
  const [live, dry] = await Promise.all([
    run(['endpoints', 'social-network', '--namespace', 'sn', '--kubeconfig', kubeconfig, '--json']),
    run(['endpoints', 'social-network', '--namespace', 'sn', '--dry-run', '--json']),
  ]);
  assert.equal(live.exitCode, 0, live.stderr);
  const record = JSON.parse(live.stdout) as {
    endpoints: Endpoint[];
    entryServices: string[];
    notes: string[];
  };
  assertMatchesSchema('endpoints-result', record);
  assert.deepEqual(record.entryServices, ['nginx-thrift', 'media-frontend']);
  const thrift = record.endpoints.find((e) => e.service === 'nginx-thrift')!;
  assert.equal(thrift.via, 'node-port');
  assert.equal(thrift.url, 'http://192.0.2.10:30080');
  const media = record.endpoints.find((e) => e.service === 'media-frontend')!;
  assert.equal(media.via, 'port-forward');
  assert.equal(media.url, null);
  assert.match(media.detail, /kubectl -n sn port-forward svc\/media-frontend/);
  assert.ok(
    record.endpoints.every((e) => e.entry || e.via !== 'port-forward'),
    'internal ClusterIP Services are not listed',
  );
  assert.deepEqual(record.notes, []);

  assert.equal(dry.exitCode, 0, dry.stderr);
  const planned = JSON.parse(dry.stdout) as { dryRun: boolean; context: null; endpoints: Endpoint[] };
  assertMatchesSchema('endpoints-result', planned);
  assert.equal(planned.context, null);
  assert.deepEqual(
    planned.endpoints.filter((e) => e.entry).map((e) => [e.service, e.via]),
    [
      ['media-frontend', 'port-forward'],
      ['nginx-thrift', 'port-forward'],
    ],
  );
});

test('when nodes may not be listed, a NodePort is still found, with no address and a note', async () => {
  fake.forbid('list', 'nodes');
  const result = await run([
    'endpoints',
    'social-network',
    '--namespace',
    'sn',
    '--kubeconfig',
    kubeconfig,
    '--json',
  ]);
  assert.equal(result.exitCode, 0, result.stderr);
  const record = JSON.parse(result.stdout) as { endpoints: Endpoint[]; notes: string[] };
  const thrift = record.endpoints.find((e) => e.service === 'nginx-thrift')!;
  assert.equal(thrift.url, null);
  assert.match(thrift.detail, /NodePort 30080 on any node/);
  assert.match(record.notes.join('\n'), /nodes not considered: list Node: forbidden/);
});
