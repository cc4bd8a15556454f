import { demangle as demangleName } from "./demangle.ts";
import {
  EM_AARCH64,
  EM_ARM,
  SHF_ALLOC,
  SHN_ABS,
  SHN_UNDEF,
  SHT_NOBITS,
  STT_FUNC,
  STT_GNU_IFUNC,
  STT_NOTYPE,
  STT_OBJECT,
} from "./elf/constants.ts";
import type { ElfFile, ElfSymbol } from "./elf/reader.ts";
import { loadElfSymbolsFast } from "./elf-symbols-fast.ts";
import { pltSymbols } from "./plt-symbols.ts";
import { type Sym, type SymbolInput, SymbolTable } from "./symbol-table.ts";

/** Options for {@link loadElfSymbols}. */
export interface LoadElfSymbolsOptions {
  /**
   * The file the code is mapped from, when symbols come from a separate debug file
   * (perf's runtime_ss): its program headers convert addresses. Default: the syms file.
   */
  runtime?: ElfFile;
  /** Demangle C++/Rust names as perf does (default true; perf --no-demangle → false). */
  demangle?: boolean;
  /**
   * Convert symbol values to file offsets as perf does for user-space DSOs, so a sample
   * address maps with `ip - map.start + map.pgoff` (default true). False keeps st_value.
   */
  fileOffsets?: boolean;
  /** Keep aliases (several names at one address), as perf probe does. Default false (perf script). */
  allowAliases?: boolean;
  /** Add perf's synthesized `name@plt` symbols from the runtime file (default true). */
  plt?: boolean;
  /**
   * Decode 64-bit little-endian files in place, names made on lookup (default true); false
   * takes the general path, which builds every symbol up front. Both give the same table.
   */
  inPlace?: boolean;
}

/**
 * Loads a DSO's symbols the way perf 6.1's dso__load_sym does: `.symtab` when present,
 * else `.dynsym`; functions (STT_FUNC, STT_GNU_IFUNC), objects, and labels in text/data
 * sections; ARM mapping symbols dropped; values rebased from virtual addresses to file
 * offsets through the PT_LOAD holding them; symbols of non-SHF_ALLOC sections and SHN_ABS
 * skipped; then perf's end and duplicate fix-ups, and `name@plt` symbols for the PLT.
 */
export function loadElfSymbols(syms: ElfFile, options: LoadElfSymbolsOptions = {}): SymbolTable {
  if (typeof syms !== "object" || syms === null || typeof syms.symbols !== "function") {
    throw new TypeError("syms must be an ElfFile");
  }
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  const runtime = options.runtime ?? syms;
  const wantDemangle = options.demangle !== false;
  const toOffsets = options.fileOffsets !== false;
  const fast =
    options.inPlace !== false &&
    loadElfSymbolsFast(syms, runtime, {
      demangle: wantDemangle,
      fileOffsets: toOffsets,
      allowAliases: options.allowAliases === true,
      plt: options.plt !== false,
    });
  if (fast) return fast;
  const elfSyms = syms.hasSymtab() ? syms.symbols(".symtab") : syms.symbols(".dynsym");
  const machine = syms.header.machine;
  const out: SymbolInput[] = [];
  for (const sym of elfSyms) {
    const isLabel = isLabelSym(sym);
    if (!isLabel && !isFunction(sym) && !isObject(sym)) continue;
    if ((machine === EM_ARM || machine === EM_AARCH64) && isArmMappingSymbol(sym.name)) continue;
    if (sym.shndx === SHN_ABS) continue;
    let sec = syms.sections[sym.shndx];
    if (!sec) continue; // perf gives up on the file; one bad index only loses this symbol here
    // Not loaded at run time (e.g. .gnu.warning.* markers): perf skips them.
    if ((sec.flags & SHF_ALLOC) === 0n) continue;
    // Debug files keep section headers but not contents (NOBITS): use the runtime file's.
    if (runtime !== syms && sec.type === SHT_NOBITS) sec = runtime.sections[sym.shndx] ?? sec;
    if (isLabel && !sec.name.includes("text") && !sec.name.includes("data")) continue;
    let value = sym.value;
    if (machine === EM_ARM && sym.type === STT_FUNC && (value & 1n) === 1n) value -= 1n;
    if (toOffsets) {
      const ph = runtime.loadSegmentFor(value);
      value -= ph ? ph.vaddr - ph.offset : sec.addr - BigInt(sec.offset);
    }
    out.push({
      name: wantDemangle ? demangleName(sym.name) : sym.name,
      start: value,
      size: sym.size,
      binding: sym.binding,
    });
  }
  const table = SymbolTable.build(out, { allowAliases: options.allowAliases === true });
  // perf adds PLT symbols after its fix-ups, only when the symbol table gave symbols.
  const plt = toOffsets && out.length > 0 && options.plt !== false ? pltSymbols(runtime, wantDemangle) : [];
  if (plt.length === 0) return table;
  const merged: Sym[] = [
    ...table.symbols(),
    ...plt.map((p) => ({ name: p.name, start: p.start, end: p.start + p.size })),
  ];
  merged.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return SymbolTable.fromSorted(merged);
}

function isFunction(s: ElfSymbol): boolean {
  return (s.type === STT_FUNC || s.type === STT_GNU_IFUNC) && s.name !== "" && s.shndx !== SHN_UNDEF;
}

function isObject(s: ElfSymbol): boolean {
  return s.type === STT_OBJECT && s.name !== "" && s.shndx !== SHN_UNDEF;
}

function isLabelSym(s: ElfSymbol): boolean {
  return s.type === STT_NOTYPE && s.name !== "" && s.shndx !== SHN_UNDEF && s.shndx !== SHN_ABS;
}

/** ARM ELF mapping symbols ($a, $d, $t, $x, optionally with a ".suffix") mark code/data, not functions. */
function isArmMappingSymbol(name: string): boolean {
  return (
    name[0] === "$" && "adtx".includes(name[1] ?? "") && name.length >= 2 && (name.length === 2 || name[2] === ".")
  );
}
