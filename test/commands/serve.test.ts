// `rescape serve` end to end over loopback, as a user runs it: fed by a run directory that keeps growing,
// and by a real Prometheus (backfilled with the same run's ground truth) that is stopped and started again
// mid-test. Answers are checked against their schemas, against `predict` and the ground truth, under 50
// concurrent clients, and /metrics against Prometheus' own checker (promtool check metrics).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import axios from 'axios';
import { execa } from 'execa';
import { appendFileSync, cpSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadForecaster } from '../../src/model/load-forecaster.js';
import { predictNext } from '../../src/model/predict-next.js';
import { selectBackend } from '../../src/model/tf.js';
import { forecastWindow } from '../../src/serve/window-forecast.js';
import { getTopology } from '../../src/sim/topologies/index.js';
import { rescape, tempDir } from '../cli.js';
import { truthFromRun, writeClusterHistory, type DcgmShape, type Truth } from '../helpers/cluster-history.js';
import { PROMTOOL_BIN, startPrometheus, type PrometheusServer } from '../helpers/prometheus-server.js';
import { assertMatchesSchema } from '../json-schema.js';
import { runAndTinyModel, startServeProcess, waitFor, type ServeProcess } from '../serve/serve-process.js';

const STEP = 30;
const NAMESPACE = 'hpc';
const TOKEN = 'serve-prom-token-5c1e77d2';
const http = axios.create({ validateStatus: () => true, timeout: 10_000 });

const tmp = tempDir('serve');
let runDir: string;
let modelDir: string;
let truth: Truth;
let steps: number;
let startSeconds: number;
let prometheus: PrometheusServer;
let profileFile: string;
const running: ServeProcess[] = [];

before(async () => {
  // The in-process references run on the backend the served model gets (the best available).
  await selectBackend();
  ({ runDir, modelDir } = await runAndTinyModel(tmp.path));
  ({ truth, steps } = truthFromRun(runDir));
  const topology = getTopology('hpc-ai500');
  const shapes: DcgmShape[] = ['exported', 'pod', 'legacy'];
  const gpuServices = topology.services.filter((spec) => (spec.gpus ?? 0) > 0).map((spec) => spec.name);
  // History ends 3-4 h before now, in whole hours: promtool writes 2 h blocks the head must not overlap.
  startSeconds = Math.floor((Date.now() / 1000 - 4 * 3600) / 3600) * 3600 - 3600;
  prometheus = await startPrometheus({
    openMetrics: writeClusterHistory({
      namespace: NAMESPACE,
      stepSeconds: STEP,
      startSeconds,
      steps,
      truth,
      services: [...truth.keys()],
      stateful: new Set(['staging-cache']),
      gpuLabels: Object.fromEntries(gpuServices.map((name, i) => [name, shapes[i % shapes.length]!])),
      gpus: new Map(topology.services.map((spec) => [spec.name, spec.gpus ?? 0])),
    }),
  });
  // CPU per step exactly: a rate window of one step (the default 1m averages two steps).
  profileFile = join(tmp.path, 'profile.yaml');
  writeFileSync(
    profileFile,
    'format: rescape.metrics-profile/v1\nrateWindow: 30s\nincludeDefaultMetrics: true\nmetrics: []\n',
  );
});

after(async () => {
  for (const serve of running) if (serve.child.exitCode === null) await serve.stop('SIGKILL');
  await prometheus?.close();
  tmp[Symbol.dispose]();
});

async function serve(args: string[], env?: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const started = await startServeProcess(
    [modelDir, '--port', '0', '--refresh', '1s', '--json', ...args],
    env === undefined ? {} : { env },
  );
  running.push(started);
  return started;
}

/** Copies steps 0..lastStep of the run, as a live profile would have written them so far. */
function partialRun(dir: string, lastStep: number): void {
  mkdirSync(dir);
  cpSync(join(runDir, 'services.csv'), join(dir, 'services.csv'));
  const manifest = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...manifest, status: 'running' }));
  for (const file of ['ms_metric.csv', 'ms_callgraph.csv', 'load.csv']) {
    const [header, ...rows] = readFileSync(join(runDir, file), 'utf8').trimEnd().split('\n');
    const kept = rows.filter((row) => Number(row.split(',')[0]) <= lastStep);
    writeFileSync(join(dir, file), `${[header, ...kept].join('\n')}\n`);
  }
}

