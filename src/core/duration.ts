// Durations on the command line ("12h", "30s", "90m", or plain seconds) → whole seconds.
import ms from 'ms';
import { UsageError } from './errors.js';

export function parseDurationSeconds(flag: string, value: string): number {
  const trimmed = value.trim();
  const milliseconds = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) * 1000 : ms(trimmed as ms.StringValue);
  if (typeof milliseconds !== 'number' || !Number.isFinite(milliseconds) || milliseconds <= 0) {
    throw new UsageError(`--${flag} "${value}" is not a positive duration`, {
      suggestion: `Write it as a number with a unit, e.g. --${flag} 30s, 10m or 12h.`,
    });
  }
  const seconds = milliseconds / 1000;
  if (!Number.isInteger(seconds)) {
    throw new UsageError(`--${flag} "${value}" is ${seconds} s; rescape works in whole seconds`, {
      suggestion: `Round it to whole seconds, e.g. --${flag} ${Math.max(1, Math.round(seconds))}s.`,
    });
  }
  return seconds;
}
