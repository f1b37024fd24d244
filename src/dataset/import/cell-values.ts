// Cell parsers of the import formats. They return null for what cannot be read, and the caller counts the
// row as skipped with the reason, so one bad row in a 60 GB trace does not stop the import.

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A finite decimal number, or null. */
export function parseNumber(text: string): number | null {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

// Go's time.String() ("2022-08-22 03:51:19.607158889 +0000 UTC m=+0.113112869"), ISO 8601 and the
// space-separated variants: date, time, optional fraction, optional zone (Z, UTC, ±hh:mm, ±hhmm).
const WALL_CLOCK =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?(\s|$)/;

/** Wall-clock text → seconds since the Unix epoch (UTC when no zone is given), or null. */
export function parseWallClock(text: string): number | null {
  const match = WALL_CLOCK.exec(text.trim());
  if (match === null) return null;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const utc = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  );
  if (Number.isNaN(utc)) return null;
  let offsetMinutes = 0;
  if (zone !== undefined && zone !== 'Z' && zone !== 'UTC') {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return utc / 1000 + Number(fraction ?? 0) - offsetMinutes * 60;
}

/** Values at or above this are taken as epoch milliseconds rather than seconds (1e11 s is the year 5138). */
const MILLISECONDS_FROM = 1e11;

/** A timestamp cell of a generic file: epoch seconds, epoch milliseconds or wall-clock text → seconds. */
export function parseTimestampSeconds(text: string): number | null {
  const number = parseNumber(text);
  if (number !== null) return number >= MILLISECONDS_FROM ? number / 1000 : number;
  return parseWallClock(text);
}

/** Placeholders the Alibaba traces use for a service they could not name. */
// USER is the end user that sends the entry request: a caller, but not a microservice of the graph.
const PLACEHOLDERS = new Set(['', 'unknown', 'unavailable', '(?)', '?', 'nan', 'null', 'none', 'user']);

export function isPlaceholder(name: string): boolean {
  return PLACEHOLDERS.has(name.trim().toLowerCase());
}
