// Shared fixtures of the run directory tests: a small service set (with a comma and a multi-byte name, to
// exercise CSV quoting and byte offsets) and deterministic steps.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { RunWriter } from '../../src/dataset/run-writer.js';
import type { CallRow, RunManifest, ServiceRow, StepRecord } from '../../src/dataset/run-format.js';

export const SERVICES: ServiceRow[] = [
  { msId: 0, msName: 'compose-post', kind: 'service', replicas: 2 },
  { msId: 1, msName: 'frontend', kind: 'gateway', replicas: 1 },
  { msId: 2, msName: 'media-mongodb', kind: 'database', replicas: 1 },
  { msId: 3, msName: 'user,cache', kind: 'cache', replicas: 1 },
  { msId: 4, msName: 'ünicode-gpu', kind: 'gpu', replicas: 1 },
];

export function manifest(overrides: Partial<RunManifest> = {}): RunManifest {
  return {
    format: 'rescape.run/v1',
    id: 'test-run',
    benchmark: 'social-network',
    cluster: { kind: 'sim', tracesPerStep: 3 },
    startTime: '2026-01-01T00:00:00.000Z',
    stepSeconds: 30,
    samples: 20,
    seed: 7,
    load: { min: 80, max: 220, redrawSeconds: 60 },
    status: 'running',
    toolVersion: '0.1.0',
    ...overrides,
  };
}

/** A deterministic step: values vary with the timestamp, some samples are missing. */
export function step(timestamp: number, services: readonly ServiceRow[] = SERVICES): StepRecord {
  const metrics = services.map((service) => ({
    timestamp,
    msName: service.msName,
    msId: service.msId,
    cpuUtilization:
      timestamp % 7 === 3 && service.msId === 2 ? null : 0.1234567 * (service.msId + 1) + timestamp / 3,
    gpuUtilization: service.kind === 'gpu' ? (timestamp % 4) / 4 : 0,
    memoryBytes: 100_000_000 + service.msId * 1_000_003 + timestamp * 4096.4,
  }));
  const calls: CallRow[] = [];
  for (let trace = 0; trace < (timestamp % 3) + 1; trace += 1) {
    const traceId = `t${timestamp}-${trace}`;
    const edges: [number, number, string][] = [
      [1, 0, 'thrift'],
      [0, 3, 'memcached'],
      [0, 4, 'grpc'],
      [0, 2, 'mongodb'],
    ];
    edges.slice(0, 2 + ((timestamp + trace) % 3)).forEach(([um, dm, rpcType], index) => {
      const up = services[um];
      const down = services[dm];
      if (up === undefined || down === undefined) return;
      calls.push({
        timestamp,
        traceId,
        um: up.msName,
        dm: down.msName,
        umId: um,
        dmId: dm,
        rpcType,
        rtMs: index === 3 && trace === 1 ? null : 1.23456 * (index + 1) + timestamp,
      });
    });
  }
  return {
    timestamp,
    metrics,
    calls,
    load: {
      timestamp,
      concurrency: 80 + ((timestamp * 37) % 141),
      requests: 1000 + timestamp,
      errors: timestamp % 5,
      latencyP50Ms: 12.5 + timestamp / 7,
      latencyP99Ms: timestamp === 2 ? null : 80.0004 + timestamp,
    },
  };
}

const created: string[] = [];
// Registered once per test file (each file runs in its own process).
after(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed when the test file ends. */
export function tempDir(prefix = 'rescape-dataset-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Writes steps 0..count-1 into a new run directory `dir` (which must not exist or be empty). */
export function writeRun(dir: string, count: number, options: { status?: RunManifest['status'] } = {}): void {
  const writer = RunWriter.create(dir, manifest(), SERVICES, { durability: 'periodic' });
  for (let t = 0; t < count; t += 1) writer.appendStep(step(t));
  writer.close();
  if (options.status !== undefined) writer.setStatus(options.status);
}
