// `rescape profile --cluster kubernetes` end to end, as a user runs it, everything on 127.0.0.1: the fake
// Kubernetes API (deploy, rollout, endpoint discovery of a NodePort), the simulated social-network front end as
// the load target, a real Prometheus scraping every second a cAdvisor stand-in whose CPU counters grow with the
// requests the front end answers, and a fake Jaeger with traces inside the run. A short profile gives a
// complete, valid run directory; a run stopped by SIGINT or killed by SIGKILL mid-run and then resumed has
// every step exactly once in every file; no token (kubeconfig, Prometheus, Jaeger) is printed or written.
// --build builds the images with Kaniko Jobs before anything of the benchmark is applied, and a failed build
// stops the profile there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { EndpointServer } from '../../src/sim/http-endpoints.js';
import { getTopology } from '../../src/sim/topologies/index.js';
import { rescape, tempDir } from '../cli.js';
import { FAKE_TOKEN } from '../helpers/fake-kube-api.js';
import { findKind } from '../helpers/fake-kube-resources.js';
import { startLiveCadvisor, type LiveCadvisor } from '../helpers/live-cadvisor.js';
import { startLiveJaeger, startLiveKube, type LiveKube } from '../helpers/live-cluster.js';
import { startPrometheus, type PrometheusServer } from '../helpers/prometheus-server.js';
import type { FakeJaeger } from '../trace/fake-jaeger.js';
import { assertMatchesSchema } from '../json-schema.js';

const PROMETHEUS_TOKEN = 'prom-live-secret-4c1d9e';
const JAEGER_TOKEN = 'jaeger-live-secret-77ab03';
const TOKENS = [FAKE_TOKEN, PROMETHEUS_TOKEN, JAEGER_TOKEN];
const STEPS = 6;
const topology = getTopology('social-network');

const tmp = tempDir('profile-live');
let frontEnd: EndpointServer;
let cadvisor: LiveCadvisor;
let prometheus: PrometheusServer;
let kube: LiveKube;
let jaeger: FakeJaeger;
let profileFile: string;
let buildFile: string;
let brokenBuildFile: string;
let strayBuildFile: string;
const DIGEST = `sha256:${'5e'.repeat(32)}`;
const PUSHED = 'registry.example.com/rescape/deathstarbench/social-network-microservices:latest';

/** A build file of one image of the DeathStarBench repository, pushed to `destination`. */
function writeBuildFile(name: string, destination: string): string {
  const file = join(tmp.path, `${name}.yaml`);
  writeFileSync(
    file,
    `images:\n  - name: ${name}\n    context: git://github.com/delimitrou/DeathStarBench.git\n    contextSubPath: socialNetwork\n    destination: ${destination}\n`,
  );
  return file;
}

before(async () => {
  frontEnd = await EndpointServer.start({ benchmark: 'social-network', seed: 3 });
  cadvisor = await startLiveCadvisor({ namespace: 'social-network', topology, frontEnd });
  prometheus = await startPrometheus({ scrapeTargets: [cadvisor.target] });
  // The first step's rate needs samples from before it: the pods of a real cluster were running before the
  // profile started too.
  const deadline = Date.now() + 15_000;
  while (cadvisor.scrapes() < 4 && Date.now() < deadline) await delay(100);
  kube = await startLiveKube('nginx-thrift', frontEnd.port);
  jaeger = await startLiveJaeger('social-network', Date.now() - 10_000, Date.now() + 240_000);
  // 1 s scrapes: a rate window of 3 s holds at least two samples at the end of every 2 s step.
  profileFile = join(tmp.path, 'live-profile.yaml');
  writeFileSync(
    profileFile,
    'format: rescape.metrics-profile/v1\nrateWindow: 3s\nincludeDefaultMetrics: true\nmetrics: []\n',
  );
  buildFile = writeBuildFile('social-network', PUSHED);
  brokenBuildFile = writeBuildFile('broken', PUSHED);
  strayBuildFile = writeBuildFile('stray', 'registry.example.com/rescape/social-network:0.1');
  kube.fake.controllers.setJob('rescape-build-social-network', {
    succeedAfterMs: 100,
    terminationMessage: DIGEST,
  });
  kube.fake.controllers.setJob('rescape-build-broken', {
    failAfterMs: 100,
    log: 'INFO[0002] Unpacking rootfs\nerror building image: error building stage: failed to execute command: exit status 2\n',
  });
});

