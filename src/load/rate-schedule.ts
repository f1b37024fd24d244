// The open-loop arrival-rate schedule: `--rate-schedule "0-10m:50,10m-20m:200"` (requests per second over
// contiguous windows from 0), given inline or as a file holding the same segments (commas or new lines,
// `#` comments). Windows use the duration units of --duration (ms, s, m, h, d) or plain seconds.
import { existsSync, readFileSync } from 'node:fs';
import ms from 'ms';
import { UsageError } from '../core/errors.js';

export interface RateSegment {
  fromSeconds: number;
  toSeconds: number;
  /** Mean arrivals per second (Poisson) within the window; 0 is a pause. */
  rate: number;
}

const SEGMENT = /^(?<from>[^-:\s]+)\s*-\s*(?<to>[^:\s]+)\s*:\s*(?<rate>\S+)$/;
const EXAMPLE = 'e.g. --rate-schedule "0-10m:50,10m-20m:200"';

export class RateSchedule {
  private constructor(readonly segments: readonly RateSegment[]) {}

  /** Parses the flag's value: the segments themselves, or the name of a file holding them. */
  static parse(value: string): RateSchedule {
    const fromFile = value.trim() !== '' && existsSync(value);
    const text = fromFile ? readFileSync(value, 'utf8') : value;
    const where = fromFile ? `${value}: ` : '';
    const parts = text
      .split('\n')
      .flatMap((line) => line.replace(/#.*$/, '').split(','))
      .map((part) => part.trim())
      .filter((part) => part !== '');
    if (parts.length === 0) {
      throw new UsageError(`--rate-schedule: ${where}no segments`, {
        suggestion: `Give FROM-TO:RATE segments, ${EXAMPLE}.`,
      });
    }
    return RateSchedule.of(
      parts.map((part) => parseSegment(part, where)),
      where,
    );
  }

  /** Checks that the segments start at 0 and follow each other without gaps or overlaps. */
  static of(segments: readonly RateSegment[], where = ''): RateSchedule {
    segments.forEach((segment, index) => {
      const expectedFrom = index === 0 ? 0 : (segments[index - 1] as RateSegment).toSeconds;
      if (segment.fromSeconds !== expectedFrom) {
        throw new UsageError(
          `--rate-schedule: ${where}segment ${index + 1} starts at ${segment.fromSeconds} s, expected ${expectedFrom} s`,
          {
            suggestion: `Segments must start at 0 and follow each other without gaps or overlaps, ${EXAMPLE}.`,
          },
        );
      }
    });
    if (segments.length === 0) {
      throw new UsageError(`--rate-schedule: ${where}no segments`, {
        suggestion: `Give FROM-TO:RATE segments, ${EXAMPLE}.`,
      });
    }
    return new RateSchedule(segments.map((segment) => ({ ...segment })));
  }

  /** Seconds the schedule covers. */
  get endSeconds(): number {
    return (this.segments[this.segments.length - 1] as RateSegment).toSeconds;
  }

  /** The segment in force at `seconds`, or undefined past the end. */
  segmentAt(seconds: number): RateSegment | undefined {
    return this.segments.find((segment) => seconds >= segment.fromSeconds && seconds < segment.toSeconds);
  }

  /** Expected arrivals within [from, to). */
  expectedArrivals(fromSeconds: number, toSeconds: number): number {
    let total = 0;
    for (const segment of this.segments) {
      const overlap = Math.min(toSeconds, segment.toSeconds) - Math.max(fromSeconds, segment.fromSeconds);
      if (overlap > 0) total += overlap * segment.rate;
    }
    return total;
  }

  toString(): string {
    return this.segments.map((s) => `${s.fromSeconds}s-${s.toSeconds}s:${s.rate}`).join(',');
  }
}

function parseSegment(part: string, where: string): RateSegment {
  const match = SEGMENT.exec(part);
  const groups = match?.groups;
  if (groups === undefined) {
    throw new UsageError(`--rate-schedule: ${where}"${part}" is not FROM-TO:RATE`, {
      suggestion: `Write each segment as FROM-TO:RATE, ${EXAMPLE}.`,
    });
  }
  const fromSeconds = parseOffset(groups.from as string, part, where);
  const toSeconds = parseOffset(groups.to as string, part, where);
  const rate = Number(groups.rate);
  if (!Number.isFinite(rate) || rate < 0) {
    throw new UsageError(
      `--rate-schedule: ${where}"${part}" has rate ${JSON.stringify(groups.rate)}, not a number ≥ 0`,
      {
        suggestion: 'Give the rate in requests per second, e.g. 0-5m:120.',
      },
    );
  }
  if (toSeconds <= fromSeconds) {
    throw new UsageError(`--rate-schedule: ${where}"${part}" ends before it starts`, {
      suggestion: `Write FROM-TO with FROM < TO, ${EXAMPLE}.`,
    });
  }
  return { fromSeconds, toSeconds, rate };
}

function parseOffset(text: string, part: string, where: string): number {
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number(ms(text as ms.StringValue)) / 1000;
  if (!Number.isFinite(value) || value < 0) {
    throw new UsageError(`--rate-schedule: ${where}"${text}" in "${part}" is not a time offset`, {
      suggestion: 'Write offsets as 0, 90s, 10m or 2h.',
    });
  }
  return value;
}
