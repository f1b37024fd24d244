// Mini-batch training of a ForecastModel on normalised windows: Adam, seeded shuffling, validation
// loss every epoch, the best epoch's weights kept, optional early stopping, and an optional
// per-epoch checkpoint so an interrupted run resumes where it stopped.
import { tf } from './tfjs.cjs';
import { Random } from '../core/random.js';
import { ignoreProgress, type ProgressListener } from '../core/progress.js';
import type { ForecastModel } from './model-types.js';
import { readBack } from './read-back.js';

export interface WindowArrays {
  /** [count × window × services × features] and [count × horizon × services × targets], normalised. */
  inputs: Float32Array;
  targets: Float32Array;
  count: number;
}

export interface TrainingSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Stop after this many epochs without a better validation loss; null trains every epoch. */
  patience: number | null;
  /** Clip the global gradient norm to this value; null leaves gradients alone. */
  clipNorm: number | null;
  loss: 'mse' | 'huber';
  seed: number;
  /**
   * Decoupled weight decay (AdamW): after each step every kernel shrinks by lr × weightDecay. Biases are left
   * alone. 0 or unset: plain Adam, as the paper.
   */
  weightDecay?: number;
  /**
   * 'cosine': the learning rate falls from its value at epoch 1 to a tenth of it at the last epoch along a
   * half cosine, so late epochs refine rather than jump. Depends on the epoch only, so a resumed run follows
   * the same schedule. 'constant' or unset: the paper's fixed rate.
   */
  learningRateSchedule?: 'constant' | 'cosine';
}

/** The learning rate for `epoch` (1-based) of `epochs` under the settings' schedule. */
export function learningRateAt(settings: TrainingSettings, epoch: number): number {
  if (settings.learningRateSchedule !== 'cosine' || settings.epochs <= 1) return settings.learningRate;
  const progress = (epoch - 1) / (settings.epochs - 1);
  const floor = 0.1;
  return settings.learningRate * (floor + ((1 - floor) * (1 + Math.cos(Math.PI * progress))) / 2);
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  validationLoss: number;
  seconds: number;
  /** The ensemble member the epoch belongs to (ensembles only). */
  member?: number;
}

export interface TrainingState {
  /** Epochs finished so far, their records, and the best so far. */
  epochsDone: number;
  history: EpochRecord[];
  bestEpoch: number;
  bestValidationLoss: number;
  /** Epochs since the best one, for early stopping. */
  sinceBest: number;
}

export interface TrainingCheckpoint {
  /** Restores a saved state into the model and optimizer; null when there is none. */
  restore(
    model: ForecastModel,
    optimizer: tf.AdamOptimizer,
  ): Promise<{ state: TrainingState; best: tf.NamedTensorMap } | null>;
  save(
    model: ForecastModel,
    optimizer: tf.AdamOptimizer,
    state: TrainingState,
    best: tf.NamedTensorMap,
  ): Promise<void>;
}

export interface TrainingOutcome extends TrainingState {
  stoppedEarly: boolean;
  interrupted: boolean;
  resumedFromEpoch: number | null;
  trainSeconds: number;
}

export interface TrainingDeps {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  checkpoint?: TrainingCheckpoint;
  now?: () => number;
}

