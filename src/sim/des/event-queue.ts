// The future-event list of the discrete-event simulation: a binary min-heap of timestamped events, ordered by
// time and, for equal times, by insertion order, so that a run is a pure function of its seed.
//
// Why a hand-written heap on typed arrays: every simulated call pushes and pops one or two events, so this is
// the innermost loop (millions of operations per simulated hour). An array of event objects with a comparator
// allocates one object per event and makes V8 chase pointers on every comparison; here an event is five
// numbers in parallel typed arrays (time, sequence, kind and two integer payloads), nothing is allocated per
// event, and sift-up/down move a hole instead of swapping, so each level costs one copy. The payloads are
// indices into the simulation's own typed-array tables (a call, a replica), which keeps this class
// monomorphic and free of generics.

import { growFields } from './typed-growth.js';

const INITIAL_CAPACITY = 1024;

export class EventQueue {
  private times = new Float64Array(INITIAL_CAPACITY);
  /** Insertion sequence numbers: a double counts exactly up to 2^53, far beyond any run. */
  private sequences = new Float64Array(INITIAL_CAPACITY);
  private kinds = new Int32Array(INITIAL_CAPACITY);
  private payloadsA = new Int32Array(INITIAL_CAPACITY);
  private payloadsB = new Int32Array(INITIAL_CAPACITY);
  private count = 0;
  private nextSequence = 0;

  /** The event taken by the last successful pop(). */
  time = 0;
  kind = 0;
  a = 0;
  b = 0;

  get size(): number {
    return this.count;
  }

  /** Time of the earliest event, or Infinity when empty. */
  peekTime(): number {
    return this.count === 0 ? Infinity : (this.times[0] as number);
  }

  push(time: number, kind: number, a: number, b: number): void {
    if (!(time === time)) throw new RangeError('event time is NaN');
    if (this.count === this.times.length) this.grow();
    const sequence = this.nextSequence;
    this.nextSequence += 1;
    const times = this.times;
    const sequences = this.sequences;
    let hole = this.count;
    this.count += 1;
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      const parentTime = times[parent] as number;
      if (parentTime < time || (parentTime === time && (sequences[parent] as number) < sequence)) break;
      this.move(parent, hole);
      hole = parent;
    }
    this.place(hole, time, sequence, kind, a, b);
  }

  /** Removes the earliest event into time/kind/a/b; false when the queue is empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    const times = this.times;
    const sequences = this.sequences;
    this.time = times[0] as number;
    this.kind = this.kinds[0] as number;
    this.a = this.payloadsA[0] as number;
    this.b = this.payloadsB[0] as number;
    this.count -= 1;
    const last = this.count;
    if (last === 0) return true;
    // Sift the last element down from the root.
    const time = times[last] as number;
    const sequence = sequences[last] as number;
    const kind = this.kinds[last] as number;
    const a = this.payloadsA[last] as number;
    const b = this.payloadsB[last] as number;
    let hole = 0;
    for (;;) {
      let child = 2 * hole + 1;
      if (child >= last) break;
      const right = child + 1;
      if (right < last) {
        const leftTime = times[child] as number;
        const rightTime = times[right] as number;
        if (
          rightTime < leftTime ||
          (rightTime === leftTime && (sequences[right] as number) < (sequences[child] as number))
        ) {
          child = right;
        }
      }
      const childTime = times[child] as number;
      if (time < childTime || (time === childTime && sequence < (sequences[child] as number))) break;
      this.move(child, hole);
      hole = child;
    }
    this.place(hole, time, sequence, kind, a, b);
    return true;
  }

  clear(): void {
    this.count = 0;
    this.nextSequence = 0;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from] as number;
    this.sequences[to] = this.sequences[from] as number;
    this.kinds[to] = this.kinds[from] as number;
    this.payloadsA[to] = this.payloadsA[from] as number;
    this.payloadsB[to] = this.payloadsB[from] as number;
  }

  private place(at: number, time: number, sequence: number, kind: number, a: number, b: number): void {
    this.times[at] = time;
    this.sequences[at] = sequence;
    this.kinds[at] = kind;
    this.payloadsA[at] = a;
    this.payloadsB[at] = b;
  }

  private grow(): void {
    growFields(this, ['times', 'sequences', 'kinds', 'payloadsA', 'payloadsB'], this.times.length * 2);
  }
}
