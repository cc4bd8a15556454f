import {
  ELFCLASS32,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFDATA2MSB,
  NT_GNU_BUILD_ID,
  PT_LOAD,
  PT_NOTE,
  SHN_XINDEX,
  SHT_DYNSYM,
  SHT_NOBITS,
  SHT_NOTE,
  SHT_SYMTAB,
} from "./constants.ts";
import { ElfError } from "./errors.ts";
import { type ByteSource, BytesSource, FileSource } from "./source.ts";

/** The ELF file header fields the symbol code needs. */
export interface ElfHeader {
  is64: boolean;
  littleEndian: boolean;
  /** e_type: 2 = ET_EXEC, 3 = ET_DYN, ... */
  type: number;
  /** e_machine (62 = x86_64, 183 = aarch64, ...). */
  machine: number;
  entry: bigint;
}

/** One section header, with its name resolved. */
export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: bigint;
  addr: bigint;
  offset: number;
  size: number;
  link: number;
  addralign: bigint;
  entsize: number;
}

/** One program header (segment). */
export interface ElfSegment {
  type: number;
  flags: number;
  offset: bigint;
  vaddr: bigint;
  filesz: bigint;
  memsz: bigint;
}

/** One raw symbol table entry, name resolved. */
export interface ElfSymbol {
  name: string;
  value: bigint;
  size: bigint;
  /** STT_* (low 4 bits of st_info). */
  type: number;
  /** STB_* (high 4 bits of st_info). */
  binding: number;
  shndx: number;
}

const MAX_SECTIONS = 1 << 16;
const MAX_SEGMENTS = 1 << 16;
const decoder = new TextDecoder("utf-8", { fatal: false });

/**
 * A lazily read ELF file (32/64-bit, either byte order). Opening reads the file header,
 * the section and program header tables and the section name table; symbol tables and
 * notes are read only when asked for, with bounded reads.
 */
export class ElfFile {
  readonly header: ElfHeader;
  readonly sections: readonly ElfSection[];
  readonly segments: readonly ElfSegment[];
  readonly #src: ByteSource;

