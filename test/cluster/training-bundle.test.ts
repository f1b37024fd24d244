// Bundles of directories for ConfigMaps: a round trip keeps every byte, a bundle above 900 KiB is cut into chunks
// each under the ConfigMap limit, a damaged or missing chunk or a path leaving the directory is refused, and an
// oversized bundle is a usage error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { DataError, UsageError } from '../../src/core/errors.js';
import {
  CHUNK_BYTES,
  MANIFEST_KEY,
  packDirectories,
  sha256,
  unpackBundle,
  unpackMountedBundle,
} from '../../src/cluster/training-bundle.js';
import { bundleConfigMaps, bundleFromConfigMaps } from '../../src/cluster/training-configmaps.js';
import { tempDir } from '../cli.js';

function makeDir(root: string, files: Record<string, Buffer | string>): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

test('a round trip through ConfigMaps keeps every file; checkpoints are left out', () => {
  using tmp = tempDir('bundle');
  const model = makeDir(join(tmp.path, 'model'), {
    'card.json': '{"format":"rescape.model/v1"}',
    'weights.bin': randomBytes(5000),
    'checkpoint/epoch.json': '{"epoch":3}',
  });
  const bundle = packDirectories([{ name: 'model', dir: model }], { excludeDirectories: ['checkpoint'] });
  assert.deepEqual(
    bundle.manifest.files.map((f) => f.path),
    ['model/card.json', 'model/weights.bin'],
  );
  const configMaps = bundleConfigMaps(bundle, { namespace: 'ml', job: 'rescape-train-x', role: 'model' });
  assert.equal(configMaps.length, 1);
  // What the API server would store: JSON, as sent.
  const stored = JSON.parse(JSON.stringify(configMaps));
  const { manifest, chunkOf } = bundleFromConfigMaps(stored, 'test');
  const [dir] = unpackBundle(manifest, chunkOf, join(tmp.path, 'out'), 'test');
  assert.ok(readFileSync(join(dir!, 'weights.bin')).equals(readFileSync(join(model, 'weights.bin'))));
  assert.equal(readFileSync(join(dir!, 'card.json'), 'utf8'), '{"format":"rescape.model/v1"}');
});

test('a bundle above 900 KiB is split into ConfigMaps, each under 1 MiB, each valid, with its sha256', () => {
  using tmp = tempDir('bundle');
  // Random bytes do not compress: 2.5 MiB gives three chunks.
  const run = makeDir(join(tmp.path, 'run'), {
    'ms_metric.csv': randomBytes(2.5 * 2 ** 20),
    'run.json': '{}',
  });
  const bundle = packDirectories([{ name: '0', dir: run }]);
  assert.equal(bundle.manifest.chunks.length, 3);
  const configMaps = bundleConfigMaps(bundle, {
    namespace: 'ml',
    job: 'j',
    role: 'run',
    owner: { name: 'j', uid: 'u-1' },
  });
  assert.deepEqual(
    configMaps.map((c) => c.metadata?.name),
    ['j-run-000', 'j-run-001', 'j-run-002'],
  );
  for (const configMap of configMaps) {
    new ConfigMap(JSON.parse(JSON.stringify(configMap))).validate();
    const raw = Object.values(configMap.binaryData ?? {}).reduce(
      (n, v) => n + Buffer.from(v, 'base64').length,
      0,
    );
    const text = Object.values(configMap.data ?? {}).reduce((n, v) => n + v.length, 0);
    assert.ok(raw <= CHUNK_BYTES && raw + text < 2 ** 20, `${configMap.metadata?.name}: ${raw + text} bytes`);
    assert.equal(configMap.metadata?.ownerReferences?.[0]?.uid, 'u-1');
  }
  assert.ok(configMaps[0]!.data?.[MANIFEST_KEY] !== undefined && configMaps[1]!.data === undefined);
  // Mounted as one projected volume: every key a file of one directory.
  const mounted = join(tmp.path, 'mounted');
  mkdirSync(mounted);
  for (const configMap of configMaps) {
    for (const [key, value] of Object.entries(configMap.data ?? {})) writeFileSync(join(mounted, key), value);
    for (const [key, value] of Object.entries(configMap.binaryData ?? {}))
      writeFileSync(join(mounted, key), Buffer.from(value, 'base64'));
  }
  const [dir] = unpackMountedBundle(mounted, join(tmp.path, 'runs'));
  assert.equal(sha256(readFileSync(join(dir!, 'ms_metric.csv'))), bundle.manifest.files[0]!.sha256);
});

test('a damaged or missing chunk, or a path leaving the directory, is refused', () => {
  using tmp = tempDir('bundle');
  const run = makeDir(join(tmp.path, 'run'), { 'run.json': '{"id":"r"}' });
  const bundle = packDirectories([{ name: '0', dir: run }]);
  const into = join(tmp.path, 'out');
  const damaged = Buffer.from(bundle.chunks.get('part-000')!);
  damaged[damaged.length - 1]! ^= 0xff;
  assert.throws(
    () => unpackBundle(bundle.manifest, () => damaged, into, 'cm'),
    (e: unknown) => e instanceof DataError && /part-000 does not match its sha256/.test(e.message),
  );
  assert.throws(
    () => unpackBundle(bundle.manifest, () => undefined, into, 'cm'),
    (e: unknown) => e instanceof DataError && /chunk part-000 is missing/.test(e.message),
  );
  const escaping = { ...bundle.manifest, files: [{ ...bundle.manifest.files[0]!, path: '../../etc/x' }] };
  assert.throws(
    () => unpackBundle(escaping, (key) => bundle.chunks.get(key), into, 'cm'),
    (e: unknown) => e instanceof DataError && /leaves the bundle's directory/.test(e.message),
  );
});

test('a bundle needing more ConfigMaps than allowed is a usage error', () => {
  using tmp = tempDir('bundle');
  const run = makeDir(join(tmp.path, 'run'), { 'ms_metric.csv': randomBytes(40_000) });
  assert.throws(
    () => packDirectories([{ name: '0', dir: run }], { chunkBytes: 10_000, maxChunks: 2 }),
    (e: unknown) => e instanceof UsageError && /more than the 2 ConfigMaps/.test(e.message),
  );
});