after(async () => {
  await kube?.close();
  await jaeger?.close();
  await prometheus?.close();
  await cadvisor?.close();
  await frontEnd?.stop();
  tmp[Symbol.dispose]();
});

/** The CLI knowing no cluster but its flags, with the monitoring tokens in its environment. */
function run(args: string[]) {
  return rescape(args, {
    env: {
      HOME: tmp.path,
      KUBECONFIG: '',
      KUBERNETES_SERVICE_HOST: '',
      RESCAPE_PROMETHEUS_TOKEN: PROMETHEUS_TOKEN,
      RESCAPE_JAEGER_TOKEN: JAEGER_TOKEN,
    },
  });
}

/**
 * A 16 s live profile of 2 s steps at 2–6 clients, exporting every 6 s with a 2 s scrape lag; `change` replaces
 * flags' values or adds flags (true: a flag without a value).
 */
function profileArgs(out: string, change: Record<string, string | true> = {}): string[] {
  const args = [
    'profile',
    ...['--cluster', 'kubernetes', '--benchmark', 'social-network', '--kubeconfig', kube.kubeconfig],
    ...['--prometheus', prometheus.url, '--jaeger', jaeger.url, '--jaeger-api', 'v1'],
    ...['--metrics-profile', profileFile, '--duration', `${2 * STEPS}s`, '--step', '2s'],
    ...['--load-min', '2', '--load-max', '6', '--redraw', '4s', '--seed', '5'],
    ...['--export-every', '6s', '--scrape-lag', '2s', '--out', out, '--json'],
  ];
  for (const [flag, value] of Object.entries(change)) {
    const at = args.indexOf(flag);
    if (value === true) args.push(flag);
    else if (at < 0) args.push(flag, value);
    else args[at + 1] = value;
  }
  return args;
}

/** Data rows of a CSV of the run, split into cells. */
function rows(dir: string, file: string): string[][] {
  return readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => line.split(','));
}

function assertNoToken(where: string, text: string): void {
  for (const token of TOKENS) assert.ok(!text.includes(token), `a token in ${where}`);
}

function assertNoTokenInRun(dir: string): void {
  for (const file of readdirSync(dir)) assertNoToken(file, readFileSync(join(dir, file), 'utf8'));
}

/** Every step exactly once in every file, the loaded services measured, and rescape inspect accepts it. */
async function assertCompleteRun(dir: string): Promise<void> {
  const services = rows(dir, 'services.csv').map((cells) => cells[1]!);
  assert.deepEqual(services, topology.services.map((service) => service.name).sort());
  const steps = Array.from({ length: STEPS }, (_, i) => String(i));
  assert.deepEqual(
    rows(dir, 'load.csv').map((cells) => cells[0]),
    steps,
    'load.csv: each step once',
  );
  assert.deepEqual(
    rows(dir, 'load-detail.csv').map((cells) => cells[0]),
    steps,
    'load-detail.csv: each step once',
  );
  for (const cells of rows(dir, 'load.csv')) {
    const [step, concurrency, requests] = cells.map(Number);
    assert.ok(concurrency! >= 2 && concurrency! <= 6, `step ${step}: concurrency ${concurrency}`);
    assert.ok(requests! > 0, `step ${step}: requests were sent`);
  }
  const metrics = rows(dir, 'ms_metric.csv');
  assert.equal(metrics.length, STEPS * services.length);
  assert.deepEqual(
    metrics.map((cells) => `${cells[0]} ${cells[1]}`),
    steps.flatMap((step) => services.map((service) => `${step} ${service}`)),
    'ms_metric.csv: each service at each step once',
  );
  for (const service of ['nginx-thrift', 'compose-post-service', 'home-timeline-service']) {
    for (const cells of metrics.filter((c) => c[1] === service)) {
      assert.ok(Number(cells[3]) > 0 && cells[3] !== '', `${service} step ${cells[0]}: cpu "${cells[3]}"`);
      assert.ok(Number(cells[5]) > 0, `${service} step ${cells[0]}: memory "${cells[5]}"`);
    }
  }
  const calls = rows(dir, 'ms_callgraph.csv');
  assert.ok(calls.length >= 4 * (STEPS - 1), `${calls.length} call rows`);
  assert.ok(
    calls.every((cells) => Number(cells[0]) < STEPS),
    'calls only in the run',
  );
  const byTrace = new Map<string, number>();
  for (const cells of calls) byTrace.set(cells[1]!, (byTrace.get(cells[1]!) ?? 0) + 1);
  assert.ok(
    [...byTrace.values()].every((count) => count === 4),
    'every traced call once',
  );
  const inspected = await rescape(['inspect', dir, '--json']);
  assert.equal(inspected.exitCode, 0, inspected.stderr);
  const summary = JSON.parse(inspected.stdout) as { steps: number; problems: unknown[] };
  assert.equal(summary.steps, STEPS);
}

