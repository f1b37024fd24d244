// HTML text helpers for the report. Every string that can come from user data (service names, run ids,
// policy descriptions, paths) goes through escapeHtml before it reaches the page.

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for use in element content and in quoted attribute values. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** ` name="value"` for each defined attribute, values escaped; undefined ones are left out. */
export function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeHtml(value)}"`)
    .join('');
}

/** A CSS-safe identifier from any text (for element ids): letters, digits and dashes, plus a prefix. */
export function slug(prefix: string, text: string): string {
  return `${prefix}-${
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'x'
  }`;
}

const significant = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4, useGrouping: false });
const compact = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 2, useGrouping: false });
const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A measured value to 4 significant digits ("0.04325", "123.5"); "–" when missing. */
export function formatValue(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : significant.format(value);
}

/** A value to 2 significant digits ("2.3", "0.0037") where space is short. */
export function formatCompact(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : compact.format(value);
}

/** A count with thousands separators ("168,984"). */
export function formatCount(value: number): string {
  return grouped.format(value);
}

/** A percentage with one decimal ("12.3 %"); `fraction` true when the value is a fraction of 1. */
export function formatPercent(value: number | null | undefined, fraction = false): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${(fraction ? value * 100 : value).toFixed(1)} %`;
}

/** A duration in words: "12 h", "1 h 30 min", "45 min", "30 s". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${minutes} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
