// Counters and bucketed histograms keyed by label set, as Prometheus scrapes them. Buckets are fixed upper
// bounds (the exposition format's cumulative `le` buckets), so a histogram is a few numbers per label set;
// hdr-histogram-js answers percentile questions, which is not what a scrape needs.
import type { LabelSet, MetricFamily, Sample } from './exposition.js';

/** Request latencies in seconds: loopback answers take well under a millisecond, a stalled one seconds. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Refresh phases in seconds: inference takes milliseconds, a slow Prometheus up to the refresh timeout. */
export const REFRESH_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

function keyOf(labels: LabelSet): string {
  return JSON.stringify(labels);
}

export class CounterSeries {
  private readonly values = new Map<string, { labels: LabelSet; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: LabelSet, by = 1): void {
    const key = keyOf(labels);
    const entry = this.values.get(key);
    if (entry === undefined) this.values.set(key, { labels, value: by });
    else entry.value += by;
  }

  get(labels: LabelSet): number {
    return this.values.get(keyOf(labels))?.value ?? 0;
  }

  /** The sum over every label set. */
  total(): number {
    let sum = 0;
    for (const entry of this.values.values()) sum += entry.value;
    return sum;
  }

  family(): MetricFamily {
    return {
      name: this.name,
      help: this.help,
      type: 'counter',
      samples: [...this.values.values()].map(({ labels, value }) => ({ labels, value })),
    };
  }
}

interface HistogramEntry {
  labels: LabelSet;
  /** Per bucket, the observations ≤ its bound that are above the previous bound (made cumulative on output). */
  counts: number[];
  sum: number;
  count: number;
}

export class HistogramSeries {
  private readonly entries = new Map<string, HistogramEntry>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
  ) {
    if (buckets.some((bound, i) => i > 0 && bound <= buckets[i - 1]!)) {
      throw new Error(`${name}: bucket bounds must increase`);
    }
  }

  observe(labels: LabelSet, value: number): void {
    const key = keyOf(labels);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.entries.set(key, entry);
    }
    const bucket = this.buckets.findIndex((bound) => value <= bound);
    if (bucket >= 0) entry.counts[bucket]! += 1;
    entry.sum += value;
    entry.count += 1;
  }

  family(): MetricFamily {
    const samples: Sample[] = [];
    for (const { labels, counts, sum, count } of this.entries.values()) {
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += counts[i]!;
        samples.push({ suffix: '_bucket', labels: { ...labels, le: String(bound) }, value: cumulative });
      });
      samples.push({ suffix: '_bucket', labels: { ...labels, le: '+Inf' }, value: count });
      samples.push({ suffix: '_sum', labels, value: sum });
      samples.push({ suffix: '_count', labels, value: count });
    }
    return { name: this.name, help: this.help, type: 'histogram', samples };
  }
}