test('a short live profile deploys, discovers the NodePort, loads it and exports a complete run directory', async () => {
  const out = join(tmp.path, 'complete');
  const result = await run(profileArgs(out));
  assert.equal(result.exitCode, 0, result.stderr);
  const record = JSON.parse(result.stdout) as Record<string, unknown>;
  assertMatchesSchema('profile', record);
  assert.equal(record.status, 'complete');
  assert.equal(record.steps, STEPS);
  assert.equal(record.target, `http://127.0.0.1:${frontEnd.port}/`);
  assert.deepEqual([record.targetVia, record.deployed, record.context], ['node-port', true, 'fake']);
  assert.ok((record.requests as number) > 0 && record.errors === 0, `${String(record.requests)} requests`);
  const empty = rows(out, 'ms_metric.csv').filter((cells) => cells[3] === '' || cells[5] === '');
  assert.deepEqual(record.missing, { cpu: 0, gpu: 0, memory: 0 }, JSON.stringify(empty.slice(0, 3)));
  assert.ok(kube.fake.count('patch') > 0, 'the benchmark was applied');
  assert.ok(cadvisor.scrapes() > 10, 'Prometheus scraped the live counters');
  await assertCompleteRun(out);
  const manifest = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as {
    status: string;
    cluster: Record<string, unknown>;
  };
  assert.equal(manifest.status, 'complete');
  assert.equal(manifest.cluster.prometheus, prometheus.url);
  assert.equal((manifest.cluster.segments as unknown[]).length, 1);
  assertNoToken('stdout', result.stdout);
  assertNoToken('stderr', result.stderr);
  assertNoTokenInRun(out);
});

/** Waits until the run's journal holds `count` measured steps. */
async function untilMeasured(dir: string, count: number): Promise<void> {
  const journal = join(dir, 'load-detail.csv');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !(existsSync(journal) && rows(dir, 'load-detail.csv').length >= count))
    await delay(100);
}

