/**
 * A thread's user maps as Number columns, for the Number unwinder: one binary search over a
 * Float64Array (no BigInt compare) and a last-hit shortcut, since consecutive frames and
 * memory reads mostly fall in the same mapping.
 */
import type { MapEntry } from "../maps.ts";
import type { MappedModule } from "./session-hook.ts";

/** Exact Number of a bigint below 2^53, else -1 (the unwinder then takes the BigInt path). */
export function exactNumber(v: bigint): number {
  return v >= 0n && v < 9007199254740992n ? Number(v) : -1;
}

/** Sorted user maps of one address-space snapshot with Number bounds. */
export class NumberMaps {
  /** Map starts (Number of the bigint: rounding keeps the order against exact addresses below 2^53). */
  readonly starts: Float64Array;
  /** Exclusive map ends. */
  readonly ends: Float64Array;
  /** start - pgoff (the load bias of ET_DYN objects), NaN when start or pgoff is not exact. */
  readonly bias: Float64Array;
  /** Exact pgoff, or -1. */
  readonly pgoffs: Float64Array;
  readonly #modules: (MappedModule | undefined)[];
  #last = -1;

  constructor(
    /** The snapshot, sorted and non-overlapping (a MapList snapshot). */
    readonly entries: readonly MapEntry[],
    /** Builds (or returns the cached) unwinder module of an entry. */
    private readonly moduleOf: (e: MapEntry) => MappedModule,
  ) {
    if (!Array.isArray(entries)) throw new TypeError("entries must be an array of MapEntry");
    if (typeof moduleOf !== "function") throw new TypeError("moduleOf must be a function");
    const n = entries.length;
    this.starts = new Float64Array(n);
    this.ends = new Float64Array(n);
    this.bias = new Float64Array(n);
    this.pgoffs = new Float64Array(n);
    this.#modules = new Array(n);
    for (let i = 0; i < n; i++) {
      const e = entries[i]!;
      this.starts[i] = Number(e.start);
      this.ends[i] = Number(e.end);
      const s = exactNumber(e.start);
      const p = exactNumber(e.pgoff);
      this.pgoffs[i] = p;
      this.bias[i] = s < 0 || p < 0 ? Number.NaN : s - p;
    }
  }

  /** Index of the map holding exact address `addr` (0 <= addr < 2^53), or -1. */
  find(addr: number): number {
    const last = this.#last;
    if (last >= 0 && addr >= this.starts[last]! && addr < this.ends[last]!) return last;
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= addr) lo = mid + 1;
      else hi = mid;
    }
    const i = lo - 1;
    if (i < 0 || !(addr < this.ends[i]!)) return -1;
    this.#last = i;
    return i;
  }

  /** The unwinder module of map `i`. */
  module(i: number): MappedModule {
    let m = this.#modules[i];
    if (m === undefined) {
      m = this.moduleOf(this.entries[i]!);
      this.#modules[i] = m;
    }
    return m;
  }
}
