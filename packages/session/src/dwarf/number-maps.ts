/**
 * A thread's user maps as Number columns, for the Number unwinder: one binary search over a
 * Float64Array (no BigInt compare) and a last-hit shortcut, since consecutive frames and
 * memory reads mostly fall in the same mapping.
 */
import type { Dso } from "../dso.ts";
import type { MapEntry } from "../maps.ts";
import type { DwarfBinary } from "./binary.ts";
import type { MappedModule } from "./session-hook.ts";

/** Exact Number of a bigint below 2^53, else -1 (the unwinder then takes the BigInt path). */
export function exactNumber(v: bigint): number {
  return v >= 0n && v < 9007199254740992n ? Number(v) : -1;
}

/** The lowest start of each dso's maps in a snapshot (what perf's CFI table bias starts from). */
export function lowestStarts(entries: readonly MapEntry[]): Map<Dso, bigint> {
  if (!Array.isArray(entries)) throw new TypeError("entries must be an array of MapEntry");
  const out = new Map<Dso, bigint>();
  for (const e of entries) {
    const low = out.get(e.dso);
    if (low === undefined || e.start < low) out.set(e.dso, e.start);
  }
  return out;
}

/**
 * The load bias perf (unwind-libunwind-local.c, read_unwind_spec_eh_frame) gives the
 * `.eh_frame_hdr` table of `entry`'s binary: the lowest start among ALL of the thread's maps
 * of the same dso (`lowest`, from {@link lowestStarts}), minus the ELF's first PT_LOAD page.
 * perf never drops maps on exec, so a process that inherited its parent's mapping of the same
 * library at a lower address gets a wrong bias, finds no FDE and falls back to the frame-chain
 * guess. Null without a binary.
 */
export function perfCfiBias(lowest: Map<Dso, bigint>, entry: MapEntry, binary: DwarfBinary | null): bigint | null {
  if (!(lowest instanceof Map)) throw new TypeError("lowest must be a Map (from lowestStarts)");
  if (typeof entry !== "object" || entry === null || typeof entry.start !== "bigint")
    throw new TypeError("entry must be a MapEntry");
  if (!binary) return null;
  return (lowest.get(entry.dso) ?? entry.start - entry.pgoff) - binary.elfBase;
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
  /** Lowest start of each dso's maps in the snapshot (stale maps inherited through fork+exec included). */
  readonly #lowestStart: Map<Dso, bigint>;
  /** Number {@link cfiBias} per map: NaN until computed, -Infinity when not exact. */
  readonly #cfiBias: Float64Array;
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
    this.#cfiBias = new Float64Array(n).fill(Number.NaN);
    this.#lowestStart = lowestStarts(entries);
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

  /** {@link perfCfiBias} of `entry` (a map of this snapshot) and its binary. */
  perfCfiBias(entry: MapEntry, binary: DwarfBinary | null): bigint | null {
    return perfCfiBias(this.#lowestStart, entry, binary);
  }

  /** {@link perfCfiBias} of map `i` as an exact Number, NaN when it is not exact or there is no binary. */
  cfiBias(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.entries.length) throw new TypeError("i must be a map index");
    const v = this.#cfiBias[i]!;
    if (!Number.isNaN(v)) return v === Number.NEGATIVE_INFINITY ? Number.NaN : v;
    const m = this.module(i);
    const b = this.perfCfiBias(m.map, m.binary);
    const x = b === null || b <= -9007199254740992n || b >= 9007199254740992n ? Number.NEGATIVE_INFINITY : Number(b);
    this.#cfiBias[i] = x;
    return x === Number.NEGATIVE_INFINITY ? Number.NaN : x;
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
