import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rescape, tempDir } from '../cli.js';
import { assertMatchesSchema } from '../json-schema.js';

const tmp = tempDir('inspect');
const good = join(tmp.path, 'good');
process.on('exit', () => tmp[Symbol.dispose]());

before(async () => {
  const result = await rescape([
    'profile',
    '--benchmark',
    'ecommerce',
    '--duration',
    '30m',
    '--seed',
    '2',
    '--out',
    good,
  ]);
  assert.equal(result.exitCode, 0, result.stderr);
});

test('inspect summarises a valid run', async () => {
  const result = await rescape(['inspect', good]);
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, /60\/60 steps of 30 s/);
  assert.match(result.stdout, /No problems found/);
  assert.match(result.stdout, /payment/);
});

/** Copies the good run, applies `corrupt` to one file, and returns the copy. */
function corrupted(name: string, file: string, corrupt: (text: string) => string): string {
  const dir = join(tmp.path, name);
  cpSync(good, dir, { recursive: true });
  writeFileSync(join(dir, file), corrupt(readFileSync(join(dir, file), 'utf8')));
  return dir;
}

const cases: {
  name: string;
  file: string;
  corrupt: (text: string) => string;
  message: RegExp;
  line?: number;
}[] = [
  {
    name: 'truncated CSV (half a row)',
    file: 'ms_metric.csv',
    corrupt: (text) => text.slice(0, text.indexOf('\n', text.length / 2) + 12),
    message: /ms_metric\.csv:\d+/,
  },
  {
    name: 'wrong header',
    file: 'load.csv',
    corrupt: (text) => text.replace('latency_p99_ms', 'p99'),
    message: /load\.csv:1\b.*latency_p99_ms/s,
    line: 1,
  },
  {
    name: 'non-numeric cell',
    file: 'ms_metric.csv',
    corrupt: (text) => {
      const rows = text.split('\n');
      const cells = rows[5]!.split(',');
      cells[3] = 'lots';
      rows[5] = cells.join(',');
      return rows.join('\n');
    },
    message: /ms_metric\.csv:6\b.*cpu_utilization.*lots/s,
    line: 6,
  },
  {
    name: 'a missing step',
    file: 'load.csv',
    corrupt: (text) =>
      text
        .split('\n')
        .filter((_, index) => index !== 10)
        .join('\n'),
    message: /load\.csv:11\b.*expected timestamp 9, found 10/,
    line: 11,
  },
];

for (const { name, file, corrupt, message, line } of cases) {
  test(`inspect rejects a run with ${name}, naming file and line, and changes nothing`, async () => {
    const dir = corrupted(name.replace(/\W+/g, '-'), file, corrupt);
    const before = readFileSync(join(dir, file), 'utf8');
    const result = await rescape(['inspect', dir, '--json']);
    assert.equal(result.exitCode, 3, result.stdout);
    const record = JSON.parse(result.stdout) as {
      error: { kind: string; message: string; file: string; line: number };
    };
    assertMatchesSchema('error', record);
    assert.equal(record.error.kind, 'data');
    assert.match(record.error.message, message);
    if (line !== undefined) assert.equal(record.error.line, line);
    assert.equal(readFileSync(join(dir, file), 'utf8'), before);

    const human = await rescape(['inspect', dir]);
    assert.equal(human.exitCode, 3);
    // oclif wraps long messages and prefixes each line with ' ›   '.
    assert.match(human.stderr.replace(/\s*\n\s*›\s*/g, ' '), message);
  });
}

test('inspect of a directory that is not a run says what is missing', async () => {
  const result = await rescape(['inspect', tmp.path]);
  assert.equal(result.exitCode, 3);
  assert.match(result.stderr, /run\.json/);
});
