import assert from 'node:assert/strict';
import fs from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DataError } from '../../src/core/errors.js';
import { RUN_FILES } from '../../src/dataset/run-format.js';
import { readManifest, readRun } from '../../src/dataset/run-reader.js';
import { SERVICES, tempDir, writeRun } from './run-fixtures.js';

const STEPS = 4;
const base = tempDir();
const valid = join(base, 'valid');
writeRun(valid, STEPS, { status: 'complete' });

/** Line of the j-th metric row of step t in ms_metric.csv (the header is line 1). */
const metricLine = (t: number, j: number) => 2 + t * SERVICES.length + j;

type Edit = (dir: string) => void;

function lines(name: string, change: (lines: string[]) => void): Edit {
  return (dir) => {
    const file = join(dir, name);
    const all = fs.readFileSync(file, 'utf8').split('\n');
    change(all);
    fs.writeFileSync(file, all.join('\n'));
  };
}

/** Replaces cell `column` of line `line` (1-based) of a CSV file whose rows hold no quoted commas. */
function cell(name: string, line: number, column: number, value: string): Edit {
  return lines(name, (all) => {
    const cells = (all[line - 1] ?? '').split(',');
    cells[column] = value;
    all[line - 1] = cells.join(',');
  });
}

function manifestField(change: (manifest: Record<string, unknown>) => void): Edit {
  return (dir) => {
    const file = join(dir, RUN_FILES.manifest);
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    change(manifest);
    fs.writeFileSync(file, JSON.stringify(manifest));
  };
}

let copies = 0;
function brokenRun(edit: Edit): string {
  const dir = join(base, `case-${(copies += 1)}`);
  fs.cpSync(valid, dir, { recursive: true });
  edit(dir);
  return dir;
}

interface BadCase {
  name: string;
  edit: Edit;
  file: string;
  line?: number;
  field?: string;
  /** Text the message must contain besides the file and line. */
  says: RegExp;
}

const M = RUN_FILES.metrics;
const C = RUN_FILES.callgraph;
const L = RUN_FILES.load;
const S = RUN_FILES.services;
const J = RUN_FILES.manifest;

