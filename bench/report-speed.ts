// Benchmark: `rescape report` on a 12 h simulated run with 3 trained models: social-network (28 services, the
// paper's benchmark) by default, `--benchmark media-microservices` for 32 services and ~5× the call rows.
// Goals: the report in ≤ 3 s and the file ≤ 5 MB. In-run reference: reading the run alone (readRun), the part
// of the work every report must do. The report is timed as a user runs it: the built CLI, a fresh process each
// time (so run `npm run build` first), wall clock and, through /usr/bin/time when present, CPU seconds, which
// other jobs on the machine do not inflate. The run and the models are made
// with the CLI too and are not timed (1 epoch each: scoring a model costs the same however long it trained).
// The default report scores the models in worker threads, one per core, the main thread joining them;
// `--threads 1` and `--threads 2` are measured beside it.
// Usage: node --import tsx bench/report-speed.ts [--hours 12] [--benchmark social-network] [--models gat-gru,gat-lstm,gru] [--repeat 3]
import { execa } from 'execa';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readRun } from '../src/dataset/run-reader.js';
import { evaluateModelDirWithForecasts } from '../src/model/evaluate-model-dir.js';
import { selectBackend } from '../src/model/tf.js';

const GOAL_SECONDS = 3;
const GOAL_BYTES = 5 * 1024 * 1024;
const TIME = '/usr/bin/time';
const { values: flags } = parseArgs({
  options: {
    hours: { type: 'string', default: '12' },
    benchmark: { type: 'string', default: 'social-network' },
    models: { type: 'string', default: 'gat-gru,gat-lstm,gru' },
    repeat: { type: 'string', default: '3' },
  },
});
const repo = fileURLToPath(new URL('..', import.meta.url));
const bin = join(repo, 'bin', 'run.js');
if (!existsSync(join(repo, 'dist', 'commands', 'report.js'))) {
  console.error('dist/commands/report.js is missing: run `npm run build` first.');
  process.exit(1);
}

/** Runs the built CLI; with /usr/bin/time, also the child's user + system CPU seconds. */
async function cli(args: string[]): Promise<{ stdout: string; wall: number; cpu: number | null }> {
  const timed = existsSync(TIME);
  const command = timed ? [TIME, '-f', 'cpu %U %S', process.execPath] : [process.execPath];
  const started = performance.now();
  const result = await execa(command[0]!, [...command.slice(1), bin, ...args], {
    cwd: repo,
    stdin: 'ignore',
  });
  const wall = (performance.now() - started) / 1000;
  const times = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(result.stderr);
  return { stdout: result.stdout, wall, cpu: times ? Number(times[1]) + Number(times[2]) : null };
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
const root = mkdtempSync(join(tmpdir(), 'rescape-report-speed-'));
try {
  const run = join(root, 'run');
  const profile = JSON.parse(
    (
      await cli([
        'profile',
        ...[
          '--benchmark',
          flags.benchmark,
          '--duration',
          `${flags.hours}h`,
          '--seed',
          '7',
          '--out',
          run,
          '--json',
        ],
      ])
    ).stdout,
  ) as { steps: number; services: number; callRows: number };
  const kinds = flags.models.split(',');
  const modelDirs = kinds.map((kind) => join(root, kind));
  for (const [index, kind] of kinds.entries()) {
    await cli(['train', run, '--model', kind, '--epochs', '1', '--out', modelDirs[index]!]);
    console.error(`trained ${kind} (untimed)`);
  }

  const repeat = Number(flags.repeat);
  const reads: number[] = [];
  for (let i = 0; i < repeat; i += 1) {
    const started = performance.now();
    readRun(run);
    reads.push((performance.now() - started) / 1000);
  }
  // Where a report's time goes: scoring each model on the run already read (in this process, warm).
  await selectBackend();
  const data = readRun(run);
  const scoring: string[] = [];
  for (const [index, modelDir] of modelDirs.entries()) {
    const started = performance.now();
    const detail = await evaluateModelDirWithForecasts(modelDir, [run], { runs: [data] });
    const windows = detail.result.test.windows;
    scoring.push(
      `${kinds[index]} ${((performance.now() - started) / 1000).toFixed(2)} s (${windows} windows)`,
    );
  }

  const measure = async (models: string[], extra: string[] = []) => {
    const runs: { wall: number; cpu: number | null; inside: number; bytes: number; sections: string[] }[] =
      [];
    for (let i = 0; i < repeat; i += 1) {
      const out = join(root, `report-${models.length}-${extra.join('')}-${i}.html`);
      const { stdout, wall, cpu } = await cli([
        'report',
        run,
        ...models.flatMap((dir) => ['--model', dir]),
        '--out',
        out,
        '--json',
        ...extra,
      ]);
      const summary = JSON.parse(stdout) as { bytes: number; seconds: number; sections: string[] };
      runs.push({ wall, cpu, inside: summary.seconds, bytes: summary.bytes, sections: summary.sections });
    }
    const cpus = runs.map((r) => r.cpu).filter((cpu): cpu is number => cpu !== null);
    return {
      wall: median(runs.map((r) => r.wall)),
      cpu: cpus.length > 0 ? median(cpus) : null,
      inside: median(runs.map((r) => r.inside)),
      bytes: runs[0]!.bytes,
      sections: runs[0]!.sections,
    };
  };
  const full = await measure(modelDirs);
  const mainThread = await measure(modelDirs, ['--threads', '1']);
  const withWorker = await measure(modelDirs, ['--threads', '2']);
  const runOnly = await measure([]);
  const read = median(reads);
  const s = (value: number | null) => (value === null ? '–' : `${value.toFixed(2)} s`);
  const ratio = (value: number | null) => (value === null ? '–' : `${(value / GOAL_SECONDS).toFixed(2)}×`);

  console.log(
    `rescape report: ${flags.benchmark}, ${flags.hours} h simulated (${profile.steps} steps × ${profile.services} services, ${profile.callRows.toLocaleString('en-US')} call rows); median of ${repeat}; Node ${process.version}; load average ${loadavg()[0]!.toFixed(1)} at the end`,
  );
  console.log(
    '| report | wall | CPU (user+sys) | inside the process | wall / 3 s | CPU / 3 s | file | file / 5 MB |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, result] of [
    [`${kinds.length} models (${kinds.join(', ')}), default (${availableParallelism()} cores)`, full],
    [`${kinds.length} models, all in the main thread (--threads 1)`, mainThread],
    [`${kinds.length} models, one worker thread + the main thread (--threads 2)`, withWorker],
    ['run only', runOnly],
  ] as const) {
    console.log(
      `| ${name} | ${s(result.wall)} | ${s(result.cpu)} | ${s(result.inside)} | ${ratio(result.wall)} | ${ratio(result.cpu)} | ${(result.bytes / 1024 / 1024).toFixed(2)} MB | ${(result.bytes / GOAL_BYTES).toFixed(2)}× |`,
    );
  }
  console.log(
    `Reference, reading the run alone (readRun, in-process): ${s(read)}; the full report is ${(full.wall / read).toFixed(1)}× that.`,
  );
  console.log(`Scoring each model on the run already read (warm, in-process): ${scoring.join('; ')}.`);
  console.log(`Sections: ${full.sections.join(', ')}.`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