  private constructor(src: ByteSource) {
    this.#src = src;
    const ident = src.size >= 16 ? src.read(0, 16) : null;
    if (ident?.[0] !== 0x7f || ident?.[1] !== 0x45 || ident[2] !== 0x4c || ident[3] !== 0x46) {
      throw new ElfError("bad-magic", "not an ELF file", src.name, 0);
    }
    const cls = ident[4];
    const data = ident[5];
    if (cls !== ELFCLASS32 && cls !== ELFCLASS64) throw new ElfError("bad-header", `bad EI_CLASS ${cls}`, src.name, 4);
    if (data !== ELFDATA2LSB && data !== ELFDATA2MSB)
      throw new ElfError("bad-header", `bad EI_DATA ${data}`, src.name, 5);
    const is64 = cls === ELFCLASS64;
    const le = data === ELFDATA2LSB;
    const ehsize = is64 ? 64 : 52;
    const eh = this.#view(0, ehsize);
    const word = (o: number) => (is64 ? eh.getBigUint64(o, le) : BigInt(eh.getUint32(o, le)));
    const a = is64 ? 24 : 24; // e_entry
    const entry = word(a);
    const phoff = toNum(word(is64 ? 32 : 28), src.name, 0);
    const shoff = toNum(word(is64 ? 40 : 32), src.name, 0);
    const base = is64 ? 48 : 36; // e_flags
    const phentsize = eh.getUint16(base + 6, le);
    let phnum = eh.getUint16(base + 8, le);
    const shentsize = eh.getUint16(base + 10, le);
    let shnum = eh.getUint16(base + 12, le);
    let shstrndx = eh.getUint16(base + 14, le);
    this.header = { is64, littleEndian: le, type: eh.getUint16(16, le), machine: eh.getUint16(18, le), entry };

    // Extended numbering: real counts live in section header 0 (ELF gABI).
    if (shoff !== 0 && (shnum === 0 || shstrndx === SHN_XINDEX || phnum === 0xffff)) {
      const s0 = this.#rawSection(shoff, is64, le);
      if (shnum === 0) shnum = s0.size;
      if (shstrndx === SHN_XINDEX) shstrndx = s0.link;
      if (phnum === 0xffff) phnum = s0.info;
    }
    if (shnum > MAX_SECTIONS || phnum > MAX_SEGMENTS) {
      throw new ElfError("bad-header", `too many headers (${shnum} sections, ${phnum} segments)`, src.name, 0);
    }
    const wantSh = is64 ? 64 : 40;
    const wantPh = is64 ? 56 : 32;
    if (shoff !== 0 && shnum > 0 && shentsize < wantSh) {
      throw new ElfError("bad-header", `e_shentsize ${shentsize} too small`, src.name, base + 10);
    }
    if (phoff !== 0 && phnum > 0 && phentsize < wantPh) {
      throw new ElfError("bad-header", `e_phentsize ${phentsize} too small`, src.name, base + 6);
    }

    const segments: ElfSegment[] = [];
    if (phoff !== 0 && phnum > 0) {
      const ph = this.#view(phoff, phentsize * phnum);
      for (let i = 0; i < phnum; i++) {
        const o = i * phentsize;
        segments.push(
          is64
            ? {
                type: ph.getUint32(o, le),
                flags: ph.getUint32(o + 4, le),
                offset: ph.getBigUint64(o + 8, le),
                vaddr: ph.getBigUint64(o + 16, le),
                filesz: ph.getBigUint64(o + 32, le),
                memsz: ph.getBigUint64(o + 40, le),
              }
            : {
                type: ph.getUint32(o, le),
                offset: BigInt(ph.getUint32(o + 4, le)),
                vaddr: BigInt(ph.getUint32(o + 8, le)),
                filesz: BigInt(ph.getUint32(o + 16, le)),
                memsz: BigInt(ph.getUint32(o + 20, le)),
                flags: ph.getUint32(o + 24, le),
              },
        );
      }
    }
    this.segments = segments;

    const sections: ElfSection[] = [];
    if (shoff !== 0 && shnum > 0) {
      const raws = [];
      for (let i = 0; i < shnum; i++) raws.push(this.#rawSection(shoff + i * shentsize, is64, le));
      let names: Uint8Array | null = null;
      const strtab = raws[shstrndx];
      if (strtab && strtab.type !== SHT_NOBITS) names = this.#readSized(strtab.offset, strtab.size, "section names");
      raws.forEach((r, index) => {
        sections.push({
          index,
          name: names ? cString(names, r.name) : "",
          type: r.type,
          flags: r.flags,
          addr: r.addr,
          offset: r.offset,
          size: r.size,
          link: r.link,
          addralign: r.addralign,
          entsize: r.entsize,
        });
      });
    }
    this.sections = sections;
  }

  /** Opens a file by path. Throws {@link ElfError} for unreadable or corrupt files. */
  static open(path: string): ElfFile {
    if (typeof path !== "string" || path === "")
      throw new TypeError(`path must be a non-empty string, got ${typeof path}`);
    const src = new FileSource(path);
    try {
      return new ElfFile(src);
    } catch (e) {
      src.close();
      throw e;
    }
  }

  /** Parses an ELF image already in memory (e.g. a vdso). */
  static fromBytes(bytes: Uint8Array, name = "<memory>"): ElfFile {
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`bytes must be a Uint8Array, got ${typeof bytes}`);
    return new ElfFile(new BytesSource(name, bytes));
  }

  /** File name (or the name given to in-memory bytes). */
  get name(): string {
    return this.#src.name;
  }

  /** Closes the underlying file descriptor. */
  close(): void {
    this.#src.close();
  }

  /** The first section with this name, or undefined. */
  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** Reads the bytes of a section (empty for SHT_NOBITS). */
  sectionData(section: ElfSection): Uint8Array {
    if (section.type === SHT_NOBITS) return new Uint8Array(0);
    return this.#readSized(section.offset, section.size, `section ${section.name}`);
  }

  /** True when a `.symtab` of type SHT_SYMTAB is present (perf's symsrc__has_symtab). */
  hasSymtab(): boolean {
    return this.sections.some((s) => s.type === SHT_SYMTAB && s.name === ".symtab");
  }

