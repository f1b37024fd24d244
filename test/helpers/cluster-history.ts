// A cluster's monitoring history as the exporters would have left it in Prometheus, written from a ground
// truth (a simulated run's per-service series): cAdvisor CPU counters and memory gauges per pod, DCGM-exporter
// GPU gauges in its three pod-label shapes, plus the series a real namespace also holds and rescape must not
// count (the pause container, the pod-level cgroup, an idle GPU, the same service in another namespace).
// Shared by the collection and export tests and the export benchmark, so all three read the same shapes.
import { readRun } from '../../src/dataset/run-reader.js';
import { OpenMetricsWriter } from './prometheus-server.js';

export interface ServiceTruth {
  cpu: number[];
  gpu: number[];
  memory: number[];
}

export type Truth = Map<string, ServiceTruth>;

/** How a GPU service's DCGM series name their pod (see manifests/metrics-profiles/default.yaml). */
export type DcgmShape = 'exported' | 'pod' | 'legacy';

/** No sample at all for these steps (inclusive) of these metric families. */
export interface HistoryGap {
  service: string;
  families: ('cpu' | 'gpu' | 'memory')[];
  from: number;
  to: number;
}

export interface HistorySpec {
  namespace: string;
  stepSeconds: number;
  /** Unix seconds of step 0's start; must lie hours in the past (see prometheus-server.ts). */
  startSeconds: number;
  steps: number;
  truth: Truth;
  /** Services written from the truth, in this order. */
  services: readonly string[];
  /** Named <service>-<ordinal> (StatefulSet) rather than <service>-<hash>-<suffix> (Deployment). */
  stateful?: ReadonlySet<string>;
  /** GPU services and the label shape of their DCGM series; others have no DCGM series at all. */
  gpuLabels?: Readonly<Record<string, DcgmShape>>;
  /** GPUs per service (split evenly over its pods). */
  gpus?: ReadonlyMap<string, number>;
  gaps?: readonly HistoryGap[];
  /** Pods outside the listed services (a load client), with a flat CPU and memory series. */
  extraPods?: Readonly<Record<string, string[]>>;
}

/** 15 s scrapes, never on a step boundary (range selectors are closed at both ends). */
const SCRAPE_OFFSETS = [7.5, 22.5];
/** History before step 0, so the first rate window is full. */
const WARMUP_STEPS = 2;
/** Each service runs two pods that split its load unevenly. */
const POD_SHARES = [0.6, 0.4];

/** The ground truth of a run directory (every value present). */
export function truthFromRun(dir: string): { truth: Truth; steps: number } {
  const data = readRun(dir, { calls: 'summary' });
  const truth: Truth = new Map();
  for (const row of data.metrics) {
    const entry = truth.get(row.msName) ?? { cpu: [], gpu: [], memory: [] };
    truth.set(row.msName, entry);
    entry.cpu[row.timestamp] = row.cpuUtilization!;
    entry.gpu[row.timestamp] = row.gpuUtilization!;
    entry.memory[row.timestamp] = row.memoryBytes!;
  }
  return { truth, steps: data.manifest.samples };
}

export function inGap(gaps: readonly HistoryGap[], service: string, family: string, k: number): boolean {
  return gaps.some(
    (gap) =>
      gap.service === service && (gap.families as string[]).includes(family) && k >= gap.from && k <= gap.to,
  );
}

export function podNames(spec: Pick<HistorySpec, 'stateful'>, service: string): string[] {
  return spec.stateful?.has(service)
    ? [`${service}-0`, `${service}-1`]
    : [`${service}-7d9f8b6c5d-x2k9q`, `${service}-7d9f8b6c5d-m4zpt`];
}

