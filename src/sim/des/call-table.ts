// Calls and requests in flight, as parallel typed arrays with free lists: the event loop allocates no objects
// per request or call, and an event names a call by its index.
import { growFields, SlotPool } from './typed-growth.js';

/** Where a call is. */
export const FREE = 0;
/** Waiting in its replica's queue. */
export const QUEUED = 1;
/** Being served by one of its replica's servers (its own work). */
export const IN_SERVICE = 2;
/** Own work done; waiting for the downstream call it made to answer. */
export const CALLING = 3;

const INITIAL_CAPACITY = 1024;

/** One call to one service: the request's entry call (a root) or a downstream call made by `parent`. */
export class CallTable {
  /** The instruction that made it (call-program.ts), or -1 - endpoint for a request's entry call. */
  instruction = new Int32Array(INITIAL_CAPACITY);
  service = new Int32Array(INITIAL_CAPACITY);
  replica = new Int32Array(INITIAL_CAPACITY);
  /** The next instruction of its own program to run, and the program's end. */
  pc = new Int32Array(INITIAL_CAPACITY);
  end = new Int32Array(INITIAL_CAPACITY);
  /** The caller's call, -1 for an entry call. */
  parent = new Int32Array(INITIAL_CAPACITY);
  request = new Int32Array(INITIAL_CAPACITY);
  state = new Uint8Array(INITIAL_CAPACITY);
  /** 1 once retried after its replica crashed: a second failure fails the call. */
  retried = new Uint8Array(INITIAL_CAPACITY);
  /** 1 when a retry replaced it: its answer is dropped when its downstream call returns. */
  orphan = new Uint8Array(INITIAL_CAPACITY);
  /** The next call in its replica's queue. */
  next = new Int32Array(INITIAL_CAPACITY);
  /** Identifies the service-completion event of its current service, so a crashed one is recognised as stale. */
  token = new Int32Array(INITIAL_CAPACITY);
  /** When the call was made (traces) and when it joined its replica's queue (waiting time). */
  madeAt = new Float64Array(INITIAL_CAPACITY);
  enqueuedAt = new Float64Array(INITIAL_CAPACITY);
  private readonly pool = new SlotPool();

  get inUse(): number {
    return this.pool.inUse;
  }

  /** Ids ever used: a scan over 0..highWater visits every call in flight. */
  get highWater(): number {
    return this.pool.highWater;
  }

  allocate(): number {
    const id = this.pool.take();
    if (id >= this.state.length) growFields(this, CALL_FIELDS, this.state.length * 2);
    this.retried[id] = 0;
    this.orphan[id] = 0;
    this.next[id] = -1;
    return id;
  }

  release(id: number): void {
    this.state[id] = FREE;
    this.pool.give(id);
  }
}

const CALL_FIELDS = [
  'instruction',
  'service',
  'replica',
  'pc',
  'end',
  'parent',
  'request',
  'state',
  'retried',
  'orphan',
  'next',
  'token',
  'madeAt',
  'enqueuedAt',
] as const satisfies readonly (keyof CallTable)[];

/** One end-to-end request of a client (closed loop) or of the arrival process (open loop). */
export class RequestTable {
  startedAt = new Float64Array(INITIAL_CAPACITY);
  /** 1 when its calls are recorded as a trace (a few per metrics step). */
  traced = new Uint8Array(INITIAL_CAPACITY);
  /** 1 when a closed-loop client sent it (the client thinks and sends again when it ends). */
  fromClient = new Uint8Array(INITIAL_CAPACITY);
  /** Identifies the request in traces. */
  serial = new Float64Array(INITIAL_CAPACITY);
  private readonly pool = new SlotPool();

  get inUse(): number {
    return this.pool.inUse;
  }

  allocate(): number {
    const id = this.pool.take();
    if (id >= this.startedAt.length) growFields(this, REQUEST_FIELDS, this.startedAt.length * 2);
    return id;
  }

  release(id: number): void {
    this.pool.give(id);
  }
}

const REQUEST_FIELDS = [
  'startedAt',
  'traced',
  'fromClient',
  'serial',
] as const satisfies readonly (keyof RequestTable)[];
