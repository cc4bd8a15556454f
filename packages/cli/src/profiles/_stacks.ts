/**
 * Distinct stacks of a walk: one dense id per distinct (address-space snapshots, raw
 * callchain words), so a stack seen a million times is resolved into frames once and
 * builders can count per stack id, naming frames only after the walk. Id 0 is the empty stack.
 */
import type { MapEntry } from "@perfkit/session";

const EMPTY_FRAMES = new Int32Array(0);
const EMPTY_WORDS = new Uint32Array(0);

/** The memo of one (kernel maps, user maps) snapshot pair: chain hash → first stack id. */
interface SpaceMemo {
  kernel: readonly MapEntry[];
  byHash: Map<number, number>;
}

/** Stack ids and their frames. */
export class StackTable {
  /** Frame ids per stack id, leaf first. */
  readonly frames: Int32Array[] = [EMPTY_FRAMES];
  /** Raw chain words per stack (collision checks); empty for leaf-only stacks. */
  readonly #words: Uint32Array[] = [EMPTY_WORDS];
  /** Next stack id with the same hash in the same space, or -1. */
  readonly #next: number[] = [-1];
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
      m = { kernel, byHash: new Map() };
      this.#bySpace.set(user, m);
    }
    return m;
  }

  /**
   * The id of the chain of `n` 64-bit entries at `at` in `view` within `memo`'s spaces, or
   * -1 when it is new (then call {@link addChain}). Compares raw bytes, so byte order does not matter.
   */
  findChain(memo: SpaceMemo, view: DataView, at: number, n: number, hash: number): number {
    for (let id = memo.byHash.get(hash) ?? -1; id >= 0; id = this.#next[id]!) {
      const w = this.#words[id]!;
      if (w.length !== 2 * n) continue;
      let same = true;
      for (let i = 0, p = at; i < w.length; i++, p += 4) {
        if (w[i] !== view.getUint32(p, true)) {
          same = false;
          break;
        }
      }
      if (same) return id;
    }
    return -1;
  }

  /** Adds a new chain with its resolved frames; returns its id. */
  addChain(memo: SpaceMemo, view: DataView, at: number, n: number, hash: number, frames: Int32Array): number {
    const words = new Uint32Array(2 * n);
    for (let i = 0, p = at; i < words.length; i++, p += 4) words[i] = view.getUint32(p, true);
    const id = this.frames.length;
    this.frames.push(frames);
    this.#words.push(words);
    this.#next.push(memo.byHash.get(hash) ?? -1);
    memo.byHash.set(hash, id);
    return id;
  }

  /** The id of the one-frame stack of `frame`. */
  leaf(frame: number): number {
    let id = this.#byLeaf.get(frame);
    if (id === undefined) {
      id = this.frames.length;
      this.frames.push(Int32Array.of(frame));
      this.#words.push(EMPTY_WORDS);
      this.#next.push(-1);
      this.#byLeaf.set(frame, id);
    }
    return id;
  }
}

/** FNV-1a over the 32-bit words of a chain of `n` 64-bit entries. */
export function chainHash(view: DataView, at: number, n: number): number {
  let h = 0x811c9dc5 ^ n;
  for (let p = at, end = at + 8 * n; p < end; p += 4) h = Math.imul(h ^ view.getUint32(p, true), 0x01000193);
  return h;
}
