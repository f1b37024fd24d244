// Every rendered object against the Kubernetes API schema (kubernetes-models' validators), plus the fields the
// schema cannot check: no field the API would drop, requests and limits on every container, pinned images,
// references that resolve, and no secret material.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject, V1Container, V1PodSpec, V1Service } from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { quantityToScalar } from '@kubernetes/client-node/dist/util.js';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Service, ServiceAccount } from 'kubernetes-models/v1';
import { DEPLOYABLE_BENCHMARKS, renderBenchmark, renderRbac } from '../../src/cluster/manifest-set.js';
import { isFullyQualified } from '../../src/cluster/manifests/image-registry.js';
import {
  containersOf,
  isWorkload,
  nameOf,
  podTemplateOf,
  type Workload,
} from '../../src/cluster/manifests/manifest-objects.js';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

/** The kubernetes-models class for each apiVersion/kind the manifests use; any other is a test failure. */
const MODELS: Record<string, ModelClass> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/Job': Job,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
};

/** DeathStarBench publishes its application images as :latest only (its compose files and charts use that tag). */
const UNPINNED_UPSTREAM = [
  'deathstarbench/social-network-microservices:latest',
  'deathstarbench/hotel-reservation:latest',
  'yg397/media-microservices:latest',
];

/** The object after a trip through the client library's typed model, which drops fields the API does not know. */
function throughModel(object: unknown, kind: string): unknown {
  const type = `V1${kind}`;
  return ObjectSerializer.serialize(ObjectSerializer.deserialize(object, type, ''), type, '');
}

/** Paths whose value the client library's model drops: fields the Kubernetes API does not know. */
function unknownFields(original: unknown, roundTrip: unknown, path = ''): string[] {
  if (typeof original !== 'object' || original === null) return [];
  if (Array.isArray(original)) {
    return original.flatMap((item, i) =>
      unknownFields(item, (roundTrip as unknown[] | undefined)?.[i], `${path}[${i}]`),
    );
  }
  const copy = (roundTrip ?? {}) as Record<string, unknown>;
  return Object.entries(original).flatMap(([key, value]) =>
    key in copy ? unknownFields(value, copy[key], `${path}.${key}`) : [`${path}.${key}`],
  );
}

const quantity = (value: string | number | undefined): number => Number(quantityToScalar(String(value ?? 0)));

describe('the schema checks', () => {
  it('reject a wrongly typed field and find a misspelt one', () => {
    const [deployment] = renderBenchmark('hotel-reservation', { namespace: 'a' }).filter(isWorkload);
    const broken = structuredClone(deployment!) as Workload & { spec: { replica?: number } };
    podTemplateOf(broken).spec!.containers[0]!.ports = [{ containerPort: '80' as unknown as number }];
    assert.throws(() => new Deployment(broken as never).validate(), /containerPort must be integer/);
    broken.spec.replica = 2;
    assert.deepEqual(unknownFields(broken, throughModel(broken, 'Deployment')), ['.spec.replica']);
  });
});

const renderings: Array<[string, KubernetesObject[]]> = [
  ...DEPLOYABLE_BENCHMARKS.map((benchmark): [string, KubernetesObject[]] => [
    benchmark,
    renderBenchmark(benchmark, {
      namespace: 'schema-check',
      registry: 'registry.example.com:5000/mirror',
      defaultReplicas: 2,
    }),
  ]),
  ['rbac', renderRbac({ namespace: 'schema-check' })],
];

