// From run directories to what a model trains and is judged on: the series, the call graph, windows
// split chronologically, and windows normalised with statistics of the training steps only.
import { UsageError } from '../core/errors.js';
import { readRun, type RunData } from '../dataset/run-reader.js';
import type { ServiceRow } from '../dataset/run-format.js';
import {
  seriesFromRun,
  targetsWithSignal,
  type ExtraInput,
  type ServiceSeries,
  type TargetName,
} from '../dataset/series.js';
import { summaryEdges } from '../dataset/call-summary.js';
import { graphFromEdges, type CallEdge, type CallGraph, type GraphOptions } from '../dataset/call-graph.js';
import { makeWindows, selectWindows, type WindowShape, type Windows } from '../dataset/windows.js';
import { splitWindows, type SplitFractions, type SplitName, type DataSplit } from '../dataset/split.js';
import { Normaliser, type NormaliserKind } from '../dataset/normalisation.js';
import { dropExcludedWindows, excludedRangesFromManifest } from '../dataset/anomaly-windows.js';

export interface DataOptions {
  runDirs: readonly string[];
  /** Forecast targets; undefined picks those with signal (cpu, and gpu where a service uses GPUs). */
  targets?: readonly TargetName[];
  extraInputs: readonly ExtraInput[];
  shape: WindowShape;
  split: SplitFractions;
  normaliserKind: NormaliserKind;
  graph: GraphOptions;
  /** A saved model's normaliser (evaluation); unset fits one on the training steps. */
  normaliser?: Normaliser;
  /**
   * Leave test windows whose targets touch an annotated anomaly (run.json cluster.incidents or
   * cluster.anomalies) out of the test split, so a score measures the workload, not the faults.
   */
  excludeAnomalies?: boolean;
  /** The runs of runDirs, already read (in the same order), so a caller holding them does not read them again. */
  runs?: readonly RunData[];
}

/** One split of the windows of every run: raw (original units) and normalised. */
export interface SplitWindows {
  raw: Windows;
  normalised: { inputs: Float32Array; targets: Float32Array; count: number };
}

export interface RunSummary {
  runDir: string;
  id: string;
  steps: number;
  stepSeconds: number;
  ranges: DataSplit['ranges'];
  windows: Record<SplitName, number>;
  skippedForGaps: number;
  straddling: number;
  /** Test windows left out because their targets touch an annotated anomaly (0 unless asked). */
  excludedAnomalyWindows: number;
}

export interface TrainingData {
  services: ServiceRow[];
  featureNames: string[];
  targetNames: TargetName[];
  stepSeconds: number;
  graph: CallGraph;
  normaliser: Normaliser;
  splits: Record<SplitName, SplitWindows>;
  runs: RunSummary[];
}

