// readRun with `calls: 'summary'` scans ms_callgraph.csv in place (call-file-summary.ts): it must give exactly
// the summary, the warnings and the errors that reading the rows gives, including for lines the scanner hands
// to the row parser.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RUN_FILES } from '../../src/dataset/run-format.js';
import { readRun } from '../../src/dataset/run-reader.js';
import { tempDir, writeRun } from './run-fixtures.js';

const C = RUN_FILES.callgraph;
const base = tempDir();
const fixture = join(base, 'fixture');
writeRun(fixture, 4, { status: 'complete' });

/** The fixture with ASCII, unquoted names, so that its files are plain and the scanner reads them. */
function plainRun(name: string, edit: (lines: string[]) => void = () => {}): string {
  const dir = join(base, name);
  fs.cpSync(fixture, dir, { recursive: true });
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.csv'))) {
    const path = join(dir, file);
    fs.writeFileSync(
      path,
      fs
        .readFileSync(path, 'utf8')
        .replaceAll('"user,cache"', 'user-cache')
        .replaceAll('ünicode', 'zunicode'),
    );
  }
  const callFile = join(dir, C);
  const lines = fs.readFileSync(callFile, 'utf8').split('\n');
  edit(lines);
  fs.writeFileSync(callFile, lines.join('\n'));
  return dir;
}

function outcome(dir: string, calls: 'rows' | 'summary') {
  try {
    const run = readRun(dir, { calls });
    return { summary: run.callSummary, problems: run.problems };
  } catch (error) {
    const { message, file, line, field } = error as {
      message: string;
      file?: string;
      line?: number;
      field?: string;
    };
    return { error: { name: (error as Error).name, message, file, line, field } };
  }
}

/** Sets cell `column` of line `line` (1-based) of the call file. */
const cell = (line: number, column: number, value: string) => (lines: string[]) => {
  const cells = lines[line - 1]!.split(',');
  cells[column] = value;
  lines[line - 1] = cells.join(',');
};

test('a plain call file gives the summary the rows give: counts, traces and latency sums per edge', () => {
  const dir = plainRun('plain');
  const text = fs.readFileSync(join(dir, C), 'utf8');
  assert.ok(/^[\t\n -~]*$/.test(text) && !text.includes('"'), 'the file is plain');
  const fromRows = outcome(dir, 'rows');
  const scanned = outcome(dir, 'summary');
  assert.deepEqual(scanned, fromRows);
  const rows = text.trimEnd().split('\n').slice(1);
  assert.equal(scanned.summary!.rows, rows.length);
  assert.equal(scanned.summary!.traces, new Set(rows.map((row) => row.split(',')[1])).size);
  // frontend (1) → compose-post (0): every such line counted, its rt_ms summed.
  const edge = scanned.summary!.edges.find((e) => e.um === 1 && e.dm === 0)!;
  const lines = rows.filter((row) => row.split(',')[4] === '1' && row.split(',')[5] === '0');
  assert.equal(edge.calls, lines.length);
  const rtSum = lines.reduce((sum, row) => sum + Number(row.split(',')[7]), 0);
  assert.ok(Math.abs(edge.rtSumMs - rtSum) < 1e-9, `${edge.rtSumMs} vs ${rtSum}`);
});

const CASES: [string, (lines: string[]) => void][] = [
  ['an unknown caller', cell(2, 2, 'nginx')],
  ['ids that do not match the names', cell(2, 5, '2')],
  ['a timestamp beyond the steps', cell(2, 0, '4')],
  ['a timestamp going backwards', cell(2, 0, '1')],
  ['a timestamp that is not an integer', cell(3, 0, '1x')],
  ['an empty trace id', cell(3, 1, '')],
  ['a missing cell', (lines) => (lines[2] = lines[2]!.split(',').slice(0, 7).join(','))],
  ['an extra cell', (lines) => (lines[2] = `${lines[2]!},x`)],
  ['a negative latency', cell(2, 7, '-1.5')],
  ['a latency that is not a number', cell(2, 7, 'fast')],
  ['a latency in exponent form (accepted)', cell(2, 7, '1.5e2')],
  ['an empty latency (accepted)', cell(2, 7, '')],
  ['trace ids that interleave (accepted)', (lines) => ([lines[5], lines[6]] = [lines[6]!, lines[5]!])],
  ['an empty line in the middle', (lines) => lines.splice(3, 0, '')],
  ['no line break at the end', (lines) => lines.pop()],
];

for (const [what, edit] of CASES) {
  test(`${what}: the same outcome whether the rows are kept or only summarised`, () => {
    const dir = plainRun(what.replaceAll(/\W+/g, '-'), edit);
    const fromRows = outcome(dir, 'rows');
    assert.deepEqual(outcome(dir, 'summary'), fromRows);
    if (what.includes('(accepted)') || what.startsWith('no line break'))
      assert.ok('summary' in fromRows, what);
    else
      assert.ok(
        'error' in fromRows && fromRows.error.line !== undefined,
        `${what}: ${JSON.stringify(fromRows)}`,
      );
  });
}

test('a quoted call file (not plain) is summarised through the row parser, to the same result', () => {
  const dir = join(base, 'quoted');
  fs.cpSync(fixture, dir, { recursive: true });
  assert.ok(fs.readFileSync(join(dir, C), 'utf8').includes('"user,cache"'));
  assert.deepEqual(outcome(dir, 'summary'), outcome(dir, 'rows'));
});
