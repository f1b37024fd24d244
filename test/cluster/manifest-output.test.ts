// --dry-run output never shows a Secret's values: keys stay, values are replaced, other objects are untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { REDACTED_VALUE, toYamlStream, withoutSecretValues } from '../../src/cluster/manifest-output.js';

const SECRET = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'regcred' },
  type: 'kubernetes.io/dockerconfigjson',
  data: {
    '.dockerconfigjson': Buffer.from('{"auths":{"r.example.com":{"auth":"dXNlcjpodW50ZXIy"}}}').toString(
      'base64',
    ),
  },
  stringData: { password: 'hunter2-very-secret' },
} as KubernetesObject;
const CONFIG = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c' },
  data: { 'nginx.conf': 'worker_processes 4;' },
} as KubernetesObject;

test('Secret values are redacted in the objects and in the YAML stream; other objects are unchanged', () => {
  const [secret, config] = withoutSecretValues([SECRET, CONFIG]) as [
    Record<string, unknown>,
    KubernetesObject,
  ];
  assert.deepEqual(secret.data, { '.dockerconfigjson': REDACTED_VALUE });
  assert.deepEqual(secret.stringData, { password: REDACTED_VALUE });
  assert.equal(config, CONFIG);
  const yaml = toYamlStream([SECRET, CONFIG]);
  assert.ok(
    !yaml.includes('hunter2') &&
      !yaml.includes((SECRET as { data: Record<string, string> }).data['.dockerconfigjson']!),
  );
  const documents = parseAllDocuments(yaml).map((d) => d.toJSON() as { kind: string });
  assert.deepEqual(
    documents.map((d) => d.kind),
    ['Secret', 'ConfigMap'],
  );
  assert.equal(
    (SECRET as { stringData: Record<string, string> }).stringData.password,
    'hunter2-very-secret',
    'the input is not changed',
  );
});
