// collectServiceMetrics against a real Prometheus: a simulated 1 h HPC-AI500 run's ground truth is written as
// cAdvisor counters, DCGM-exporter gauges (in its three pod-label shapes) and memory gauges, backfilled with
// promtool, served by `prometheus` on 127.0.0.1, and read back through the default metrics profile.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { profileSimulated } from '../../src/profiler/simulated-profile.js';
import { collectServiceMetrics, type CollectedMetrics } from '../../src/profiler/metrics-profile-collect.js';
import { loadMetricsProfile } from '../../src/profiler/metrics-profile.js';
import { PrometheusClient, type PrometheusClientOptions } from '../../src/profiler/prometheus-client.js';
import { PrometheusApiError } from '../../src/profiler/prometheus-errors.js';
import { RemoteApiError, UsageError } from '../../src/core/errors.js';
import { getTopology } from '../../src/sim/topologies/index.js';
import { tempDir } from '../cli.js';
import {
  hpcScenario,
  inGap as inScenarioGap,
  truthFromRun,
  writeClusterHistory,
  type DcgmShape,
  type Truth,
} from '../helpers/cluster-history.js';
import { startPrometheus, type PrometheusServer } from '../helpers/prometheus-server.js';

const STEP = 30;
const scenario = hpcScenario(
  new Map(getTopology('hpc-ai500').services.map((spec) => [spec.name, spec.gpus ?? 0])),
);
const NS = scenario.namespace;
const SERVICES = scenario.services;
const GPU_LABELS: Record<string, DcgmShape> = scenario.gpuLabels;

const profile = loadMetricsProfile();
let server: PrometheusServer;
let truth: Truth;
let startSeconds: number;
let steps: number;
let tmp: ReturnType<typeof tempDir>;

function inGap(service: string, family: string, k: number): boolean {
  return inScenarioGap(scenario.gaps, service, family, k);
}

function client(options: Partial<PrometheusClientOptions> = {}) {
  let requests = 0;
  const made = new PrometheusClient({
    url: server.url,
    timeoutMs: 5_000,
    retries: 2,
    retryMinDelayMs: 20,
    retryMaxDelayMs: 50,
    ...options,
    onRequest: (event) => {
      requests += 1;
      options.onRequest?.(event);
    },
  });
  return { client: made, requests: () => requests };
}

function window() {
  return {
    start: new Date(startSeconds * 1000),
    end: new Date((startSeconds + steps * STEP) * 1000),
    stepSeconds: STEP,
    namespace: NS,
    services: SERVICES,
  };
}

before(async () => {
  tmp = tempDir('prom-collect');
  const run = join(tmp.path, 'run');
  await profileSimulated({
    benchmark: 'hpc-ai500',
    durationSeconds: 3600,
    stepSeconds: STEP,
    load: { min: 80, max: 220, redrawSeconds: 60 },
    seed: 7,
    tracesPerStep: 0,
    incidentsPerHour: 0,
    out: run,
  });
  ({ truth, steps } = truthFromRun(run));
  // History ends 3-4 h before now, in whole hours: promtool writes 2 h blocks the head must not overlap.
  startSeconds = Math.floor((Date.now() / 1000 - 4 * 3600) / 3600) * 3600 - 3600;
  server = await startPrometheus({
    openMetrics: writeClusterHistory({ ...scenario, stepSeconds: STEP, startSeconds, steps, truth }),
  });
});

after(async () => {
  await server?.close();
  tmp?.[Symbol.dispose]();
});

/** Asserts a collected column against expectations; `expected` returns undefined where it is not defined. */
function assertColumn(
  got: CollectedMetrics,
  metric: string,
  service: string,
  expected: (k: number) => number | null | undefined,
  tolerance: number,
) {
  const column = got.values[metric]?.[service];
  assert.ok(column, `${metric}/${service} is missing`);
  assert.equal(column.length, steps);
  column.forEach((value, k) => {
    const want = expected(k);
    if (want === undefined) return;
    if (want === null)
      assert.equal(value, null, `${metric}/${service} step ${k}: expected a gap (null), got ${value}`);
    else
      assert.ok(
        value !== null && Math.abs(value - want) <= tolerance,
        `${metric}/${service} step ${k}: got ${value}, expected ${want} ± ${tolerance}`,
      );
  });
}

