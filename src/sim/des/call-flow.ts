// The request-level half of the simulation: requests walking their call trees through replica queues.
//
// A request enters at its endpoint's entry service (drawn by the mix) and walks its call tree
// (call-program.ts). A call joins the FIFO queue of one ready replica of its service, chosen by the policy's
// balancing — round-robin, or the less loaded (calls waiting or in service per server) of two replicas drawn
// at random (Envoy's LEAST_REQUEST) — is served by one of the replica's servers for a time of mean latencyMs
// (exponential by default; × the replica's slowdown during a latency fault), and then makes its downstream
// calls one after another; its caller goes on when it answers. Network time is not modelled. A call that
// finds no ready replica fails, and a failed call fails its request (the callers above it give up).
//
// When a replica crashes (evacuate): the calls queued or in service on it are retried once on another ready
// replica; those it was serving that wait for a downstream answer are replaced by a retry on another replica
// (their downstream calls finish, and are dropped). A call already retried, or with no replica left, fails.
import type { Random } from '../../core/random.js';
import { CALLING, CallTable, FREE, IN_SERVICE, QUEUED, RequestTable } from './call-table.js';
import type { CompiledTopology } from './call-program.js';
import { SERVICE_DONE } from './event-kinds.js';
import type { EventQueue } from './event-queue.js';
import { DRAINING, DEAD, type ReplicaTable } from './replica-table.js';
import type { ResponseRecorder } from './response-recorder.js';
import type { TracedCall } from './run-observer.js';
import { LOGNORMAL_SIGMA, type ServiceTime } from './scenario.js';

/** Service-time distributions as small integers, so the hot path compares numbers. */
const SERVICE_TIME_CODES: Record<ServiceTime, number> = { exponential: 0, lognormal: 1, deterministic: 2 };
const EXPONENTIAL = 0;
const LOGNORMAL = 1;

export interface CallFlowSettings {
  seed: number;
  program: CompiledTopology;
  replicas: ReplicaTable;
  queue: EventQueue;
  recorder: ResponseRecorder;
  /** Per service, in the program's order. */
  meanServiceSeconds: Float64Array;
  serviceTime: ServiceTime;
  leastLoaded: boolean;
  tracesPerStep: number;
  /** Random streams: the request mix and call outcomes, service times, balancing. */
  callRandom: Random;
  serviceRandom: Random;
  balanceRandom: Random;
  /** Called when a closed-loop client's request ends (answered or failed). */
  onClientRequestDone: () => void;
}

export class CallFlow {
  /** Simulated time of the event being handled; the event loop sets it. */
  now = 0;
  readonly calls = new CallTable();
  readonly requests = new RequestTable();
  /** Per service: calls that started service, their summed queue wait and service time (seconds). */
  readonly served: Float64Array;
  readonly waitSum: Float64Array;
  readonly serviceSum: Float64Array;
  /** Calls retried after a crash, and calls that failed. */
  retries = 0;
  failedCalls = 0;
  private readonly program: CompiledTopology;
  private readonly replicas: ReplicaTable;
  private readonly queue: EventQueue;
  private readonly recorder: ResponseRecorder;
  private readonly meanServiceSeconds: Float64Array;
  private readonly serviceTime: number;
  private readonly leastLoaded: boolean;
  private readonly callRandom: Random;
  private readonly serviceRandom: Random;
  private readonly balanceRandom: Random;
  private readonly onClientRequestDone: () => void;
  private readonly seed: number;
  private readonly roundRobin: Int32Array;
  private readonly endpointCumulative: Float64Array;
  private readonly tracesPerStep: number;
  private tracedThisStep = 0;
  private traces: TracedCall[] = [];
  private requestSerial = 0;
  private token = 0;

  constructor(settings: CallFlowSettings) {
    this.program = settings.program;
    this.replicas = settings.replicas;
    this.queue = settings.queue;
    this.recorder = settings.recorder;
    this.meanServiceSeconds = settings.meanServiceSeconds;
    this.serviceTime = SERVICE_TIME_CODES[settings.serviceTime];
    this.leastLoaded = settings.leastLoaded;
    this.callRandom = settings.callRandom;
    this.serviceRandom = settings.serviceRandom;
    this.balanceRandom = settings.balanceRandom;
    this.onClientRequestDone = settings.onClientRequestDone;
    this.seed = settings.seed;
    this.tracesPerStep = settings.tracesPerStep;
    const n = settings.program.services.length;
    this.roundRobin = new Int32Array(n);
    this.served = new Float64Array(n);
    this.waitSum = new Float64Array(n);
    this.serviceSum = new Float64Array(n);
    let total = 0;
    this.endpointCumulative = Float64Array.from(
      settings.program.endpoints,
      (endpoint) => (total += endpoint.weight),
    );
  }

  /** The traced calls since the last take, and a fresh trace quota for the next metrics step. */
  takeTraces(): TracedCall[] {
    const traces = this.traces;
    this.traces = [];
    this.tracedThisStep = 0;
    return traces;
  }

