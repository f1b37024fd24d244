// One discrete-event run: a topology under a load, with faults, orchestrated by one policy, for one seed.
// This file is the event loop and everything at the level of replicas and the load: closed-loop clients or
// open-loop arrivals, spikes, crashes and latency faults, the policy's decisions and the scaling they cause,
// and the run's results. Requests and calls are call-flow.ts's.
//
// A crash takes the oldest ready replica of its service down; the replica restarts and is ready again after
// the start-up delay (its calls: call-flow.ts). A latency fault slows the oldest ready replica of its service
// for its window. Scaling down removes starting replicas first, then the newest ready ones, which drain their
// queue before they go (a ReplicaSet's deletion order and a graceful termination).
//
// Determinism: separate seeded streams for the load, the request mix and call outcomes, service times and
// balancing; events at equal times run in insertion order. Same seed and policy → identical run.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Random } from '../../core/random.js';
import { ConcurrencySchedule } from '../../profiler/concurrency-schedule.js';
import { CallFlow } from './call-flow.js';
import { compileTopology, type CompiledTopology } from './call-program.js';
import {
  ARRIVAL,
  CLIENT_WAKE,
  CRASH,
  LOAD_CHANGE,
  REPLICA_READY,
  SERVICE_DONE,
  SLOW_END,
  SLOW_START,
  TICK,
} from './event-kinds.js';
import { EventQueue } from './event-queue.js';
import { DEAD, DRAINING, READY, ReplicaTable, STARTING } from './replica-table.js';
import { ResponseRecorder, type ResponseSummary } from './response-recorder.js';
import { recoverySeconds } from './recovery.js';
import { RunObserver, type StepSample } from './run-observer.js';
import { TICK_SECONDS, type Scenario } from './scenario.js';
import type { PolicyTimeline, SimulatedFault } from './simulation-result.js';
import type { OrchestrationPolicy } from './policies/policy-types.js';

export interface RunSettings {
  scenario: Scenario;
  seed: number;
  policy: OrchestrationPolicy;
  /** Requests traced per metrics step (their calls go into StepSample.calls); default 0. */
  tracesPerStep?: number;
  onStep?: (sample: StepSample) => void;
  signal?: AbortSignal;
  /** Called every few hundred thousand events with the simulated seconds done. */
  onProgress?: (simulatedSeconds: number) => void;
}

export interface ServiceOutcome {
  name: string;
  /** Calls that started service, their mean wait in the queue and mean service time. */
  served: number;
  meanWaitMs: number;
  meanServiceMs: number;
  replicaSeconds: number;
  peakReplicas: number;
}

export interface RunOutcome {
  policy: string;
  seed: number;
  /** Events processed and the wall-clock seconds the run took. */
  events: number;
  wallSeconds: number;
  /** Simulated seconds reached (less than the duration when interrupted). */
  simulatedSeconds: number;
  interrupted: boolean;
  responses: ResponseSummary;
  errorRate: number;
  loadBalanceCv: number;
  utilisation: number;
  replicaSeconds: number;
  recoverySeconds: number;
  /** Calls retried after a crash, and calls that failed. */
  retries: number;
  failedCalls: number;
  faults: SimulatedFault[];
  timeline: PolicyTimeline;
  services: ServiceOutcome[];
}

const EVENTS_PER_SLICE = 1 << 17;

export class DesRun {
  private readonly queue = new EventQueue();
  private readonly flow: CallFlow;
  private readonly replicas: ReplicaTable;
  private readonly program: CompiledTopology;
  private readonly recorder: ResponseRecorder;
  private readonly observer: RunObserver;
  private readonly scenario: Scenario;
  private readonly policy: OrchestrationPolicy;
  private readonly loadRandom: Random;
  private readonly schedule: ConcurrencySchedule;
  /** Per service, in ms_id order. */
  private readonly serversPerReplica: Int32Array;
  private readonly peakReplicas: Int32Array;
  private readonly faults: SimulatedFault[] = [];
  private readonly slowedReplica: number[] = [];
  private now = 0;
  private events = 0;
  private targetLevel = 0;
  private activeClients = 0;
  private arrivalGeneration = 0;
  private loadArea = 0;
  private loadAreaTime = 0;
  private ticks = 0;

