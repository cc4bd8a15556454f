/**
 * A kernel-written kallsyms read only where lookups land. The kernel lists its own symbols
 * in address order, then those of modules, BPF programs and trampolines (lines with a tab).
 * The kernel part is cut into blocks of a few KB whose first addresses are read up front; a
 * lookup parses only the block it falls in and its neighbours, with perf's fix-ups applied to
 * that window. A profile touches a few hundred blocks of a 5 MB file, so a cold start parses
 * a fraction of it. Anything that breaks the layout (unsorted kernel lines, module lines among
 * kernel addresses, malformed block heads) is detected and the caller parses the whole file.
 */
import {
  HEX,
  type KallsymsColumns,
  KallsymsScan,
  kallsymsRangeColumns,
  parseHex,
  parseHex16,
  scannedColumns,
} from "./kallsyms-columns.ts";

/** Thrown (and caught by KernelSymbols) when the file turns out not to have the kernel's layout. */
export class NotKernelLayout extends Error {}

/** A table of one block: the symbols whose start lies in the block's address range. */
interface BlockTable {
  c: KallsymsColumns;
  from: number;
  to: number;
}

/** Compares (ahi, alo) with (bhi, blo) as unsigned 64-bit values. */
function cmp(ahi: number, alo: number, bhi: number, blo: number): number {
  return ahi !== bhi ? ahi - bhi : alo - blo;
}

/** The address of the line starting at `at` into HEX, or false when it has none. */
function headAddress(bytes: Uint8Array, at: number, end: number): boolean {
  if (at + 16 < end && bytes[at + 16] === 32 && parseHex16(bytes, at)) return true;
  const past = parseHex(bytes, at, end);
  return past > at && past - at <= 16 && bytes[past] === 32;
}

/** Lazily parsed kallsyms (see the module comment). */
export class LazyKallsyms {
  readonly #bytes: Uint8Array;
  /** Line starts of the blocks; heads[count] is the end of the kernel part. */
  readonly #heads: Int32Array;
  readonly #headHi: Uint32Array;
  readonly #headLo: Uint32Array;
  readonly #count: number;
  readonly #tables: (BlockTable | undefined)[];
  /** The module part, parsed whole (null when the file has none). */
  readonly modules: KallsymsColumns | null;

  private constructor(
    bytes: Uint8Array,
    heads: Int32Array,
    headHi: Uint32Array,
    headLo: Uint32Array,
    count: number,
    modules: KallsymsColumns | null,
  ) {
    this.#bytes = bytes;
    this.#heads = heads;
    this.#headHi = headHi;
    this.#headLo = headLo;
    this.#count = count;
    this.#tables = new Array(count);
    this.modules = modules;
  }

  /** The file's bytes. */
  get bytes(): Uint8Array {
    return this.#bytes;
  }

  /** The lazy reader of `bytes`, or null when its layout is not the kernel's (parse it whole). */
  static open(bytes: Uint8Array, blockSize = 4096): LazyKallsyms | null {
    const n = bytes.length;
    const tab = bytes.indexOf(9);
    const coreEnd = tab < 0 ? n : bytes.lastIndexOf(10, tab) + 1;
    if (coreEnd === 0) return null;
    // Block heads: the first line starting at or after each multiple of blockSize.
    const max = Math.ceil(coreEnd / blockSize) + 1;
    const heads = new Int32Array(max + 1);
    const headHi = new Uint32Array(max);
    const headLo = new Uint32Array(max);
    let count = 0;
    for (let pos = 0; pos < coreEnd; pos += blockSize) {
      const at = pos === 0 ? 0 : bytes.indexOf(10, pos - 1) + 1;
      if ((pos > 0 && at <= 0) || at >= coreEnd) break;
      if (count > 0 && at <= heads[count - 1]!) continue;
      let eol = bytes.indexOf(10, at);
      if (eol < 0) eol = n;
      if (!headAddress(bytes, at, eol)) return null;
      if (count > 0 && cmp(HEX[0]!, HEX[1]!, headHi[count - 1]!, headLo[count - 1]!) < 0) return null;
      heads[count] = at;
      headHi[count] = HEX[0]!;
      headLo[count] = HEX[1]!;
      count++;
    }
    heads[count] = coreEnd;
    let modules: KallsymsColumns | null = null;
    if (coreEnd < n) {
      const m = kallsymsRangeColumns(bytes, coreEnd, n).columns;
      // Module symbols must all be modules' and lie above every kernel line.
      const lastLine = bytes.lastIndexOf(10, coreEnd - 2) + 1;
      if (!headAddress(bytes, lastLine, coreEnd - 1)) return null;
      for (let k = 0; k < m.count; k++) if (m.module[k]! < 0) return null;
      if (m.count > 0 && cmp(m.startHi[0]!, m.startLo[0]!, HEX[0]!, HEX[1]!) <= 0) return null;
      modules = m;
    }
    return new LazyKallsyms(bytes, heads, headHi, headLo, count, modules);
  }

