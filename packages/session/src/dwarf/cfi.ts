/**
 * Call frame information: CIE/FDE parsing for `.eh_frame` (looked up through the
 * `.eh_frame_hdr` binary search table when present) and `.debug_frame`.
 */
import { DwarfError } from "./errors.ts";
import { DW_EH_PE_omit, readEncoded } from "./pointer-encoding.ts";
import { SectionReader } from "./reader.ts";

/** A Common Information Entry. */
export interface Cie {
  offset: number;
  version: number;
  augmentation: string;
  codeAlign: number;
  dataAlign: number;
  raRegister: number;
  fdeEncoding: number;
  lsdaEncoding: number;
  hasAugData: boolean;
  signalFrame: boolean;
  addrSize: number;
  /** Initial instructions (a view into the section). */
  instructions: Uint8Array;
}

/** A Frame Description Entry: the pc range it covers and its instructions. */
export interface Fde {
  offset: number;
  cie: Cie;
  /** First pc covered (virtual address). */
  start: number;
  /** Exclusive end pc. */
  end: number;
  instructions: Uint8Array;
}

/** Which section a {@link CfiTable} was read from. */
export type CfiKind = "eh_frame" | "debug_frame";

/** FDE lookup over one CFI section. */
export class CfiTable {
  readonly #bytes: Uint8Array;
  readonly #le: boolean;
  readonly #addrSize: number;
  readonly #sectionAddr: number;
  readonly #cies = new Map<number, Cie>();
  readonly #fdes = new Map<number, Fde>();
  /** Sorted initial locations and the matching FDE offsets. */
  #starts: Float64Array = new Float64Array(0);
  #offsets: Float64Array = new Float64Array(0);

  private constructor(
    readonly kind: CfiKind,
    bytes: Uint8Array,
    sectionAddr: number,
    le: boolean,
    addrSize: number,
  ) {
    this.#bytes = bytes;
    this.#le = le;
    this.#addrSize = addrSize;
    this.#sectionAddr = sectionAddr;
  }

  /** Section name for errors. */
  get section(): string {
    return this.kind === "eh_frame" ? ".eh_frame" : ".debug_frame";
  }

  /**
   * `.eh_frame` bytes at virtual address `addr`, with the optional `.eh_frame_hdr` (at
   * `hdrAddr`) whose sorted table avoids scanning every FDE.
   */
  static ehFrame(
    bytes: Uint8Array,
    addr: number,
    hdr: { bytes: Uint8Array; addr: number } | null,
    le: boolean,
    addrSize: number,
  ): CfiTable {
    const t = new CfiTable("eh_frame", bytes, addr, le, addrSize);
    if (!hdr || !t.loadHdr(hdr.bytes, hdr.addr)) t.scan();
    return t;
  }

  /** `.debug_frame` bytes (addresses are absolute; no search table exists). */
  static debugFrame(bytes: Uint8Array, le: boolean, addrSize: number): CfiTable {
    const t = new CfiTable("debug_frame", bytes, 0, le, addrSize);
    t.scan();
    return t;
  }

  /** Number of FDEs indexed. */
  get size(): number {
    return this.#starts.length;
  }

  /** The FDE covering `pc`, or null. Throws {@link DwarfError} for a damaged entry. */
  find(pc: number): Fde | null {
    const s = this.#starts;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid]! <= pc) lo = mid + 1;
      else hi = mid;
    }
    // Overlapping/zero-length FDEs: walk back a little from the last start <= pc.
    for (let i = lo - 1; i >= 0 && i >= lo - 4; i--) {
      const fde = this.fdeAt(this.#offsets[i]!);
      if (fde && pc >= fde.start && pc < fde.end) return fde;
    }
    return null;
  }

