/**
 * loadElfSymbols' common case decoded in place: a 64-bit little-endian ELF whose addresses
 * fit a double. Entries are read straight from the table bytes into number columns, sorted
 * and fixed up as arrays, and names are decoded (and demangled) only when a lookup returns
 * the symbol: a libc debug file holds 10k symbols and a profile names a few dozen. Anything
 * else (32-bit, big-endian, ARM, huge values) returns null and takes the general path.
 */
import { HOST_LITTLE_ENDIAN } from "@perfkit/format";
import { demangle as demangleName } from "./demangle.ts";
import {
  EM_AARCH64,
  EM_ARM,
  PT_LOAD,
  SHF_ALLOC,
  SHN_ABS,
  SHN_UNDEF,
  SHT_NOBITS,
  STB_GLOBAL,
  STB_WEAK,
  STT_FUNC,
  STT_GNU_IFUNC,
  STT_NOTYPE,
  STT_OBJECT,
} from "./elf/constants.ts";
import type { ElfFile, ElfSection } from "./elf/reader.ts";
import { pltSymbols } from "./plt-symbols.ts";
import { stableOrder } from "./stable-order.ts";
import { NO_BINDING, type Sym, SymbolTable } from "./symbol-table.ts";

const TWO32 = 2 ** 32;
/** Index of the low / high 32-bit half of a u64 in a Uint32Array view (host byte order). */
const LO = HOST_LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;
/** High halves below this keep a 64-bit value exact as a double. */
const EXACT_HI = 2 ** 21;
const PAGE = 4096;
const NAMES = new TextDecoder("utf-8", { fatal: false });

/** What the general loader's options come to here. */
export interface FastElfOptions {
  demangle: boolean;
  fileOffsets: boolean;
  allowAliases: boolean;
  plt: boolean;
}

/** Per section: what the symbol filters and the offset conversion need, as numbers. */
interface SectionFacts {
  alloc: boolean;
  nobits: boolean;
  textOrData: boolean;
  /** sh_addr - sh_offset, or NaN when sh_addr is not exact. */
  bias: number;
}

function sectionFacts(sections: readonly ElfSection[]): SectionFacts[] {
  return sections.map((s) => ({
    alloc: (s.flags & SHF_ALLOC) !== 0n,
    nobits: s.type === SHT_NOBITS,
    textOrData: s.name.includes("text") || s.name.includes("data"),
    bias: s.addr < 2n ** 53n ? Number(s.addr) - s.offset : Number.NaN,
  }));
}

/** Symbol columns while loading. */
class Columns {
  start: Float64Array;
  end: Float64Array;
  binding: Uint8Array;
  /** Name offset in the string table; -1 - k for the k-th extra (PLT) name. */
  name: Int32Array;
  count = 0;
  constructor(cap: number) {
    this.start = new Float64Array(cap);
    this.end = new Float64Array(cap);
    this.binding = new Uint8Array(cap);
    this.name = new Int32Array(cap);
  }
  push(start: number, end: number, binding: number, name: number): void {
    const k = this.count++;
    this.start[k] = start;
    this.end[k] = end;
    this.binding[k] = binding;
    this.name[k] = name;
  }
}

/**
 * The symbol table loadElfSymbols would build, or null when the file is not in the common
 * case. Throws the ElfErrors the general path would.
 */
