// Every replica (pod) the simulation has ever started, as parallel typed arrays indexed by replica id.
//
// A replica is a FIFO queue in front of `servers` identical parallel servers, one per core of the topology's
// coresPerReplica (rounded, at least one): an M/M/c station per replica with exponential service. A busy
// server is a busy core, so `busy` servers are `busy` cores of CPU; the busy time is integrated exactly at
// every change (`busyArea`, server-seconds), from which utilisation, CPU per step and load balance follow.
//
// Life cycle: STARTING (created or restarting after a crash; costs replica-seconds, serves nothing) → READY
// (in its service's ready list, receives calls) → DRAINING (scaled down: no new calls, finishes its queue) →
// DEAD. Ids are never reused, so dead replicas keep their totals. A crash sends a READY replica back to
// STARTING (the container restarts).
import { growFields } from './typed-growth.js';

export const STARTING = 0;
export const READY = 1;
export const DRAINING = 2;
export const DEAD = 3;

const INITIAL_CAPACITY = 64;

/** Serving calls: READY, or DRAINING its queue. */
function running(state: number): boolean {
  return state === READY || state === DRAINING;
}

export class ReplicaTable {
  count = 0;
  service = new Int32Array(INITIAL_CAPACITY);
  state = new Uint8Array(INITIAL_CAPACITY);
  servers = new Int32Array(INITIAL_CAPACITY);
  busy = new Int32Array(INITIAL_CAPACITY);
  /** FIFO of waiting calls, linked through the call table's `next`. */
  queueHead = new Int32Array(INITIAL_CAPACITY);
  queueTail = new Int32Array(INITIAL_CAPACITY);
  queueLength = new Int32Array(INITIAL_CAPACITY);
  /** Server-seconds busy up to lastChange. */
  busyArea = new Float64Array(INITIAL_CAPACITY);
  lastChange = new Float64Array(INITIAL_CAPACITY);
  /** Service-time multiplier (a latency fault); 1 when healthy. */
  slowdown = new Float64Array(INITIAL_CAPACITY);
  /** Bumped at every (re)start, so a stale "ready" event of an earlier start is ignored. */
  incarnation = new Int32Array(INITIAL_CAPACITY);
  /** When the replica became ready (its current incarnation), for load-balance windows. */
  readySince = new Float64Array(INITIAL_CAPACITY);
  createdAt = new Float64Array(INITIAL_CAPACITY);
  /** When it died; Infinity while alive. */
  removedAt = new Float64Array(INITIAL_CAPACITY);
  /** Per service: ids of its READY replicas, oldest first (the balancer's candidates). */
  readonly ready: number[][];
  /** Replicas alive (not DEAD) and servers running (READY or DRAINING), integrated over time. */
  alive = 0;
  aliveArea = 0;
  runningServers = 0;
  runningArea = 0;
  private areaTime = 0;

  constructor(readonly services: number) {
    this.ready = Array.from({ length: services }, () => []);
  }

  add(service: number, servers: number, now: number, state: number): number {
    if (this.count === this.service.length) this.grow();
    const id = this.count;
    this.count += 1;
    this.service[id] = service;
    this.state[id] = state;
    this.servers[id] = servers;
    this.busy[id] = 0;
    this.queueHead[id] = -1;
    this.queueTail[id] = -1;
    this.queueLength[id] = 0;
    this.busyArea[id] = 0;
    this.lastChange[id] = now;
    this.slowdown[id] = 1;
    this.incarnation[id] = 0;
    this.readySince[id] = now;
    this.createdAt[id] = now;
    this.removedAt[id] = Infinity;
    this.integrate(now);
    this.alive += 1;
    if (state === READY) {
      this.runningServers += servers;
      this.refreshReady(service);
    }
    return id;
  }

  /** Changes the number of busy servers, integrating the busy time up to `now` first. */
  changeBusy(replica: number, now: number, delta: number): void {
    const busy = this.busy[replica] as number;
    this.busyArea[replica] =
      (this.busyArea[replica] as number) + busy * (now - (this.lastChange[replica] as number));
    this.lastChange[replica] = now;
    this.busy[replica] = busy + delta;
  }

  /** Server-seconds busy up to `now`. */
  busyAreaAt(replica: number, now: number): number {
    return (
      (this.busyArea[replica] as number) +
      (this.busy[replica] as number) * (now - (this.lastChange[replica] as number))
    );
  }

  setState(replica: number, state: number, now: number): void {
    const previous = this.state[replica] as number;
    if (previous === state) return;
    this.integrate(now);
    const servers = this.servers[replica] as number;
    this.runningServers += (running(state) ? servers : 0) - (running(previous) ? servers : 0);
    if (state === DEAD) {
      this.alive -= 1;
      this.removedAt[replica] = now;
    }
    this.state[replica] = state;
    if (state === READY) this.readySince[replica] = now;
    if (previous === READY || state === READY) this.refreshReady(this.service[replica] as number);
  }

  /** Brings aliveArea and runningArea up to `now`. */
  integrate(now: number): void {
    const elapsed = now - this.areaTime;
    this.aliveArea += this.alive * elapsed;
    this.runningArea += this.runningServers * elapsed;
    this.areaTime = now;
  }

  /** Replicas of a service that count towards its desired size: STARTING and READY (not draining). */
  activeOf(service: number): number[] {
    const active: number[] = [];
    for (let id = 0; id < this.count; id += 1) {
      if (this.service[id] === service && (this.state[id] === STARTING || this.state[id] === READY)) {
        active.push(id);
      }
    }
    return active;
  }

  private refreshReady(service: number): void {
    const list = this.ready[service] as number[];
    list.length = 0;
    for (let id = 0; id < this.count; id += 1) {
      if (this.service[id] === service && this.state[id] === READY) list.push(id);
    }
  }

  private grow(): void {
    growFields(this, REPLICA_FIELDS, this.service.length * 2);
  }
}

const REPLICA_FIELDS = [
  'service',
  'state',
  'servers',
  'busy',
  'queueHead',
  'queueTail',
  'queueLength',
  'busyArea',
  'lastChange',
  'slowdown',
  'incarnation',
  'readySince',
  'createdAt',
  'removedAt',
] as const satisfies readonly (keyof ReplicaTable)[];
