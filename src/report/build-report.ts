// `rescape report`: one self-contained HTML page about a run, the models forecasting it and a simulation
// study. Reads the run once, scores each model on it, renders inline SVG and writes the file atomically.
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Worker } from 'node:worker_threads';
import writeFileAtomic from 'write-file-atomic';
import { DataError, InterruptedError, UsageError } from '../core/errors.js';
import { ignoreProgress, type ProgressListener } from '../core/progress.js';
import { toolVersion } from '../core/version.js';
import { readRun, type RunData } from '../dataset/run-reader.js';
import type { SimulationResult } from '../sim/des/simulation-result.js';
import type { ModelForecasts } from './model-forecasts.js';
import { scoringThreads, startScoringWorkers } from './scoring-pool.js';
import { reportPage } from './report-page.js';
import { busiestFirst, digestRun, type RunDigest, type ServiceDigest } from './run-digest.js';
import { callGraphSection } from './sections/call-graph-section.js';
import type { Section } from './sections/html-parts.js';
import { loadSection } from './sections/load-section.js';
import { modelSection } from './sections/model-section.js';
import { overviewSection } from './sections/overview-section.js';
import { servicesSection } from './sections/services-section.js';
import { simulationSection } from './sections/simulation-section.js';
import { readSimulationResult } from './simulation-file.js';

export interface ReportOptions {
  runDir: string;
  /** Model directories written by `rescape train`, scored on the run and compared. */
  modelDirs: string[];
  /** A result file of `rescape simulate`. */
  simulation?: string;
  /** The HTML file to write (replaced atomically). */
  out: string;
  /** Services whose forecasts are drawn against the truth; default the busiest few. */
  services?: string[];
  /** Threads scoring the models, this one included; default one per core; 1: this thread only. */
  threads?: number;
}

export interface ReportDeps {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Clock for the "generated at" line, injectable for reproducible pages. */
  now?: () => Date;
}

export interface ReportResult {
  out: string;
  bytes: number;
  /** Ids of the sections on the page, in order. */
  sections: string[];
  seconds: number;
}

/** How many services get truth-against-forecast charts when --services is not given. */
export const DEFAULT_CURVE_SERVICES = 4;

/** Checks the options before anything is read. */
export function validateReportOptions(options: ReportOptions): void {
  if (options.out.trim() === '')
    throw new UsageError('--out is empty', { suggestion: 'E.g. --out report.html.' });
  const duplicate = (list: readonly string[]) => list.find((item, index) => list.indexOf(item) !== index);
  const model = duplicate(options.modelDirs);
  if (model !== undefined) {
    throw new UsageError(`--model ${model} is given twice`, {
      suggestion: 'Give each model directory once.',
    });
  }
  const services = options.services ?? [];
  if (services.some((name) => name === '')) {
    throw new UsageError('--services holds an empty name', {
      suggestion: 'E.g. --services compose-post-service,nginx-thrift.',
    });
  }
  const service = duplicate(services);
  if (service !== undefined) {
    throw new UsageError(`--services lists ${service} twice`, { suggestion: 'List each service once.' });
  }
  let isDirectory = false;
  try {
    isDirectory = statSync(options.out).isDirectory();
  } catch {
    // Not there yet: it will be created.
  }
  if (isDirectory) {
    throw new UsageError(`--out ${options.out} is a directory`, {
      suggestion: 'Name the HTML file to write, e.g. --out report.html.',
    });
  }
}

