// Response times of the simulated front end, from the step-level model's ingredients: each request type visits
// the services along its call path (service-demand.ts), each service answers in its service time stretched by
// its queue (queueing.ts, M/M/c) at the utilisation the measured arrival rates give, plus a network hop per
// call; samples are log-normal around that mean with the simulator's spread. Arrival rates are measured over
// quarter-second windows and smoothed over about a second, so a load generator that pushes harder sees the
// latency grow, as it would on the cluster.
import type { Random } from '../core/random.js';
import { responseFactor } from './queueing.js';
import { addEndpointVisits } from './service-demand.js';
import type { Topology } from './topology-types.js';

/** Network and serialisation time of one hop, ms (the value ClusterSimulator uses). */
const HOP_MS = 0.15;
const WINDOW_MS = 250;
const SMOOTHING_MS = 1000;

export class EndpointLatencyModel {
  private readonly visits: Float64Array[];
  /** Per endpoint and service: CPU core-ms and GPU-ms one request costs the service. */
  private readonly cpuMs: Float64Array[];
  private readonly gpuMs: Float64Array[];
  private readonly arrivals: Float64Array;
  private readonly rates: Float64Array;
  private readonly meanMs: Float64Array;
  private readonly sigma: Float64Array;
  private windowStart: number;

  constructor(
    private readonly topology: Topology,
    /** Multiplies every response time (1 = the topology's; smaller for fast tests). */
    private readonly scale: number,
    private readonly random: Random,
    nowMs: number,
  ) {
    const indexOf = new Map(topology.services.map((service, index) => [service.name, index]));
    const n = topology.services.length;
    const nominal = { indexOf, missFactor: new Float64Array(n).fill(1), failFraction: new Float64Array(n) };
    this.visits = topology.endpoints.map((endpoint) => {
      const visits = new Float64Array(n);
      addEndpointVisits(endpoint, nominal, visits);
      return visits;
    });
    this.cpuMs = this.visits.map((visits) =>
      Float64Array.from(visits, (count, s) => count * (topology.services[s]?.cpuMsPerCall ?? 0)),
    );
    this.gpuMs = this.visits.map((visits) =>
      Float64Array.from(visits, (count, s) => count * (topology.services[s]?.gpuMsPerCall ?? 0)),
    );
    const endpoints = topology.endpoints.length;
    this.arrivals = new Float64Array(endpoints);
    this.rates = new Float64Array(endpoints);
    this.meanMs = new Float64Array(endpoints);
    this.sigma = new Float64Array(endpoints);
    this.windowStart = nowMs;
    this.recompute();
  }

  /** Index of an endpoint by name, or -1. */
  indexOf(endpoint: string): number {
    return this.topology.endpoints.findIndex((spec) => spec.name === endpoint);
  }

  /** Counts an arrival and draws its response time (ms). */
  arrive(endpoint: number, nowMs: number): number {
    this.arrivals[endpoint] = (this.arrivals[endpoint] ?? 0) + 1;
    if (nowMs - this.windowStart >= WINDOW_MS) this.closeWindow(nowMs);
    const sigma = this.sigma[endpoint] ?? 0.45;
    const mu = Math.log(this.meanMs[endpoint] ?? 1) - (sigma * sigma) / 2;
    return Math.exp(mu + sigma * this.random.normal()) * this.scale;
  }

  /** Mean response time (ms, before scaling) of an endpoint at the current rates. */
  mean(endpoint: number): number {
    return this.meanMs[endpoint] ?? 0;
  }

  private closeWindow(nowMs: number): void {
    const elapsed = nowMs - this.windowStart;
    const weight = 1 - Math.exp(-elapsed / SMOOTHING_MS);
    for (let e = 0; e < this.rates.length; e += 1) {
      const measured = ((this.arrivals[e] ?? 0) * 1000) / elapsed;
      this.rates[e] = (this.rates[e] ?? 0) + weight * (measured - (this.rates[e] ?? 0));
      this.arrivals[e] = 0;
    }
    this.windowStart = nowMs;
    this.recompute();
  }

  private recompute(): void {
    const services = this.topology.services;
    const utilisation = services.map((service, s) => {
      let cpu = 0;
      let gpu = 0;
      for (let e = 0; e < this.rates.length; e += 1) {
        cpu += (this.rates[e] ?? 0) * (this.cpuMs[e]?.[s] ?? 0);
        gpu += (this.rates[e] ?? 0) * (this.gpuMs[e]?.[s] ?? 0);
      }
      const gpus = service.gpus ?? 0;
      return Math.max(
        cpu / (1000 * service.replicas * service.coresPerReplica),
        gpus > 0 ? gpu / (1000 * gpus) : 0,
      );
    });
    const serviceMs = services.map(
      (service, s) =>
        service.latencyMs *
        responseFactor(
          utilisation[s] ?? 0,
          Math.max(1, Math.round(service.gpus ?? service.replicas * service.coresPerReplica)),
        ),
    );
    this.visits.forEach((visits, e) => {
      let mean = 0;
      let busiest = 0;
      visits.forEach((count, s) => {
        if (count <= 0) return;
        mean += count * ((serviceMs[s] ?? 0) + HOP_MS);
        busiest = Math.max(busiest, utilisation[s] ?? 0);
      });
      this.meanMs[e] = mean;
      this.sigma[e] = 0.45 + 0.5 * Math.min(1, busiest);
    });
  }
}
