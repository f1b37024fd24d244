// Malformed inputs, each giving a DataError that names the file and line, or a counted skip — never a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { DataError, UsageError } from '../../src/core/errors.js';
import type { ImportFormat } from '../../src/dataset/import/import-types.js';
import { runImport, writeInputs } from './import-helpers.js';

const POD = 'Time,TimeStamp,PodName,CpuUsage(m),MemoryUsage(Mi)';
const podRow = (minute: number, cpu = '100', pod = 'web-6d4b75cb6d-abcde') =>
  `2024-01-01 00:0${minute}:00 +0000 UTC,${1704067200 + minute * 60},${pod},${cpu},10`;
const pods = (...rows: string[]) => [POD, podRow(0), ...rows, podRow(5)].join('\n') + '\n';
const CALLS = 'timestamp,traceid,service,rpc_id,rpctype,um,uminstanceid,interface,dm,dminstanceid,rt';
const calls = (...rows: string[]) =>
  [CALLS, '1000,T1,S1,0.1.1,rpc,MS_1,P1,i,MS_2,P2,3.0', ...rows].join('\n') + '\n';
const LONG = 'timestamp,service,cpu';
const longCsv = (...rows: string[]) =>
  ['timestamp,service,cpu', '0,a,1', ...rows, '60,a,1'].join('\n') + '\n';

interface Case {
  name: string;
  format: ImportFormat;
  file: string;
  content: string | Buffer;
  /** A counted skip of this reason… */
  skip?: string;
  /** …or a DataError matching this, at this line. */
  error?: RegExp;
  line?: number;
}

const cases: Case[] = [
  {
    name: 'row with too few columns',
    format: 'pod-csv',
    file: 'p.csv',
    content: pods('2024-01-01 00:01:00 +0000 UTC,1,web-6d4b75cb6d-abcde'),
    skip: 'wrong-column-count',
  },
  {
    name: 'row with too many columns',
    format: 'long-csv',
    file: 'l.csv',
    content: longCsv('30,a,1,extra'),
    skip: 'wrong-column-count',
  },
  {
    name: 'CPU not a number',
    format: 'pod-csv',
    file: 'p.csv',
    content: pods(podRow(1, 'fast')),
    skip: 'bad-number',
  },
  { name: 'CPU NaN', format: 'long-csv', file: 'l.csv', content: longCsv('30,a,NaN'), skip: 'bad-number' },
  {
    name: 'negative CPU',
    format: 'pod-csv',
    file: 'p.csv',
    content: pods(podRow(1, '-5')),
    skip: 'negative-value',
  },
  {
    name: 'negative timestamp',
    format: 'long-csv',
    file: 'l.csv',
    content: longCsv('-30,a,1'),
    skip: 'negative-timestamp',
  },
  {
    name: 'unreadable wall clock',
    format: 'pod-csv',
    file: 'p.csv',
    content: pods('yesterday,1704067260,web-6d4b75cb6d-abcde,1,1'),
    skip: 'bad-timestamp',
  },
  {
    name: 'unreadable timestamp',
    format: 'long-csv',
    file: 'l.csv',
    content: longCsv('soon,a,1'),
    skip: 'bad-timestamp',
  },
  {
    name: 'repeated timestamp of one instance',
    format: 'pod-csv',
    file: 'p.csv',
    content: pods(podRow(1), podRow(1)),
    skip: 'duplicate-sample',
  },
  {
    name: 'empty pod name',
    format: 'pod-csv',
    file: 'p.csv',
    content: pods(podRow(1, '1', '')),
    skip: 'missing-service',
  },
  {
    name: 'UNKNOWN placeholder um',
    format: 'alibaba-2022',
    file: 'c.csv',
    content: calls('1000,T2,S1,0.1.1,rpc,UNKNOWN,UNAVAILABLE,i,MS_2,P2,1'),
    skip: 'placeholder-service',
  },
  {
    name: '(?) placeholder dm',
    format: 'alibaba-2022',
    file: 'c.csv',
    content: calls('1000,T3,S1,0.1.1,rpc,MS_1,P1,i,(?),P2,1'),
    skip: 'placeholder-service',
  },
  {
    name: 'empty dm',
    format: 'alibaba-2022',
    file: 'c.csv',
    content: calls('1000,T4,S1,0.1.1,rpc,MS_1,P1,i,,,1'),
    skip: 'placeholder-service',
  },
  {
    name: 'call logged twice',
    format: 'alibaba-2022',
    file: 'c.csv',
    content: calls('1000,T1,S1,0.1.1,rpc,MS_1,P1,i,MS_2,P2,-2.0'),
    skip: 'duplicate-call',
  },
  {
    name: 'rt not a number',
    format: 'alibaba-2022',
    file: 'c.csv',
    content: calls('1000,T5,S1,0.1.1,rpc,MS_1,P1,i,MS_2,P2,slow'),
    skip: 'bad-number',
  },
  {
    name: 'self call',
    format: 'alibaba-2022',
    file: 'c.csv',
    content: calls('1000,T6,S1,0.1.1,rpc,MS_1,P1,i,MS_1,P1,1'),
    skip: 'self-call',
  },
  {
    name: 'span ending before it starts',
    format: 'pod-csv',
    file: 's.csv',
    content:
      'TraceID,SpanID,ParentID,PodName,OperationName,StartTimeUnixNano,EndTimeUnixNano,Duration\nt,a,root,web-6d4b75cb6d-abcde,op,1704067202000000000,1704067201000000000,1\nt,b,root,web-6d4b75cb6d-abcde,op,1704067201000000000,1704067202000000000,1\n',
    skip: 'bad-timestamp',
  },
  {
    name: 'span whose parent is missing',
    format: 'pod-csv',
    file: 's.csv',
    content:
      'TraceID,SpanID,ParentID,PodName,OperationName,StartTimeUnixNano,EndTimeUnixNano,Duration\nt,a,root,web-6d4b75cb6d-abcde,op,1704067201000000000,1704067202000000000,1\nt,b,zzz,db-0,op,1704067201000000000,1704067202000000000,1\n',
    skip: 'orphan-span',
  },
  { name: 'empty file', format: 'pod-csv', file: 'p.csv', content: '', error: /file is empty/, line: 1 },
  { name: 'header only', format: 'long-csv', file: 'l.csv', content: `${LONG}\n`, error: /no usable rows/ },
  {
    name: 'missing required column',
    format: 'pod-csv',
    file: 'p.csv',
    content: 'Time,TimeStamp,CpuUsage(m)\nx,1,1\n',
    error: /not a pod-csv file/,
    line: 1,
  },
  {
    name: 'missing mapped column',
    format: 'alibaba-2022',
    file: 'c.csv',
    content: 'timestamp,traceid,um,dm,rt\n1,T,a,b,1\n',
    error: /missing required column rpc/,
    line: 1,
  },
  {
    name: 'no metric column in a long CSV',
    format: 'long-csv',
    file: 'l.csv',
    content: 'timestamp,service,colour\n0,a,red\n',
    error: /no metric column/,
    line: 1,
  },
  {
    name: 'binary file',
    format: 'long-csv',
    file: 'l.csv',
    content: Buffer.from([0x74, 0x73, 0x0a, 0x00, 0x01, 0x02, 0xff]),
    error: /binary/,
    line: 2,
  },
  {
    name: 'Latin-1 text',
    format: 'long-csv',
    file: 'l.csv',
    content: Buffer.concat([Buffer.from(`${LONG}\n0,a,1\n0,caf`), Buffer.from([0xe9]), Buffer.from(',1\n')]),
    error: /not valid UTF-8/,
    line: 3,
  },
  {
    name: 'UTF-16 file',
    format: 'long-csv',
    file: 'l.csv',
    content: Buffer.from(`\ufeff${LONG}\n0,a,1\n`, 'utf16le'),
    error: /NUL bytes|UTF-8/,
    line: 1,
  },
  {
    name: 'unclosed quote',
    format: 'long-csv',
    file: 'l.csv',
    content: `${LONG}\n0,a,1\n30,"a,1\n`,
    error: /not valid CSV/,
    line: 3,
  },
  {
    name: 'corrupt gzip',
    format: 'long-csv',
    file: 'l.csv.gz',
    content: Buffer.concat([gzipSync(longCsv()).subarray(0, 12), Buffer.from('garbage')]),
    error: /gzip/,
  },
  {
    name: 'fault list that is not JSON',
    format: 'pod-csv',
    file: 'faults.json',
    content: '{"03": [',
    error: /not a JSON fault list/,
  },
];

