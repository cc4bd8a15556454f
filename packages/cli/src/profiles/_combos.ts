/**
 * Samples counted per (stack id, tag) pair, in the order pairs were first seen: what the
 * profile builders keep during the walk (the tag is a comm or thread id of theirs), before
 * they name frames and build their trees.
 */

/** Tags per stack: keys pack (stack id, tag) exactly in a double. */
const TAG_SPAN = 2 ** 20;

/** Pair counts. */
export class StackCombos {
  /** Per pair, in first-seen order: its stack id, its tag and its sample count. */
  readonly stack: number[] = [];
  readonly tag: number[] = [];
  readonly count: number[] = [];
  /** Per tag, pair index + 1 by stack id (0: not seen): two array reads per sample, no hashing. */
  readonly #byTag: Int32Array[] = [];

  /** Number of distinct pairs. */
  get length(): number {
    return this.stack.length;
  }

  /** Counts one sample of `stack` under `tag` (0 <= tag < 2^20). */
  add(stack: number, tag: number): void {
    if (tag >= TAG_SPAN) throw new RangeError(`too many distinct tags (${tag})`);
    let index = this.#byTag[tag];
    if (index === undefined || stack >= index.length) index = this.#grow(tag, stack);
    const i = index[stack]! - 1;
    if (i >= 0) {
      this.count[i]!++;
      return;
    }
    index[stack] = this.stack.length + 1;
    this.stack.push(stack);
    this.tag.push(tag);
    this.count.push(1);
  }

  #grow(tag: number, stack: number): Int32Array {
    while (this.#byTag.length <= tag) this.#byTag.push(new Int32Array(0));
    const old = this.#byTag[tag]!;
    const grown = new Int32Array(Math.max(64, 2 * old.length, stack + 1));
    grown.set(old);
    this.#byTag[tag] = grown;
    return grown;
  }
}
