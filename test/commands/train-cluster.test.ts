// `rescape train --on-cluster` end to end against the fake API server with a fake kubelet that really runs the
// pod's `rescape train` (bin/run.js) on the run unpacked from the ConfigMaps: the run goes out as ConfigMaps, the
// Job runs, progress comes back through the followed log, the pod publishes the model through the API, and the
// model copied back is byte for byte the model trained here with the same flags, which `rescape evaluate` accepts.
// The kubeconfig's token is in no output and no file. --dry-run --json prints the objects, schema-checked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeClient } from '../../src/cluster/kube-client.js';
import { FAKE_TOKEN, FakeKubeApi } from '../helpers/fake-kube-api.js';
import { cliAgainstFake } from '../helpers/fake-kube-fixtures.js';
import { FakeKubelet } from '../helpers/fake-kube-pods.js';
import { findKind } from '../helpers/fake-kube-resources.js';
import { profiledRun } from '../report/cli-fixtures.js';
import { rescape, tempDir } from '../cli.js';
import { assertMatchesSchema } from '../json-schema.js';

const tmp = tempDir('train-cluster');
const run = join(tmp.path, 'run');
const cli = cliAgainstFake(tmp.path);
const MODEL_FLAGS = ['--model', 'gru', '--epochs', '2', '--hidden', '8', '--batch-size', '32', '--seed', '3'];
const IMAGE = 'registry.example.com/rescape/rescape:0.1';
let fake: FakeKubeApi;
let kubeconfig: string;

before(async () => {
  await profiledRun(run, '2h', 5);
  fake = await FakeKubeApi.start();
  kubeconfig = fake.writeKubeconfig();
  const client = await KubeClient.connect({ kubeconfig });
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ml' } }, false);
});

after(async () => {
  await fake.close();
  tmp[Symbol.dispose]();
});

test('train --on-cluster: Job, progress, publish, copy back; the model equals one trained here', async () => {
  const kubelet = new FakeKubelet(fake, kubeconfig, { run: true });
  try {
    const clusterOut = join(tmp.path, 'models', 'from-cluster');
    const localOut = join(tmp.path, 'models', 'local');
    const [onCluster, local] = await Promise.all([
      cli([
        'train',
        run,
        ...MODEL_FLAGS,
        '--out',
        clusterOut,
        '--on-cluster',
        '--namespace',
        'ml',
        '--image',
        IMAGE,
        '--gpu',
        '1',
        '--node-selector',
        'nvidia.com/gpu.present=true',
        '--kubeconfig',
        kubeconfig,
        '--json',
      ]),
      rescape(['train', run, ...MODEL_FLAGS, '--out', localOut, '--json']),
    ]);
    assert.equal(onCluster.exitCode, 0, onCluster.stdout + onCluster.stderr);
    assert.equal(local.exitCode, 0, local.stderr);
    const result = JSON.parse(onCluster.stdout);
    assertMatchesSchema('train-cluster', result);
    assert.equal(result.job, 'rescape-train-from-cluster');
    assert.equal(result.gpus, 1);
    assert.ok(result.progressLines >= 2, `progress lines relayed: ${result.progressLines}`);
    assert.deepEqual(
      result.model.files.map((f: { path: string }) => f.path),
      ['card.json', 'model.json', 'weights.bin'],
    );

    // The pod ran the same model flags on the unpacked run and published through the API.
    const [podArgs] = [...kubelet.args.values()];
    assert.deepEqual(podArgs!.slice(0, 9), [
      'train',
      '/var/run/rescape/work/runs',
      '--bundle',
      '/var/run/rescape/bundle',
      '--out',
      '/var/run/rescape/work/model',
      '--json-progress',
      '--publish-to-configmap',
      'rescape-train-from-cluster',
    ]);
    for (const flag of MODEL_FLAGS) assert.ok(podArgs!.includes(flag), `pod args carry ${flag}`);
    assert.deepEqual([...kubelet.exits.values()], [0]);

    // Same seed, same flags, same backend: the same weights, byte for byte.
    assert.ok(
      readFileSync(join(clusterOut, 'weights.bin')).equals(readFileSync(join(localOut, 'weights.bin'))),
    );
    // The card names the user's run, not the pod's copy, so evaluate finds it unaided.
    const card = JSON.parse(readFileSync(join(clusterOut, 'card.json'), 'utf8')) as {
      trainedOn: { runDir: string }[];
    };
    assert.deepEqual(
      card.trainedOn.map((trained) => trained.runDir),
      [run],
    );
    const evaluated = await rescape(['evaluate', clusterOut, '--json']);
    assert.equal(evaluated.exitCode, 0, evaluated.stderr);

    // Cleaned up: no Job and no ConfigMap of it left.
    assert.equal(fake.store.list(findKind('batch/v1', 'Job')!, 'ml').length, 0);
    assert.equal(fake.store.list(findKind('v1', 'ConfigMap')!, 'ml').length, 0);
    // The Job's ConfigMaps were made owned by it, and the trainer published with create/patch only.
    const published = fake.requests.filter((r) => r.resource === 'configmaps' && r.verb === 'patch');
    assert.ok(published.some((r) => r.path.endsWith('rescape-train-from-cluster-model-000')));
    for (const file of readdirSync(clusterOut))
      assert.ok(!readFileSync(join(clusterOut, file), 'utf8').includes(FAKE_TOKEN), `${file} holds no token`);
  } finally {
    await kubelet.close();
  }
});

test('train --on-cluster --dry-run --json prints the validated objects and contacts nothing', async () => {
  const requests = fake.requests.length;
  const dry = await cli([
    'train',
    run,
    '--model',
    'gat-gru',
    '--out',
    join(tmp.path, 'dry'),
    '--on-cluster',
    '--dry-run',
    '--json',
    '--image',
    IMAGE,
    '--gpu',
    '2',
    '--storage',
    'pvc',
    '--storage-class',
    'fast',
    '--kubeconfig',
    kubeconfig,
  ]);
  assert.equal(dry.exitCode, 0, dry.stderr);
  assert.equal(fake.requests.length, requests);
  const result = JSON.parse(dry.stdout);
  assertMatchesSchema('train-cluster', result);
  assert.deepEqual(
    result.objects.map((o: { kind: string }) => o.kind),
    ['ServiceAccount', 'Role', 'RoleBinding', 'PersistentVolumeClaim', 'Job', 'ConfigMap'],
  );
  const job = result.objects[4];
  assert.equal(job.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu'], '2');
  assert.equal(job.spec.template.spec.volumes[1].persistentVolumeClaim.claimName, 'rescape-train-dry-work');
});

test('train --on-cluster without an image is a usage error that says how to build one', async () => {
  const missing = await cli([
    'train',
    run,
    '--out',
    join(tmp.path, 'x'),
    '--on-cluster',
    '--dry-run',
    '--json',
  ]);
  assert.equal(missing.exitCode, 2);
  const error = JSON.parse(missing.stdout).error;
  assert.match(error.message, /--image or set RESCAPE_TRAIN_IMAGE/);
  assert.match(error.suggestion, /rescape build/);
});
