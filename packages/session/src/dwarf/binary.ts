/**
 * One binary's unwind and debug data, loaded lazily and cached: CFI tables, raw bytes for
 * memory reads and `insn`, and (through {@link DwarfBinary.debug}) lines and inline ranges.
 * Damage in one table becomes an entry of {@link DwarfBinary.errors}; the binary degrades.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { ElfError, ElfFile, type ElfSymbol } from "../symbols/index.ts";
import { CfiTable, type Fde } from "./cfi.ts";
import { DebugInfo, type InlineFrame } from "./debug-info.ts";
import { DwarfError } from "./errors.ts";
import type { SourceLine } from "./line-table.ts";
import { readSection } from "./sections.ts";

const PT_LOAD = 1;

const ET_DYN = 3;

/** A frame description with the table it came from. */
export interface CfiHit {
  fde: Fde;
  table: CfiTable;
}

/** The runtime ELF of one mapped file plus its separate debug file (if any). */
const PAGE = 4096;
const MAX_PAGES = 4096;

export class DwarfBinary {
  /** Problems met while reading this binary's tables (each disables only that table). */
  readonly errors: Error[] = [];
  readonly elf: ElfFile;
  #debugElf: ElfFile | null | undefined;
  #eh: CfiTable | null | undefined;
  #debugFrame: CfiTable | null | undefined;
  #debugFrameOfMain: CfiTable | null | undefined;
  #fd: number | null = null;
  #info: DebugInfo | null | undefined;
  #elfSyms: ElfSymbol[] | undefined;
  readonly #lineCache = new Map<number, SourceLine | null>();
  readonly #inlineCache = new Map<number, InlineFrame[]>();

  private constructor(
    readonly path: string,
    elf: ElfFile,
    /** Path of the separate debug file, or null (set by the debug-file finder). */
    readonly debugPath: string | null,
  ) {
    this.elf = elf;
  }

  /** Opens `path` (and `debugPath` when given). Throws ElfError when `path` is not a readable ELF. */
  static open(path: string, debugPath: string | null = null): DwarfBinary {
    if (typeof path !== "string" || path === "") throw new TypeError("path must be a non-empty string");
    if (debugPath !== null && typeof debugPath !== "string") throw new TypeError("debugPath must be a string or null");
    return new DwarfBinary(path, ElfFile.open(path), debugPath);
  }

  /** True for position-independent objects (ET_DYN), which are relocated by their map. */
  get isDyn(): boolean {
    return this.elf.header.type === ET_DYN;
  }

  /**
   * The first PT_LOAD's p_vaddr rounded down to a 4 KiB page (perf's elf_base_address): perf
   * subtracts it from the dso's lowest mapped start to get the load bias of `.eh_frame_hdr`.
   */
  get elfBase(): bigint {
    if (this.#elfBase === undefined) {
      const first = this.elf.segments.find((p) => p.type === PT_LOAD);
      this.#elfBase = first ? first.vaddr & ~0xfffn : 0n;
    }
    return this.#elfBase;
  }
  #elfBase: bigint | undefined = undefined;

  /** The ELF holding DWARF sections: the separate debug file when found, else the binary itself. */
  get debugElf(): ElfFile {
    if (this.#debugElf === undefined) {
      this.#debugElf = null;
      if (this.debugPath) {
        try {
          this.#debugElf = ElfFile.open(this.debugPath);
        } catch (e) {
          this.note(e);
        }
      }
    }
    return this.#debugElf ?? this.elf;
  }

  /** The FDE covering ELF virtual address `vaddr`: `.eh_frame` first, then `.debug_frame` (libdw's order). */
  findCfi(vaddr: number): CfiHit | null {
    for (const t of [this.ehFrame(), this.debugFrame()]) {
      if (!t) continue;
      try {
        const fde = t.find(vaddr);
        if (fde) return { fde, table: t };
      } catch (e) {
        this.note(e);
      }
    }
    return null;
  }

