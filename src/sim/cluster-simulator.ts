// The step-level model of a simulated benchmark cluster. Each step, the client concurrency sets
// the request throughput through Little's law against the response time the services' queues
// give at that throughput; each service's CPU, GPU and memory follow from its calls per second
// along the real call paths. Slowly drifting request mix and cache hit rates, workload noise and
// incidents make services differ while keeping downstream load tied to its callers.
import { Random } from '../core/random.js';
import type { CallRow, MetricRow, ServiceRow, StepRecord } from '../dataset/run-format.js';
import { ConcurrencySchedule, type ConcurrencySettings } from '../profiler/concurrency-schedule.js';
import { DEFAULT_INCIDENTS, scheduleIncidents, type Incident, type IncidentSettings } from './incidents.js';
import { mixtureQuantile, type LatencyComponent } from './latency-quantiles.js';
import { responseFactor, solveClosedLoop } from './queueing.js';
import { addEndpointVisits, endpointErrorProbability, type DemandConditions } from './service-demand.js';
import { sampleTrace } from './trace-sampler.js';
import type { ServiceSpec, Topology } from './topology-types.js';
import { AutoRegressive } from './auto-regressive.js';

export interface SimulationSettings {
  topology: Topology;
  stepSeconds: number;
  steps: number;
  seed: number;
  load: ConcurrencySettings;
  /** Traces sampled into ms_callgraph.csv per step, drawn in proportion to the request mix. */
  tracesPerStep: number;
  incidents?: IncidentSettings;
  /** Client think time between requests (ms); 0 is the paper's back-to-back closed loop. */
  thinkMs?: number;
}

/** Random streams, numbered so each consumer draws independently of the others. */
const STREAM = { concurrency: 0, incidents: 1, drift: 2, noise: 3, traces: 4, counts: 5 } as const;
/** Network and serialisation time of one hop, ms. */
const HOP_MS = 0.15;

export class ClusterSimulator {
  readonly services: ServiceRow[];
  readonly incidents: Incident[];
  private readonly specs: ServiceSpec[];
  private readonly indexOf: Map<string, number>;
  private readonly schedule: ConcurrencySchedule;
  private readonly random: Record<keyof typeof STREAM, Random>;
  private readonly mixDrift: AutoRegressive;
  private readonly missDrift: AutoRegressive;
  private readonly workloadNoise: AutoRegressive;
  private readonly baseWeights: number[];
  private nextTimestamp = 0;

  constructor(private readonly settings: SimulationSettings) {
    this.specs = [...settings.topology.services].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    this.services = this.specs.map((spec, msId) => ({
      msId,
      msName: spec.name,
      kind: spec.kind,
      replicas: spec.replicas,
    }));
    this.indexOf = new Map(this.specs.map((spec, index) => [spec.name, index]));
    const root = Random.fromSeed(settings.seed);
    this.random = {
      concurrency: root.stream(STREAM.concurrency),
      incidents: root.stream(STREAM.incidents),
      drift: root.stream(STREAM.drift),
      noise: root.stream(STREAM.noise),
      traces: root.stream(STREAM.traces),
      counts: root.stream(STREAM.counts),
    };
    this.schedule = new ConcurrencySchedule(settings.load, this.random.concurrency);
    this.incidents = scheduleIncidents(
      settings.topology,
      settings.steps,
      settings.stepSeconds,
      settings.incidents ?? DEFAULT_INCIDENTS,
      this.random.incidents,
    );
    const endpoints = settings.topology.endpoints;
    this.baseWeights = endpoints.map((endpoint) => endpoint.weight);
    // Drifts are per step; their correlation times are set in minutes so the step size does not change them.
    const perStep = (minutes: number): number => Math.exp(-settings.stepSeconds / (minutes * 60));
    this.mixDrift = new AutoRegressive(endpoints.length, perStep(20), 0.25, this.random.drift);
    this.missDrift = new AutoRegressive(this.specs.length, perStep(10), 0.3, this.random.drift);
    this.workloadNoise = new AutoRegressive(this.specs.length, perStep(2), 0.06, this.random.noise);
  }

  get timestamp(): number {
    return this.nextTimestamp;
  }

