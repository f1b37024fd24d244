// Finding and loading the kubeconfig: --kubeconfig, KUBECONFIG (merged, first wins), ~/.kube/config, in-cluster,
// and the usage errors when there is none or the context does not exist (listing the ones there are).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { DataError, UsageError } from '../../src/core/errors.js';
import { loadKubeconfig, type KubeconfigEnvironment } from '../../src/cluster/kubeconfig.js';
import { tempDir } from '../cli.js';

const tmp = tempDir('kubeconfig');
after(() => tmp[Symbol.dispose]());

function kubeconfig(file: string, contexts: string[], current?: string): string {
  const path = join(tmp.path, file);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      ...(current === undefined ? {} : { 'current-context': current }),
      clusters: contexts.map((name) => ({ name, cluster: { server: `https://${name}.example.com:6443` } })),
      users: contexts.map((name) => ({ name, user: { token: `token-of-${name}-0123456789` } })),
      contexts: contexts.map((name) => ({
        name,
        context: { cluster: name, user: name, namespace: `${name}-ns` },
      })),
    }),
  );
  return path;
}

const one = kubeconfig('one/config', ['alpha', 'beta'], 'alpha');
const two = kubeconfig('two/config', ['beta', 'gamma'], 'gamma');
const home = join(tmp.path, 'home');
kubeconfig('home/.kube/config', ['homely'], 'homely');
const emptyHome = join(tmp.path, 'empty-home');
mkdirSync(emptyHome);
const saRoot = join(tmp.path, 'sa');
mkdirSync(join(saRoot, 'var/run/secrets/kubernetes.io/serviceaccount'), { recursive: true });
writeFileSync(join(saRoot, 'var/run/secrets/kubernetes.io/serviceaccount/token'), 'in-cluster-token');
writeFileSync(join(saRoot, 'var/run/secrets/kubernetes.io/serviceaccount/namespace'), 'ci');

const env = (vars: NodeJS.ProcessEnv, homeDir = emptyHome): KubeconfigEnvironment => ({
  env: vars,
  homeDir,
  serviceAccountPrefix: saRoot,
});

test('--kubeconfig wins over KUBECONFIG and ~/.kube/config, and --context picks a context', () => {
  const loaded = loadKubeconfig({ kubeconfig: one, context: 'beta' }, env({ KUBECONFIG: two }, home));
  assert.equal(loaded.context, 'beta');
  assert.equal(loaded.server, 'https://beta.example.com:6443');
  assert.equal(loaded.namespace, 'beta-ns');
  assert.equal(loaded.source, one);
});

test('KUBECONFIG files are merged, the first file to define a name or a current-context wins', () => {
  const loaded = loadKubeconfig(
    {},
    env({ KUBECONFIG: [join(tmp.path, 'missing'), one, two].join(':') }, home),
  );
  assert.equal(loaded.context, 'alpha', "the first file's current-context");
  assert.deepEqual(
    loaded.kubeConfig.getContexts().map((c) => c.name),
    ['alpha', 'beta', 'gamma'],
  );
  assert.equal(
    loadKubeconfig({ context: 'gamma' }, env({ KUBECONFIG: `${one}:${two}` })).server,
    'https://gamma.example.com:6443',
  );
});

test('~/.kube/config when nothing else is given', () => {
  assert.equal(loadKubeconfig({}, env({}, home)).context, 'homely');
});

test('in a pod (KUBERNETES_SERVICE_HOST and a ServiceAccount token), the in-cluster configuration', () => {
  const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
  process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
  process.env.KUBERNETES_SERVICE_PORT = '443';
  try {
    const loaded = loadKubeconfig({}, env(process.env));
    assert.equal(loaded.source, 'in-cluster ServiceAccount');
    assert.equal(loaded.server, 'https://10.96.0.1:443');
  } finally {
    for (const [name, value] of [
      ['KUBERNETES_SERVICE_HOST', saved.host],
      ['KUBERNETES_SERVICE_PORT', saved.port],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
});

const ERRORS: {
  name: string;
  run: () => unknown;
  type: typeof UsageError | typeof DataError;
  message: RegExp;
  suggestion: RegExp;
}[] = [
  {
    name: 'no configuration anywhere',
    run: () => loadKubeconfig({}, env({})),
    type: UsageError,
    message: /^no Kubernetes configuration found$/,
    suggestion: /--kubeconfig <file>, set KUBECONFIG, or create .*empty-home\/\.kube\/config/,
  },
  {
    name: 'a context that does not exist lists the ones that do',
    run: () => loadKubeconfig({ kubeconfig: one, context: 'prod' }, env({})),
    type: UsageError,
    message: /^context "prod" is not in .*one\/config$/,
    suggestion: /--context: alpha, beta\.$/,
  },
  {
    name: 'no current-context and no --context',
    run: () => loadKubeconfig({ kubeconfig: kubeconfig('nocurrent/config', ['delta']) }, env({})),
    type: UsageError,
    message: /sets no current-context/,
    suggestion: /Choose one with --context: delta\./,
  },
  {
    name: '--kubeconfig that does not exist',
    run: () => loadKubeconfig({ kubeconfig: join(tmp.path, 'nope') }, env({})),
    type: UsageError,
    message: /--kubeconfig .*nope: no such file/,
    suggestion: /existing kubeconfig/,
  },
  {
    name: 'KUBECONFIG naming only missing files',
    run: () => loadKubeconfig({}, env({ KUBECONFIG: join(tmp.path, 'nope') }, home)),
    type: UsageError,
    message: /KUBECONFIG=.*nope names no existing file/,
    suggestion: /unset it to use ~\/\.kube\/config/,
  },
  {
    name: 'a malformed kubeconfig names the file',
    run: () => {
      const bad = join(tmp.path, 'bad-config');
      writeFileSync(bad, 'contexts:\n  - context: {cluster: x}\n');
      return loadKubeconfig({ kubeconfig: bad }, env({}));
    },
    type: DataError,
    message: /bad-config: not a valid kubeconfig: contexts\[0\]\.name is missing/,
    suggestion: /kubectl config view/,
  },
];

for (const testCase of ERRORS) {
  test(`kubeconfig error: ${testCase.name}`, () => {
    const error = (() => {
      try {
        testCase.run();
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(error instanceof testCase.type, String(error));
    assert.match(error.message, testCase.message);
    assert.match(error.suggestion ?? '', testCase.suggestion);
    assert.ok(!error.message.includes('token-of-'), 'no token in the message');
  });
}
