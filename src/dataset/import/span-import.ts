// A span CSV (TraceID, SpanID, ParentID — 'root' for roots —, PodName, OperationName, StartTimeUnixNano,
// EndTimeUnixNano). A span whose parent ran in another service is a call parent service → own service, its
// response time the child span's duration. Root spans are the requests that entered the system.
// A file's spans are held until its end, because a child may come before its parent.
import type { ColumnSpec } from './column-map.js';
import { resolveColumns } from './column-map.js';
import type { CsvRow } from './csv-file-reader.js';
import { cellOf, checkWidth, type ImportContext } from './import-context.js';
import type { RowAt } from './import-issues.js';
import { serviceOfPod } from './pod-names.js';

export const SPAN_COLUMNS: readonly ColumnSpec[] = [
  { key: 'trace', names: ['TraceID', 'trace_id'], required: true },
  { key: 'span', names: ['SpanID', 'span_id'], required: true },
  { key: 'parent', names: ['ParentID', 'parent_id', 'ParentSpanID'], required: true },
  { key: 'pod', names: ['PodName', 'pod'], required: true },
  { key: 'start', names: ['StartTimeUnixNano'], required: true },
  { key: 'end', names: ['EndTimeUnixNano'], required: true },
];

interface Span {
  service: string;
  parent: string;
  /** Start in seconds since the epoch. */
  start: number;
  durationMs: number;
  at: RowAt;
}

const ROOT_PARENTS = new Set(['root', '', '0']);
const NS_PER_MS = 1_000_000n;

/** Nanoseconds since the epoch as text → [seconds, ms duration]; BigInt keeps the ns exact. */
function spanTimes(startText: string, endText: string): { start: number; durationMs: number } | string {
  if (!/^\d+$/.test(startText) || !/^\d+$/.test(endText)) return 'start/end are not integer nanoseconds';
  const start = BigInt(startText);
  const end = BigInt(endText);
  if (end < start) return `the span ends (${endText}) before it starts (${startText})`;
  const micros = (end - start) / 1000n;
  return {
    start: Number(start / NS_PER_MS) / 1000,
    durationMs: Number(micros) / 1000,
  };
}

export async function readSpans(
  file: string,
  header: CsvRow,
  rows: AsyncIterable<CsvRow>,
  ctx: ImportContext,
): Promise<void> {
  const columns = resolveColumns(header, SPAN_COLUMNS, ctx.columns, file);
  const spans = new Map<string, Span>();
  for await (const row of rows) {
    if (!checkWidth(ctx, row, header, file)) continue;
    const at = { file, line: row.line };
    const id = cellOf(row, columns, 'span').trim();
    const pod = cellOf(row, columns, 'pod').trim();
    if (id === '' || pod === '') {
      ctx.issues.skip('missing-service', at, 'the span id or pod name is empty');
      continue;
    }
    const times = spanTimes(cellOf(row, columns, 'start').trim(), cellOf(row, columns, 'end').trim());
    if (typeof times === 'string') {
      ctx.issues.skip('bad-timestamp', at, times);
      continue;
    }
    if (spans.has(id)) {
      ctx.issues.skip('duplicate-span', at, `span ${id} was already read`);
      continue;
    }
    spans.set(id, {
      service: serviceOfPod(pod),
      parent: cellOf(row, columns, 'parent').trim(),
      ...times,
      at,
    });
  }
  const calls = ctx.calls;
  if (calls === undefined) return;
  for (const span of spans.values()) {
    if (ROOT_PARENTS.has(span.parent)) {
      calls.addRequest(span.start, span.durationMs);
      continue;
    }
    const parent = spans.get(span.parent);
    if (parent === undefined) {
      ctx.issues.skip('orphan-span', span.at, `parent span ${span.parent} is not in the file`);
    } else if (parent.service !== span.service) {
      calls.addCall(span.start, parent.service, span.service, 'rpc', span.durationMs);
    }
  }
}
