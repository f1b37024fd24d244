// Benchmark: training speed (seconds per epoch) and single-forecast latency of GAT-GRU and GRU on
// TensorFlow.js, at the paper's configuration (30 services, window 10 → horizon 3, hidden 48, 4 heads,
// batch 48, Adam lr 0.001, ~1,400 training windows), side by side with the project's PyTorch
// implementation of the same models (bench/train_speed_reference.py, run here on Debian's python3-torch
// through /usr/bin/python3), printing tfjs / PyTorch ratios. Goal: ≤ 1.0× for both.
//
// Both sides get the same random sparse call graph (generated here, sent to Python as JSON on stdin),
// random data of the same shape, the same epoch loop (shuffle, batch, forward, MSE, backward, Adam),
// s/epoch as the median of 3 epochs after a warm-up, and ms/forecast as the median of 200 batch-1
// forward passes after a warm-up, in wall time and in the process's CPU time (tfjs: `training: false`,
// which runs the recurrent models' inference path; the same forecast through the differentiable path is
// timed alongside). A parity check loads the tfjs model's weights into the PyTorch model and compares both
// forecasts on the same windows, so the two really are the same model.
//
//   npm run bench:train [-- [--torch-threads 2] [--cpu] [--models gat-gru] [--epochs 1] [--python /path/to/python3]]
//
// --epochs sets the timed epochs (default 3; 1 for a quicker run, e.g. when only forecasts matter).
// --cpu adds one reduced measurement on tfjs' cpu backend (GAT-GRU, 48 windows, ~30 s; off by default to
// keep the run under 5 minutes). --python picks another interpreter for the reference (default Debian's).
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { Random } from '../src/core/random.js';
import { createModel } from '../src/model/create-model.js';
import type { GraphInput, ModelConfig } from '../src/model/model-types.js';
import { selectBackend, tf, type BackendName } from '../src/model/tf.js';
import { trainModel, type TrainingSettings, type WindowArrays } from '../src/model/trainer.js';

const REFERENCE = fileURLToPath(new URL('./train_speed_reference.py', import.meta.url));

const SERVICES = 30;
const CALL_EDGES = 35;
const TRAIN_WINDOWS = 1400;
const FORECASTS = 200;
/** The cpu backend is >10× slower: it trains on one batch (one warm-up, one timed epoch), scaled up. */
const CPU_WINDOWS = 48;
/** …and times 10 forecasts. */
const CPU_FORECASTS = 10;

type Kind = 'gat-gru' | 'gru';

const { values: flags } = parseArgs({
  options: {
    'torch-threads': { type: 'string', default: '1' },
    cpu: { type: 'boolean', default: false },
    python: { type: 'string', default: '/usr/bin/python3' },
    models: { type: 'string', default: 'gat-gru,gru' },
    epochs: { type: 'string', default: '3' },
  },
});
const python = flags.python;
const torchThreads = Number(flags['torch-threads']);
if (!Number.isInteger(torchThreads) || torchThreads < 1) {
  throw new Error(`--torch-threads must be a positive integer, got ${flags['torch-threads']}`);
}
const TIMED_EPOCHS = Number(flags.epochs);
if (!Number.isInteger(TIMED_EPOCHS) || TIMED_EPOCHS < 1) {
  throw new Error(`--epochs must be a positive integer, got ${flags.epochs}`);
}
const kinds = flags.models.split(',').map((kind) => kind.trim());
for (const kind of kinds) {
  if (kind !== 'gat-gru' && kind !== 'gru') throw new Error(`--models: unknown model ${kind} (gat-gru, gru)`);
}

const baseConfig: Omit<ModelConfig, 'kind'> = {
  window: 10,
  horizon: 3,
  services: SERVICES,
  features: 1,
  targets: 1,
  hidden: 48,
  heads: 4,
  dropout: 0.3,
  residual: true,
  seasonSteps: 2,
  seed: 1,
};

const settings: TrainingSettings = {
  epochs: 1 + TIMED_EPOCHS,
  batchSize: 48,
  learningRate: 0.001,
  patience: null,
  clipNorm: null,
  loss: 'mse',
  seed: 1,
};

/**
 * A random connected call graph: a random spanning tree plus random extra edges, `edges` in all, made
 * symmetric (a service attends to its callers and its callees). adjacency[i·n + j] > 0: i attends to j.
 */
function randomGraph(services: number, edges: number, random: Random): GraphInput {
  const adjacency = new Float32Array(services * services);
  const link = (a: number, b: number): boolean => {
    if (a === b || adjacency[a * services + b] !== 0) return false;
    adjacency[a * services + b] = 1;
    adjacency[b * services + a] = 1;
    return true;
  };
  let added = 0;
  for (let service = 1; service < services; service += 1) {
    if (link(service, random.int(0, service - 1))) added += 1;
  }
  while (added < edges) {
    if (link(random.int(0, services - 1), random.int(0, services - 1))) added += 1;
  }
  return { adjacency, services };
}

