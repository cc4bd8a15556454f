import { readFileSync } from "node:fs";
import { type KallsymsColumns, KSYM_NAME_LEN, kallsymsColumns } from "./kallsyms-columns.ts";
import { LazyKallsyms, NotKernelLayout } from "./kallsyms-lazy.ts";
import { type Sym, SymbolTable } from "./symbol-table.ts";

/** A kernel symbol: `module` is the module name without brackets, or null for the kernel image. */
export interface KernelSym extends Sym {
  module: string | null;
}

/** One parsed kallsyms line. */
export interface KallsymsEntry {
  start: bigint;
  /** The nm-style type letter (T, t, W, D, b, ...). */
  type: string;
  name: string;
  /** Module name without brackets, or null. */
  module: string | null;
}

/** Parses kallsyms text (`addr type name[\t[module]]` per line), skipping malformed lines. */
export function parseKallsyms(text: string): KallsymsEntry[] {
  if (typeof text !== "string") throw new TypeError(`text must be a string, got ${typeof text}`);
  const out: KallsymsEntry[] = [];
  for (const line of text.split("\n")) {
    const sp = line.indexOf(" ");
    if (sp <= 0 || sp + 3 > line.length || line[sp + 2] !== " ") continue;
    const hex = line.slice(0, sp);
    if (!/^[0-9a-fA-F]+$/.test(hex)) continue;
    const rest = line.slice(sp + 3);
    if (rest === "" || rest.length >= KSYM_NAME_LEN) continue;
    const tab = rest.indexOf("\t");
    let name = rest;
    let module: string | null = null;
    if (tab >= 0) {
      name = rest.slice(0, tab);
      module = rest
        .slice(tab + 1)
        .trim()
        .replace(/^\[(.*)\]$/, "$1");
    }
    out.push({ start: BigInt(`0x${hex}`), type: line[sp + 1]!, name, module });
  }
  return out;
}

/** The kernel's symbols and each module's, split from kallsyms as perf's dso__split_kallsyms does. */
export class KernelSymbols {
  #c: KallsymsColumns | undefined;
  #lazy: LazyKallsyms | undefined;
  readonly #made = new Map<KallsymsColumns, (KernelSym | undefined)[]>();
  readonly #cache = new Map<bigint, KernelSym | null>();
  #all: SymbolTable<KernelSym> | undefined;

  /** @internal Use {@link kernelSymbolsFromKallsyms} or {@link loadKallsyms}. */
  constructor(source: KallsymsColumns | LazyKallsyms) {
    if (source instanceof LazyKallsyms) this.#lazy = source;
    else this.#c = source;
  }

