// Sampled traces of the simulated cluster: a request walks its endpoint's call tree with real
// random outcomes (probabilities, cache hits and misses, failures and retries) and becomes
// ms_callgraph.csv rows with response times.
import type { Random } from '../core/random.js';
import type { CallRow } from '../dataset/run-format.js';
import { effectiveHitRate } from './service-demand.js';
import type { CallSpec, EndpointSpec } from './topology-types.js';

export interface TraceConditions {
  names: readonly string[];
  indexOf: ReadonlyMap<string, number>;
  /** Per service: mean time (ms) to serve one call itself at the current load, downstream excluded. */
  serviceMs: Float64Array;
  missFactor: Float64Array;
  failFraction: Float64Array;
}

/** Network and (de)serialisation time of one RPC hop, in ms. */
const HOP_MS = 0.15;
/** Spread (σ of log) of one call's own service time. */
const SERVICE_TIME_SIGMA = 0.5;

export function sampleTrace(
  endpoint: EndpointSpec,
  conditions: TraceConditions,
  random: Random,
  timestamp: number,
): CallRow[] {
  const rows: CallRow[] = [];
  const traceId = random.hexId(16);
  const walker = new TraceWalker(conditions, random, timestamp, traceId, rows);
  walker.serve(endpoint.entry.service, endpoint.entry.calls ?? []);
  return rows;
}

class TraceWalker {
  constructor(
    private readonly conditions: TraceConditions,
    private readonly random: Random,
    private readonly timestamp: number,
    private readonly traceId: string,
    private readonly rows: CallRow[],
  ) {}

  /** Time (ms) the service takes to answer, including the calls it makes. */
  serve(service: string, calls: readonly CallSpec[]): number {
    const index = this.index(service);
    const mean = this.conditions.serviceMs[index] ?? 0;
    let elapsed =
      mean *
      Math.exp(SERVICE_TIME_SIGMA * this.random.normal() - (SERVICE_TIME_SIGMA * SERVICE_TIME_SIGMA) / 2);
    for (const call of calls) elapsed += this.call(service, call);
    return elapsed;
  }

  private call(caller: string, spec: CallSpec): number {
    let elapsed = 0;
    if (this.random.uniform() >= (spec.probability ?? 1)) return elapsed;
    for (let repeat = 0; repeat < (spec.count ?? 1); repeat += 1) {
      elapsed += this.attempt(caller, spec);
      if (this.random.uniform() < (this.conditions.failFraction[this.index(spec.service)] ?? 0)) {
        elapsed += this.attempt(caller, spec); // the caller retries once
      }
      if (spec.onMiss !== undefined) {
        const hit =
          this.random.uniform() <
          effectiveHitRate(spec, this.conditions.missFactor[this.index(spec.service)] ?? 1);
        if (!hit) for (const fallback of spec.onMiss) elapsed += this.call(caller, fallback);
      }
    }
    return elapsed;
  }

  private attempt(caller: string, spec: CallSpec): number {
    const row: CallRow = {
      timestamp: this.timestamp,
      traceId: this.traceId,
      um: caller,
      dm: spec.service,
      umId: this.index(caller),
      dmId: this.index(spec.service),
      rpcType: spec.rpcType,
      rtMs: 0,
    };
    this.rows.push(row);
    const elapsed = HOP_MS + this.serve(spec.service, spec.calls ?? []);
    row.rtMs = elapsed;
    return elapsed;
  }

  private index(service: string): number {
    const index = this.conditions.indexOf.get(service);
    if (index === undefined) throw new Error(`unknown service ${service}`);
    return index;
  }
}
