/**
 * Whole printed callchains of `--call-graph dwarf` samples, keyed by their addresses: the
 * record's callchain words (kernel part) and the unwound user ips. A recording repeats a
 * few thousand stacks over and over, so most samples print one cached string instead of a
 * dozen frame strings (fewer pieces for the writer to join, one lookup instead of one per frame).
 */
import type { MapEntry } from "@perfkit/session";

/** What all chain caches of one printer may keep (about a byte per unit); past it, chains are not cached. */
export interface ChainBudget {
  /** Characters (key words count 8 each) still allowed. */
  left: number;
}

/** The default budget of a printer: 32 M characters. */
export function chainBudget(): ChainBudget {
  return { left: 1 << 25 };
}
/** Uint32Array reads are little-endian words only on a little-endian host. */
const HOST_LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

interface ChainEntry {
  /** The kernel maps the text was resolved in. */
  kernel: readonly MapEntry[];
  /** Callchain entries as 32-bit halves, as the record stores them (little endian). */
  words: Uint32Array;
  ips: Float64Array;
  text: string;
  /** Next entry with the same hash. */
  next: ChainEntry | undefined;
}

/** Chain text of one output type and user address space. */
export class ChainTextCache {
  readonly #byHash = new Map<number, ChainEntry>();
  /** The key of the last lookup. */
  #words = new Uint32Array(256);
  #wordCount = 0;
  #hash = 0;
  #buffer: ArrayBufferLike | null = null;
  #view32: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

  constructor(
    /** Shared by the caches of one printer. */
    private readonly budget: ChainBudget,
  ) {
    if (typeof budget !== "object" || budget === null) throw new TypeError("budget must be a ChainBudget");
  }

  /**
   * The cached text of the chain whose `n` callchain entries start at `at` of the
   * little-endian record `view` and whose unwound user frames are `ips[0..count)`, resolved in
   * `kernel`; undefined when absent (then {@link store} keeps the text built for this key).
   */
  lookup(
    view: DataView,
    at: number,
    n: number,
    ips: Float64Array,
    count: number,
    kernel: readonly MapEntry[],
  ): string | undefined {
    const nw = 2 * n;
    if (this.#words.length < nw) this.#words = new Uint32Array(2 * nw);
    const words = this.#words;
    let h = Math.imul(n, 0x9e3779b1) ^ count;
    const abs = view.byteOffset + at;
    if ((abs & 3) === 0 && HOST_LE) {
      if (view.buffer !== this.#buffer) {
        this.#buffer = view.buffer;
        this.#view32 = new Uint32Array(view.buffer, 0, view.buffer.byteLength >>> 2);
      }
      const v32 = this.#view32;
      for (let i = 0, j = abs >>> 2; i < nw; i++, j++) {
        const w = v32[j]!;
        words[i] = w;
        h = Math.imul(h ^ w, 16777619);
      }
    } else {
      for (let i = 0, p = at; i < nw; i++, p += 4) {
        const w = view.getUint32(p, true);
        words[i] = w;
        h = Math.imul(h ^ w, 16777619);
      }
    }
    for (let i = 0; i < count; i++) {
      const ip = ips[i]!;
      h = Math.imul(h ^ (ip >>> 0), 16777619);
      h = Math.imul(h ^ ((ip / 4294967296) | 0), 16777619);
    }
    this.#wordCount = nw;
    this.#hash = h;
    for (let e = this.#byHash.get(h); e !== undefined; e = e.next) {
      if (e.kernel !== kernel || e.words.length !== nw || e.ips.length !== count) continue;
      let same = true;
      const ew = e.words;
      for (let i = 0; i < nw && same; i++) same = ew[i] === words[i];
      const ei = e.ips;
      for (let i = 0; i < count && same; i++) same = ei[i] === ips[i];
      if (same) return e.text;
    }
    return undefined;
  }

  /** Keeps `text` under the key of the last {@link lookup} (until the cache is full). */
  store(text: string, ips: Float64Array, count: number, kernel: readonly MapEntry[]): void {
    const cost = text.length + 8 * (this.#wordCount + count);
    if (cost > this.budget.left) return;
    this.budget.left -= cost;
    const h = this.#hash;
    this.#byHash.set(h, {
      kernel,
      words: this.#words.slice(0, this.#wordCount),
      ips: ips.slice(0, count),
      text,
      next: this.#byHash.get(h),
    });
  }
}
