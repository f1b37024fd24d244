// Formatting and parsing of single CSV cells of the run directory.
//
// Output must be byte-identical for identical input (runs are diffed, hashed and resumed byte for byte), so
// every numeric column has one fixed rule:
//   - integers (timestamp, ids, counts, replicas): plain decimal digits, no sign, no exponent;
//   - decimals: `toFixed(digits)` and then trailing zeros (and a bare '.') stripped, so 1.5 is "1.5", 2 is
//     "2" and 0.1234567 is "0.123457". Utilisation uses 6 digits, milliseconds 3 digits;
//   - memory_bytes: rounded to the nearest integer;
//   - null, a missing sample, is an empty cell — never a zero.
// Values are bounded by Number.MAX_SAFE_INTEGER so that toFixed never switches to exponent notation.
import { DataError } from '../core/errors.js';

/** Where a cell's row sits; absent parts are left out of error messages (a row about to be written has no line). */
export interface CellLocation {
  file?: string;
  line?: number;
}

export const UTILIZATION_DIGITS = 6;
export const MILLISECOND_DIGITS = 3;

// Cells are parsed by the hundred thousand, so the location is passed as is and only copied into an error.
function locate(column: string, at: CellLocation): { file?: string; line?: number; field: string } {
  return {
    ...(at.file === undefined ? {} : { file: at.file }),
    ...(at.line === undefined ? {} : { line: at.line }),
    field: column,
  };
}

function checkFiniteNonNegative(value: number, column: string, at: CellLocation): void {
  if (!Number.isFinite(value)) {
    throw new DataError(`${column} must be a finite number, got ${String(value)}`, locate(column, at), {
      suggestion: 'Pass null for a missing sample; it is written as an empty cell.',
    });
  }
  if (value < 0 || value > Number.MAX_SAFE_INTEGER) {
    throw new DataError(`${column} must be between 0 and 2^53-1, got ${value}`, locate(column, at));
  }
}

/** A non-negative integer cell (timestamps, ids, counts). */
export function formatInteger(value: number, column: string, at: CellLocation = {}): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new DataError(`${column} must be a non-negative integer, got ${String(value)}`, locate(column, at));
  }
  return String(value);
}

/** A decimal cell with at most `digits` decimals, trailing zeros stripped; null is an empty cell. */
export function formatDecimal(
  value: number | null,
  digits: number,
  column: string,
  at: CellLocation = {},
): string {
  if (value === null) return '';
  checkFiniteNonNegative(value, column, at);
  const fixed = value.toFixed(digits);
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/** A byte count, rounded to the nearest integer; null is an empty cell. */
export function formatBytes(value: number | null, column: string, at: CellLocation = {}): string {
  if (value === null) return '';
  checkFiniteNonNegative(value, column, at);
  return String(Math.round(value));
}

/** A free-text cell; CR and LF are refused so that every record is exactly one line (resume relies on it). */
export function formatText(
  value: string,
  column: string,
  at: CellLocation = {},
  options: { allowEmpty?: boolean } = {},
): string {
  if (/[\r\n]/.test(value)) {
    throw new DataError(
      `${column} must not contain a line break, got ${JSON.stringify(value)}`,
      locate(column, at),
    );
  }
  if (value === '' && options.allowEmpty !== true) {
    throw new DataError(`${column} must not be empty`, locate(column, at));
  }
  return value;
}

const INTEGER = /^\d+$/;
// Signed so that a negative value is reported as negative rather than as "not a number".
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function notANumber(value: string, expected: string, column: string, at: CellLocation): DataError {
  return new DataError(
    `expected ${expected} in column ${column}, found ${JSON.stringify(value)}`,
    locate(column, at),
    { suggestion: 'Fix or remove the line; a missing sample is an empty cell.' },
  );
}

/** Parses a non-negative integer cell. */
export function parseInteger(value: string, column: string, at: CellLocation): number {
  const parsed = Number(value);
  if (!INTEGER.test(value) || !Number.isSafeInteger(parsed)) {
    throw notANumber(value, 'a non-negative integer', column, at);
  }
  return parsed;
}

/** Parses a non-negative decimal cell; an empty cell is null when the column may have missing samples. */
export function parseDecimal(
  value: string,
  column: string,
  at: CellLocation,
  nullable: boolean,
): number | null {
  if (value === '') {
    if (nullable) return null;
    throw new DataError(`column ${column} must not be empty`, locate(column, at), {
      suggestion: 'Fill in the value; only sampled metrics may be missing.',
    });
  }
  if (!DECIMAL.test(value)) throw notANumber(value, 'a number', column, at);
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw notANumber(value, 'a finite number', column, at);
  if (parsed < 0) {
    throw new DataError(`negative value ${value} in column ${column}`, locate(column, at), {
      suggestion:
        'Utilisation, latency and counts are never negative; check the exporter that produced the file.',
    });
  }
  return parsed;
}
