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
  readonly #index = new Map<number, number>();

  /** Number of distinct pairs. */
  get length(): number {
    return this.stack.length;
  }

  /** Counts one sample of `stack` under `tag` (0 <= tag < 2^20). */
  add(stack: number, tag: number): void {
    if (tag >= TAG_SPAN) throw new RangeError(`too many distinct tags (${tag})`);
    const key = stack * TAG_SPAN + tag;
    const i = this.#index.get(key);
    if (i !== undefined) {
      this.count[i]!++;
      return;
    }
    this.#index.set(key, this.stack.length);
    this.stack.push(stack);
    this.tag.push(tag);
    this.count.push(1);
  }
}
