// Where serve's forward passes run: in a worker thread (inference-worker.ts) when one starts, otherwise (a
// backend that cannot load in a worker, e.g. a native addon that is not worker-safe) in the main thread,
// with the reason given once. Either way one forecast at a time: the worker handles its messages in order.
import { startModuleWorker } from '../core/module-worker.js';
import type { LoadedForecaster } from '../model/load-forecaster.js';
import type { BackendName } from '../model/tf.js';
import type { WorkerInit, WorkerReply } from './inference-worker.js';
import { forecastWindow } from './window-forecast.js';

export interface ModelRunner {
  readonly where: 'worker thread' | 'main thread';
  /** [horizon × services × targets] in original units for a [window × services × features] input. */
  forecast(values: Float32Array, signal: AbortSignal): Promise<Float32Array>;
  close(): Promise<void>;
}

/** How long the worker may take to load tfjs and the model before serve gives up on it. */
const WORKER_START_TIMEOUT_MS = 60_000;

export function mainThreadRunner(forecaster: LoadedForecaster): ModelRunner {
  return {
    where: 'main thread',
    forecast: async (values) => forecastWindow(forecaster, values),
    close: async () => forecaster.model.dispose(),
  };
}

/** Starts the worker and waits until it has loaded the model; rejects with the reason it could not. */
export async function startWorkerRunner(modelDir: string, backend: BackendName): Promise<ModelRunner> {
  const init: WorkerInit = { modelDir, backend };
  const worker = startModuleWorker(new URL('./inference-worker.js', import.meta.url), init);
  const pending = new Map<number, { resolve: (f: Float32Array) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let exited: Error | undefined;
  worker.on('error', (error) => fail(error));
  worker.on('exit', (code) => fail(new Error(`the inference worker exited (code ${code})`)));
  const fail = (error: Error) => {
    exited ??= error;
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the inference worker did not start in time')),
      WORKER_START_TIMEOUT_MS,
    );
    const settle = (error?: Error) => {
      clearTimeout(timer);
      worker.off('message', onReady);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onReady = (reply: WorkerReply) => {
      if (reply.kind === 'ready') settle();
      else if (reply.kind === 'failed') settle(new Error(reply.message));
    };
    worker.on('message', onReady);
    worker.once('exit', () => settle(exited ?? new Error('the inference worker exited')));
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  worker.on('message', (reply: WorkerReply) => {
    if (reply.kind !== 'forecast' && reply.kind !== 'error') return;
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.kind === 'forecast') waiting?.resolve(reply.forecast);
    else waiting?.reject(new Error(reply.message));
  });
  return {
    where: 'worker thread',
    forecast: (values, signal) =>
      new Promise((resolve, reject) => {
        if (exited !== undefined) return reject(exited);
        if (signal.aborted) return reject(new Error('the forecast was cancelled'));
        const id = nextId++;
        // An abandoned forecast (deadline, shutdown) still runs to its end in the worker before the next.
        const onAbort = () => {
          pending.delete(id);
          reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        pending.set(id, {
          resolve: (forecast) => {
            signal.removeEventListener('abort', onAbort);
            resolve(forecast);
          },
          reject: (error) => {
            signal.removeEventListener('abort', onAbort);
            reject(error);
          },
        });
        worker.postMessage({ id, values });
      }),
    close: async () => {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