  /** The whole table (parsed on first use when lookups were lazy). */
  #columns(): KallsymsColumns {
    if (!this.#c) {
      this.#c = kallsymsColumns(this.#lazy!.bytes);
      this.#lazy = undefined;
    }
    return this.#c;
  }

  /** Every kept symbol (kernel and modules), sorted by address (built on first use). */
  get all(): SymbolTable<KernelSym> {
    if (!this.#all) {
      const c = this.#columns();
      const syms: KernelSym[] = [];
      for (let i = 0; i < c.count; i++) syms.push(this.#symbol(c, i));
      this.#all = SymbolTable.fromSorted(syms);
    }
    return this.#all;
  }

  /** The symbol covering an absolute kernel address, or null. */
  find(addr: bigint): KernelSym | null {
    if (typeof addr !== "bigint") throw new TypeError(`addr must be a bigint, got ${typeof addr}`);
    let hit = this.#cache.get(addr);
    if (hit === undefined) {
      hit = this.#search(Number((addr >> 32n) & 0xffffffffn), Number(addr & 0xffffffffn), addr);
      if (this.#cache.size >= 1 << 16) this.#cache.clear();
      this.#cache.set(addr, hit);
    }
    return hit;
  }

  /** Names of modules that have symbols. */
  modules(): string[] {
    const c = this.#columns();
    const seen = new Set<number>();
    for (let i = 0; i < c.count; i++) if (c.module[i]! >= 0) seen.add(c.module[i]!);
    return [...seen].map((m) => c.modules[m]!);
  }

  /** Symbols of one module (module = null: the kernel image). */
  table(module: string | null): SymbolTable<KernelSym> {
    const c = this.#columns();
    const want = module === null ? -1 : c.modules.indexOf(module);
    const syms: KernelSym[] = [];
    if (module === null || want >= 0)
      for (let i = 0; i < c.count; i++) if (c.module[i] === want) syms.push(this.#symbol(c, i));
    return SymbolTable.fromSorted(syms);
  }

  /** SymbolTable's rule: start <= addr < end, or addr === start for a symbol left zero-sized. */
  #search(hi: number, lo: number, addr: bigint): KernelSym | null {
    let c: KallsymsColumns;
    let idx = -1;
    const lazy = this.#lazy;
    if (lazy) {
      let r: { c: KallsymsColumns; i: number } | null;
      try {
        r = lazy.find(hi, lo);
      } catch (e) {
        // Not the kernel's layout after all: answer from the whole file from now on.
        if (!(e instanceof NotKernelLayout)) throw e;
        this.#cache.clear();
        this.#columns();
        return this.#search(hi, lo, addr);
      }
      if (!r) return null;
      c = r.c;
      idx = r.i;
    } else {
      c = this.#c!;
      const { startHi, startLo, count } = c;
      let a = 0;
      let b = count - 1;
      while (a <= b) {
        const mid = (a + b) >>> 1;
        const h = startHi[mid]!;
        if (h < hi || (h === hi && startLo[mid]! <= lo)) {
          idx = mid;
          a = mid + 1;
        } else b = mid - 1;
      }
      if (idx < 0) return null;
    }
    const s = this.#symbol(c, idx);
    return addr < s.end || addr === s.start ? s : null;
  }

  #symbol(c: KallsymsColumns, i: number): KernelSym {
    let made = this.#made.get(c);
    if (!made) {
      made = new Array(c.count);
      this.#made.set(c, made);
    }
    let s = made[i];
    if (!s) {
      const m = c.module[i]!;
      s = {
        name: NAMES.decode(c.bytes.subarray(c.nameAt[i]!, c.nameEnd[i]!)),
        start: word64(c.startHi[i]!, c.startLo[i]!),
        end: word64(c.endHi[i]!, c.endLo[i]!),
        binding: c.binding[i]!,
        module: m < 0 ? null : c.modules[m]!,
      };
      made[i] = s;
    }
    return s;
  }
}

const NAMES = new TextDecoder();

function word64(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * Builds kernel symbol tables from kallsyms text with perf 6.1's rules: only T/W/D/B
 * symbols (either case), ARM `$` locals dropped, each symbol ending at the next one (one
 * page past the last symbol before a kernel↔module boundary), one symbol kept per address.
 */
export function kernelSymbolsFromKallsyms(text: string | Uint8Array): KernelSymbols {
  if (typeof text === "string") return kernelSymbolsFromBytes(new TextEncoder().encode(text));
  if (!(text instanceof Uint8Array)) throw new TypeError(`text must be a string or Uint8Array, got ${typeof text}`);
  return kernelSymbolsFromBytes(text);
}

/**
 * One pass over the bytes into typed arrays (no string, object or BigInt per line), a
 * stable merge of the sorted stretches (module symbols come unsorted), then perf's end and
 * duplicate fix-ups on the arrays. Each step is a small function: a cold start runs one
 * call per line, and small functions reach the optimizing compiler long before one big
 * loop would.
 */
function kernelSymbolsFromBytes(bytes: Uint8Array): KernelSymbols {
  return new KernelSymbols(kallsymsColumns(bytes));
}

/** Options of {@link loadKallsyms}. */
export interface LoadKallsymsOptions {
  /**
   * The file was written by the kernel (/proc/kallsyms or perf's copy of it): parse only the
   * parts lookups land in, trusting the kernel's address order for its own symbols (checked
   * where parsed; a file found out of order is parsed whole). Default false.
   */
  kernelWritten?: boolean;
}

/** Loads a kallsyms file (default `/proc/kallsyms`; perf's build-id cache keeps copies). */
export function loadKallsyms(path = "/proc/kallsyms", options: LoadKallsymsOptions = {}): KernelSymbols {
  if (typeof path !== "string" || path === "")
    throw new TypeError(`path must be a non-empty string, got ${typeof path}`);
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  const bytes = readFileSync(path);
  const lazy = options.kernelWritten === true ? LazyKallsyms.open(bytes) : null;
  return lazy ? new KernelSymbols(lazy) : kernelSymbolsFromBytes(bytes);
}
