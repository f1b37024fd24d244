import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { rescape, tempDir } from '../cli.js';
import { assertMatchesSchema } from '../json-schema.js';
import { getTopology } from '../../src/sim/topologies/index.js';
import { topologyEdges } from '../../src/sim/topology-edges.js';

const DATA_FILES = ['services.csv', 'ms_metric.csv', 'ms_callgraph.csv', 'load.csv'];

function lines(file: string): string[] {
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(1);
}

function manifestWithoutIdentity(dir: string): Record<string, unknown> {
  const {
    id: _id,
    startTime: _start,
    ...rest
  } = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as Record<string, unknown>;
  return rest;
}

/** Asserts two run directories hold the same data, byte for byte. */
function assertSameRun(a: string, b: string): void {
  for (const file of DATA_FILES)
    assert.ok(readFileSync(join(a, file)).equals(readFileSync(join(b, file))), `${file} differs`);
  assert.deepEqual(manifestWithoutIdentity(a), manifestWithoutIdentity(b));
}

test('a 12 h social-network profile: 1440 steps × every service, edges ⊆ topology, same seed ⇒ same files', async () => {
  using tmp = tempDir('profile');
  const first = join(tmp.path, 'a');
  const settings = ['profile', '--duration', '12h', '--benchmark', 'social-network', '--seed', '7'];
  const result = await rescape([...settings, '--json', '--out', first]);
  assert.equal(result.exitCode, 0, result.stderr);
  const record = JSON.parse(result.stdout) as {
    status: string;
    steps: number;
    services: number;
    edges: number;
  };
  assertMatchesSchema('profile', record);
  assert.equal(record.status, 'complete');
  assert.equal(record.steps, 1440);

  const services = lines(join(first, 'services.csv')).map((line) => line.split(',')[1]!);
  assert.equal(services.length, record.services);
  assert.deepEqual(services, [...services].sort(), 'ms_id numbers services in sorted name order');
  const metricKeys = lines(join(first, 'ms_metric.csv')).map((line) => line.split(',').slice(0, 3).join(','));
  assert.equal(metricKeys.length, 1440 * services.length);
  assert.equal(new Set(metricKeys).size, metricKeys.length, 'no duplicated (timestamp, ms_id)');
  for (let step = 0; step < 1440; step += 97) {
    assert.ok(
      services.every((name, id) => metricKeys.includes(`${step},${name},${id}`)),
      `step ${step} complete`,
    );
  }
  assert.equal(lines(join(first, 'load.csv')).length, 1440);
  const allowed = topologyEdges(getTopology('social-network'));
  const seen = new Set(
    lines(join(first, 'ms_callgraph.csv')).map((line) => {
      const cells = line.split(',');
      return `${cells[2]}>${cells[3]}`;
    }),
  );
  assert.equal(seen.size, record.edges);
  for (const edge of seen) assert.ok(allowed.has(edge), `edge ${edge} not in topology`);

  const second = join(tmp.path, 'b');
  const again = await rescape([...settings, '--out', second]);
  assert.equal(again.exitCode, 0, again.stderr);
  assertSameRun(first, second);

  const inspected = await rescape(['inspect', first, '--json']);
  assert.equal(inspected.exitCode, 0, inspected.stderr);
  const summary = JSON.parse(inspected.stdout) as { steps: number; problems: unknown[]; services: unknown[] };
  assertMatchesSchema('inspect', summary);
  assert.equal(summary.steps, 1440);
  assert.deepEqual(summary.problems, []);
});

for (const signal of ['SIGINT', 'SIGKILL'] as const) {
  test(`a profile killed with ${signal} mid-run resumes to the same complete run`, async () => {
    using tmp = tempDir(`resume-${signal}`);
    const reference = join(tmp.path, 'reference');
    const settings = ['--duration', '6h', '--benchmark', 'hotel-reservation', '--seed', '11'];
    assert.equal((await rescape(['profile', ...settings, '--out', reference])).exitCode, 0);

    const interrupted = join(tmp.path, 'interrupted');
    // Paced at 400 simulated seconds per second, the 6 h run would take a minute: it is stopped long before.
    const child = rescape(['profile', ...settings, '--out', interrupted, '--speed', '400']);
    const loadFile = join(interrupted, 'load.csv');
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !(existsSync(loadFile) && lines(loadFile).length >= 20)) await delay(50);
    child.kill(signal);
    const stopped = await child;
    const manifest = JSON.parse(readFileSync(join(interrupted, 'run.json'), 'utf8')) as {
      status: string;
      samples: number;
    };
    if (signal === 'SIGINT') {
      assert.equal(stopped.exitCode, 130, stopped.stderr);
      assert.equal(manifest.status, 'interrupted');
      assert.match(stopped.stderr, /--resume/);
    } else {
      assert.equal(manifest.status, 'running', 'a killed run cannot mark itself');
    }
    const kept = lines(loadFile).length;
    assert.ok(kept >= 20 && kept < manifest.samples, `kept ${kept} steps`);

    const resumed = await rescape(['profile', '--resume', interrupted, '--json']);
    assert.equal(resumed.exitCode, 0, resumed.stderr);
    const record = JSON.parse(resumed.stdout) as { status: string; resumedFromStep: number; steps: number };
    assert.equal(record.status, 'complete');
    assert.ok(record.resumedFromStep >= 20);
    assert.equal(record.steps, 720);
    assertSameRun(reference, interrupted);
    assert.equal((await rescape(['inspect', interrupted])).exitCode, 0);
  });
}

test('--resume takes its settings from run.json and refuses other settings flags', async () => {
  const result = await rescape(['profile', '--resume', 'runs/x', '--seed', '3']);
  assert.equal(result.exitCode, 2);
  assert.match(result.stderr, /--seed=3 cannot also be provided when using --resume/);
});

test('an unknown benchmark is a usage error naming the flag and the choices', async () => {
  const result = await rescape(['profile', '--benchmark', 'sock-shop', '--duration', '1h']);
  assert.equal(result.exitCode, 2);
  assert.match(result.stderr, /--benchmark/);
  assert.match(result.stderr, /social-network/);
});

test('bad flag values are usage errors with a suggestion, before anything is written', async () => {
  using tmp = tempDir('flags');
  const out = join(tmp.path, 'never');
  for (const [args, pattern] of [
    [['--duration', 'soon'], /--duration "soon" is not a positive duration/],
    [['--load-min', '300'], /--load-min: 300 is above --load-max 220/],
    [['--step', '1h', '--duration', '30m'], /--duration: 1800 s is shorter than one step/],
  ] as const) {
    const result = await rescape(['profile', ...args, '--out', out, '--json']);
    assert.equal(result.exitCode, 2, result.stdout);
    const record = JSON.parse(result.stdout) as { error: { message: string; suggestion: string } };
    assertMatchesSchema('error', record);
    assert.match(record.error.message, pattern);
    assert.ok(record.error.suggestion.length > 0);
  }
  assert.equal(existsSync(out), false);
});

test('an existing run directory is never overwritten', async () => {
  using tmp = tempDir('exists');
  const out = join(tmp.path, 'run');
  assert.equal((await rescape(['profile', '--duration', '10m', '--out', out])).exitCode, 0);
  const before = readdirSync(out).map((file) => readFileSync(join(out, file), 'utf8'));
  const again = await rescape(['profile', '--duration', '20m', '--out', out]);
  assert.notEqual(again.exitCode, 0);
  assert.match(again.stderr, new RegExp(out.replace(/[/\\]/g, '.')));
  assert.deepEqual(
    readdirSync(out).map((file) => readFileSync(join(out, file), 'utf8')),
    before,
  );
});
