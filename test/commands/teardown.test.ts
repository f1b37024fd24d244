// `rescape teardown` end to end against the fake API server: --dry-run lists what would be deleted (workloads
// first, the namespace last with --delete-namespace); a teardown deletes everything deploy created and returns
// once it is gone; a second one finds everything already gone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderDeploy } from '../../src/cluster/deploy-benchmark.js';
import { KubeClient } from '../../src/cluster/kube-client.js';
import { FakeKubeApi } from '../helpers/fake-kube-api.js';
import { cliAgainstFake } from '../helpers/fake-kube-fixtures.js';
import { findKind } from '../helpers/fake-kube-resources.js';
import { tempDir } from '../cli.js';
import { assertMatchesSchema } from '../json-schema.js';

const tmp = tempDir('teardown');
let fake: FakeKubeApi;
let kubeconfig: string;
const OBJECTS = renderDeploy({
  benchmark: 'hotel-reservation',
  namespace: 'hotel',
  forceConflicts: false,
  wait: false,
  timeoutSeconds: 60,
});
const run = cliAgainstFake(tmp.path);

before(async () => {
  fake = await FakeKubeApi.start();
  kubeconfig = fake.writeKubeconfig();
  const client = await KubeClient.connect({ kubeconfig });
  for (const object of OBJECTS) await client.apply(object, false);
  // Deleted objects linger a while (pods terminating), so teardown has something to wait for.
  fake.controllers.deletionDelayMs = 300;
});

after(async () => {
  await fake.close();
  tmp[Symbol.dispose]();
});

test('teardown --dry-run lists the objects in delete order; teardown deletes them and waits until they are gone', async () => {
  const requestsBefore = fake.requests.length;
  const dry = await run([
    'teardown',
    'hotel-reservation',
    '--namespace',
    'hotel',
    '--delete-namespace',
    '--dry-run',
    '--json',
  ]);
  assert.equal(dry.exitCode, 0, dry.stderr);
  const plan = JSON.parse(dry.stdout) as { objects: { kind: string }[] };
  assertMatchesSchema('teardown-result', plan);
  assert.equal(plan.objects.length, OBJECTS.length);
  assert.equal(plan.objects[0]!.kind, 'Deployment');
  assert.equal(plan.objects.at(-1)!.kind, 'Namespace');
  assert.equal(fake.requests.length, requestsBefore, '--dry-run contacts nothing');

  const result = await run([
    'teardown',
    'hotel-reservation',
    '--namespace',
    'hotel',
    '--delete-namespace',
    '--kubeconfig',
    kubeconfig,
    '--json',
  ]);
  assert.equal(result.exitCode, 0, result.stderr);
  const record = JSON.parse(result.stdout) as {
    deleted: { outcome: string }[];
    alreadyGone: number;
    namespaceDeleted: boolean;
    watch: { watches: number };
  };
  assertMatchesSchema('teardown-result', record);
  assert.equal(record.deleted.length, OBJECTS.length);
  assert.equal(record.alreadyGone, 0);
  assert.equal(record.namespaceDeleted, true);
  assert.ok(record.watch.watches >= 1, 'it waited on watches');
  assert.deepEqual(fake.store.list(findKind('apps/v1', 'Deployment')!, 'hotel'), []);
  assert.equal(
    fake.store.get(findKind('v1', 'Namespace')!, undefined, 'hotel'),
    undefined,
    'the namespace is gone too',
  );
  assert.ok(
    fake.requests
      .filter((r) => r.verb === 'delete')
      .every((r) => r.query.get('propagationPolicy') === 'Foreground'),
  );

  const again = await run([
    'teardown',
    'hotel-reservation',
    '--namespace',
    'hotel',
    '--kubeconfig',
    kubeconfig,
    '--json',
  ]);
  assert.equal(again.exitCode, 0, again.stderr);
  const second = JSON.parse(again.stdout) as { deleted: unknown[]; alreadyGone: number };
  assert.equal(second.alreadyGone, second.deleted.length);
});