function randomWindows(count: number, random: Random): WindowArrays {
  const { window, horizon, services, features, targets } = baseConfig;
  const inputs = new Float32Array(count * window * services * features);
  const outputs = new Float32Array(count * horizon * services * targets);
  for (let index = 0; index < inputs.length; index += 1) inputs[index] = random.uniform();
  for (let index = 0; index < outputs.length; index += 1) outputs[index] = random.uniform();
  return { inputs, targets: outputs, count };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

interface TfjsResult {
  kind: Kind;
  backend: BackendName;
  secondsPerEpoch: number;
  forecastMs: number;
  /** Median CPU time of this process per forecast: on a busy machine it varies far less than wall time. */
  forecastCpuMs: number;
  /**
   * The same forecast through the differentiable path the trainer uses (`training: true`; the recurrent
   * models have no dropout, so it is the same function), i.e. without the inference path: wall and CPU.
   */
  genericForecastMs: number;
  genericForecastCpuMs: number;
  /** Windows the epochs actually trained on (the cpu backend's s/epoch is scaled to TRAIN_WINDOWS). */
  windows: number;
  /** The model's weights (scope removed) and the forecasts for the probe windows, for the parity check. */
  weights: Record<string, number[]>;
  probeOutputs: Float32Array;
}

/** Per-forecast wall and CPU times, ms. */
function newTimings(): { wall: number[]; cpu: number[] } {
  return { wall: [], cpu: [] };
}

const noValidation: WindowArrays = { inputs: new Float32Array(0), targets: new Float32Array(0), count: 0 };

async function measureTfjs(
  kind: Kind,
  backend: BackendName,
  graph: GraphInput,
  train: WindowArrays,
  probe: tf.Tensor4D,
  forecasts: number,
  epochs: TrainingSettings,
): Promise<TfjsResult> {
  const model = createModel({ ...baseConfig, kind }, graph);
  try {
    // Validation is empty, so an epoch's seconds are the training batches alone, as in the reference.
    const outcome = await trainModel(model, train, noValidation, epochs);
    const epochSeconds = outcome.history.slice(1).map((record) => record.seconds);
    const secondsPerEpoch = (median(epochSeconds) * TRAIN_WINDOWS) / train.count;

    const one = tf.slice(probe, [0, 0, 0, 0], [1, -1, -1, -1]);
    // The two paths alternate, so that both see the same load on a busy machine.
    const timings = { inference: newTimings(), generic: newTimings() };
    for (let index = 0; index < 10 + forecasts; index += 1) {
      for (const training of [false, true]) {
        const started = performance.now();
        const cpuStarted = process.cpuUsage();
        const forecast = model.forward(one, { training });
        forecast.dataSync();
        forecast.dispose();
        const cpu = process.cpuUsage(cpuStarted);
        if (index < 10) continue;
        const timing = training ? timings.generic : timings.inference;
        timing.wall.push(performance.now() - started);
        timing.cpu.push((cpu.user + cpu.system) / 1000);
      }
    }
    one.dispose();

    // With no validation set the trainer hands back the initial weights, whose zero biases and zero
    // output kernel would make the parity check trivial: perturb every weight first.
    model.variables.forEach((variable, index) => {
      tf.tidy(() =>
        variable.assign(tf.add(variable, tf.randomUniform(variable.shape, -0.2, 0.2, 'float32', index))),
      );
    });
    const probeForecast = model.forward(probe, { training: false });
    const probeOutputs = probeForecast.dataSync() as Float32Array;
    probeForecast.dispose();
    const weights: Record<string, number[]> = {};
    for (const variable of model.variables) {
      weights[variable.name.slice(kind.length + 1)] = Array.from(variable.dataSync());
    }
    return {
      kind,
      backend,
      secondsPerEpoch,
      forecastMs: median(timings.inference.wall),
      forecastCpuMs: median(timings.inference.cpu),
      genericForecastMs: median(timings.generic.wall),
      genericForecastCpuMs: median(timings.generic.cpu),
      windows: train.count,
      weights,
      probeOutputs,
    };
  } finally {
    model.dispose();
  }
}

function tfjsMatmulGflops(rows: number, inner: number, cols: number): number {
  const a = tf.randomUniform([rows, inner]) as tf.Tensor2D;
  const b = tf.randomUniform([inner, cols]) as tf.Tensor2D;
  const times: number[] = [];
  for (let index = 0; index < 210; index += 1) {
    const started = performance.now();
    const product = tf.matMul(a, b);
    product.dataSync();
    product.dispose();
    if (index >= 10) times.push(performance.now() - started);
  }
  tf.dispose([a, b]);
  return (2 * rows * inner * cols) / (median(times) / 1000) / 1e9;
}

interface ReferenceResult {
  model: Kind;
  secondsPerEpoch: number;
  forecastMs: number;
  forecastCpuMs: number;
  parityOutputs?: number[];
}

interface ReferenceOutput {
  torch: string;
  python: string;
  threads: number;
  blas: string;
  matmulGflops: number;
  results: ReferenceResult[];
}

async function torchVersion(): Promise<string | Error> {
  const probe = await execa(python, ['-c', 'import torch; print(torch.__version__)'], { reject: false });
  if (probe.exitCode === 0) return probe.stdout.trim();
  const stderr = probe.stderr.trim();
  return new Error(stderr === '' ? probe.shortMessage : (stderr.split('\n').at(-1) ?? stderr));
}

async function runReference(spec: object): Promise<ReferenceOutput> {
  const args = ['--threads', String(torchThreads), '--epochs', String(TIMED_EPOCHS)];
  args.push('--forecasts', String(FORECASTS), '--spec', '-');
  const result = await execa(python, [REFERENCE, ...args], {
    input: JSON.stringify(spec),
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(result.stdout) as ReferenceOutput;
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((cell, index) => cell.padStart(widths[index] ?? 0)).join('  ');
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((cell, index) =>
    Math.max(cell.length, ...rows.map((row) => row[index]?.length ?? 0)),
  );
  console.log(pad(header, widths));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(pad(row, widths));
}

const started = performance.now();
const random = Random.fromSeed(7);
const graph = randomGraph(SERVICES, CALL_EDGES, random.stream(0));
const train = randomWindows(TRAIN_WINDOWS, random.stream(1));
const attentionLinks = graph.adjacency.reduce((count, weight) => count + (weight > 0 ? 1 : 0), 0);
console.log(
  `${kinds.join(', ')}: ${SERVICES} services, ${CALL_EDGES} call edges (${attentionLinks} attention links + ${SERVICES} self loops), ` +
    `window ${baseConfig.window} → ${baseConfig.horizon}, hidden ${baseConfig.hidden}, ${baseConfig.heads} heads, ` +
    `batch ${settings.batchSize}, ${TRAIN_WINDOWS} training windows`,
);
console.log(
  `Node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()
    .map((load) => load.toFixed(2))
    .join(' ')}`,
);

await selectBackend('wasm');
const probeData = randomWindows(4, random.stream(2));
const probe = tf.tensor4d(probeData.inputs, [
  probeData.count,
  baseConfig.window,
  SERVICES,
  baseConfig.features,
]);
const results: TfjsResult[] = [];
for (const kind of kinds as Kind[]) {
  results.push(await measureTfjs(kind, 'wasm', graph, train, probe, FORECASTS, settings));
  console.error(`tfjs wasm ${kind}: done (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
const gemmShape: [number, number, number] = [
  settings.batchSize * SERVICES,
  baseConfig.hidden,
  3 * baseConfig.hidden,
];
const wasmGflops = tfjsMatmulGflops(...gemmShape);

if (flags.cpu) {
  // One reduced measurement: GAT-GRU on a slice of the windows, one warm-up and one timed epoch.
  await selectBackend('cpu');
  const cpuProbe = tf.tensor4d(probeData.inputs, probe.shape);
  const cpuTrain: WindowArrays = {
    inputs: train.inputs.subarray(0, CPU_WINDOWS * baseConfig.window * SERVICES),
    targets: train.targets.subarray(0, CPU_WINDOWS * baseConfig.horizon * SERVICES),
    count: CPU_WINDOWS,
  };
  const kind = kinds[0] as Kind;
  results.push(
    await measureTfjs(kind, 'cpu', graph, cpuTrain, cpuProbe, CPU_FORECASTS, {
      ...settings,
      epochs: 2,
    }),
  );
  cpuProbe.dispose();
  console.error(`tfjs cpu ${kind}: done (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  await selectBackend('wasm');
}
probe.dispose();

const version = await torchVersion();
let reference: ReferenceOutput | undefined;
if (version instanceof Error) {
  console.log(
    `\nPyTorch reference skipped: ${python} cannot import torch (${version.message}). ` +
      `Install Debian's python3-torch (apt-get install python3-torch) or pass --python to compare; tfjs figures alone below.`,
  );
} else {
  const parity: Record<string, { weights: Record<string, number[]>; inputs: number[]; shape: number[] }> = {};
  for (const result of results) {
    if (result.backend !== 'wasm') continue;
    parity[result.kind] = {
      weights: result.weights,
      inputs: Array.from(probeData.inputs),
      shape: probe.shape,
    };
  }
  reference = await runReference({
    ...baseConfig,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    trainWindows: TRAIN_WINDOWS,
    models: kinds,
    adjacency: Array.from(graph.adjacency),
    parity,
  });
  console.error(`PyTorch: done (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

const forecastCount = `${FORECASTS}${flags.cpu ? ` (tfjs-cpu: ${CPU_FORECASTS})` : ''}`;
const header = ['model', 'backend', 's/epoch', 'ms/forecast'];
if (reference) header.push('PyTorch s/epoch', 'PyTorch ms/forecast', 'epoch ratio', 'forecast ratio');
const rows = results.map((result) => {
  const epoch = `${result.secondsPerEpoch.toFixed(2)}${result.windows < TRAIN_WINDOWS ? '*' : ''}`;
  const row = [result.kind, `tfjs-${result.backend}`, epoch, result.forecastMs.toFixed(2)];
  const torch = reference?.results.find((entry) => entry.model === result.kind);
  if (torch) {
    row.push(
      torch.secondsPerEpoch.toFixed(2),
      torch.forecastMs.toFixed(2),
      `${(result.secondsPerEpoch / torch.secondsPerEpoch).toFixed(2)}×`,
      `${(result.forecastMs / torch.forecastMs).toFixed(2)}×`,
    );
  }
  return row;
});
console.log('');
printTable(header, rows);
if (results.some((result) => result.windows < TRAIN_WINDOWS)) {
  console.log(`* trained on ${CPU_WINDOWS} windows (one timed epoch), scaled to ${TRAIN_WINDOWS}`);
}
console.log(
  `${reference ? 'ratio = tfjs / PyTorch (goal ≤ 1.00×); ' : ''}s/epoch: median of ${TIMED_EPOCHS} epoch${TIMED_EPOCHS === 1 ? '' : 's'} after 1 warm-up; ` +
    `ms/forecast: batch 1, forward only, median of ${forecastCount}`,
);

// Single forecasts in detail: wall and CPU time, the inference path beside the differentiable one.
const forecastHeader = ['model', 'backend', 'inference', 'CPU', 'differentiable', 'CPU'];
if (reference) forecastHeader.push('PyTorch', 'CPU', 'ratio', 'CPU ratio');
const forecastRows = results.map((result) => {
  const row = [
    result.kind,
    `tfjs-${result.backend}`,
    ...[result.forecastMs, result.forecastCpuMs, result.genericForecastMs, result.genericForecastCpuMs].map(
      (ms) => ms.toFixed(2),
    ),
  ];
  const torch = reference?.results.find((entry) => entry.model === result.kind);
  if (torch) {
    row.push(
      torch.forecastMs.toFixed(2),
      torch.forecastCpuMs.toFixed(2),
      `${(result.forecastMs / torch.forecastMs).toFixed(2)}×`,
      `${(result.forecastCpuMs / torch.forecastCpuMs).toFixed(2)}×`,
    );
  }
  return row;
});
console.log('');
printTable(forecastHeader, forecastRows);
console.log(
  `ms per single forecast, median of ${forecastCount}: wall time, then the CPU time of the process (less sensitive to ` +
    `other load); tfjs inference path (training: false) and differentiable path (training: true) alternated`,
);
console.log('');

if (reference) {
  console.log(
    `PyTorch ${reference.torch} (Python ${reference.python}, ${reference.threads} thread${reference.threads === 1 ? '' : 's'}, ` +
      `BLAS ${reference.blas}); tfjs-wasm single-threaded (no wasm threads under Node)`,
  );
  console.log(
    `[${gemmShape.join('×')}] matmul: tfjs-wasm ${wasmGflops.toFixed(1)} GFLOP/s, PyTorch ${reference.matmulGflops.toFixed(1)} GFLOP/s`,
  );
  for (const result of results) {
    const outputs = reference.results.find((entry) => entry.model === result.kind)?.parityOutputs;
    if (result.backend !== 'wasm' || outputs === undefined) continue;
    let worst = 0;
    outputs.forEach((value, index) => {
      worst = Math.max(worst, Math.abs(value - (result.probeOutputs[index] ?? NaN)));
    });
    console.log(
      `parity ${result.kind}: PyTorch with the tfjs weights, max |Δ forecast| = ${worst.toExponential(1)} over ${outputs.length} values`,
    );
  }
} else {
  console.log(`tfjs-wasm [${gemmShape.join('×')}] matmul: ${wasmGflops.toFixed(1)} GFLOP/s`);
}
console.log(`whole benchmark: ${((performance.now() - started) / 1000).toFixed(0)} s`);
