// Writes a run directory step by step, so that an interrupted run keeps every complete step and can resume.
//
// Per step, the metric rows, then the call rows, then the load row are appended, each file in one write.
// load.csv's row is written last because it marks the step complete: resume keeps exactly the steps that
// have one and cuts everything after them from the other files.
//
// Durability: 'every-step' (real clusters, where a step costs 30 s of measurement) fsyncs the metric and call
// files before writing the load row and then fsyncs load.csv, so even after a power loss a durable load row
// implies durable metric and call rows. 'periodic' (the simulator, which writes thousands of steps a second)
// fsyncs at most once per second of wall time and on close; it survives a killed process (the page cache
// keeps the write order) but a power loss may lose the last second, or make resume report damage.
import fs from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { DataError, UsageError } from '../core/errors.js';
import { stringifyRows } from './csv-table.js';
import {
  CALLGRAPH_COLUMNS,
  LOAD_COLUMNS,
  METRIC_COLUMNS,
  RUN_FILES,
  type RunManifest,
  type RunStatus,
  type ServiceRow,
  type StepRecord,
} from './run-format.js';
import { fsyncDirectory, writeAll } from './run-file-io.js';
import { readManifest, serializeManifest, validateManifest } from './run-manifest.js';
import { findResumePoint } from './run-resume.js';
import { formatServices, readServices } from './run-services.js';
import { formatStep, type DataFiles } from './step-format.js';

export type Durability = 'every-step' | 'periodic';

export interface RunWriterOptions {
  /** Default 'every-step'. */
  durability?: Durability;
  /** Monotonic milliseconds, for the periodic fsync; injectable so tests need not sleep. */
  clock?: () => number;
}

export interface ResumedRun {
  writer: RunWriter;
  manifest: RunManifest;
  services: ServiceRow[];
  /** Steps 0..completedSteps-1 are on disk; the next appendStep must have timestamp completedSteps. */
  completedSteps: number;
}

export type ManifestPatch = Partial<Omit<RunManifest, 'format'>>;

const PERIODIC_SYNC_MS = 1000;

function dataPaths(dir: string): DataFiles<string> {
  return {
    metrics: join(dir, RUN_FILES.metrics),
    callgraph: join(dir, RUN_FILES.callgraph),
    load: join(dir, RUN_FILES.load),
  };
}

function checkOptions(options: RunWriterOptions): Required<RunWriterOptions> {
  const durability = options.durability ?? 'every-step';
  if (durability !== 'every-step' && durability !== 'periodic') {
    throw new UsageError(`unknown durability ${JSON.stringify(durability)}`, {
      suggestion: "Use 'every-step' or 'periodic'.",
    });
  }
  return { durability, clock: options.clock ?? (() => performance.now()) };
}

function checkCreatable(dir: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR')
      throw new UsageError(`${dir} exists and is not a directory`, { suggestion: 'Choose another --out.' });
    throw error;
  }
  if (entries.length > 0) {
    throw new UsageError(`${dir} already exists and is not empty; a run never overwrites files`, {
      suggestion: 'Use --resume to continue the run in it, or choose another --out.',
    });
  }
}

function closeAll(fds: readonly number[]): void {
  for (const fd of fds) fs.closeSync(fd);
}

export class RunWriter {
  private readonly manifestFile: string;
  private readonly paths: DataFiles<string>;
  private nextTimestamp: number;
  private lastSync: number;
  private closed = false;
  /** Set when a write failed part-way: the files may end mid-step, so only resume can continue. */
  private broken = false;

  private constructor(
    readonly dir: string,
    private currentManifest: RunManifest,
    private readonly serviceRows: readonly ServiceRow[],
    private readonly fds: DataFiles<number>,
    completedSteps: number,
    private readonly options: Required<RunWriterOptions>,
  ) {
    this.manifestFile = join(dir, RUN_FILES.manifest);
    this.paths = dataPaths(dir);
    this.nextTimestamp = completedSteps;
    this.lastSync = options.clock();
  }

  /** Creates a run directory; refuses one that exists and is not empty. */
  static create(
    dir: string,
    manifest: RunManifest,
    services: ServiceRow[],
    options: RunWriterOptions = {},
  ): RunWriter {
    const checked = checkOptions(options);
    const valid = validateManifest(manifest, join(dir, RUN_FILES.manifest));
    const servicesText = formatServices(services);
    checkCreatable(dir);
    fs.mkdirSync(dir, { recursive: true });
    // services.csv is created exclusively first, so that a concurrent create into the same directory fails
    // here instead of both writing.
    const servicesFd = fs.openSync(join(dir, RUN_FILES.services), 'wx');
    try {
      writeAll(servicesFd, Buffer.from(servicesText));
      fs.fsyncSync(servicesFd);
    } finally {
      fs.closeSync(servicesFd);
    }
    writeFileAtomic.sync(join(dir, RUN_FILES.manifest), serializeManifest(valid), { fsync: true });
    const paths = dataPaths(dir);
    const opened: number[] = [];
    try {
      const open = (file: string, columns: readonly string[]): number => {
        const fd = fs.openSync(file, 'ax');
        opened.push(fd);
        writeAll(fd, Buffer.from(stringifyRows([columns])));
        fs.fsyncSync(fd);
        return fd;
      };
      const fds = {
        metrics: open(paths.metrics, METRIC_COLUMNS),
        callgraph: open(paths.callgraph, CALLGRAPH_COLUMNS),
        load: open(paths.load, LOAD_COLUMNS),
      };
      fsyncDirectory(dir);
      return new RunWriter(
        dir,
        valid,
        services.map((service) => ({ ...service })),
        fds,
        0,
        checked,
      );
    } catch (error) {
      closeAll(opened);
      throw error;
    }
  }