/** Appends step `step` of the run, metrics first and the load row last, as the run writer does. */
function appendStep(dir: string, step: number): void {
  for (const file of ['ms_metric.csv', 'load.csv']) {
    const rows = readFileSync(join(runDir, file), 'utf8').trimEnd().split('\n').slice(1);
    const lines = rows.filter((row) => Number(row.split(',')[0]) === step);
    appendFileSync(join(dir, file), `${lines.join('\n')}\n`);
  }
}

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs ${expected}`,
  );
}

/** The gauge samples of one metric family in an exposition text, keyed by their label text. */
function gaugeValues(text: string, name: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}\\{(.*)\\} (\\S+)$`).exec(line);
    if (match !== null) values.set(match[1]!, Number(match[2]));
  }
  return values;
}

async function assertPromtoolAccepts(url: string): Promise<string> {
  const answer = await http.get<string>(`${url}/metrics`, { responseType: 'text' });
  assert.equal(answer.status, 200);
  assert.match(String(answer.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const checked = await execa(PROMTOOL_BIN, ['check', 'metrics'], { input: answer.data, reject: false });
  assert.equal(checked.exitCode, 0, `promtool check metrics: ${checked.stdout}${checked.stderr}`);
  return answer.data;
}

test('serve --run: forecasts a live run directory, follows it as it grows, answers 50 clients at once', async () => {
  const live = join(tmp.path, 'live');
  partialRun(live, 99);
  const server = await serve(['--run', live]);
  const health = await waitFor(
    '/healthz 200',
    () => http.get(`${server.url}/healthz`),
    (answer) => answer.status === 200,
  );
  assertMatchesSchema('serve-health', health.data);
  assert.equal(health.data.status, 'fresh');
  assert.deepEqual(health.data.source, { kind: 'run', location: live });

  const { data: forecast } = await http.get(`${server.url}/v1/forecast`);
  assertMatchesSchema('serve-forecast', forecast);
  assert.equal(forecast.lastStep, 99);
  assert.equal(forecast.stale, false);
  assert.deepEqual(
    forecast.horizons.map((h: { horizonSeconds: number }) => h.horizonSeconds),
    [30, 60, 90],
  );
  const manifest = JSON.parse(readFileSync(join(live, 'run.json'), 'utf8'));
  assert.equal(
    forecast.observedUntil,
    new Date(Date.parse(manifest.startTime) + 100 * STEP * 1000).toISOString(),
  );
  // The same forecast as `rescape predict` at the last step (clipped at 0, 6 significant digits).
  const predicted = await predictNext(modelDir, live);
  assert.equal(predicted.at, 99);
  predicted.services.forEach((expected, s) => {
    const served = forecast.services[s];
    assert.equal(served.service, expected.service);
    expected.targets.forEach((target, t) => {
      close(served.targets[t].last, target.last, 1e-5, `${expected.service} ${target.target} last`);
      target.forecast.forEach((value, h) =>
        close(served.targets[t].forecast[h].value, Math.max(0, value), 1e-4, `${expected.service} +${h + 1}`),
      );
    });
  });

  const one = await http.get(`${server.url}/v1/forecast/cosmoflow-trainer`);
  assert.equal(one.status, 200);
  assertMatchesSchema('serve-forecast', one.data);
  assert.deepEqual(
    one.data.service,
    forecast.services.find((s: { service: string }) => s.service === 'cosmoflow-trainer'),
  );

  for (const path of ['/v1/forecast/no-such-service', '/v1/forecast/a%2Fb']) {
    const unknown = await http.get(`${server.url}${path}`);
    assert.equal(unknown.status, 404, path);
    assertMatchesSchema('serve-status', unknown.data);
    assert.equal(unknown.data.reason, 'NotFound');
    assert.deepEqual(
      unknown.data.details.validServices,
      predicted.services.map((s) => s.service),
    );
  }
  const wrongMethod = await http.post(`${server.url}/v1/forecast`, {});
  assert.equal(wrongMethod.status, 405);
  assertMatchesSchema('serve-status', wrongMethod.data);

  const concurrent = await Promise.all(
    Array.from({ length: 50 }, () => http.get(`${server.url}/v1/forecast`)),
  );
  for (const answer of concurrent) {
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.data.services, forecast.services);
  }

  const metrics = await assertPromtoolAccepts(server.url);
  const cpu = gaugeValues(metrics, 'rescape_forecast_cpu_cores');
  assert.equal(cpu.size, forecast.services.length * 3);
  assert.equal(
    cpu.get('service="cosmoflow-trainer",horizon_seconds="60"'),
    one.data.service.targets[0].forecast[1].value,
  );
  assert.equal(
    gaugeValues(metrics, 'rescape_serve_http_requests_total').get('route="/v1/forecast",code="200"'),
    51,
  );
  assert.match(metrics, /^rescape_forecast_stale 0$/m);

  appendStep(live, 100);
  const grown = await waitFor(
    'the forecast after step 100',
    () => http.get(`${server.url}/v1/forecast`),
    (answer) => answer.data.lastStep === 100,
  );
  assert.equal(grown.data.stale, false);

  const stopped = await server.stop('SIGTERM');
  assert.equal(stopped.exitCode, 0, stopped.stderr);
  assert.doesNotMatch(stopped.stderr, /runs in the main thread/, 'the model runs in its worker thread');
  const summary = JSON.parse(stopped.stdout);
  assertMatchesSchema('serve-result', summary);
  assert.ok(summary.requests >= 57, `${summary.requests} requests`);
  assert.equal(summary.refreshes.ok, 2);
  assert.equal(summary.refreshes.failed, 0);
});

test('serve --prometheus: the last steps from Prometheus; stale while it is down, fresh again once it is back', async () => {
  // The window ends about 150 steps into the backfilled history, and moves a step every 30 s of the test.
  const offset = Math.ceil(Date.now() / 1000 - (startSeconds + 150 * STEP));
  const forecaster = loadForecaster(modelDir);
  const { window, services } = forecaster.card.config;
  const names = forecaster.card.services;
  const gpus = new Map(getTopology('hpc-ai500').services.map((spec) => [spec.name, spec.gpus ?? 0]));
  /** The answer against the ground truth of the steps it says it observed. */
  const checkAgainstTruth = (answer: any) => {
    const last = (Date.parse(answer.observedUntil) / 1000 - startSeconds) / STEP - 1;
    assert.ok(Number.isInteger(last) && last >= 145 && last < 170, `last observed step ${last}`);
    const inputs = new Float32Array(window * services * 2);
    for (let t = 0; t < window; t += 1) {
      names.forEach((name, s) => {
        inputs[(t * services + s) * 2] = truth.get(name)!.cpu[last - window + 1 + t]!;
        inputs[(t * services + s) * 2 + 1] = truth.get(name)!.gpu[last - window + 1 + t]!;
      });
    }
    const expected = forecastWindow(forecaster, inputs);
    answer.services.forEach((served: any, s: number) => {
      const [cpu, gpu] = served.targets;
      close(cpu.last, truth.get(served.service)!.cpu[last]!, 1e-4, `${served.service} cpu`);
      // DCGM reports whole percent per GPU.
      const gpuTolerance = 0.005 * (gpus.get(served.service) ?? 0) + 1e-6;
      assert.ok(
        Math.abs(gpu.last - truth.get(served.service)!.gpu[last]!) <= gpuTolerance,
        `${served.service} gpu`,
      );
      for (let h = 0; h < 3; h += 1) {
        close(
          cpu.forecast[h].value,
          Math.max(0, expected[(h * services + s) * 2]!),
          0.02,
          `${served.service} cpu +${h + 1}`,
        );
      }
    });
  };

  try {
    const server = await serve(
      [
        ...['--prometheus', prometheus.url, '--namespace', NAMESPACE, '--metrics-profile', profileFile],
        ...['--offset', `${offset}s`, '--timeout', '3s'],
      ],
      { ...process.env, RESCAPE_PROMETHEUS_TOKEN: TOKEN },
    );
    const fresh = await waitFor(
      'a first forecast',
      () => http.get(`${server.url}/v1/forecast`),
      (answer) => answer.status === 200,
    );
    assertMatchesSchema('serve-forecast', fresh.data);
    assert.equal(fresh.data.source.kind, 'prometheus');
    assert.equal(fresh.data.lastStep, null);
    assert.equal(fresh.data.filledCells, 0);
    checkAgainstTruth(fresh.data);

    await prometheus.stop();
    const stale = await waitFor(
      'the forecast marked stale',
      () => http.get(`${server.url}/v1/forecast`),
      (answer) => answer.data.stale === true,
    );
    assertMatchesSchema('serve-forecast', stale.data);
    assert.equal(stale.data.status, 'stale');
    assert.match(stale.data.lastError, /Prometheus .*no answer/);
    checkAgainstTruth(stale.data); // the last good forecast, unchanged
    const health = await http.get(`${server.url}/healthz`);
    assert.equal(health.status, 200, 'a stale forecast is still served');
    assert.equal(health.data.stale, true);
    const metrics = await assertPromtoolAccepts(server.url);
    assert.match(metrics, /^rescape_forecast_stale 1$/m);
    const staleCpu = stale.data.services[0].targets[0].forecast[0].value;
    assert.equal(
      gaugeValues(metrics, 'rescape_forecast_cpu_cores').get(`service="${names[0]}",horizon_seconds="30"`),
      staleCpu,
    );
    const later = await waitFor(
      'an older stale answer',
      () => http.get(`${server.url}/v1/forecast`),
      (answer) => answer.data.ageSeconds > stale.data.ageSeconds + 1,
    );
    assert.equal(later.data.observedUntil, stale.data.observedUntil);
    assert.deepEqual(later.data.services, stale.data.services);

    await prometheus.restart();
    const recovered = await waitFor(
      'the forecast fresh again',
      () => http.get(`${server.url}/v1/forecast`),
      (answer) => answer.data.stale === false,
    );
    assert.equal(recovered.data.lastError, null);
    assert.ok(recovered.data.ageSeconds < 5);
    checkAgainstTruth(recovered.data);

    const stopped = await server.stop('SIGINT');
    assert.equal(stopped.exitCode, 0, stopped.stderr);
    const summary = JSON.parse(stopped.stdout);
    assertMatchesSchema('serve-result', summary);
    assert.ok(summary.refreshes.failed >= 1);
    assert.match(stopped.stderr, /failed: .*\n(.*\n)*.*recovered/);
    assert.ok(!`${stopped.stdout}${stopped.stderr}`.includes(TOKEN), 'the token is never printed');
  } finally {
    forecaster.model.dispose();
  }
});

test('a bad model directory is a data error (exit 3) before anything listens; usage errors exit 2', async () => {
  const damaged = join(tmp.path, 'damaged');
  cpSync(modelDir, damaged, { recursive: true });
  truncateSync(join(damaged, 'weights.bin'), 100);
  const cases: { args: string[]; exitCode: number; message: RegExp }[] = [
    { args: [damaged, '--run', runDir], exitCode: 3, message: /weights\.bin holds 100 bytes/ },
    {
      args: [modelDir, '--prometheus', 'http://127.0.0.1:1'],
      exitCode: 2,
      message: /--namespace is required/,
    },
  ];
  for (const { args, exitCode, message } of cases) {
    const result = await rescape(['serve', ...args, '--port', '0', '--json']);
    assert.equal(result.exitCode, exitCode, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
    const error = JSON.parse(result.stdout);
    assertMatchesSchema('error', error);
    assert.match(error.error.message, message);
    assert.doesNotMatch(result.stderr, /serving/);
  }

  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  try {
    const port = (taken.address() as AddressInfo).port;
    const result = await rescape(['serve', modelDir, '--run', runDir, '--port', String(port), '--json']);
    assert.equal(result.exitCode, 2);
    assert.match(JSON.parse(result.stdout).error.message, /EADDRINUSE/);
  } finally {
    taken.close();
  }
});
