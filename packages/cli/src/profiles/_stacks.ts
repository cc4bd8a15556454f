/**
 * Distinct stacks of a walk: one dense id per distinct (address-space snapshots, raw
 * callchain), so a stack seen a million times is resolved into frames once and builders can
 * count per stack id, naming frames only after the walk. Id 0 is the empty stack.
 */
import type { MapEntry } from "@perfkit/session";

const EMPTY_FRAMES = new Int32Array(0);

/** The memo of one (kernel maps, user maps) snapshot pair: stack id + 1 per chain id (0: not yet). */
export interface SpaceMemo {
  kernel: readonly MapEntry[];
  byChain: Int32Array;
}

/** Stack ids and their frames. */
export class StackTable {
  /** Frame ids per stack id, leaf first. */
  readonly frames: Int32Array[] = [EMPTY_FRAMES];
  readonly #bySpace = new WeakMap<readonly MapEntry[], SpaceMemo>();
  /** Leaf-only stacks (no callchain: the sample ip as one frame), by frame id. */
  readonly #byLeaf = new Map<number, number>();

  /** Number of distinct stacks, the empty one included. */
  get length(): number {
    return this.frames.length;
  }

  /** The memo of a snapshot pair (snapshots never change once taken). */
  memoOf(kernel: readonly MapEntry[], user: readonly MapEntry[]): SpaceMemo {
    let m = this.#bySpace.get(user);
    if (!m || m.kernel !== kernel) {
      m = { kernel, byChain: new Int32Array(64) };
      this.#bySpace.set(user, m);
    }
    return m;
  }

  /** The stack id of interned chain `chain` within `memo`'s spaces, or -1 when new (then {@link addChain}). */
  stackOf(memo: SpaceMemo, chain: number): number {
    return chain < memo.byChain.length ? memo.byChain[chain]! - 1 : -1;
  }

  /** Adds chain `chain` of `memo`'s spaces with its resolved frames; returns its stack id. */
  addChain(memo: SpaceMemo, chain: number, frames: Int32Array): number {
    const id = this.frames.length;
    this.frames.push(frames);
    if (chain >= memo.byChain.length) {
      const bigger = new Int32Array(Math.max(2 * memo.byChain.length, chain + 1));
      bigger.set(memo.byChain);
      memo.byChain = bigger;
    }
    memo.byChain[chain] = id + 1;
    return id;
  }

  /** The id of the one-frame stack of `frame`. */
  leaf(frame: number): number {
    let id = this.#byLeaf.get(frame);
    if (id === undefined) {
      id = this.frames.length;
      this.frames.push(Int32Array.of(frame));
      this.#byLeaf.set(frame, id);
    }
    return id;
  }
}
