// Benchmark: the RESCAPE paper's Table III analogue — every model trained on the same simulated run and
// scored on its test split beside the last-value and seasonal-naive references (MAE, MAPE, weighted MAPE,
// skill vs last value, per horizon). Usage: node --import tsx bench/table3.ts [--hours 12] [--epochs 50]
//   [--models gat-gru,gat-lstm,gru,lstm,fc,gcn] [--seed 7]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { profileSimulated } from '../src/profiler/simulated-profile.js';
import { paperProfile } from './paper-profile.js';
import { trainForecaster, PAPER_DEFAULTS } from '../src/model/train-forecaster.js';
import { presetTrainOptions } from '../src/model/training-presets.js';
import type { ModelKind } from '../src/model/model-types.js';

const { values } = parseArgs({
  options: {
    hours: { type: 'string', default: '12' },
    epochs: { type: 'string', default: String(PAPER_DEFAULTS.epochs) },
    models: { type: 'string', default: 'gat-gru,gat-lstm,gru,lstm,fc,gcn,call-gru,dense' },
    seed: { type: 'string', default: '7' },
    paper: { type: 'boolean', default: false },
  },
});
const root = mkdtempSync(join(tmpdir(), 'rescape-table3-'));
try {
  const run = join(root, 'run');
  await profileSimulated(paperProfile('social-network', Number(values.hours), Number(values.seed), run));
  const rows: string[] = [];
  let references: string[] = [];
  for (const kind of values.models.split(',') as ModelKind[]) {
    const result = await trainForecaster(
      presetTrainOptions({
        runDirs: [run],
        kind,
        out: join(root, kind),
        seed: Number(values.seed),
        preset: values.paper ? 'paper' : 'default',
        epochs: Number(values.epochs),
      }),
    );
    const line = (name: string, horizons: (typeof result.test.models)[number]['horizons'], seconds: string) =>
      `| ${name} | ${horizons.map((h) => `${h.mae.toFixed(4)} / ${h.mape?.toFixed(1) ?? '–'} % / ${h.wmape?.toFixed(1) ?? '–'} % / ${h.skillMae === null ? '–' : (100 * h.skillMae).toFixed(1)} %`).join(' | ')} | ${seconds} |`;
    rows.push(
      line(
        kind,
        result.test.models[0]!.horizons,
        `${result.secondsPerEpoch?.toFixed(1) ?? '–'} (${result.backend})`,
      ),
    );
    references = result.test.models.slice(1).map((model) => line(model.model, model.horizons, '–'));
    console.error(`${kind}: done in ${result.trainSeconds.toFixed(0)} s`);
  }
  console.log(
    `Table III analogue: social-network, ${values.hours} h simulated, seed ${values.seed}, ${values.epochs} epochs, ${values.paper ? '--paper' : 'defaults'}`,
  );
  console.log('Cells: MAE (cores) / MAPE / weighted MAPE / skill vs last value (MAE).');
  console.log('| model | 30 s | 60 s | 90 s | s/epoch |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const row of [...rows, ...references]) console.log(row);
} finally {
  rmSync(root, { recursive: true, force: true });
}