export async function trainModel(
  model: ForecastModel,
  train: WindowArrays,
  validation: WindowArrays,
  settings: TrainingSettings,
  deps: TrainingDeps = {},
): Promise<TrainingOutcome> {
  const now = deps.now ?? (() => performance.now());
  const onProgress = deps.onProgress ?? ignoreProgress;
  const optimizer = tf.train.adam(settings.learningRate);
  let state: TrainingState = {
    epochsDone: 0,
    history: [],
    bestEpoch: 0,
    bestValidationLoss: Infinity,
    sinceBest: 0,
  };
  let best: tf.NamedTensorMap = snapshot(model.variables);
  const restored = await deps.checkpoint?.restore(model, optimizer);
  if (restored) {
    disposeMap(best);
    state = restored.state;
    best = restored.best;
  }
  const resumedFromEpoch = restored ? state.epochsDone : null;
  const started = now();
  let stoppedEarly = false;
  let interrupted = false;
  const inputShape = inputDims(model);
  const targetShape = targetDims(model);
  if (state.epochsDone === 0 && state.history.length === 0 && validation.count > 0) {
    state.bestValidationLoss = evaluateLoss(model, validation, settings, inputShape, targetShape);
  }

  try {
    while (state.epochsDone < settings.epochs) {
      if (deps.signal?.aborted) {
        interrupted = true;
        break;
      }
      if (settings.patience !== null && state.sinceBest >= settings.patience) {
        stoppedEarly = true;
        break;
      }
      const epochStarted = now();
      const epoch = state.epochsDone + 1;
      // tfjs's Adam reads its (TypeScript-protected) learningRate field on every update.
      (optimizer as unknown as { learningRate: number }).learningRate = learningRateAt(settings, epoch);
      // One stream per epoch: a resumed run shuffles exactly as an uninterrupted one would.
      const order = permutation(train.count, Random.fromSeed(settings.seed).stream(epoch));
      let lossSum = 0;
      for (let start = 0; start < train.count; start += settings.batchSize) {
        const batch = order.subarray(start, Math.min(train.count, start + settings.batchSize));
        lossSum +=
          trainBatch(model, optimizer, train, batch, settings, inputShape, targetShape) * batch.length;
        onProgress({
          phase: `train ${model.config.kind}`,
          done: state.epochsDone * train.count + start + batch.length,
          total: settings.epochs * train.count,
          message: `epoch ${epoch}/${settings.epochs}`,
        });
        if (deps.signal?.aborted) break;
      }
      if (deps.signal?.aborted) {
        // A partial epoch is not recorded: resuming redoes it from the last checkpoint.
        interrupted = true;
        break;
      }
      // With no validation windows (a --split without one), the training loss picks the best epoch.
      const validationLoss =
        validation.count === 0
          ? lossSum / train.count
          : evaluateLoss(model, validation, settings, inputShape, targetShape);
      const record: EpochRecord = {
        epoch,
        loss: lossSum / train.count,
        validationLoss,
        seconds: (now() - epochStarted) / 1000,
      };
      state.history.push(record);
      state.epochsDone = epoch;
      if (validationLoss < state.bestValidationLoss) {
        state.bestValidationLoss = validationLoss;
        state.bestEpoch = epoch;
        state.sinceBest = 0;
        disposeMap(best);
        best = snapshot(model.variables);
      } else {
        state.sinceBest += 1;
      }
      onProgress({
        phase: `train ${model.config.kind}`,
        done: epoch * train.count,
        total: settings.epochs * train.count,
        message: `epoch ${epoch}: loss ${record.loss.toFixed(5)}, val ${validationLoss.toFixed(5)}, ${record.seconds.toFixed(1)} s/epoch, ETA ${etaSeconds(state.history, settings.epochs).toFixed(0)} s`,
      });
      await deps.checkpoint?.save(model, optimizer, state, best);
    }
    // The model leaves training with its best validation weights (epoch 0 = as initialised).
    for (const variable of model.variables) {
      const kept = best[variable.name];
      if (kept) variable.assign(kept);
    }
  } finally {
    disposeMap(best);
    optimizer.dispose();
  }
  return { ...state, stoppedEarly, interrupted, resumedFromEpoch, trainSeconds: (now() - started) / 1000 };
}

/** Forecasts for all windows, batched, as [count × horizon × services × targets] (normalised). */
export function predictWindows(
  model: ForecastModel,
  windows: WindowArrays,
  batchSize = model.forecastBatch?.() ?? 256,
): Float32Array {
  const inputShape = inputDims(model);
  const perTarget = targetDims(model).reduce((n, d) => n * d, 1);
  const out = new Float32Array(windows.count * perTarget);
  for (let start = 0; start < windows.count; start += batchSize) {
    const count = Math.min(batchSize, windows.count - start);
    const values = readBack(() => {
      const inputs = tf.tensor4d(slice(windows.inputs, inputShape, start, count), [count, ...inputShape]);
      return model.forward(inputs, { training: false });
    });
    out.set(values, start * perTarget);
  }
  return out;
}

