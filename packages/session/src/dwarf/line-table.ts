/** `.debug_line` programs (DWARF 2–5) decoded into address → file:line tables. */
import { DwarfError } from "./errors.ts";
import { type FormContext, readForm } from "./forms.ts";
import { SectionReader, stringAt } from "./reader.ts";

/** String sections a line header may point into. */
export interface StringSections {
  str: Uint8Array | null;
  lineStr: Uint8Array | null;
}

/** One source position. */
export interface SourceLine {
  /** The file name as addr2line prints it (directory joined, not normalised). */
  file: string;
  line: number;
}

/** The rows of one line program, grouped into sorted sequences for lookup. */
export class LineTable {
  constructor(
    /** File names, indexed as the program's file register. */
    readonly files: readonly string[],
    private readonly addrs: Float64Array,
    private readonly fileIdx: Int32Array,
    private readonly lines: Int32Array,
    /** Sequences as [start, end, firstRow, endRow) quadruples, sorted by start. */
    private readonly seqs: Float64Array,
  ) {}

  /** Number of rows. */
  get size(): number {
    return this.addrs.length;
  }

  /** The row covering `addr` (the last row at the greatest address <= addr in its sequence), or null. */
  lookup(addr: number): SourceLine | null {
    const s = this.seqs;
    const n = s.length / 4;
    for (let i = 0; i < n; i++) {
      const start = s[i * 4]!;
      if (start > addr) break;
      if (addr >= s[i * 4 + 1]!) continue;
      let lo = s[i * 4 + 2]!;
      let hi = s[i * 4 + 3]!;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.addrs[mid]! <= addr) lo = mid + 1;
        else hi = mid;
      }
      const row = lo - 1;
      if (row < s[i * 4 + 2]!) continue;
      const f = this.fileIdx[row]!;
      return { file: this.files[f] ?? "??", line: this.lines[row]! };
    }
    return null;
  }
}

/**
 * Decodes the line program at `offset` of `.debug_line`. `compDir` is the CU's
 * DW_AT_comp_dir (used for directory 0 and relative directories, as binutils does).
 */
