import { after } from 'node:test';
// A local Jaeger query stand-in on 127.0.0.1: legacy JSON API and/or API v3, answering in the exact shapes of
// the real server (v1 {data,total,limit,offset,errors}; v3 {result:{resourceSpans}} and its 404 "No traces
// found"), with faults (status codes, delays) injected per request.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface V1Span {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }[];
  startTime: number;
  duration: number;
  tags: { key: string; type: string; value: string | number | boolean }[];
  logs: unknown[];
  processID: string;
  warnings: null;
}

export interface V1Trace {
  traceID: string;
  spans: V1Span[];
  processes: Record<string, { serviceName: string; tags: unknown[] }>;
  warnings: null;
}

export interface RecordedRequest {
  path: string;
  params: URLSearchParams;
  authorization: string | undefined;
}

export type Fault = { status: number; body: string; contentType?: string } | { delayMs: number };

export interface FakeJaegerOptions {
  traces: V1Trace[];
  apis: ('v1' | 'v3')[];
  /** Called for every request (index counts from 0); a Fault replaces or delays the normal answer. */
  fault?: (request: RecordedRequest, index: number) => Fault | undefined;
}

export interface FakeJaeger {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startFakeJaeger(options: FakeJaegerOptions): Promise<FakeJaeger> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const request = {
      path: url.pathname,
      params: url.searchParams,
      authorization: req.headers.authorization,
    };
    requests.push(request);
    const fault = options.fault?.(request, requests.length - 1);
    if (fault !== undefined && 'delayMs' in fault) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer(options, req, res, url);
      }, fault.delayMs);
      timers.add(timer);
      return;
    }
    if (fault !== undefined) {
      res
        .writeHead(fault.status, { 'Content-Type': fault.contentType ?? 'application/json' })
        .end(fault.body);
      return;
    }
    answer(options, req, res, url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(options: FakeJaegerOptions, _req: IncomingMessage, res: ServerResponse, url: URL): void {
  const q = url.searchParams;
  const json = (status: number, body: unknown) =>
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  const services = [
    ...new Set(options.traces.flatMap((t) => Object.values(t.processes).map((p) => p.serviceName))),
  ];
  if (options.apis.includes('v1') && url.pathname === '/api/services') {
    json(200, { data: services, total: services.length, limit: 0, offset: 0, errors: null });
  } else if (options.apis.includes('v1') && url.pathname === '/api/traces') {
    const found = search(
      options.traces,
      q.get('service') ?? '',
      Number(q.get('start')),
      Number(q.get('end')),
    );
    const limited = found.slice(0, Number(q.get('limit') ?? '20'));
    json(200, { data: limited, total: limited.length, limit: 0, offset: 0, errors: null });
  } else if (options.apis.includes('v3') && url.pathname === '/api/v3/services') {
    json(200, { services });
  } else if (options.apis.includes('v3') && url.pathname === '/api/v3/traces') {
    // grpc-gateway accepts the proto field names and their camelCase JSON names.
    const param = (snake: string, camel: string) => q.get(snake) ?? q.get(camel);
    const min = param('query.start_time_min', 'query.startTimeMin');
    const max = param('query.start_time_max', 'query.startTimeMax');
    if (min === null || max === null) {
      const error = {
        error: { httpCode: 400, message: 'query.start_time_min and query.start_time_max are required' },
      };
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${JSON.stringify(error)}\n`);
      return;
    }
    const found = search(
      options.traces,
      param('query.service_name', 'query.serviceName') ?? '',
      rfc3339ToMicros(min),
      rfc3339ToMicros(max),
    ).slice(0, Number(param('query.num_traces', 'query.numTraces') ?? '20'));
    if (found.length === 0) {
      const error = { error: { httpCode: 404, message: 'No traces found' } };
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${JSON.stringify(error)}\n`);
      return;
    }
    json(200, { result: { resourceSpans: found.flatMap(toOtlpResourceSpans) } });
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
  }
}

/** Like Jaeger: traces having a span of `service` that starts within [startUs, endUs] (inclusive). */
function search(traces: V1Trace[], service: string, startUs: number, endUs: number): V1Trace[] {
  return traces.filter((trace) =>
    trace.spans.some(
      (span) =>
        trace.processes[span.processID]?.serviceName === service &&
        span.startTime >= startUs &&
        span.startTime <= endUs,
    ),
  );
}

