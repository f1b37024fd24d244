// `rescape deploy` end to end, as a user runs it: the built CLI in a child process, reaching the fake API server
// through a real kubeconfig file. --dry-run prints every object and contacts nothing; a deploy applies all of
// social-network and waits for its rollout; deploying again is idempotent; forbidden, conflicting, never-ready
// and misconfigured runs fail with the right exit code and advice; and the kubeconfig's bearer token appears in
// no output of any of these runs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { renderDeploy } from '../../src/cluster/deploy-benchmark.js';
import { KubeClient } from '../../src/cluster/kube-client.js';
import { findKind } from '../helpers/fake-kube-resources.js';
import { FAKE_TOKEN, FakeKubeApi } from '../helpers/fake-kube-api.js';
import { tempDir } from '../cli.js';
import { cliAgainstFake } from '../helpers/fake-kube-fixtures.js';
import { assertMatchesSchema } from '../json-schema.js';

const tmp = tempDir('deploy');
let fake: FakeKubeApi;
let kubeconfig: string;
const DEPLOYMENTS = findKind('apps/v1', 'Deployment')!;
const SN_OPTIONS = {
  benchmark: 'social-network',
  namespace: 'social-network',
  forceConflicts: false,
  wait: true,
  timeoutSeconds: 60,
} as const;
const SOCIAL_NETWORK = renderDeploy(SN_OPTIONS);

/** The CLI with no kubeconfig but the one given; every run's output is checked for the token. */
const cli = cliAgainstFake(tmp.path);
let runs = 0;
async function run(args: string[]) {
  runs += 1;
  return cli(args);
}

before(async () => {
  fake = await FakeKubeApi.start();
  kubeconfig = fake.writeKubeconfig([{ name: 'staging', server: 'http://127.0.0.1:9' }]);
});

after(async () => {
  await fake.close();
  tmp[Symbol.dispose]();
});

test('deploy --dry-run prints every object (JSON, or a YAML stream kubectl apply -f - takes) and contacts nothing', async () => {
  const [json, yaml] = await Promise.all([
    run(['deploy', 'social-network', '--dry-run', '--json']),
    run(['deploy', 'social-network', '--dry-run', '--namespace', 'sn-yaml']),
  ]);
  assert.equal(json.exitCode, 0, json.stderr);
  const record = JSON.parse(json.stdout) as {
    dryRun: true;
    objects: { kind: string; metadata: { name: string } }[];
  };
  assertMatchesSchema('deploy-result', record);
  assert.equal(record.objects.length, SOCIAL_NETWORK.length);
  assert.deepEqual(
    record.objects.map((o) => `${o.kind}/${o.metadata.name}`),
    SOCIAL_NETWORK.map((o) => `${o.kind}/${o.metadata?.name}`),
  );
  assert.equal(record.objects[0]!.kind, 'Namespace');
  for (const name of ['nginx-thrift', 'compose-post-service', 'user-timeline-mongodb', 'jaeger']) {
    assert.ok(
      record.objects.some((o) => o.kind === 'Deployment' && o.metadata.name === name),
      name,
    );
  }
  assert.equal(yaml.exitCode, 0, yaml.stderr);
  const documents = parseAllDocuments(yaml.stdout).map(
    (d) => d.toJSON() as { kind: string; metadata: { namespace?: string; name: string } },
  );
  assert.equal(documents.length, SOCIAL_NETWORK.length);
  assert.ok(documents.filter((d) => d.kind !== 'Namespace').every((d) => d.metadata.namespace === 'sn-yaml'));
  assert.equal(fake.requests.length, 0, 'nothing was contacted (and no kubeconfig was needed)');
});

test('deploy applies everything, waits for the rollout, and deploying again is idempotent', async () => {
  const first = await run([
    'deploy',
    'social-network',
    '--kubeconfig',
    kubeconfig,
    '--json',
    '--timeout',
    '60s',
  ]);
  assert.equal(first.exitCode, 0, first.stderr);
  const record = JSON.parse(first.stdout) as {
    created: number;
    configured: number;
    applied: unknown[];
    workloads: { phase: string }[];
    server: string;
    context: string;
  };
  assertMatchesSchema('deploy-result', record);
  assert.equal(record.applied.length, SOCIAL_NETWORK.length);
  assert.equal(record.created, SOCIAL_NETWORK.length);
  assert.equal(record.context, 'fake');
  assert.equal(record.server, fake.url);
  const deployments = SOCIAL_NETWORK.filter((o) => o.kind === 'Deployment').length;
  assert.equal(record.workloads.length, deployments);
  assert.ok(record.workloads.every((w) => w.phase === 'ready'));
  assert.equal(fake.store.list(DEPLOYMENTS, 'social-network').length, deployments);
  const versions = fake.store
    .list(DEPLOYMENTS, 'social-network')
    .map((d) => (d.metadata as { resourceVersion: string }).resourceVersion);

  const second = await run(['deploy', 'social-network', '--kubeconfig', kubeconfig, '--json']);
  assert.equal(second.exitCode, 0, second.stderr);
  const again = JSON.parse(second.stdout) as { created: number; configured: number };
  assert.equal(again.created, 0);
  assert.equal(again.configured, SOCIAL_NETWORK.length);
  assert.deepEqual(
    fake.store
      .list(DEPLOYMENTS, 'social-network')
      .map((d) => (d.metadata as { resourceVersion: string }).resourceVersion),
    versions,
    'nothing changed',
  );
});

