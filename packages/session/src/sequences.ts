/**
 * `callchain` and `brstack` as sequences: `length`, `at(i)` with negative indices and a
 * RangeError out of range, iterable any number of times. They hold no reference to their
 * event (no cycle), only the snapshot of the address space needed to resolve frames.
 */
import type { BranchEntry } from "@perfkit/format";
import { type AddressSpace, type Resolved, resolveIp, symbolOffset } from "./resolve.ts";

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
  /** The raw resolution (map, symbol bounds). */
  readonly resolved: Resolved;
}

/** The frames of a sample's callchain. */
export class Callchain implements Sequence<CallchainFrame> {
  readonly #frames: (CallchainFrame | undefined)[];

  constructor(
    private readonly space: AddressSpace,
    private readonly ips: readonly bigint[],
    private readonly modes: readonly number[],
  ) {
    this.#frames = new Array(ips.length);
  }

  get length(): number {
    return this.ips.length;
  }

  /** The i-th frame (negative counts from the outermost caller). */
  at(i: number): CallchainFrame {
    const j = index(i, this.ips.length);
    let f = this.#frames[j];
    if (!f) {
      const r = resolveIp(this.space, this.modes[j]!, this.ips[j]!);
      f = {
        ip: r.ip,
        symbol: r.sym ? r.sym.name : "[unknown]",
        dso: r.map ? r.map.dso.name : "[unknown]",
        symoff: r.sym ? symbolOffset(r) : null,
        addr: r.addr,
        kernel: r.map ? r.map.dso.kind === "kernel" || r.map.dso.kind === "module" : false,
        resolved: r,
      };
      this.#frames[j] = f;
    }
    return f;
  }

  *[Symbol.iterator](): Iterator<CallchainFrame> {
    for (let i = 0; i < this.ips.length; i++) yield this.at(i);
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
