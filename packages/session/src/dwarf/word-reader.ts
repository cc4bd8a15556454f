/**
 * Little-endian 32-bit reads from a record's DataView through a Uint32Array over the same
 * bytes: on the record windows of a perf.data file, a DataView call costs tens of
 * nanoseconds where an aligned typed-array load costs one. The array is rebuilt only when
 * the view changes (consecutive samples share their window).
 */

import { wordsOf } from "@perfkit/format";

/** Uint32Array loads are little-endian words only on a little-endian host. */
const HOST_LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Reads u32/u64 words of one DataView at a time. */
export class WordReader {
  #view: DataView = new DataView(new ArrayBuffer(0));
  #words: Uint32Array<ArrayBufferLike> | null = null;

  /** The view read from now on (cheap when it is the current one). */
  use(view: DataView): void {
    if (view === this.#view) return;
    if (!(view instanceof DataView)) throw new TypeError("view must be a DataView");
    this.#view = view;
    this.#words = HOST_LE ? wordsOf(view) : null;
  }

  /** The little-endian u32 at byte `p` of the view. */
  u32(p: number): number {
    const w = this.#words;
    return w !== null && (p & 3) === 0 ? w[p >>> 2]! : this.#view.getUint32(p, true);
  }

  /** True when the little-endian u64 at byte `p` is zero. */
  isZero64(p: number): boolean {
    return (this.u32(p) | this.u32(p + 4)) === 0;
  }
}
