// A per-epoch checkpoint in <model-dir>/checkpoint/: current weights, the best weights so far, the
// Adam state and the training state, so `rescape train` resumes an interrupted run where it stopped.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { tf } from './tfjs.cjs';
import type { ForecastModel } from './model-types.js';
import type { TrainingCheckpoint, TrainingState } from './trainer.js';

const STATE_FILE = 'state.json';

interface SavedState {
  /** The model config and the training settings the checkpoint belongs to; a different run starts afresh. */
  fingerprint: string;
  state: TrainingState;
  files: Record<'current' | 'best' | 'optimizer', tf.io.WeightsManifestEntry[]>;
}

export class DirectoryCheckpoint implements TrainingCheckpoint {
  constructor(
    private readonly dir: string,
    private readonly fingerprint: string,
  ) {}

  async save(
    model: ForecastModel,
    optimizer: tf.AdamOptimizer,
    state: TrainingState,
    best: tf.NamedTensorMap,
  ): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const current: tf.NamedTensorMap = {};
    for (const variable of model.variables) current[variable.name] = variable;
    const optimizerWeights: tf.NamedTensorMap = {};
    for (const { name, tensor } of await optimizer.getWeights()) optimizerWeights[name] = tensor;
    const files = {
      current: await this.write('current.bin', current),
      best: await this.write('best.bin', best),
      optimizer: await this.write('optimizer.bin', optimizerWeights),
    };
    const saved: SavedState = { fingerprint: this.fingerprint, state, files };
    // state.json goes last and atomically: it names only files already complete.
    await writeFileAtomic(join(this.dir, STATE_FILE), JSON.stringify(saved));
  }

  async restore(
    model: ForecastModel,
    optimizer: tf.AdamOptimizer,
  ): Promise<{ state: TrainingState; best: tf.NamedTensorMap } | null> {
    const stateFile = join(this.dir, STATE_FILE);
    if (!existsSync(stateFile)) return null;
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as SavedState;
    if (saved.fingerprint !== this.fingerprint) return null;
    const current = this.read('current.bin', saved.files.current);
    for (const variable of model.variables) {
      const value = current[variable.name];
      if (value) variable.assign(value);
    }
    Object.values(current).forEach((tensor) => tensor.dispose());
    const optimizerWeights = this.read('optimizer.bin', saved.files.optimizer);
    await optimizer.setWeights(Object.entries(optimizerWeights).map(([name, tensor]) => ({ name, tensor })));
    return { state: saved.state, best: this.read('best.bin', saved.files.best) };
  }

  /** Removes the checkpoint once the model directory holds the finished model. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async write(file: string, tensors: tf.NamedTensorMap): Promise<tf.io.WeightsManifestEntry[]> {
    const { data, specs } = await tf.io.encodeWeights(tensors);
    await writeFileAtomic(join(this.dir, file), Buffer.from(data as ArrayBuffer));
    return specs;
  }

  private read(file: string, specs: tf.io.WeightsManifestEntry[]): tf.NamedTensorMap {
    return tf.io.decodeWeights(new Uint8Array(readFileSync(join(this.dir, file))).buffer, specs);
  }
}
