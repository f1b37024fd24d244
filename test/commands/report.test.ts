import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rescape, tempDir } from '../cli.js';
import { assertMatchesSchema } from '../json-schema.js';
import { profiledRun } from '../report/cli-fixtures.js';
import { simulationFixture } from '../report/simulation-fixture.js';

const tmp = tempDir('report');
process.on('exit', () => tmp[Symbol.dispose]());
const run = join(tmp.path, 'run');

before(() => profiledRun(run, '30m', 2));

test('report writes one HTML page and describes it with --json', async () => {
  const out = join(tmp.path, 'pages', 'run.html');
  const simulation = join(tmp.path, 'simulation.json');
  writeFileSync(simulation, JSON.stringify(simulationFixture()));
  const result = await rescape(['report', run, '--simulation', simulation, '--out', out, '--json']);
  assert.equal(result.exitCode, 0, result.stderr);
  const summary = JSON.parse(result.stdout);
  assertMatchesSchema('report-result', summary);
  assert.deepEqual(summary.sections, ['overview', 'load', 'services', 'call-graph', 'simulation']);
  assert.equal(summary.out, out);
  assert.equal(summary.bytes, statSync(out).size, 'the parent folder is created and the size reported');
  const html = readFileSync(out, 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
  assert.doesNotMatch(html, /<script|<link|src="http|href="http/, 'nothing to fetch');
});

test('bad options and bad inputs fail with the exit code and field, writing nothing', async () => {
  const badSimulation = join(tmp.path, 'v2.json');
  writeFileSync(badSimulation, JSON.stringify({ ...simulationFixture(), version: 2 }));
  const directory = join(tmp.path, 'a-directory');
  mkdirSync(directory);
  const cases = [
    {
      args: [run, '--services', 'no-such-service'],
      exitCode: 2,
      message: /no service "no-such-service"/,
      suggestion: /api-gateway/,
    },
    {
      args: [run, '--simulation', badSimulation],
      exitCode: 3,
      message: /version is 2; this rescape reads version 1/,
      field: 'version',
    },
    { args: [join(tmp.path, 'missing-run')], exitCode: 3, message: /run\.json/ },
    { args: [run, '--out', directory], exitCode: 2, message: /is a directory/ },
  ];
  for (const [index, expected] of cases.entries()) {
    const out = join(tmp.path, `failed-${index}.html`);
    const args = expected.args.includes('--out') ? expected.args : [...expected.args, '--out', out];
    const result = await rescape(['report', ...args, '--json']);
    assert.equal(
      result.exitCode,
      expected.exitCode,
      `${expected.args.join(' ')}: ${result.stdout}${result.stderr}`,
    );
    const { error } = JSON.parse(result.stdout);
    assertMatchesSchema('error', { error });
    assert.match(error.message, expected.message);
    if (expected.field !== undefined) assert.equal(error.field, expected.field);
    if (expected.suggestion !== undefined) assert.match(error.suggestion, expected.suggestion);
    assert.equal(existsSync(out), false, 'no report written');
  }
});
