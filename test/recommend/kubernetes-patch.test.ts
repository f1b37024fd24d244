import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { DataError } from '../../src/core/errors.js';
import {
  deploymentPatch,
  GPU_RESOURCE,
  renderPatches,
  validateDeploymentPatch,
  type DeploymentPatch,
} from '../../src/recommend/kubernetes-patch.js';

const patch = (gpus: number | null = null): DeploymentPatch =>
  deploymentPatch({ deployment: 'compose-post', container: 'app' }, 'social', {
    replicas: 3,
    requestCores: 0.25,
    limitCores: 1.5,
    gpus,
  });

test('a patch is a partial Deployment: replicas and the container’s requests and limits only', () => {
  assert.deepEqual(patch(2), {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'compose-post', namespace: 'social' },
    spec: {
      replicas: 3,
      template: {
        spec: {
          containers: [
            {
              name: 'app',
              resources: { requests: { cpu: '250m' }, limits: { cpu: '1500m', [GPU_RESOURCE]: '2' } },
            },
          ],
        },
      },
    },
  });
  assert.equal('selector' in patch().spec, false, 'the immutable selector is left to the live object');
});

test('valid patches pass the Kubernetes schema check', () => {
  assert.doesNotThrow(() => validateDeploymentPatch(patch()));
  assert.doesNotThrow(() => validateDeploymentPatch(patch(8)));
});

test('broken patches fail the schema check with a DataError naming the field', () => {
  const broken: [string, (p: DeploymentPatch) => void, RegExp][] = [
    ['fractional replicas', (p) => (p.spec.replicas = 1.5), /spec\/replicas must be integer/],
    [
      'a CPU amount that is no quantity',
      (p) => (p.spec.template.spec.containers[0]!.resources.requests.cpu = 'NaNm'),
      /requests\/cpu must match format "quantity"/,
    ],
    [
      'a container without a name',
      (p) => delete (p.spec.template.spec.containers[0] as Partial<{ name: string }>).name,
      /containers\/0 must have required property name/,
    ],
  ];
  for (const [what, breakIt, message] of broken) {
    const candidate = patch();
    breakIt(candidate);
    assert.throws(
      () => validateDeploymentPatch(candidate),
      (error: unknown) => error instanceof DataError && message.test(error.message),
      what,
    );
  }
});

test('YAML renders one Deployment document per patch; JSON a v1 List', () => {
  const patches = [patch(), { ...patch(1), metadata: { name: 'other', namespace: 'social' } }];
  const documents = parseAllDocuments(renderPatches(patches, 'yaml')).map((document) => document.toJS());
  assert.deepEqual(documents, patches);
  for (const document of documents)
    assert.doesNotThrow(() =>
      new Deployment({ ...document, spec: { selector: {}, ...document.spec } }).validate(),
    );
  const list = JSON.parse(renderPatches(patches, 'json'));
  assert.deepEqual(list, { apiVersion: 'v1', kind: 'List', items: patches });
  assert.equal(parseAllDocuments(renderPatches(patches, 'yaml')).length, 2);
  assert.match(renderPatches([patch(1)], 'yaml'), /nvidia\.com\/gpu: "1"/, 'GPU counts stay strings');
});
