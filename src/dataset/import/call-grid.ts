// Calls aggregated per step and edge (um → dm, rpc type): a count and the mean response time. Bounded by
// steps × edges whatever the number of calls, which is what keeps a 61 GB call-graph import in memory.
// Entry requests (traces) are counted per step with a fixed-size reservoir of their latencies for the
// load.csv quantiles.

export interface EdgeStep {
  um: string;
  dm: string;
  rpcType: string;
  count: number;
  rtSum: number;
  rtCount: number;
}

export interface StaticEdge {
  um: string;
  dm: string;
  file: string;
  line: number;
}

interface RequestStep {
  count: number;
  latencies: number[];
}

const RESERVOIR = 512;

export class CallGrid {
  private readonly bins = new Map<number, Map<string, EdgeStep>>();
  private readonly requests = new Map<number, RequestStep>();
  private readonly staticEdges = new Map<string, StaticEdge>();
  private readonly volume = new Map<string, number>();
  // A fixed-seed xorshift, so the reservoir (and so the output) is the same on every run.
  private random = 0x9e3779b9;
  calls = 0;

  constructor(readonly step: number) {}

  addCall(time: number, um: string, dm: string, rpcType: string, rtMs: number | null): void {
    const bin = Math.floor(time / this.step);
    let edges = this.bins.get(bin);
    if (edges === undefined) {
      edges = new Map();
      this.bins.set(bin, edges);
    }
    const key = `${um}\u0000${dm}\u0000${rpcType}`;
    let edge = edges.get(key);
    if (edge === undefined) {
      edge = { um, dm, rpcType, count: 0, rtSum: 0, rtCount: 0 };
      edges.set(key, edge);
    }
    edge.count += 1;
    if (rtMs !== null) {
      edge.rtSum += rtMs;
      edge.rtCount += 1;
    }
    this.calls += 1;
    this.volume.set(um, (this.volume.get(um) ?? 0) + 1);
    this.volume.set(dm, (this.volume.get(dm) ?? 0) + 1);
  }

  /** One request entering the system (a root span, an entry call) and its latency when known. */
  addRequest(time: number, latencyMs: number | null): void {
    const bin = Math.floor(time / this.step);
    let entry = this.requests.get(bin);
    if (entry === undefined) {
      entry = { count: 0, latencies: [] };
      this.requests.set(bin, entry);
    }
    entry.count += 1;
    if (latencyMs === null) return;
    if (entry.latencies.length < RESERVOIR) {
      entry.latencies.push(latencyMs);
      return;
    }
    const slot = this.next() % entry.count;
    if (slot < RESERVOIR) entry.latencies[slot] = latencyMs;
  }

  addStatic(edge: StaticEdge): void {
    const key = `${edge.um}\u0000${edge.dm}`;
    if (!this.staticEdges.has(key)) this.staticEdges.set(key, edge);
  }

  edgesAt(bin: number): EdgeStep[] {
    return [...(this.bins.get(bin)?.values() ?? [])];
  }

  requestsAt(bin: number): RequestStep | undefined {
    return this.requests.get(bin);
  }

  get statics(): StaticEdge[] {
    return [...this.staticEdges.values()];
  }

  /** Calls the service made or served, for --top N by call volume. */
  callVolume(service: string): number {
    return this.volume.get(service) ?? 0;
  }

  get services(): string[] {
    return [...this.volume.keys()];
  }

  binRange(): { min: number; max: number } | undefined {
    let min = Infinity;
    let max = -Infinity;
    for (const bin of [...this.bins.keys(), ...this.requests.keys()]) {
      min = Math.min(min, bin);
      max = Math.max(max, bin);
    }
    return min === Infinity ? undefined : { min, max };
  }

  private next(): number {
    let x = this.random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.random = x >>> 0;
    return this.random;
  }
}