test('the default profile recovers per-service CPU (rate over 1m), GPU (3 label shapes) and memory, with gaps as null', async () => {
  const { client: prometheus, requests } = client();
  const got = await collectServiceMetrics(prometheus, profile, window());
  assert.equal(requests(), 3, 'one range request per metric');
  assert.deepEqual(got.services, SERVICES);
  assert.equal(got.steps, 120);
  assert.equal(got.stepEnds[0], startSeconds + STEP);
  for (const service of SERVICES) {
    const series = truth.get(service)!;
    // rate(…[1m]) at a step's end spans that step and the previous one: it is their mean, where both are whole.
    assertColumn(
      got,
      'cpu_utilization',
      service,
      (k) => {
        const gapNow = inGap(service, 'cpu', k);
        const gapBefore = inGap(service, 'cpu', k - 1);
        if (gapNow && gapBefore) return null;
        if (gapNow || gapBefore) return undefined; // a half-empty window: rate() extrapolates from what is there
        return (series.cpu[Math.max(k - 1, 0)]! + series.cpu[k]!) / 2;
      },
      1e-6 * Math.max(1, ...series.cpu),
    );
    assertColumn(
      got,
      'memory_bytes',
      service,
      (k) => (inGap(service, 'memory', k) ? null : series.memory[k]!),
      1,
    );
    const gpus = getTopology('hpc-ai500').services.find((spec) => spec.name === service)?.gpus ?? 0;
    assertColumn(
      got,
      'gpu_utilization',
      service,
      (k) => (GPU_LABELS[service] === undefined || inGap(service, 'gpu', k) ? null : series.gpu[k]!),
      // DCGM reports whole percents: each GPU is off by at most half a percent.
      gpus * 0.005 + 1e-9,
    );
  }
  const missing = (metric: string, service: string) =>
    got.missing.find((entry) => entry.metric === metric && entry.service === service);
  assert.deepEqual(missing('memory_bytes', 'data-loader')?.ranges, [[40, 49]]);
  assert.deepEqual(missing('cpu_utilization', 'data-loader')?.ranges, [[41, 49]]);
  assert.deepEqual(missing('gpu_utilization', 'inference-server')?.ranges, [[60, 69]]);
  assert.equal(missing('gpu_utilization', 'job-gateway')?.count, steps, 'a CPU service has no DCGM series');
  assert.equal(missing('memory_bytes', 'job-gateway'), undefined);
  const strays = new Set(
    got.unattributed.map((entry) => `${entry.metric}:${entry.reason}:${entry.labels.pod}`),
  );
  assert.ok(strays.has('cpu_utilization:not a requested service:benchmark-client-0'));
  assert.equal(got.nonFiniteSamples, 0);
});

test('with rateWindow equal to the step, CPU is each step’s own average, and a gap is exactly its steps', async () => {
  const got = await collectServiceMetrics(client().client, { ...profile, rateWindow: '30s' }, window());
  for (const service of SERVICES) {
    const cpu = truth.get(service)!.cpu;
    assertColumn(
      got,
      'cpu_utilization',
      service,
      (k) => (inGap(service, 'cpu', k) ? null : cpu[k]!),
      1e-6 * Math.max(...cpu),
    );
  }
});

test('range queries split at maxPointsPerSeries give the same series', async () => {
  const whole = await collectServiceMetrics(client().client, profile, window());
  const { client: split, requests } = client({ maxPointsPerSeries: 50, concurrency: 2 });
  const pieces = await collectServiceMetrics(split, profile, window());
  assert.equal(requests(), 3 * 3, '120 points in pieces of ≤ 50: three requests per metric');
  assert.deepEqual(pieces.values, whole.values);
});