test('deploy failures: forbidden (4), conflict (4), never ready (6), unknown context (2), unreachable (4)', async () => {
  fake.forbid('patch', 'deployments', 'sn-forbidden');
  // sn-conflict: deployed once, then `kubectl scale` takes .spec.replicas of nginx-thrift.
  const client = await KubeClient.connect({ kubeconfig });
  for (const object of renderDeploy({ ...SN_OPTIONS, namespace: 'sn-conflict' }))
    await client.apply(object, false);
  fake.store.apply(
    DEPLOYMENTS,
    'sn-conflict',
    'nginx-thrift',
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx-thrift' }, spec: { replicas: 7 } },
    'kubectl-scale',
    true,
  );
  fake.controllers.setRollout(
    'Deployment',
    'compose-post-service',
    { never: true, podWaiting: { reason: 'ErrImagePull', message: 'manifest unknown' } },
    'sn-stuck',
  );

  const runs = await Promise.all([
    run(['deploy', 'social-network', '--namespace', 'sn-forbidden', '--kubeconfig', kubeconfig, '--json']),
    run(['deploy', 'social-network', '--namespace', 'sn-conflict', '--kubeconfig', kubeconfig, '--json']),
    run([
      'deploy',
      'social-network',
      '--namespace',
      'sn-stuck',
      '--kubeconfig',
      kubeconfig,
      '--timeout',
      '3s',
      '--json',
    ]),
    run(['deploy', 'social-network', '--kubeconfig', kubeconfig, '--context', 'prod', '--json']),
    run(['deploy', 'social-network', '--kubeconfig', kubeconfig, '--context', 'staging', '--json']),
  ]);
  const errors = runs.map((result) => {
    const record = JSON.parse(result.stdout) as {
      error: { message: string; suggestion: string; exitCode: number };
    };
    assertMatchesSchema('error', record);
    assert.equal(result.exitCode, record.error.exitCode);
    return record.error;
  });
  const [forbidden, conflict, stuck, badContext, unreachable] = errors as [
    (typeof errors)[0],
    (typeof errors)[0],
    (typeof errors)[0],
    (typeof errors)[0],
    (typeof errors)[0],
  ];

  assert.equal(forbidden.exitCode, 4);
  assert.match(
    forbidden.message,
    /patch Deployment sn-forbidden\/\S+: forbidden: .*cannot patch resource "deployments" in API group "apps"/,
  );
  assert.match(forbidden.suggestion, /manifests\/rbac\//);

  assert.equal(conflict.exitCode, 4);
  assert.match(
    conflict.message,
    /patch Deployment sn-conflict\/nginx-thrift: Apply failed with 1 conflict: conflict with "kubectl-scale" using apps\/v1: \.spec\.replicas/,
  );
  assert.match(conflict.suggestion, /--force-conflicts/);

  assert.equal(stuck.exitCode, 6);
  assert.match(stuck.message, /timed out after \d+ s waiting for 1 of \d+ workloads/);
  assert.match(stuck.message, /Deployment sn-stuck\/compose-post-service: 0\/1 replicas available/);
  assert.match(stuck.message, /waiting: ErrImagePull \(manifest unknown\)/);

  assert.equal(badContext.exitCode, 2);
  assert.match(badContext.message, /context "prod" is not in/);
  assert.match(badContext.suggestion, /fake, staging/);

  assert.equal(unreachable.exitCode, 4);
  assert.match(
    unreachable.message,
    /^patch Namespace social-network: cannot reach the API server at http:\/\/127\.0\.0\.1:9 \(context "staging"\)/,
  );

  const forced = await run([
    'deploy',
    'social-network',
    '--namespace',
    'sn-conflict',
    '--kubeconfig',
    kubeconfig,
    '--force-conflicts',
    '--no-wait',
  ]);
  assert.equal(forced.exitCode, 0, forced.stderr);
  const rendered = SOCIAL_NETWORK.find(
    (o) => o.kind === 'Deployment' && o.metadata?.name === 'nginx-thrift',
  ) as { spec: { replicas: number } };
  assert.equal(
    (fake.store.get(DEPLOYMENTS, 'sn-conflict', 'nginx-thrift')!.spec as { replicas: number }).replicas,
    rendered.spec.replicas,
  );
  assert.notEqual(rendered.spec.replicas, 7);
});

test('the bearer token from the kubeconfig was sent, and appeared in no output of any run', () => {
  assert.ok(runs >= 9, `${runs} runs, each checked by cliAgainstFake`);
  assert.ok(
    fake.requests.length > 0 && fake.requests.every((r) => r.authorization === `Bearer ${FAKE_TOKEN}`),
  );
});
