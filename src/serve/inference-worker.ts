// The worker thread that runs serve's model, so a forward pass (milliseconds at the paper's size, far more
// for large graphs or a slow backend) never holds up the event loop answering requests. It loads the model
// directory itself on the backend the main thread chose, then answers one window at a time, in order.
import { parentPort, workerData } from 'node:worker_threads';
import { loadForecaster } from '../model/load-forecaster.js';
import { selectBackend, type BackendName } from '../model/tf.js';
import { forecastWindow } from './window-forecast.js';

export interface WorkerInit {
  modelDir: string;
  backend: BackendName;
}

export type WorkerRequest = { id: number; values: Float32Array };

export type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'failed'; message: string }
  | { kind: 'forecast'; id: number; forecast: Float32Array }
  | { kind: 'error'; id: number; message: string };

const port = parentPort;
if (port === null) throw new Error('inference-worker.ts runs only as a worker thread');
const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

try {
  const init = workerData as WorkerInit;
  await selectBackend(init.backend);
  const forecaster = loadForecaster(init.modelDir);
  port.on('message', ({ id, values }: WorkerRequest) => {
    try {
      const forecast = forecastWindow(forecaster, values);
      post({ kind: 'forecast', id, forecast }, [forecast.buffer as ArrayBuffer]);
    } catch (error) {
      post({ kind: 'error', id, message: messageOf(error) });
    }
  });
  post({ kind: 'ready' });
} catch (error) {
  post({ kind: 'failed', message: messageOf(error) });
}