function trainBatch(
  model: ForecastModel,
  optimizer: tf.AdamOptimizer,
  data: WindowArrays,
  batch: Uint32Array,
  settings: TrainingSettings,
  inputShape: [number, number, number],
  targetShape: [number, number, number],
): number {
  return tf.tidy(() => {
    const inputs = tf.tensor4d(gather(data.inputs, inputShape, batch), [batch.length, ...inputShape]);
    const targets = tf.tensor4d(gather(data.targets, targetShape, batch), [batch.length, ...targetShape]);
    const { value, grads } = tf.variableGrads(
      () => lossOf(model.forward(inputs, { training: true }), targets, settings.loss),
      model.variables as tf.Variable[],
    );
    const applied = settings.clipNorm === null ? grads : clipByGlobalNorm(grads, settings.clipNorm);
    optimizer.applyGradients(Object.entries(applied).map(([name, tensor]) => ({ name, tensor })));
    decayKernels(model.variables, optimizer, settings.weightDecay ?? 0);
    return value.dataSync()[0] ?? NaN;
  });
}

function evaluateLoss(
  model: ForecastModel,
  data: WindowArrays,
  settings: TrainingSettings,
  inputShape: [number, number, number],
  targetShape: [number, number, number],
): number {
  if (data.count === 0) return NaN;
  let total = 0;
  const batchSize = 256;
  for (let start = 0; start < data.count; start += batchSize) {
    const count = Math.min(batchSize, data.count - start);
    total +=
      tf.tidy(() => {
        const inputs = tf.tensor4d(slice(data.inputs, inputShape, start, count), [count, ...inputShape]);
        const targets = tf.tensor4d(slice(data.targets, targetShape, start, count), [count, ...targetShape]);
        return (
          lossOf(model.forward(inputs, { training: false }), targets, settings.loss).dataSync()[0] ?? NaN
        );
      }) * count;
  }
  return total / data.count;
}

function lossOf(predictions: tf.Tensor, targets: tf.Tensor, loss: 'mse' | 'huber'): tf.Scalar {
  return loss === 'huber'
    ? tf.losses.huberLoss(targets, predictions)
    : tf.losses.meanSquaredError(targets, predictions);
}

/** Seconds left at the mean epoch time so far (early stopping may end sooner). */
function etaSeconds(history: readonly EpochRecord[], epochs: number): number {
  const mean = history.reduce((sum, record) => sum + record.seconds, 0) / Math.max(1, history.length);
  return mean * Math.max(0, epochs - history.length);
}

/** AdamW's decoupled decay, applied to kernels only (names ending in "kernel"): biases carry no scale. */
function decayKernels(
  variables: readonly tf.Variable[],
  optimizer: tf.AdamOptimizer,
  weightDecay: number,
): void {
  if (weightDecay === 0) return;
  const factor = 1 - (optimizer as unknown as { learningRate: number }).learningRate * weightDecay;
  for (const variable of variables) {
    if (variable.name.endsWith('kernel')) variable.assign(tf.mul(variable, factor));
  }
}

function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
  const scale = tf.minimum(1, tf.div(maxNorm, tf.maximum(norm, 1e-12)));
  const clipped: tf.NamedTensorMap = {};
  for (const [name, grad] of Object.entries(grads)) clipped[name] = tf.mul(grad, scale);
  return clipped;
}

function inputDims(model: ForecastModel): [number, number, number] {
  const { window, services, features } = model.config;
  return [window, services, features];
}

function targetDims(model: ForecastModel): [number, number, number] {
  const { horizon, services, targets } = model.config;
  return [horizon, services, targets];
}

function slice(values: Float32Array, shape: readonly number[], start: number, count: number): Float32Array {
  const size = shape.reduce((n, d) => n * d, 1);
  return values.subarray(start * size, (start + count) * size);
}

function gather(values: Float32Array, shape: readonly number[], rows: Uint32Array): Float32Array {
  const size = shape.reduce((n, d) => n * d, 1);
  const out = new Float32Array(rows.length * size);
  rows.forEach((row, index) => out.set(values.subarray(row * size, (row + 1) * size), index * size));
  return out;
}

function permutation(count: number, random: Random): Uint32Array {
  const order = Uint32Array.from({ length: count }, (_, index) => index);
  for (let index = count - 1; index > 0; index -= 1) {
    const other = random.int(0, index);
    const held = order[index] as number;
    order[index] = order[other] as number;
    order[other] = held;
  }
  return order;
}

function snapshot(variables: readonly tf.Variable[]): tf.NamedTensorMap {
  const copy: tf.NamedTensorMap = {};
  for (const variable of variables) copy[variable.name] = tf.keep(variable.clone());
  return copy;
}

function disposeMap(map: tf.NamedTensorMap): void {
  for (const tensor of Object.values(map)) tensor.dispose();
}
