// Small constructors for ServiceSpec, with per-kind defaults for the numbers most services share, so the
// topology files state only what characterises each service. Memory is given in MiB (and KiB per request/s).
// Like coresPerReplica, idleCores and memoryBaseBytes are per pod (the simulator multiplies them by replicas);
// gpus and the per-request-rate memory are for the whole service.
import type { ServiceKind } from '../../dataset/run-format.js';
import type { ServiceSpec } from '../topology-types.js';

export const MiB = 1024 * 1024;
export const KiB = 1024;

export interface ServiceCosts {
  /** Pods (default 1). */
  replicas?: number;
  /** CPU limit of one pod in cores. */
  cores: number;
  /** Core-milliseconds one call costs the service itself. */
  cpuMs: number;
  /** Service time of one call at low load, excluding downstream calls. */
  latencyMs: number;
  /** Cores one pod uses with no traffic (default: by kind). */
  idleCores?: number;
  /** Resident memory of one pod with no traffic, in MiB (default: by kind). */
  memoryMiB?: number;
  /** Extra memory of the service per call/s of throughput, in KiB (default: by kind). */
  memoryKiBPerRps?: number;
}

const DEFAULTS: Record<ServiceKind, { idleCores: number; memoryMiB: number; memoryKiBPerRps: number }> = {
  gateway: { idleCores: 0.01, memoryMiB: 48, memoryKiBPerRps: 4 },
  service: { idleCores: 0.004, memoryMiB: 32, memoryKiBPerRps: 6 },
  cache: { idleCores: 0.003, memoryMiB: 256, memoryKiBPerRps: 1 },
  database: { idleCores: 0.02, memoryMiB: 512, memoryKiBPerRps: 4 },
  gpu: { idleCores: 0.1, memoryMiB: 8192, memoryKiBPerRps: 2048 },
};

export function service(name: string, kind: ServiceKind, costs: ServiceCosts): ServiceSpec {
  const defaults = DEFAULTS[kind];
  return {
    name,
    kind,
    replicas: costs.replicas ?? 1,
    coresPerReplica: costs.cores,
    cpuMsPerCall: costs.cpuMs,
    idleCores: costs.idleCores ?? defaults.idleCores,
    latencyMs: costs.latencyMs,
    memoryBaseBytes: Math.round((costs.memoryMiB ?? defaults.memoryMiB) * MiB),
    memoryBytesPerRps: Math.round((costs.memoryKiBPerRps ?? defaults.memoryKiBPerRps) * KiB),
  };
}

/** A service holding `gpus` GPUs in all (over all its pods); one call keeps one GPU busy for `gpuMsPerCall`. */
export function gpuService(
  name: string,
  costs: ServiceCosts & { gpus: number; gpuMsPerCall: number },
): ServiceSpec {
  return { ...service(name, 'gpu', costs), gpus: costs.gpus, gpuMsPerCall: costs.gpuMsPerCall };
}

// Stores shared by the DeathStarBench applications: a get/set costs memcached or redis a few tens of
// microseconds of CPU; a MongoDB query or insert costs a few hundred, and its latency includes the storage
// engine. Callers override what differs (e.g. a bigger cache, a busier database).
type StoreCosts = Partial<ServiceCosts>;

export const memcached = (name: string, costs: StoreCosts = {}): ServiceSpec =>
  service(name, 'cache', { cores: 1, cpuMs: 0.02, latencyMs: 0.4, ...costs });

export const redis = (name: string, costs: StoreCosts = {}): ServiceSpec =>
  service(name, 'cache', { cores: 1, cpuMs: 0.025, latencyMs: 0.45, memoryMiB: 128, ...costs });

export const mongodb = (name: string, costs: StoreCosts = {}): ServiceSpec =>
  service(name, 'database', { cores: 2, cpuMs: 0.25, latencyMs: 2.5, ...costs });
