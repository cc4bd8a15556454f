/**
 * `.debug_info` just deep enough for addr2line: compile units with their ranges and line
 * programs, and per unit the DW_TAG_subprogram / DW_TAG_inlined_subroutine ranges, names
 * (through abstract_origin/specification, cycle-checked) and call sites.
 */
import { DwarfError } from "./errors.ts";
import { type FormContext, type FormValue, formInt, readForm } from "./forms.ts";
import { type LineTable, parseLineProgram, type SourceLine } from "./line-table.ts";
import { SectionReader, stringAt } from "./reader.ts";

/** The DWARF sections of one file (null when absent). */
export interface DwarfSections {
  info: Uint8Array;
  abbrev: Uint8Array;
  line: Uint8Array | null;
  str: Uint8Array | null;
  lineStr: Uint8Array | null;
  ranges: Uint8Array | null;
  rnglists: Uint8Array | null;
  addr: Uint8Array | null;
  strOffsets: Uint8Array | null;
  le: boolean;
}

interface Abbrev {
  tag: number;
  children: boolean;
  /** name, form, implicit const triples (as int32) of the whole table; this entry's are [start, end). */
  attrs: readonly number[];
  start: number;
  end: number;
}

interface Unit {
  offset: number;
  /** First DIE offset. */
  dieOffset: number;
  end: number;
  cx: FormContext;
  abbrevs: Map<number, Abbrev>;
  ranges: [number, number][];
  lowPc: number;
  compDir: string | null;
  stmtList: number;
  strOffsetsBase: number;
  addrBase: number;
  rnglistsBase: number;
  lines?: LineTable | null;
  funcs?: Func[];
}

/** One function or inlined instance with its pc ranges. */
interface Func {
  dieOffset: number;
  ranges: [number, number][];
  /** Nesting depth among functions (0 = outermost). */
  depth: number;
  parent: number; // index of the enclosing function in the unit, -1 for none
  inlined: boolean;
  callFile: number;
  callLine: number;
}

/** One frame of an inline chain, innermost first, as `addr2line -i -f` prints it. */
export interface InlineFrame {
  /** Function name (linkage name when present, as binutils prefers), "??" when unknown. */
  function: string;
  file: string;
  line: number;
}

const DW_TAG_compile_unit = 0x11;
const DW_TAG_partial_unit = 0x3c;
const DW_TAG_skeleton_unit = 0x4a;
const DW_TAG_subprogram = 0x2e;
const DW_TAG_inlined_subroutine = 0x1d;
const MAX_DEPTH = 256;
const MAX_ORIGIN_HOPS = 32;

/** Lazily indexed `.debug_info`: unit ranges up front, function tables per unit on first use. */
export class DebugInfo {
  readonly #s: DwarfSections;
  readonly #units: Unit[] = [];
  readonly #abbrevCache = new Map<number, Map<number, Abbrev>>();
  #index: { starts: Float64Array; ends: Float64Array; unit: Int32Array } | undefined;

  constructor(sections: DwarfSections) {
    this.#s = sections;
    this.scanUnits();
  }

  /** Number of compile units. */
  get unitCount(): number {
    return this.#units.length;
  }

  /** file:line for virtual address `addr` (addr2line's first line), or null. */
  sourceLine(addr: number): SourceLine | null {
    const u = this.unitFor(addr);
    if (!u) return null;
    return this.linesOf(u)?.lookup(addr) ?? null;
  }

  /**
   * The inline chain at `addr`, innermost first, like `addr2line -i -f`: the innermost
   * function with the line-table position, then each caller with the call site. Empty
   * when no unit covers `addr`.
   */
  inlineChain(addr: number): InlineFrame[] {
    const u = this.unitFor(addr);
    if (!u) return [];
    const pos = this.linesOf(u)?.lookup(addr) ?? null;
    const funcs = this.funcsOf(u);
    // The innermost function is the deepest containing DIE (nested inlines lie inside their callers).
    // Equal ranges (gas emits one subprogram per alias of an assembly function): binutils keeps
    // the later DIE (lookup_address_in_function_table's `funcinfo > best_fit`), e.g. __GI_mprotect.
    let best = -1;
    let bestLen = 0;
    for (let i = 0; i < funcs.length; i++) {
      const f = funcs[i]!;
      for (const [lo, hi] of f.ranges) {
        if (addr < lo || addr >= hi) continue;
        const b = best >= 0 ? funcs[best]! : null;
        if (!b || f.depth > b.depth || (f.depth === b.depth && hi - lo <= bestLen)) {
          best = i;
          bestLen = hi - lo;
        }
        break;
      }
    }
    const out: InlineFrame[] = [];
    if (best < 0) {
      if (pos) out.push({ function: "??", file: pos.file, line: pos.line });
      return out;
    }
    let f = funcs[best]!;
    out.push({ function: this.nameOf(u, f.dieOffset) ?? "??", file: pos?.file ?? "??", line: pos?.line ?? 0 });
    const files = this.linesOf(u)?.files ?? [];
    let hops = 0;
    while (f.inlined && f.parent >= 0 && hops++ < MAX_DEPTH) {
      const caller = funcs[f.parent]!;
      out.push({
        function: this.nameOf(u, caller.dieOffset) ?? "??",
        file: files[f.callFile] ?? "??",
        line: f.callLine,
      });
      f = caller;
    }
    return out;
  }

