// A worker thread of the report's scoring pool (scoring-pool.ts): scores one model directory at a time on the
// report's run, exactly as `rescape evaluate` does (same code, same backend), and sends back the evaluation
// with the forecasts. The run is read once per worker, as soon as it starts.
import { parentPort, workerData } from 'node:worker_threads';
import { readRun, type RunData } from '../dataset/run-reader.js';
import { evaluateModelDirWithForecasts, type EvaluationWithForecasts } from '../model/evaluate-model-dir.js';
import { selectBackend } from '../model/tf.js';

export interface ScoringWorkerInit {
  runDir: string;
}

export interface ScoringJob {
  index: number;
  modelDir: string;
}

export type ScoringReply =
  | { kind: 'scored'; index: number; scored: EvaluationWithForecasts }
  | { kind: 'failed'; index: number; message: string };

const port = parentPort;
if (port === null) throw new Error('scoring-worker.ts runs only as a worker thread');
const init = workerData as ScoringWorkerInit;
// The same choice as the main thread's: the best backend available (wasm on CPU-only machines).
const backendReady = selectBackend();
// Read at once, while the main thread reads and digests the run too: the first job finds it ready.
const runReady: Promise<RunData> = backendReady.then(() => readRun(init.runDir, { calls: 'summary' }));
// A run that cannot be read fails each job that awaits it (and the main thread says why), nothing else.
runReady.catch(() => undefined);

async function score({ index, modelDir }: ScoringJob): Promise<ScoringReply> {
  try {
    const run = await runReady;
    const scored = await evaluateModelDirWithForecasts(modelDir, [init.runDir], { runs: [run] });
    return { kind: 'scored', index, scored };
  } catch (error) {
    return { kind: 'failed', index, message: error instanceof Error ? error.message : String(error) };
  }
}

// One job at a time: the pool sends the next only after this one's reply.
port.on('message', (job: ScoringJob) => void score(job).then((reply) => port.postMessage(reply)));
