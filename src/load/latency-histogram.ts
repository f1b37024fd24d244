// Latency quantiles of one step from an HDR histogram (hdr-histogram-js): fixed memory whatever the number of
// requests (about 95 KB: 1 µs to 1 h at 3 significant digits), reset and reused at every step.
import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
} from 'hdr-histogram-js';

const MAX_MICROSECONDS = 3_600_000_000;

export interface LatencySummary {
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export class LatencyHistogram {
  private readonly histogram: Histogram = build({
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_MICROSECONDS,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });

  recordMs(ms: number): void {
    const micros = Math.round(ms * 1000);
    this.histogram.recordValue(micros < 1 ? 1 : micros > MAX_MICROSECONDS ? MAX_MICROSECONDS : micros);
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** Bytes held; constant, which the memory test checks. */
  get footprintBytes(): number {
    return this.histogram.estimatedFootprintInBytes;
  }

  /** Quantiles in ms, or null when nothing was recorded. */
  summary(): LatencySummary | null {
    if (this.histogram.totalCount === 0) return null;
    const at = (percentile: number): number => this.histogram.getValueAtPercentile(percentile) / 1000;
    return { p50Ms: at(50), p90Ms: at(90), p99Ms: at(99), maxMs: this.histogram.maxValue / 1000 };
  }

  add(other: LatencyHistogram): void {
    this.histogram.add(other.histogram);
  }

  /** HdrHistogram's compressed base64 encoding (what its interval logs hold), for the latency log. */
  encode(): string {
    return encodeIntoCompressedBase64(this.histogram);
  }

  /** Adds a histogram encoded by encode(); throws if the text is not one. */
  addEncoded(encoded: string): void {
    this.histogram.add(decodeFromCompressedBase64(encoded, 32, false));
  }

  reset(): void {
    this.histogram.reset();
  }
}
