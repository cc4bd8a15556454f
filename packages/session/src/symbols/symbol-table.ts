import { HOST_LITTLE_ENDIAN } from "@perfkit/format";
import { STB_GLOBAL, STB_WEAK } from "./elf/constants.ts";

/** A resolved symbol: `[start, end)` in the address space the table was built for. */
export interface Sym {
  name: string;
  start: bigint;
  /** Exclusive end. A zero-size symbol that perf could not extend has end === start. */
  end: bigint;
  /** STB_* binding (0 local, 1 global, 2 weak) when the source tells it. */
  binding?: number;
}

/** A symbol before the table fixes ends and duplicates (perf's `struct symbol` inputs). */
export interface SymbolInput {
  name: string;
  start: bigint;
  /** Size in bytes; 0 when unknown (the end is then taken from the next symbol). */
  size: bigint;
  /** STB_* binding, used to choose among symbols at one address (default STB_GLOBAL). */
  binding?: number;
}

/** How {@link SymbolTable.build} fixes zero-size symbols. */
export interface FixupOptions {
  /** kallsyms rule: a symbol followed by one of another module (or the kernel) ends one page later. */
  kallsyms?: boolean;
  /** Skip the end fix-up entirely (perf-PID.map JIT symbols keep their sizes). Default true. */
  fixupEnd?: boolean;
  /** Keep every symbol sharing a start address (perf's symbol_conf.allow_aliases, set by perf probe). Default false. */
  allowAliases?: boolean;
}

const CACHE_LIMIT = 1 << 16;
/** Binding column value for symbols without one (PLT entries). */
export const NO_BINDING = 255;
const NAMES = new TextDecoder();

/** @internal Arrays of a lazily built table: symbol i is made from these on first lookup. */
export interface LazySymbols {
  starts: BigUint64Array;
  ends: BigUint64Array;
  /** STB_* binding, or 255 when the source gave none. */
  binding: Uint8Array;
  nameOf(i: number): string;
}

/** A symbol table as plain arrays: starts, exclusive ends, UTF-8 names (symbol i's are
 * `names[nameAt[i] .. nameAt[i + 1])`) and STB_* bindings (255: none given). */
export interface SymbolColumns {
  starts: BigUint64Array;
  ends: BigUint64Array;
  names: Uint8Array;
  nameAt: Int32Array;
  binding: Uint8Array;
}

/**
 * Address → symbol lookup over sorted arrays with binary search, caching each address
 * looked up. Built as perf builds a dso's symbol tree: zero-size symbols extended to the
 * next one (symbols__fixup_end), then one symbol kept per start (symbols__fixup_duplicate).
 */
export class SymbolTable<S extends Sym = Sym> {
  readonly #starts: BigUint64Array;
  readonly #ends: BigUint64Array;
  #syms: S[];
  /** Names and bindings of a table built from arrays: symbols are made on lookup. */
  #lazy: LazySymbols | undefined;
  #cache = new Map<bigint, S | null>();
  #halves: Uint32Array | undefined;

  private constructor(syms: S[], lazy?: LazySymbols) {
    if (lazy) {
      this.#syms = new Array(lazy.starts.length);
      this.#starts = lazy.starts;
      this.#ends = lazy.ends;
      this.#lazy = lazy;
      return;
    }
    this.#syms = syms;
    // Plain loops: BigUint64Array.from with a map function goes through the iterator protocol.
    const n = syms.length;
    const starts = new BigUint64Array(n);
    const ends = new BigUint64Array(n);
    for (let i = 0; i < n; i++) {
      const s = syms[i]!;
      starts[i] = s.start;
      ends[i] = s.end;
    }
    this.#starts = starts;
    this.#ends = ends;
  }

