// The training Job as rendered (GPUs, node selection, tolerations, the trainer account, non-root, schema-valid),
// the trainer's least-privilege Role, and the typed errors of a training that cannot run, from scripted pod and
// Job states on the fake API server: unschedulable (no GPU node), image pull failure, OOMKilled, deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Role } from '@kubernetes/client-node';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ClusterError, TimeoutError } from '../../src/core/errors.js';
import { trainingJob, trainerRbac, type TrainingJobSettings } from '../../src/cluster/training-job.js';
import { trainOnCluster, type ClusterTraining } from '../../src/cluster/training-run.js';
import { FAKE_TOKEN } from '../helpers/fake-kube-api.js';
import { NEVER, startFakeCluster } from '../helpers/fake-kube-fixtures.js';
import { FakeKubelet, type TrainingPodPlan } from '../helpers/fake-kube-pods.js';
import { findKind } from '../helpers/fake-kube-resources.js';
import { tempDir } from '../cli.js';

const SETTINGS: TrainingJobSettings = {
  job: 'rescape-train-gat-gru',
  namespace: 'ml',
  image: 'registry.example.com/rescape/rescape:0.1',
  trainArgs: ['--model', 'gat-gru', '--epochs', '50'],
  runChunks: 2,
  gpus: 1,
  cpu: '4',
  memory: '8Gi',
  nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' },
  deadlineSeconds: 3600,
  ttlSecondsAfterFinished: 3600,
  storage: { kind: 'emptyDir', size: '5Gi' },
};

test('the Job asks for the GPUs on the selected nodes, tolerates their taint, runs as the trainer, non-root', () => {
  const job = trainingJob(SETTINGS);
  new Job(JSON.parse(JSON.stringify(job))).validate();
  const spec = job.spec!.template.spec!;
  const container = spec.containers[0]!;
  assert.equal(job.spec!.backoffLimit, 0);
  assert.equal(job.spec!.activeDeadlineSeconds, 3600);
  assert.deepEqual(container.resources, {
    requests: { cpu: '4', memory: '8Gi' },
    limits: { memory: '8Gi', 'nvidia.com/gpu': '1' },
  });
  assert.deepEqual(spec.nodeSelector, { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' });
  assert.deepEqual(spec.tolerations, [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  assert.equal(spec.serviceAccountName, 'rescape-trainer');
  assert.equal(spec.securityContext?.runAsNonRoot, true);
  assert.equal(container.securityContext?.readOnlyRootFilesystem, true);
  assert.deepEqual(container.securityContext?.capabilities?.drop, ['ALL']);
  assert.deepEqual(
    spec.volumes![0]!.projected!.sources!.map((s) => s.configMap!.name),
    ['rescape-train-gat-gru-run-000', 'rescape-train-gat-gru-run-001'],
  );
  assert.deepEqual(container.args!.slice(-4), ['--model', 'gat-gru', '--epochs', '50']);
  // Without GPUs: no GPU limit, no toleration.
  const cpuOnly = trainingJob({ ...SETTINGS, gpus: 0, nodeSelector: {} }).spec!.template.spec!;
  assert.equal(cpuOnly.tolerations, undefined);
  assert.equal(cpuOnly.nodeSelector, undefined);
  assert.deepEqual(cpuOnly.containers[0]!.resources!.limits, { memory: '8Gi' });
});

test('the trainer may create ConfigMaps and nothing else', () => {
  const objects = trainerRbac('ml');
  assert.deepEqual(
    objects.map((o) => `${o.kind}/${o.metadata?.name}/${o.metadata?.namespace}`),
    ['ServiceAccount/rescape-trainer/ml', 'Role/rescape-trainer/ml', 'RoleBinding/rescape-trainer/ml'],
  );
  assert.deepEqual((objects[1] as V1Role).rules, [
    { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'patch'] },
  ]);
});

const FAILURES: [string, TrainingPodPlan, (e: unknown) => boolean][] = [
  [
    'no GPU node',
    {
      unschedulable:
        '0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available.',
    },
    (e) =>
      e instanceof ClusterError &&
      /cannot be scheduled: 0\/3 nodes are available: 3 Insufficient nvidia\.com\/gpu/.test(e.message) &&
      /train without --gpu/.test(e.suggestion ?? ''),
  ],
  [
    'an image that cannot be pulled',
    {
      waiting: {
        reason: 'ImagePullBackOff',
        message: 'Back-off pulling image "registry.example.com/rescape/rescape:0.1"',
      },
    },
    (e) =>
      e instanceof ClusterError &&
      /cannot pull image registry\.example\.com\/rescape\/rescape:0\.1: ImagePullBackOff/.test(e.message) &&
      /rescape build/.test(e.suggestion ?? '') &&
      /--image-pull-secret/.test(e.suggestion ?? ''),
  ],
  [
    'OOMKilled',
    { oomKilled: true },
    (e) =>
      e instanceof ClusterError &&
      /more than its memory limit \(--memory 8Gi\): OOMKilled/.test(e.message) &&
      /--memory 16Gi/.test(e.suggestion ?? ''),
  ],
  [
    'the deadline',
    { deadlineExceeded: true },
    (e) =>
      e instanceof TimeoutError &&
      /ran past its deadline of 3600 s/.test(e.message) &&
      /--timeout/.test(e.suggestion ?? ''),
  ],
];

for (const [what, plan, check] of FAILURES) {
  test(`a training that cannot run: ${what} is a typed error, and the Job is not left queued`, async () => {
    await using cluster = await startFakeCluster('ml');
    using tmp = tempDir('train-job');
    const run = join(tmp.path, 'run');
    mkdirSync(run);
    writeFileSync(join(run, 'run.json'), '{"format":"rescape.run/v1"}');
    const kubelet = new FakeKubelet(cluster.fake, cluster.kubeconfig, plan);
    const training: ClusterTraining = {
      settings: { ...SETTINGS, namespace: 'ml' },
      runDirs: [run],
      out: join(tmp.path, 'model'),
      keep: false,
      waitSeconds: 20,
      unschedulableGraceSeconds: 0,
    };
    try {
      const error = await trainOnCluster(cluster.client, training, {
        signal: NEVER,
        watch: { reconnectDelayMs: 20 },
      }).catch((e: unknown) => e);
      assert.ok(check(error), String(error));
      assert.ok(!String((error as Error).message).includes(FAKE_TOKEN));
      const jobs = cluster.fake.store.list(findKind('batch/v1', 'Job')!, 'ml');
      const active = jobs.filter((j) => (j.status as { failed?: number } | undefined)?.failed === undefined);
      assert.equal(active.length, 0, 'a Job that can never run is deleted');
    } finally {
      await kubelet.close();
    }
  });
}
