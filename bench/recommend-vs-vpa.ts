// Experiment: forecast-based recommendations (`rescape recommend`) against the VPA-style baseline, replayed
// over the test split of one simulated run. The VPA row is fixed (its defaults: p90 of the decaying history
// + 15 %); the forecast method is swept over --quantile and --headroom, so the table shows the whole
// over- vs under-provisioning trade-off rather than one point of it.
// Usage: node --import tsx bench/recommend-vs-vpa.ts [--hours 2] [--epochs 10] [--model gru] [--seed 7]
//   [--benchmark social-network] [--quantiles 0.5,0.7,0.8,0.9,0.95,0.99] [--headrooms 0,0.15]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ModelKind } from '../src/model/model-types.js';
import { trainForecaster } from '../src/model/train-forecaster.js';
import { presetTrainOptions } from '../src/model/training-presets.js';
import { profileSimulated } from '../src/profiler/simulated-profile.js';
import { paperProfile } from './paper-profile.js';
import type { ProvisioningTotals } from '../src/recommend/provisioning-tally.js';
import { RECOMMEND_DEFAULTS } from '../src/recommend/recommend-options.js';
import { recommendResources } from '../src/recommend/recommend-resources.js';
import type { BenchmarkName } from '../src/sim/topology-types.js';

const { values } = parseArgs({
  options: {
    hours: { type: 'string', default: '2' },
    epochs: { type: 'string', default: '10' },
    model: { type: 'string', default: 'gru' },
    seed: { type: 'string', default: '7' },
    benchmark: { type: 'string', default: 'social-network' },
    quantiles: { type: 'string', default: '0.5,0.7,0.8,0.9,0.95,0.99' },
    headrooms: { type: 'string', default: '0,0.15' },
  },
});
const numbers = (text: string) => text.split(',').map(Number);
const root = mkdtempSync(join(tmpdir(), 'rescape-recommend-'));
try {
  const run = join(root, 'run');
  const model = join(root, 'model');
  await profileSimulated(
    paperProfile(values.benchmark as BenchmarkName, Number(values.hours), Number(values.seed), run),
  );
  const trained = await trainForecaster(
    presetTrainOptions({
      runDirs: [run],
      kind: values.model as ModelKind,
      out: model,
      seed: Number(values.seed),
      preset: 'default',
      epochs: Number(values.epochs),
    }),
  );
  const skill = trained.test.models[0]!.horizons.map((h) => `${((h.skillMae ?? 0) * 100).toFixed(1)} %`);
  console.error(`${values.model}: ${trained.epochs} epochs in ${trained.trainSeconds.toFixed(0)} s`);

  const row = (name: string, totals: ProvisioningTotals) =>
    `| ${name} | ${totals.provisionedCoreSeconds.toFixed(0)} | ${totals.overCoreSeconds.toFixed(0)} | ${totals.underCoreSeconds.toFixed(1)} | ${(totals.underProvisionedFraction * 100).toFixed(1)} % |`;
  const rows: string[] = [];
  let vpa = '';
  let header = '';
  for (const headroom of numbers(values.headrooms)) {
    for (const quantile of numbers(values.quantiles)) {
      const result = await recommendResources({
        modelDir: model,
        runDir: run,
        quantile,
        headroom,
        minCpu: RECOMMEND_DEFAULTS.minCpu,
        peakFactor: RECOMMEND_DEFAULTS.peakFactor,
        namespace: RECOMMEND_DEFAULTS.namespace,
        map: [],
        compareVpa: true,
      });
      const comparison = result.comparison!;
      rows.push(row(`forecast q ${quantile}, headroom ${headroom * 100} %`, comparison.totals.forecast));
      vpa = row('VPA-style (p90 of history + 15 %)', comparison.totals.vpa);
      header = `${comparison.decisions} decisions at steps ${comparison.firstStep - 1}..${comparison.lastStep - comparison.horizon}, ${comparison.horizon}-step horizon, ${comparison.totals.vpa.usedCoreSeconds.toFixed(0)} core-s used`;
    }
  }
  console.log(
    `Recommend vs VPA-style: ${values.benchmark}, ${values.hours} h simulated, seed ${values.seed}, ${values.model} ${trained.epochs} epochs (test skill vs last value ${skill.join(' / ')}); ${header}.`,
  );
  console.log('| method | provisioned core-s | over core-s | under core-s | under-provisioned steps |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const line of [vpa, ...rows]) console.log(line);
} finally {
  rmSync(root, { recursive: true, force: true });
}