export async function loadTrainingData(options: DataOptions): Promise<TrainingData> {
  if (options.runDirs.length === 0)
    throw new UsageError('no run directory given', { suggestion: 'E.g. rescape train runs/demo.' });
  const loaded = [];
  for (const [index, runDir] of options.runDirs.entries()) {
    const run = options.runs?.[index] ?? (await readRun(runDir, { calls: 'summary' }));
    const targets = options.targets ?? targetsWithSignal(run);
    loaded.push({
      runDir,
      run,
      series: seriesFromRun(run, { targets, extraInputs: options.extraInputs }),
      targets,
    });
  }
  const first = loaded[0]!;
  for (const other of loaded.slice(1)) {
    assertSameServices(first.runDir, first.series, other.runDir, other.series);
    if (other.run.manifest.stepSeconds !== first.run.manifest.stepSeconds) {
      throw new UsageError(
        `${other.runDir} has a ${other.run.manifest.stepSeconds} s step, ${first.runDir} ${first.run.manifest.stepSeconds} s`,
        {
          suggestion: 'Train on runs sampled at the same step.',
        },
      );
    }
  }

  const perRun = loaded.map(({ runDir, run, series }) => {
    const windows = makeWindows(series, options.shape);
    const split = splitWindows(windows, options.split);
    const { kept, excluded } = options.excludeAnomalies
      ? dropExcludedWindows(split.windows.test, windows, excludedRangesFromManifest(run.manifest))
      : { kept: split.windows.test, excluded: 0 };
    split.windows.test = kept;
    return { runDir, run, series, windows, split, excludedAnomalyWindows: excluded };
  });
  // Normalisation statistics come from the training steps of every run, never from validation or test.
  const trainingSteps = concatTrainingSteps(perRun);
  const normaliser =
    options.normaliser ??
    Normaliser.fit(trainingSteps, { start: 0, end: trainingSteps.steps }, options.normaliserKind);

  const edges = mergeEdges(loaded.map(({ run }) => summaryEdges(run.callSummary)));
  const graph = graphFromEdges(first.series.services.length, edges, options.graph);
  const splits = {} as Record<SplitName, SplitWindows>;
  for (const name of ['train', 'validation', 'test'] as const) {
    const parts = perRun.map(({ windows, split }) => selectWindows(windows, split.windows[name]));
    const raw = concatWindows(parts, perRun[0]!.windows);
    splits[name] = {
      raw,
      normalised: {
        inputs: normaliser.normalise(raw.inputs, 'features'),
        targets: normaliser.normalise(raw.targets, 'targets'),
        count: raw.count,
      },
    };
  }
  return {
    services: first.series.services,
    featureNames: first.series.featureNames,
    targetNames: [...first.targets],
    stepSeconds: first.run.manifest.stepSeconds,
    graph,
    normaliser,
    splits,
    runs: perRun.map(({ runDir, run, windows, split, excludedAnomalyWindows }) => ({
      runDir,
      id: run.manifest.id,
      steps: windows.steps,
      stepSeconds: run.manifest.stepSeconds,
      ranges: split.ranges,
      windows: {
        train: split.windows.train.length,
        validation: split.windows.validation.length,
        test: split.windows.test.length,
      },
      skippedForGaps: windows.skippedForGaps,
      straddling: split.straddling,
      excludedAnomalyWindows,
    })),
  };
}

function assertSameServices(
  firstDir: string,
  first: ServiceSeries,
  otherDir: string,
  other: ServiceSeries,
): void {
  const a = first.services.map((service) => service.msName);
  const b = other.services.map((service) => service.msName);
  const missing = a.filter((name) => !b.includes(name));
  const extra = b.filter((name) => !a.includes(name));
  if (missing.length > 0 || extra.length > 0 || first.featureNames.join() !== other.featureNames.join()) {
    throw new UsageError(
      `${otherDir} does not hold the services and features of ${firstDir} (missing: ${missing.join(', ') || 'none'}; extra: ${extra.join(', ') || 'none'})`,
      { suggestion: 'Train one model per benchmark: runs trained together must have the same services.' },
    );
  }
}

/** A series made of the training steps of each run, back to back, for fitting the normaliser. */
function concatTrainingSteps(parts: { series: ServiceSeries; split: DataSplit }[]): ServiceSeries {
  const first = parts[0]!.series;
  const perStep = first.services.length * first.featureNames.length;
  const chunks = parts.map(({ series, split }) =>
    series.values.subarray(split.ranges.train.start * perStep, split.ranges.train.end * perStep),
  );
  const values = new Float32Array(chunks.reduce((n, chunk) => n + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    values.set(chunk, offset);
    offset += chunk.length;
  }
  return { ...first, values, steps: values.length / perStep };
}

function concatWindows(parts: Windows[], template: Windows): Windows {
  const count = parts.reduce((n, part) => n + part.count, 0);
  const join = (pick: (w: Windows) => Float32Array): Float32Array => {
    const out = new Float32Array(parts.reduce((n, part) => n + pick(part).length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(pick(part), offset);
      offset += pick(part).length;
    }
    return out;
  };
  const starts = new Int32Array(count);
  let offset = 0;
  for (const part of parts) {
    starts.set(part.starts, offset);
    offset += part.count;
  }
  return { ...template, inputs: join((w) => w.inputs), targets: join((w) => w.targets), starts, count };
}

function mergeEdges(lists: CallEdge[][]): CallEdge[] {
  const merged = new Map<string, CallEdge>();
  for (const edge of lists.flat()) {
    const key = `${edge.um}>${edge.dm}`;
    const known = merged.get(key);
    merged.set(key, known ? { ...known, calls: known.calls + edge.calls } : { ...edge });
  }
  return [...merged.values()].sort((a, b) => a.um - b.um || a.dm - b.dm);
}
