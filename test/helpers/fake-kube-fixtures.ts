// Shared set-up for tests against the fake API server: a started server, a KubeClient reaching it through a
// real kubeconfig file (short retry backoff), and small manifests.
import type { KubernetesObject } from '@kubernetes/client-node';
import { KubeClient } from '../../src/cluster/kube-client.js';
import { loadKubeconfig } from '../../src/cluster/kubeconfig.js';
import assert from 'node:assert/strict';
import { rescape } from '../cli.js';
import { FAKE_TOKEN, FakeKubeApi } from './fake-kube-api.js';

export interface FakeCluster {
  fake: FakeKubeApi;
  client: KubeClient;
  kubeconfig: string;
  [Symbol.asyncDispose]: () => Promise<void>;
}

/** A fake API server with the namespace `namespace` already created, and a client for it. */
export async function startFakeCluster(namespace = 'bench'): Promise<FakeCluster> {
  const fake = await FakeKubeApi.start();
  const kubeconfig = fake.writeKubeconfig();
  const client = await KubeClient.create(loadKubeconfig({ kubeconfig }), { retries: 2, retryMinDelayMs: 5 });
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, false);
  return { fake, client, kubeconfig, [Symbol.asyncDispose]: () => fake.close() };
}

export function deployment(name: string, namespace = 'bench', replicas = 1): KubernetesObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name, image: `docker.io/example/${name}:1.0`, ports: [{ name: 'http', containerPort: 8080 }] },
          ],
        },
      },
    },
  } as KubernetesObject;
}

export function statefulSet(name: string, namespace = 'bench', replicas = 1): KubernetesObject {
  const object = deployment(name, namespace, replicas) as KubernetesObject & {
    spec: Record<string, unknown>;
  };
  return { ...object, kind: 'StatefulSet', spec: { ...object.spec, serviceName: name } } as KubernetesObject;
}

export function job(name: string, namespace = 'bench'): KubernetesObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace },
    spec: {
      backoffLimit: 0,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'main', image: 'docker.io/library/busybox:1.37' }],
        },
      },
    },
  } as KubernetesObject;
}

export function service(
  name: string,
  namespace = 'bench',
  extra: Record<string, unknown> = {},
): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 8080, targetPort: 'http' }], ...extra },
  } as KubernetesObject;
}

/** A signal that never aborts, for core calls that take one. */
export const NEVER = new AbortController().signal;

/**
 * The built CLI as a user runs it, knowing no cluster but what its arguments name (HOME is `home`, KUBECONFIG
 * unset, not in a pod); every run is checked: the fake API server's bearer token is in neither stdout nor stderr.
 */
export function cliAgainstFake(home: string) {
  return async (args: string[]) => {
    const result = await rescape(args, { env: { HOME: home, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' } });
    assert.ok(
      !result.stdout.includes(FAKE_TOKEN) && !result.stderr.includes(FAKE_TOKEN),
      'the token was printed',
    );
    return result;
  };
}
