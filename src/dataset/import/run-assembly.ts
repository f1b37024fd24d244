// Writes the aggregated grids as a run directory, step by step through RunWriter (so the output is
// validated exactly like `profile` output), and measures the gaps it leaves.
//
// Conventions of imported runs (see README.md beside this file):
// - ms_callgraph.csv holds one row per step, edge and rpc type, not one per call: trace_id is "agg:<n>" for
//   the n calls aggregated and rt_ms their mean response time. Static edges (a dependency graph file) are
//   rows at timestamp 0 with trace_id "static", rpc_type "static" and an empty rt_ms.
// - load.csv: requests are the requests that entered the system in the step (root spans, entry calls),
//   latencies their p50/p99; concurrency 0 (unknown); errors 0 (not recorded by these traces).
// - run.json load: {min: 0, max: 0, redrawSeconds: step}: no load generator drove the trace.
import { basename } from 'node:path';
import { DataError, InterruptedError } from '../../core/errors.js';
import { toolVersion } from '../../core/version.js';
import { RunWriter } from '../run-writer.js';
import {
  RUN_FORMAT,
  type CallRow,
  type MetricRow,
  type RunManifest,
  type ServiceRow,
} from '../run-format.js';
import { numberServices } from '../run-services.js';
import type { CallGrid, EdgeStep } from './call-grid.js';
import type { Anomaly, ImportContext } from './import-context.js';
import type { ImportFormat, ServiceGap } from './import-types.js';
import { quantile } from './quantile.js';

/** How long after an injected fault its window is left out of evaluation (faults in these datasets last minutes). */
export const FAULT_WINDOW_SECONDS = 300;
/** More steps than this means a unit is wrong (milliseconds read as seconds), not a long trace. */
const MAX_STEPS = 2_000_000;

export interface AssemblyInput {
  out: string;
  format: ImportFormat;
  benchmark: string;
  files: string[];
  services: string[];
  step: number;
  ctx: ImportContext;
  calls: CallGrid;
  signal?: AbortSignal;
}

export interface AssemblyResult {
  steps: number;
  startTime: string;
  edges: number;
  staticEdges: number;
  gaps: ServiceGap[];
  anomalies: number;
}

function stepRange(input: AssemblyInput): { first: number; steps: number } {
  const ranges = [input.ctx.metrics.binRange(), input.calls.binRange()].filter(
    (range) => range !== undefined,
  );
  if (ranges.length === 0) {
    throw new DataError(
      'no usable rows: every row was skipped or the files hold only headers',
      { file: input.files[0] ?? input.out },
      { suggestion: 'Look at skipped and skipExamples in the --json summary, or import with --strict.' },
    );
  }
  const first = Math.min(...ranges.map((range) => range.min));
  const steps = Math.max(...ranges.map((range) => range.max)) - first + 1;
  if (steps > MAX_STEPS) {
    throw new DataError(
      `the data spans ${steps} steps of ${input.step} s, more than ${MAX_STEPS}`,
      { file: input.files[0] ?? input.out, field: 'timestamp' },
      { suggestion: 'Check the timestamp unit, or pass a longer --step.' },
    );
  }
  return { first, steps };
}

function anomalyWindows(
  anomalies: readonly Anomaly[],
  kept: Set<string>,
  step: number,
  first: number,
  steps: number,
) {
  const length = Math.max(1, Math.ceil(FAULT_WINDOW_SECONDS / step));
  return anomalies
    .filter((anomaly) => kept.has(anomaly.service))
    .map((anomaly) => {
      const startStep = Math.floor(anomaly.time / step) - first;
      return {
        service: anomaly.service,
        kind: anomaly.kind,
        startStep,
        endStep: Math.min(steps - 1, startStep + length - 1),
      };
    })
    .filter((window) => window.startStep >= 0 && window.startStep < steps);
}

function callRow(
  timestamp: number,
  edge: Pick<EdgeStep, 'um' | 'dm'>,
  ids: Map<string, number>,
): Omit<CallRow, 'traceId' | 'rpcType' | 'rtMs'> {
  return { timestamp, um: edge.um, dm: edge.dm, umId: ids.get(edge.um) ?? 0, dmId: ids.get(edge.dm) ?? 0 };
}