  /** Builds a table from raw symbols, applying perf's end and duplicate fix-ups. */
  static build(inputs: readonly SymbolInput[], options: FixupOptions = {}): SymbolTable<Sym> {
    if (!Array.isArray(inputs)) throw new TypeError(`inputs must be an array, got ${typeof inputs}`);
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    // Stable sort by start keeps perf's insertion order among equal starts.
    const work = inputs
      .map((s) => ({ name: s.name, start: s.start, end: s.start + s.size, binding: s.binding ?? STB_GLOBAL }))
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    if (options.fixupEnd !== false) fixupEnd(work, options.kallsyms === true);
    const kept = options.allowAliases === true ? work : fixupDuplicate(work);
    return new SymbolTable<Sym>(kept.map((s) => ({ name: s.name, start: s.start, end: s.end, binding: s.binding })));
  }

  /** Wraps symbols that are already final (sorted by start, ends fixed). */
  static fromSorted<T extends Sym>(syms: readonly T[]): SymbolTable<T> {
    if (!Array.isArray(syms)) throw new TypeError(`syms must be an array, got ${typeof syms}`);
    return new SymbolTable<T>([...syms]);
  }

  /**
   * A table rebuilt from {@link toColumns} (e.g. after crossing a worker boundary): the
   * same lookups, with each symbol object made on first use.
   */
  static fromColumns(columns: SymbolColumns): SymbolTable<Sym> {
    const { starts, ends, names, nameAt, binding } = columns ?? ({} as SymbolColumns);
    if (
      !(starts instanceof BigUint64Array) ||
      !(ends instanceof BigUint64Array) ||
      !(names instanceof Uint8Array) ||
      !(nameAt instanceof Int32Array) ||
      !(binding instanceof Uint8Array) ||
      ends.length !== starts.length ||
      binding.length !== starts.length ||
      nameAt.length !== starts.length + 1
    )
      throw new TypeError("columns must be SymbolColumns of one length");
    return new SymbolTable<Sym>([], {
      starts,
      ends,
      binding,
      nameOf: (i) => NAMES.decode(names.subarray(nameAt[i]!, nameAt[i + 1]!)),
    });
  }

  /**
   * @internal A table over final (sorted, fixed-up) arrays whose names are made by `nameOf`
   * on first lookup: loaders that parse in place skip a string and an object per symbol.
   */
  static lazy(lazy: LazySymbols): SymbolTable<Sym> {
    return new SymbolTable<Sym>([], lazy);
  }