  /**
   * The raw bytes of `.symtab` or `.dynsym`, its string table and entry size (null when the
   * table is absent), for readers that decode entries in place.
   */
  symbolTableBytes(table: ".symtab" | ".dynsym"): { raw: Uint8Array; strs: Uint8Array; entsize: number } | null {
    const wantType = table === ".symtab" ? SHT_SYMTAB : SHT_DYNSYM;
    const sec = this.sections.find((s) => s.name === table && s.type === wantType);
    if (!sec) return null;
    const entsize = sec.entsize || (this.header.is64 ? 24 : 16);
    if (entsize < (this.header.is64 ? 24 : 16))
      throw new ElfError("bad-table", `${table} entsize ${entsize}`, this.name, sec.offset);
    const strSec = this.sections[sec.link];
    if (!strSec) throw new ElfError("bad-table", `${table} sh_link ${sec.link} out of range`, this.name, sec.offset);
    return { raw: this.sectionData(sec), strs: this.sectionData(strSec), entsize };
  }

  /**
   * The name of entry `index` of `.symtab` or `.dynsym`, decoded alone ("" when the index or
   * the table is missing): for readers that need a few names, not every entry.
   */
  symbolNameOf(table: ".symtab" | ".dynsym"): (index: number) => string {
    const t = this.symbolTableBytes(table);
    if (!t) return () => "";
    const { raw, strs, entsize } = t;
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const le = this.header.littleEndian;
    return (index) => {
      const o = index * entsize;
      if (!Number.isInteger(index) || index < 0 || o + entsize > raw.length) return "";
      return cString(strs, dv.getUint32(o, le));
    };
  }

  /** Entries of `.symtab` or `.dynsym` (empty when the table is absent). */
  symbols(table: ".symtab" | ".dynsym"): ElfSymbol[] {
    const t = this.symbolTableBytes(table);
    if (!t) return [];
    const { is64, littleEndian: le } = this.header;
    const { raw, strs, entsize } = t;
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const n = Math.floor(raw.length / entsize);
    const out: ElfSymbol[] = [];
    for (let i = 0; i < n; i++) {
      const o = i * entsize;
      let nameOff: number;
      let info: number;
      let shndx: number;
      let value: bigint;
      let size: bigint;
      if (is64) {
        nameOff = dv.getUint32(o, le);
        info = dv.getUint8(o + 4);
        shndx = dv.getUint16(o + 6, le);
        value = dv.getBigUint64(o + 8, le);
        size = dv.getBigUint64(o + 16, le);
      } else {
        nameOff = dv.getUint32(o, le);
        value = BigInt(dv.getUint32(o + 4, le));
        size = BigInt(dv.getUint32(o + 8, le));
        info = dv.getUint8(o + 12);
        shndx = dv.getUint16(o + 14, le);
      }
      out.push({ name: cString(strs, nameOff), value, size, type: info & 0xf, binding: info >> 4, shndx });
    }
    return out;
  }

  /**
   * Relocation entries of a `.rel*` / `.rela*` section: symbol index and type for each
   * (what perf's PLT synthesis walks).
   */
  relocations(section: ElfSection): { offset: bigint; sym: number; type: number }[] {
    const { is64, littleEndian: le } = this.header;
    const rela = section.name.startsWith(".rela");
    const entsize = section.entsize || (is64 ? (rela ? 24 : 16) : rela ? 12 : 8);
    if (entsize < (is64 ? 16 : 8))
      throw new ElfError("bad-table", `${section.name} entsize ${entsize}`, this.name, section.offset);
    const raw = this.sectionData(section);
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out: { offset: bigint; sym: number; type: number }[] = [];
    for (let o = 0; o + entsize <= raw.length; o += entsize) {
      if (is64) {
        const info = dv.getBigUint64(o + 8, le);
        out.push({ offset: dv.getBigUint64(o, le), sym: Number(info >> 32n), type: Number(info & 0xffffffffn) });
      } else {
        const info = dv.getUint32(o + 4, le);
        out.push({ offset: BigInt(dv.getUint32(o, le)), sym: info >>> 8, type: info & 0xff });
      }
    }
    return out;
  }

