import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { KubernetesObject, V1Deployment, V1Job, V1Role, V1RoleBinding } from '@kubernetes/client-node';
import { DataError, UsageError } from '../../src/core/errors.js';
import {
  DEPLOYABLE_BENCHMARKS,
  renderBenchmark,
  renderRbac,
  type DeployableBenchmark,
  type RenderOptions,
} from '../../src/cluster/manifest-set.js';
import { relocateImage } from '../../src/cluster/manifests/image-registry.js';
import { loadManifestDirectory } from '../../src/cluster/manifests/manifest-files.js';
import {
  containersOf,
  isSingleInstance,
  isWorkload,
  nameOf,
  podTemplateOf,
  type Workload,
} from '../../src/cluster/manifests/manifest-objects.js';

const REGISTRY = 'registry.example.com:5000/mirror';

const workloads = (objects: KubernetesObject[]): Workload[] => objects.filter(isWorkload);
const find = (objects: KubernetesObject[], kind: string, name: string): KubernetesObject => {
  const found = objects.find((o) => o.kind === kind && nameOf(o) === name);
  assert.ok(found, `no ${kind} ${name}`);
  return found;
};
const replicasOf = (objects: KubernetesObject[], name: string): number | undefined =>
  (find(objects, 'Deployment', name) as V1Deployment).spec?.replicas;

/** The error `fn` throws, checked to be a UsageError whose message and suggestion match. */
function usageError(fn: () => unknown, message: RegExp, suggestion: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
    assert.match(error.message, message);
    assert.match(error.suggestion ?? '', suggestion);
    return true;
  });
}

