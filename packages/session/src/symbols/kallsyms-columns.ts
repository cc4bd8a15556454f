/**
 * kallsyms bytes into perf's kernel symbol table, as typed arrays: the line scanner, the
 * stable sort and perf's end and duplicate fix-ups. Nothing per line is a string, object or
 * BigInt; each step is a small function, since a cold start runs one call per line and small
 * functions reach the optimizing compiler long before one big loop would.
 */

import { grownInto } from "../typed-grow.ts";
import { STB_GLOBAL, STB_LOCAL, STB_WEAK } from "./elf/constants.ts";
import { stableOrder } from "./stable-order.ts";

/** perf's KSYM_NAME_LEN: longer names (with their module) are skipped. */
export const KSYM_NAME_LEN = 512;
const NAMES = new TextDecoder();
const TWO32 = 2 ** 32;
const PAGE_MASK = 0xfffff000;

/**
 * The kept kallsyms lines after perf's fix-ups, as parallel arrays sorted by start: 64-bit
 * addresses as 32-bit halves, names as byte ranges of the file. Nothing per symbol is built
 * until a lookup asks for it: /proc/kallsyms has 100k+ lines and a profile names a few thousand.
 */
export interface KallsymsColumns {
  readonly bytes: Uint8Array;
  readonly count: number;
  readonly startHi: Uint32Array;
  readonly startLo: Uint32Array;
  readonly endHi: Uint32Array;
  readonly endLo: Uint32Array;
  readonly nameAt: Int32Array;
  readonly nameEnd: Int32Array;
  /** Index into `modules`, or -1 for the kernel image. */
  readonly module: Int32Array;
  readonly binding: Uint8Array;
  readonly modules: readonly string[];
}

/** @internal The parsed, fixed-up columns of kallsyms bytes (what {@link KernelSymbols} wraps). */
export function kallsymsColumns(bytes: Uint8Array): KallsymsColumns {
  return kallsymsRangeColumns(bytes, 0, bytes.length).columns;
}

/**
 * @internal The lines starting in bytes [from, to) (line starts) parsed and fixed up as a table
 * of their own: the last symbol ends as the last of a file does. `sorted` tells whether the kept
 * lines came in address order.
 */
export function kallsymsRangeColumns(
  bytes: Uint8Array,
  from: number,
  to: number,
): { columns: KallsymsColumns; sorted: boolean } {
  const scan = new KallsymsScan(bytes, from, to);
  for (let i = from; i < to; ) i = scan.line(i);
  return scannedColumns(scan);
}

/** @internal The fixed-up table of what a scanner kept, and whether it came in address order. */
export function scannedColumns(scan: KallsymsScan): { columns: KallsymsColumns; sorted: boolean } {
  const bytes = scan.bytes;
  const count = scan.count;
  // Stable sort by start keeps perf's insertion order among equal starts.
  const { hi, lo } = scan;
  const order = scan.sorted
    ? null
    : stableOrder(count, (a, b) => hi[a]! < hi[b]! || (hi[a] === hi[b] && lo[a]! < lo[b]!));
  const startHi = permute(scan.hi, order, count);
  const startLo = permute(scan.lo, order, count);
  const nameAt = permute(scan.nameAt, order, count);
  const nameEnd = permute(scan.nameEnd, order, count);
  const module = permute(scan.module, order, count);
  const binding = permute(scan.binding, order, count);
  const endHi = new Uint32Array(count);
  const endLo = new Uint32Array(count);
  for (let k = 0; k < count; k++) fixupEnd(k, count, startHi, startLo, module, endHi, endLo);
  const c = { startHi, startLo, endHi, endLo, nameAt, nameEnd, module, binding };
  let kept = 0;
  for (let k = 0; k < count; k++) kept = fixupDuplicate(bytes, k, kept, c);
  return { columns: { bytes, count: kept, ...c, modules: scan.modules }, sorted: scan.sorted };
}

/** @internal The line scanner's state: kept lines so far as columns, in file order. */
export class KallsymsScan {
  hi: Uint32Array;
  lo: Uint32Array;
  nameAt: Int32Array;
  nameEnd: Int32Array;
  module: Int32Array;
  binding: Uint8Array;
  count = 0;
  sorted = true;
  readonly modules: string[] = [];
  readonly #moduleIds = new Map<string, number>();
  #lastModAt = -1;
  #lastModEnd = -1;
  #lastMod = -1;
  /** One cursor on the next tab keeps the scan linear: most lines (the kernel's) have none. */
  #nextTab: number;

  constructor(
    readonly bytes: Uint8Array,
    from = 0,
    to = bytes.length,
  ) {
    // About one line per 40 bytes; grown when more.
    const cap = Math.max(16, ((to - from) / 24) | 0);
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.nameAt = new Int32Array(cap);
    this.nameEnd = new Int32Array(cap);
    this.module = new Int32Array(cap);
    this.binding = new Uint8Array(cap);
    // Searched within the range only: a window of a big file must not scan what follows it.
    const tab = bytes.subarray(from, to).indexOf(9);
    this.#nextTab = tab < 0 ? -1 : from + tab;
  }