export function parseLineProgram(
  section: Uint8Array,
  offset: number,
  compDir: string | null,
  strings: StringSections,
  le = true,
): LineTable {
  const r = new SectionReader(section, ".debug_line", le);
  r.seek(offset);
  const { length, is64 } = r.initialLength();
  const end = r.pos + length;
  if (end > section.length) r.fail("truncated", `line program length ${length}`, offset);
  const version = r.u16();
  if (version < 2 || version > 5) r.fail("unsupported", `line table version ${version}`, offset);
  let addrSize = 8;
  if (version >= 5) {
    addrSize = r.u8();
    r.u8(); // segment selector size
  }
  const headerLength = r.offset(is64);
  const progStart = r.pos + headerLength;
  if (progStart > end) r.fail("bad-offset", "header_length past the unit", offset);
  const minInst = r.u8();
  const maxOps = version >= 4 ? r.u8() : 1;
  const defaultIsStmt = r.u8() !== 0;
  const lineBase = r.s8();
  const lineRange = r.u8();
  const opcodeBase = r.u8();
  if (lineRange === 0) r.fail("bad-value", "line_range 0", offset);
  const stdLens: number[] = [0];
  for (let i = 1; i < opcodeBase; i++) stdLens.push(r.u8());
  void maxOps;
  void defaultIsStmt;

  const dirs: string[] = [];
  const files: string[] = [];
  const join = (dir: string | undefined, name: string): string => {
    if (name.startsWith("/")) return name;
    let base: string | null | undefined = dir;
    let sub: string | undefined;
    if (dir === undefined || !dir.startsWith("/")) {
      base = compDir;
      sub = dir;
    }
    if (!base) {
      base = sub;
      sub = undefined;
    }
    if (!base) return name;
    return sub ? `${base}/${sub}/${name}` : `${base}/${name}`;
  };
  if (version >= 5) {
    const cx: FormContext = { addrSize, is64, version, unitOffset: offset };
    const str = (v: ReturnType<typeof readForm>): string | undefined => {
      if (v.k === "str") return v.v;
      if (v.k === "strp") {
        const sec = v.sec === "line_str" ? strings.lineStr : strings.str;
        if (!sec) return r.fail("bad-offset", `${v.sec} string without its section`);
        return stringAt(sec, v.v, v.sec === "line_str" ? ".debug_line_str" : ".debug_str");
      }
      return undefined;
    };
    const entries = (): { path: string; dir: number }[] => {
      const fmtCount = r.u8();
      const fmt: [number, number][] = [];
      for (let i = 0; i < fmtCount; i++) fmt.push([r.uleb(), r.uleb()]);
      const count = r.uleb();
      if (count > r.remaining) r.fail("bad-value", `entry count ${count}`);
      const out: { path: string; dir: number }[] = [];
      for (let i = 0; i < count; i++) {
        let path = "";
        let dir = 0;
        for (const [type, form] of fmt) {
          const v = readForm(r, form, cx);
          if (type === 1) path = str(v) ?? "";
          else if (type === 2 && v.k === "const") dir = v.v;
        }
        out.push({ path, dir });
      }
      return out;
    };
    for (const d of entries()) dirs.push(d.path);
    // DWARF 5: directory 0 is the compilation directory itself; binutils still joins it with comp_dir.
    for (const f of entries()) files.push(join(dirs[f.dir], f.path));
  } else {
    for (;;) {
      const d = r.cstr();
      if (d === "") break;
      dirs.push(d);
    }
    files.push("??"); // file numbers start at 1
    for (;;) {
      const name = r.cstr();
      if (name === "") break;
      const dir = r.uleb();
      r.uleb();
      r.uleb();
      files.push(join(dir === 0 ? undefined : dirs[dir - 1], name));
    }
  }

  r.seek(progStart);
  const addrs: number[] = [];
  const fileIdx: number[] = [];
  const lines: number[] = [];
  const seqs: number[] = [];
  let seqFirst = 0;
  let address = 0;
  // binutils (2.40, which perf's srcline runs) starts DWARF 5 sequences at file entry 0, not the
  // spec's 1: it only shows where entries 0 and 1 differ (glibc's libc-start.c:58 quirk).
  const firstFile = version >= 5 ? 0 : 1;
  let file = firstFile;
  let line = 1;
  const emit = () => {
    const n = addrs.length;
    // binutils keeps only the last row for one address (PR ld/4986).
    if (n > seqFirst && addrs[n - 1] === address) {
      fileIdx[n - 1] = file;
      lines[n - 1] = line;
      return;
    }
    addrs.push(address);
    fileIdx.push(file);
    lines.push(line);
  };
  const endSequence = () => {
    const n = addrs.length;
    if (n > seqFirst) seqs.push(addrs[seqFirst]!, address, seqFirst, n);
    seqFirst = n;
    address = 0;
    file = firstFile;
    line = 1;
  };
  while (r.pos < end) {
    const op = r.u8();
    if (op >= opcodeBase) {
      const adj = op - opcodeBase;
      address += Math.floor(adj / lineRange) * minInst;
      line += lineBase + (adj % lineRange);
      emit();
      continue;
    }
    switch (op) {
      case 0: {
        const len = r.uleb();
        const at = r.pos;
        if (len === 0 || at + len > end) r.fail("bad-value", `extended opcode length ${len}`, at);
        const ext = r.u8();
        if (ext === 1) endSequence();
        else if (ext === 2) address = Number(r.addr(len - 1));
        r.pos = at + len;
        break;
      }
      case 1:
        emit();
        break;
      case 2:
        address += r.uleb() * minInst;
        break;
      case 3:
        line += r.sleb();
        break;
      case 4:
        file = r.uleb();
        break;
      case 5:
        r.uleb();
        break;
      case 6:
      case 7:
        break;
      case 8:
        address += Math.floor((255 - opcodeBase) / lineRange) * minInst;
        break;
      case 9:
        address += r.u16();
        break;
      case 10:
      case 11:
        break;
      case 12:
        r.uleb();
        break;
      default:
        for (let i = 0; i < (stdLens[op] ?? 0); i++) r.uleb();
    }
  }
  if (r.pos !== end) throw new DwarfError("truncated", "line program overruns its unit", ".debug_line", offset);
  // Sort sequences by start address for lookup.
  const order = Array.from({ length: seqs.length / 4 }, (_, i) => i).sort((a, b) => seqs[a * 4]! - seqs[b * 4]!);
  const sorted = new Float64Array(seqs.length);
  order.forEach((o, i) => {
    for (let k = 0; k < 4; k++) sorted[i * 4 + k] = seqs[o * 4 + k]!;
  });
  return new LineTable(files, Float64Array.from(addrs), Int32Array.from(fileIdx), Int32Array.from(lines), sorted);
}