export async function buildReport(options: ReportOptions, deps: ReportDeps = {}): Promise<ReportResult> {
  const started = performance.now();
  validateReportOptions(options);
  const progress = deps.onProgress ?? ignoreProgress;
  const total = 3 + options.modelDirs.length;
  const simulation = options.simulation === undefined ? undefined : readSimulationResult(options.simulation);
  progress({ phase: 'report', done: 0, total, message: `reading ${options.runDir}` });
  let run: RunData | undefined;
  const readOnce = () => (run ??= readRun(options.runDir, { calls: 'summary' }));
  // Worker threads start first and read the run while this thread reads and digests it; then all score.
  const threads = scoringThreads(options.threads, options.modelDirs.length);
  const workers = threads > 1 ? startScoringWorkers(options.runDir, threads - 1) : [];
  let scored = 0;
  const onScored = (index: number) => {
    scored += 1;
    progress({ phase: 'report', done: 1 + scored, total, message: `scored ${options.modelDirs[index]}` });
  };
  let models: ModelForecasts[];
  let digest: RunDigest;
  try {
    digest = digestRun(readOnce());
    progress({ phase: 'report', done: 1, total, message: 'scoring the models' });
    models = await scoreAll(options, readOnce, workers, deps.signal, onScored);
  } finally {
    for (const worker of workers) void worker.terminate();
  }
  const curveServices = chooseServices(digest, options.services);
  stopIfAborted(deps.signal);
  progress({ phase: 'report', done: total - 2, total, message: 'rendering' });
  const sections = renderSections(digest, options, models, curveServices, simulation);
  const now = (deps.now ?? (() => new Date()))();
  const html = reportPage({
    title: `rescape report: ${digest.manifest.id}`,
    subtitle: `${digest.manifest.benchmark} on ${digest.manifest.cluster.kind}: ${digest.services.length} services, ${digest.steps} steps of ${digest.stepSeconds} s${models.length > 0 ? `, ${models.length} ${models.length === 1 ? 'model' : 'models'}` : ''}${simulation ? ', 1 simulation study' : ''}.`,
    sections,
    footer: `Generated by rescape ${toolVersion} on ${now.toISOString()} from ${options.runDir}.`,
  });
  progress({ phase: 'report', done: total - 1, total, message: `writing ${options.out}` });
  await writeReport(options.out, html);
  progress({ phase: 'report', done: total, total, message: `wrote ${options.out}` });
  return {
    out: options.out,
    bytes: Buffer.byteLength(html),
    sections: sections.map((section) => section.id),
    seconds: (performance.now() - started) / 1000,
  };
}

function renderSections(
  digest: RunDigest,
  options: ReportOptions,
  models: readonly ModelForecasts[],
  curveServices: readonly ServiceDigest[],
  simulation: SimulationResult | undefined,
): Section[] {
  return [
    overviewSection(digest, options.runDir),
    loadSection(digest),
    servicesSection(digest),
    callGraphSection(digest),
    ...(models.length > 0 ? [modelSection(models, digest, curveServices)] : []),
    ...(simulation === undefined || options.simulation === undefined
      ? []
      : [simulationSection(simulation, options.simulation)]),
  ];
}

/** The services named by --services (each must be in the run), or the busiest few. */
/** Scores the models (none: nothing to do), loading TensorFlow.js only when there are models. */
async function scoreAll(
  options: ReportOptions,
  run: () => RunData,
  workers: readonly Worker[],
  signal: AbortSignal | undefined,
  onScored: (index: number) => void,
): Promise<ModelForecasts[]> {
  if (options.modelDirs.length === 0) return [];
  const { forecastModels } = await import('./model-forecasts.js');
  const { modelDirs, runDir } = options;
  return forecastModels({
    modelDirs,
    runDir,
    run,
    workers,
    onScored,
    ...(signal === undefined ? {} : { signal }),
  });
}

function chooseServices(digest: RunDigest, names: readonly string[] | undefined): ServiceDigest[] {
  if (names === undefined || names.length === 0)
    return busiestFirst(digest.services).slice(0, DEFAULT_CURVE_SERVICES);
  return names.map((name) => {
    const found = digest.services.find((service) => service.service.msName === name);
    if (found === undefined) {
      const known = busiestFirst(digest.services).map((service) => service.service.msName);
      throw new UsageError(`--services: the run has no service ${JSON.stringify(name)}`, {
        suggestion: `Services of this run, busiest first: ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', …' : ''}.`,
      });
    }
    return found;
  });
}

/** Nothing has been written before the page is complete, so stopping early leaves no partial report. */
function stopIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw new InterruptedError('report interrupted before it was written; nothing was written');
}

async function writeReport(out: string, html: string): Promise<void> {
  try {
    mkdirSync(dirname(out), { recursive: true });
    await writeFileAtomic(out, html);
  } catch (error) {
    throw new DataError(
      `cannot write the report: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { file: out },
      { suggestion: 'Choose a writable --out path.', cause: error },
    );
  }
}