  /** All notes from SHT_NOTE sections, or from PT_NOTE segments when there are no section headers. */
  notes(): { name: string; type: number; desc: Uint8Array }[] {
    const blobs: Uint8Array[] = [];
    const noteSecs = this.sections.filter((s) => s.type === SHT_NOTE);
    if (noteSecs.length > 0) for (const s of noteSecs) blobs.push(this.sectionData(s));
    else
      for (const p of this.segments)
        if (p.type === PT_NOTE)
          blobs.push(this.#readSized(toNum(p.offset, this.name, 0), toNum(p.filesz, this.name, 0), "PT_NOTE"));
    const le = this.header.littleEndian;
    const out: { name: string; type: number; desc: Uint8Array }[] = [];
    for (const b of blobs) {
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      let o = 0;
      while (o + 12 <= b.length) {
        const namesz = dv.getUint32(o, le);
        const descsz = dv.getUint32(o + 4, le);
        const type = dv.getUint32(o + 8, le);
        const nameStart = o + 12;
        const descStart = nameStart + align4(namesz);
        const end = descStart + align4(descsz);
        if (descStart + descsz > b.length) break; // a torn note ends the list, as libelf does
        out.push({
          name: cString(b.subarray(nameStart, nameStart + namesz), 0),
          type,
          desc: b.subarray(descStart, descStart + descsz),
        });
        o = end;
      }
    }
    return out;
  }

  /** The GNU build id as lowercase hex, or null when the file has none. */
  buildId(): string | null {
    const note = this.notes().find((n) => n.name === "GNU" && n.type === NT_GNU_BUILD_ID);
    return note ? toHex(note.desc) : null;
  }

  /** `.gnu_debuglink` contents: the debug file's name and its CRC32, or null. */
  debugLink(): { file: string; crc: number } | null {
    const sec = this.section(".gnu_debuglink");
    if (!sec || sec.type === SHT_NOBITS) return null;
    const b = this.sectionData(sec);
    const file = cString(b, 0);
    const crcOff = align4(file.length + 1);
    if (crcOff + 4 > b.length) return { file, crc: 0 };
    const crc = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(crcOff, this.header.littleEndian);
    return { file, crc };
  }

  /** The PT_LOAD segment whose [vaddr, vaddr + memsz) holds `vaddr` (perf's elf_read_program_header). */
  loadSegmentFor(vaddr: bigint): ElfSegment | undefined {
    return this.segments.find((p) => p.type === PT_LOAD && vaddr >= p.vaddr && vaddr < p.vaddr + p.memsz);
  }

  /** Virtual address → file offset through the PT_LOAD holding it, or null. */
  vaddrToOffset(vaddr: bigint): bigint | null {
    const p = this.loadSegmentFor(vaddr);
    return p ? vaddr - p.vaddr + p.offset : null;
  }

  /** File offset → virtual address through the PT_LOAD whose file range holds it, or null. */
  offsetToVaddr(offset: bigint): bigint | null {
    const p = this.segments.find((s) => s.type === PT_LOAD && offset >= s.offset && offset < s.offset + s.filesz);
    return p ? offset - p.offset + p.vaddr : null;
  }

  #view(offset: number, length: number): DataView {
    const b = this.#src.read(offset, length);
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  #readSized(offset: number, size: number, what: string): Uint8Array {
    if (size > this.#src.size || offset > this.#src.size - size) {
      throw new ElfError("truncated", `${what} (${size} bytes) runs past the end of the file`, this.name, offset);
    }
    return this.#src.read(offset, size);
  }

  #rawSection(off: number, is64: boolean, le: boolean) {
    const v = this.#view(off, is64 ? 64 : 40);
    const name = this.#src.name;
    return is64
      ? {
          name: v.getUint32(0, le),
          type: v.getUint32(4, le),
          flags: v.getBigUint64(8, le),
          addr: v.getBigUint64(16, le),
          offset: toNum(v.getBigUint64(24, le), name, off),
          size: toNum(v.getBigUint64(32, le), name, off),
          link: v.getUint32(40, le),
          info: v.getUint32(44, le),
          addralign: v.getBigUint64(48, le),
          entsize: toNum(v.getBigUint64(56, le), name, off),
        }
      : {
          name: v.getUint32(0, le),
          type: v.getUint32(4, le),
          flags: BigInt(v.getUint32(8, le)),
          addr: BigInt(v.getUint32(12, le)),
          offset: v.getUint32(16, le),
          size: v.getUint32(20, le),
          link: v.getUint32(24, le),
          info: v.getUint32(28, le),
          addralign: BigInt(v.getUint32(32, le)),
          entsize: v.getUint32(36, le),
        };
  }
}

function toNum(v: bigint, file: string, at: number): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER))
    throw new ElfError("bad-header", `offset/size 0x${v.toString(16)} too large`, file, at);
  return Number(v);
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

function cString(b: Uint8Array, off: number): string {
  if (off >= b.length) return "";
  let end = b.indexOf(0, off);
  if (end < 0) end = b.length;
  return decoder.decode(b.subarray(off, end));
}

/** Lowercase hex of bytes. */
export function toHex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}
