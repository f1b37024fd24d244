// Scoring the report's models in parallel: each model's forward passes over the test windows take about a
// second on the single-threaded wasm backend, and they are independent. With T threads (default one per core,
// at most one per model), T − 1 worker threads start at once and score while the main thread reads and digests
// the run; then the main thread takes jobs too. Jobs go heaviest first so that the last to finish is a light one.
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
  /** Threads scoring, the main thread included; default one per core from 3 cores up. 1: the main thread only. */
  threads?: number;
  signal?: AbortSignal;
  onScored?: (index: number) => void;
}

/**
 * Scores every model (undefined for those left after an abort). `run()` gives the report's run, read once by
 * the main thread, for the models scored there.
 */
export async function scoreModels(
  request: ScoringRequest,
  run: () => RunData,
): Promise<(EvaluationWithForecasts | undefined)[]> {
  const threads = Math.min(request.threads ?? defaultThreads(), request.modelDirs.length);
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
  if (threads <= 1) {
    await mainThreadJobs();
    return scored;
  }
  const failed: number[] = [];
  const init: ScoringWorkerInit = { runDir: request.runDir };
  const workers = Array.from({ length: threads - 1 }, () =>
    startModuleWorker(new URL('./scoring-worker.js', import.meta.url), init),
  );
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

/**
 * One per core from three cores up. A worker costs its own start-up (TensorFlow.js, the run read again, a cold
 * JIT: ~1.3 s of CPU for 12 h × 28 services), so on two cores, where the main thread is one of the two, it saves
 * no time: 2.95 s wall with a worker against 2.82 s without (bench/report-speed.ts, 3 models).
 */
function defaultThreads(): number {
  const cores = availableParallelism();
  return cores > 2 ? cores : 1;
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
