// `rescape inspect`: validates a run directory and summarises it (services, steps, call graph, load).
import { RunningStats as Stats } from '../core/running-stats.js';
import { readRun, type RunProblem } from './run-reader.js';
import type { RunStatus } from './run-format.js';
import { getTopology } from '../sim/topologies/index.js';
import { topologyEdges } from '../sim/topology-edges.js';
import { BENCHMARKS, type BenchmarkName } from '../sim/topology-types.js';

export interface ServiceSummary {
  msId: number;
  msName: string;
  kind: string;
  replicas: number;
  cpuMean: number | null;
  cpuMax: number | null;
  gpuMean: number | null;
  memoryMeanBytes: number | null;
  missingSamples: number;
}

export interface EdgeSummary {
  um: string;
  dm: string;
  calls: number;
  rtMeanMs: number | null;
}

export interface InspectResult {
  runDir: string;
  id: string;
  benchmark: string;
  cluster: string;
  status: RunStatus;
  stepSeconds: number;
  samples: number;
  steps: number;
  durationSeconds: number;
  services: ServiceSummary[];
  edges: EdgeSummary[];
  callRows: number;
  traces: number;
  load: {
    concurrencyMin: number | null;
    concurrencyMean: number | null;
    concurrencyMax: number | null;
    requests: number;
    errors: number;
    errorRate: number | null;
    latencyP50MeanMs: number | null;
    latencyP99MaxMs: number | null;
  };
  problems: RunProblem[];
}

export async function inspectRun(runDir: string): Promise<InspectResult> {
  const run = await readRun(runDir);
  const steps = run.load.length;
  const services: ServiceSummary[] = run.services.map((service) => ({
    ...service,
    cpuMean: null,
    cpuMax: null,
    gpuMean: null,
    memoryMeanBytes: null,
    missingSamples: 0,
  }));
  const sums = services.map(() => ({ cpu: new Stats(), gpu: new Stats(), memory: new Stats() }));
  for (const row of run.metrics) {
    const sum = sums[row.msId];
    const summary = services[row.msId];
    if (sum === undefined || summary === undefined) continue;
    sum.cpu.add(row.cpuUtilization);
    sum.gpu.add(row.gpuUtilization);
    sum.memory.add(row.memoryBytes);
    if (row.cpuUtilization === null || row.gpuUtilization === null || row.memoryBytes === null)
      summary.missingSamples += 1;
  }
  services.forEach((summary, index) => {
    const sum = sums[index];
    if (sum === undefined) return;
    summary.cpuMean = sum.cpu.mean();
    summary.cpuMax = sum.cpu.max;
    summary.gpuMean = sum.gpu.mean();
    summary.memoryMeanBytes = sum.memory.mean();
  });

  const edgeStats = new Map<string, { um: string; dm: string; rt: Stats }>();
  const traces = new Set<string>();
  for (const call of run.calls) {
    traces.add(call.traceId);
    const key = `${call.um}>${call.dm}`;
    let edge = edgeStats.get(key);
    if (edge === undefined) {
      edge = { um: call.um, dm: call.dm, rt: new Stats() };
      edgeStats.set(key, edge);
    }
    edge.rt.add(call.rtMs);
  }
  const edges = [...edgeStats.values()]
    .map((edge) => ({ um: edge.um, dm: edge.dm, calls: edge.rt.count, rtMeanMs: edge.rt.mean() }))
    .sort((a, b) => b.calls - a.calls || (a.um + a.dm < b.um + b.dm ? -1 : 1));

  const problems = [...run.problems];
  if (run.manifest.cluster.kind === 'sim' && BENCHMARKS.includes(run.manifest.benchmark as BenchmarkName)) {
    const allowed = topologyEdges(getTopology(run.manifest.benchmark as BenchmarkName));
    for (const edge of edges) {
      if (!allowed.has(`${edge.um}>${edge.dm}`)) {
        problems.push({
          severity: 'warning',
          file: 'ms_callgraph.csv',
          message: `call ${edge.um} → ${edge.dm} is not in the ${run.manifest.benchmark} topology`,
        });
      }
    }
  }

  const concurrency = new Stats();
  const p50 = new Stats();
  const p99 = new Stats();
  let requests = 0;
  let errors = 0;
  for (const row of run.load) {
    concurrency.add(row.concurrency);
    p50.add(row.latencyP50Ms);
    p99.add(row.latencyP99Ms);
    requests += row.requests;
    errors += row.errors;
  }
  return {
    runDir,
    id: run.manifest.id,
    benchmark: run.manifest.benchmark,
    cluster: run.manifest.cluster.kind,
    status: run.manifest.status,
    stepSeconds: run.manifest.stepSeconds,
    samples: run.manifest.samples,
    steps,
    durationSeconds: steps * run.manifest.stepSeconds,
    services,
    edges,
    callRows: run.calls.length,
    traces: traces.size,
    load: {
      concurrencyMin: concurrency.min,
      concurrencyMean: concurrency.mean(),
      concurrencyMax: concurrency.max,
      requests,
      errors,
      errorRate: requests > 0 ? errors / requests : null,
      latencyP50MeanMs: p50.mean(),
      latencyP99MaxMs: p99.max,
    },
    problems,
  };
}
