// Progress of the training pod as NDJSON lines in its log (`rescape train --json-progress`), read back by the
// rescape that started it: {"rescape":"progress","phase":"train","done":3,"total":50,"message":"…"}. One JSON
// object a line, tagged, so the lines stand out among whatever else the container prints (tfjs warnings) and a
// line that is not progress is simply not progress.
import type { ProgressEvent, ProgressListener } from '../core/progress.js';

const TAG = 'progress';

export function progressLine(event: ProgressEvent): string {
  return `${JSON.stringify({ rescape: TAG, ...event })}\n`;
}

/** A listener writing each event as one line to `write`. */
export function ndjsonProgress(write: (line: string) => void): ProgressListener {
  return (event) => write(progressLine(event));
}

/** The progress event of a log line, or undefined when the line is something else. */
export function parseProgressLine(line: string): ProgressEvent | undefined {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const record = value as Partial<ProgressEvent> & { rescape?: unknown };
  if (
    record.rescape !== TAG ||
    typeof record.phase !== 'string' ||
    typeof record.done !== 'number' ||
    typeof record.total !== 'number'
  )
    return undefined;
  return {
    phase: record.phase,
    done: record.done,
    total: record.total,
    ...(typeof record.message === 'string' ? { message: record.message } : {}),
  };
}
