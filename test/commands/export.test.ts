// `rescape export` end to end, as a user runs it: a real Prometheus (backfilled from a simulated 1 h
// HPC-AI500 run's ground truth, with deliberate gaps) behind a loopback proxy that can crash it on cue, and a
// local Jaeger v1 server serving the same run's traces. Checks what comes back against the ground truth,
// that a crash mid-export keeps the batches written and --resume completes them byte for byte, and that
// bearer tokens reach the servers but never the run directory or the output.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRun } from '../../src/dataset/run-reader.js';
import type { CallRow } from '../../src/dataset/run-format.js';
import { profileSimulated } from '../../src/profiler/simulated-profile.js';
import { getTopology } from '../../src/sim/topologies/index.js';
import { rescape, tempDir } from '../cli.js';
import { assertMatchesSchema } from '../json-schema.js';
import {
  hpcScenario,
  inGap,
  truthFromRun,
  writeClusterHistory,
  type Truth,
} from '../helpers/cluster-history.js';
import { startPrometheus, type PrometheusServer } from '../helpers/prometheus-server.js';
import { startFakeJaeger, v1TraceOf, type FakeJaeger } from '../trace/fake-jaeger.js';

const STEP = 30;
const PROMETHEUS_TOKEN = 'prom-secret-7f3a9c21e4';
const JAEGER_TOKEN = 'jaeger-secret-b81d55aa02';
const DATA_FILES = ['services.csv', 'ms_metric.csv', 'ms_callgraph.csv', 'load.csv'];
const scenario = hpcScenario(
  new Map(getTopology('hpc-ai500').services.map((spec) => [spec.name, spec.gpus ?? 0])),
);

let tmp: ReturnType<typeof tempDir>;
let prometheus: PrometheusServer;
let jaeger: FakeJaeger;
let proxy: {
  url: string;
  server: Server;
  authorizations: Set<string>;
  rangeRequests: number;
  crashAtRangeRequest: number | null;
};
let truth: Truth;
let simCalls: CallRow[];
let steps: number;
let startSeconds: number;
let profileFile: string;
let completeRun: string;

/**
 * Forwards to Prometheus; when crashAtRangeRequest is set, the nth query_range request kills Prometheus
 * (SIGKILL, as a crash) before it is forwarded, and every request after that finds no server behind the proxy.
 */
