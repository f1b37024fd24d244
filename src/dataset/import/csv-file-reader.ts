// Streams the records of one input CSV (optionally gzipped) with bounded memory: bytes → gunzip → strict
// UTF-8 decoding (binary and wrongly encoded files fail with the line they fail on) → csv-parse. Reports
// bytes read from disk (compressed bytes for .gz, so progress matches the file sizes) and checks the abort
// signal between records.
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { CsvError, parse } from 'csv-parse';
import { DataError, InterruptedError } from '../../core/errors.js';

export interface CsvRow {
  cells: string[];
  /** 1-based line on which the record ends (the header is line 1 in a file without blank lead lines). */
  line: number;
}

export interface ReadCsvOptions {
  signal?: AbortSignal;
  onBytes?: (bytes: number) => void;
}

const NEWLINE = 0x0a;

/** Decodes UTF-8 strictly and refuses NUL bytes, which no text CSV holds. */
class StrictUtf8 extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private line = 1;

  constructor(private readonly file: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      done(this.encodingError('holds NUL bytes: it is binary, not a CSV text file', chunk.subarray(0, nul)));
      return;
    }
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      // The line of the first bad byte: where a lenient decode puts its first replacement character.
      const lenient = new TextDecoder('utf-8').decode(chunk);
      const before = Buffer.from(lenient.slice(0, Math.max(0, lenient.indexOf('\ufffd'))));
      done(this.encodingError('is not valid UTF-8 text (another encoding, or binary data)', before));
      return;
    }
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.line += 1;
    done(null, text);
  }

  override _flush(done: TransformCallback): void {
    try {
      done(null, this.decoder.decode());
    } catch {
      done(this.encodingError('ends inside a UTF-8 character (truncated or not UTF-8)', Buffer.alloc(0)));
    }
  }

  private encodingError(problem: string, before: Buffer): DataError {
    let line = this.line;
    for (let i = before.indexOf(NEWLINE); i >= 0; i = before.indexOf(NEWLINE, i + 1)) line += 1;
    return new DataError(
      `the file ${problem}`,
      { file: this.file, line },
      {
        suggestion: 'Convert the file to UTF-8 CSV (e.g. iconv -t UTF-8), or leave it out of the import.',
      },
    );
  }
}

function translate(error: unknown, file: string, lastLine: number): unknown {
  if (error instanceof DataError || error instanceof InterruptedError) return error;
  if (error instanceof CsvError) {
    return new DataError(
      `not valid CSV: ${error.message}`,
      { file, line: lastLine + 1 },
      { suggestion: 'The line is damaged (an unclosed quote?); fix or remove it.', cause: error },
    );
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
    return new DataError(
      'is not a valid gzip file (or is truncated)',
      { file },
      {
        suggestion: 'Check the download; only .gz files are decompressed.',
        cause: error,
      },
    );
  }
  if (code !== undefined && code.startsWith('E')) {
    return new DataError(`cannot read the file: ${code}`, { file }, { cause: error });
  }
  return error;
}

/** Yields every record of the file, the header included; the caller checks column counts. */
export async function* readCsvRows(file: string, options: ReadCsvOptions = {}): AsyncGenerator<CsvRow> {
  const raw = createReadStream(file);
  if (options.onBytes !== undefined) {
    const onBytes = options.onBytes;
    raw.on('data', (chunk) => onBytes(chunk.length));
  }
  const parser = parse({ relax_column_count: true, skip_empty_lines: true, info: true, bom: true });
  const stages = file.endsWith('.gz')
    ? [raw, createGunzip(), new StrictUtf8(file), parser]
    : [raw, new StrictUtf8(file), parser];
  // Errors of any stage destroy the parser and surface in the loop below; the promise only needs handling.
  const flowing = pipeline(stages).catch(() => undefined);
  let lastLine = 0;
  let count = 0;
  try {
    for await (const entry of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      count += 1;
      if ((count & 1023) === 0 && options.signal?.aborted === true) {
        throw new InterruptedError('import cancelled; nothing was written', {
          suggestion: 'Run the import again.',
        });
      }
      lastLine = entry.info.lines;
      yield { cells: entry.record, line: entry.info.lines };
    }
  } catch (error) {
    throw translate(error, file, lastLine);
  } finally {
    raw.destroy();
    parser.destroy();
    await flowing;
  }
}