  /** Simulates the next step. */
  step(): StepRecord {
    const timestamp = this.nextTimestamp;
    this.nextTimestamp += 1;
    const { stepSeconds, topology } = this.settings;
    const n = this.specs.length;
    const concurrency = this.schedule.meanOver(timestamp * stepSeconds, (timestamp + 1) * stepSeconds);

    const mix = this.mixDrift
      .advance()
      .map((drift, index) => (this.baseWeights[index] ?? 0) * Math.exp(drift));
    const mixTotal = mix.reduce((sum, weight) => sum + weight, 0);
    const missFactor = Float64Array.from(this.missDrift.advance(), (drift) => Math.exp(drift));
    const effects = this.incidentEffects(timestamp);
    const conditions: DemandConditions = {
      indexOf: this.indexOf,
      missFactor,
      failFraction: effects.failFraction,
    };

    // Calls per request to each service, per endpoint and for the mix.
    const endpointVisits = topology.endpoints.map((endpoint) => {
      const visits = new Float64Array(n);
      addEndpointVisits(endpoint, conditions, visits);
      return visits;
    });
    const visits = new Float64Array(n);
    endpointVisits.forEach((perEndpoint, e) => {
      const share = (mix[e] ?? 0) / mixTotal;
      for (let s = 0; s < n; s += 1) visits[s] = (visits[s] ?? 0) + share * (perEndpoint[s] ?? 0);
    });

    // Each service's demand per request (core-ms and GPU-ms) and its capacity.
    const cpuMs = this.specs.map(
      (spec, s) => (visits[s] ?? 0) * spec.cpuMsPerCall * (effects.cpuFactor[s] ?? 1),
    );
    const gpuMs = this.specs.map((spec, s) => (visits[s] ?? 0) * (spec.gpuMsPerCall ?? 0));
    const cpuCapacity = this.specs.map((spec) => spec.replicas * spec.coresPerReplica);
    const gpuCapacity = this.specs.map((spec) => spec.gpus ?? 0);
    const utilisation = (throughput: number, s: number): number =>
      Math.max(
        (throughput * (cpuMs[s] ?? 0)) / (1000 * (cpuCapacity[s] ?? 1)),
        (gpuCapacity[s] ?? 0) > 0 ? (throughput * (gpuMs[s] ?? 0)) / (1000 * (gpuCapacity[s] ?? 1)) : 0,
      );
    const servers = this.specs.map((spec) =>
      Math.max(1, Math.round(spec.gpus ?? spec.replicas * spec.coresPerReplica)),
    );
    const serviceMsAt = (throughput: number): Float64Array =>
      Float64Array.from(
        this.specs,
        (spec, s) =>
          spec.latencyMs *
          (effects.latencyFactor[s] ?? 1) *
          responseFactor(utilisation(throughput, s), servers[s] ?? 1),
      );
    let saturationRps = Infinity;
    for (let s = 0; s < n; s += 1) {
      const atFull = utilisation(1, s);
      if (atFull > 0) saturationRps = Math.min(saturationRps, 1 / atFull);
    }
    const responseOf = (serviceMs: Float64Array, perRequest: Float64Array): number => {
      let total = 0;
      for (let s = 0; s < n; s += 1) total += (perRequest[s] ?? 0) * ((serviceMs[s] ?? 0) + HOP_MS);
      return total;
    };
    const throughput = solveClosedLoop({
      concurrency,
      thinkMs: this.settings.thinkMs ?? 0,
      saturationRps,
      responseMs: (rps) => responseOf(serviceMsAt(rps), visits),
    });
    const serviceMs = serviceMsAt(throughput);

    const metrics = this.metricRows(timestamp, throughput, visits, cpuMs, gpuMs);
    const latency: LatencyComponent[] = endpointVisits.map((perEndpoint, e) => ({
      weight: mix[e] ?? 0,
      meanMs: responseOf(serviceMs, perEndpoint),
      sigma:
        0.45 +
        0.5 *
          Math.max(...this.specs.map((_, s) => ((perEndpoint[s] ?? 0) > 0 ? utilisation(throughput, s) : 0))),
    }));
    const errorShare = endpointVisits.reduce(
      (sum, perEndpoint, e) =>
        sum + ((mix[e] ?? 0) / mixTotal) * endpointErrorProbability(perEndpoint, effects.failFraction),
      0,
    );
    const requests = Math.round(throughput * stepSeconds);
    const calls = this.sampleTraces(timestamp, mix, {
      serviceMs,
      missFactor,
      failFraction: effects.failFraction,
    });
    return {
      timestamp,
      metrics,
      calls,
      load: {
        timestamp,
        concurrency,
        requests,
        errors: Math.round(requests * errorShare),
        latencyP50Ms: mixtureQuantile(latency, 0.5),
        latencyP99Ms: mixtureQuantile(latency, 0.99),
      },
    };
  }