  private unitFor(addr: number): Unit | undefined {
    const idx = this.#index ?? this.buildIndex();
    let lo = 0;
    let hi = idx.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (idx.starts[mid]! <= addr) lo = mid + 1;
      else hi = mid;
    }
    // Ranges may nest or overlap: look back over a few candidates.
    for (let i = lo - 1; i >= 0 && i >= lo - 8; i--) if (addr < idx.ends[i]!) return this.#units[idx.unit[i]!];
    return undefined;
  }

  private buildIndex(): { starts: Float64Array; ends: Float64Array; unit: Int32Array } {
    const all: [number, number, number][] = [];
    this.#units.forEach((u, i) => {
      for (const [lo, hi] of u.ranges) all.push([lo, hi, i]);
    });
    all.sort((a, b) => a[0] - b[0]);
    this.#index = {
      starts: Float64Array.from(all, (x) => x[0]),
      ends: Float64Array.from(all, (x) => x[1]),
      unit: Int32Array.from(all, (x) => x[2]),
    };
    return this.#index;
  }

  private linesOf(u: Unit): LineTable | null {
    if (u.lines !== undefined) return u.lines;
    u.lines = null;
    if (u.stmtList >= 0 && this.#s.line)
      u.lines = parseLineProgram(
        this.#s.line,
        u.stmtList,
        u.compDir,
        { str: this.#s.str, lineStr: this.#s.lineStr },
        this.#s.le,
      );
    return u.lines;
  }

  /** Reads every unit header and its root DIE (ranges, comp_dir, stmt_list, bases). */
  private scanUnits(): void {
    const r = new SectionReader(this.#s.info, ".debug_info", this.#s.le);
    while (r.remaining > 0) {
      const offset = r.pos;
      const { length, is64 } = r.initialLength();
      const end = r.pos + length;
      if (end > this.#s.info.length) r.fail("truncated", `unit length ${length}`, offset);
      const version = r.u16();
      if (version < 2 || version > 5) r.fail("unsupported", `unit version ${version}`, offset);
      let addrSize: number;
      let abbrevOff: number;
      let unitType = 1;
      if (version >= 5) {
        unitType = r.u8();
        addrSize = r.u8();
        abbrevOff = r.offset(is64);
        if (unitType === 4 || unitType === 5) r.skip(8);
        else if (unitType === 2 || unitType === 6) {
          r.skip(8);
          r.offset(is64);
        }
      } else {
        abbrevOff = r.offset(is64);
        addrSize = r.u8();
      }
      const u: Unit = {
        offset,
        dieOffset: r.pos,
        end,
        cx: { addrSize, is64, version, unitOffset: offset },
        abbrevs: this.abbrevs(abbrevOff),
        ranges: [],
        lowPc: 0,
        compDir: null,
        stmtList: -1,
        strOffsetsBase: 8,
        addrBase: 8,
        rnglistsBase: 12,
      };
      r.pos = end;
      if (unitType !== 1 && unitType !== 3) continue; // type/skeleton/split units carry no code here
      const root = this.readDie(u, u.dieOffset);
      if (
        !root ||
        (root.tag !== DW_TAG_compile_unit && root.tag !== DW_TAG_partial_unit && root.tag !== DW_TAG_skeleton_unit)
      )
        continue;
      const a = root.attrs;
      u.strOffsetsBase = formInt(a.get(0x72)) ?? u.strOffsetsBase;
      u.addrBase = formInt(a.get(0x73)) ?? u.addrBase;
      u.rnglistsBase = formInt(a.get(0x74)) ?? u.rnglistsBase;
      u.lowPc = this.addrOf(u, a.get(0x11)) ?? 0;
      u.compDir = this.strOf(u, a.get(0x1b)) ?? null;
      u.stmtList = formInt(a.get(0x10)) ?? -1;
      u.ranges = this.rangesOf(u, a, u.lowPc);
      this.#units.push(u);
    }
  }

  private abbrevs(off: number): Map<number, Abbrev> {
    const cached = this.#abbrevCache.get(off);
    if (cached) return cached;
    const m = abbrevTableFast(this.#s.abbrev, off) ?? this.abbrevTable(off);
    this.#abbrevCache.set(off, m);
    return m;
  }

  /** The abbreviation table at `off` through the bounds-checked reader (errors name the offset). */
  private abbrevTable(off: number): Map<number, Abbrev> {
    const r = new SectionReader(this.#s.abbrev, ".debug_abbrev", this.#s.le);
    r.seek(off);
    const m = new Map<number, Abbrev>();
    const attrs: number[] = [];
    for (;;) {
      const code = r.uleb();
      if (code === 0) break;
      const tag = r.uleb();
      const children = r.u8() !== 0;
      const start = attrs.length;
      for (;;) {
        const name = r.uleb();
        const form = r.uleb();
        if (name === 0 && form === 0) break;
        attrs.push(name | 0, form | 0, form === 0x21 ? r.sleb() | 0 : 0);
      }
      m.set(code, { tag, children, attrs, start, end: attrs.length });
    }
    return m;
  }

  /** Decodes the DIE at `off` (attributes only); null for a null entry. */
  private readDie(
    u: Unit,
    off: number,
  ): { tag: number; attrs: Map<number, FormValue>; children: boolean; next: number } | null {
    if (off < u.dieOffset || off >= u.end)
      throw new DwarfError("bad-offset", "DIE reference outside its unit", ".debug_info", off);
    const r = new SectionReader(this.#s.info.subarray(0, u.end), ".debug_info", this.#s.le);
    r.seek(off);
    const code = r.uleb();
    if (code === 0) return null;
    const ab = u.abbrevs.get(code);
    if (!ab) return r.fail("bad-value", `unknown abbrev code ${code}`, off);
    const attrs = new Map<number, FormValue>();
    const a = ab.attrs;
    for (let i = ab.start; i < ab.end; i += 3) attrs.set(a[i]!, readForm(r, a[i + 1]!, u.cx, a[i + 2]!));
    return { tag: ab.tag, attrs, children: ab.children, next: r.pos };
  }

  /** Walks a unit's DIE tree once and records every function with code. */
  private funcsOf(u: Unit): Func[] {
    if (u.funcs) return u.funcs;
    const funcs: Func[] = [];
    u.funcs = funcs;
    const r = new SectionReader(this.#s.info.subarray(0, u.end), ".debug_info", this.#s.le);
    r.seek(u.dieOffset);
    // Stack of enclosing function indexes per tree depth (-1 where the level is not a function).
    const stack: number[] = [];
    let enclosing = -1;
    const wanted = new Set([0x11, 0x12, 0x55, 0x58, 0x59]);
    while (r.pos < u.end) {
      const off = r.pos;
      const code = r.uleb();
      if (code === 0) {
        if (stack.length === 0) break;
        enclosing = stack.pop()!;
        continue;
      }
      const ab = u.abbrevs.get(code);
      if (!ab) return r.fail("bad-value", `unknown abbrev code ${code}`, off);
      const isFunc = ab.tag === DW_TAG_subprogram || ab.tag === DW_TAG_inlined_subroutine;
      const attrs = new Map<number, FormValue>();
      const a = ab.attrs;
      for (let i = ab.start; i < ab.end; i += 3) {
        const v = readForm(r, a[i + 1]!, u.cx, a[i + 2]!);
        if (isFunc && wanted.has(a[i]!)) attrs.set(a[i]!, v);
      }
      let self = enclosing;
      if (isFunc) {
        const low = this.addrOf(u, attrs.get(0x11));
        const ranges = this.rangesOf(u, attrs, low ?? u.lowPc);
        if (ranges.length > 0) {
          funcs.push({
            dieOffset: off,
            ranges,
            depth: enclosing >= 0 ? funcs[enclosing]!.depth + 1 : 0,
            parent: enclosing,
            inlined: ab.tag === DW_TAG_inlined_subroutine,
            callFile: formInt(attrs.get(0x58)) ?? 0,
            callLine: formInt(attrs.get(0x59)) ?? 0,
          });
          self = funcs.length - 1;
        }
      }
      if (ab.children) {
        if (stack.length >= MAX_DEPTH) r.fail("limit", "DIE tree too deep", off);
        stack.push(enclosing);
        enclosing = self;
      }
    }
    return funcs;
  }

  /** A function's name: linkage name, else name, following abstract_origin/specification. */
  private nameOf(u: Unit, off: number): string | null {
    const seen = new Set<number>();
    let unit = u;
    let at = off;
    for (let hop = 0; hop < MAX_ORIGIN_HOPS; hop++) {
      if (seen.has(at))
        throw new DwarfError("cycle", "abstract_origin/specification references form a cycle", ".debug_info", at);
      seen.add(at);
      const die = this.readDie(unit, at);
      if (!die) return null;
      const n =
        this.strOf(unit, die.attrs.get(0x6e)) ??
        this.strOf(unit, die.attrs.get(0x2007)) ??
        this.strOf(unit, die.attrs.get(0x03));
      if (n) return n;
      const ref = die.attrs.get(0x31) ?? die.attrs.get(0x47);
      if (!ref || (ref.k !== "ref" && ref.k !== "refaddr")) return null;
      at = ref.v;
      if (ref.k === "refaddr") {
        const other = this.#units.find((x) => at >= x.dieOffset && at < x.end) ?? this.unitAtOffset(at);
        if (!other) throw new DwarfError("bad-offset", "DW_FORM_ref_addr outside every unit", ".debug_info", at);
        unit = other;
      }
    }
    throw new DwarfError("cycle", "reference chain too long", ".debug_info", off);
  }

  private unitAtOffset(at: number): Unit | undefined {
    return this.#units.find((x) => at >= x.offset && at < x.end);
  }

  private strOf(u: Unit, v: FormValue | undefined): string | undefined {
    if (!v) return undefined;
    if (v.k === "str") return v.v;
    if (v.k === "strp") {
      if (v.sec === "alt") return undefined;
      const sec = v.sec === "line_str" ? this.#s.lineStr : this.#s.str;
      if (!sec) throw new DwarfError("bad-offset", "string form without its section", ".debug_info", -1);
      return stringAt(sec, v.v, v.sec === "line_str" ? ".debug_line_str" : ".debug_str");
    }
    if (v.k === "strx") {
      const so = this.#s.strOffsets;
      if (!so || !this.#s.str) throw new DwarfError("bad-offset", "strx without .debug_str_offsets", ".debug_info", -1);
      const r = new SectionReader(so, ".debug_str_offsets", this.#s.le);
      r.seek(u.strOffsetsBase + v.v * (u.cx.is64 ? 8 : 4));
      return stringAt(this.#s.str, r.offset(u.cx.is64), ".debug_str");
    }
    return undefined;
  }

  private addrOf(u: Unit, v: FormValue | undefined): number | undefined {
    if (!v) return undefined;
    if (v.k === "addr") return Number(v.v);
    if (v.k === "addrx") {
      if (!this.#s.addr) throw new DwarfError("bad-offset", "addrx without .debug_addr", ".debug_info", -1);
      const r = new SectionReader(this.#s.addr, ".debug_addr", this.#s.le);
      r.seek(u.addrBase + v.v * u.cx.addrSize);
      return Number(r.addr(u.cx.addrSize));
    }
    return undefined;
  }

  /** [low, high) ranges from low_pc/high_pc or DW_AT_ranges. */
  private rangesOf(u: Unit, a: Map<number, FormValue>, base: number): [number, number][] {
    const low = this.addrOf(u, a.get(0x11));
    const high = a.get(0x12);
    if (low !== undefined && high) {
      const hi = high.k === "addr" || high.k === "addrx" ? this.addrOf(u, high)! : low + (formInt(high) ?? 0);
      return hi > low ? [[low, hi]] : [];
    }
    const rv = a.get(0x55);
    if (!rv) return [];
    if (u.cx.version >= 5) {
      let off: number;
      if (rv.k === "rnglistx") {
        if (!this.#s.rnglists)
          throw new DwarfError("bad-offset", "rnglistx without .debug_rnglists", ".debug_info", -1);
        const r = new SectionReader(this.#s.rnglists, ".debug_rnglists", this.#s.le);
        r.seek(u.rnglistsBase + rv.v * (u.cx.is64 ? 8 : 4));
        off = u.rnglistsBase + r.offset(u.cx.is64);
      } else off = formInt(rv) ?? 0;
      return this.rnglist(u, off, base);
    }
    return this.rangeList(u, formInt(rv) ?? 0, base);
  }

  private rnglist(u: Unit, off: number, baseIn: number): [number, number][] {
    if (!this.#s.rnglists)
      throw new DwarfError("bad-offset", "DW_AT_ranges without .debug_rnglists", ".debug_info", -1);
    const r = new SectionReader(this.#s.rnglists, ".debug_rnglists", this.#s.le);
    r.seek(off);
    const out: [number, number][] = [];
    let base = baseIn;
    const ax = (i: number) => this.addrOf(u, { k: "addrx", v: i })!;
    for (let guard = 0; guard < 1 << 20; guard++) {
      const kind = r.u8();
      switch (kind) {
        case 0:
          return out;
        case 1:
          base = ax(r.uleb());
          break;
        case 2: {
          const s = ax(r.uleb());
          out.push([s, ax(r.uleb())]);
          break;
        }
        case 3: {
          const s = ax(r.uleb());
          out.push([s, s + r.uleb()]);
          break;
        }
        case 4: {
          const s = r.uleb();
          out.push([base + s, base + r.uleb()]);
          break;
        }
        case 5:
          base = Number(r.addr(u.cx.addrSize));
          break;
        case 6: {
          const s = Number(r.addr(u.cx.addrSize));
          out.push([s, Number(r.addr(u.cx.addrSize))]);
          break;
        }
        case 7: {
          const s = Number(r.addr(u.cx.addrSize));
          out.push([s, s + r.uleb()]);
          break;
        }
        default:
          r.fail("bad-value", `DW_RLE ${kind}`, r.pos - 1);
      }
    }
    throw new DwarfError("limit", "range list does not end", ".debug_rnglists", off);
  }

  private rangeList(u: Unit, off: number, baseIn: number): [number, number][] {
    if (!this.#s.ranges) throw new DwarfError("bad-offset", "DW_AT_ranges without .debug_ranges", ".debug_info", -1);
    const r = new SectionReader(this.#s.ranges, ".debug_ranges", this.#s.le);
    r.seek(off);
    const out: [number, number][] = [];
    let base = baseIn;
    const size = u.cx.addrSize;
    const maxAddr = size === 8 ? 0xffffffffffffffffn : 0xffffffffn;
    for (let guard = 0; guard < 1 << 20; guard++) {
      const s = r.addr(size);
      const e = r.addr(size);
      if (s === 0n && e === 0n) return out;
      if (s === maxAddr) base = Number(e);
      else if (e > s) out.push([base + Number(s), base + Number(e)]);
    }
    throw new DwarfError("limit", "range list does not end", ".debug_ranges", off);
  }
}

/**
 * The abbreviation table at `off` read with inline LEB128 decoding (a libc debug file has
 * thousands of tables: the reader's method calls dominated), or null when anything is out of
 * bounds or longer than 35 bits, for the checked reader to report.
 */
function abbrevTableFast(b: Uint8Array, off: number): Map<number, Abbrev> | null {
  const end = b.length;
  if (!Number.isInteger(off) || off < 0 || off > end) return null;
  let p = off;
  let bad = false;
  /** A ULEB128 (or SLEB128 when `signed`) at p; sets `bad` past the end or beyond 35 bits. */
  const leb = (signed: boolean): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (p >= end || mul > 2 ** 28) {
        bad = true;
        return 0;
      }
      const byte = b[p++]!;
      v += (byte & 0x7f) * mul;
      mul *= 128;
      if (!(byte & 0x80)) return signed && byte & 0x40 ? v - mul : v;
    }
  };
  const m = new Map<number, Abbrev>();
  const attrs: number[] = [];
  for (;;) {
    // Single-byte LEB128s (nearly all of them) are read inline.
    let code = p < end ? b[p]! : 0x80;
    if (code < 0x80) p++;
    else code = leb(false);
    if (bad) return null;
    if (code === 0) return m;
    let tag = p < end ? b[p]! : 0x80;
    if (tag < 0x80) p++;
    else tag = leb(false);
    if (bad || p >= end) return null;
    const children = b[p++] !== 0;
    const start = attrs.length;
    for (;;) {
      let name = p < end ? b[p]! : 0x80;
      if (name < 0x80) p++;
      else name = leb(false);
      let form = p < end ? b[p]! : 0x80;
      if (form < 0x80) p++;
      else form = leb(false);
      if (bad) return null;
      if (name === 0 && form === 0) break;
      attrs.push(name | 0, form | 0, form === 0x21 ? leb(true) | 0 : 0);
      if (bad) return null;
    }
    m.set(code, { tag, children, attrs, start, end: attrs.length });
  }
}
