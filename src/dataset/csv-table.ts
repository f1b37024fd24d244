// Whole-table CSV I/O over csv-stringify / csv-parse: rows of string cells, with line numbers and byte offsets
// for the reader's error messages and resume's truncation points.
import { parse, CsvError } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { DataError } from '../core/errors.js';

/** Rows of already formatted cells → CSV text, LF-terminated (also the last row); '' for no rows. */
export function stringifyRows(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '';
  return stringify(rows as string[][], { record_delimiter: '\n', eof: true });
}

export interface CsvRecord {
  cells: string[];
  /** 1-based line on which the record ends (the header is line 1); records are single lines in our files. */
  line: number;
  /** Byte offset just past the record, including its line break when it has one. */
  endByte: number;
}

/**
 * Parses CSV text into records, keeping every record (the header too) and any column count; callers check
 * the shape so that they can name the file, line and column. A syntax error (an unclosed quote) becomes a
 * DataError at the line csv-parse reports.
 */
export function parseCsvRecords(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  try {
    parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
      // Collected here rather than returned, because the context carries the line and byte position.
      on_record: (record: string[], context) => {
        records.push({ cells: record, line: context.lines, endByte: context.bytes });
        return null;
      },
    });
    return records;
  } catch (error) {
    if (error instanceof CsvError) {
      // The bad record starts on the line after the last good one (csv-parse reports where it gave up,
      // which for an unclosed quote is the end of the file).
      const line = (records[records.length - 1]?.line ?? 0) + 1;
      throw new DataError(
        `not valid CSV: ${error.message}`,
        { file, line },
        {
          suggestion: 'The file is damaged (an unclosed quote); fix or remove the line.',
          cause: error,
        },
      );
    }
    throw error;
  }
}

/** Checks that a record holds exactly the expected header. */
export function checkHeader(record: CsvRecord | undefined, expected: readonly string[], file: string): void {
  if (record === undefined) {
    throw new DataError(
      `file is empty; expected the header ${expected.join(',')}`,
      { file, line: 1 },
      {
        suggestion: 'The run directory is damaged; re-export or re-profile the run.',
      },
    );
  }
  const found = record.cells;
  if (found.length !== expected.length || found.some((cell, index) => cell !== expected[index])) {
    throw new DataError(
      `wrong header: expected ${expected.join(',')}, found ${found.join(',')}`,
      { file, line: record.line },
      { suggestion: 'Only files written by rescape (or `rescape import`) can be read as a run.' },
    );
  }
}

/** Checks a data row's column count (a truncated last line is the usual cause of a mismatch). */
export function checkColumnCount(record: CsvRecord, expected: readonly string[], file: string): void {
  if (record.cells.length !== expected.length) {
    throw new DataError(
      `expected ${expected.length} columns (${expected.join(',')}), found ${record.cells.length}`,
      { file, line: record.line },
      {
        suggestion:
          'The line is truncated or malformed; if the run was killed, `rescape profile --resume` repairs its tail.',
      },
    );
  }
}