  constructor(private readonly settings: RunSettings) {
    this.scenario = settings.scenario;
    this.policy = settings.policy;
    this.program = compileTopology(this.scenario.topology);
    const specs = this.program.services.map((name) =>
      this.scenario.topology.services.find((service) => service.name === name)!,
    );
    this.serversPerReplica = Int32Array.from(specs, (spec) => Math.max(1, Math.round(spec.coresPerReplica)));
    this.peakReplicas = Int32Array.from(specs, (spec) => spec.replicas);
    this.replicas = new ReplicaTable(specs.length);
    specs.forEach((spec, s) => {
      for (let k = 0; k < spec.replicas; k += 1)
        this.replicas.add(s, this.serversPerReplica[s] as number, 0, READY);
    });
    const root = Random.fromSeed(settings.seed);
    this.loadRandom = root.stream(0);
    const { load } = this.scenario;
    this.schedule = new ConcurrencySchedule(
      { min: load.min, max: load.max, redrawSeconds: load.redrawSeconds },
      root.stream(4),
    );
    this.recorder = new ResponseRecorder(
      Math.round(this.scenario.sloWindowSeconds / TICK_SECONDS),
      this.scenario.sloMs * 1000,
    );
    this.observer = new RunObserver(this.replicas, this.recorder, this.scenario.stepSeconds, settings.onStep);
    this.flow = new CallFlow({
      seed: settings.seed,
      program: this.program,
      replicas: this.replicas,
      queue: this.queue,
      recorder: this.recorder,
      meanServiceSeconds: Float64Array.from(specs, (spec) => spec.latencyMs / 1000),
      serviceTime: this.scenario.serviceTime,
      leastLoaded: settings.policy.balancing === 'least-loaded',
      tracesPerStep: settings.tracesPerStep ?? 0,
      callRandom: root.stream(1),
      serviceRandom: root.stream(2),
      balanceRandom: root.stream(3),
      onClientRequestDone: () => {
        if (load.kind === 'closed') {
          this.queue.push(this.now + this.loadRandom.exponential(load.thinkMs / 1000), CLIENT_WAKE, 0, 0);
        }
      },
    });
  }

  async run(): Promise<RunOutcome> {
    const started = performance.now();
    const duration = this.scenario.durationSeconds;
    this.scheduleFixedEvents();
    let interrupted = false;
    const queue = this.queue;
    for (;;) {
      let budget = EVENTS_PER_SLICE;
      while (budget > 0 && queue.size > 0 && queue.peekTime() <= duration) {
        queue.pop();
        budget -= 1;
        this.now = queue.time;
        this.flow.now = queue.time;
        this.handle(queue.kind, queue.a, queue.b);
      }
      this.events += EVENTS_PER_SLICE - budget;
      if (budget > 0) break;
      this.settings.onProgress?.(this.now);
      await yieldToEventLoop();
      if (this.settings.signal?.aborted) {
        interrupted = true;
        break;
      }
    }
    if (!interrupted) this.now = duration;
    return this.outcome(interrupted, (performance.now() - started) / 1000);
  }

  private handle(kind: number, a: number, b: number): void {
    switch (kind) {
      case SERVICE_DONE:
        this.flow.serviceDone(a, b);
        break;
      case CLIENT_WAKE:
        this.clientWake();
        break;
      case ARRIVAL:
        if (b === this.arrivalGeneration) this.arrival();
        break;
      case REPLICA_READY:
        if (this.replicas.incarnation[a] === b && this.replicas.state[a] === STARTING) {
          this.replicas.setState(a, READY, this.now);
        }
        break;
      case TICK:
        this.tick();
        break;
      case LOAD_CHANGE:
        this.loadChange();
        break;
      case CRASH:
        this.crash(a);
        break;
      case SLOW_START:
        this.slowStart(a);
        break;
      case SLOW_END:
        this.slowEnd(a);
        break;
    }
  }

  // ---- load -------------------------------------------------------------------------------------------

  private scheduleFixedEvents(): void {
    const { durationSeconds, load, spikes, crashes, latencyFaults } = this.scenario;
    const changes = new Set<number>();
    for (let t = 0; t < durationSeconds; t += load.redrawSeconds) changes.add(t);
    for (const spike of spikes) {
      changes.add(spike.startSeconds);
      changes.add(spike.startSeconds + spike.durationSeconds);
    }
    for (const t of [...changes].sort((x, y) => x - y)) this.queue.push(t, LOAD_CHANGE, 0, 0);
    this.queue.push(TICK_SECONDS, TICK, 0, 0);
    crashes.forEach((crash, index) => this.queue.push(crash.atSeconds, CRASH, index, 0));
    latencyFaults.forEach((fault, index) => {
      this.queue.push(fault.startSeconds, SLOW_START, index, 0);
      this.queue.push(fault.startSeconds + fault.durationSeconds, SLOW_END, index, 0);
    });
  }

