// Scoring the report's models in parallel: each model's forward passes over the test windows take about a
// second on the single-threaded wasm backend, and they are independent. With T threads (default one per core,
// at most one per model), T − 1 worker threads start first and read the run while the main thread reads and
// digests it; then all of them, the main thread too, take jobs. Jobs go heaviest first so that the last to finish is a light one.
//
// A model a worker could not score is scored again in the main thread: that gives the user the typed error
// (with its exit code and suggestion) the main thread would have thrown, and covers a backend that cannot
// load in a worker thread.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../core/module-worker.js';
import type { RunData } from '../dataset/run-reader.js';
import type { EvaluationWithForecasts } from '../model/evaluate-model-dir.js';
import type { ModelCard } from '../model/model-card.js';
import type { ScoringJob, ScoringReply, ScoringWorkerInit } from './scoring-worker.js';

export interface ScoringRequest {
  runDir: string;
  modelDirs: readonly string[];
  cards: readonly ModelCard[];
  /** Worker threads already started on the run (startScoringWorkers); none: the main thread scores alone. */
  workers: readonly Worker[];
  signal?: AbortSignal;
  onScored?: (index: number) => void;
}

/** Threads to score `models` models with, the main thread included: one per core unless asked. */
export function scoringThreads(requested: number | undefined, models: number): number {
  return Math.min(requested ?? availableParallelism(), models);
}

/**
 * Starts `count` worker threads on the run at once: each loads TensorFlow.js and reads the run while the main
 * thread reads and digests it, so that all are ready to score at about the same moment. scoreModels stops them.
 */
export function startScoringWorkers(runDir: string, count: number): Worker[] {
  const init: ScoringWorkerInit = { runDir };
  return Array.from({ length: count }, () =>
    startModuleWorker(new URL('./scoring-worker.js', import.meta.url), init),
  );
}

/**
 * Scores every model (undefined for those left after an abort). `run()` gives the report's run, read once by
 * the main thread, for the models scored there.
 */
export async function scoreModels(
  request: ScoringRequest,
  run: () => RunData,
): Promise<(EvaluationWithForecasts | undefined)[]> {
  const scored: (EvaluationWithForecasts | undefined)[] = [];
  const inMain = async (index: number) => {
    // Loaded only when needed: the main thread need not start TensorFlow.js while workers score.
    const { selectBackend } = await import('../model/tf.js');
    const { evaluateModelDirWithForecasts } = await import('../model/evaluate-model-dir.js');
    await selectBackend();
    scored[index] = await evaluateModelDirWithForecasts(request.modelDirs[index]!, [request.runDir], {
      runs: [run()],
    });
    request.onScored?.(index);
  };
  const queue = request.cards
    .map((card, index) => ({ index, cost: scoringCost(card) }))
    .sort((a, b) => b.cost - a.cost)
    .map(({ index }) => index);
  // The main thread takes jobs too, once it has digested the run: it needs no start-up of its own.
  const mainThreadJobs = async () => {
    for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
      if (request.signal?.aborted) return;
      await inMain(index);
    }
  };
  const { workers } = request;
  if (workers.length === 0) {
    await mainThreadJobs();
    return scored;
  }
  const failed: number[] = [];
  const stop = () => void Promise.all(workers.map((worker) => worker.terminate()));
  request.signal?.addEventListener('abort', stop, { once: true });
  try {
    const workerJobs = workers.map(async (worker) => {
      for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
        const reply = await ask(worker, { index, modelDir: request.modelDirs[index]! });
        if (reply?.kind === 'scored') {
          scored[index] = reply.scored;
          request.onScored?.(index);
          continue;
        }
        failed.push(index);
        // A worker that died (or was stopped) takes no more jobs; the others, or the main thread, do.
        if (reply === undefined) return;
      }
    });
    await Promise.all([...workerJobs, mainThreadJobs()]);
  } finally {
    request.signal?.removeEventListener('abort', stop);
    stop();
  }
  for (const index of failed.sort((a, b) => a - b)) {
    if (request.signal?.aborted) break;
    await inMain(index);
  }
  return scored;
}

/** One job's reply, or undefined when the worker died (or was terminated) first. */
function ask(worker: Worker, job: ScoringJob): Promise<ScoringReply | undefined> {
  return new Promise((resolve) => {
    const settle = (reply: ScoringReply | undefined) => {
      worker.off('message', settle);
      worker.off('error', onGone);
      worker.off('exit', onGone);
      resolve(reply);
    };
    const onGone = () => settle(undefined);
    worker.on('message', settle);
    worker.on('error', onGone);
    worker.on('exit', onGone);
    worker.postMessage(job);
  });
}

/** Relative cost of a forward pass: per-step products of the cell, times the attention's. */
function scoringCost(card: ModelCard): number {
  const { hidden, heads, kind } = card.config;
  const gates = kind.includes('lstm') ? 4 : 3;
  const attention = kind.startsWith('gat-') || kind === 'gcn' ? 1 + heads : 1;
  return hidden * hidden * gates * attention;
}
