// The worker thread gives the same forecasts as the main thread, one at a time; a model it cannot load
// rejects with the reason (serve then falls back to the main thread); a cancelled forecast rejects at once.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadForecaster } from '../../src/model/load-forecaster.js';
import { selectBackend } from '../../src/model/tf.js';
import { mainThreadRunner, startWorkerRunner, type ModelRunner } from '../../src/serve/model-runner.js';
import { tempDir } from '../cli.js';
import { runAndTinyModel } from './serve-process.js';

const tmp = tempDir('model-runner');
let modelDir: string;
let worker: ModelRunner;

before(async () => {
  await selectBackend('wasm');
  ({ modelDir } = await runAndTinyModel(tmp.path));
  worker = await startWorkerRunner(modelDir, 'wasm');
});
after(async () => {
  await worker?.close();
  tmp[Symbol.dispose]();
});

test('the worker thread forecasts exactly as the main thread, in the order asked', async () => {
  const main = mainThreadRunner(loadForecaster(modelDir));
  try {
    assert.equal(worker.where, 'worker thread');
    const { signal } = new AbortController();
    const windows = [0.5, 1, 2].map((scale) =>
      Float32Array.from({ length: 10 * 11 * 2 }, (_, i) => scale * (1 + Math.sin(i))),
    );
    const fromWorker = await Promise.all(windows.map((values) => worker.forecast(values, signal)));
    for (const [i, values] of windows.entries()) {
      assert.deepEqual(fromWorker[i], await main.forecast(values, signal), `window ${i}`);
    }
  } finally {
    await main.close();
  }
});

test('a model the worker cannot load rejects with the reason; a cancelled forecast rejects at once', async () => {
  await assert.rejects(startWorkerRunner(tmp.path, 'wasm'), /card\.json: cannot read the file: ENOENT/);
  const controller = new AbortController();
  const pending = worker.forecast(new Float32Array(10 * 11 * 2), controller.signal);
  controller.abort(new Error('shutting down'));
  await assert.rejects(pending, /shutting down/);
  const wrongShape = worker.forecast(new Float32Array(3), new AbortController().signal);
  await assert.rejects(wrongShape, /input window holds 3 values/);
});