for (const entry of cases) {
  test(`malformed: ${entry.name}`, async () => {
    const dir = writeInputs({
      [entry.file]: entry.content,
      ...(entry.file === 'p.csv' || entry.format !== 'pod-csv' ? {} : { 'p.csv': pods() }),
    });
    const path = join(dir, entry.file);
    const paths = entry.format === 'pod-csv' && entry.file !== 'p.csv' ? [path, join(dir, 'p.csv')] : [path];
    if (entry.skip !== undefined) {
      const result = await runImport({ format: entry.format, paths });
      assert.ok(
        (result.skipped[entry.skip] ?? 0) >= 1,
        `expected a ${entry.skip} skip, got ${JSON.stringify(result.skipped)}`,
      );
      const example = result.skipExamples.find((item) => item.reason === entry.skip);
      assert.equal(example?.file, path);
      assert.ok((example?.line ?? 0) >= 2);
      // --strict turns the same row into a DataError naming the file and line.
      await assert.rejects(runImport({ format: entry.format, paths, strict: true }), (error: unknown) => {
        assert.ok(error instanceof DataError, String(error));
        assert.equal(error.file, path);
        assert.equal(error.line, example?.line);
        return true;
      });
      return;
    }
    await assert.rejects(runImport({ format: entry.format, paths }), (error: unknown) => {
      assert.ok(error instanceof DataError, String(error));
      assert.match(error.message, entry.error ?? /./);
      assert.equal(error.file, path);
      if (entry.line !== undefined) assert.equal(error.line, entry.line);
      return true;
    });
  });
}

test('usage errors come before any I/O', async () => {
  await assert.rejects(runImport({ format: 'long-csv', paths: ['/nonexistent/x.csv'] }), UsageError);
  await assert.rejects(runImport({ format: 'long-csv', paths: ['x.csv'], top: 0 }), UsageError);
  await assert.rejects(
    runImport({ format: 'long-csv', paths: ['x.csv'], columns: { nonsense: 'a' } }),
    UsageError,
  );
});
