// Benchmark: wall time of `rescape profile --cluster sim` (social-network, 30 s step) for 3, 6 and 12 h
// of simulated time, written to a run directory. Goal: 12 h ≤ 5 s on a 2-core machine, cost linear in
// steps. Reference measured in the same run: appending the same bytes to the same files with plain
// fs.appendFileSync (the I/O floor), so the ratio shows what the simulation itself costs.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileSimulated } from '../src/profiler/simulated-profile.js';
import { paperProfile } from './paper-profile.js';

const files = ['ms_metric.csv', 'ms_callgraph.csv', 'load.csv'];
const root = mkdtempSync(join(tmpdir(), 'rescape-bench-'));
const rows: string[] = [];
let twelveHours = 0;
let threeHours = 0;
try {
  for (const hours of [3, 6, 12]) {
    const out = join(root, `run-${hours}h`);
    const started = performance.now();
    const result = await profileSimulated(paperProfile('social-network', hours, 1, out));
    const seconds = (performance.now() - started) / 1000;

    // I/O floor: the same bytes appended to the same files, one write per file per step.
    const floorDir = join(root, `floor-${hours}h`);
    mkdirSync(floorDir);
    const contents = files.map((file) => readFileSync(join(out, file)));
    const floorStarted = performance.now();
    for (let step = 0; step < result.steps; step += 1) {
      contents.forEach((bytes, index) => {
        const chunk = Math.ceil(bytes.length / result.steps);
        appendFileSync(join(floorDir, files[index]!), bytes.subarray(step * chunk, (step + 1) * chunk));
      });
    }
    const floor = (performance.now() - floorStarted) / 1000;
    const cells = result.steps * result.services;
    rows.push(
      `${String(hours).padStart(3)} h  ${String(result.steps).padStart(5)} steps  ${String(result.callRows).padStart(7)} calls  ${seconds.toFixed(2).padStart(6)} s  ${((seconds / cells) * 1e6).toFixed(1).padStart(6)} µs/(service·step)  I/O floor ${floor.toFixed(2)} s  ratio ${(seconds / floor).toFixed(1)}×`,
    );
    if (hours === 12) twelveHours = seconds;
    if (hours === 3) threeHours = seconds;
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
console.log('rescape profile --cluster sim, social-network, 30 s step');
for (const row of rows) console.log(row);
console.log(`12 h vs 3 h: ${(twelveHours / threeHours).toFixed(2)}× (linear = 4×)`);
console.log(
  `12 h: ${twelveHours.toFixed(2)} s = ${(twelveHours / 5).toFixed(2)}× the 5 s goal${twelveHours <= 5 ? ' (met)' : ' (NOT met)'}`,
);