  private metricRows(
    timestamp: number,
    throughput: number,
    visits: Float64Array,
    cpuMs: readonly number[],
    gpuMs: readonly number[],
  ): MetricRow[] {
    const noise = this.workloadNoise.advance();
    const measurement = this.random.noise;
    return this.specs.map((spec, s) => {
      const workload = Math.exp(noise[s] ?? 0);
      const capacity = spec.replicas * spec.coresPerReplica;
      const busyCores = ((throughput * (cpuMs[s] ?? 0)) / 1000) * workload;
      const cpu =
        Math.min(capacity, spec.idleCores * spec.replicas + busyCores) * (1 + 0.02 * measurement.normal());
      const gpus = spec.gpus ?? 0;
      const gpu = gpus > 0 ? Math.min(gpus, ((throughput * (gpuMs[s] ?? 0)) / 1000) * workload) : 0;
      const callsPerSecond = throughput * (visits[s] ?? 0);
      const memory =
        (spec.memoryBaseBytes * spec.replicas + spec.memoryBytesPerRps * callsPerSecond) *
        (1 + 0.005 * measurement.normal());
      return {
        timestamp,
        msName: spec.name,
        msId: s,
        cpuUtilization: Math.max(0, cpu),
        gpuUtilization: Math.max(0, gpu),
        memoryBytes: Math.round(memory),
      };
    });
  }

  private sampleTraces(
    timestamp: number,
    mix: ArrayLike<number>,
    current: { serviceMs: Float64Array; missFactor: Float64Array; failFraction: Float64Array },
  ): CallRow[] {
    const rows: CallRow[] = [];
    const names = this.specs.map((spec) => spec.name);
    for (let trace = 0; trace < this.settings.tracesPerStep; trace += 1) {
      const endpoint = this.settings.topology.endpoints[this.random.traces.weightedIndex(mix)];
      if (endpoint === undefined) continue;
      rows.push(
        ...sampleTrace(endpoint, { names, indexOf: this.indexOf, ...current }, this.random.traces, timestamp),
      );
    }
    return rows;
  }

  /** Per-service multipliers from the incidents active at this step; one replica of `replicas` is affected. */
  private incidentEffects(timestamp: number): {
    latencyFactor: Float64Array;
    cpuFactor: Float64Array;
    failFraction: Float64Array;
  } {
    const n = this.specs.length;
    const latencyFactor = new Float64Array(n).fill(1);
    const cpuFactor = new Float64Array(n).fill(1);
    const failFraction = new Float64Array(n);
    for (const incident of this.incidents) {
      if (timestamp < incident.startStep || timestamp >= incident.endStep) continue;
      const s = this.indexOf.get(incident.service);
      const spec = s === undefined ? undefined : this.specs[s];
      if (s === undefined || spec === undefined) continue;
      const share = 1 / spec.replicas;
      if (incident.kind === 'slow-replica') {
        latencyFactor[s] = (latencyFactor[s] ?? 1) * (1 + share * (incident.severity - 1));
        // A thrashing replica burns more CPU per call (GC, lock contention).
        cpuFactor[s] = (cpuFactor[s] ?? 1) * (1 + share * 0.5);
      } else {
        failFraction[s] = Math.min(1, (failFraction[s] ?? 0) + share * incident.severity);
      }
    }
    return { latencyFactor, cpuFactor, failFraction };
  }
}
