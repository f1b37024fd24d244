// The shape of a simulated benchmark: its services and the call paths of its request types.
import type { ServiceKind } from '../dataset/run-format.js';

export const BENCHMARKS = [
  'social-network',
  'hotel-reservation',
  'media-microservices',
  'hpc-ai500',
  'ecommerce',
] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

export interface ServiceSpec {
  name: string;
  kind: ServiceKind;
  replicas: number;
  /** CPU limit of one replica in cores; a service saturates at replicas × this. */
  coresPerReplica: number;
  /** CPU core-milliseconds one call costs the service itself (excluding its downstream calls). */
  cpuMsPerCall: number;
  /** Cores used with no traffic (runtime, GC, health checks). */
  idleCores: number;
  /** Service time of one call in milliseconds at low load, excluding downstream calls. */
  latencyMs: number;
  /** GPUs the service holds (gpu kind only) and GPU-milliseconds one call keeps them busy. */
  gpus?: number;
  gpuMsPerCall?: number;
  /** Resident memory with no traffic, and extra bytes per call per second of throughput. */
  memoryBaseBytes: number;
  memoryBytesPerRps: number;
}

/** One downstream call made by the parent service while it serves a request. */
export interface CallSpec {
  service: string;
  /** Protocol as recorded in ms_callgraph.csv's rpc_type (thrift, grpc, http, memcached, mongodb, redis). */
  rpcType: string;
  /** Chance the call is made at all (default 1). */
  probability?: number;
  /** How many times it is made when made (default 1). */
  count?: number;
  /** For caches: the chance of a hit; on a miss the parent makes the onMiss calls. */
  hitRate?: number;
  onMiss?: CallSpec[];
  /** The calls this service makes in turn. */
  calls?: CallSpec[];
}

/** A request type of the benchmark's workload, entering at the gateway. */
export interface EndpointSpec {
  name: string;
  /** Share of the request mix (weights are normalised). */
  weight: number;
  /** The entry service and its call tree. */
  entry: { service: string; calls?: CallSpec[] };
}

export interface Topology {
  benchmark: BenchmarkName;
  /** Human description, with the source the call paths follow. */
  description: string;
  services: ServiceSpec[];
  endpoints: EndpointSpec[];
}
