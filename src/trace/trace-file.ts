// Reads trace files: saved Jaeger UI results / API answers (v1 JSON) and OTLP JSON (API v3, collectors).

import { readFile } from 'node:fs/promises';
import { DataError } from '../core/errors.js';
import { parseJsonDocuments } from './json-shape.js';
import { isJaegerV1Document, parseJaegerV1Traces } from './jaeger-v1-parser.js';
import { isOtlpDocument, parseOtlpTraces } from './otlp-parser.js';
import type { Trace } from './span-model.js';

/** Parses any supported document (already decoded JSON), choosing the format by its shape. */
export function parseTraceDocument(json: unknown, source: string): Trace[] {
  if (isOtlpDocument(json)) return parseOtlpTraces(json, source);
  if (isJaegerV1Document(json)) return parseJaegerV1Traces(json, source);
  throw new DataError(
    'neither Jaeger JSON ({data:[…]}, [trace…], trace) nor OTLP JSON ({resourceSpans:[…]})',
    {
      file: source,
    },
    { suggestion: 'Export traces from the Jaeger UI or from /api/traces or /api/v3/traces.' },
  );
}

export async function readTraceFile(path: string, signal?: AbortSignal): Promise<Trace[]> {
  const text = await readFile(
    path,
    signal === undefined ? { encoding: 'utf8' } : { encoding: 'utf8', signal },
  );
  let documents: unknown[];
  try {
    documents = parseJsonDocuments(text);
  } catch (error) {
    throw new DataError(
      'not valid JSON',
      { file: path },
      { cause: error, suggestion: 'Check the file is a JSON trace export.' },
    );
  }
  return documents.flatMap((doc) => parseTraceDocument(doc, path));
}
