/**
 * Distinct raw callchains, interned: a recording repeats a few thousand chains a million
 * times, so a walk that hands out a chain id lets its user resolve each chain once.
 */
import { grownInto } from "./typed-grow.ts";

/**
 * Raw callchains (the sample's PERF_SAMPLE_CALLCHAIN entries, context markers included) by
 * dense id. Entries are kept as 32-bit halves, low half first, in one shared array: no BigInt
 * and no object per chain.
 */
export class ChainTable {
  #words = new Uint32Array(1 << 12);
  #used = 0;
  #start = new Int32Array(256);
  #entries = new Int32Array(256);
  #hash = new Int32Array(256);
  /** Open addressing: id + 1 per slot, 0 for empty; kept at most half full. */
  #slots = new Int32Array(1024);
  #count = 0;

  /** Number of distinct chains. */
  get length(): number {
    return this.#count;
  }

  /**
   * Every chain's entries as 32-bit halves, low half first: chain `id` occupies
   * `[start(id), start(id) + 2 * entries(id))`. Do not modify; a later {@link intern} may
   * replace the array.
   */
  get words(): Uint32Array {
    return this.#words;
  }

  /** Where chain `id` starts in {@link words}. */
  start(id: number): number {
    this.#check(id);
    return this.#start[id]!;
  }

  /** Number of entries (64-bit values) of chain `id`. */
  entries(id: number): number {
    this.#check(id);
    return this.#entries[id]!;
  }

  /** The entries of chain `id` as 64-bit values, leaf first (markers included). */
  chain(id: number): bigint[] {
    this.#check(id);
    const w = this.#words;
    const out: bigint[] = [];
    for (let i = this.#start[id]!, end = i + 2 * this.#entries[id]!; i < end; i += 2)
      out.push((BigInt(w[i + 1]!) << 32n) | BigInt(w[i]!));
    return out;
  }

  /**
   * The id of the chain of `n` 64-bit entries at byte `at` of `view` (in the recording's byte
   * order `le`), added when new. Compares whole chains, so equal ids mean equal entries.
   */
  intern(view: DataView, at: number, n: number, le: boolean): number {
    if (!(view instanceof DataView)) throw new TypeError("view must be a DataView");
    checkRange(at, n, view.byteLength, 8);
    const loAt = le ? 0 : 4;
    const hiAt = le ? 4 : 0;
    let h = 0x811c9dc5 ^ n;
    for (let p = at, end = at + 8 * n; p < end; p += 8) h = Math.imul(h ^ view.getUint32(p + loAt, le), 0x01000193);
    const slots = this.#slots;
    const mask = slots.length - 1;
    const words = this.#words;
    let s = (h ^ (h >>> 15)) & mask;
    for (let e = slots[s]!; e !== 0; s = (s + 1) & mask, e = slots[s]!) {
      const id = e - 1;
      if (this.#hash[id] !== h || this.#entries[id] !== n) continue;
      let w = this.#start[id]!;
      let p = at;
      const end = at + 8 * n;
      while (p < end && words[w] === view.getUint32(p + loAt, le) && words[w + 1] === view.getUint32(p + hiAt, le)) {
        p += 8;
        w += 2;
      }
      if (p === end) return id;
    }
    return this.#add(s, h, view, at, n, le);
  }

  /**
   * {@link intern} for a chain already in host-order 32-bit words: the `n` entries at word
   * `w` of `words` (a little-endian recording read on a little-endian host).
   */
  internWords(words: Uint32Array, w: number, n: number): number {
    if (!(words instanceof Uint32Array)) throw new TypeError("words must be a Uint32Array");
    checkRange(w, n, words.length, 2);
    // Low halves only (the high ones repeat: 0xffffffff for the kernel, a few values for user
    // space); the compare below checks every word. The same hash as intern().
    let h = 0x811c9dc5 ^ n;
    const end = w + 2 * n;
    for (let i = w; i < end; i += 2) h = Math.imul(h ^ words[i]!, 0x01000193);
    const slots = this.#slots;
    const mask = slots.length - 1;
    const pool = this.#words;
    let s = (h ^ (h >>> 15)) & mask;
    for (let e = slots[s]!; e !== 0; s = (s + 1) & mask, e = slots[s]!) {
      const id = e - 1;
      if (this.#hash[id] !== h || this.#entries[id] !== n) continue;
      let j = this.#start[id]!;
      let i = w;
      while (i < end && pool[j] === words[i] && pool[j + 1] === words[i + 1]) {
        i += 2;
        j += 2;
      }
      if (i === end) return id;
    }
    const id = this.#reserve(s, h, n);
    this.#words.set(words.subarray(w, end), this.#start[id]!);
    return id;
  }

  #add(slot: number, h: number, view: DataView, at: number, n: number, le: boolean): number {
    const id = this.#reserve(slot, h, n);
    const words = this.#words;
    const loAt = le ? 0 : 4;
    const hiAt = le ? 4 : 0;
    for (let p = at, end = at + 8 * n, w = this.#start[id]!; p < end; p += 8, w += 2) {
      words[w] = view.getUint32(p + loAt, le);
      words[w + 1] = view.getUint32(p + hiAt, le);
    }
    return id;
  }

  /** Allocates id and word space for a new chain of `n` entries hashed `h`, placed in `slot`. */
  #reserve(slot: number, h: number, n: number): number {
    const id = this.#count++;
    if (id === this.#start.length) {
      this.#start = grown(this.#start);
      this.#entries = grown(this.#entries);
      this.#hash = grown(this.#hash);
    }
    const words = this.#words;
    if (this.#used + 2 * n > words.length) {
      const bigger = new Uint32Array(Math.max(2 * words.length, this.#used + 2 * n));
      bigger.set(words);
      this.#words = bigger;
    }
    this.#start[id] = this.#used;
    this.#entries[id] = n;
    this.#hash[id] = h;
    this.#used += 2 * n;
    this.#slots[slot] = id + 1;
    if (2 * this.#count > this.#slots.length) this.#rehash();
    return id;
  }

  #rehash(): void {
    const slots = new Int32Array(2 * this.#slots.length);
    const mask = slots.length - 1;
    for (let id = 0; id < this.#count; id++) {
      const h = this.#hash[id]!;
      let s = (h ^ (h >>> 15)) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = id + 1;
    }
    this.#slots = slots;
  }

  #check(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.#count)
      throw new RangeError(`chain id ${id} out of range (${this.#count} chains)`);
  }
}

/** `n` entries of `unit` elements each from `at` must lie within `length`. */
function checkRange(at: number, n: number, length: number, unit: number): void {
  if (!Number.isInteger(at) || !Number.isInteger(n) || at < 0 || n < 0 || at + unit * n > length)
    throw new RangeError(`chain of ${n} entries at ${at} does not fit ${length}`);
}

function grown(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  return grownInto(a, new Int32Array(2 * a.length));
}