  /** The `.eh_frame` table of the runtime binary, or null. */
  ehFrame(): CfiTable | null {
    if (this.#eh !== undefined) return this.#eh;
    this.#eh = null;
    this.#eh = this.guard(() => {
      const sec = this.elf.section(".eh_frame");
      if (!sec || sec.type === 8) return null;
      const bytes = this.elf.sectionData(sec);
      const hsec = this.elf.section(".eh_frame_hdr");
      const hdr = hsec && hsec.type !== 8 ? { bytes: this.elf.sectionData(hsec), addr: Number(hsec.addr) } : null;
      const { littleEndian, is64 } = this.elf.header;
      return CfiTable.ehFrame(bytes, Number(sec.addr), hdr, littleEndian, is64 ? 8 : 4);
    });
    return this.#eh;
  }

  /** `.debug_frame` from the debug file, else from the binary. */
  debugFrame(): CfiTable | null {
    if (this.#debugFrame !== undefined) return this.#debugFrame;
    this.#debugFrame = null;
    const load = (elf: ElfFile) =>
      this.guard(() => {
        const b = readSection(elf, ".debug_frame");
        return b ? CfiTable.debugFrame(b, elf.header.littleEndian, elf.header.is64 ? 8 : 4) : null;
      });
    this.#debugFrame = load(this.debugElf);
    if (!this.#debugFrame && this.debugElf !== this.elf) {
      this.#debugFrameOfMain ??= load(this.elf);
      this.#debugFrame = this.#debugFrameOfMain;
    }
    return this.#debugFrame;
  }

  /** The parsed `.debug_info` (null when the debug file has none or it is damaged: see {@link errors}). */
  debugInfo(): DebugInfo | null {
    if (this.#info !== undefined) return this.#info;
    this.#info = null;
    this.#info = this.guard(() => {
      const elf = this.debugElf;
      const info = readSection(elf, ".debug_info");
      const abbrev = readSection(elf, ".debug_abbrev");
      if (!info || !abbrev) return null;
      const get = (n: string) => readSection(elf, n);
      return new DebugInfo({
        info,
        abbrev,
        line: get(".debug_line"),
        str: get(".debug_str"),
        lineStr: get(".debug_line_str"),
        ranges: get(".debug_ranges"),
        rnglists: get(".debug_rnglists"),
        addr: get(".debug_addr"),
        strOffsets: get(".debug_str_offsets"),
        le: elf.header.littleEndian,
      });
    });
    return this.#info;
  }

  /** File offset → ELF virtual address through the PT_LOAD holding it (`offset` outside them). */
  fileOffsetToVaddr(offset: bigint): bigint {
    if (typeof offset !== "bigint") throw new TypeError("offset must be a bigint");
    return this.elf.offsetToVaddr(offset) ?? offset;
  }

  /**
   * perf's map__rip_2objdump for a user dso: file offset + the dso's text_offset (`.text`
   * sh_addr - sh_offset, 0 without `.text`), whichever segment holds the offset. That is the
   * address perf hands addr2line and prints in `dso[addr]`; it differs from
   * {@link fileOffsetToVaddr} outside the text segment (a bogus unwound frame in `.data`).
   */
  objdumpAddress(offset: bigint): bigint {
    if (typeof offset !== "bigint") throw new TypeError("offset must be a bigint");
    if (this.#textOffset === undefined) {
      const text = this.elf.section(".text");
      this.#textOffset = text ? text.addr - BigInt(text.offset) : 0n;
    }
    return offset + this.#textOffset;
  }
  #textOffset: bigint | undefined = undefined;

  /** Source position of ELF virtual address `vaddr` (cached), or null without line info. */
  sourceLine(vaddr: bigint): SourceLine | null {
    if (typeof vaddr !== "bigint") throw new TypeError("vaddr must be a bigint");
    const key = Number(vaddr);
    let v = this.#lineCache.get(key);
    if (v === undefined) {
      const info = this.debugInfo();
      v = info ? this.guard(() => info.sourceLine(key)) : null;
      this.#lineCache.set(key, v);
    }
    return v;
  }

  /** `addr2line -i -f` frames at ELF virtual address `vaddr`, innermost first (cached); empty without DWARF. */
  inlineChain(vaddr: bigint): InlineFrame[] {
    if (typeof vaddr !== "bigint") throw new TypeError("vaddr must be a bigint");
    const key = Number(vaddr);
    let v = this.#inlineCache.get(key);
    if (v === undefined) {
      const info = this.debugInfo();
      v = (info ? this.guard(() => info.inlineChain(key)) : null) ?? [];
      // Like addr2line: no DWARF function there → the ELF symbol's name.
      if (v.length === 1 && v[0]!.function === "??") {
        const name = this.elfSymbolAt(vaddr, true);
        if (name) v = [{ ...v[0]!, function: name }];
      }
      this.#inlineCache.set(key, v);
    }
    return v;
  }

  /**
   * Name of the `.symtab` (else `.dynsym`) function containing `vaddr`, or null. With
   * `nearest`, the closest function at or below `vaddr` (binutils' fallback, padding included).
   */
  elfSymbolAt(vaddr: bigint, nearest = false): string | null {
    if (this.#elfSyms === undefined) {
      this.#elfSyms =
        this.guard(() => {
          let syms = this.debugElf.symbols(".symtab");
          if (syms.length === 0) syms = this.elf.symbols(".symtab");
          if (syms.length === 0) syms = this.elf.symbols(".dynsym");
          return syms
            .filter((x) => (x.type === 2 || x.type === 10) && x.size > 0n)
            .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
        }) ?? [];
    }
    const list = this.#elfSyms;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.value <= vaddr) lo = mid + 1;
      else hi = mid;
    }
    // Aliases at one address: binutils keeps the first in symbol-table order (locals such as
    // __GI_mprotect come before their global names); the sort above is stable.
    let i = lo - 1;
    while (i > 0 && list[i - 1]!.value === list[i]!.value) i--;
    const sym = list[i];
    return sym && (nearest || vaddr < sym.value + sym.size) ? sym.name : null;
  }

  /** Whether `vaddr` lies in an executable section of the binary (SHF_EXECINSTR). */
  inCode(vaddr: bigint): boolean {
    if (typeof vaddr !== "bigint") throw new TypeError("vaddr must be a bigint");
    return this.elf.sections.some(
      (x) => (x.flags & SHF_EXECINSTR) !== 0n && vaddr >= x.addr && vaddr < x.addr + BigInt(x.size),
    );
  }

  /**
   * binutils' `_bfd_elf_find_function` at `vaddr`, which addr2line falls back to where no line
   * row covers an address: undefined when no symbol of the address's section qualifies, else
   * the STT_FILE name bfd pairs with the chosen symbol (null when it pairs none). addr2line then
   * prints `file:?`, which perf turns into the srcline `file:0` (`:0` for an empty file name).
   */
  bfdSymbolFile(vaddr: bigint): string | null | undefined {
    if (typeof vaddr !== "bigint") throw new TypeError("vaddr must be a bigint");
    const key = Number(vaddr);
    if (this.#bfdFiles.has(key)) return this.#bfdFiles.get(key);
    this.#bfdSyms ??= this.guard(() => bfdFunctionTable(this.debugElf, this.elf)) ?? null;
    const t = this.#bfdSyms;
    let out: string | null | undefined;
    if (t) {
      const sec = t.sections.find((x) => vaddr >= x.addr && vaddr < x.addr + BigInt(x.size));
      let best = -1;
      if (sec)
        for (let i = 0; i < t.syms.length; i++) {
          const c = t.syms[i]!;
          if (c.shndx === sec.index && betterFit(best < 0 ? null : t.syms[best]!, c, vaddr)) best = i;
        }
      out = best < 0 ? undefined : t.syms[best]!.file;
    }
    this.#bfdFiles.set(key, out);
    return out;
  }
  #bfdSyms: BfdTable | null | undefined = undefined;
  readonly #bfdFiles = new Map<number, string | null | undefined>();

  /** Instruction bytes at ELF virtual address `vaddr` (up to `size`, default 16), or null. */
  insn(vaddr: bigint, size = 16): Uint8Array | null {
    if (typeof vaddr !== "bigint") throw new TypeError("vaddr must be a bigint");
    if (!Number.isInteger(size) || size < 1 || size > 4096) throw new TypeError("size must be an integer in 1..4096");
    const seg = this.elf.loadSegmentFor(vaddr);
    if (!seg) return null;
    const off = vaddr - seg.vaddr + seg.offset;
    const avail = Number(seg.offset + seg.filesz - off);
    if (avail <= 0) return null;
    return this.readAt(Number(off), Math.min(size, avail));
  }

  /**
   * Reads `size` bytes at file offset `offset`, or null past the end / on I/O errors. Served
   * from 4 KiB pages kept per binary: unwinding reads the same .got/.data words again and again.
   */
  readAt(offset: number, size: number): Uint8Array | null {
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(size) || size < 0) return null;
    const page = Math.floor(offset / PAGE);
    if (size <= PAGE && Math.floor((offset + size - 1) / PAGE) === page) {
      let bytes = this.#pages.get(page);
      if (bytes === undefined) {
        bytes = this.readRaw(page * PAGE, PAGE);
        if (this.#pages.size >= MAX_PAGES) this.#pages.clear();
        this.#pages.set(page, bytes);
      }
      const at = offset - page * PAGE;
      return bytes && at + size <= bytes.length ? bytes.subarray(at, at + size) : null;
    }
    const out = this.readRaw(offset, size);
    return out && out.length === size ? out : null;
  }

  #pages = new Map<number, Uint8Array | null>();

  private readRaw(offset: number, size: number): Uint8Array | null {
    try {
      this.#fd ??= openSync(this.path, "r");
      const out = new Uint8Array(size);
      const n = readSync(this.#fd, out, 0, size, offset);
      return n > 0 ? out.subarray(0, n) : null;
    } catch {
      return null;
    }
  }

  /** Releases file descriptors. */
  close(): void {
    this.elf.close();
    if (this.#debugElf) this.#debugElf.close();
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  /** Records an error of this binary (DwarfError/ElfError) and rethrows anything else. */
  note(e: unknown): void {
    if (e instanceof DwarfError || e instanceof ElfError) {
      if (this.errors.length < 100) this.errors.push(e);
      return;
    }
    throw e;
  }

  /** Runs `f`, turning a DwarfError/ElfError into a recorded error and null. */
  guard<T>(f: () => T | null): T | null {
    try {
      return f();
    } catch (e) {
      this.note(e);
      return null;
    }
  }
}

/** A symbol as bfd's maybe_function_sym sees it, with the file name bfd pairs with it. */
interface BfdSym {
  value: bigint;
  /** st_size, or 1 for a sized-0 symbol. */
  size: bigint;
  func: boolean;
  notype: boolean;
  shndx: number;
  file: string | null;
}

interface BfdTable {
  syms: BfdSym[];
  sections: readonly { index: number; addr: bigint; size: number }[];
}

const STT_NOTYPE = 0;
const STT_OBJECT = 1;
const STT_FUNC = 2;
const STT_SECTION = 3;
const STT_FILE = 4;
const STT_TLS = 6;
const STT_GNU_IFUNC = 10;
const STB_LOCAL = 0;
const SHF_ALLOC = 2n;
const SHF_EXECINSTR = 4n;

/** The symbol table addr2line searches (the debug file's, else the binary's) in symtab order. */
function bfdFunctionTable(debugElf: ElfFile, elf: ElfFile): BfdTable {
  let from = debugElf;
  let raw = debugElf.symbols(".symtab");
  if (raw.length === 0) {
    from = elf;
    raw = elf.symbols(".symtab");
  }
  if (raw.length === 0) raw = elf.symbols(".dynsym");
  const syms: BfdSym[] = [];
  // _bfd_elf_find_function's file tracking: a global symbol keeps the file only while no STT_FILE
  // has followed a symbol.
  let file: string | null = null;
  let seen = false;
  let fileAfterSymbol = false;
  raw.forEach((x, i) => {
    if (i === 0 && x.name === "" && x.value === 0n && x.shndx === 0) return; // the null symbol
    if (x.type === STT_FILE) {
      file = x.name;
      if (seen) fileAfterSymbol = true;
      return;
    }
    seen = true;
    if (x.type === STT_SECTION || x.type === STT_OBJECT || x.type === STT_TLS) return;
    if (x.shndx === 0 || x.shndx >= 0xff00) return;
    const local = x.binding === STB_LOCAL;
    syms.push({
      value: x.value,
      size: x.size > 0n ? x.size : 1n,
      func: x.type === STT_FUNC || x.type === STT_GNU_IFUNC,
      notype: x.type === STT_NOTYPE,
      shndx: x.shndx,
      file: file !== null && (local || !fileAfterSymbol) ? file : null,
    });
  });
  const sections = from.sections.filter((x) => (x.flags & SHF_ALLOC) !== 0n && x.size > 0);
  return { syms, sections };
}

/** bfd's better_fit: is `c` a better match for `offset` than the current best? */
function betterFit(best: BfdSym | null, c: BfdSym, offset: bigint): boolean {
  if (c.value > offset) return false;
  if (best === null) return true;
  if (c.value < best.value) return false;
  if (c.value > best.value) return true;
  if (best.value + best.size <= offset) return c.size > best.size;
  if (c.value + c.size <= offset) return false;
  if (best.func && !c.func) return false;
  if (c.func && !best.func) return true;
  if (best.notype && !c.notype) return true;
  if (!best.notype && c.notype) return false;
  return c.size < best.size;
}
