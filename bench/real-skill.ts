// Benchmark (issue 12): do rescape's forecasts beat "the next minute looks like this one" on real traces?
// Imports the real Online Boutique dataset (../shared/datasets/onlineboutique-2022-08-22) with the same code
// as `rescape import pod-csv`, trains every model in the default and the --paper configuration over several
// seeds, and prints per horizon MAE, MAPE, weighted MAPE and skill vs last value (mean ± sd over seeds, and
// the worst seed). `--sim-hours 12` runs the same comparison on a simulated social-network run instead.
// Usage: node --import tsx bench/real-skill.ts [--models gat-gru,gru,…] [--presets default,paper]
//   [--seeds 1,2,3] [--epochs 50] [--sim-hours N] [--run DIR]
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importTrace } from '../src/dataset/import/import-trace.js';
import { profileSimulated } from '../src/profiler/simulated-profile.js';
import { paperProfile } from './paper-profile.js';
import { trainForecaster } from '../src/model/train-forecaster.js';
import { presetTrainOptions, type PresetName, type PresetSettings } from '../src/model/training-presets.js';
import type { HorizonReport } from '../src/model/evaluate-forecasts.js';
import type { ModelKind } from '../src/model/model-types.js';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'gat-gru,gat-lstm,gru,lstm,fc,gcn,call-gru,dense' },
    presets: { type: 'string', default: 'default,paper' },
    seeds: { type: 'string', default: '1,2,3' },
    epochs: { type: 'string', default: '50' },
    'sim-hours': { type: 'string' },
    run: { type: 'string' },
    /** JSON of PresetSettings fields applied to the default preset, for trying alternatives. */
    override: { type: 'string' },
  },
});

const here = dirname(fileURLToPath(import.meta.url));
const dataset = resolve(here, '../../shared/datasets/onlineboutique-2022-08-22');
const root = mkdtempSync(join(tmpdir(), 'rescape-real-skill-'));

async function prepareRun(): Promise<{ run: string; label: string }> {
  if (values.run !== undefined) return { run: values.run, label: values.run };
  const run = join(root, 'run');
  if (values['sim-hours'] !== undefined) {
    await profileSimulated(paperProfile('social-network', Number(values['sim-hours']), 7, run));
    return { run, label: `simulated social-network, ${values['sim-hours']} h, seed 7` };
  }
  if (!existsSync(dataset))
    throw new Error(`${dataset} not found: run from a checkout with ../shared beside it`);
  await importTrace({ format: 'pod-csv', paths: [dataset], out: run });
  return { run, label: 'Online Boutique 2022-08-22 (real, 60 s step), imported with rescape import pod-csv' };
}

interface Cell {
  mae: number[];
  mape: number[];
  wmape: number[];
  skill: number[];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) =>
  xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
const pm = (xs: number[], digits: number, scale = 1) =>
  `${(mean(xs) * scale).toFixed(digits)} ± ${(sd(xs) * scale).toFixed(digits)}`;
// MAE in cores spans 1e-4 (an idle real service) to 1: three significant digits whatever the scale.
const pmSignificant = (xs: number[]) => `${mean(xs).toPrecision(3)} ± ${sd(xs).toPrecision(2)}`;

function record(cells: Map<string, Cell[]>, key: string, horizons: readonly HorizonReport[]): void {
  const row = cells.get(key) ?? horizons.map(() => ({ mae: [], mape: [], wmape: [], skill: [] }));
  horizons.forEach((h, index) => {
    const cell = row[index]!;
    cell.mae.push(h.mae);
    cell.mape.push(h.mape ?? NaN);
    cell.wmape.push(h.wmape ?? NaN);
    cell.skill.push(h.skillMae ?? NaN);
  });
  cells.set(key, row);
}

try {
  const { run, label } = await prepareRun();
  const models = values.models.split(',') as ModelKind[];
  const presets = values.presets.split(',') as PresetName[];
  const seeds = values.seeds.split(',').map(Number);
  const overrides =
    values.override === undefined ? {} : (JSON.parse(values.override) as Partial<PresetSettings>);
  const cells = new Map<string, Cell[]>();
  const seconds = new Map<string, number[]>();
  let leadSeconds: number[] = [];
  for (const preset of presets) {
    for (const kind of models) {
      for (const seed of seeds) {
        const started = performance.now();
        const result = await trainForecaster(
          presetTrainOptions({
            runDirs: [run],
            kind,
            out: join(root, `${preset}-${kind}-${seed}`),
            seed,
            preset,
            epochs: Number(values.epochs),
            ...(preset === 'default' ? { overrides } : {}),
          }),
        );
        const [model, ...references] = result.test.models;
        leadSeconds = model!.horizons.map((h) => h.leadSeconds);
        record(cells, `${kind} | ${preset}`, model!.horizons);
        if (seed === seeds[0] && preset === presets[0] && kind === models[0]) {
          for (const reference of references) record(cells, `${reference.model} | –`, reference.horizons);
        }
        const took = (performance.now() - started) / 1000;
        seconds.set(kind, [...(seconds.get(kind) ?? []), took]);
        console.error(
          `${preset} ${kind} seed ${seed}: ${result.epochs} epochs (best ${result.bestEpoch}) in ${took.toFixed(0)} s; skill ${model!.horizons.map((h) => ((h.skillMae ?? NaN) * 100).toFixed(1)).join(' / ')} %`,
        );
      }
    }
  }
  console.log(
    `Real-data skill: ${label}; seeds ${seeds.join(', ')}; ≤ ${values.epochs} epochs; test split 20 %.`,
  );
  if (Object.keys(overrides).length > 0)
    console.log(`Default preset overridden with ${JSON.stringify(overrides)}.`);
  console.log(
    'Cells: MAE (cores) | MAPE % | weighted MAPE % | skill vs last value (MAE) %, mean ± sd over seeds [worst seed].',
  );
  for (const [index, lead] of leadSeconds.entries()) {
    console.log(
      `\n${lead} s ahead\n| model | config | MAE | MAPE | wMAPE | skill [worst] |\n| --- | --- | --- | --- | --- | --- |`,
    );
    // Models first, then the references they are judged against.
    const ordered = [...cells].sort(([a], [b]) => Number(a.endsWith('| –')) - Number(b.endsWith('| –')));
    for (const [key, row] of ordered) {
      const cell = row[index]!;
      const worst = Math.min(...cell.skill);
      console.log(
        `| ${key} | ${pmSignificant(cell.mae)} | ${pm(cell.mape, 1)} | ${pm(cell.wmape, 1)} | ${pm(cell.skill, 1, 100)} [${(worst * 100).toFixed(1)}] |`,
      );
    }
  }
  console.log('\nPositive skill at every horizon for every seed:');
  for (const [key, row] of cells) {
    if (key.endsWith('| –')) continue;
    const ok = row.every((cell) => cell.skill.every((value) => value > 0));
    console.log(
      `  ${key}: ${ok ? 'yes' : 'no'} (first-horizon mean ${(mean(row[0]!.skill) * 100).toFixed(1)} %)`,
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