  private loadChange(): void {
    let factor = 1;
    for (const spike of this.scenario.spikes) {
      if (this.now >= spike.startSeconds && this.now < spike.startSeconds + spike.durationSeconds)
        factor *= spike.factor;
    }
    const level = this.schedule.at(this.now) * factor;
    this.integrateLoad();
    this.targetLevel = level;
    const load = this.scenario.load;
    if (load.kind === 'closed') {
      const target = Math.round(level);
      while (this.activeClients < target) {
        this.activeClients += 1;
        this.queue.push(this.now + this.loadRandom.exponential(load.thinkMs / 1000), CLIENT_WAKE, 0, 0);
      }
    } else {
      this.arrivalGeneration += 1;
      this.queue.push(this.now + this.loadRandom.exponential(1 / level), ARRIVAL, 0, this.arrivalGeneration);
    }
  }

  private integrateLoad(): void {
    this.loadArea += this.targetLevel * (this.now - this.loadAreaTime);
    this.loadAreaTime = this.now;
  }

  private clientWake(): void {
    // Clients above the current target leave when they wake, so a lower draw takes effect without cutting requests.
    if (this.activeClients > Math.round(this.targetLevel)) {
      this.activeClients -= 1;
      return;
    }
    this.flow.sendRequest(1);
  }

  private arrival(): void {
    this.flow.sendRequest(0);
    this.queue.push(
      this.now + this.loadRandom.exponential(1 / this.targetLevel),
      ARRIVAL,
      0,
      this.arrivalGeneration,
    );
  }

  // ---- faults -----------------------------------------------------------------------------------------

  private crash(index: number): void {
    const crash = this.scenario.crashes[index]!;
    const service = this.program.services.indexOf(crash.service);
    const replica = this.replicas.ready[service]?.[0];
    const fault: SimulatedFault = {
      kind: 'crash',
      service: crash.service,
      startSeconds: this.now,
      endSeconds: this.now,
    };
    this.faults.push(fault);
    if (replica === undefined) return;
    const replicas = this.replicas;
    replicas.changeBusy(replica, this.now, -(replicas.busy[replica] as number));
    replicas.queueHead[replica] = -1;
    replicas.queueTail[replica] = -1;
    replicas.queueLength[replica] = 0;
    this.restart(replica);
    fault.endSeconds = this.now + this.scenario.startupSeconds;
    this.flow.evacuate(replica);
  }

  private restart(replica: number): void {
    const replicas = this.replicas;
    replicas.setState(replica, STARTING, this.now);
    replicas.incarnation[replica] = (replicas.incarnation[replica] as number) + 1;
    replicas.slowdown[replica] = 1;
    this.queue.push(
      this.now + this.scenario.startupSeconds,
      REPLICA_READY,
      replica,
      replicas.incarnation[replica] as number,
    );
  }

  private slowStart(index: number): void {
    const fault = this.scenario.latencyFaults[index]!;
    const service = this.program.services.indexOf(fault.service);
    const replica = this.replicas.ready[service]?.[0] ?? -1;
    this.slowedReplica[index] = replica;
    if (replica >= 0) this.replicas.slowdown[replica] = fault.factor;
    this.faults.push({
      kind: 'latency',
      service: fault.service,
      startSeconds: fault.startSeconds,
      endSeconds: fault.startSeconds + fault.durationSeconds,
    });
  }

  private slowEnd(index: number): void {
    const replica = this.slowedReplica[index] ?? -1;
    if (replica >= 0) this.replicas.slowdown[replica] = 1;
  }

  // ---- housekeeping and control ---------------------------------------------------------------------

