// Growth and slot reuse for the simulation's typed-array tables (struct-of-arrays: one typed array per
// field, indexed by id). Capacity doubles, so growth costs O(1) amortised; freed ids are reused first.

type TypedArray = Float64Array | Int32Array | Uint8Array;

/** Replaces each named typed-array field of `table` by a copy of `capacity` elements. */
export function growFields(table: object, fields: readonly string[], capacity: number): void {
  const record = table as Record<string, TypedArray>;
  for (const field of fields) {
    const old = record[field] as TypedArray;
    const next = new (old.constructor as new (length: number) => TypedArray)(capacity);
    next.set(old);
    record[field] = next;
  }
}

/** Hands out ids of a table: a freed id first, else the next unused one. */
export class SlotPool {
  private links = new Int32Array(1024);
  private freeHead = -1;
  private used = 0;
  inUse = 0;

  /** An id to use; when it is at or past the table's capacity, the table must grow before using it. */
  take(): number {
    let id = this.freeHead;
    if (id >= 0) {
      this.freeHead = this.links[id] as number;
    } else {
      id = this.used;
      this.used += 1;
      if (id >= this.links.length) growFields(this, ['links'], this.links.length * 2);
    }
    this.inUse += 1;
    return id;
  }

  give(id: number): void {
    this.links[id] = this.freeHead;
    this.freeHead = id;
    this.inUse -= 1;
  }

  /** Ids ever handed out: every id in use is below it. */
  get highWater(): number {
    return this.used;
  }
}
