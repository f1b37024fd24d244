// Benchmark: `rescape export` of 12 h × 30 services (1,440 steps of 30 s) from a real local Prometheus, the
// history backfilled with promtool in the shapes the tests use (cAdvisor counters and memory gauges per pod,
// two pods per service, DCGM gauges for 6 GPU services, 15 s scrapes). The export runs in-process through
// the core (exportRun, default profile, 1 h batches, every step fsynced) and is timed from the first request
// to run.json marked complete. Prints the HTTP requests it made. References measured in the same run: the
// same range queries over the whole window issued raw with axios (the Prometheus floor: 3 requests, no
// batching, no parsing into rows, nothing written), and reading the exported run back with readRun.
// Goal: ≤ 2 s. Setup (backfill, server start) is not timed. Needs `prometheus` and `promtool` on PATH.
import axios from 'axios';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRun } from '../src/dataset/run-reader.js';
import { exportRun } from '../src/profiler/export-run.js';
import { loadMetricsProfile } from '../src/profiler/metrics-profile.js';
import { renderQuery } from '../src/profiler/metrics-profile-query.js';
import { writeClusterHistory, type DcgmShape, type Truth } from '../test/helpers/cluster-history.js';
import { startPrometheus } from '../test/helpers/prometheus-server.js';

const STEP = 30;
const STEPS = 12 * 120;
const SERVICES = Array.from({ length: 30 }, (_, i) => `service-${String(i).padStart(2, '0')}`);
const GPU_SERVICES = SERVICES.slice(0, 6);
const NAMESPACE = 'bench';

const truth: Truth = new Map(
  SERVICES.map((name, s) => [
    name,
    {
      cpu: Array.from({ length: STEPS }, (_, k) => 0.5 + 0.4 * Math.sin((k + 7 * s) / 40)),
      gpu: Array.from({ length: STEPS }, (_, k) => 2 + Math.sin((k + s) / 25)),
      memory: Array.from({ length: STEPS }, (_, k) => 2e8 + 1e6 * ((k * (s + 1)) % 97)),
    },
  ]),
);
const startSeconds = Math.floor((Date.now() / 1000 - 4 * 3600) / 3600) * 3600 - 12 * 3600;
const dir = mkdtempSync(join(tmpdir(), 'rescape-bench-export-'));
const setupStarted = performance.now();
const history = writeClusterHistory({
  namespace: NAMESPACE,
  stepSeconds: STEP,
  startSeconds,
  steps: STEPS,
  truth,
  services: SERVICES,
  gpuLabels: Object.fromEntries(GPU_SERVICES.map((name) => [name, 'pod' as DcgmShape])),
  gpus: new Map(GPU_SERVICES.map((name) => [name, 4])),
});
const server = await startPrometheus({ openMetrics: history, readyTimeoutMs: 60_000 });
console.log(
  `setup: backfilled and started Prometheus in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
);

try {
  const start = new Date(startSeconds * 1000);
  const end = new Date((startSeconds + STEPS * STEP) * 1000);
  const out = join(dir, 'run');
  const t0 = performance.now();
  const result = await exportRun({
    prometheusUrl: server.url,
    jaegerApi: 'auto',
    namespace: NAMESPACE,
    start,
    end,
    stepSeconds: STEP,
    out,
  });
  const exportSeconds = (performance.now() - t0) / 1000;

  const profile = loadMetricsProfile();
  const t1 = performance.now();
  for (const metric of profile.metrics) {
    const params = new URLSearchParams({
      query: renderQuery(metric.query, profile, { namespace: NAMESPACE, stepSeconds: STEP }),
      start: String(startSeconds + STEP),
      end: String(startSeconds + STEPS * STEP),
      step: String(STEP),
    });
    const answer = await axios.post(`${server.url}/api/v1/query_range`, params.toString(), {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    if ((answer.data as { status?: string }).status !== 'success') throw new Error('raw query failed');
  }
  const rawSeconds = (performance.now() - t1) / 1000;

  const t2 = performance.now();
  const data = readRun(out);
  const readSeconds = (performance.now() - t2) / 1000;

  console.log(
    `exported ${result.steps} steps × ${result.services} services (${result.gpuServices} GPU), ${data.metrics.length} metric rows, status ${result.status}`,
  );
  console.log('| what | wall | HTTP requests | ratio to export |');
  console.log('| ---- | ---- | ------------- | --------------- |');
  const row = (what: string, seconds: number, requests: string) =>
    console.log(
      `| ${what} | ${seconds.toFixed(3)} s | ${requests} | ${(exportSeconds / seconds).toFixed(1)}× |`,
    );
  row('rescape export (1 h batches, periodic fsync)', exportSeconds, String(result.prometheusRequests));
  row('raw axios query_range, whole window', rawSeconds, String(profile.metrics.length));
  row('readRun of the exported run', readSeconds, '0');
  console.log(
    `goal ≤ 2 s: ${exportSeconds <= 2 ? 'met' : 'NOT met'} (${(exportSeconds / 2).toFixed(2)}× the goal)`,
  );
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
