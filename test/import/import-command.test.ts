// End to end: the built CLI imports the whole Online Boutique dataset, and `rescape inspect` accepts the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rescape } from '../cli.js';
import { assertMatchesSchema } from '../json-schema.js';
import { onlineBoutique, scratch } from './import-helpers.js';

test(
  'rescape import pod-csv <Online Boutique> --json, then rescape inspect',
  { skip: !existsSync(onlineBoutique) && 'needs ../shared/datasets' },
  async () => {
    const out = scratch('ob');
    const imported = await rescape(['import', 'pod-csv', onlineBoutique, '--out', out, '--json']);
    assert.equal(imported.exitCode, 0, imported.stderr);
    const result = JSON.parse(imported.stdout) as Record<string, unknown>;
    assertMatchesSchema('import', result);
    assert.equal(result['services'], 10);
    assert.equal(result['steps'], 1209);
    assert.equal(result['stepSeconds'], 60);
    assert.equal(result['gapCells'], 0);
    assert.equal(result['edges'], 14);
    assert.equal(result['anomalies'], 24);
    const kinds = (result['clockIssues'] as { kind: string; rows: number }[]).map(
      (issue) => `${issue.kind}:${issue.rows}`,
    );
    assert.ok(kinds.includes('epoch-offset:1209'), kinds.join());
    assert.ok(kinds.includes('repeated-timestamp:8'), kinds.join());
    const manifest = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as {
      cluster: { kind: string; source: { format: string } };
    };
    assert.equal(manifest.cluster.kind, 'import');
    assert.equal(manifest.cluster.source.format, 'pod-csv');
    const inspected = await rescape(['inspect', out, '--json']);
    assert.equal(inspected.exitCode, 0, inspected.stderr);
    const summary = JSON.parse(inspected.stdout) as { steps: number; status: string };
    assert.equal(summary.steps, 1209);
    assert.equal(summary.status, 'complete');
  },
);

test('rescape import: a malformed file exits 3 with a --json error naming file and line', async () => {
  const bad = join(scratch('bad'), '..', 'empty.csv');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(bad, '');
  const result = await rescape(['import', 'long-csv', bad, '--out', scratch('run'), '--json']);
  assert.equal(result.exitCode, 3);
  const error = (JSON.parse(result.stdout) as { error: { kind: string; file: string; line: number } }).error;
  assert.equal(error.kind, 'data');
  assert.equal(error.file, bad);
  assert.equal(error.line, 1);
  assertMatchesSchema('error', { error });
});

test('rescape import: a bad flag is a usage error (exit 2)', async () => {
  const result = await rescape([
    'import',
    'long-csv',
    'x.csv',
    '--out',
    scratch('run'),
    '--columns',
    'nonsense',
  ]);
  assert.equal(result.exitCode, 2, result.stderr);
});