  /** Scans the line at `i`, keeping it when perf would; returns where the next line starts. */
  line(i: number): number {
    const bytes = this.bytes;
    const n = bytes.length;
    // 64-bit kallsyms pads every address to 16 digits: parse that shape without a loop.
    const at = i + 16 < n && bytes[i + 16] === 32 && parseHex16(bytes, i) ? i + 16 : parseHex(bytes, i, n);
    const digits = at - i;
    let eol = bytes.indexOf(10, at);
    if (eol < 0) eol = n;
    if (digits === 0 || digits > 16 || bytes[at] !== 32 || at + 3 > eol || bytes[at + 2] !== 32) return eol + 1;
    const type = bytes[at + 1]!;
    const upper = type & ~32;
    if (upper !== 84 && upper !== 87 && upper !== 68 && upper !== 66) return eol + 1; // T W D B
    const nameAt = at + 3;
    if (nameAt >= eol || bytes[nameAt] === 36 /* $ */ || eol - nameAt >= KSYM_NAME_LEN) return eol + 1;
    let tab = this.#nextTab;
    if (tab >= 0 && tab < nameAt) this.#nextTab = tab = bytes.indexOf(9, nameAt);
    if (tab >= eol) tab = -1;
    const mod = tab >= 0 ? this.#moduleOf(tab + 1, eol) : -1;
    const k = this.count;
    if (k === this.hi.length) this.#grow();
    const hi = HEX[0]!;
    const lo = HEX[1]!;
    if (k > 0 && (hi < this.hi[k - 1]! || (hi === this.hi[k - 1]! && lo < this.lo[k - 1]!))) this.sorted = false;
    this.hi[k] = hi;
    this.lo[k] = lo;
    this.nameAt[k] = nameAt;
    this.nameEnd[k] = tab >= 0 ? tab : eol;
    this.module[k] = mod;
    this.binding[k] = type === 87 /* W */ ? STB_WEAK : type === upper ? STB_GLOBAL : STB_LOCAL;
    this.count = k + 1;
    return eol + 1;
  }

  /** The module index of the `[name]` at bytes [at, end), interned (runs of one module are compared bytewise). */
  #moduleOf(at: number, end: number): number {
    const bytes = this.bytes;
    const last = this.#lastMod;
    if (last >= 0 && end - at === this.#lastModEnd - this.#lastModAt && sameBytes(bytes, at, this.#lastModAt, end - at))
      return last;
    const raw = NAMES.decode(bytes.subarray(at, end)).trim();
    let mod = this.#moduleIds.get(raw);
    if (mod === undefined) {
      mod = this.modules.length;
      this.modules.push(raw.replace(/^\[(.*)\]$/, "$1"));
      this.#moduleIds.set(raw, mod);
    }
    this.#lastMod = mod;
    this.#lastModAt = at;
    this.#lastModEnd = end;
    return mod;
  }

  #grow(): void {
    const cap = 2 * this.hi.length;
    this.hi = grownInto(this.hi, new Uint32Array(cap));
    this.lo = grownInto(this.lo, new Uint32Array(cap));
    this.nameAt = grownInto(this.nameAt, new Int32Array(cap));
    this.nameEnd = grownInto(this.nameEnd, new Int32Array(cap));
    this.module = grownInto(this.module, new Int32Array(cap));
    this.binding = grownInto(this.binding, new Uint8Array(cap));
  }
}

/** The first `count` entries of `a`, reordered by `order` (null: as they are). */
function permute<T extends Uint32Array | Int32Array | Uint8Array>(a: T, order: Int32Array | null, count: number): T {
  if (!order) return a.subarray(0, count) as T;
  const out = a.slice(0, count) as T;
  for (let k = 0; k < count; k++) out[k] = a[order[k]!]!;
  return out;
}

/**
 * perf's symbols__fixup_end for symbol `k`: it ends where the next starts, except across a
 * kernel/module boundary (roundup(start + page, page)) and at the very end
 * (roundup(start, page) + page).
 */
function fixupEnd(
  k: number,
  count: number,
  startHi: Uint32Array,
  startLo: Uint32Array,
  module: Int32Array,
  endHi: Uint32Array,
  endLo: Uint32Array,
): void {
  if (k + 1 < count && module[k]! < 0 === module[k + 1]! < 0) {
    endHi[k] = startHi[k + 1]!;
    endLo[k] = startLo[k + 1]!;
    return;
  }
  const v = startLo[k]! + (k + 1 < count ? 8191 : 4095 + 4096);
  const carry = v >= TWO32 ? 1 : 0;
  endLo[k] = ((v - carry * TWO32) & PAGE_MASK) >>> 0;
  endHi[k] = (startHi[k]! + carry) >>> 0;
}

/**
 * perf's symbols__fixup_duplicate, one step: symbol `k` joins the `kept` compacted ones,
 * replacing the last when it has the same start and perf's choose_best_symbol prefers it.
 * Returns the new kept count.
 */