async function stopAndResume(signal: 'SIGINT' | 'SIGKILL'): Promise<void> {
  const out = join(tmp.path, `stopped-${signal}`);
  const child = run(profileArgs(out, { '--use-deployed': true }));
  // Killed with steps measured but not exported yet (the first export, at 6 s, takes steps 0–1).
  await untilMeasured(out, signal === 'SIGKILL' ? 4 : 3);
  child.kill(signal);
  const stopped = await child;
  const manifest = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { status: string };
  const measured = rows(out, 'load-detail.csv').length;
  const exported = rows(out, 'load.csv').length;
  assert.ok(measured >= 3 && measured < STEPS, `${signal}: ${measured} steps measured`);
  if (signal === 'SIGINT') {
    assert.equal(stopped.exitCode, 130, stopped.stderr);
    assert.equal(manifest.status, 'interrupted');
    assert.match(stopped.stderr, /continue with: rescape profile --resume/);
    // Only the profile can continue it: export --resume refuses, pointing at the right command.
    const wrongResume = await run(['export', '--resume', out]);
    assert.equal(wrongResume.exitCode, 3, wrongResume.stderr);
    assert.match(wrongResume.stderr, /cluster\.source[\s\S]*rescape profile --resume/);
    assert.equal(exported, measured, 'everything measured was exported before it stopped');
    assertMatchesSchema('profile', JSON.parse(stopped.stdout));
  } else {
    assert.equal(manifest.status, 'running', 'a killed run cannot mark itself');
    assert.ok(exported < measured, `killed with ${measured - exported} steps to export`);
  }
  assertNoToken(`${signal} stderr`, stopped.stderr);

  const resumed = await run(['profile', '--resume', out, '--kubeconfig', kube.kubeconfig, '--json']);
  assert.equal(resumed.exitCode, 0, resumed.stderr);
  const record = JSON.parse(resumed.stdout) as Record<string, unknown>;
  assertMatchesSchema('profile', record);
  assert.equal(record.status, 'complete');
  assert.deepEqual(
    [record.resumedFromStep, record.recoveredSteps, record.segments],
    [measured, measured - exported, 2],
  );
  await assertCompleteRun(out);
  const segments = (
    JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as {
      cluster: { segments: { fromStep: number; startTime: string }[] };
    }
  ).cluster.segments;
  assert.deepEqual(
    segments.map((segment) => segment.fromStep),
    [0, measured],
  );
  assertNoToken('resume stdout', resumed.stdout);
  assertNoToken('resume stderr', resumed.stderr);
  assertNoTokenInRun(out);
}

test('stopped by SIGINT or killed by SIGKILL mid-run, --resume completes it with every step exactly once', async () => {
  // Both at once: they share the servers, and the file stays within its time budget.
  await Promise.all([stopAndResume('SIGINT'), stopAndResume('SIGKILL')]);
});