  /** Parses `.eh_frame_hdr`; false when it is absent, unsupported, or inconsistent. */
  private loadHdr(b: Uint8Array, hdrAddr: number): boolean {
    try {
      const r = new SectionReader(b, ".eh_frame_hdr", this.#le);
      const version = r.u8();
      const ptrEnc = r.u8();
      const countEnc = r.u8();
      const tableEnc = r.u8();
      if (version !== 1 || tableEnc === DW_EH_PE_omit || countEnc === DW_EH_PE_omit) return false;
      const bases = { sectionAddr: hdrAddr, dataRel: hdrAddr };
      readEncoded(r, ptrEnc, this.#addrSize, bases);
      const count = readEncoded(r, countEnc, this.#addrSize, bases);
      // The usual table encoding is datarel|sdata4: 8 bytes per entry, checked against the size.
      if ((tableEnc & 0x0f) !== 0x0b || count * 8 > r.remaining) return false;
      const starts = new Float64Array(count);
      const offsets = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        starts[i] = readEncoded(r, tableEnc, this.#addrSize, bases);
        offsets[i] = readEncoded(r, tableEnc, this.#addrSize, bases) - this.#sectionAddr;
        if (i > 0 && starts[i]! < starts[i - 1]!) return false;
      }
      this.#starts = starts;
      this.#offsets = offsets;
      return true;
    } catch (e) {
      if (e instanceof DwarfError) return false;
      throw e;
    }
  }

  /** Walks every entry of the section and builds the sorted index. */
  private scan(): void {
    const r = new SectionReader(this.#bytes, this.section, this.#le);
    const list: { start: number; off: number }[] = [];
    while (r.remaining >= 4) {
      const at = r.pos;
      const { length, is64 } = r.initialLength();
      if (length === 0) {
        if (this.kind === "eh_frame") break; // terminator
        continue;
      }
      const bodyAt = r.pos;
      if (length > r.remaining) r.fail("truncated", `entry length ${length}`, at);
      const id = readId(r, is64);
      const isCie = this.kind === "eh_frame" ? id === 0 : id === -1;
      r.pos = bodyAt + length;
      if (isCie) continue;
      const fde = this.fdeAt(at);
      if (fde && fde.end > fde.start) list.push({ start: fde.start, off: at });
    }
    list.sort((a, b) => a.start - b.start);
    this.#starts = Float64Array.from(list, (x) => x.start);
    this.#offsets = Float64Array.from(list, (x) => x.off);
  }

  /** The FDE at section offset `off` (cached); null if the entry there is a CIE. */
  fdeAt(off: number): Fde | null {
    const cached = this.#fdes.get(off);
    if (cached) return cached;
    const r = new SectionReader(this.#bytes, this.section, this.#le);
    r.seek(off);
    const { length, is64 } = r.initialLength();
    const bodyAt = r.pos;
    if (length > r.remaining) r.fail("truncated", `FDE length ${length}`, off);
    const end = bodyAt + length;
    const idAt = r.pos;
    const id = readId(r, is64);
    let cieOff: number;
    if (this.kind === "eh_frame") {
      if (id === 0) return null;
      cieOff = idAt - id;
    } else {
      if (id === -1) return null;
      cieOff = id;
    }
    if (cieOff < 0 || cieOff >= this.#bytes.length) r.fail("bad-offset", `CIE pointer ${cieOff}`, idAt);
    const cie = this.cieAt(cieOff);
    const bases = { sectionAddr: this.#sectionAddr };
    const start = readEncoded(r, cie.fdeEncoding, cie.addrSize, bases);
    const range = readEncoded(r, cie.fdeEncoding & 0x0f, cie.addrSize, bases);
    if (cie.hasAugData) r.skip(r.uleb());
    if (r.pos > end) r.fail("truncated", "FDE header runs past its length", off);
    const fde: Fde = { offset: off, cie, start, end: start + range, instructions: this.#bytes.subarray(r.pos, end) };
    this.#fdes.set(off, fde);
    return fde;
  }

  private cieAt(off: number): Cie {
    const cached = this.#cies.get(off);
    if (cached) return cached;
    const r = new SectionReader(this.#bytes, this.section, this.#le);
    r.seek(off);
    const { length, is64 } = r.initialLength();
    const bodyAt = r.pos;
    if (length > r.remaining) r.fail("truncated", `CIE length ${length}`, off);
    const end = bodyAt + length;
    const id = readId(r, is64);
    const want = this.kind === "eh_frame" ? 0 : -1;
    if (id !== want) r.fail("bad-offset", "FDE's CIE pointer does not point at a CIE", off);
    const version = r.u8();
    if (version !== 1 && version !== 3 && version !== 4) r.fail("unsupported", `CIE version ${version}`, off);
    const augmentation = r.cstr();
    let addrSize = this.#addrSize;
    if (version === 4) {
      addrSize = r.u8();
      r.u8(); // segment selector size
    }
    if (augmentation.includes("eh")) r.skip(addrSize); // ancient GCC "eh" data pointer
    const codeAlign = r.uleb();
    const dataAlign = r.sleb();
    const raRegister = version === 1 ? r.u8() : r.uleb();
    const cie: Cie = {
      offset: off,
      version,
      augmentation,
      codeAlign,
      dataAlign,
      raRegister,
      fdeEncoding: 0,
      lsdaEncoding: DW_EH_PE_omit,
      hasAugData: augmentation.startsWith("z"),
      signalFrame: false,
      addrSize,
      instructions: new Uint8Array(0),
    };
    if (cie.hasAugData) {
      const augLen = r.uleb();
      const augEnd = r.pos + augLen;
      for (const c of augmentation.slice(1)) {
        if (c === "R") cie.fdeEncoding = r.u8();
        else if (c === "L") cie.lsdaEncoding = r.u8();
        else if (c === "P") {
          const enc = r.u8();
          readEncoded(r, enc & 0x7f, addrSize, { sectionAddr: this.#sectionAddr });
        } else if (c === "S") cie.signalFrame = true;
        else break; // unknown letters: the length lets us skip the rest
      }
      r.seek(augEnd);
    }
    if (r.pos > end) r.fail("truncated", "CIE header runs past its length", off);
    cie.instructions = this.#bytes.subarray(r.pos, end);
    this.#cies.set(off, cie);
    return cie;
  }
}

/** A CIE id / CIE pointer; -1 stands for the all-ones `.debug_frame` CIE marker. */
function readId(r: SectionReader, is64: boolean): number {
  if (!is64) {
    const v = r.u32();
    return v === 0xffffffff ? -1 : v;
  }
  const v = r.u64();
  if (v === 0xffffffffffffffffn) return -1;
  if (v > 0x1fffffffffffffn) r.fail("bad-offset", `CIE pointer 0x${v.toString(16)}`, r.pos - 8);
  return Number(v);
}