  /** A crash took `replica` down (its queue and servers already emptied): retry or fail the calls it held. */
  evacuate(replica: number): void {
    const calls = this.calls;
    const affected: number[] = [];
    for (let call = 0; call < calls.highWater; call += 1) {
      if (calls.state[call] !== FREE && calls.replica[call] === replica && calls.orphan[call] === 0)
        affected.push(call);
    }
    for (const call of affected) {
      // Failing one call can finish others of the same request; skip those.
      const state = calls.state[call];
      if (state === FREE || calls.replica[call] !== replica || calls.orphan[call] === 1) continue;
      if (state === CALLING) this.replaceCalling(call);
      else this.retryServed(call);
    }
  }

  sendRequest(fromClient: number): void {
    const requests = this.requests;
    const request = requests.allocate();
    requests.startedAt[request] = this.now;
    requests.fromClient[request] = fromClient;
    requests.serial[request] = this.requestSerial;
    this.requestSerial += 1;
    const traced = this.tracedThisStep < this.tracesPerStep;
    requests.traced[request] = traced ? 1 : 0;
    if (traced) this.tracedThisStep += 1;
    this.recorder.issued();
    const cumulative = this.endpointCumulative;
    const draw = this.callRandom.uniform() * (cumulative[cumulative.length - 1] as number);
    let endpoint = 0;
    while (endpoint < cumulative.length - 1 && draw >= (cumulative[endpoint] as number)) endpoint += 1;
    const entry = this.program.endpoints[endpoint]!;
    const call = this.newCall(
      -1 - endpoint,
      entry.service,
      entry.programStart,
      entry.programEnd,
      -1,
      request,
    );
    if (!this.dispatch(call)) this.failNewCall(call, -1, request);
  }

  private requestDone(request: number, ok: boolean): void {
    const requests = this.requests;
    this.recorder.finished(this.now - (requests.startedAt[request] as number), ok);
    const fromClient = requests.fromClient[request] === 1;
    requests.release(request);
    if (fromClient) this.onClientRequestDone();
  }

  // ---- calls ------------------------------------------------------------------------------------------

  private newCall(
    instruction: number,
    service: number,
    start: number,
    end: number,
    parent: number,
    request: number,
  ): number {
    const calls = this.calls;
    const call = calls.allocate();
    calls.instruction[call] = instruction;
    calls.service[call] = service;
    calls.pc[call] = start;
    calls.end[call] = end;
    calls.parent[call] = parent;
    calls.request[call] = request;
    calls.madeAt[call] = this.now;
    return call;
  }

  /** Puts a call in the queue of a ready replica of its service; false when the service has none. */
  private dispatch(call: number): boolean {
    const calls = this.calls;
    const replicas = this.replicas;
    const service = calls.service[call] as number;
    const ready = replicas.ready[service] as number[];
    const n = ready.length;
    if (n === 0) return false;
    let replica: number;
    if (n === 1) {
      replica = ready[0] as number;
    } else if (this.leastLoaded) {
      const first = Math.floor(this.balanceRandom.uniform() * n);
      let second = Math.floor(this.balanceRandom.uniform() * (n - 1));
      if (second >= first) second += 1;
      const a = ready[first] as number;
      const b = ready[second] as number;
      const loadA =
        ((replicas.queueLength[a] as number) + (replicas.busy[a] as number)) /
        (replicas.servers[a] as number);
      const loadB =
        ((replicas.queueLength[b] as number) + (replicas.busy[b] as number)) /
        (replicas.servers[b] as number);
      replica = loadB < loadA ? b : a;
    } else {
      const cursor = (this.roundRobin[service] as number) % n;
      this.roundRobin[service] = cursor + 1;
      replica = ready[cursor] as number;
    }
    calls.replica[call] = replica;
    calls.enqueuedAt[call] = this.now;
    if ((replicas.busy[replica] as number) < (replicas.servers[replica] as number)) {
      this.startService(call, replica);
    } else {
      calls.state[call] = QUEUED;
      calls.next[call] = -1;
      const tail = replicas.queueTail[replica] as number;
      if (tail < 0) replicas.queueHead[replica] = call;
      else calls.next[tail] = call;
      replicas.queueTail[replica] = call;
      replicas.queueLength[replica] = (replicas.queueLength[replica] as number) + 1;
    }
    return true;
  }

  private startService(call: number, replica: number): void {
    const calls = this.calls;
    const service = calls.service[call] as number;
    this.replicas.changeBusy(replica, this.now, 1);
    calls.state[call] = IN_SERVICE;
    const mean = (this.meanServiceSeconds[service] as number) * (this.replicas.slowdown[replica] as number);
    const time =
      this.serviceTime === EXPONENTIAL
        ? this.serviceRandom.exponential(mean)
        : this.serviceTime === LOGNORMAL
          ? mean *
            Math.exp(LOGNORMAL_SIGMA * this.serviceRandom.normal() - (LOGNORMAL_SIGMA * LOGNORMAL_SIGMA) / 2)
          : mean;
    this.token = (this.token + 1) | 0;
    calls.token[call] = this.token;
    this.waitSum[service] =
      (this.waitSum[service] as number) + (this.now - (calls.enqueuedAt[call] as number));
    this.serviceSum[service] = (this.serviceSum[service] as number) + time;
    this.served[service] = (this.served[service] as number) + 1;
    this.queue.push(this.now + time, SERVICE_DONE, call, this.token);
  }

