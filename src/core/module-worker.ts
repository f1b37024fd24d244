// Starting a worker thread on one of rescape's own modules. Built, the modules are .js; run from source under
// tsx (tests, benchmarks) they are .ts, and a worker thread does not inherit tsx's loader: the worker then
// registers it before importing the module.
import { Worker } from 'node:worker_threads';

/** `entry` is the worker module's URL with a `.js` extension, relative to the caller's import.meta.url. */
export function startModuleWorker(entry: URL, workerData: unknown): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  if (!fromSource) return new Worker(entry, { workerData });
  const source = new URL(entry.href.replace(/\.js$/, '.ts'));
  const code = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source.href)}); });`;
  return new Worker(code, { eval: true, workerData });
}
