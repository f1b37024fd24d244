// Finds a format's logical columns in a file's header by name (case-insensitive, any order, extra columns and
// a leading unnamed index column ignored), with the user's --columns overrides taking precedence.
import { DataError, UsageError } from '../../core/errors.js';
import type { CsvRow } from './csv-file-reader.js';

export interface ColumnSpec {
  key: string;
  /** Header names accepted for the column, in order of preference. */
  names: readonly string[];
  required: boolean;
}

/** Logical key → index of its cell. */
export type Columns = ReadonlyMap<string, number>;

const normalise = (name: string): string => name.trim().toLowerCase();

/** Header names normalised to their index (the first occurrence wins). */
export function headerIndex(header: CsvRow): Map<string, number> {
  const index = new Map<string, number>();
  header.cells.forEach((name, position) => {
    const key = normalise(name);
    if (!index.has(key)) index.set(key, position);
  });
  return index;
}

export function resolveColumns(
  header: CsvRow,
  specs: readonly ColumnSpec[],
  overrides: Readonly<Record<string, string>>,
  file: string,
): Columns {
  const index = headerIndex(header);
  const found = new Map<string, number>();
  for (const spec of specs) {
    const override = overrides[spec.key];
    const names = override === undefined ? spec.names : [override];
    const position = names.map((name) => index.get(normalise(name))).find((at) => at !== undefined);
    if (position !== undefined) {
      found.set(spec.key, position);
    } else if (spec.required || override !== undefined) {
      throw new DataError(
        `missing required column ${spec.key}: expected one of ${names.map((name) => JSON.stringify(name)).join(', ')} in the header, found ${header.cells.join(',')}`,
        { file, line: header.line, field: spec.key },
        { suggestion: `Name the column with --columns ${spec.key}=<header name>.` },
      );
    }
  }
  return found;
}

/** True when the header names every one of these columns. */
export function headerHas(header: CsvRow, ...names: string[]): boolean {
  const index = headerIndex(header);
  return names.every((name) => index.has(normalise(name)));
}

/** Parses --columns "timestamp=ts,service=svc" into {timestamp: 'ts', service: 'svc'}. */
export function parseColumnMap(text: string, known: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const part of text.split(',')) {
    const [key = '', name = '', ...rest] = part.split('=').map((piece) => piece.trim());
    if (key === '' || name === '' || rest.length > 0) {
      throw new UsageError(`--columns entry ${JSON.stringify(part)} is not key=header`, {
        suggestion: 'Write --columns timestamp=ts,service=svc,cpu=cpu_cores.',
      });
    }
    if (!known.includes(key)) {
      throw new UsageError(`--columns names an unknown column ${JSON.stringify(key)}`, {
        suggestion: `Known columns: ${known.join(', ')}.`,
      });
    }
    map[key] = name;
  }
  return map;
}