  /**
   * The table holding the symbol with the greatest start <= (hi, lo) and its index, or null
   * when no symbol starts at or below it. Throws NotKernelLayout when a parsed window shows
   * the kernel part is not in address order.
   */
  find(hi: number, lo: number): { c: KallsymsColumns; i: number } | null {
    const m = this.modules;
    if (m && m.count > 0 && cmp(hi, lo, m.startHi[0]!, m.startLo[0]!) >= 0) {
      const i = lastAtOrBelow(m, 0, m.count, hi, lo);
      return i < 0 ? null : { c: m, i };
    }
    // The last block whose head is <= the address.
    let a = 0;
    let b = this.#count - 1;
    let k = -1;
    while (a <= b) {
      const mid = (a + b) >>> 1;
      if (cmp(this.#headHi[mid]!, this.#headLo[mid]!, hi, lo) <= 0) {
        k = mid;
        a = mid + 1;
      } else b = mid - 1;
    }
    for (; k >= 0; k--) {
      const t = this.#table(k);
      const i = lastAtOrBelow(t.c, t.from, t.to, hi, lo);
      if (i >= 0) return { c: t.c, i };
    }
    return null;
  }

  /**
   * Block k's symbols, fixed up exactly: the block's lines, plus the lines just before it that
   * share its first address (a group of aliases starting in the block) and the lines after it
   * up to the next kept start (the last symbol's end).
   */
  #table(k: number): BlockTable {
    const cached = this.#tables[k];
    if (cached) return cached;
    const bytes = this.#bytes;
    const n = this.#count;
    const hi = this.#headHi[k]!;
    const lo = this.#headLo[k]!;
    let from = this.#heads[k]!;
    while (from > 0) {
      const prev = bytes.lastIndexOf(10, from - 2) + 1;
      if (!headAddress(bytes, prev, from - 1) || HEX[0] !== hi || HEX[1] !== lo) break;
      from = prev;
    }
    const blockEnd = this.#heads[k + 1]!;
    const coreEnd = this.#heads[n]!;
    const scan = new KallsymsScan(bytes, from, blockEnd);
    let at = from;
    while (at < blockEnd) at = scan.line(at);
    // Past the block: lines up to the first kept one starting above the block's last.
    const inBlock = scan.count;
    if (inBlock > 0) {
      const lastHi = scan.hi[inBlock - 1]!;
      const lastLo = scan.lo[inBlock - 1]!;
      while (at < coreEnd) {
        const before = scan.count;
        at = scan.line(at);
        if (scan.count > before && cmp(scan.hi[before]!, scan.lo[before]!, lastHi, lastLo) > 0) break;
      }
    }
    const { columns: c, sorted } = scannedColumns(scan);
    if (!sorted) throw new NotKernelLayout("kernel symbols out of order");
    if (c.count > 0 && cmp(c.startHi[0]!, c.startLo[0]!, hi, lo) < 0)
      throw new NotKernelLayout("kernel symbol below its block");
    // Block k's symbols: starts in [head k, head k+1).
    let to = 0;
    while (
      to < c.count &&
      (k + 1 >= n || cmp(c.startHi[to]!, c.startLo[to]!, this.#headHi[k + 1]!, this.#headLo[k + 1]!) < 0)
    )
      to++;
    // The window reached past the block only for the last end: a symbol there is the next
    // block's and must not start below its head.
    if (
      k + 1 < n &&
      to < c.count &&
      cmp(c.startHi[to]!, c.startLo[to]!, this.#headHi[k + 1]!, this.#headLo[k + 1]!) < 0
    )
      throw new NotKernelLayout("kernel symbol below its block");
    const t = { c, from: 0, to };
    this.#tables[k] = t;
    return t;
  }
}

/** The index in [from, to) of the last start <= (hi, lo), or -1. */
function lastAtOrBelow(c: KallsymsColumns, from: number, to: number, hi: number, lo: number): number {
  let a = from;
  let b = to - 1;
  let idx = -1;
  while (a <= b) {
    const mid = (a + b) >>> 1;
    if (cmp(c.startHi[mid]!, c.startLo[mid]!, hi, lo) <= 0) {
      idx = mid;
      a = mid + 1;
    } else b = mid - 1;
  }
  return idx;
}
