/**
 * `callchain` and `brstack` as sequences: `length`, `at(i)` with negative indices and a
 * RangeError out of range, iterable any number of times. They hold no reference to their
 * event (no cycle), only the snapshot of the address space needed to resolve frames.
 */
import type { BranchEntry } from "@perfkit/format";
import { type AddressSpace, type Resolved, resolveIp, symbolOffset } from "./resolve.ts";
import type { SessionDwarf } from "./session-dwarf.ts";

/** A read-only indexed sequence. */
export interface Sequence<T> extends Iterable<T> {
  readonly length: number;
  at(i: number): T;
}

function index(i: number, n: number): number {
  if (!Number.isInteger(i)) throw new TypeError(`i must be an integer, got ${typeof i === "number" ? i : typeof i}`);
  const j = i < 0 ? n + i : i;
  if (j < 0 || j >= n) throw new RangeError(`index ${i} out of range for length ${n}`);
  return j;
}

/** One callchain frame, leaf first. Names are `"[unknown]"` where unresolved. */
export interface CallchainFrame {
  readonly ip: bigint;
  readonly symbol: string;
  readonly dso: string;
  /** Offset of `ip` in its symbol (perf's `+0x…`), null when unresolved. */
  readonly symoff: bigint | null;
  /** The dso-relative address (what perf prints for user frames), or ip. */
  readonly addr: bigint;
  /** True when the frame was in kernel space (perf prints the absolute ip for those). */
  readonly kernel: boolean;
  /** True for an inline level (perf prints `(inlined)` instead of the dso); `symbol` is the inlined function. */
  readonly inlined: boolean;
  /**
   * perf's srcline (`file:line` with the base name, `??:0`, or `dso[addr]`), null without a map
   * or debug-info support in the session. Computed on first read.
   */
  readonly srcline: string | null;
  /** The raw resolution (map, symbol bounds). */
  readonly resolved: Resolved;
}

/** A frame resolved from a raw callchain entry; its srcline is looked up on first read. */
class ResolvedFrame implements CallchainFrame {
  readonly ip: bigint;
  readonly symbol: string;
  readonly dso: string;
  readonly symoff: bigint | null;
  readonly addr: bigint;
  readonly kernel: boolean;
  readonly inlined = false;
  #srcline: string | null | undefined;

  constructor(
    readonly resolved: Resolved,
    private readonly dwarf: SessionDwarf | undefined,
  ) {
    const r = resolved;
    this.ip = r.ip;
    this.symbol = r.sym ? r.sym.name : "[unknown]";
    this.dso = r.map ? r.map.dso.name : "[unknown]";
    this.symoff = r.sym ? symbolOffset(r) : null;
    this.addr = r.addr;
    this.kernel = r.map ? r.map.dso.kind === "kernel" || r.map.dso.kind === "module" : false;
  }

  get srcline(): string | null {
    if (this.#srcline === undefined) {
      const map = this.resolved.map;
      this.#srcline = map && this.dwarf ? this.dwarf.srcline(map, this.addr) : null;
    }
    return this.#srcline;
  }
}

/**
 * The frames of a sample's callchain: the raw callchain's entries, then (dwarf mode) the
 * frames unwound from the saved user stack, in perf's callee-first order.
 */
export class Callchain implements Sequence<CallchainFrame> {
  readonly #frames: (CallchainFrame | undefined)[];

  constructor(
    private readonly space: AddressSpace,
    private readonly ips: readonly bigint[],
    private readonly modes: readonly number[],
    /** Frames appended after the raw entries (unwound user frames). */
    private readonly unwound: readonly CallchainFrame[] = [],
    private readonly dwarf?: SessionDwarf,
  ) {
    this.#frames = new Array(ips.length);
  }

  get length(): number {
    return this.ips.length + this.unwound.length;
  }

  /** The i-th frame (negative counts from the outermost caller). */
  at(i: number): CallchainFrame {
    const j = index(i, this.length);
    if (j >= this.ips.length) return this.unwound[j - this.ips.length]!;
    let f = this.#frames[j];
    if (!f) {
      f = new ResolvedFrame(resolveIp(this.space, this.modes[j]!, this.ips[j]!), this.dwarf);
      this.#frames[j] = f;
    }
    return f;
  }

  *[Symbol.iterator](): Iterator<CallchainFrame> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }
}

/** A sample's branch stack (newest branch first, as recorded). */
export class BranchStackSeq implements Sequence<BranchEntry> {
  constructor(
    private readonly entries: readonly BranchEntry[],
    /** hw_idx when recorded. */
    readonly hwIdx?: bigint,
  ) {}

  get length(): number {
    return this.entries.length;
  }

  at(i: number): BranchEntry {
    return this.entries[index(i, this.entries.length)]!;
  }

  *[Symbol.iterator](): Iterator<BranchEntry> {
    yield* this.entries;
  }
}