  serviceDone(call: number, token: number): void {
    const calls = this.calls;
    if (calls.token[call] !== token || calls.state[call] !== IN_SERVICE) return; // its replica crashed
    const replicas = this.replicas;
    const replica = calls.replica[call] as number;
    replicas.changeBusy(replica, this.now, -1);
    const head = replicas.queueHead[replica] as number;
    if (head >= 0) {
      replicas.queueHead[replica] = calls.next[head] as number;
      if ((calls.next[head] as number) < 0) replicas.queueTail[replica] = -1;
      replicas.queueLength[replica] = (replicas.queueLength[replica] as number) - 1;
      this.startService(head, replica);
    } else if (replicas.state[replica] === DRAINING && replicas.busy[replica] === 0) {
      replicas.setState(replica, DEAD, this.now);
    }
    calls.state[call] = CALLING;
    this.advance(call);
  }

  /** Makes the call's next downstream call, or answers its caller when its program is done. */
  private advance(call: number): void {
    const calls = this.calls;
    const program = this.program;
    let pc = calls.pc[call] as number;
    const end = calls.end[call] as number;
    while (pc < end) {
      const probability = program.probability[pc] as number;
      if (probability < 1 && this.callRandom.uniform() >= probability) {
        pc += program.groupLength[pc] as number;
        continue;
      }
      calls.pc[call] = pc;
      const child = this.newCall(
        pc,
        program.service[pc] as number,
        program.programStart[pc] as number,
        program.programEnd[pc] as number,
        call,
        calls.request[call] as number,
      );
      if (!this.dispatch(child)) this.failNewCall(child, call, calls.request[call] as number);
      return;
    }
    calls.pc[call] = pc;
    this.finishCall(call, true);
  }

  /** A call that found no ready replica fails (its one retry would find none either). */
  private failNewCall(call: number, parent: number, request: number): void {
    this.failedCalls += 1;
    this.calls.release(call);
    if (parent >= 0) this.childAnswered(parent, false);
    else this.requestDone(request, false);
  }

  private childAnswered(call: number, ok: boolean): void {
    const calls = this.calls;
    if (calls.orphan[call] === 1) {
      calls.release(call); // a retry replaced it; its caller waits for the retry instead
      return;
    }
    if (!ok) {
      this.finishCall(call, false);
      return;
    }
    const pc = calls.pc[call] as number;
    let next = pc + 1;
    const miss = this.program.missLength[pc] as number;
    if (miss > 0 && this.callRandom.uniform() < (this.program.hitRate[pc] as number)) next += miss;
    calls.pc[call] = next;
    this.advance(call);
  }

  private finishCall(call: number, ok: boolean): void {
    const calls = this.calls;
    const parent = calls.parent[call] as number;
    const request = calls.request[call] as number;
    if (ok && parent >= 0 && this.requests.traced[request] === 1) this.trace(call, parent, request);
    calls.release(call);
    if (parent >= 0) this.childAnswered(parent, ok);
    else this.requestDone(request, ok);
  }

  private trace(call: number, parent: number, request: number): void {
    const calls = this.calls;
    this.traces.push({
      traceId: `${this.seed.toString(16)}-${(this.requests.serial[request] as number).toString(16).padStart(8, '0')}`,
      um: calls.service[parent] as number,
      dm: calls.service[call] as number,
      rpcType:
        this.program.rpcTypes[this.program.rpcType[calls.instruction[call] as number] as number] ?? 'http',
      rtMs: (this.now - (calls.madeAt[call] as number)) * 1000,
    });
  }

  /** A call queued or in service on a crashed replica: retried once elsewhere, else it fails. */
  private retryServed(call: number): void {
    const calls = this.calls;
    calls.replica[call] = -1;
    if (calls.retried[call] === 0) {
      calls.retried[call] = 1;
      this.retries += 1;
      if (this.dispatch(call)) return;
    }
    this.failedCalls += 1;
    this.finishCall(call, false);
  }

  /** A call waiting for a downstream answer on a crashed replica: a retry replaces it, or it fails. */
  private replaceCalling(call: number): void {
    const calls = this.calls;
    calls.orphan[call] = 1;
    const parent = calls.parent[call] as number;
    const request = calls.request[call] as number;
    if (calls.retried[call] === 0) {
      const instruction = calls.instruction[call] as number;
      const entry = instruction < 0 ? this.program.endpoints[-1 - instruction]! : undefined;
      const retry = this.newCall(
        instruction,
        calls.service[call] as number,
        entry?.programStart ?? (this.program.programStart[instruction] as number),
        entry?.programEnd ?? (this.program.programEnd[instruction] as number),
        parent,
        request,
      );
      calls.retried[retry] = 1;
      this.retries += 1;
      if (this.dispatch(retry)) return;
      calls.release(retry);
    }
    this.failedCalls += 1;
    if (parent >= 0) this.childAnswered(parent, false);
    else this.requestDone(request, false);
  }
}
