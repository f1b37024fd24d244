// Kaniko builds against the fake API server: the previous build Job is replaced, the Jobs are watched until they
// finish, the digest is read back, and a failed build's error carries the executor's log tail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterError } from '../../src/core/errors.js';
import { runBuilds } from '../../src/cluster/kaniko-build.js';
import {
  DEFAULT_KANIKO_IMAGE,
  kanikoJob,
  type ImageBuild,
  type KanikoSettings,
} from '../../src/cluster/kaniko-job.js';
import { FAKE_TOKEN } from '../helpers/fake-kube-api.js';
import { findKind } from '../helpers/fake-kube-resources.js';
import { NEVER, startFakeCluster } from '../helpers/fake-kube-fixtures.js';

const JOBS = findKind('batch/v1', 'Job')!;
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const SETTINGS: KanikoSettings = {
  namespace: 'bench',
  kanikoImage: DEFAULT_KANIKO_IMAGE,
  registrySecret: 'regcred',
  cache: true,
  deadlineSeconds: 600,
};
const build = (name: string): ImageBuild => ({
  name,
  context: 'git://github.com/delimitrou/DeathStarBench.git',
  dockerfile: 'Dockerfile',
  destination: `registry.example.com/rescape/${name}:0.1`,
});

test('builds replace the previous Job of the same image, finish, and report their digests', async () => {
  await using cluster = await startFakeCluster();
  // A finished build of "web" from an earlier run is still there.
  await cluster.client.apply(kanikoJob(build('web'), SETTINGS), true);
  cluster.fake.controllers.setJob(undefined, { succeedAfterMs: 100, terminationMessage: DIGEST });
  const outcome = await runBuilds(
    cluster.client,
    { builds: [build('web'), build('api')], settings: SETTINGS, wait: true, timeoutSeconds: 10 },
    { signal: NEVER, watch: { reconnectDelayMs: 20 } },
  );
  assert.deepEqual(outcome.images, [
    {
      name: 'web',
      job: 'rescape-build-web',
      destination: 'registry.example.com/rescape/web:0.1',
      status: 'succeeded',
      digest: DIGEST,
    },
    {
      name: 'api',
      job: 'rescape-build-api',
      destination: 'registry.example.com/rescape/api:0.1',
      status: 'succeeded',
      digest: DIGEST,
    },
  ]);
  const verbs = cluster.fake.requests
    .filter((r) => r.resource === 'jobs' && (r.verb === 'delete' || r.verb === 'patch'))
    .map((r) => `${r.verb} ${r.path.split('/').at(-1)}`);
  assert.deepEqual(verbs.slice(-4), [
    'delete rescape-build-web',
    'delete rescape-build-api',
    'patch rescape-build-web',
    'patch rescape-build-api',
  ]);
  assert.equal(cluster.fake.store.list(JOBS, 'bench').length, 2);
});

test('a failed build is a ClusterError with the executor log tail, and no credential in it', async () => {
  await using cluster = await startFakeCluster();
  const log = [
    'INFO[0000] Retrieving image manifest docker.io/library/golang:1.22',
    'INFO[0012] Executing 0 build triggers',
    'INFO[0040] RUN make all',
    `error building image: error pushing: POST https://registry.example.com/v2/: UNAUTHORIZED (Authorization: Bearer ${FAKE_TOKEN})`,
  ].join('\n');
  cluster.fake.controllers.setJob('rescape-build-web', { failAfterMs: 100, log });
  cluster.fake.controllers.setJob('rescape-build-api', { never: true });
  const error = await runBuilds(
    cluster.client,
    { builds: [build('web'), build('api')], settings: SETTINGS, wait: true, timeoutSeconds: 10 },
    { signal: NEVER, watch: { reconnectDelayMs: 20 } },
  ).catch((e: unknown) => e);
  assert.ok(error instanceof ClusterError, String(error));
  assert.match(error.message, /^Job bench\/rescape-build-web failed: BackoffLimitExceeded/);
  assert.match(
    error.message,
    /last 30 log lines of pod rescape-build-web-x7k2p:\n {4}INFO\[0000\] Retrieving image manifest/,
  );
  assert.match(error.message, /UNAUTHORIZED \(Authorization: \[redacted\]\)/);
  assert.ok(!error.message.includes(FAKE_TOKEN));
  assert.match(error.suggestion ?? '', /kubectl -n bench describe job\/rescape-build-web/);
});

test('--no-wait submits the Jobs and returns', async () => {
  await using cluster = await startFakeCluster();
  cluster.fake.controllers.setJob(undefined, { never: true });
  const outcome = await runBuilds(
    cluster.client,
    { builds: [build('web')], settings: SETTINGS, wait: false, timeoutSeconds: 10 },
    { signal: NEVER },
  );
  assert.deepEqual(
    outcome.images.map((i) => i.status),
    ['submitted'],
  );
});
