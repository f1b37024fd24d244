// Parsers and call-graph extraction on real captured Jaeger answers and UI files. Expected edges were derived
// by hand from the fixture files (span → parent span → their processes' serviceName), not by running the code.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DataError } from '../../src/core/errors.js';
import { extractCallGraph, serviceIdsByName } from '../../src/trace/call-graph-extraction.js';
import type { Trace } from '../../src/trace/span-model.js';
import { parseTraceDocument, readTraceFile } from '../../src/trace/trace-file.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/jaeger/${name}`, import.meta.url));

/** Edges as "um>dm" with rt_ms, in row order. */
function edges(traces: Trace[], services: string[]) {
  const { rows, stats } = extractCallGraph(traces, {
    startTime: new Date(0),
    stepSeconds: 30,
    serviceIds: serviceIdsByName(services),
  });
  return { pairs: rows.map((row) => [`${row.um}>${row.dm}`, row.rtMs, row.rpcType]), rows, stats };
}

describe('Jaeger v1 JSON fixtures', () => {
  it('DeathStarBench social network /api/traces answer: two home-timeline traces', async () => {
    const traces = await readTraceFile(fixture('dsb-socialnetwork-home-timeline.api-traces.json'));
    assert.deepEqual(
      traces.map((t) => [t.traceId, t.spans.length]),
      [
        ['0db1191b4e3bb3a0', 7],
        ['0c7996e1fdf4f54c', 6],
      ],
    );
    const { pairs, rows, stats } = edges(traces, [
      'home-timeline-service',
      'nginx-web-server',
      'post-storage-service',
    ]);
    // Trace 0db1…: aa833c45 (home-timeline) under be30b0e6 (nginx), 1359 µs; 4b4cff74 (post-storage) under
    // aa833c45 (home-timeline), 933 µs. Trace 0c79…: d918f7a0 (home-timeline) under 6fc286da (nginx), 351 µs;
    // 387f09aa (post-storage) under d918f7a0, 9 µs. Every other parent link stays inside one service.
    assert.deepEqual(pairs, [
      ['nginx-web-server>home-timeline-service', 1.359, 'rpc'],
      ['home-timeline-service>post-storage-service', 0.933, 'rpc'],
      ['nginx-web-server>home-timeline-service', 0.351, 'rpc'],
      ['home-timeline-service>post-storage-service', 0.009, 'rpc'],
    ]);
    // ms_id by sorted name: home-timeline-service 0, nginx-web-server 1, post-storage-service 2.
    assert.deepEqual(
      rows.map((r) => [r.traceId, r.umId, r.dmId]),
      [
        ['0db1191b4e3bb3a0', 1, 0],
        ['0db1191b4e3bb3a0', 0, 2],
        ['0c7996e1fdf4f54c', 1, 0],
        ['0c7996e1fdf4f54c', 0, 2],
      ],
    );
    assert.deepEqual(stats, {
      spans: 13,
      traces: 2,
      orphans: 0,
      duplicates: 0,
      skewed: 0,
      roots: 2,
      followsFrom: 0,
      outOfWindow: 0,
      unknownServices: [],
      unknownServiceEdges: 0,
    });
  });

  it('DeathStarBench steps: 1713382467.579 s and 1713382468.245 s from a start of 1713382440 s at 10 s steps', async () => {
    const traces = await readTraceFile(fixture('dsb-socialnetwork-home-timeline.api-traces.json'));
    const { rows } = extractCallGraph(traces, {
      startTime: new Date(1713382440_000),
      stepSeconds: 10,
      serviceIds: serviceIdsByName(['home-timeline-service', 'nginx-web-server', 'post-storage-service']),
    });
    // 27.58 s and 28.25 s after the start → step 2 at 10 s steps.
    assert.deepEqual(
      rows.map((r) => r.timestamp),
      [2, 2, 2, 2],
    );
  });

  it('CRISP test case 15: one root in S1 calling S2..S7', async () => {
    const { pairs, stats } = edges(await readTraceFile(fixture('crisp-15.json')), [
      'S1',
      'S2',
      'S3',
      'S4',
      'S5',
      'S6',
      'S7',
    ]);
    assert.deepEqual(pairs, [
      ['S1>S2', 0.01, 'rpc'],
      ['S1>S3', 0.01, 'rpc'],
      ['S1>S4', 0.01, 'rpc'],
      ['S1>S5', 0.01, 'rpc'],
      ['S1>S6', 0.01, 'rpc'],
      ['S1>S7', 0.015, 'rpc'],
    ]);
    assert.equal(stats.spans, 7);
  });

  it('CRISP test case 18: two-level fan-out S1→S2→{S3,S4,S5}, S1→S6→S7→{S8,S9}', async () => {
    const services = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9'];
    const { pairs } = edges(await readTraceFile(fixture('crisp-18.json')), services);
    assert.deepEqual(pairs, [
      ['S1>S2', 0.1, 'rpc'],
      ['S2>S3', 0.01, 'rpc'],
      ['S2>S4', 0.01, 'rpc'],
      ['S2>S5', 0.01, 'rpc'],
      ['S1>S6', 0.1, 'rpc'],
      ['S6>S7', 0.06, 'rpc'],
      ['S7>S8', 0.02, 'rpc'],
      ['S7>S9', 0.01, 'rpc'],
    ]);
  });

  it('CRISP err_pattern1/err1: S1→S2', async () => {
    const { pairs } = edges(await readTraceFile(fixture('crisp-err_pattern1-err1.json')), ['S1', 'S2']);
    assert.deepEqual(pairs, [['S1>S2', 0.03, 'rpc']]);
  });

  it("Jaeger's ui_01 (a bare trace object): duplicate span, cross-trace reference, CHILD_OF + FOLLOWS_FROM", async () => {
    const traces = await readTraceFile(fixture('jaeger-repo-ui_01.json'));
    // Span 4 refers to span ff of trace ff (another trace: a link) and to span 2 by CHILD_OF and FOLLOWS_FROM:
    // its parent is span 2 by CHILD_OF. Span 5 is CHILD_OF span 4, both service-y.
    const span4 = traces[0]?.spans.find((s) => s.spanId === '0000000000000004');
    assert.deepEqual([span4?.parentSpanId, span4?.relation], ['0000000000000002', 'CHILD_OF']);
    const { pairs, stats } = edges(traces, ['service-x', 'service-y']);
    assert.deepEqual(pairs, [
      ['service-x>service-y', 0.005, 'rpc'],
      ['service-x>service-y', 0.005, 'rpc'],
    ]);
    assert.deepEqual([stats.spans, stats.duplicates, stats.roots, stats.orphans], [4, 1, 1, 0]);
  });

  it('Jaeger UI otlp2jaeger-out ({data:[…]}): the same span twice, its parent absent → 1 span, 1 duplicate, 1 orphan', async () => {
    const { pairs, stats } = edges(await readTraceFile(fixture('jaeger-ui-otlp2jaeger-out.json')), [
      'telemetrygen',
    ]);
    assert.deepEqual(pairs, []);
    assert.deepEqual([stats.traces, stats.spans, stats.duplicates, stats.orphans], [1, 1, 1, 1]);
  });

  it('reads the bare-array shape the Jaeger UI downloads', async () => {
    const body = JSON.parse(await readFile(fixture('crisp-18.json'), 'utf8')) as { data: unknown[] };
    const traces = parseTraceDocument(body.data, 'bare-array');
    assert.equal(traces[0]?.spans.length, 9);
  });
});

