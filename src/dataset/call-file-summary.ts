// Reading ms_callgraph.csv straight into a CallSummary, for runs read without their call rows. A plain file (as
// rescape writes it: no quotes, ASCII) is scanned in place: the eight cells of a line are located by their
// commas, and a line whose cells are what the writer produces (digits for the integers, digits and a point for
// rt_ms, the service names services.csv gives those ids) is counted without a string being cut for anything but
// a new trace id. Any other line goes through the reader's own row parser, so it is accepted or refused exactly
// as when the rows are kept, with the same error (file, line, field). 812k calls: ~0.3 s instead of ~1.1 s.
import type { ServiceRow } from './run-format.js';
import { CallSummariser, type CallSummary } from './call-summary.js';
import { parseCallRow } from './run-rows.js';

export interface CallLineChecks {
  /** Refuses a timestamp beyond the run's steps or going backwards (the reader's rule, its error). */
  checkOrder(timestamp: number, previous: number, line: number): void;
  /** Refuses a line without the 8 cells (the reader's error). */
  checkCells(cells: string[], line: number): void;
}

const ZERO = 48;
const NINE = 57;
const POINT = 46;
/** More digits than this may exceed a safe integer: those lines take the row parser. */
const MAX_INTEGER_DIGITS = 15;

/**
 * `text` is the whole file, its header already checked, known to be plain (no quote, CR or non-ASCII). Also
 * returns the line number of the last record (the header's, 1, when there is none).
 */
export function summariseCallText(
  text: string,
  file: string,
  services: readonly ServiceRow[],
  checks: CallLineChecks,
): { summary: CallSummary; lastLine: number } {
  const summariser = new CallSummariser(services.length);
  const commas = new Int32Array(7);
  const call: ScannedCall = { timestamp: 0, umId: 0, dmId: 0, rtMs: null };
  let previousTimestamp = 0;
  let traceStart = -1;
  let traceEnd = -1;
  let line = 1;
  let start = text.indexOf('\n') + 1;
  if (start === 0) return { summary: summariser.summary(), lastLine: text === '' ? 0 : 1 };
  while (start < text.length) {
    line += 1;
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    if (scanLine(text, start, end, commas, services, call)) {
      checks.checkOrder(call.timestamp, previousTimestamp, line);
      previousTimestamp = call.timestamp;
      summariser.add(call.umId, call.dmId, call.rtMs);
      // A trace's calls are written together: only a change of trace id costs a string.
      const idStart = commas[0]! + 1;
      const idEnd = commas[1]!;
      if (!sameText(text, idStart, idEnd, traceStart, traceEnd)) {
        summariser.trace(text.slice(idStart, idEnd));
        traceStart = idStart;
        traceEnd = idEnd;
      }
    } else {
      const cells = text.slice(start, end).split(',');
      checks.checkCells(cells, line);
      const row = parseCallRow(cells, services, { file, line });
      checks.checkOrder(row.timestamp, previousTimestamp, line);
      previousTimestamp = row.timestamp;
      summariser.add(row.umId, row.dmId, row.rtMs);
      summariser.trace(row.traceId);
      traceStart = -1;
    }
    start = end + 1;
  }
  return { summary: summariser.summary(), lastLine: line };
}

interface ScannedCall {
  timestamp: number;
  umId: number;
  dmId: number;
  rtMs: number | null;
}

/**
 * Fills `call` and `commas` (the 7 commas' offsets in the text) when every cell of the line is in the writer's
 * form; false otherwise.
 */
function scanLine(
  text: string,
  start: number,
  end: number,
  commas: Int32Array,
  services: readonly ServiceRow[],
  call: ScannedCall,
): boolean {
  // indexOf is native and much faster than a loop over the characters.
  let at = start - 1;
  for (let found = 0; found < 7; found += 1) {
    at = text.indexOf(',', at + 1);
    if (at === -1 || at >= end) return false;
    commas[found] = at;
  }
  const eighth = text.indexOf(',', at + 1);
  if (eighth !== -1 && eighth < end) return false;
  // Cells: timestamp, trace_id, um, dm, um_id, dm_id, rpc_type, rt_ms.
  const c0 = commas[0]!;
  const c1 = commas[1]!;
  const c2 = commas[2]!;
  const c3 = commas[3]!;
  const c6 = commas[6]!;
  call.timestamp = digits(text, start, c0);
  call.umId = digits(text, c3 + 1, commas[4]!);
  call.dmId = digits(text, commas[4]! + 1, commas[5]!);
  if (call.timestamp < 0 || call.umId < 0 || call.dmId < 0 || c1 === c0 + 1) return false;
  if (!names(text, c1 + 1, c2, services[call.umId])) return false;
  if (!names(text, c2 + 1, c3, services[call.dmId])) return false;
  const rtMs = c6 + 1 === end ? null : decimal(text, c6 + 1, end);
  if (rtMs === undefined) return false;
  call.rtMs = rtMs;
  return true;
}

/** A cell of 1..15 digits as a number, or −1. */
function digits(text: string, from: number, to: number): number {
  if (to <= from || to - from > MAX_INTEGER_DIGITS) return -1;
  let value = 0;
  for (let at = from; at < to; at += 1) {
    const code = text.charCodeAt(at);
    if (code < ZERO || code > NINE) return -1;
    value = value * 10 + (code - ZERO);
  }
  return value;
}

/** Digits with at most one point and at least one digit, as Number() reads them; otherwise undefined. */
function decimal(text: string, from: number, to: number): number | undefined {
  let points = 0;
  for (let at = from; at < to; at += 1) {
    const code = text.charCodeAt(at);
    if (code === POINT) points += 1;
    else if (code < ZERO || code > NINE) return undefined;
  }
  if (points > 1 || to - from === points) return undefined;
  return Number(text.slice(from, to));
}

/** Whether the cell is exactly the service's name. */
function names(text: string, from: number, to: number, service: ServiceRow | undefined): boolean {
  return (
    service !== undefined && service.msName.length === to - from && text.startsWith(service.msName, from)
  );
}

function sameText(text: string, from: number, to: number, otherFrom: number, otherTo: number): boolean {
  if (otherFrom < 0 || to - from !== otherTo - otherFrom) return false;
  for (let offset = 0; offset < to - from; offset += 1) {
    if (text.charCodeAt(from + offset) !== text.charCodeAt(otherFrom + offset)) return false;
  }
  return true;
}
