// Parses OTLP JSON traces (Jaeger API v3 answers, OTLP exports) into spans. Accepted shapes: {result:{…}} (the
// grpc-gateway wrapper), a bare TracesData {resourceSpans:[…]}, and the snake_case spelling resource_spans.

import { DataError } from '../core/errors.js';
import { arrayOf, isRecord, stringOf, type JsonRecord } from './json-shape.js';
import { inferRpcType, parseSpanKind } from './rpc-type.js';
import { groupByTrace, type Span, type Trace } from './span-model.js';

export function isOtlpDocument(json: unknown): boolean {
  return resourceSpansOf(json) !== undefined;
}

export function parseOtlpTraces(json: unknown, source: string): Trace[] {
  const resourceSpans = resourceSpansOf(json);
  if (resourceSpans === undefined) {
    throw new DataError('not an OTLP JSON trace document: expected {resourceSpans:[…]} or {result:{…}}', {
      file: source,
    });
  }
  const spans: Span[] = [];
  resourceSpans.forEach((resource, r) => {
    if (!isRecord(resource)) return;
    const resourceAttrs = attributeReader(
      isRecord(resource['resource']) ? resource['resource']['attributes'] : [],
    );
    const service = resourceAttrs('service.name') ?? 'unknown';
    const scopes = arrayOf(
      resource['scopeSpans'] ?? resource['scope_spans'] ?? resource['instrumentationLibrarySpans'],
    );
    scopes.forEach((scope, s) => {
      if (!isRecord(scope)) return;
      arrayOf(scope['spans']).forEach((span, i) => {
        spans.push(parseSpan(span, service, `${source} resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`));
      });
    });
  });
  return groupByTrace(spans);
}

function resourceSpansOf(json: unknown): unknown[] | undefined {
  const body = isRecord(json) && isRecord(json['result']) ? json['result'] : json;
  if (!isRecord(body)) return undefined;
  const list = body['resourceSpans'] ?? body['resource_spans'];
  return Array.isArray(list) ? list : undefined;
}

function parseSpan(span: unknown, service: string, where: string): Span {
  if (!isRecord(span)) throw new DataError('span is not an object', { file: where });
  const traceId = otlpId(span['traceId'] ?? span['trace_id']);
  const spanId = otlpId(span['spanId'] ?? span['span_id']);
  const start = nanos(span['startTimeUnixNano'] ?? span['start_time_unix_nano']);
  const end = nanos(span['endTimeUnixNano'] ?? span['end_time_unix_nano']);
  if (traceId === undefined || spanId === undefined || start === undefined) {
    throw new DataError('span lacks traceId, spanId or startTimeUnixNano', { file: where });
  }
  const parent = otlpId(span['parentSpanId'] ?? span['parent_span_id']);
  const attrs = attributeReader(span['attributes']);
  return {
    traceId,
    spanId,
    parentSpanId: parent === undefined || parent === '' ? null : parent,
    relation: parent === undefined || parent === '' ? null : 'CHILD_OF',
    service,
    operation: stringOf(span['name']) ?? '',
    // Nanosecond epochs exceed 2^53, so the difference is taken in BigInt before converting.
    startUs: Number(start / 1000n) + Number(start % 1000n) / 1000,
    durationUs: end === undefined || end < start ? 0 : Number(end - start) / 1000,
    kind: parseSpanKind(span['kind']),
    rpcType: inferRpcType(attrs),
  };
}

function nanos(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value));
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  return undefined;
}

/** OTLP/JSON ids are hex; protobuf's generic JSON mapping writes bytes as base64, which older gateways did. */
function otlpId(value: unknown): string | undefined {
  const text = stringOf(value);
  if (text === undefined || text === '') return text;
  if (/^[0-9a-fA-F]+$/.test(text) && (text.length === 16 || text.length === 32)) return text.toLowerCase();
  if (/^[A-Za-z0-9+/]+=*$/.test(text)) return Buffer.from(text, 'base64').toString('hex');
  return text.toLowerCase();
}

function attributeReader(attributes: unknown): (key: string) => string | undefined {
  const values = new Map<string, string>();
  for (const attr of arrayOf(attributes)) {
    if (!isRecord(attr)) continue;
    const key = stringOf(attr['key']);
    const text = isRecord(attr['value']) ? anyValueText(attr['value']) : undefined;
    if (key !== undefined && text !== undefined) values.set(key, text);
  }
  return (key) => values.get(key);
}

function anyValueText(value: JsonRecord): string | undefined {
  for (const field of ['stringValue', 'intValue', 'doubleValue', 'boolValue']) {
    const v = value[field];
    if (v !== undefined && v !== null) return String(v);
  }
  return undefined;
}