export function assembleRun(input: AssemblyInput): AssemblyResult {
  const { ctx, calls, step } = input;
  const { first, steps } = stepRange(input);
  const kept = new Set(input.services);
  const rows: ServiceRow[] = numberServices(
    input.services.map((msName) => ({
      msName,
      kind: input.format === 'gpu-long' ? 'gpu' : 'service',
      replicas: Math.max(1, ctx.metrics.replicas(msName)),
    })),
  );
  const ids = new Map(rows.map((row) => [row.msName, row.msId]));
  const statics = calls.statics.filter((edge) => {
    if (kept.has(edge.um) && kept.has(edge.dm)) return true;
    ctx.issues.skip(
      'static-edge-outside-services',
      edge,
      `edge ${edge.um} → ${edge.dm} names a service without data or left out`,
    );
    return false;
  });
  const anomalies = anomalyWindows(ctx.anomalies, kept, step, first, steps);
  const startTime = new Date(first * step * 1000).toISOString();
  const manifest: RunManifest = {
    format: RUN_FORMAT,
    id: basename(input.out),
    benchmark: input.benchmark,
    cluster: { kind: 'import', source: { format: input.format, files: input.files }, anomalies },
    startTime,
    stepSeconds: step,
    samples: steps,
    seed: null,
    load: { min: 0, max: 0, redrawSeconds: step },
    status: 'running',
    toolVersion,
  };
  const writer = RunWriter.create(input.out, manifest, rows, { durability: 'periodic' });
  const edges = new Set(statics.map((edge) => `${edge.um}\u0000${edge.dm}`));
  const missing = rows.map(() => ({ count: 0, first: -1 }));
  try {
    for (let timestamp = 0; timestamp < steps; timestamp += 1) {
      if ((timestamp & 1023) === 0 && input.signal?.aborted === true) {
        writer.setStatus('interrupted');
        throw new InterruptedError(`import cancelled after ${timestamp} steps`, {
          suggestion: 'Run the import again into a new --out.',
        });
      }
      const bin = first + timestamp;
      const metrics: MetricRow[] = rows.map((service) => {
        const cell = ctx.metrics.cell(service.msName, bin);
        if (cell.cpu === null && cell.memory === null && cell.gpu === null) {
          const gap = missing[service.msId];
          if (gap !== undefined) {
            gap.count += 1;
            if (gap.first < 0) gap.first = timestamp;
          }
        }
        return {
          timestamp,
          msName: service.msName,
          msId: service.msId,
          cpuUtilization: cell.cpu,
          gpuUtilization: cell.gpu,
          memoryBytes: cell.memory,
        };
      });
      const stepCalls: CallRow[] =
        timestamp === 0
          ? statics.map((edge) => ({
              ...callRow(0, edge, ids),
              traceId: 'static',
              rpcType: 'static',
              rtMs: null,
            }))
          : [];
      for (const edge of calls.edgesAt(bin)) {
        if (!kept.has(edge.um) || !kept.has(edge.dm)) continue;
        edges.add(`${edge.um}\u0000${edge.dm}`);
        stepCalls.push({
          ...callRow(timestamp, edge, ids),
          traceId: `agg:${edge.count}`,
          rpcType: edge.rpcType,
          rtMs: edge.rtCount === 0 ? null : edge.rtSum / edge.rtCount,
        });
      }
      const requests = calls.requestsAt(bin);
      writer.appendStep({
        timestamp,
        metrics,
        calls: stepCalls,
        load: {
          timestamp,
          concurrency: 0,
          requests: requests?.count ?? 0,
          errors: 0,
          latencyP50Ms: quantile(requests?.latencies ?? [], 0.5),
          latencyP99Ms: quantile(requests?.latencies ?? [], 0.99),
        },
      });
    }
    writer.close();
    writer.setStatus('complete');
  } finally {
    writer.close();
  }
  const gaps = rows
    .map((row) => ({
      service: row.msName,
      missingSteps: missing[row.msId]?.count ?? 0,
      firstMissingStep: missing[row.msId]?.first ?? -1,
    }))
    .filter((gap) => gap.missingSteps > 0);
  return {
    steps,
    startTime,
    edges: edges.size,
    staticEdges: statics.length,
    gaps,
    anomalies: anomalies.length,
  };
}
