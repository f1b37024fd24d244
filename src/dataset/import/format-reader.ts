// The shape of one import format: how it recognises its files from their headers and reads each kind.
import type { CsvRow } from './csv-file-reader.js';
import type { ImportContext } from './import-context.js';

/** metrics are read first (they settle the step), then calls and other files (graphs, fault lists). */
export type FileKind = 'metrics' | 'calls' | 'other' | 'ignored';

export interface FormatReader {
  /** Step in seconds when the data has no metric samples to detect it from. */
  fallbackStep: number;
  /** Logical columns --columns may rename. */
  columnKeys: readonly string[];
  /** What the file holds, from its name and CSV header (undefined for a non-CSV file such as JSON). */
  classify(file: string, header: CsvRow | undefined): FileKind;
  /** Reads a CSV file's data rows (the header has been consumed). */
  readCsv(
    kind: FileKind,
    file: string,
    header: CsvRow,
    rows: AsyncIterable<CsvRow>,
    ctx: ImportContext,
  ): Promise<void>;
  /** Reads a non-CSV file classified as 'other'. */
  readOther?(file: string, ctx: ImportContext): void;
}