test('live options are checked before anything is contacted: a usage error naming the flag', async () => {
  const before = kube.fake.requests.length;
  const out = join(tmp.path, 'never');
  const cases: [string[], RegExp][] = [
    [profileArgs(out, { '--prometheus': 'ftp://x' }), /--prometheus must be an http/],
    [profileArgs(out, { '--benchmark': 'hpc-ai500' }), /hpc-ai500 has no HTTP front end/],
    [profileArgs(out, { '--speed': '10' }), /--speed paces the simulated cluster only/],
    [profileArgs(out, { '--target': 'http://user:pw@127.0.0.1:1' }), /--target must not carry a user/],
    [['profile', '--cluster', 'kubernetes', '--json'], /--prometheus is required/],
    [
      ['profile', '--prometheus', 'http://127.0.0.1:9', '--json'],
      /--prometheus applies to --cluster kubernetes/,
    ],
    [
      profileArgs(out, { '--build': buildFile, '--use-deployed': true }),
      /--build builds the images a deploy pulls; --use-deployed deploys nothing/,
    ],
    [profileArgs(out, { '--registry-secret': 'regcred' }), /--registry-secret applies to --build only/],
    [
      profileArgs(out, { '--build': strayBuildFile }),
      /image "stray" is pushed to registry\.example\.com\/rescape\/social-network:0\.1, which the social-network deploy never pulls/,
    ],
    [
      profileArgs(out, { '--build': buildFile, '--registry': 'mirror.example.com' }),
      /image "social-network" is pushed to .*, but the deploy pulls from --registry mirror\.example\.com/,
    ],
  ];
  const results = await Promise.all(cases.map(([args]) => run(args)));
  cases.forEach(([args, message], index) => {
    const result = results[index]!;
    assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`);
    const error = JSON.parse(result.stdout) as { error: { kind: string; message: string } };
    assert.equal(error.error.kind, 'usage');
    assert.match(error.error.message, message);
  });
  assert.equal(kube.fake.requests.length, before);
  assert.ok(!existsSync(out));
  const stray = JSON.parse(results[8]!.stdout) as { error: { suggestion: string } };
  assert.match(
    stray.error.suggestion,
    /Set its destination to <registry>\/deathstarbench\/social-network-microservices:latest/,
  );
});

/** The server-side applies (PATCH) into `namespace` among `requests`, as "resource name". */
function appliesIn(
  requests: { verb: string; path: string; resource: string | undefined }[],
  namespace: string,
) {
  return requests
    .filter((r) => r.verb === 'patch' && r.path.includes(`/namespaces/${namespace}/`))
    .map((r) => `${r.resource} ${r.path.split('/').at(-1)}`);
}

test('--build builds the images in the namespace before deploying from their registry; a failed build applies nothing', async () => {
  const before = kube.fake.requests.length;
  const out = join(tmp.path, 'built');
  const brokenOut = join(tmp.path, 'broken');
  const [built, broken] = await Promise.all([
    run(profileArgs(out, { '--build': buildFile, '--registry-secret': 'regcred', '--duration': '4s' })),
    run(profileArgs(brokenOut, { '--build': brokenBuildFile, '--namespace': 'sn-broken' })),
  ]);
  const requests = kube.fake.requests.slice(before);

  assert.equal(built.exitCode, 0, built.stderr);
  const record = JSON.parse(built.stdout) as Record<string, unknown>;
  assertMatchesSchema('profile', record);
  assert.equal(record.status, 'complete');
  assert.deepEqual(record.images, [
    {
      name: 'social-network',
      job: 'rescape-build-social-network',
      destination: PUSHED,
      status: 'succeeded',
      digest: DIGEST,
    },
  ]);
  const applied = appliesIn(requests, 'social-network');
  assert.equal(applied[0], 'jobs rescape-build-social-network', applied.slice(0, 3).join(', '));
  assert.ok(
    applied.length > 10 && applied.slice(1).every((a) => !a.startsWith('jobs ')),
    'then the benchmark',
  );
  const job = kube.fake.store.get(
    findKind('batch/v1', 'Job')!,
    'social-network',
    'rescape-build-social-network',
  );
  const pod = (job?.spec as { template: { spec: Record<string, unknown> } }).template.spec as {
    containers: { args: string[]; volumeMounts: unknown[] }[];
    volumes: { secret: { secretName: string } }[];
  };
  assert.ok(pod.containers[0]!.args.includes(`--destination=${PUSHED}`));
  assert.deepEqual(pod.containers[0]!.volumeMounts, [
    { name: 'registry-credentials', mountPath: '/kaniko/.docker', readOnly: true },
  ]);
  assert.equal(pod.volumes[0]!.secret.secretName, 'regcred');
  // The deploy pulls from the registry derived from the destination.
  const deployment = kube.fake.store.get(
    findKind('apps/v1', 'Deployment')!,
    'social-network',
    'compose-post-service',
  );
  const containers = (deployment?.spec as { template: { spec: { containers: { image: string }[] } } })
    .template.spec.containers;
  assert.equal(containers[0]!.image, PUSHED);
  const manifest = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as {
    cluster: Record<string, unknown>;
  };
  assert.deepEqual(manifest.cluster.images, [{ name: 'social-network', destination: PUSHED }]);

  assert.equal(broken.exitCode, 4, broken.stderr);
  const error = JSON.parse(broken.stdout) as { error: { message: string } };
  assert.match(error.error.message, /Job sn-broken\/rescape-build-broken failed: BackoffLimitExceeded/);
  assert.match(error.error.message, /error building stage: failed to execute command/);
  assert.deepEqual(appliesIn(requests, 'sn-broken'), ['jobs rescape-build-broken']);
  assert.ok(!existsSync(brokenOut), 'nothing written');
  for (const result of [built, broken]) {
    assertNoToken('stdout', result.stdout);
    assertNoToken('stderr', result.stderr);
  }
  assertNoTokenInRun(out);
});
