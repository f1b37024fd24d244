// An HPC-AI500-like GPU cluster: the suite's training workloads and an inference service, fed by a shared
// data-loading tier. HPC-AI500 has no HTTP front end: its load is the number of concurrent training and
// inference jobs, so a client here is one job, and one request is one step of it — a mini-batch forward and
// backward pass for a trainer, a batch for the inference server — submitted through the job gateway.
//
// Workloads (HPC-AI500 benchmark definitions; per-GPU step times of V100-class GPUs at the reference batch sizes):
// - Extreme Weather Analytics: Faster-RCNN on 16-channel 768×1152 climate images (2 HDF5 shards a step).
// - Cosmological parameter estimation: CosmoFlow, a 3-D CNN on 128³ dark-matter volumes (I/O heavy, 3 shards).
// - Electron microscopy image segmentation: DeepLabv3+ on 512×512 slices (1 shard).
// - Image classification: ResNet-50 on ImageNet, usually run alongside the suite (2 shards of JPEGs to decode).
// - Inference: batches of trained ResNet-50 / Faster-RCNN models served from the model registry.
// A step loads its shards through the data loader (decode and augment on CPU; the node-local staging cache,
// the parallel file system on a miss), runs on one GPU, and joins the gradient all-reduce; every CHECKPOINT_EVERY
// steps on average a trainer writes a checkpoint through the model registry.
//
// `gpus` counts the GPUs of all of a service's pods (8 per pod for trainers), as gpu_utilization sums them.
// GPU counts are sized so that, in the simulator, the GPUs are about half busy at 150 concurrent jobs and
// 65–85 % at 220: substantially but not fully used across the paper's 80–220 range.
import type { CallSpec, Topology } from '../topology-types.js';
import { endpoint, grpc, http, lookup, rpc } from './call-builders.js';
import { gpuService, service } from './service-builders.js';

const CHECKPOINT_EVERY = 500;

/** Fetches one shard: from the staging cache, or from the parallel file system on a miss. */
const loadBatch = (shards: number): CallSpec =>
  grpc('data-loader', [lookup('posix', 'staging-cache', 0.8, [rpc('s3', 'dataset-store')])], {
    count: shards,
  });

/** Writes a checkpoint (16 chunks) to the dataset store through the model registry. */
const checkpoint: CallSpec = grpc('model-registry', [rpc('s3', 'dataset-store', [], { count: 16 })], {
  probability: 1 / CHECKPOINT_EVERY,
});

const trainingStep = (trainer: string, shards: number): CallSpec[] => [
  http(trainer, [loadBatch(shards), rpc('nccl', 'allreduce-coordinator'), checkpoint]),
];

/** `pods` pods of 8 GPUs, 8 cores and 12 GiB of host memory each. */
const trainer = (name: string, pods: number, gpuMsPerCall: number) =>
  gpuService(name, {
    replicas: pods,
    cores: 8,
    gpus: 8 * pods,
    gpuMsPerCall,
    cpuMs: 15,
    latencyMs: gpuMsPerCall + 10,
    idleCores: 0.15,
    memoryMiB: 12 * 1024,
  });

export const HPC_AI500: Topology = {
  benchmark: 'hpc-ai500',
  description:
    'HPC-AI500-like GPU cluster: Extreme Weather (Faster-RCNN), CosmoFlow, EM segmentation (DeepLabv3+) and ' +
    'ResNet-50 trainers plus an inference server, with a CPU data-loading tier, node-local staging cache, ' +
    'parallel-file-system store, all-reduce coordinator and model registry; load = concurrent jobs, one ' +
    'request = one training step or inference batch; job mix assumed (20/20/20/25/15 %).',
  services: [
    service('job-gateway', 'gateway', { cores: 2, cpuMs: 2, latencyMs: 3, memoryMiB: 96 }),
    trainer('extreme-weather-trainer', 6, 260),
    trainer('cosmoflow-trainer', 4, 140),
    trainer('em-segmentation-trainer', 5, 220),
    trainer('image-classification-trainer', 6, 180),
    gpuService('inference-server', {
      replicas: 2,
      cores: 4,
      gpus: 4,
      gpuMsPerCall: 25,
      cpuMs: 4,
      latencyMs: 30,
      idleCores: 0.05,
      memoryMiB: 6 * 1024,
      memoryKiBPerRps: 512,
    }),
    service('data-loader', 'service', {
      replicas: 8,
      cores: 8,
      cpuMs: 30,
      latencyMs: 25,
      idleCores: 0.05,
      memoryMiB: 3 * 1024,
      memoryKiBPerRps: 4096,
    }),
    service('staging-cache', 'cache', { replicas: 2, cores: 2, cpuMs: 0.5, latencyMs: 1.5, memoryMiB: 4096 }),
    service('dataset-store', 'database', { replicas: 4, cores: 2, cpuMs: 2, latencyMs: 15, memoryMiB: 1024 }),
    service('allreduce-coordinator', 'service', {
      replicas: 2,
      cores: 2,
      cpuMs: 3,
      latencyMs: 35,
      memoryMiB: 256,
    }),
    service('model-registry', 'service', { cores: 1, cpuMs: 5, latencyMs: 20, memoryMiB: 256 }),
  ],
  endpoints: [
    endpoint('extreme-weather-train', 20, 'job-gateway', trainingStep('extreme-weather-trainer', 2)),
    endpoint('cosmoflow-train', 20, 'job-gateway', trainingStep('cosmoflow-trainer', 3)),
    endpoint('em-segmentation-train', 20, 'job-gateway', trainingStep('em-segmentation-trainer', 1)),
    endpoint(
      'image-classification-train',
      25,
      'job-gateway',
      trainingStep('image-classification-trainer', 2),
    ),
    endpoint('inference', 15, 'job-gateway', [
      http('inference-server', [grpc('data-loader'), grpc('model-registry', [], { probability: 0.01 })]),
    ]),
  ],
};