for (const [what, objects] of renderings) {
  describe(`${what} manifests`, () => {
    it('validate against the Kubernetes API schema', () => {
      for (const object of objects) {
        const key = `${object.apiVersion}/${object.kind}`;
        const Model = MODELS[key];
        assert.ok(Model, `no schema model for ${key} (${nameOf(object)})`);
        assert.doesNotThrow(() => new Model(object as never).validate(), `${key} ${nameOf(object)}`);
      }
    });

    it('use no field the API does not know', () => {
      for (const object of objects) {
        const roundTrip = throughModel(object, object.kind ?? '');
        assert.deepEqual(unknownFields(object, roundTrip), [], `${object.kind} ${nameOf(object)}`);
      }
    });

    it('hold no Secret and no secret value', () => {
      for (const object of objects) {
        assert.notEqual(object.kind, 'Secret');
        for (const container of isWorkload(object) ? containersOf(object) : []) {
          for (const variable of container.env ?? []) {
            assert.doesNotMatch(variable.name, /password|token|api_?key|credential/i, nameOf(object));
          }
        }
      }
    });
  });

  const workloads = objects.filter(isWorkload);
  if (workloads.length === 0) continue;

  describe(`${what} workloads`, () => {
    const eachContainer = (check: (container: V1Container, where: string) => void): void => {
      for (const workload of workloads) {
        for (const container of containersOf(workload))
          check(container, `${nameOf(workload)}/${container.name}`);
      }
    };

    it('request and limit CPU and memory in every container, limits at least the requests', () => {
      eachContainer(({ resources }, where) => {
        for (const resource of ['cpu', 'memory']) {
          const request = resources?.requests?.[resource];
          const limit = resources?.limits?.[resource];
          assert.ok(request !== undefined && limit !== undefined, `${where}: ${resource} request and limit`);
          assert.ok(
            quantity(limit) >= quantity(request),
            `${where}: ${resource} limit ${limit} < ${request}`,
          );
        }
        const gpuRequest = resources?.requests?.['nvidia.com/gpu'];
        assert.equal(gpuRequest, resources?.limits?.['nvidia.com/gpu'], `${where}: GPU request = limit`);
      });
    });

    it('pull fully qualified images with a pinned tag (DeathStarBench’s own :latest apart)', () => {
      eachContainer(({ image = '' }, where) => {
        assert.ok(isFullyQualified(image), `${where}: ${image} names no registry`);
        const reference = image.replace('registry.example.com:5000/mirror/', '');
        if (UNPINNED_UPSTREAM.includes(reference)) return;
        assert.match(reference, /:[\w.-]+$/, `${where}: ${image} has no tag`);
        assert.doesNotMatch(reference, /:latest$/, `${where}: ${image} is not pinned`);
      });
    });

    it('mount ConfigMaps, use ServiceAccounts and target ports that exist', () => {
      const names = (kind: string) => new Set(objects.filter((o) => o.kind === kind).map(nameOf));
      const configMaps = names('ConfigMap');
      const accounts = names('ServiceAccount');
      for (const workload of workloads) {
        const spec = podTemplateOf(workload).spec as V1PodSpec;
        assert.ok(accounts.has(spec.serviceAccountName ?? ''), `${nameOf(workload)} service account`);
        assert.equal(spec.automountServiceAccountToken, false, `${nameOf(workload)} mounts an API token`);
        for (const volume of spec.volumes ?? []) {
          if (volume.configMap) assert.ok(configMaps.has(volume.configMap.name ?? ''), volume.configMap.name);
        }
        const volumes = new Set((spec.volumes ?? []).map((v) => v.name));
        for (const container of containersOf(workload)) {
          for (const mount of container.volumeMounts ?? []) assert.ok(volumes.has(mount.name), mount.name);
        }
      }
      for (const service of objects.filter((o) => o.kind === 'Service') as V1Service[]) {
        const target = workloads.find((w: Workload) => nameOf(w) === nameOf(service));
        assert.ok(target, `Service ${nameOf(service)} has no workload of its name`);
        const ports = new Set(containersOf(target).flatMap((c) => (c.ports ?? []).map((p) => p.name)));
        for (const port of service.spec?.ports ?? []) {
          assert.ok(ports.has(String(port.targetPort)), `${nameOf(service)} targets port ${port.targetPort}`);
        }
      }
    });
  });
}
