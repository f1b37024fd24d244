// From a service's demand (total cores over all its pods, at three quantiles of the forecast) to what to
// ask Kubernetes for: headroom on top, never above peakFactor × the busiest step seen so far, replicas
// from the per-replica capacity, and per-pod amounts clamped to --min-cpu/--max-cpu and rounded up to
// millicores. Every step is monotone in the demand, so lower ≤ target ≤ upper holds after it.
import { roundUpToMillicores } from './cpu-quantity.js';
import type { CpuBand } from './vpa-baseline.js';

export interface SizingOptions {
  /** Fraction added on top of the demand, e.g. 0.15. */
  headroom: number;
  /** Per-pod CPU bounds in cores (maxCores may be Infinity). */
  minCores: number;
  maxCores: number;
  /** Never recommend more than this multiple of the history's peak. */
  peakFactor: number;
}

/** What one replica can hold; null where it is not known. */
export interface ReplicaCapacity {
  cores: number | null;
  gpus: number | null;
}

export interface ServiceDemand {
  /** Service-total cores at the lower, target and upper quantile of the forecast. */
  cpu: CpuBand;
  /** Service-total busy GPUs at the target quantile; null for a service without GPUs. */
  gpu: number | null;
  /** The largest service-total usage seen in the history. */
  peak: { cpu: number; gpu: number };
  currentReplicas: number;
  capacity: ReplicaCapacity;
}

export type SizingBound = 'peak' | 'min-cpu' | 'max-cpu';

export interface ServiceSizing {
  replicas: number;
  /** Per replica, cores in whole millicores. */
  cpu: CpuBand;
  /** GPUs per replica, or null for a service without GPUs. */
  gpusPerReplica: number | null;
  /**
   * The bounds that changed the recommendation, in the order applied: the peak cap or --min-cpu on the
   * target, --max-cpu on the upper bound (replicas grow so that the target itself fits under --max-cpu).
   */
  boundedBy: SizingBound[];
}

/** Slack for float noise in divisions that should come out whole (2.4 / 0.8 = 3.0000000000000004). */
const EPSILON = 1e-9;

export function sizeService(demand: ServiceDemand, options: SizingOptions): ServiceSizing {
  const boundedBy: SizingBound[] = [];
  const cap = options.peakFactor * demand.peak.cpu;
  const total = (cores: number): number => Math.min(Math.max(0, cores) * (1 + options.headroom), cap);
  const cpu = {
    lower: total(demand.cpu.lower),
    target: total(demand.cpu.target),
    upper: total(demand.cpu.upper),
  };
  if (Math.max(0, demand.cpu.target) * (1 + options.headroom) > cap) boundedBy.push('peak');

  const gpus =
    demand.gpu === null
      ? null
      : Math.min(Math.max(0, demand.gpu) * (1 + options.headroom), options.peakFactor * demand.peak.gpu);
  const replicas = replicasFor(cpu.target, gpus, demand, options);

  const perReplica = (cores: number): number =>
    roundUpToMillicores(Math.min(options.maxCores, Math.max(options.minCores, cores / replicas)));
  if (cpu.target / replicas < options.minCores) boundedBy.push('min-cpu');
  if (cpu.upper / replicas > options.maxCores) boundedBy.push('max-cpu');
  return {
    replicas,
    cpu: { lower: perReplica(cpu.lower), target: perReplica(cpu.target), upper: perReplica(cpu.upper) },
    // A GPU service's pod cannot run without its GPU, so it keeps at least one.
    gpusPerReplica: gpus === null ? null : Math.max(1, Math.ceil(gpus / replicas - EPSILON)),
    boundedBy,
  };
}

/**
 * Enough replicas that none needs more than its capacity (the smaller of the known per-replica cores and
 * --max-cpu, and the GPUs per replica); where no CPU capacity is known, at least the run's replica count.
 */
function replicasFor(
  cores: number,
  gpus: number | null,
  demand: ServiceDemand,
  options: SizingOptions,
): number {
  const coreCapacity = Math.min(demand.capacity.cores ?? Infinity, options.maxCores);
  const gpuCapacity = demand.capacity.gpus;
  const forCores = Number.isFinite(coreCapacity)
    ? Math.ceil(cores / coreCapacity - EPSILON)
    : demand.currentReplicas;
  const forGpus = gpus !== null && gpuCapacity !== null ? Math.ceil(gpus / gpuCapacity - EPSILON) : 0;
  return Math.max(1, forCores, forGpus);
}