  private tick(): void {
    this.ticks += 1;
    const seconds = this.ticks * TICK_SECONDS;
    const { stepSeconds, bucketSeconds, durationSeconds } = this.scenario;
    this.observer.tick(this.flow.requests.inUse);
    if (seconds % stepSeconds === 0) {
      this.integrateLoad();
      this.observer.closeStep(this.now, this.loadArea, this.flow.takeTraces());
    }
    if (seconds % bucketSeconds === 0 || seconds >= durationSeconds) this.observer.closeBucket(this.now);
    const period = this.policy.periodSeconds;
    if (period > 0 && seconds % period === 0) this.control();
    if (seconds + TICK_SECONDS <= durationSeconds) this.queue.push(this.now + TICK_SECONDS, TICK, 0, 0);
  }

  private control(): void {
    const coresPerReplica = Array.from(this.serversPerReplica);
    const view = this.observer.controlView(this.now, coresPerReplica, this.program.services);
    const desired = this.policy.decide(view);
    view.services.forEach((service, s) => {
      const target = desired[s] ?? service.replicas;
      if (target !== service.replicas) this.scale(s, target);
    });
  }

  /** Starts or removes replicas of service `s` so that `target` are starting or ready. */
  private scale(s: number, target: number): void {
    const replicas = this.replicas;
    const active = replicas.activeOf(s);
    for (let k = active.length; k < target; k += 1) {
      const replica = replicas.add(s, this.serversPerReplica[s] as number, this.now, STARTING);
      this.queue.push(this.now + this.scenario.startupSeconds, REPLICA_READY, replica, 0);
    }
    if (target > active.length) {
      this.peakReplicas[s] = Math.max(this.peakReplicas[s] as number, target);
      return;
    }
    // Remove starting replicas first, then the newest ready ones (a ReplicaSet's deletion order).
    const order = [
      ...active.filter((r) => replicas.state[r] === STARTING).reverse(),
      ...active.filter((r) => replicas.state[r] === READY).reverse(),
    ];
    for (const replica of order.slice(0, active.length - target)) {
      if (replicas.state[replica] === STARTING) {
        replicas.incarnation[replica] = (replicas.incarnation[replica] as number) + 1;
        replicas.setState(replica, DEAD, this.now);
      } else {
        replicas.setState(replica, DRAINING, this.now);
        if (replicas.busy[replica] === 0 && replicas.queueLength[replica] === 0)
          replicas.setState(replica, DEAD, this.now);
      }
    }
  }

  // ---- results ----------------------------------------------------------------------------------------

  private outcome(interrupted: boolean, wallSeconds: number): RunOutcome {
    const now = this.now;
    const replicas = this.replicas;
    replicas.integrate(now);
    let busy = 0;
    for (let r = 0; r < replicas.count; r += 1) busy += replicas.busyAreaAt(r, now);
    const responses = this.recorder.summary();
    const finished = responses.completed + responses.failed;
    const { sloWindowSeconds } = this.scenario;
    const recoveries = this.faults.map((fault) =>
      recoverySeconds(this.observer.sloMet, TICK_SECONDS, sloWindowSeconds, fault, now),
    );
    const services = this.program.services.map((name, s): ServiceOutcome => {
      let replicaSeconds = 0;
      for (let r = 0; r < replicas.count; r += 1) {
        if (replicas.service[r] === s) {
          replicaSeconds +=
            Math.min(now, replicas.removedAt[r] as number) - (replicas.createdAt[r] as number);
        }
      }
      const served = this.flow.served[s] as number;
      return {
        name,
        served,
        meanWaitMs: served > 0 ? ((this.flow.waitSum[s] as number) / served) * 1000 : 0,
        meanServiceMs: served > 0 ? ((this.flow.serviceSum[s] as number) / served) * 1000 : 0,
        replicaSeconds,
        peakReplicas: this.peakReplicas[s] as number,
      };
    });
    return {
      policy: this.policy.name,
      seed: this.settings.seed,
      events: this.events,
      wallSeconds,
      simulatedSeconds: now,
      interrupted,
      responses,
      errorRate: finished > 0 ? responses.failed / finished : 0,
      loadBalanceCv: this.observer.loadBalanceCv,
      utilisation: replicas.runningArea > 0 ? busy / replicas.runningArea : 0,
      replicaSeconds: replicas.aliveArea,
      recoverySeconds:
        recoveries.length === 0 ? 0 : recoveries.reduce((sum, r) => sum + r, 0) / recoveries.length,
      retries: this.flow.retries,
      failedCalls: this.flow.failedCalls,
      faults: this.faults,
      timeline: this.observer.timeline,
      services,
    };
  }
}
