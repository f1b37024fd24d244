// Under --json every failure is one short error record on stdout with the right exit code: rescape's typed
// errors and oclif's own flag errors alike (never oclif's dump of its parse context, never exit 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rescape } from '../cli.js';

interface ErrorRecord {
  error: { kind: string; name: string; message: string; exitCode: number };
}

for (const [what, args, mention] of [
  ['a flag relationship oclif checks', ['load', '--json'], /--target/],
  ['a missing required flag', ['report', 'runs/none', '--json'], /required flag out/],
  ['an unknown flag', ['inspect', 'runs/none', '--no-such-flag', '--json'], /no-such-flag/],
] as const) {
  test(`--json: ${what} is a usage error record with exit 2`, async () => {
    const result = await rescape([...args]);
    assert.equal(result.exitCode, 2, result.stdout + result.stderr);
    const record = JSON.parse(result.stdout) as ErrorRecord;
    assert.deepEqual(Object.keys(record), ['error']);
    assert.equal(record.error.kind, 'usage');
    assert.equal(record.error.exitCode, 2);
    assert.match(record.error.message, mention);
    assert.ok(!result.stdout.includes('"parse"'), 'no parse context in the record');
  });
}

test('--json: a typed error keeps its own kind and exit code', async () => {
  const result = await rescape(['inspect', 'runs/does-not-exist', '--json']);
  const record = JSON.parse(result.stdout) as ErrorRecord;
  assert.equal(result.exitCode, record.error.exitCode);
  assert.notEqual(record.error.kind, 'internal');
});
