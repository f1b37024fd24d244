// The serve manifests: each valid against the Kubernetes API schema (kubernetes-models), consistent with each
// other (selectors, ports, volumes, the kustomization's list) and with the serve command (its flags), and
// holding no credential inline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { parseAllDocuments } from 'yaml';
import Serve from '../../src/commands/serve.js';
import { repoRoot } from '../cli.js';

const dir = join(repoRoot, 'manifests', 'serve');
const MODELS = {
  Deployment,
  Service,
  ServiceAccount,
  PersistentVolumeClaim,
} as const;

function load(file: string): any[] {
  return parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => doc.toJS());
}

const objects = readdirSync(dir)
  .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
  .flatMap((file) => load(file).map((object) => ({ file, object })));

function only(kind: string): any {
  const found = objects.filter(({ object }) => object.kind === kind);
  assert.equal(found.length, 1, `one ${kind}`);
  return found[0]!.object;
}

test('every serve manifest is valid against the Kubernetes API schema', () => {
  assert.deepEqual(objects.map(({ object }) => object.kind).sort(), Object.keys(MODELS).sort());
  for (const { file, object } of objects) {
    const Model = MODELS[object.kind as keyof typeof MODELS];
    assert.ok(Model !== undefined, `${file}: unexpected kind ${object.kind}`);
    assert.doesNotThrow(() => new Model(object).validate(), file);
  }
  const [kustomization] = load('kustomization.yaml');
  assert.deepEqual(
    [...kustomization.resources].sort(),
    [...new Set(objects.map(({ file }) => file))].sort(),
    'the kustomization lists every manifest',
  );
});

test('the Deployment runs `rescape serve` with its real flags, on the port the Service targets', () => {
  const deployment = only('Deployment');
  const service = only('Service');
  const pod = deployment.spec.template;
  assert.deepEqual(deployment.spec.selector.matchLabels, { 'app.kubernetes.io/name': 'rescape-serve' });
  for (const [key, value] of Object.entries(deployment.spec.selector.matchLabels))
    assert.equal(pod.metadata.labels[key], value);
  for (const [key, value] of Object.entries(service.spec.selector))
    assert.equal(pod.metadata.labels[key], value);
  assert.equal(pod.spec.serviceAccountName, only('ServiceAccount').metadata.name);

  const [container] = pod.spec.containers;
  const args: string[] = container.args;
  assert.equal(args[0], 'serve');
  const flags = args.filter((arg) => arg.startsWith('--')).map((arg) => arg.slice(2));
  for (const flag of flags) assert.ok(flag in Serve.flags, `--${flag} is a serve flag`);
  const valueOf = (flag: string) => args[args.indexOf(`--${flag}`) + 1];
  assert.equal(valueOf('host'), '0.0.0.0', 'reachable from outside the pod');
  const port = Number(valueOf('port'));
  const containerPort = container.ports.find((p: any) => p.name === 'http');
  assert.equal(containerPort.containerPort, port);
  assert.equal(service.spec.ports[0].targetPort, 'http');
  assert.equal(pod.metadata.annotations['prometheus.io/port'], String(port));
  assert.equal(container.readinessProbe.httpGet.path, '/healthz');

  const mounts = container.volumeMounts.map((mount: any) => mount.name).sort();
  assert.deepEqual(mounts, pod.spec.volumes.map((volume: any) => volume.name).sort());
  const models = pod.spec.volumes.find((volume: any) => volume.persistentVolumeClaim !== undefined);
  assert.equal(models.persistentVolumeClaim.claimName, only('PersistentVolumeClaim').metadata.name);
  const modelMount = container.volumeMounts.find((mount: any) => mount.name === models.name);
  assert.ok(args[1]!.startsWith(`${modelMount.mountPath}/`), 'the model directory is on the models volume');
});

test('no credential is written inline: the Prometheus token comes from a Secret reference', () => {
  const container = only('Deployment').spec.template.spec.containers[0];
  const token = container.env.find((env: any) => env.name === 'RESCAPE_PROMETHEUS_TOKEN');
  assert.equal(token.value, undefined);
  assert.equal(token.valueFrom.secretKeyRef.optional, true, 'a Prometheus without auth needs no Secret');
  for (const env of container.env) {
    if (/TOKEN|PASSWORD|SECRET|KEY/i.test(env.name)) assert.equal(env.value, undefined, env.name);
  }
  const text = readdirSync(dir)
    .map((file) => readFileSync(join(dir, file), 'utf8'))
    .join('\n');
  assert.doesNotMatch(text, /^\s*(token|password):\s*\S/im);
  assert.ok(!container.args.some((arg: string) => /@|token/i.test(arg)), 'no credential in the arguments');
  assert.equal(only('ServiceAccount').automountServiceAccountToken, false);
});
