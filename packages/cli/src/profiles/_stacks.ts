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
   * The id of the chain of `n` 64-bit entries starting at 32-bit word `w` of `words` within
   * `memo`'s spaces, or -1 when it is new (then call {@link addChain}). Compares raw words,
   * so byte order does not matter.
   */
  findChain(memo: SpaceMemo, words: Uint32Array, w: number, n: number, hash: number): number {
    for (let id = memo.byHash.get(hash) ?? -1; id >= 0; id = this.#next[id]!) {
      const seen = this.#words[id]!;
      if (seen.length !== 2 * n) continue;
      let i = 0;
      while (i < seen.length && seen[i] === words[w + i]) i++;
      if (i === seen.length) return id;
    }
    return -1;
  }

  /** Adds a new chain with its resolved frames; returns its id. */
  addChain(memo: SpaceMemo, words: Uint32Array, w: number, n: number, hash: number, frames: Int32Array): number {
    const id = this.frames.length;
    this.frames.push(frames);
    this.#words.push(words.slice(w, w + 2 * n));
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

/** FNV-1a over the 32-bit words of a chain of `n` 64-bit entries starting at word `w`. */
export function chainHash(words: Uint32Array, w: number, n: number): number {
  let h = 0x811c9dc5 ^ n;
  for (let i = w, end = w + 2 * n; i < end; i++) h = Math.imul(h ^ words[i]!, 0x01000193);
  return h;
}
