// Reads the RPC family of a call from span tags/attributes, using OpenTelemetry semantic conventions first and
// the older OpenTracing ones (what DeathStarBench's Jaeger clients write) second.

import type { SpanKind } from './span-model.js';

const RPC_COMPONENTS = new Set(['grpc', 'thrift', 'http', 'net/http', 'dubbo']);

/** `tag` returns a tag's value as text, or undefined when the span lacks it. */
export function inferRpcType(tag: (key: string) => string | undefined): string | null {
  const rpcSystem = tag('rpc.system');
  if (rpcSystem !== undefined && rpcSystem !== '') return rpcSystem.toLowerCase();
  const messaging = tag('messaging.system');
  if (messaging !== undefined && messaging !== '') return messaging.toLowerCase();
  const db = tag('db.system') ?? tag('db.type');
  if (db !== undefined && db !== '') return db.toLowerCase();
  if (['http.method', 'http.request.method', 'http.url', 'url.full'].some((key) => tag(key) !== undefined)) {
    return 'http';
  }
  const component = tag('component')?.toLowerCase();
  if (component !== undefined && RPC_COMPONENTS.has(component))
    return component === 'net/http' ? 'http' : component;
  return null;
}

const KIND_NAMES: Record<string, SpanKind> = {
  server: 'server',
  client: 'client',
  producer: 'producer',
  consumer: 'consumer',
  internal: 'internal',
};

/** OTLP kinds come as enum numbers (1..5) or names (SPAN_KIND_SERVER); Jaeger v1 as the `span.kind` tag. */
export function parseSpanKind(value: unknown): SpanKind {
  if (typeof value === 'number') {
    return (
      (['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const)[value] ??
      'unspecified'
    );
  }
  if (typeof value !== 'string') return 'unspecified';
  return KIND_NAMES[value.toLowerCase().replace(/^span_kind_/, '')] ?? 'unspecified';
}