  /**
   * Reopens an interrupted run: keeps its complete steps, cuts any uncommitted tail (a partial last line,
   * rows of a step without its load row) and returns a writer that continues at the next step. The manifest
   * is returned as found; set its status to 'running' if the run goes on.
   */
  static openForResume(dir: string, options: RunWriterOptions = {}): ResumedRun {
    const checked = checkOptions(options);
    const manifest = readManifest(dir);
    const services = readServices(dir);
    const paths = dataPaths(dir);
    const point = findResumePoint(paths, services);
    if (point.completedSteps > manifest.samples) {
      throw new DataError(
        `holds ${point.completedSteps} steps, more than the ${manifest.samples} samples run.json plans`,
        {
          file: paths.load,
          field: 'timestamp',
        },
      );
    }
    for (const key of ['metrics', 'callgraph', 'load'] as const) {
      const fd = fs.openSync(paths[key], 'r+');
      try {
        if (fs.fstatSync(fd).size > point.lengths[key]) {
          fs.ftruncateSync(fd, point.lengths[key]);
          fs.fsyncSync(fd);
        }
      } finally {
        fs.closeSync(fd);
      }
    }
    const opened: number[] = [];
    try {
      const open = (file: string): number => {
        const fd = fs.openSync(file, 'a');
        opened.push(fd);
        return fd;
      };
      const fds = { metrics: open(paths.metrics), callgraph: open(paths.callgraph), load: open(paths.load) };
      const copies = services.map((service) => ({ ...service }));
      const writer = new RunWriter(dir, manifest, copies, fds, point.completedSteps, checked);
      return { writer, manifest: structuredClone(manifest), services, completedSteps: point.completedSteps };
    } catch (error) {
      closeAll(opened);
      throw error;
    }
  }

  get manifest(): RunManifest {
    return structuredClone(this.currentManifest);
  }

  get services(): readonly ServiceRow[] {
    return this.serviceRows;
  }

  /** Steps written so far (the next step's timestamp). */
  get completedSteps(): number {
    return this.nextTimestamp;
  }

  /** Appends one step; its timestamp must be the previous one + 1 (0 for the first). */
  appendStep(step: StepRecord): void {
    this.checkWritable();
    const text = formatStep(
      step,
      this.nextTimestamp,
      this.currentManifest.samples,
      this.serviceRows,
      this.paths,
    );
    try {
      writeAll(this.fds.metrics, text.metrics);
      if (text.callgraph.length > 0) writeAll(this.fds.callgraph, text.callgraph);
      if (this.options.durability === 'every-step') {
        fs.fsyncSync(this.fds.metrics);
        fs.fsyncSync(this.fds.callgraph);
      }
      writeAll(this.fds.load, text.load);
      if (this.options.durability === 'every-step') {
        fs.fsyncSync(this.fds.load);
      } else if (this.options.clock() - this.lastSync >= PERIODIC_SYNC_MS) {
        this.syncAll();
      }
    } catch (error) {
      this.broken = true;
      throw error;
    }
    this.nextTimestamp += 1;
  }

  /** Replaces run.json atomically (write to a temporary file, fsync, rename). */
  updateManifest(patch: ManifestPatch): RunManifest {
    const merged = validateManifest({ ...this.currentManifest, ...patch }, this.manifestFile);
    if (merged.samples < this.nextTimestamp) {
      throw new DataError(`samples ${merged.samples} is less than the ${this.nextTimestamp} steps written`, {
        file: this.manifestFile,
        field: 'samples',
      });
    }
    writeFileAtomic.sync(this.manifestFile, serializeManifest(merged), { fsync: true });
    fsyncDirectory(this.dir);
    this.currentManifest = merged;
    return this.manifest;
  }

  setStatus(status: RunStatus): RunManifest {
    return this.updateManifest({ status });
  }

  /** Flushes and closes the data files; safe to call twice. run.json can still be updated afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (!this.broken) this.syncAll();
    } finally {
      closeAll([this.fds.metrics, this.fds.callgraph, this.fds.load]);
    }
  }

  private checkWritable(): void {
    if (this.closed) {
      throw new UsageError(`the run writer of ${this.dir} is closed`, {
        suggestion: 'Reopen it with openForResume.',
      });
    }
    if (this.broken) {
      throw new UsageError(`an earlier write to ${this.dir} failed part-way`, {
        suggestion:
          'Close the writer and continue with `rescape profile --resume`, which cuts the partial step.',
      });
    }
  }

  private syncAll(): void {
    fs.fsyncSync(this.fds.metrics);
    fs.fsyncSync(this.fds.callgraph);
    fs.fsyncSync(this.fds.load);
    this.lastSync = this.options.clock();
  }
}