describe('renderBenchmark', () => {
  for (const benchmark of DEPLOYABLE_BENCHMARKS) {
    describe(benchmark, () => {
      const objects = renderBenchmark(benchmark, {
        namespace: 'perf-lab',
        registry: REGISTRY,
        defaultReplicas: 3,
      });

      it('puts every object in the namespace, with the rescape labels', () => {
        assert.ok(objects.length > 0);
        for (const object of objects) {
          const where = `${object.kind} ${nameOf(object)}`;
          assert.equal(object.metadata?.namespace, 'perf-lab', where);
          assert.equal(object.metadata?.labels?.['app.kubernetes.io/part-of'], benchmark, where);
          assert.equal(object.metadata?.labels?.['app.kubernetes.io/managed-by'], 'rescape', where);
          assert.equal(object.metadata?.labels?.['app.kubernetes.io/name'], nameOf(object), where);
          assert.ok(object.metadata?.labels?.['app.kubernetes.io/component'], `${where} has no component`);
          assert.ok(!['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(object.kind ?? ''), where);
        }
      });

      it('labels the pods like their workload and selects them by name and benchmark', () => {
        for (const workload of workloads(objects)) {
          const labels = podTemplateOf(workload).metadata?.labels ?? {};
          for (const key of [
            'app.kubernetes.io/name',
            'app.kubernetes.io/component',
            'app.kubernetes.io/part-of',
          ]) {
            assert.equal(
              labels[key],
              workload.metadata?.labels?.[key],
              `${nameOf(workload)} pod label ${key}`,
            );
          }
          if (workload.kind === 'Deployment') {
            assert.deepEqual((workload as V1Deployment).spec?.selector.matchLabels, {
              'app.kubernetes.io/name': nameOf(workload),
              'app.kubernetes.io/part-of': benchmark,
            });
          }
        }
        for (const service of objects.filter((o) => o.kind === 'Service')) {
          const selector = (service as { spec?: { selector?: Record<string, string> } }).spec?.selector ?? {};
          const selected = workloads(objects).filter((w) =>
            Object.entries(selector).every(
              ([key, value]) => podTemplateOf(w).metadata?.labels?.[key] === value,
            ),
          );
          assert.deepEqual(
            selected.map(nameOf),
            [nameOf(service)],
            `Service ${nameOf(service)} selects its pods`,
          );
        }
      });

      it('moves every image, init containers included, to the registry', () => {
        const images = workloads(objects).flatMap((w) => containersOf(w).map((c) => c.image ?? ''));
        assert.ok(images.length > 0);
        for (const image of images) assert.ok(image.startsWith(`${REGISTRY}/`), image);
      });

      it('scales the scalable Deployments to defaultReplicas and leaves stores and Jobs alone', () => {
        const pristine = renderBenchmark(benchmark, { namespace: 'perf-lab' });
        for (const workload of workloads(objects)) {
          const before = workloads(pristine).find((w) => nameOf(w) === nameOf(workload))!;
          const count = (w: Workload) =>
            w.kind === 'Job' ? (w as V1Job).spec?.parallelism : (w as V1Deployment).spec?.replicas;
          const expected = workload.kind === 'Job' || isSingleInstance(workload) ? count(before) : 3;
          assert.equal(count(workload), expected, nameOf(workload));
        }
      });

      it('lists identities first, then config, Services, stores, services and front ends', () => {
        const kinds = objects.map((o) => o.kind);
        assert.equal(kinds[0], 'ServiceAccount');
        const firstWorkload = kinds.findIndex((k) => k === 'Deployment' || k === 'Job');
        assert.ok(kinds.lastIndexOf('ConfigMap') < kinds.indexOf('Service'));
        assert.ok(kinds.lastIndexOf('Service') < firstWorkload);
        const components = workloads(objects).map((w) => w.metadata?.labels?.['app.kubernetes.io/component']);
        const order = ['infrastructure', 'database', 'cache', 'service', 'gateway', 'gpu'];
        const ranks = components.map((c) => order.indexOf(c ?? ''));
        assert.deepEqual(
          ranks,
          [...ranks].sort((a, b) => a - b),
          `workload order: ${components.join(', ')}`,
        );
      });
    });
  }

  it('renders the manifests unchanged without options, and a fresh copy each time', () => {
    const first = renderBenchmark('social-network', { namespace: 'a' });
    const nginx = find(first, 'Deployment', 'nginx-thrift') as V1Deployment;
    assert.equal(nginx.spec?.replicas, 2);
    assert.equal(containersOf(nginx).at(-1)?.image, 'docker.io/yg397/openresty-thrift:xenial');
    nginx.spec!.replicas = 99;
    assert.equal(replicasOf(renderBenchmark('social-network', { namespace: 'a' }), 'nginx-thrift'), 2);
  });

  it('sets named replica counts, over defaultReplicas, and a Job’s pod count', () => {
    const social = renderBenchmark('social-network', {
      namespace: 'a',
      replicas: { 'compose-post-service': 5 },
      defaultReplicas: 2,
    });
    assert.equal(replicasOf(social, 'compose-post-service'), 5);
    assert.equal(replicasOf(social, 'text-service'), 2);
    assert.equal(replicasOf(social, 'post-storage-mongodb'), 1);
    const hpc = renderBenchmark('hpc-ai500', { namespace: 'a', replicas: { 'cosmoflow-trainer': 2 } });
    const job = find(hpc, 'Job', 'cosmoflow-trainer') as V1Job;
    assert.equal(job.spec?.parallelism, 2);
    assert.equal(job.spec?.completions, 2);
    assert.equal((find(hpc, 'Job', 'extreme-weather-trainer') as V1Job).spec?.parallelism, 6);
  });

  it('refuses an unknown benchmark, naming the deployable ones', () => {
    usageError(
      () => renderBenchmark('social-netwrok' as DeployableBenchmark, { namespace: 'a' }),
      /unknown benchmark "social-netwrok"/,
      /social-network, hotel-reservation, media-microservices, hpc-ai500/,
    );
    usageError(
      () => renderBenchmark('ecommerce' as DeployableBenchmark, { namespace: 'a' }),
      /only in the simulated cluster/,
      /rescape profile --benchmark ecommerce/,
    );
  });

  const badOptions: Array<[string, RenderOptions, RegExp, RegExp]> = [
    ['uppercase namespace', { namespace: 'Perf_Lab' }, /--namespace "Perf_Lab"/, /--namespace perf-lab/],
    ['empty namespace', { namespace: '' }, /not a valid Kubernetes namespace/, /--namespace rescape/],
    ['namespace too long', { namespace: 'a'.repeat(64) }, /not a valid/, /at most 63/],
    [
      'registry with a scheme',
      { namespace: 'a', registry: 'https://reg.io/x' },
      /--registry/,
      /--registry reg\.io\/x/,
    ],
    [
      'registry with a tag',
      { namespace: 'a', registry: 'reg.io/x:1' },
      /not an image registry prefix/,
      /e\.g\./,
    ],
    [
      'unknown service',
      { namespace: 'a', replicas: { 'compose-post': 2 } },
      /has no service "compose-post"/,
      /compose-post-service/,
    ],
    [
      'a database',
      { namespace: 'a', replicas: { 'user-mongodb': 2 } },
      /user-mongodb keeps its data in its one pod/,
      /Scale the services/,
    ],
    [
      'zero replicas',
      { namespace: 'a', replicas: { 'text-service': 0 } },
      /text-service=0/,
      /positive integer/,
    ],
    [
      'fractional default',
      { namespace: 'a', defaultReplicas: 1.5 },
      /--default-replicas 1.5/,
      /positive integer/,
    ],
  ];
  for (const [what, options, message, suggestion] of badOptions) {
    it(`refuses ${what} with a suggestion`, () => {
      usageError(() => renderBenchmark('social-network', options), message, suggestion);
    });
  }
});

describe('renderRbac', () => {
  const objects = renderRbac({ namespace: 'perf-lab' });

  it('is a ServiceAccount, one namespaced Role and its RoleBinding to that account', () => {
    assert.deepEqual(
      objects.map((o) => `${o.kind}/${nameOf(o)}`),
      ['ServiceAccount/rescape', 'Role/rescape', 'RoleBinding/rescape'],
    );
    for (const object of objects) assert.equal(object.metadata?.namespace, 'perf-lab');
    const binding = objects[2] as V1RoleBinding;
    assert.deepEqual(binding.roleRef, {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'rescape',
    });
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'rescape', namespace: 'perf-lab' }]);
  });

  it('grants only what rescape does: no wildcard, no secrets, no RBAC, no escalation', () => {
    const rules = (objects[1] as V1Role).rules ?? [];
    const grants = new Set(
      rules.flatMap((rule) =>
        (rule.apiGroups ?? []).flatMap((group) =>
          (rule.resources ?? []).flatMap((resource) =>
            rule.verbs.map((verb) => `${group}/${resource}:${verb}`),
          ),
        ),
      ),
    );
    for (const grant of grants) {
      assert.doesNotMatch(
        grant,
        /\*|secrets|roles|rolebindings|:(escalate|bind|impersonate|deletecollection)$/,
      );
    }
    for (const needed of [
      '/configmaps:patch',
      '/services:create',
      'apps/deployments:patch',
      'apps/deployments:watch',
      'batch/jobs:create',
      'batch/jobs:delete',
      '/pods:watch',
      '/pods/log:get',
      '/pods/portforward:create',
      'networking.k8s.io/ingresses:list',
    ]) {
      assert.ok(grants.has(needed), `missing ${needed}`);
    }
    assert.ok(
      !grants.has('/pods:delete') && !grants.has('/pods:create'),
      'pods are the controllers’ business',
    );
  });

  it('refuses a bad namespace', () => {
    usageError(() => renderRbac({ namespace: 'no.dots' }), /"no\.dots"/, /--namespace no-dots/);
  });
});