function fixupDuplicate(bytes: Uint8Array, k: number, kept: number, c: DuplicateView & { module: Int32Array }): number {
  let to = kept;
  if (kept > 0 && c.startHi[kept - 1] === c.startHi[k] && c.startLo[kept - 1] === c.startLo[k]) {
    if (prefersKept(bytes, kept - 1, k, c)) return kept;
    to = kept - 1;
  }
  if (to === k) return k + 1; // nothing dropped yet: already in place
  c.startHi[to] = c.startHi[k]!;
  c.startLo[to] = c.startLo[k]!;
  c.endHi[to] = c.endHi[k]!;
  c.endLo[to] = c.endLo[k]!;
  c.nameAt[to] = c.nameAt[k]!;
  c.nameEnd[to] = c.nameEnd[k]!;
  c.module[to] = c.module[k]!;
  c.binding[to] = c.binding[k]!;
  return to + 1;
}

interface DuplicateView {
  startHi: Uint32Array;
  startLo: Uint32Array;
  endHi: Uint32Array;
  endLo: Uint32Array;
  nameAt: Int32Array;
  nameEnd: Int32Array;
  binding: Uint8Array;
}

/** perf's choose_best_symbol between the kept symbol `a` and a later one `b` at the same start: true keeps `a`. */
function prefersKept(bytes: Uint8Array, a: number, b: number, c: DuplicateView): boolean {
  const za = c.endHi[a] === c.startHi[a] && c.endLo[a] === c.startLo[a];
  const zb = c.endHi[b] === c.startHi[b] && c.endLo[b] === c.startLo[b];
  if (zb && !za) return true;
  if (za && !zb) return false;
  const wa = c.binding[a] === STB_WEAK;
  const wb = c.binding[b] === STB_WEAK;
  if (wb && !wa) return true;
  if (wa && !wb) return false;
  const ga = c.binding[a] === STB_GLOBAL;
  const gb = c.binding[b] === STB_GLOBAL;
  if (ga && !gb) return true;
  if (gb && !ga) return false;
  const ua = leadingUnderscores(bytes, c.nameAt[a]!, c.nameEnd[a]!);
  const ub = leadingUnderscores(bytes, c.nameAt[b]!, c.nameEnd[b]!);
  if (ub > ua) return true;
  if (ua > ub) return false;
  return c.nameEnd[a]! - c.nameAt[a]! >= c.nameEnd[b]! - c.nameAt[b]!;
}

/** The value of the hex digits at `i` as 32-bit halves in HEX; returns the index past them. */
export function parseHex(bytes: Uint8Array, i: number, n: number): number {
  // A small function of its own: called once per line it is compiled early, while the long
  // loop around it would run in the slow tiers for much of a cold start.
  let hi = 0;
  let lo = 0;
  for (; i < n; i++) {
    const c = bytes[i]!;
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else {
      const l = c | 32;
      if (l < 97 || l > 102) break;
      d = l - 87;
    }
    hi = ((hi << 4) | (lo >>> 28)) >>> 0;
    lo = ((lo << 4) | d) >>> 0;
  }
  HEX[0] = hi;
  HEX[1] = lo;
  return i;
}
/** @internal The address parseHex16 read last: HEX[0] high half, HEX[1] low half. */
export const HEX = new Uint32Array(2);

/** Nibble value per byte (255: not a hex digit). */
const NIBBLE = new Uint8Array(256).fill(255);
for (let c = 0; c < 10; c++) NIBBLE[48 + c] = c;
for (let c = 0; c < 6; c++) NIBBLE[65 + c] = NIBBLE[97 + c] = 10 + c;

/** Parses exactly 16 hex digits at `i` into HEX; false (HEX unspecified) when one is not a digit. */
export function parseHex16(bytes: Uint8Array, i: number): boolean {
  const a = half(bytes, i);
  const b = half(bytes, i + 8);
  if (a < 0 || b < 0) return false;
  HEX[0] = a;
  HEX[1] = b;
  return true;
}

/** Eight hex digits at `i` as an unsigned 32-bit value, or -1. */
function half(bytes: Uint8Array, i: number): number {
  const d0 = NIBBLE[bytes[i]!]!;
  const d1 = NIBBLE[bytes[i + 1]!]!;
  const d2 = NIBBLE[bytes[i + 2]!]!;
  const d3 = NIBBLE[bytes[i + 3]!]!;
  const d4 = NIBBLE[bytes[i + 4]!]!;
  const d5 = NIBBLE[bytes[i + 5]!]!;
  const d6 = NIBBLE[bytes[i + 6]!]!;
  const d7 = NIBBLE[bytes[i + 7]!]!;
  if ((d0 | d1 | d2 | d3 | d4 | d5 | d6 | d7) > 15) return -1;
  return ((d0 << 28) | (d1 << 24) | (d2 << 20) | (d3 << 16) | (d4 << 12) | (d5 << 8) | (d6 << 4) | d7) >>> 0;
}

function leadingUnderscores(bytes: Uint8Array, at: number, end: number): number {
  let k = at;
  while (k < end && bytes[k] === 95) k++;
  return k - at;
}

function sameBytes(bytes: Uint8Array, a: number, b: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (bytes[a + k] !== bytes[b + k]) return false;
  return true;
}
