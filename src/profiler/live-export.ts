// The live profile's incremental export: the steps whose load was measured wait here until Prometheus and
// Jaeger have had time to see them (the scrape lag after the step's end), and are then collected in windows
// (export-chunk.ts, the same queries as `rescape export`) and appended to the run directory with the measured
// load row, every step whole, in order. A window never crosses the start of a segment (live-segments.ts),
// because the wall-clock time of the steps jumps there.
import type { LoadRow, StepRecord } from '../dataset/run-format.js';
import type { RunWriter } from '../dataset/run-writer.js';
import { collectChunk, type ExportClients } from './export-chunk.js';
import { exportWindows, segmentOf, segmentOrigin, stepEndMs, type LiveSegment } from './live-segments.js';

/** Most steps collected per Prometheus range query (an hour of 30 s steps). */
const MAX_WINDOW_STEPS = 120;

export interface LiveExportSettings {
  namespace: string;
  stepSeconds: number;
  samples: number;
  /** Time after a step's end before it is exported: scrape interval + rate window slack + span flush. */
  lagMs: number;
}

export interface ExportTotals {
  callRows: number;
  traces: number;
  /** Empty cells written, per column. */
  missing: { cpu: number; gpu: number; memory: number };
  warnings: Set<string>;
  edges: Set<string>;
}

export class LiveExporter {
  /** Measured load rows of steps not exported yet, by step. */
  private readonly measured = new Map<number, LoadRow>();
  readonly totals: ExportTotals = {
    callRows: 0,
    traces: 0,
    missing: { cpu: 0, gpu: 0, memory: 0 },
    warnings: new Set(),
    edges: new Set(),
  };

  constructor(
    private readonly writer: RunWriter,
    private readonly clients: ExportClients,
    private readonly segments: readonly LiveSegment[],
    private readonly settings: LiveExportSettings,
  ) {}

  /** Steps now in the run files. */
  get exported(): number {
    return this.writer.completedSteps;
  }

  /** Records a measured step; steps must come in order after those exported. */
  add(row: LoadRow): void {
    this.measured.set(row.timestamp, row);
  }

  /** The first step not measured yet: everything before it can be exported once the lag has passed. */
  private measuredUntil(): number {
    let step = this.exported;
    while (this.measured.has(step)) step += 1;
    return step;
  }

  /** Steps [exported, result) are measured and old enough at `nowMs` to be exported. */
  readyUntil(nowMs: number): number {
    let step = this.exported;
    const until = this.measuredUntil();
    while (step < until && this.endMs(step) + this.settings.lagMs <= nowMs) step += 1;
    return step;
  }

  /** Milliseconds from `nowMs` until every measured step may be exported (0 when they all may). */
  waitForAll(nowMs: number): number {
    const until = this.measuredUntil();
    if (until <= this.exported) return 0;
    return Math.max(0, this.endMs(until - 1) + this.settings.lagMs - nowMs);
  }

  /** Exports every step that is ready at `nowMs`; returns how many were appended. */
  async exportReady(nowMs: number, signal?: AbortSignal): Promise<number> {
    const from = this.exported;
    const to = this.readyUntil(nowMs);
    for (const [start, end] of exportWindows(this.segments, from, to, MAX_WINDOW_STEPS)) {
      await this.exportWindow(start, end, signal);
    }
    return this.exported - from;
  }

  private endMs(step: number): number {
    return stepEndMs(this.segments, this.settings.stepSeconds, step);
  }

  private async exportWindow(from: number, to: number, signal: AbortSignal | undefined): Promise<void> {
    const chunk = await collectChunk(
      this.clients,
      {
        startTime: segmentOrigin(segmentOf(this.segments, from), this.settings.stepSeconds),
        stepSeconds: this.settings.stepSeconds,
        namespace: this.settings.namespace,
        samples: this.settings.samples,
        services: this.writer.services,
        ...(signal === undefined ? {} : { signal }),
      },
      from,
      to,
    );
    // Every step is checked before the first is written, so a window goes in whole or not at all.
    const steps: StepRecord[] = chunk.steps.map((step) => {
      const load = this.measured.get(step.timestamp);
      if (load === undefined) throw new RangeError(`step ${step.timestamp} was not measured`);
      return { ...step, load };
    });
    for (const step of steps) {
      this.writer.appendStep(step);
      this.measured.delete(step.timestamp);
      this.count(step);
    }
    this.totals.traces += chunk.traces;
    for (const warning of chunk.warnings) this.totals.warnings.add(warning);
  }

  private count(step: StepRecord): void {
    const { missing } = this.totals;
    for (const row of step.metrics) {
      missing.cpu += row.cpuUtilization === null ? 1 : 0;
      missing.gpu += row.gpuUtilization === null ? 1 : 0;
      missing.memory += row.memoryBytes === null ? 1 : 0;
    }
    for (const call of step.calls) this.totals.edges.add(`${call.umId}>${call.dmId}`);
    this.totals.callRows += step.calls.length;
  }
}