test('real Prometheus errors: a parse error is bad_data (400), an evaluation error execution (422); neither is retried', async () => {
  const cases = [
    {
      query: 'sum(rate(container_cpu_usage_seconds_total[1m])',
      errorType: 'bad_data',
      status: 400,
      message: /parse error/,
    },
    {
      query: 'vector(1) + on() (vector(1) or label_replace(vector(1), "a", "b", "", ""))',
      errorType: 'execution',
      status: 422,
      message: /duplicate series|many-to-many|multiple matches/,
    },
  ];
  for (const one of cases) {
    const { client: prometheus, requests } = client();
    await assert.rejects(prometheus.query(one.query), (error: unknown) => {
      assert.ok(error instanceof PrometheusApiError && error instanceof RemoteApiError);
      assert.equal(error.errorType, one.errorType);
      assert.equal(error.httpStatus, one.status);
      assert.match(error.message, one.message);
      assert.equal(error.retryable, false);
      return true;
    });
    assert.equal(requests(), 1, `${one.errorType} must not be retried`);
  }
});

test('Prometheus killed mid-collection: a connection error after bounded retries, no hang; after a restart the same window is collected', async () => {
  const started = performance.now();
  let killed = false;
  const { client: prometheus, requests } = client({
    maxPointsPerSeries: 10,
    concurrency: 1,
    onRequest: () => {
      if (killed || server.pid === undefined) return;
      killed = true;
      process.kill(server.pid, 'SIGKILL'); // a crash, at once: the next request finds nobody listening
    },
  });
  await assert.rejects(collectServiceMetrics(prometheus, profile, window()), (error: unknown) => {
    assert.ok(error instanceof PrometheusApiError, String(error));
    assert.equal(error.errorType, 'connection');
    assert.equal(error.retryable, true);
    assert.match(error.message, /no answer \(ECONNREFUSED\)/);
    assert.match(error.suggestion ?? '', /running and reachable/);
    return true;
  });
  const seconds = (performance.now() - started) / 1000;
  assert.ok(seconds < 5, `gave up after ${seconds.toFixed(2)} s`);
  assert.equal(requests(), 1 + 3, 'the first request, then one attempt and two retries of the next piece');
  await server.stop();
  await server.restart();
  const again = await collectServiceMetrics(client().client, profile, window());
  assert.equal(
    again.values.cpu_utilization?.['job-gateway']?.filter((value) => value !== null).length,
    steps,
  );
});

test('collection options are checked before any request', async () => {
  let requests = 0;
  const nowhere = new PrometheusClient({ url: 'http://127.0.0.1:9', onRequest: () => (requests += 1) });
  const base = window();
  const cases: [Partial<ReturnType<typeof window>>, RegExp][] = [
    [{ namespace: 'Bad_NS' }, /not a Kubernetes namespace name/],
    [{ stepSeconds: 0 }, /--step must be positive/],
    [{ end: base.start }, /holds no whole 30 s step/],
  ];
  for (const [change, message] of cases) {
    await assert.rejects(
      collectServiceMetrics(nowhere, profile, { ...base, ...change }),
      (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, message);
        return true;
      },
    );
  }
  assert.equal(requests, 0);
});

test('the real server’s 11,000-point limit: a 4 h range at a 1 s step is fetched in two pieces', async () => {
  const { client: prometheus, requests } = client();
  const start = new Date(startSeconds * 1000);
  const result = await prometheus.queryRange('vector(1)', {
    start,
    end: new Date(start.getTime() + 4 * 3600_000),
    stepSeconds: 1,
  });
  assert.equal(result.pieces, 2);
  assert.equal(requests(), 2);
  assert.equal(result.series[0]?.samples.length, 4 * 3600 + 1);
  const single = new PrometheusClient({ url: server.url, retries: 0 });
  const raw = await fetch(
    `${single.url}/api/v1/query_range?query=vector(1)&start=${startSeconds}&end=${startSeconds + 4 * 3600}&step=1`,
  );
  assert.equal(raw.status, 400, 'unsplit, the server refuses it');
});