const BAD: BadCase[] = [
  {
    name: 'missing file',
    edit: (dir) => fs.rmSync(join(dir, L)),
    file: L,
    says: /cannot read the file: ENOENT/,
  },
  {
    name: 'run.json not JSON',
    edit: (dir) => fs.writeFileSync(join(dir, J), '{"format": "rescape.run/v1",\n  oops}'),
    file: J,
    line: 2,
    says: /not valid JSON/,
  },
  {
    name: 'run.json wrong format',
    edit: manifestField((m) => (m['format'] = 'rescape.run/v0')),
    file: J,
    field: 'format',
    says: /"rescape\.run\/v0"/,
  },
  {
    name: 'run.json mistyped samples',
    edit: manifestField((m) => (m['samples'] = 'ten')),
    file: J,
    field: 'samples',
    says: /non-negative integer, found "ten"/,
  },
  {
    name: 'run.json missing toolVersion',
    edit: manifestField((m) => delete m['toolVersion']),
    file: J,
    field: 'toolVersion',
    says: /found nothing/,
  },
  {
    name: 'run.json unknown cluster kind',
    edit: manifestField((m) => (m['cluster'] = { kind: 'docker' })),
    file: J,
    field: 'cluster.kind',
    says: /one of sim, kubernetes, import/,
  },
  {
    name: 'unknown service kind',
    edit: cell(S, 3, 2, 'queue'),
    file: S,
    line: 3,
    field: 'kind',
    says: /unknown service kind "queue"/,
  },
  {
    name: 'services not numbered in order',
    edit: cell(S, 2, 0, '1'),
    file: S,
    line: 2,
    field: 'ms_id',
    says: /should be 0/,
  },
  {
    name: 'services not sorted by name',
    edit: lines(S, (all) => ([all[1], all[2]] = [all[2]!.replace('1', '0'), all[1]!.replace('0', '1')])),
    file: S,
    line: 3,
    field: 'ms_name',
    says: /sorts before frontend/,
  },
  {
    name: 'wrong header',
    edit: cell(M, 1, 3, 'cpu'),
    file: M,
    line: 1,
    says: /expected timestamp,ms_name,ms_id,cpu_utilization,.*found timestamp,ms_name,ms_id,cpu,/,
  },
  {
    name: 'truncated CSV',
    edit: (dir) => fs.truncateSync(join(dir, M), fs.statSync(join(dir, M)).size - 14),
    file: M,
    line: metricLine(3, 4),
    says: /expected 6 columns/,
  },
  {
    name: 'unclosed quote',
    edit: cell(M, metricLine(1, 1), 1, '"frontend'),
    file: M,
    line: metricLine(1, 1),
    says: /not valid CSV/,
  },
  {
    name: 'non-numeric cell',
    edit: cell(M, metricLine(1, 0), 3, 'abc'),
    file: M,
    line: metricLine(1, 0),
    field: 'cpu_utilization',
    says: /expected a number in column cpu_utilization, found "abc"/,
  },
  {
    name: 'negative utilisation',
    edit: cell(M, metricLine(2, 1), 4, '-0.5'),
    file: M,
    line: metricLine(2, 1),
    field: 'gpu_utilization',
    says: /negative value -0\.5/,
  },
  {
    name: 'unknown ms_name',
    edit: cell(M, metricLine(1, 2), 1, 'ghost'),
    file: M,
    line: metricLine(1, 2),
    field: 'ms_name',
    says: /unknown service "ghost"/,
  },
  {
    name: 'ms_id not matching ms_name',
    edit: cell(M, metricLine(1, 2), 2, '0'),
    file: M,
    line: metricLine(1, 2),
    field: 'ms_id',
    says: /ms_id 0 does not match ms_name media-mongodb \(ms_id 2/,
  },
  {
    name: 'skipped step',
    edit: lines(M, (all) => all.splice(metricLine(1, 0) - 1, SERVICES.length)),
    file: M,
    line: metricLine(1, 0),
    field: 'timestamp',
    says: /skips from 0 to 2/,
  },
  {
    name: 'timestamp going backwards',
    edit: cell(M, metricLine(2, 1), 0, '1'),
    file: M,
    line: metricLine(2, 1),
    field: 'timestamp',
    says: /backwards from 2 to 1/,
  },
  {
    name: 'duplicate row',
    edit: lines(M, (all) => all.splice(metricLine(1, 1) - 1, 1, all[metricLine(1, 0) - 1]!)),
    file: M,
    line: metricLine(1, 1),
    field: 'ms_id',
    says: /duplicate row for timestamp 1 and ms_id 0/,
  },
  {
    name: 'step lacking a service',
    edit: lines(M, (all) => all.splice(metricLine(1, 3) - 1, 1)),
    file: M,
    line: metricLine(2, 0) - 1,
    field: 'ms_name',
    says: /step 1 has rows for 4 of 5 services \(missing: user,cache\)/,
  },
  {
    name: 'first step not 0',
    edit: lines(M, (all) => all.splice(1, SERVICES.length)),
    file: M,
    line: 2,
    field: 'timestamp',
    says: /first step must have timestamp 0/,
  },
  {
    name: 'more steps than samples',
    edit: manifestField((m) => (m['samples'] = 3)),
    file: M,
    line: metricLine(3, 0),
    field: 'timestamp',
    says: /beyond the 3 samples/,
  },
  {
    name: 'load row missing',
    edit: lines(L, (all) => all.splice(2, 1)),
    file: L,
    line: 3,
    field: 'timestamp',
    says: /expected timestamp 1, found 2/,
  },
  {
    name: 'load repeats a step',
    edit: lines(L, (all) => all.splice(3, 0, all[2]!)),
    file: L,
    line: 4,
    field: 'timestamp',
    says: /expected timestamp 2, found 1/,
  },
  {
    name: 'load longer than metrics',
    edit: lines(L, (all) => all.splice(5, 0, '4,90,10,0,1,2')),
    file: L,
    line: 6,
    field: 'timestamp',
    says: /step 4 has a load row but .*ms_metric\.csv holds only 4 steps/,
  },
  {
    name: 'load shorter than metrics',
    edit: lines(L, (all) => all.splice(4, 1)),
    file: M,
    line: metricLine(3, 0),
    field: 'timestamp',
    says: /step 3 has metric rows but no row in .*load\.csv/,
  },
  {
    name: 'load non-integer count',
    edit: cell(L, 3, 2, '12.5'),
    file: L,
    line: 3,
    field: 'requests',
    says: /non-negative integer in column requests, found "12\.5"/,
  },
  {
    name: 'callgraph unknown um',
    edit: cell(C, 2, 2, 'nginx'),
    file: C,
    line: 2,
    field: 'um',
    says: /unknown service "nginx" in column um/,
  },
  {
    name: 'callgraph inconsistent ids',
    edit: cell(C, 2, 5, '2'),
    file: C,
    line: 2,
    field: 'dm_id',
    says: /dm_id 2 does not match dm compose-post/,
  },
  {
    name: 'callgraph timestamp outside the steps',
    edit: cell(C, 2, 0, '4'),
    file: C,
    line: 2,
    field: 'timestamp',
    says: /outside the run's steps 0\.\.3/,
  },
  {
    name: 'callgraph empty trace_id',
    edit: cell(C, 3, 1, ''),
    file: C,
    line: 3,
    field: 'trace_id',
    says: /empty trace_id/,
  },
];

describe('readRun rejects bad input at the first bad line', () => {
  for (const bad of BAD) {
    test(bad.name, () => {
      const dir = brokenRun(bad.edit);
      assert.throws(
        () => readRun(dir),
        (error: unknown) => {
          assert.ok(error instanceof DataError, `expected a DataError, got ${String(error)}`);
          assert.equal(error.file, join(dir, bad.file));
          assert.equal(error.line, bad.line);
          assert.equal(error.field, bad.field);
          const where = bad.line === undefined ? bad.file : `${bad.file}:${bad.line}`;
          assert.ok(error.message.includes(where), `"${error.message}" names ${where}`);
          assert.match(error.message, bad.says);
          assert.ok(error.suggestion, 'has a suggestion');
          return true;
        },
      );
    });
  }
});

describe('readRun warnings', () => {
  test('a complete run with all its steps warns only about its missing samples', () => {
    const dir = brokenRun(manifestField((m) => (m['samples'] = STEPS)));
    assert.deepEqual(readRun(dir).problems, [
      {
        severity: 'warning',
        file: join(dir, M),
        line: metricLine(3, 2),
        message: 'service media-mongodb (ms_id 2) has 1 missing samples (cpu_utilization 1)',
      },
    ]);
  });

  test('unfinished run, missing samples counted per service, last line without a line break', () => {
    const dir = brokenRun((d) => {
      manifestField((m) => (m['status'] = 'interrupted'))(d);
      cell(M, metricLine(0, 4), 3, '')(d);
      cell(M, metricLine(1, 4), 3, '')(d);
      cell(M, metricLine(1, 4), 5, '')(d);
      cell(M, metricLine(2, 0), 4, '')(d);
      fs.truncateSync(join(d, L), fs.statSync(join(d, L)).size - 1);
    });
    const { problems, load, metrics } = readRun(dir);
    assert.equal(load.length, STEPS);
    assert.equal(metrics[metricLine(0, 4) - 2]?.cpuUtilization, null);
    assert.deepEqual(
      problems.map(({ file, line, message }) => [file.slice(dir.length + 1), line, message]),
      [
        [J, undefined, 'run status is interrupted, not complete'],
        [M, metricLine(2, 0), 'service compose-post (ms_id 0) has 1 missing samples (gpu_utilization 1)'],
        [M, metricLine(3, 2), 'service media-mongodb (ms_id 2) has 1 missing samples (cpu_utilization 1)'],
        [
          M,
          metricLine(0, 4),
          'service ünicode-gpu (ms_id 4) has 3 missing samples (cpu_utilization 2, memory_bytes 1)',
        ],
        [L, 5, 'the last line has no line break'],
        [M, undefined, 'holds 4 of the 20 steps run.json plans'],
      ],
    );
    assert.ok(problems.every((problem) => problem.severity === 'warning'));
  });

  test('readManifest reads only run.json', () => {
    const dir = brokenRun((d) => fs.rmSync(join(d, M)));
    assert.equal(readManifest(dir).status, 'complete');
    assert.throws(
      () => readManifest(join(base, 'nowhere')),
      (error: unknown) => error instanceof DataError && /run\.json/.test(error.message),
    );
  });
});
