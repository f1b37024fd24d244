// What the traces say about the load: each root span is one request the benchmark answered, so per step the
// number of (sampled) root spans and the quantiles of their durations fill load.csv's requests and latency
// columns for an export, where the load generator's own figures are not available.
import type { Trace } from './span-model.js';

export interface RootLoad {
  /** Root spans that started in each step of [fromStep, toStep). */
  requests: number[];
  latencyP50Ms: (number | null)[];
  latencyP99Ms: (number | null)[];
}

export function rootLoadByStep(
  traces: Iterable<Trace>,
  window: { startTime: Date; stepSeconds: number; fromStep: number; toStep: number },
): RootLoad {
  const originUs = window.startTime.getTime() * 1000;
  const stepUs = window.stepSeconds * 1e6;
  const durations: number[][] = Array.from({ length: window.toStep - window.fromStep }, () => []);
  const seen = new Set<string>();
  for (const trace of traces) {
    for (const span of trace.spans) {
      const key = `${span.traceId}/${span.spanId}`;
      if (span.parentSpanId !== null || seen.has(key)) continue;
      seen.add(key);
      const step = Math.floor((span.startUs - originUs) / stepUs);
      durations[step - window.fromStep]?.push(span.durationUs / 1000);
    }
  }
  return {
    requests: durations.map((list) => list.length),
    latencyP50Ms: durations.map((list) => quantile(list, 0.5)),
    latencyP99Ms: durations.map((list) => quantile(list, 0.99)),
  };
}

/** Nearest-rank quantile (a value that was observed, not an interpolation); null without data. */
function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
