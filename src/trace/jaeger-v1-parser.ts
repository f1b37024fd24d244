// Parses Jaeger's legacy JSON (the query API's /api/traces body and files saved from the Jaeger UI) into spans.
// Accepted shapes: the API envelope {data:[trace…]}, a bare array of traces, and a single trace object.

import { DataError } from '../core/errors.js';
import { arrayOf, isRecord, numberOf, stringOf, type JsonRecord } from './json-shape.js';
import { inferRpcType, parseSpanKind } from './rpc-type.js';
import type { ParentRelation, Span, Trace } from './span-model.js';

export function isJaegerV1Document(json: unknown): boolean {
  if (Array.isArray(json)) return json.length === 0 || (isRecord(json[0]) && 'spans' in json[0]);
  return isRecord(json) && (Array.isArray(json['data']) || Array.isArray(json['spans']));
}

/** `source` names the file or URL in errors. */
export function parseJaegerV1Traces(json: unknown, source: string): Trace[] {
  const traces = Array.isArray(json)
    ? json
    : isRecord(json) && Array.isArray(json['data'])
      ? json['data']
      : isRecord(json) && Array.isArray(json['spans'])
        ? [json]
        : undefined;
  if (traces === undefined) {
    throw new DataError(
      'not a Jaeger trace document: expected {data:[…]}, an array of traces or a trace',
      {
        file: source,
      },
      { suggestion: 'Save traces from the Jaeger UI ("Download Results") or from /api/traces.' },
    );
  }
  return traces.map((trace, index) => parseTrace(trace, `${source} data[${index}]`));
}

function parseTrace(trace: unknown, where: string): Trace {
  if (!isRecord(trace)) throw new DataError('trace is not an object', { file: where });
  const processes = isRecord(trace['processes']) ? trace['processes'] : {};
  const spans = arrayOf(trace['spans']).map((span, index) =>
    parseSpan(span, processes, `${where}.spans[${index}]`),
  );
  const traceId = stringOf(trace['traceID'])?.toLowerCase() ?? spans[0]?.traceId ?? '';
  return { traceId, spans };
}

function parseSpan(span: unknown, processes: JsonRecord, where: string): Span {
  if (!isRecord(span)) throw new DataError('span is not an object', { file: where });
  const traceId = stringOf(span['traceID'])?.toLowerCase();
  const spanId = stringOf(span['spanID'])?.toLowerCase();
  const startUs = numberOf(span['startTime']);
  if (traceId === undefined || spanId === undefined || startUs === undefined) {
    throw new DataError('span lacks traceID, spanID or startTime', { file: where });
  }
  const tags = tagReader(span['tags']);
  const parent = parentOf(span, traceId);
  return {
    traceId,
    spanId,
    parentSpanId: parent?.spanId ?? null,
    relation: parent?.relation ?? null,
    service: serviceOf(span, processes) ?? 'unknown',
    operation: stringOf(span['operationName']) ?? '',
    startUs,
    durationUs: numberOf(span['duration']) ?? 0,
    kind: parseSpanKind(tags('span.kind')),
    rpcType: inferRpcType(tags),
  };
}

function serviceOf(span: JsonRecord, processes: JsonRecord): string | undefined {
  // Jaeger's own JSON points at a shared process table; older exports embed the process in each span.
  const embedded = span['process'];
  const processId = stringOf(span['processID']);
  const process = isRecord(embedded) ? embedded : processId === undefined ? undefined : processes[processId];
  return isRecord(process) ? stringOf(process['serviceName']) : undefined;
}

/**
 * The parent is the first CHILD_OF reference inside the same trace, else the first FOLLOWS_FROM one. A
 * reference into another trace is a link (batch fan-in), not a parent, so such a span is a root here.
 */
function parentOf(
  span: JsonRecord,
  traceId: string,
): { spanId: string; relation: ParentRelation } | undefined {
  const refs = arrayOf(span['references']).filter(isRecord);
  const sameTrace = refs.filter((ref) => (stringOf(ref['traceID'])?.toLowerCase() ?? traceId) === traceId);
  for (const relation of ['CHILD_OF', 'FOLLOWS_FROM'] as const) {
    const ref = sameTrace.find((candidate) => candidate['refType'] === relation);
    const spanId = stringOf(ref?.['spanID']);
    if (spanId !== undefined) return { spanId: spanId.toLowerCase(), relation };
  }
  // Very old Jaeger JSON carried the parent as a field; "0" meant none.
  const legacy = stringOf(span['parentSpanID']);
  if (refs.length === 0 && legacy !== undefined && !/^0*$/.test(legacy)) {
    return { spanId: legacy.toLowerCase(), relation: 'CHILD_OF' };
  }
  return undefined;
}

function tagReader(tags: unknown): (key: string) => string | undefined {
  const values = new Map<string, string>();
  for (const tag of arrayOf(tags)) {
    if (!isRecord(tag)) continue;
    const key = stringOf(tag['key']);
    const value = tag['value'];
    if (key !== undefined && value !== undefined && value !== null) values.set(key, String(value));
  }
  return (key) => values.get(key);
}
