// A set that remembers only the most recent keys (first in, first out), for duplicate detection in streams
// too large to remember entirely.
export class RecentKeys {
  private readonly keys = new Set<string>();
  /**
   * The same keys in arrival order, as a ring. Evicting through the ring rather than `set.values().next()`
   * matters: V8 keeps deleted entries in a Set's iteration order until it rehashes, so taking the "first"
   * key walks past every key deleted since — quadratic once the window is full (measured in bench:import).
   */
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(private readonly capacity: number) {
    this.ring = new Array<string | undefined>(capacity);
  }

  /** Adds the key; false when it was already among the recent keys. */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.keys.delete(evicted);
    this.ring[this.next] = key;
    this.next = (this.next + 1) % this.capacity;
    this.keys.add(key);
    return true;
  }
}