async function startProxy(): Promise<typeof proxy> {
  const state = {
    authorizations: new Set<string>(),
    rangeRequests: 0,
    crashAtRangeRequest: null as number | null,
  };
  const server = createServer((req, res) => {
    void (async () => {
      state.authorizations.add(req.headers.authorization ?? '');
      if (req.url?.startsWith('/api/v1/query_range')) state.rangeRequests += 1;
      if (state.crashAtRangeRequest !== null && state.rangeRequests === state.crashAtRangeRequest) {
        await prometheus.stop({ kill: true });
      }
      const upstream = request(
        `${prometheus.url}${req.url ?? '/'}`,
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => req.socket.destroy()); // like the dead server: no answer at all
      req.pipe(upstream);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, { url: `http://127.0.0.1:${port}`, server });
}

before(async () => {
  tmp = tempDir('export');
  const sim = join(tmp.path, 'sim');
  await profileSimulated({
    benchmark: 'hpc-ai500',
    durationSeconds: 3600,
    stepSeconds: STEP,
    load: { min: 80, max: 220, redrawSeconds: 60 },
    seed: 11,
    tracesPerStep: 2,
    incidentsPerHour: 0,
    out: sim,
  });
  ({ truth, steps } = truthFromRun(sim));
  simCalls = readRun(sim).calls;
  // History ends 3-4 h before now, in whole hours: promtool writes 2 h blocks the head must not overlap.
  startSeconds = Math.floor((Date.now() / 1000 - 4 * 3600) / 3600) * 3600 - 3600;
  prometheus = await startPrometheus({
    openMetrics: writeClusterHistory({ ...scenario, stepSeconds: STEP, startSeconds, steps, truth }),
  });
  proxy = await startProxy();
  // The simulated traces, placed in the exported window: trace j of a step starts j·0.5 s after 1 s into it.
  const byTrace = new Map<string, CallRow[]>();
  for (const call of simCalls) byTrace.set(call.traceId, [...(byTrace.get(call.traceId) ?? []), call]);
  const seenPerStep = new Map<number, number>();
  const traces = [...byTrace].map(([traceId, calls]) => {
    const step = calls[0]!.timestamp;
    const j = seenPerStep.get(step) ?? 0;
    seenPerStep.set(step, j + 1);
    const startUs = (startSeconds + step * STEP + 1 + 0.5 * j) * 1e6;
    const synthetic = calls.map((call) => ({
      um: call.um,
      dm: call.dm,
      rpcType: call.rpcType,
      rtUs: Math.round((call.rtMs ?? 0) * 1000),
    }));
    return v1TraceOf(traceId, startUs, synthetic);
  });
  jaeger = await startFakeJaeger({ traces, apis: ['v1'] });
  // CPU per step exactly: a rate window of one step (the default 1m averages two steps).
  profileFile = join(tmp.path, 'profile.yaml');
  writeFileSync(
    profileFile,
    'format: rescape.metrics-profile/v1\nrateWindow: 30s\nincludeDefaultMetrics: true\nmetrics: []\n',
  );
});

after(async () => {
  await new Promise((resolve) => proxy?.server.close(resolve));
  await jaeger?.close();
  await prometheus?.close();
  tmp?.[Symbol.dispose]();
});

/** The export command line; `change` replaces flags' values or adds flags. */
function exportArgs(out: string, change: Record<string, string> = {}): string[] {
  const args = [
    'export',
    ...['--prometheus', proxy.url, '--jaeger', jaeger.url, '--jaeger-api', 'v1'],
    ...['--namespace', scenario.namespace, '--start', String(startSeconds)],
    ...['--end', new Date((startSeconds + steps * STEP) * 1000).toISOString()],
    ...['--metrics-profile', profileFile, '--benchmark', 'hpc-ai500', '--out', out, '--json'],
  ];
  for (const [flag, value] of Object.entries(change)) {
    const at = args.indexOf(flag);
    if (at < 0) args.push(flag, value);
    else args[at + 1] = value;
  }
  return args;
}

const tokenEnv = { RESCAPE_PROMETHEUS_TOKEN: PROMETHEUS_TOKEN, RESCAPE_JAEGER_TOKEN: JAEGER_TOKEN };

/** Data rows of a CSV of the run, split into cells. */
function rows(dir: string, file: string): string[][] {
  return readFileSync(join(dir, file), 'utf8')
    .trimEnd()
    .split('\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => line.split(','));
}

function assertNoToken(where: string, text: string): void {
  for (const token of [PROMETHEUS_TOKEN, JAEGER_TOKEN]) assert.ok(!text.includes(token), `token in ${where}`);
}

test('export recovers per-service CPU, GPU and memory with gaps as empty cells, and the call graph from Jaeger', async () => {
  const out = join(tmp.path, 'complete');
  const result = await rescape(exportArgs(out), { env: tokenEnv });
  assert.equal(result.exitCode, 0, result.stderr);
  const record = JSON.parse(result.stdout) as Record<string, unknown>;
  assertMatchesSchema('export', record);
  assert.equal(record.status, 'complete');
  assert.equal(record.steps, steps);
  assert.equal(record.jaegerApi, 'v1');
  // Discovery (one instant query per metric) and one range request per metric for the single 1 h batch.
  assert.equal(record.prometheusRequests, 6);
  completeRun = out;

  const inspected = await rescape(['inspect', out, '--json']);
  assert.equal(inspected.exitCode, 0, inspected.stderr);

  const manifest = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(manifest.cluster, {
    kind: 'kubernetes',
    prometheus: proxy.url,
    jaeger: jaeger.url,
    jaegerApi: 'v1',
    namespace: 'hpc',
    metricsProfile: profileFile,
  });
  assert.deepEqual([manifest.seed, manifest.load], [null, { min: 0, max: 0, redrawSeconds: STEP }]);

  const services = rows(out, 'services.csv');
  const names = services.map((cells) => cells[1]!);
  // Services seen in the metrics (the load client too) and in the traces, numbered by sorted name.
  const traced = simCalls.flatMap((call) => [call.um, call.dm]);
  const expectedNames = [...new Set([...scenario.services, 'benchmark-client', ...traced])].sort();
  assert.deepEqual(names, expectedNames);
  const kinds = Object.fromEntries(services.map((cells) => [cells[1], `${cells[2]}/${cells[3]}`]));
  assert.equal(kinds['cosmoflow-trainer'], 'gpu/2');
  assert.equal(kinds['job-gateway'], 'service/2');
  assert.equal(kinds['benchmark-client'], 'service/1');
  const onlyTraced = expectedNames.filter(
    (name) => !scenario.services.includes(name) && name !== 'benchmark-client',
  );
  assert.ok(onlyTraced.length > 0);
  assert.ok(onlyTraced.every((name) => kinds[name] === 'service/1'));

  const data = readRun(out);
  for (const row of data.metrics) {
    const expected = truth.get(row.msName);
    if (row.msName === 'benchmark-client') continue;
    if (!scenario.services.includes(row.msName)) {
      // Known only from traces: no metric series, so every cell is empty (GPU: a CPU service, 0).
      assert.deepEqual([row.cpuUtilization, row.gpuUtilization, row.memoryBytes], [null, 0, null]);
      continue;
    }
    assert.ok(expected);
    const gap = (family: string) => inGap(scenario.gaps, row.msName, family, row.timestamp);
    const at = `${row.msName} step ${row.timestamp}`;
    if (gap('cpu')) assert.equal(row.cpuUtilization, null, `${at}: a gap is an empty cell`);
    else
      assert.ok(
        Math.abs(row.cpuUtilization! - expected.cpu[row.timestamp]!) <= 1e-4,
        `${at} cpu ${row.cpuUtilization}`,
      );
    if (gap('memory')) assert.equal(row.memoryBytes, null);
    else assert.ok(Math.abs(row.memoryBytes! - expected.memory[row.timestamp]!) <= 1, `${at} memory`);
    const gpuShape = (scenario.gpuLabels as Record<string, string>)[row.msName];
    if (gpuShape === undefined) assert.equal(row.gpuUtilization, 0, `${at}: a CPU service has 0 GPUs busy`);
    else if (gap('gpu')) assert.equal(row.gpuUtilization, null);
    else {
      // DCGM reports whole percents: each GPU is off by at most half a percent.
      const tolerance = (scenario.gpus.get(row.msName) ?? 0) * 0.005 + 1e-6;
      assert.ok(Math.abs(row.gpuUtilization! - expected.gpu[row.timestamp]!) <= tolerance, `${at} gpu`);
    }
  }
  const dataLoaderCpu = rows(out, 'ms_metric.csv').find(
    (cells) => cells[0] === '45' && cells[1] === 'data-loader',
  );
  assert.deepEqual([dataLoaderCpu?.[3], dataLoaderCpu?.[5]], ['', ''], 'empty cells, not zeros');

  assert.ok(simCalls.length > 0);
  const key = (call: CallRow) => `${call.timestamp} ${call.traceId} ${call.um}>${call.dm}`;
  assert.deepEqual(data.calls.map(key).sort(), simCalls.map(key).sort(), 'every simulated call, once');
  const traces = new Set(simCalls.map((call) => call.traceId)).size;
  assert.equal(
    data.load.reduce((sum, row) => sum + row.requests, 0),
    traces,
    'one request per root span',
  );

  assert.ok(proxy.authorizations.has(`Bearer ${PROMETHEUS_TOKEN}`), 'Prometheus got the token');
  assert.ok(
    jaeger.requests.some((r) => r.authorization === `Bearer ${JAEGER_TOKEN}`),
    'Jaeger got the token',
  );
  assertNoToken('stdout', result.stdout);
  assertNoToken('stderr', result.stderr);
  for (const file of readdirSync(out)) assertNoToken(file, readFileSync(join(out, file), 'utf8'));
});

test('Prometheus crashing mid-export: a typed error, the batches written kept; after a restart --resume completes them byte for byte', async () => {
  assert.ok(completeRun, 'needs the complete export of the previous test');
  const out = join(tmp.path, 'crashed');
  // 10-minute batches of 20 steps, 3 range requests each: the 9th is the last of the third batch.
  proxy.rangeRequests = 0;
  proxy.crashAtRangeRequest = 9;
  const crashed = await rescape(exportArgs(out, { '--chunk': '10m' }), { env: tokenEnv });
  proxy.crashAtRangeRequest = null;
  assert.equal(crashed.exitCode, 7, crashed.stderr);
  const error = JSON.parse(crashed.stdout) as {
    error: { name: string; message: string; suggestion: string };
  };
  assert.equal(error.error.name, 'PrometheusApiError');
  assert.match(error.error.message, /Prometheus .*query_range no answer \(E[A-Z]+\)/);
  assert.match(error.error.suggestion, /running and reachable/);
  assert.match(crashed.stderr, /continue with: rescape export --resume/);
  const manifest = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { status: string };
  assert.equal(manifest.status, 'failed');
  assert.equal(rows(out, 'load.csv').length, 40, 'the two batches before the crash');
  assertNoToken('stdout', crashed.stdout);
  assertNoToken('stderr', crashed.stderr);

  await prometheus.restart();
  const resumed = await rescape(['export', '--resume', out, '--chunk', '10m', '--json'], { env: tokenEnv });
  assert.equal(resumed.exitCode, 0, resumed.stderr);
  const record = JSON.parse(resumed.stdout) as Record<string, unknown>;
  assertMatchesSchema('export', record);
  assert.deepEqual([record.status, record.steps, record.resumedFromStep], ['complete', steps, 40]);
  for (const file of DATA_FILES) {
    assert.ok(readFileSync(join(out, file)).equals(readFileSync(join(completeRun, file))), `${file} differs`);
  }
  for (const file of readdirSync(out)) assertNoToken(file, readFileSync(join(out, file), 'utf8'));
});

test('options are checked before any request: a UsageError naming the flag', async () => {
  const out = join(tmp.path, 'never');
  const before = jaeger.requests.length;
  const cases: [string[], RegExp][] = [
    [exportArgs(out, { '--start': 'yesterday' }), /--start "yesterday" is neither/],
    [exportArgs(out, { '--namespace': 'Bad_NS' }), /--namespace "Bad_NS"/],
    [exportArgs(out, { '--step': '0s' }), /--step/],
    [['export', '--namespace', 'hpc', '--json'], /--prometheus is required/],
  ];
  for (const [args, message] of cases) {
    const result = await rescape(args);
    assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`);
    const error = JSON.parse(result.stdout) as { error: { kind: string; message: string } };
    assert.equal(error.error.kind, 'usage');
    assert.match(error.error.message, message);
  }
  assert.equal(jaeger.requests.length, before);
});
