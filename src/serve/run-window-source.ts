// A run directory as the forecast's input: its last `window` complete steps, read again whenever
// ms_metric.csv or load.csv changes (a live profile or export appending), and not otherwise.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../core/errors.js';
import { RUN_FILES, type ServiceRow } from '../dataset/run-format.js';
import { readManifest } from '../dataset/run-reader.js';
import { readServices } from '../dataset/run-services.js';
import { LOAD_FEATURES, METRIC_FEATURES } from './feature-columns.js';
import { buildInputWindow, type InputWindow } from './input-window.js';
import { readRunTail, unreadable } from './run-tail.js';
import type { ModelInputs, WindowSource, WindowSourceInfo } from './window-source.js';

export class RunWindowSource implements WindowSource {
  readonly info: WindowSourceInfo;
  private readonly files: { metrics: string; load: string };
  private readonly services: ServiceRow[];
  private readonly startMs: number;
  private version = '';

  /** Reads run.json and services.csv and checks them against the model (a DataError if they differ). */
  constructor(
    runDir: string,
    private readonly model: ModelInputs,
  ) {
    this.info = { kind: 'run', location: runDir };
    const manifest = readManifest(runDir);
    this.services = readServices(runDir);
    this.files = { metrics: join(runDir, RUN_FILES.metrics), load: join(runDir, RUN_FILES.load) };
    this.startMs = Date.parse(manifest.startTime);
    const names = this.services.map((service) => service.msName);
    if (names.join('\n') !== model.services.join('\n')) {
      const missing = model.services.filter((name) => !names.includes(name));
      const extra = names.filter((name) => !model.services.includes(name));
      throw new DataError(
        `the run's services differ from the model's: missing ${missing.join(', ') || 'none'}; not in the model ${extra.join(', ') || 'none'}`,
        { file: join(runDir, RUN_FILES.services) },
        {
          suggestion:
            'A model forecasts only the services it was trained on: serve one trained on this benchmark.',
        },
      );
    }
    if (manifest.stepSeconds !== model.stepSeconds) {
      throw new DataError(
        `the run's step is ${manifest.stepSeconds} s; the model was trained at ${model.stepSeconds} s`,
        { file: join(runDir, RUN_FILES.manifest), field: 'stepSeconds' },
        { suggestion: 'Serve a model trained on runs with the same step.' },
      );
    }
    for (const feature of model.features) {
      if (METRIC_FEATURES[feature] === undefined && LOAD_FEATURES[feature] === undefined) {
        throw new DataError(`the model has an unknown input feature ${JSON.stringify(feature)}`, {
          field: 'features',
        });
      }
    }
  }

  async read(): Promise<InputWindow | 'unchanged'> {
    const version = await this.fileVersion();
    if (version === this.version) return 'unchanged';
    const { window, services, features } = this.model;
    const tail = await readRunTail(this.files, this.services, window);
    const firstStep = tail.lastStep - window + 1;
    const metrics = new Map(tail.metrics.map((row) => [`${row.timestamp}:${row.msId}`, row]));
    const { values, filledCells } = buildInputWindow(
      { window, services, features },
      (t, s, f) => {
        const feature = features[f]!;
        const load = LOAD_FEATURES[feature];
        if (load !== undefined) return load(tail.load[t]!);
        const row = metrics.get(`${firstStep + t}:${s}`);
        return row === undefined ? null : METRIC_FEATURES[feature]!.read(row);
      },
      { source: this.files.metrics },
    );
    // Only a window that was read completely marks the files as seen: a failure is retried next time.
    this.version = version;
    return {
      values,
      filledCells,
      lastStep: tail.lastStep,
      // Step k covers (start + k·step, start + (k+1)·step], as export writes it.
      observedUntilMs: this.startMs + (tail.lastStep + 1) * this.model.stepSeconds * 1000,
    };
  }

  private async fileVersion(): Promise<string> {
    const parts = await Promise.all(
      [this.files.metrics, this.files.load].map(async (file) => {
        try {
          const stats = await stat(file);
          return `${stats.size}:${stats.mtimeMs}`;
        } catch (error) {
          throw unreadable(file, error);
        }
      }),
    );
    return parts.join('|');
  }
}
