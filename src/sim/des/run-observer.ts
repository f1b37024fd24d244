// What a run measures besides single requests, taken every tick of simulated time: the SLO window, the
// metrics step (per-service CPU, load balance, the sample a run directory or a forecaster gets), the timeline
// bucket, and the usage an orchestration policy sees at its decisions.
import type { PolicyTimeline } from './simulation-result.js';
import type { ResponseRecorder, ResponseSummary } from './response-recorder.js';
import { READY, STARTING, type ReplicaTable } from './replica-table.js';
import type { ControlView, ServiceView } from './policies/policy-types.js';

/** One traced downstream call: caller and callee service indices, its protocol and its response time. */
export interface TracedCall {
  traceId: string;
  um: number;
  dm: number;
  rpcType: string;
  rtMs: number;
}

/** What a run hands out at the end of every metrics step. */
export interface StepSample {
  index: number;
  /** Per service (ms_id order): busy cores averaged over the step. */
  cpuCores: Float64Array;
  /** Time-averaged clients (closed loop) or arrival rate (open loop) over the step. */
  load: number;
  responses: ResponseSummary;
  calls: TracedCall[];
}

export function emptyTimeline(): PolicyTimeline {
  return {
    t: [],
    arrivalsPerSecond: [],
    meanResponseMs: [],
    p99ResponseMs: [],
    utilisation: [],
    replicas: [],
  };
}

export class RunObserver {
  readonly timeline = emptyTimeline();
  /** Per tick: 1 when the SLO held over the window ending there. */
  readonly sloMet: number[] = [];
  /** Per completed step: busy cores per service. */
  readonly history: Float64Array[] = [];
  private cvSum = 0;
  private cvCount = 0;
  private stepStart = 0;
  private stepLoadArea = 0;
  /** Busy server-seconds of each replica at the start of the current step (0 for replicas created since). */
  private stepStartBusy: number[] = [];
  private bucketStart = 0;
  private bucketBusy = 0;
  private bucketRunningArea = 0;
  private bucketAliveArea = 0;
  private controlTime = 0;
  private readonly controlBusy: Float64Array;

  constructor(
    private readonly replicas: ReplicaTable,
    private readonly recorder: ResponseRecorder,
    private readonly stepSeconds: number,
    private readonly onStep: ((sample: StepSample) => void) | undefined,
  ) {
    this.controlBusy = new Float64Array(replicas.services);
  }

  /** Total busy server-seconds of each service up to `now`. */
  serviceBusy(now: number): Float64Array {
    const busy = new Float64Array(this.replicas.services);
    for (let r = 0; r < this.replicas.count; r += 1) {
      const s = this.replicas.service[r] as number;
      busy[s] = (busy[s] ?? 0) + this.replicas.busyAreaAt(r, now);
    }
    return busy;
  }

  /** Ends a tick: records whether the SLO held over its window. */
  tick(inFlight: number): void {
    this.sloMet.push(this.recorder.closeTick(inFlight) ? 1 : 0);
  }

  /** Ends a metrics step: CPU per service, the load-balance CV of the step, and the sample for onStep. */
  closeStep(now: number, loadArea: number, calls: TracedCall[]): void {
    const { replicas } = this;
    const length = now - this.stepStart;
    const cpu = new Float64Array(replicas.services);
    const perService: number[][] = Array.from({ length: replicas.services }, () => []);
    for (let r = 0; r < replicas.count; r += 1) {
      const s = replicas.service[r] as number;
      const busy = replicas.busyAreaAt(r, now) - (this.stepStartBusy[r] ?? 0);
      cpu[s] = (cpu[s] ?? 0) + busy / length;
      const wholeStep = replicas.state[r] === READY && (replicas.readySince[r] as number) <= this.stepStart;
      if (wholeStep) perService[s]?.push(busy / ((replicas.servers[r] as number) * length));
      this.stepStartBusy[r] = replicas.busyAreaAt(r, now);
    }
    for (const utilisations of perService) this.addCv(utilisations);
    this.history.push(cpu);
    const responses = this.recorder.closeStep();
    const load = (loadArea - this.stepLoadArea) / length;
    this.stepLoadArea = loadArea;
    this.onStep?.({ index: this.history.length - 1, cpuCores: cpu, load, responses, calls });
    this.stepStart = now;
  }

  /** Ends a timeline bucket (also the partial one at the end of the run). */
  closeBucket(now: number): void {
    const length = now - this.bucketStart;
    if (length <= 0) return;
    this.replicas.integrate(now);
    let busy = 0;
    for (let r = 0; r < this.replicas.count; r += 1) busy += this.replicas.busyAreaAt(r, now);
    const running = this.replicas.runningArea - this.bucketRunningArea;
    const responses = this.recorder.closeBucket();
    this.timeline.t.push(this.bucketStart);
    this.timeline.arrivalsPerSecond.push(responses.issued / length);
    this.timeline.meanResponseMs.push(responses.meanMs);
    this.timeline.p99ResponseMs.push(responses.p99Ms);
    this.timeline.utilisation.push(running > 0 ? (busy - this.bucketBusy) / running : 0);
    this.timeline.replicas.push((this.replicas.aliveArea - this.bucketAliveArea) / length);
    this.bucketStart = now;
    this.bucketBusy = busy;
    this.bucketRunningArea = this.replicas.runningArea;
    this.bucketAliveArea = this.replicas.aliveArea;
  }

  /** The state a policy decides on: replicas per service and CPU used since its previous decision. */
  controlView(now: number, coresPerReplica: readonly number[], names: readonly string[]): ControlView {
    const { replicas } = this;
    const busy = this.serviceBusy(now);
    const period = now - this.controlTime;
    const services: ServiceView[] = names.map((name, s) => ({
      name,
      coresPerReplica: coresPerReplica[s] ?? 1,
      replicas: 0,
      ready: 0,
      starting: 0,
      usageCores: period > 0 ? ((busy[s] ?? 0) - (this.controlBusy[s] ?? 0)) / period : 0,
    }));
    for (let r = 0; r < replicas.count; r += 1) {
      const service = services[replicas.service[r] as number];
      if (service === undefined) continue;
      const state = replicas.state[r];
      if (state === READY) service.ready += 1;
      else if (state === STARTING) service.starting += 1;
    }
    for (const service of services) service.replicas = service.ready + service.starting;
    this.controlBusy.set(busy);
    this.controlTime = now;
    return {
      timeSeconds: now,
      periodSeconds: period,
      services,
      history: this.history,
      stepSeconds: this.stepSeconds,
    };
  }

  /** Mean over steps and services of the CV of per-replica utilisation (services with ≥ 2 replicas). */
  get loadBalanceCv(): number {
    return this.cvCount === 0 ? 0 : this.cvSum / this.cvCount;
  }

  private addCv(utilisations: readonly number[]): void {
    if (utilisations.length < 2) return;
    const mean = utilisations.reduce((sum, u) => sum + u, 0) / utilisations.length;
    if (!(mean > 0)) return;
    const variance = utilisations.reduce((sum, u) => sum + (u - mean) ** 2, 0) / utilisations.length;
    this.cvSum += Math.sqrt(variance) / mean;
    this.cvCount += 1;
  }
}