export function loadElfSymbolsFast(syms: ElfFile, runtime: ElfFile, options: FastElfOptions): SymbolTable | null {
  const h = syms.header;
  if (!h.is64 || !h.littleEndian || h.machine === EM_ARM || h.machine === EM_AARCH64) return null;
  const table = syms.symbolTableBytes(syms.hasSymtab() ? ".symtab" : ".dynsym");
  if (!table) return SymbolTable.build([]);
  const { raw, strs, entsize } = table;
  // PT_LOAD segments of the runtime file, in order, as numbers.
  const loads: number[] = [];
  for (const p of runtime.segments) {
    if (p.type !== PT_LOAD) continue;
    if (p.vaddr >= 2n ** 52n || p.memsz >= 2n ** 52n || p.offset >= 2n ** 52n) return null;
    loads.push(Number(p.vaddr), Number(p.vaddr + p.memsz), Number(p.vaddr - p.offset));
  }
  const own = sectionFacts(syms.sections);
  const run = runtime === syms ? own : sectionFacts(runtime.sections);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = Math.floor(raw.length / entsize);
  const cols = new Columns(n);
  for (let i = 0; i < n; i++) {
    const o = i * entsize;
    const nameOff = dv.getUint32(o, true);
    const info = raw[o + 4]!;
    const shndx = dv.getUint16(o + 6, true);
    const type = info & 0xf;
    const named = nameOff < strs.length && strs[nameOff] !== 0;
    if (!named || shndx === SHN_UNDEF) continue;
    const isLabel = type === STT_NOTYPE;
    if (!isLabel && type !== STT_FUNC && type !== STT_GNU_IFUNC && type !== STT_OBJECT) continue;
    if (shndx === SHN_ABS) continue;
    let sec = own[shndx];
    if (!sec?.alloc) continue;
    // Debug files keep section headers but not contents (NOBITS): use the runtime file's.
    if (runtime !== syms && sec.nobits) sec = run[shndx] ?? sec;
    if (isLabel && !sec.textOrData) continue;
    const vhi = dv.getUint32(o + 12, true);
    const shi = dv.getUint32(o + 20, true);
    if (vhi >= EXACT_HI || shi >= EXACT_HI) return null;
    let value = vhi * TWO32 + dv.getUint32(o + 8, true);
    const size = shi * TWO32 + dv.getUint32(o + 16, true);
    if (options.fileOffsets) {
      let bias = Number.NaN;
      for (let k = 0; k < loads.length; k += 3)
        if (value >= loads[k]! && value < loads[k + 1]!) {
          bias = loads[k + 2]!;
          break;
        }
      if (Number.isNaN(bias)) bias = sec.bias;
      if (Number.isNaN(bias)) return null;
      value -= bias;
      if (value < 0) return null;
    }
    if (value + size >= 2 ** 53) return null;
    cols.push(value, value + size, info >> 4, nameOff);
  }
  const names = new NameSource(strs, options.demangle);
  let sorted = fixups(sortByStart(cols), names, options.allowAliases);
  // perf adds PLT symbols after its fix-ups, only when the symbol table gave symbols.
  if (options.fileOffsets && sorted.count > 0 && options.plt) {
    const plt = pltSymbols(runtime, options.demangle);
    if (plt.length > 0) {
      const merged = new Columns(sorted.count + plt.length);
      for (let k = 0; k < sorted.count; k++)
        merged.push(sorted.start[k]!, sorted.end[k]!, sorted.binding[k]!, sorted.name[k]!);
      for (const p of plt) {
        if (p.start >= 2n ** 53n || p.size >= 2n ** 53n) return null;
        merged.push(Number(p.start), Number(p.start + p.size), NO_BINDING, -1 - names.extra.length);
        names.extra.push(p.name);
      }
      sorted = sortByStart(merged);
    }
  }
  return toTable(sorted, names);
}

/** Names by column entry: decoded from the string table (and demangled) on demand. */
class NameSource {
  readonly extra: string[] = [];
  constructor(
    readonly strs: Uint8Array,
    readonly demangle: boolean,
  ) {}

  /** The name as perf shows it (demangled when asked). */
  name(ref: number): string {
    if (ref < 0) return this.extra[-1 - ref]!;
    const raw = this.raw(ref);
    return this.demangle ? demangleName(raw) : raw;
  }

  raw(ref: number): string {
    let end = this.strs.indexOf(0, ref);
    if (end < 0) end = this.strs.length;
    return NAMES.decode(this.strs.subarray(ref, end));
  }

  /** Leading underscores and length of the name perf compares (a string only when bytes would not tell). */
  shape(ref: number): { underscores: number; length: number } {
    const s = this.strs;
    if (
      ref >= 0 &&
      !(this.demangle && s[ref] === 95 && (s[ref + 1] === 90 || s[ref + 1] === 82 || s[ref + 1] === 95))
    ) {
      let k = ref;
      let ascii = true;
      while (k < s.length && s[k] !== 0) {
        if (s[k]! >= 0x80) ascii = false;
        k++;
      }
      if (ascii) {
        let u = ref;
        while (s[u] === 95) u++;
        return { underscores: u - ref, length: k - ref };
      }
    }
    const name = this.name(ref);
    let u = 0;
    while (name.charCodeAt(u) === 95) u++;
    return { underscores: u, length: name.length };
  }
}