/** The OpenMetrics text to backfill. */
export function writeClusterHistory(spec: HistorySpec): string {
  const out = new OpenMetricsWriter();
  const gaps = spec.gaps ?? [];
  const flat = {
    cpu: Array<number>(spec.steps).fill(0.2),
    gpu: [],
    memory: Array<number>(spec.steps).fill(1e8),
  };
  const pods = [
    ...spec.services.map((service) => [service, podNames(spec, service)] as const),
    ...Object.entries(spec.extraPods ?? {}),
  ];
  for (const [service, names] of pods) {
    const series = spec.truth.get(service) ?? flat;
    names.forEach((pod, p) => {
      const share = POD_SHARES[p] ?? 1;
      const kubelet = {
        instance: '10.0.4.17:10250',
        job: 'kubelet',
        metrics_path: '/metrics/cadvisor',
        node: 'gpu-node-1',
        service: 'kubelet',
      };
      const cadvisor = (container: string) => ({
        ...kubelet,
        container,
        namespace: spec.namespace,
        pod,
        id: `/kubepods/burstable/pod-${pod}/${container}`,
      });
      let cumulative = 1000; // core-seconds used before the window: the container has been running a while
      for (let k = -WARMUP_STEPS; k < spec.steps; k += 1) {
        const at = Math.max(k, 0);
        const cores = series.cpu[at]! * share;
        for (const offset of SCRAPE_OFFSETS) {
          const time = spec.startSeconds + k * spec.stepSeconds + offset;
          if (!inGap(gaps, service, 'cpu', k)) {
            const cpu = (container: string, value: number) =>
              out.add(
                'counter',
                'container_cpu_usage_seconds',
                { ...cadvisor(container), cpu: 'total' },
                value,
                time,
              );
            cpu(service, cumulative + cores * offset);
            // The pause container and the pod-level cgroup (container="") must not be counted.
            cpu('POD', 5 + 0.001 * (time - spec.startSeconds));
            cpu('', 2 * cumulative + cores * offset);
          }
          if (!inGap(gaps, service, 'memory', k)) {
            const memory = Math.round(series.memory[at]! * share);
            out.add('gauge', 'container_memory_working_set_bytes', cadvisor(service), memory, time);
            out.add('gauge', 'container_memory_working_set_bytes', cadvisor('POD'), 450_560, time);
          }
          const shape = spec.gpuLabels?.[service];
          const gpus = spec.gpus?.get(service) ?? 0;
          const perPod = gpus / names.length;
          if (shape !== undefined && !inGap(gaps, service, 'gpu', k)) {
            for (let g = 0; g < perPod; g += 1) {
              const util = Math.round((100 * series.gpu[at]!) / (gpus || 1));
              const labels = dcgmLabels(spec.namespace, shape, pod, service, p * perPod + g);
              out.add('gauge', 'DCGM_FI_DEV_GPU_UTIL', labels, util, time);
            }
          }
        }
        cumulative += cores * spec.stepSeconds;
      }
    });
  }
  for (let k = 0; k < spec.steps; k += 1) {
    const time = spec.startSeconds + k * spec.stepSeconds + 7.5;
    // A GPU no pod holds: the exporter labels it with its own pod and namespace only.
    out.add('gauge', 'DCGM_FI_DEV_GPU_UTIL', { ...dcgmTarget(), gpu: '7', UUID: 'GPU-idle' }, 0, time);
    // The same service in another namespace must not leak in.
    const labels = { container: 'data-loader', namespace: 'other', pod: 'data-loader-5b6c7d8f9g-aaaaa' };
    out.add('gauge', 'container_memory_working_set_bytes', labels, 9e12, time);
  }
  return out.text();
}

function dcgmTarget() {
  return {
    job: 'gpu-operator/nvidia-dcgm-exporter',
    instance: '10.0.4.17:9400',
    namespace: 'gpu-operator',
    pod: 'nvidia-dcgm-exporter-zxgzh',
    container: 'nvidia-dcgm-exporter',
    Hostname: 'gpu-node-1',
    modelName: 'NVIDIA A100-SXM4-80GB',
  };
}

function dcgmLabels(namespace: string, shape: DcgmShape, pod: string, service: string, gpu: number) {
  const device = { gpu: String(gpu), UUID: `GPU-${service}-${gpu}`, device: `nvidia${gpu % 8}` };
  switch (shape) {
    case 'exported': // scraped without honor_labels: the exporter's target labels win
      return {
        ...dcgmTarget(),
        ...device,
        exported_namespace: namespace,
        exported_pod: pod,
        exported_container: service,
      };
    case 'pod': // honor_labels: true
      return {
        ...device,
        job: 'dcgm-exporter',
        instance: '10.0.4.17:9400',
        Hostname: 'gpu-node-1',
        namespace,
        pod,
        container: service,
      };
    case 'legacy': // dcgm-exporter with --use-old-namespace
      return { ...dcgmTarget(), ...device, pod_namespace: namespace, pod_name: pod, container_name: service };
  }
}

/**
 * The HPC-AI500 scenario of the collection and export tests: every DCGM label shape, a StatefulSet, a load
 * client outside the benchmark, and deliberate gaps (CPU and memory of a CPU service, GPU of a GPU service).
 */
export function hpcScenario(gpus: ReadonlyMap<string, number>) {
  return {
    namespace: 'hpc',
    services: [
      'allreduce-coordinator',
      'cosmoflow-trainer',
      'data-loader',
      'em-segmentation-trainer',
      'inference-server',
      'job-gateway',
      'staging-cache',
    ],
    stateful: new Set(['staging-cache']),
    gpuLabels: {
      'cosmoflow-trainer': 'exported',
      'inference-server': 'pod',
      'em-segmentation-trainer': 'legacy',
    } satisfies Record<string, DcgmShape>,
    gpus,
    gaps: [
      { service: 'data-loader', families: ['cpu', 'memory'], from: 40, to: 49 },
      { service: 'inference-server', families: ['gpu'], from: 60, to: 69 },
    ] satisfies HistoryGap[],
    extraPods: { 'benchmark-client': ['benchmark-client-0'] },
  };
}
