import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend, tf, vulkanLoaderPath } from '../../src/model/tf.js';
import { UsageError } from '../../src/core/errors.js';
import { fixtureValues } from './model-test-helpers.js';

test('with nothing forced, the best loadable backend is chosen and each better one says why it was skipped', async () => {
  const choice = await selectBackend();
  assert.equal(choice.backend, tf.getBackend());
  // On these machines neither tfjs-node nor webgpu is installed, so wasm wins; elsewhere a better one may.
  if (choice.backend === 'wasm') {
    assert.equal(choice.fallbacks.length, 2);
    assert.match(
      choice.fallbacks[0] ?? '',
      /^tensorflow: @tensorflow\/tfjs-node-gpu .*; @tensorflow\/tfjs-node /,
    );
    assert.match(choice.fallbacks[1] ?? '', /^webgpu: /);
  }
  assert.ok(choice.fallbacks.every((line) => !line.includes('\n')));
});

test('a forced backend that cannot load is a UsageError with a suggestion; loadable ones are used as asked', async () => {
  for (const name of ['tensorflow', 'webgpu'] as const) {
    const attempt = selectBackend(name);
    try {
      const choice = await attempt;
      assert.equal(choice.backend, name); // installed here after all
    } catch (error) {
      assert.ok(error instanceof UsageError, String(error));
      assert.match(error.message, new RegExp(`^backend ${name} is not available: `));
      assert.match(error.suggestion ?? '', /--backend wasm/);
    }
  }
  assert.deepEqual(await selectBackend('cpu'), { backend: 'cpu', fallbacks: [] });
  assert.equal(tf.getBackend(), 'cpu');
  assert.deepEqual(await selectBackend('wasm'), { backend: 'wasm', fallbacks: [] });
  assert.equal(tf.getBackend(), 'wasm');
});

test('the wasm Slice and SplitV replacements give the same values as the cpu backend', async () => {
  const cases: { shape: number[]; begin: number[]; size: number[] }[] = [
    { shape: [7], begin: [2], size: [4] },
    { shape: [6, 5], begin: [1, 2], size: [3, 2] },
    { shape: [6, 300], begin: [1, 20], size: [4, 270] },
    { shape: [6, 5], begin: [2, 0], size: [3, 5] },
    { shape: [3, 4, 5], begin: [1, 1, 2], size: [2, -1, 3] },
    { shape: [2, 3, 4, 5], begin: [0, 1, 0, 1], size: [2, 2, 4, 3] },
  ];
  const run = async (backend: 'cpu' | 'wasm') => {
    await selectBackend(backend);
    return tf.tidy(() =>
      cases.map(({ shape, begin, size }, index) => {
        const x = tf.tensor(
          fixtureValues(
            shape.reduce((a, b) => a * b, 1),
            index + 1,
          ),
          shape,
        );
        const sliced = Array.from(tf.slice(x, begin, size).dataSync());
        const pieces = tf.split(x, [1, shape[0]! - 1], 0).map((piece) => Array.from(piece.dataSync()));
        const columns =
          shape.length > 1
            ? tf.split(x, [1, shape[1]! - 1], 1).map((piece) => Array.from(piece.dataSync()))
            : [];
        const ints = Array.from(tf.slice(tf.cast(tf.mul(x, 100), 'int32'), begin, size).dataSync());
        return { sliced, pieces, columns, ints };
      }),
    );
  };
  const expected = await run('cpu');
  assert.deepEqual(await run('wasm'), expected);
});

test('webgpu is skipped in one line without the Vulkan loader; with one, Dawn is asked for an adapter', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rescape-vulkan-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fakeLoader = join(dir, 'libvulkan.so.1');
  writeFileSync(fakeLoader, '');
  assert.equal(vulkanLoaderPath({ LD_LIBRARY_PATH: `/nonexistent:${dir}` }), fakeLoader);
  if (process.platform !== 'linux' || vulkanLoaderPath() !== undefined) return; // a machine with Vulkan
  await assert.rejects(selectBackend('webgpu'), /webgpu needs the Vulkan loader \(libvulkan\.so\.1/);
  // With a loader "present" (the fake one; the dynamic linker still finds none) the package itself loads and
  // Dawn reports no adapter: the whole path short of a GPU.
  const saved = process.env.LD_LIBRARY_PATH;
  process.env.LD_LIBRARY_PATH = dir;
  t.after(() =>
    saved === undefined ? delete process.env.LD_LIBRARY_PATH : (process.env.LD_LIBRARY_PATH = saved),
  );
  await assert.rejects(selectBackend('webgpu'), /webgpu (found no GPU adapter|is not installed)/);
  await selectBackend('wasm');
});