describe('OTLP JSON fixtures', () => {
  it('Jaeger UI otlp2jaeger-in: parses to the same spans as its Jaeger-JSON conversion', async () => {
    const otlp = await readTraceFile(fixture('jaeger-ui-otlp2jaeger-in.json'));
    const v1 = await readTraceFile(fixture('jaeger-ui-otlp2jaeger-out.json'));
    const pick = (t: Trace[]) =>
      t.flatMap((x) =>
        x.spans.map((s) => [s.traceId, s.spanId, s.parentSpanId, s.service, s.startUs, s.durationUs, s.kind]),
      );
    // kind 2 = SPAN_KIND_SERVER; the v1 side says span.kind=server. 1706678909209712000 ns → …712 µs, 123 µs long.
    assert.deepEqual(pick(otlp), [
      [
        '83a9efd15c1c98a977e0711cc93ee28b',
        'e127af99e3b3e074',
        '909541b92cf05311',
        'telemetrygen',
        1706678909209712,
        123,
        'server',
      ],
      [
        '83a9efd15c1c98a977e0711cc93ee28b',
        'e127af99e3b3e074',
        '909541b92cf05311',
        'telemetrygen',
        1706678909209712,
        123,
        'server',
      ],
    ]);
    assert.deepEqual(pick(otlp), pick(v1));
  });

  it("Jaeger's /api/v3/traces snapshot ({result:{resourceSpans}}): one root span, no service name", async () => {
    const traces = await readTraceFile(fixture('jaeger-apiv3-FindTraces.json'));
    assert.equal(traces.length, 1);
    const span = traces[0]?.spans[0];
    assert.deepEqual(
      [span?.traceId, span?.spanId, span?.parentSpanId, span?.service, span?.kind, span?.durationUs],
      ['000000000000009600000000000000a0', '00000000000000b4', null, 'unknown', 'server', 0],
    );
  });
});

describe('unrecognised documents', () => {
  for (const [name, body] of [
    ['an object without data or resourceSpans', { foo: 1 }],
    ['a number', 42],
    [
      'a span missing its id',
      { data: [{ traceID: 'a', spans: [{ traceID: 'a', startTime: 1 }], processes: {} }] },
    ],
  ] as const) {
    it(`rejects ${name} with a DataError naming the source`, () => {
      assert.throws(
        () => parseTraceDocument(body, 'upload.json'),
        (error: unknown) => {
          assert.ok(error instanceof DataError);
          assert.match(error.message, /upload\.json/);
          return true;
        },
      );
    });
  }
});
