import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../../src/core/errors.js';
import { readSimulationResult } from '../../src/report/simulation-file.js';
import { tempDir } from '../cli.js';
import { simulationFixture } from './simulation-fixture.js';

const tmp = tempDir('report-sim');
process.on('exit', () => tmp[Symbol.dispose]());

function write(name: string, content: string): string {
  const file = join(tmp.path, name);
  writeFileSync(file, content);
  return file;
}

test('a result that follows the contract reads back as it was written', () => {
  const file = write('good.json', JSON.stringify(simulationFixture()));
  assert.deepEqual(readSimulationResult(file), simulationFixture());
});

test('a wrong or damaged result names the field', () => {
  type Fixture = ReturnType<typeof simulationFixture> & Record<string, unknown>;
  const cases: { name: string; change: (result: Fixture) => unknown; field: string; message: RegExp }[] = [
    {
      name: 'another kind',
      change: (r) => ({ ...r, kind: 'other' }),
      field: 'kind',
      message: /not "rescape.simulation"/,
    },
    {
      name: 'a newer version',
      change: (r) => ({ ...r, version: 2 }),
      field: 'version',
      message: /reads version 1/,
    },
    { name: 'no policies', change: (r) => ({ ...r, policies: [] }), field: 'policies', message: /is empty/ },
    {
      name: 'a timeline shorter than t',
      change: (r) => {
        r.policies[1]!.timeline.utilisation.pop();
        return r;
      },
      field: 'policies[1].timeline.utilisation',
      message: /holds 119 values but timeline.t holds 120/,
    },
    {
      name: 'a statistic per seed missing',
      change: (r) => {
        r.policies[0]!.summary.errorRate.values = [0.1];
        return r;
      },
      field: 'policies[0].summary.errorRate.values',
      message: /1 values for 3 seeds/,
    },
    {
      name: 'a null where a number belongs',
      change: (r) => {
        (r.policies[2]!.summary.p99ResponseMs as unknown as Record<string, unknown>).mean = null;
        return r;
      },
      field: 'policies[2].summary.p99ResponseMs.mean',
      message: /not a finite number \(null\)/,
    },
    {
      name: 'a fault without a service',
      change: (r) => ({ ...r, faults: [{ kind: 'crash' }] }),
      field: 'faults[0].service',
      message: /not a string/,
    },
  ];
  for (const { name, change, field, message } of cases) {
    const file = write(`${field}.json`, JSON.stringify(change(simulationFixture() as Fixture)));
    assert.throws(
      () => readSimulationResult(file),
      (error: unknown) =>
        error instanceof DataError &&
        error.field === field &&
        message.test(error.message) &&
        error.file === file,
      name,
    );
  }
});

test('not JSON, or no file at all', () => {
  const file = write('broken.json', '{"kind": "rescape.simulation",');
  assert.throws(
    () => readSimulationResult(file),
    (error: unknown) => error instanceof DataError && /not valid JSON/.test(error.message),
  );
  assert.throws(
    () => readSimulationResult(join(tmp.path, 'missing.json')),
    (error: unknown) =>
      error instanceof DataError && /ENOENT/.test(error.message) && error.suggestion !== undefined,
  );
});