/** Stable sort by start (perf keeps insertion order among equal starts). */
function sortByStart(c: Columns): Columns {
  const n = c.count;
  const start = c.start;
  let sortedAlready = true;
  for (let k = 1; k < n && sortedAlready; k++) if (start[k]! < start[k - 1]!) sortedAlready = false;
  if (sortedAlready) return c;
  const order = packedOrder(start, n) ?? stableOrder(n, (a, b) => start[a]! < start[b]!);
  const out = new Columns(n);
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    out.push(c.start[i]!, c.end[i]!, c.binding[i]!, c.name[i]!);
  }
  return out;
}

const INDEX_BITS = 2 ** 20;

/**
 * The stable order by start through the engine's numeric sort: start and index packed into
 * one exact double (start * 2^20 + index), possible when starts stay below 2^32 and there are
 * fewer than 2^20 symbols (every user-space DSO). Null otherwise.
 */
function packedOrder(start: Float64Array, n: number): Int32Array | null {
  if (n >= INDEX_BITS) return null;
  const keys = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const v = start[k]!;
    if (v >= 2 ** 32) return null;
    keys[k] = v * INDEX_BITS + k;
  }
  keys.sort();
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[k] = keys[k]! % INDEX_BITS;
  return order;
}

/** perf's symbols__fixup_end and (unless aliases are kept) symbols__fixup_duplicate, in place. */
function fixups(c: Columns, names: NameSource, allowAliases: boolean): Columns {
  const n = c.count;
  const { start, end } = c;
  for (let k = 1; k < n; k++) if (end[k - 1] === start[k - 1]) end[k - 1] = start[k]!;
  if (n > 0 && end[n - 1] === start[n - 1]) end[n - 1] = Math.ceil(start[n - 1]! / PAGE) * PAGE + PAGE;
  if (allowAliases) return c;
  let kept = 0;
  for (let k = 0; k < n; k++) {
    let to = kept;
    if (kept > 0 && start[kept - 1] === start[k]) {
      if (prefersKept(c, kept - 1, k, names)) continue;
      to = kept - 1;
    }
    start[to] = start[k]!;
    end[to] = end[k]!;
    c.binding[to] = c.binding[k]!;
    c.name[to] = c.name[k]!;
    kept = to + 1;
  }
  c.count = kept;
  return c;
}

/** perf's choose_best_symbol: true when the kept symbol `a` wins over the later `b` at its start. */
function prefersKept(c: Columns, a: number, b: number, names: NameSource): boolean {
  const za = c.end[a] === c.start[a];
  const zb = c.end[b] === c.start[b];
  if (zb && !za) return true;
  if (za && !zb) return false;
  const ba = c.binding[a];
  const bb = c.binding[b];
  if (bb === STB_WEAK && ba !== STB_WEAK) return true;
  if (ba === STB_WEAK && bb !== STB_WEAK) return false;
  if (ba === STB_GLOBAL && bb !== STB_GLOBAL) return true;
  if (bb === STB_GLOBAL && ba !== STB_GLOBAL) return false;
  const sa = names.shape(c.name[a]!);
  const sb = names.shape(c.name[b]!);
  if (sb.underscores > sa.underscores) return true;
  if (sa.underscores > sb.underscores) return false;
  return sa.length >= sb.length;
}

function toTable(c: Columns, names: NameSource): SymbolTable<Sym> {
  const n = c.count;
  const starts = new BigUint64Array(n);
  const ends = new BigUint64Array(n);
  // Written as 32-bit halves: no BigInt per symbol.
  const sw = new Uint32Array(starts.buffer);
  const ew = new Uint32Array(ends.buffer);
  for (let k = 0; k < n; k++) {
    const a = c.start[k]!;
    const b = c.end[k]!;
    sw[2 * k + LO] = a % TWO32;
    sw[2 * k + HI] = Math.floor(a / TWO32);
    ew[2 * k + LO] = b % TWO32;
    ew[2 * k + HI] = Math.floor(b / TWO32);
  }
  const refs = c.name.slice(0, n);
  return SymbolTable.lazy({
    starts,
    ends,
    binding: c.binding.slice(0, n),
    nameOf: (i) => names.name(refs[i]!),
  });
}