function rfc3339ToMicros(text: string): number {
  const match = /\.(\d+)Z$/.exec(text);
  const fraction = (match?.[1] ?? '').padEnd(6, '0').slice(0, 6);
  return Date.parse(text.replace(/\.\d+Z$/, 'Z')) * 1000 + Number(fraction);
}

/** The OTLP JSON Jaeger v2's /api/v3/traces writes for a trace: one resourceSpans entry per service. */
function toOtlpResourceSpans(trace: V1Trace): unknown[] {
  return Object.entries(trace.processes).map(([processId, process]) => ({
    resource: { attributes: [{ key: 'service.name', value: { stringValue: process.serviceName } }] },
    scopeSpans: [
      {
        scope: {},
        spans: trace.spans
          .filter((span) => span.processID === processId)
          .map((span) => ({
            traceId: span.traceID,
            spanId: span.spanID,
            parentSpanId: span.references[0]?.spanID ?? '',
            name: span.operationName,
            kind: 2,
            startTimeUnixNano: String(BigInt(span.startTime) * 1000n),
            endTimeUnixNano: String(BigInt(span.startTime + span.duration) * 1000n),
            attributes: span.tags.map((tag) => ({ key: tag.key, value: { stringValue: String(tag.value) } })),
            status: {},
          })),
      },
    ],
  }));
}

export interface SyntheticCall {
  um: string;
  dm: string;
  rpcType: string;
  rtUs: number;
}

/**
 * Builds a trace in Jaeger's v1 shape from its calls in order: the root span is the first caller's, and each
 * call's server span hangs under the latest span of its caller. Extraction must give the calls back.
 */
export function v1TraceOf(traceId: string, startUs: number, calls: SyntheticCall[]): V1Trace {
  const processes: V1Trace['processes'] = {};
  const processOf = (service: string) => {
    const existing = Object.entries(processes).find(([, p]) => p.serviceName === service)?.[0];
    if (existing !== undefined) return existing;
    const id = `p${Object.keys(processes).length + 1}`;
    processes[id] = { serviceName: service, tags: [] };
    return id;
  };
  const span = (
    index: number,
    service: string,
    parent: string | undefined,
    offset: number,
    duration: number,
    tags: V1Span['tags'],
  ): V1Span => ({
    traceID: traceId,
    spanID: `${traceId.slice(0, 8)}${String(index).padStart(8, '0')}`,
    operationName: `op-${service}`,
    references: parent === undefined ? [] : [{ refType: 'CHILD_OF', traceID: traceId, spanID: parent }],
    startTime: startUs + offset,
    duration,
    tags,
    logs: [],
    processID: processOf(service),
    warnings: null,
  });
  const root = span(0, calls[0]?.um ?? 'frontend', undefined, 0, 100_000, [
    { key: 'span.kind', type: 'string', value: 'server' },
  ]);
  const spans = [root];
  const latest = new Map<string, string>([[calls[0]?.um ?? 'frontend', root.spanID]]);
  calls.forEach((call, i) => {
    const child = span(i + 1, call.dm, latest.get(call.um), 10 * (i + 1), call.rtUs, [
      { key: 'span.kind', type: 'string', value: 'server' },
      { key: 'rpc.system', type: 'string', value: call.rpcType },
    ]);
    spans.push(child);
    latest.set(call.dm, child.spanID);
  });
  return { traceID: traceId, spans, processes, warnings: null };
}

/**
 * A `serve` that starts fake Jaegers for one test file and closes them all after its tests, and the fast
 * retry settings the client tests share.
 */
export function fakeJaegerPool(): (...args: Parameters<typeof startFakeJaeger>) => Promise<FakeJaeger> {
  const servers: FakeJaeger[] = [];
  after(() => Promise.all(servers.map((s) => s.close())));
  return async (...args) => {
    const server = await startFakeJaeger(...args);
    servers.push(server);
    return server;
  };
}

export const FAST_RETRIES = { retryMinDelayMs: 1, retryMaxDelayMs: 5, timeoutMs: 2000 };
