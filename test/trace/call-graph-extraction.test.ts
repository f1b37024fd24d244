// Extraction rules on small hand-made traces: one irregularity per case.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractCallGraph, serviceIdsByName } from '../../src/trace/call-graph-extraction.js';
import type { Span } from '../../src/trace/span-model.js';

const T0 = 1_700_000_000_000_000; // µs

function span(
  spanId: string,
  service: string,
  parent: string | null,
  startUs: number,
  extra: Partial<Span> = {},
): Span {
  return {
    traceId: 't1',
    spanId,
    parentSpanId: parent,
    relation: parent === null ? null : 'CHILD_OF',
    service,
    operation: 'op',
    startUs: T0 + startUs,
    durationUs: 2000,
    kind: 'server',
    rpcType: null,
    ...extra,
  };
}

const run = (spans: Span[], services = ['a', 'b', 'c'], samples?: number) =>
  extractCallGraph([{ traceId: 't1', spans }], {
    startTime: new Date(T0 / 1000),
    stepSeconds: 30,
    serviceIds: serviceIdsByName(services),
    ...(samples === undefined ? {} : { samples }),
  });

describe('extractCallGraph', () => {
  it('FOLLOWS_FROM is a call edge, counted apart', () => {
    const { rows, stats } = run([
      span('1', 'a', null, 0),
      span('2', 'b', '1', 10, { relation: 'FOLLOWS_FROM' }),
    ]);
    assert.deepEqual(
      rows.map((r) => [r.um, r.dm]),
      [['a', 'b']],
    );
    assert.equal(stats.followsFrom, 1);
  });

  it('a child starting before its parent (clock skew) keeps its edge and is counted', () => {
    const { rows, stats } = run([span('1', 'a', null, 500), span('2', 'b', '1', 100)]);
    assert.equal(rows.length, 1);
    assert.equal(stats.skewed, 1);
  });

  it('several roots each start a subtree; an orphan gives no edge but its children do', () => {
    const { rows, stats } = run([
      span('1', 'a', null, 0),
      span('2', 'b', '1', 10),
      span('3', 'c', null, 20),
      span('4', 'a', '3', 30),
      span('5', 'b', 'missing', 40),
      span('6', 'c', '5', 50),
    ]);
    assert.deepEqual(
      rows.map((r) => `${r.um}>${r.dm}`),
      ['a>b', 'c>a', 'b>c'],
    );
    assert.deepEqual([stats.roots, stats.orphans, stats.spans], [2, 1, 6]);
  });

  it('steps count from the start time; before 0 or past samples is dropped and counted', () => {
    const { rows, stats } = run(
      [
        span('1', 'a', null, -60e6),
        span('2', 'b', '1', -1),
        span('3', 'b', '1', 45e6),
        span('4', 'c', '1', 61e6),
      ],
      ['a', 'b', 'c'],
      2,
    );
    assert.deepEqual(
      rows.map((r) => [r.dm, r.timestamp]),
      [['b', 1]],
    );
    assert.equal(stats.outOfWindow, 2);
  });

  it('services without an ms_id are listed and their edges dropped', () => {
    const { rows, stats } = run(
      [span('1', 'a', null, 0), span('2', 'x', '1', 1), span('3', 'b', '1', 2)],
      ['a', 'b'],
    );
    assert.deepEqual(
      rows.map((r) => [r.um, r.dm, r.umId, r.dmId]),
      [['a', 'b', 0, 1]],
    );
    assert.deepEqual([stats.unknownServices, stats.unknownServiceEdges], [['x'], 1]);
  });

  it("rpc type: the callee's tags, else the caller's client span, else 'rpc'", () => {
    const { rows } = run([
      span('1', 'a', null, 0, { kind: 'client', rpcType: 'grpc' }),
      span('2', 'b', '1', 1),
      span('3', 'c', '1', 2, { rpcType: 'thrift' }),
      span('4', 'c', null, 3, { kind: 'server', rpcType: 'http' }),
      span('5', 'a', '4', 4),
    ]);
    assert.deepEqual(
      rows.map((r) => [r.dm, r.rpcType, r.rtMs]),
      [
        ['b', 'grpc', 2],
        ['c', 'thrift', 2],
        ['a', 'rpc', 2],
      ],
    );
  });
});
