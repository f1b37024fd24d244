// Comma-separated list flags ("cpu,gpu", "0.7,0.1,0.2") checked against their allowed values.
import { UsageError } from '../core/errors.js';

export function parseList<T extends string>(flag: string, value: string, allowed: readonly T[]): T[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item));
  if (unknown.length > 0 || items.length === 0) {
    throw new UsageError(
      `--${flag}: ${unknown.length > 0 ? `unknown ${unknown.join(', ')}` : 'empty list'}`,
      {
        suggestion: `Choose from: ${allowed.join(', ')} (comma-separated).`,
      },
    );
  }
  return items as T[];
}

export function parseNumberList(flag: string, value: string, length: number): number[] {
  const numbers = value.split(',').map((item) => Number(item.trim()));
  if (numbers.length !== length || numbers.some((number) => !Number.isFinite(number))) {
    throw new UsageError(`--${flag}: "${value}" is not ${length} comma-separated numbers`, {
      suggestion: `E.g. --${flag} 0.7,0.1,0.2.`,
    });
  }
  return numbers;
}
