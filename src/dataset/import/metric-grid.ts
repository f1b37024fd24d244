// Per-service metric samples aggregated onto the step grid. A step holds, per instance, the mean of that
// instance's samples in the step (CPU and GPU are rates, memory a level, so a mean is the right summary);
// the service's value is the sum over its instances. Memory is O(services × steps × instances), not O(rows).
//
// When no step is given, the first samples are held back until the step can be detected: the median gap
// between consecutive samples of one instance, in whole seconds.
import type { ImportIssues, RowAt } from './import-issues.js';

export interface MetricSample {
  service: string;
  instance: string;
  /** Seconds (since the Unix epoch, or since the trace start for relative traces). */
  time: number;
  cpu: number | null;
  memory: number | null;
  gpu: number | null;
}

export interface CellValues {
  cpu: number | null;
  memory: number | null;
  gpu: number | null;
}

interface InstanceStep {
  sums: [number, number, number];
  counts: [number, number, number];
  times: number[];
}

/** Samples held back before the step is detected; enough gaps for a stable median. */
const DETECT_AFTER = 4096;

export class MetricGrid {
  private step: number | undefined;
  private pending: { sample: MetricSample; at: RowAt }[] = [];
  private readonly lastTime = new Map<string, number>();
  private readonly gapsSeen: number[] = [];
  private readonly byService = new Map<string, Map<number, Map<string, InstanceStep>>>();
  private readonly instanceNames = new Map<string, Set<string>>();
  private detected = false;
  samples = 0;

  constructor(
    private readonly issues: ImportIssues,
    step?: number,
  ) {
    this.step = step;
  }

  add(sample: MetricSample, at: RowAt): void {
    if (this.step !== undefined) {
      this.place(sample, at, this.step);
      return;
    }
    const key = `${sample.service}\u0000${sample.instance}`;
    const last = this.lastTime.get(key);
    if (last !== undefined && sample.time > last) this.gapsSeen.push(sample.time - last);
    this.lastTime.set(key, sample.time);
    this.pending.push({ sample, at });
    if (this.pending.length >= DETECT_AFTER) this.fixStep(undefined);
  }

  /** Settles the step (detected, else `fallback`) and places the held-back samples; returns the step. */
  fixStep(fallback: number | undefined): number | undefined {
    if (this.step === undefined) {
      const detected = medianGap(this.gapsSeen);
      this.detected = detected !== undefined;
      this.step = detected ?? fallback;
    }
    const step = this.step;
    if (step !== undefined) {
      for (const { sample, at } of this.pending) this.place(sample, at, step);
      this.pending = [];
    }
    return step;
  }

  get stepDetected(): boolean {
    return this.detected;
  }

  get services(): string[] {
    return [...this.byService.keys()];
  }

  /** Lowest and highest absolute bin (time / step, floored) holding a sample. */
  binRange(): { min: number; max: number } | undefined {
    let min = Infinity;
    let max = -Infinity;
    for (const bins of this.byService.values()) {
      for (const bin of bins.keys()) {
        min = Math.min(min, bin);
        max = Math.max(max, bin);
      }
    }
    return min === Infinity ? undefined : { min, max };
  }

  /** The service's values at an absolute bin: per-instance means summed; null where no instance reported. */
  cell(service: string, bin: number): CellValues {
    const instances = this.byService.get(service)?.get(bin);
    const totals: [number | null, number | null, number | null] = [null, null, null];
    for (const step of instances?.values() ?? []) {
      for (let k = 0; k < 3; k += 1) {
        const count = step.counts[k] ?? 0;
        if (count > 0) totals[k] = (totals[k] ?? 0) + (step.sums[k] ?? 0) / count;
      }
    }
    return { cpu: totals[0], memory: totals[1], gpu: totals[2] };
  }

  /** Distinct instances seen for the service (services.csv replicas). */
  replicas(service: string): number {
    return this.instanceNames.get(service)?.size ?? 0;
  }

  /** Sum of the service's CPU over all steps, for --top N by CPU. */
  cpuTotal(service: string): number {
    let total = 0;
    for (const bin of this.byService.get(service)?.keys() ?? []) total += this.cell(service, bin).cpu ?? 0;
    return total;
  }

  private place(sample: MetricSample, at: RowAt, step: number): void {
    const bin = Math.floor(sample.time / step);
    let bins = this.byService.get(sample.service);
    if (bins === undefined) {
      bins = new Map();
      this.byService.set(sample.service, bins);
      this.instanceNames.set(sample.service, new Set());
    }
    let instances = bins.get(bin);
    if (instances === undefined) {
      instances = new Map();
      bins.set(bin, instances);
    }
    let entry = instances.get(sample.instance);
    if (entry === undefined) {
      entry = { sums: [0, 0, 0], counts: [0, 0, 0], times: [] };
      instances.set(sample.instance, entry);
      this.instanceNames.get(sample.service)?.add(sample.instance);
    }
    if (entry.times.includes(sample.time)) {
      this.issues.skip(
        'duplicate-sample',
        at,
        `instance ${sample.instance} already has a sample at ${sample.time} s`,
      );
      return;
    }
    entry.times.push(sample.time);
    [sample.cpu, sample.memory, sample.gpu].forEach((value, k) => {
      if (value === null) return;
      entry.sums[k] = (entry.sums[k] ?? 0) + value;
      entry.counts[k] = (entry.counts[k] ?? 0) + 1;
    });
    this.samples += 1;
  }
}

function medianGap(gaps: number[]): number | undefined {
  if (gaps.length === 0) return undefined;
  const sorted = [...gaps].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return Math.max(1, Math.round(median));
}
