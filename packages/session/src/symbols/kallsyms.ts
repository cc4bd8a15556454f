import { readFileSync } from "node:fs";
import { STB_GLOBAL, STB_LOCAL, STB_WEAK } from "./elf/constants.ts";
import { fixupDuplicate, fixupEnd, type Sym, SymbolTable, type Work } from "./symbol-table.ts";

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

const KSYM_NAME_LEN = 512;

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
  constructor(
    /** Every kept symbol (kernel and modules), sorted by address. */
    readonly all: SymbolTable<KernelSym>,
  ) {}

  /** The symbol covering an absolute kernel address, or null. */
  find(addr: bigint): KernelSym | null {
    return this.all.find(addr);
  }

  /** Names of modules that have symbols. */
  modules(): string[] {
    const set = new Set<string>();
    for (const s of this.all.symbols()) if (s.module) set.add(s.module);
    return [...set];
  }

  /** Symbols of one module (module = null: the kernel image). */
  table(module: string | null): SymbolTable<KernelSym> {
    return SymbolTable.fromSorted(this.all.symbols().filter((s) => s.module === module));
  }
}

/**
 * Builds kernel symbol tables from kallsyms text with perf 6.1's rules: only T/W/D/B
 * symbols (either case), ARM `$` locals dropped, each symbol ending at the next one (one
 * page past the last symbol before a kernel↔module boundary), one symbol kept per address.
 * One pass over the text and one object per kept symbol: /proc/kallsyms has 100k+ lines.
 */
export function kernelSymbolsFromKallsyms(text: string): KernelSymbols {
  if (typeof text !== "string") throw new TypeError(`text must be a string, got ${typeof text}`);
  type W = Work & KernelSym;
  const syms: W[] = [];
  let sorted = true;
  // Parsed in place (no string per line); the next tab is tracked with one cursor, so finding
  // module suffixes stays linear, and module names are interned.
  const modules = new Map<string, string>();
  let nextTab = text.indexOf("\t");
  for (let at = 0; at < text.length; ) {
    let nl = text.indexOf("\n", at);
    if (nl < 0) nl = text.length;
    const line = at;
    at = nl + 1;
    const sp = text.indexOf(" ", line);
    if (sp <= line || sp + 3 > nl || text.charCodeAt(sp + 2) !== 32) continue;
    const type = text[sp + 1]!;
    const t = type.toUpperCase();
    if (t !== "T" && t !== "W" && t !== "D" && t !== "B") continue;
    const nameAt = sp + 3;
    if (text.charCodeAt(nameAt) === 36 /* $ */ || nameAt >= nl || nl - nameAt >= KSYM_NAME_LEN) continue;
    // The address as two 32-bit halves, parsed in place (no string, no regex, one BigInt).
    let hi = 0;
    let lo = 0;
    let bad = sp - line > 16;
    for (let i = line; i < sp && !bad; i++) {
      const d = hexDigit(text.charCodeAt(i));
      if (d < 0) bad = true;
      hi = ((hi << 4) | (lo >>> 28)) >>> 0;
      lo = ((lo << 4) | d) >>> 0;
    }
    if (bad) continue;
    if (nextTab >= 0 && nextTab < nameAt) nextTab = text.indexOf("\t", nameAt);
    let name: string;
    let module: string | null = null;
    if (nextTab >= 0 && nextTab < nl) {
      name = text.slice(nameAt, nextTab);
      const raw = text.slice(nextTab + 1, nl).trim();
      module = modules.get(raw) ?? null;
      if (module === null) {
        module = raw.replace(/^\[(.*)\]$/, "$1");
        modules.set(raw, module);
      }
    } else name = text.slice(nameAt, nl);
    HALVES[LO] = lo;
    HALVES[HI] = hi;
    const start = WORD[0]!;
    const binding = type === "W" ? STB_WEAK : type === t ? STB_GLOBAL : STB_LOCAL;
    const prev = syms[syms.length - 1];
    if (prev && start < prev.start) sorted = false;
    syms.push({ name, start, end: start, binding, module });
  }
  // Stable sort by start keeps perf's insertion order among equal starts.
  if (!sorted) syms.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  fixupEnd(syms, true, (s) => s.module !== null);
  return new KernelSymbols(SymbolTable.fromSorted(fixupDuplicate(syms)));
}

/** A 64-bit word written as two 32-bit halves (in host order) and read back as one BigInt. */
const HALVES = new Uint32Array(2);
const WORD = new BigUint64Array(HALVES.buffer);
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = HOST_LE ? 0 : 1;
const HI = 1 - LO;

/** The value of a hex digit's char code, or -1. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/** Loads a kallsyms file (default `/proc/kallsyms`; perf's build-id cache keeps copies). */
export function loadKallsyms(path = "/proc/kallsyms"): KernelSymbols {
  if (typeof path !== "string" || path === "")
    throw new TypeError(`path must be a non-empty string, got ${typeof path}`);
  return kernelSymbolsFromKallsyms(readFileSync(path, "utf8"));
}
