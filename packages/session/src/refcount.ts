/**
 * Reference counting for the objects a session hands out (perf's evlist/evsel get/put). JS
 * has no destructors, so counts are explicit: `retain()` takes a reference, `release()` or
 * `[Symbol.dispose]` drops one. A released object stays readable; counting below zero throws.
 */
let live = 0;

/** How many references are held across every counted object (0 once everything is disposed). */
export function liveReferences(): number {
  return live;
}

/** Base of the counted objects. */
export abstract class RefCounted {
  #refs = 1;

  constructor() {
    live++;
  }

  /** The number of references held. */
  get refCount(): number {
    return this.#refs;
  }

  /** Takes one more reference and returns this. */
  retain(): this {
    if (this.#refs === 0) throw new RangeError(`${this.constructor.name} was already released`);
    this.#refs++;
    live++;
    return this;
  }

  /** Drops one reference; the last one lets go of what the object holds. */
  release(): void {
    if (this.#refs === 0) throw new RangeError(`${this.constructor.name} released more often than retained`);
    this.#refs--;
    live--;
    if (this.#refs === 0) this.freed();
  }

  /** Drops one reference (for `using`). */
  [Symbol.dispose](): void {
    this.release();
  }

  /** Called when the count reaches zero. */
  protected freed(): void {}
}
