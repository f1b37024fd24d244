// One span model for every source (Jaeger v1 JSON, OTLP JSON from API v3, files exported from the Jaeger UI),
// so call-graph extraction does not care where spans came from.

export type SpanKind = 'server' | 'client' | 'producer' | 'consumer' | 'internal' | 'unspecified';

/** How a span hangs off its parent: OpenTracing's reference types; OTLP parents are CHILD_OF. */
export type ParentRelation = 'CHILD_OF' | 'FOLLOWS_FROM';

export interface Span {
  /** Lower-case hex. */
  traceId: string;
  spanId: string;
  /** The parent in the same trace, or null for a root. References to other traces are links, not parents. */
  parentSpanId: string | null;
  relation: ParentRelation | null;
  service: string;
  operation: string;
  /** Microseconds since the epoch (fractional when the source had nanoseconds). */
  startUs: number;
  durationUs: number;
  kind: SpanKind;
  /** RPC family read from the span's tags ('grpc', 'thrift', 'http', …), null when the tags do not say. */
  rpcType: string | null;
}

export interface Trace {
  traceId: string;
  spans: Span[];
}

/** Groups spans by trace id, keeping first-seen order of traces and spans. */
export function groupByTrace(spans: Iterable<Span>): Trace[] {
  const traces = new Map<string, Span[]>();
  for (const span of spans) {
    const list = traces.get(span.traceId);
    if (list === undefined) traces.set(span.traceId, [span]);
    else list.push(span);
  }
  return [...traces].map(([traceId, list]) => ({ traceId, spans: list }));
}
