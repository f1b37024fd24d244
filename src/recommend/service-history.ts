// What each service's past says at a decision time T, fed step by step so a replay moves forward cheaply:
// the busiest step so far (the cap on any recommendation) and the VPA-style recommendation from all usage
// up to T.
import type { ServiceSeries } from '../dataset/series.js';
import { seriesIndex } from '../dataset/series.js';
import { VpaCpuHistory, type CpuBand } from './vpa-baseline.js';

export interface HistoryTargets {
  /** Feature indices of cpu and, when forecast, gpu in the series. */
  cpu: number;
  gpu: number | null;
}

export class ServiceHistory {
  private nextStep = 0;
  private readonly cpuPeaks: Float64Array;
  private readonly gpuPeaks: Float64Array;
  private readonly vpa: VpaCpuHistory[];

  constructor(
    private readonly series: ServiceSeries,
    private readonly targets: HistoryTargets,
    bounds: { minCores: number; maxCores: number },
  ) {
    const services = series.services.length;
    this.cpuPeaks = new Float64Array(services);
    this.gpuPeaks = new Float64Array(services);
    this.vpa = series.services.map(
      (service) =>
        new VpaCpuHistory({
          stepSeconds: series.stepSeconds,
          replicas: Math.max(1, service.replicas),
          ...bounds,
        }),
    );
  }

  /** Takes in every step up to and including `step`. */
  advanceTo(step: number): void {
    for (; this.nextStep <= step && this.nextStep < this.series.steps; this.nextStep += 1) {
      this.series.services.forEach((_, s) => {
        const cpu = this.value(this.nextStep, s, this.targets.cpu);
        this.vpa[s]!.add(this.nextStep, cpu);
        if (cpu > (this.cpuPeaks[s] ?? 0)) this.cpuPeaks[s] = cpu;
        const gpu = this.targets.gpu === null ? NaN : this.value(this.nextStep, s, this.targets.gpu);
        if (gpu > (this.gpuPeaks[s] ?? 0)) this.gpuPeaks[s] = gpu;
      });
    }
  }

  /** Service-total peaks so far (0 before any sample). */
  peak(s: number): { cpu: number; gpu: number } {
    return { cpu: this.cpuPeaks[s] ?? 0, gpu: this.gpuPeaks[s] ?? 0 };
  }

  /** The VPA-style per-pod recommendation from the usage so far. */
  vpaRecommendation(s: number): CpuBand | null {
    return this.vpa[s]!.recommend();
  }

  private value(step: number, s: number, feature: number): number {
    return this.series.values[seriesIndex(this.series, step, s, feature)] ?? NaN;
  }
}