describe('relocateImage', () => {
  const cases: Array<[string, string]> = [
    ['docker.io/library/mongo:4.4.6', `${REGISTRY}/library/mongo:4.4.6`],
    ['nvcr.io/nvidia/pytorch:24.05-py3', `${REGISTRY}/nvidia/pytorch:24.05-py3`],
    ['mongo:4.4.6', `${REGISTRY}/library/mongo:4.4.6`],
    ['yg397/openresty-thrift:xenial', `${REGISTRY}/yg397/openresty-thrift:xenial`],
    ['localhost:5000/app@sha256:abc', `${REGISTRY}/app@sha256:abc`],
  ];
  for (const [image, expected] of cases) {
    it(`${image} → ${expected}`, () => assert.equal(relocateImage(image, REGISTRY), expected));
  }
});

describe('loadManifestDirectory', () => {
  const withFile = (text: string, check: (directory: string) => void): void => {
    const directory = mkdtempSync(join(tmpdir(), 'rescape-manifests-'));
    try {
      writeFileSync(join(directory, 'broken.yaml'), text);
      check(directory);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  };

  it('names the file and line of invalid YAML', () => {
    withFile('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n', (directory) => {
      assert.throws(
        () => loadManifestDirectory(directory),
        (error: unknown) =>
          error instanceof DataError &&
          error.file === join(directory, 'broken.yaml') &&
          error.line !== undefined,
      );
    });
  });

  it('names the missing field of a document that is not a Kubernetes object', () => {
    withFile(
      '# first\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: Service\n',
      (directory) => {
        assert.throws(
          () => loadManifestDirectory(directory),
          (error: unknown) => error instanceof DataError && error.field === 'apiVersion' && error.line === 6,
        );
      },
    );
  });
});
