// `rescape build` end to end against the fake API server: --dry-run prints the Kaniko Job (no credential in it),
// a build from flags finishes with its digest, a failed build exits 4 with the executor's log tail, and a local
// directory as context is a usage error before anything is sent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeClient } from '../../src/cluster/kube-client.js';
import { FakeKubeApi } from '../helpers/fake-kube-api.js';
import { cliAgainstFake } from '../helpers/fake-kube-fixtures.js';
import { tempDir } from '../cli.js';
import { assertMatchesSchema } from '../json-schema.js';

const tmp = tempDir('build');
let fake: FakeKubeApi;
let kubeconfig: string;
const DIGEST = `sha256:${'c3'.repeat(32)}`;
const run = cliAgainstFake(tmp.path);
const ONE_IMAGE = [
  '--build-context',
  'git://github.com/delimitrou/DeathStarBench.git',
  '--context-sub-path',
  'hotelReservation',
  '--destination',
  'registry.example.com/rescape/hotel-reservation:0.1',
  '--registry-secret',
  'regcred',
  '--namespace',
  'builds',
];

before(async () => {
  fake = await FakeKubeApi.start();
  kubeconfig = fake.writeKubeconfig();
  const client = await KubeClient.connect({ kubeconfig });
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'builds' } }, false);
  fake.controllers.setJob('rescape-build-hotel-reservation', {
    succeedAfterMs: 200,
    terminationMessage: DIGEST,
  });
  fake.controllers.setJob('rescape-build-broken', {
    failAfterMs: 200,
    log: 'INFO[0001] Resolved base name golang:1.22\nerror building image: parsing dockerfile: unknown instruction: RUNN\n',
  });
});

after(async () => {
  await fake.close();
  tmp[Symbol.dispose]();
});

test('build: --dry-run prints the Job, a build finishes with its digest, a failure shows the log, a local context is refused', async () => {
  const file = join(tmp.path, 'images.yaml');
  writeFileSync(
    file,
    'images:\n  - name: broken\n    context: git://github.com/example/broken.git\n    destination: registry.example.com/rescape/broken:0.1\n',
  );
  const [dry, built, failed, local] = await Promise.all([
    run(['build', ...ONE_IMAGE, '--dry-run', '--json']),
    run(['build', ...ONE_IMAGE, '--kubeconfig', kubeconfig, '--json']),
    run(['build', '--file', file, '--namespace', 'builds', '--kubeconfig', kubeconfig, '--json']),
    run([
      'build',
      '--build-context',
      tmp.path,
      '--destination',
      'registry.example.com/rescape/x:1',
      '--kubeconfig',
      kubeconfig,
      '--json',
    ]),
  ]);

  assert.equal(dry.exitCode, 0, dry.stderr);
  const plan = JSON.parse(dry.stdout) as {
    objects: {
      kind: string;
      spec: { template: { spec: { containers: { image: string; args: string[] }[]; volumes: unknown[] } } };
    }[];
  };
  assertMatchesSchema('build-result', plan);
  const container = plan.objects[0]!.spec.template.spec.containers[0]!;
  assert.equal(container.image, 'docker.io/martizih/kaniko:v1.27.6');
  assert.ok(container.args.includes('--destination=registry.example.com/rescape/hotel-reservation:0.1'));
  assert.deepEqual(plan.objects[0]!.spec.template.spec.volumes, [
    {
      name: 'registry-credentials',
      secret: { secretName: 'regcred', items: [{ key: '.dockerconfigjson', path: 'config.json' }] },
    },
  ]);

  assert.equal(built.exitCode, 0, built.stderr);
  const record = JSON.parse(built.stdout) as { images: { status: string; digest: string }[] };
  assertMatchesSchema('build-result', record);
  assert.deepEqual(
    record.images.map((i) => [i.status, i.digest]),
    [['succeeded', DIGEST]],
  );

  assert.equal(failed.exitCode, 4, failed.stderr);
  const error = JSON.parse(failed.stdout) as { error: { message: string } };
  assertMatchesSchema('error', error);
  assert.match(error.error.message, /Job builds\/rescape-build-broken failed: BackoffLimitExceeded/);
  assert.match(error.error.message, /error building image: parsing dockerfile: unknown instruction: RUNN/);

  assert.equal(local.exitCode, 2);
  const refused = JSON.parse(local.stdout) as { error: { message: string; suggestion: string } };
  assert.match(refused.error.message, /^--build-context: context ".*" is not something Kaniko can fetch$/);
  assert.match(refused.error.suggestion, /cannot read a directory on this machine/);
});