  /** The table as transferable arrays (names as UTF-8 bytes); see {@link fromColumns}. */
  toColumns(): SymbolColumns {
    const syms = this.symbols();
    const n = syms.length;
    const enc = new TextEncoder();
    const parts: Uint8Array[] = [];
    const nameAt = new Int32Array(n + 1);
    const binding = new Uint8Array(n);
    let at = 0;
    for (let i = 0; i < n; i++) {
      const s = syms[i]!;
      const b = enc.encode(s.name);
      parts.push(b);
      nameAt[i] = at;
      at += b.length;
      binding[i] = s.binding === undefined ? NO_BINDING : s.binding;
    }
    nameAt[n] = at;
    const names = new Uint8Array(at);
    for (let i = 0; i < n; i++) names.set(parts[i]!, nameAt[i]!);
    return { starts: this.#starts.slice(), ends: this.#ends.slice(), names, nameAt, binding };
  }

  /** Number of symbols. */
  get size(): number {
    return this.#syms.length;
  }

  /** All symbols sorted by start. */
  symbols(): readonly S[] {
    if (this.#lazy) {
      for (let i = 0; i < this.#syms.length; i++) this.#symAt(i);
      this.#lazy = undefined;
    }
    return this.#syms;
  }

  #symAt(i: number): S {
    let s = this.#syms[i];
    if (s === undefined) {
      const lazy = this.#lazy!;
      const b = lazy.binding[i]!;
      const name = lazy.nameOf(i);
      s = (
        b === NO_BINDING
          ? { name, start: this.#starts[i]!, end: this.#ends[i]! }
          : { name, start: this.#starts[i]!, end: this.#ends[i]!, binding: b }
      ) as S;
      this.#syms[i] = s;
    }
    return s;
  }

  /**
   * The symbol covering `addr` (start <= addr < end, or addr === start for a symbol perf
   * left zero-sized), or null.
   */
  find(addr: bigint): S | null {
    if (typeof addr !== "bigint") throw new TypeError(`addr must be a bigint, got ${typeof addr}`);
    const hit = this.#cache.get(addr);
    if (hit !== undefined) return hit;
    const found = this.#search(addr);
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(addr, found);
    return found;
  }

  /** The first symbol with this name, or null (linear: meant for tests and tooling). */
  findByName(name: string): S | null {
    return this.symbols().find((s) => s.name === name) ?? null;
  }

  #search(addr: bigint): S | null {
    // No u64 start lies outside [0, 2^64): such an address has no symbol.
    if (addr < 0n || addr >= U64_END) return null;
    const starts = this.#starts;
    // Compared as 32-bit halves: reading a BigUint64Array element makes a BigInt.
    this.#halves ??= new Uint32Array(starts.buffer, starts.byteOffset, starts.length * 2);
    const halves = this.#halves;
    const ahi = Number((addr >> 32n) & 0xffffffffn);
    const alo = Number(addr & 0xffffffffn);
    let lo = 0;
    let hi = starts.length - 1;
    let idx = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const shi = halves[2 * mid + HALF_HI]!;
      if (shi < ahi || (shi === ahi && halves[2 * mid + HALF_LO]! <= alo)) {
        idx = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (idx < 0) return null;
    const end = this.#ends[idx]!;
    if (addr < end || addr === starts[idx]) return this.#symAt(idx);
    return null;
  }
}

/** Index of the low / high half of a u64 in a Uint32Array view (host byte order). */
const HALF_LO = HOST_LITTLE_ENDIAN ? 0 : 1;
const HALF_HI = 1 - HALF_LO;
const U64_END = 2n ** 64n;

/** A symbol during the fix-ups (exported for loaders that build tables in one pass). */
export interface Work {
  name: string;
  start: bigint;
  end: bigint;
  binding: number;
}

const PAGE = 4096n;
function roundupPage(v: bigint): bigint {
  return ((v + PAGE - 1n) / PAGE) * PAGE;
}

/** perf 6.1 symbols__fixup_end. */
export function fixupEnd<W extends Work>(
  syms: W[],
  isKallsyms: boolean,
  // perf keeps "\t[module]" in kallsyms names while fixing ends: the "[" marks module symbols.
  inModule: (s: W) => boolean = (s) => s.name.includes("["),
): void {
  for (let i = 1; i < syms.length; i++) {
    const prev = syms[i - 1]!;
    const curr = syms[i]!;
    if (prev.end !== prev.start) continue;
    if (isKallsyms && inModule(prev) !== inModule(curr)) prev.end = roundupPage(prev.end + PAGE);
    else prev.end = curr.start;
  }
  const last = syms[syms.length - 1];
  if (last && last.end === last.start) last.end = roundupPage(last.start) + PAGE;
}

function underscores(name: string): number {
  let n = 0;
  while (name.charCodeAt(n) === 95) n++;
  return n;
}

/** perf's choose_best_symbol: true when `a` wins over `b`. */
function prefersA(a: Work, b: Work): boolean {
  // Ends never precede starts, so "length 0" is end === start (no BigInt arithmetic).
  const za = a.end === a.start;
  const zb = b.end === b.start;
  if (zb && !za) return true;
  if (za && !zb) return false;
  const wa = a.binding === STB_WEAK;
  const wb = b.binding === STB_WEAK;
  if (wb && !wa) return true;
  if (wa && !wb) return false;
  const ga = a.binding === STB_GLOBAL;
  const gb = b.binding === STB_GLOBAL;
  if (ga && !gb) return true;
  if (gb && !ga) return false;
  const ua = underscores(a.name);
  const ub = underscores(b.name);
  if (ub > ua) return true;
  if (ua > ub) return false;
  return a.name.length >= b.name.length;
}

/** perf's symbols__fixup_duplicate: one symbol per start address. */
export function fixupDuplicate<W extends Work>(syms: W[]): W[] {
  const out: W[] = [];
  for (const s of syms) {
    const prev = out[out.length - 1];
    if (prev && prev.start === s.start) {
      if (!prefersA(prev, s)) out[out.length - 1] = s;
    } else out.push(s);
  }
  return out;
}
