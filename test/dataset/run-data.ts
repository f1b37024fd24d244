// Hand-built RunData for the series, windows, split and normalisation tests: values are given as functions
// of (step, service), so every expectation can be computed by hand.
import type { CallRow, LoadRow, MetricRow, RunManifest, ServiceRow } from '../../src/dataset/run-format.js';
import type { RunData } from '../../src/dataset/run-reader.js';
import { summariseCalls } from '../../src/dataset/call-summary.js';

type Cell = (step: number, service: number) => number | null;

export interface RunSpec {
  services: number;
  steps: number;
  cpu: Cell;
  gpu?: Cell;
  memory?: Cell;
  load?: (step: number) => Partial<LoadRow>;
  /** [um, dm, calls] */
  calls?: [number, number, number][];
  cluster?: Record<string, unknown>;
}

export function serviceRows(count: number): ServiceRow[] {
  return Array.from({ length: count }, (_, msId) => ({
    msId,
    msName: `svc-${String.fromCharCode(97 + msId)}`,
    kind: 'service',
    replicas: 1,
  }));
}

export function runData(spec: RunSpec): RunData {
  const services = serviceRows(spec.services);
  const manifest: RunManifest = {
    format: 'rescape.run/v1',
    id: 'hand-built',
    benchmark: 'ecommerce',
    cluster: { kind: 'sim', ...spec.cluster },
    startTime: '2026-01-01T00:00:00.000Z',
    stepSeconds: 30,
    samples: spec.steps,
    seed: 1,
    load: { min: 80, max: 220, redrawSeconds: 60 },
    status: 'complete',
    toolVersion: '0.1.0',
  };
  const metrics: MetricRow[] = [];
  const load: LoadRow[] = [];
  for (let t = 0; t < spec.steps; t += 1) {
    for (const service of services) {
      metrics.push({
        timestamp: t,
        msName: service.msName,
        msId: service.msId,
        cpuUtilization: spec.cpu(t, service.msId),
        gpuUtilization: spec.gpu === undefined ? 0 : spec.gpu(t, service.msId),
        memoryBytes: spec.memory === undefined ? 1000 : spec.memory(t, service.msId),
      });
    }
    load.push({
      timestamp: t,
      concurrency: 100 + t,
      requests: 1000 + 2 * t,
      errors: 0,
      latencyP50Ms: 10,
      latencyP99Ms: 50,
      ...spec.load?.(t),
    });
  }
  const calls: CallRow[] = (spec.calls ?? []).flatMap(([um, dm, count]) =>
    Array.from({ length: count }, (_, k) => ({
      timestamp: k % spec.steps,
      traceId: `t-${um}-${dm}-${k}`,
      um: services[um]?.msName ?? '',
      dm: services[dm]?.msName ?? '',
      umId: um,
      dmId: dm,
      rpcType: 'grpc',
      rtMs: 1,
    })),
  );
  calls.sort((a, b) => a.timestamp - b.timestamp);
  const callSummary = summariseCalls(calls, services.length);
  return { manifest, services, metrics, calls, callSummary, load, problems: [] };
}
