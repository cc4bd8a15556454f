/**
 * The unwinder of {@link unwindUser} in Number arithmetic, for the hot path of a whole
 * recording: user-space addresses are below 2^47 on x86_64/aarch64, and doubles are exact
 * below 2^53, so registers, CFA and stack reads need no BigInt. Registers live in reused
 * Float64Arrays, stack words are read as two 32-bit halves straight from the record, rows are
 * compiled once per (binary, pc), frames go into reused arrays: nothing is allocated per
 * frame. Whatever this path does not model exactly (a value at or above 2^53, DWARF
 * expressions, damaged CFI, a big-endian record) makes {@link NumberUnwinder.run} return
 * false, and the caller unwinds that sample with {@link unwindUser}, which gives the same
 * frames wherever both apply.
 */
import type { DwarfBinary } from "./binary.ts";
import { type RegRule, rowFor } from "./frame-rules.ts";
import * as X from "./number-expression.ts";
import { NumberMaps } from "./number-maps.ts";
import type { ArchRegisters } from "./registers.ts";
import type { MappedModule } from "./session-hook.ts";
import type { UnwindStop } from "./unwind.ts";
import { WordReader } from "./word-reader.ts";

/** A register (or read) with no value (unwindUser's `undefined`). */
const UNDEF = -1;
/** A value at or above 2^53: kept, but any arithmetic or use as an address bails out. */
const BIG = -2;
const TWO32 = 4294967296;
const LIMIT = 9007199254740992;

const K_UNDEF = 0;
const K_SAME = 1;
const K_OFFSET = 2;
const K_VAL_OFFSET = 3;
const K_REGISTER = 4;
const K_EXPR = 5;
const K_VAL_EXPR = 6;
/** An expression result the Number path cannot continue with. */
const BAIL_VALUE = -3;

/** A CFI row with every tracked register's rule resolved (ABI defaults included). */
interface NumberRow {
  /** CFA base register, -1 when the row has none (CFA undefined). */
  cfaReg: number;
  cfaOffset: number;
  kinds: Uint8Array;
  /** The registers whose rule is not `undefined` (the others are just cleared). */
  defined: Int32Array;
  /** Offset (offset/val_offset) or source register (register), per register. */
  args: Float64Array;
  /** Compiled expressions of expr/val_expr rules, per register. */
  exprs: (Float64Array | null)[] | null;
  /** Compiled CFA expression, or null for a register + offset CFA. */
  cfaExpr: Float64Array | null;
  ra: number;
  /** The FDE's CIE marks a signal frame (augmentation "S"): see unwindUser. */
  signalFrame: boolean;
}

/** No FDE covers the pc: the frame-pointer fallback applies. */
const NO_CFI = 0;
/** The row needs the BigInt unwinder (expressions, damaged CFI). */
const BAIL = 1;

/**
 * Unwinds one sample at a time into reused arrays ({@link ips}, {@link modules},
 * {@link viaFramePointer}, the first {@link count} entries valid until the next run).
 */
export class NumberUnwinder {
  /** Frame addresses as perf reports them (pc, then return address - 1 but after a signal frame). */
  readonly ips: Float64Array;
  /** The mapping of each frame's pc. */
  readonly modules: (MappedModule | undefined)[];
  /** 1 where the frame was found by the frame-pointer fallback. */
  readonly viaFramePointer: Uint8Array;
  /** Frames of the last run. */
  count = 0;
  /** Why the last run stopped. */
  stop: UnwindStop = "end";
  /** unwindUser's detail text for a `no-info` stop. */
  detail: string | undefined = undefined;

  readonly #rows = new WeakMap<DwarfBinary, Map<number, NumberRow | number>>();
  readonly #plt = new WeakMap<DwarfBinary, Map<number, boolean>>();
  #lastBin: DwarfBinary | null = null;
  #lastRows: Map<number, NumberRow | number> | null = null;
  #cur: Float64Array;
  #next: Float64Array;
  /** Reads of the current sample's record. */
  readonly words = new WordReader();
  #stackAt = 0;
  #sp0 = 0;
  #stackEnd = 0;
  #truncated = false;
  #bail = false;
  #maps: NumberMaps | null = null;
  readonly #stack = new Float64Array(X.MAX_DEPTH + 1);

  constructor(
    readonly arch: ArchRegisters,
    /** Largest maxFrames a run accepts. */
    readonly capacity = 127,
  ) {
    if (typeof arch !== "object" || arch === null) throw new TypeError("arch must be an ArchRegisters");
    if (!Number.isInteger(capacity) || capacity < 1) throw new TypeError("capacity must be a positive integer");
    this.ips = new Float64Array(capacity);
    this.modules = new Array(capacity).fill(undefined);
    this.viaFramePointer = new Uint8Array(capacity);
    this.#cur = new Float64Array(arch.count);
    this.#next = new Float64Array(arch.count);
  }

  /**
   * Unwinds the sample whose user registers (values in ascending perf-register order, little
   * endian) start at `regsAt` of `view` and whose saved stack starts at `stackAt` with
   * `dynSize` valid bytes. `slotOf[d]` is the value slot of DWARF register d (-1: not
   * sampled); `pcSlot`/`spSlot` those of the pc and sp. Returns false when the sample needs
   * the BigInt unwinder (the arrays then hold nothing meaningful).
   */
  run(
    view: DataView,
    regsAt: number,
    slotOf: Int8Array,
    pcSlot: number,
    spSlot: number,
    stackAt: number,
    dynSize: number,
    maps: NumberMaps,
    maxFrames = 127,
  ): boolean {
    if (!(view instanceof DataView)) throw new TypeError("view must be a DataView");
    if (!(maps instanceof NumberMaps)) throw new TypeError("maps must be a NumberMaps");
    if (!(slotOf instanceof Int8Array)) throw new TypeError("slotOf must be an Int8Array");
    if (!Number.isInteger(regsAt) || !Number.isInteger(stackAt) || !Number.isInteger(dynSize) || dynSize < 0)
      throw new TypeError("regsAt, stackAt and dynSize must be integers");
    if (maxFrames > this.capacity || maxFrames < 1) return false;
    const a = this.arch;
    const n = a.count;
    let cur = this.#cur;
    let next = this.#next;
    this.count = 0;
    if (pcSlot < 0 || spSlot < 0) return this.end("no-stack");
    this.words.use(view);
    const pc0 = this.word(regsAt + 8 * pcSlot);
    const sp0 = this.word(regsAt + 8 * spSlot);
    if (pc0 <= 0 || sp0 < 0 || sp0 + dynSize >= LIMIT) return false;
    for (let d = 0; d < n; d++) {
      const s = slotOf[d]!;
      cur[d] = s < 0 ? UNDEF : this.word(regsAt + 8 * s);
    }
    this.#stackAt = stackAt;
    this.#sp0 = sp0;
    this.#stackEnd = sp0 + dynSize;
    this.#truncated = false;
    this.#bail = false;
    this.#maps = maps;

    const ips = this.ips;
    const modules = this.modules;
    const viaFp = this.viaFramePointer;
    let count = 0;
    let pc = pc0;
    // libunwind's use_prev_instr and perf's unw_is_signal_frame test (see unwindUser).
    let usePrev = false;
    let afterSignal = true;
    let fpFrame = 0;
    for (;;) {
      if (pc === BIG || pc === 0) return false;
      const ip = afterSignal ? pc : pc - 1;
      const mi = maps.find(pc);
      if (ip !== 0) {
        ips[count] = ip;
        modules[count] = mi < 0 ? undefined : maps.module(mi);
        viaFp[count] = fpFrame;
        count++;
        this.count = count;
      }
      if (count >= maxFrames) return this.end("max-frames");

      const lookPc = usePrev ? pc - 1 : pc;
      const li = lookPc === pc ? mi : maps.find(lookPc);
      const bin = li < 0 ? null : maps.module(li).binary;
      let row: NumberRow | number = NO_CFI;
      if (bin) {
        // perf's table bias (NumberMaps.perfCfiBias), not necessarily this map's start - pgoff.
        const bias = maps.cfiBias(li);
        if (Number.isNaN(bias)) return false;
        const key = lookPc - bias;
        row = this.row(bin, key);
        if (row === BAIL) return false;
      }
      let nextPc: number;
      if (typeof row === "object") {
        let cfa = UNDEF;
        if (row.cfaExpr !== null) {
          cfa = this.evaluate(row.cfaExpr, cur, UNDEF);
          if (cfa === BAIL_VALUE || cfa === BIG || this.#bail) return false;
        } else {
          const base = row.cfaReg < 0 ? UNDEF : cur[row.cfaReg]!;
          if (base === BIG) return false;
          if (base !== UNDEF) {
            cfa = base + row.cfaOffset;
            if (cfa < 0 || cfa >= LIMIT) return false;
          }
        }
        const kinds = row.kinds;
        const args = row.args;
        const defined = row.defined;
        for (let d = 0; d < n; d++) next[d] = UNDEF;
        for (let k = 0; k < defined.length; k++) {
          const d = defined[k]!;
          switch (kinds[d]) {
            case K_SAME:
              next[d] = cur[d]!;
              break;
            case K_OFFSET: {
              if (cfa === UNDEF) next[d] = UNDEF;
              else {
                const at = cfa + args[d]!;
                if (at < 0 || at >= LIMIT) return false;
                next[d] = this.read8(at);
              }
              break;
            }
            case K_VAL_OFFSET: {
              if (cfa === UNDEF) next[d] = UNDEF;
              else {
                const v = cfa + args[d]!;
                next[d] = v < 0 || v >= LIMIT ? BIG : v;
              }
              break;
            }
            case K_REGISTER:
              next[d] = cur[args[d]!]!;
              break;
            default: {
              if (cfa === UNDEF) {
                next[d] = UNDEF;
                break;
              }
              const v = this.evaluate(row.exprs![d]!, cur, cfa);
              if (v === BAIL_VALUE) return false;
              next[d] = kinds[d] === K_VAL_EXPR || v === UNDEF ? v : this.read8(v);
            }
          }
        }
        if (this.#bail) return false;
        const ra = row.ra;
        nextPc = ra >= 0 && ra < n ? next[ra]! : UNDEF;
        if (nextPc === UNDEF && ra !== a.dwarfRa && ra >= 0 && ra < n) nextPc = cur[ra]!;
        if (nextPc === UNDEF) return this.end(this.#truncated ? "truncated" : "end");
        // libunwind's x86_64 unw_step: an undefined %rbp after a CFI step marks the outermost frame.
        if (a.arch === "x86_64" && kinds[a.dwarfFp] === K_UNDEF) return this.end("end");
        // A return address of 0 is a frame at 2^64 - 1 for perf: not a Number, unwindUser has it.
        if (nextPc === 0) return false;
        fpFrame = 0;
        usePrev = !row.signalFrame;
        afterSignal = row.signalFrame;
      } else {
        // libunwind's x86_64 fallback (unwindUser has the rules).
        if (a.arch !== "x86_64") return this.end("no-info", "no CFI");
        if (!bin) return this.end("no-info", "no binary at the pc");
        const fp = cur[a.dwarfFp]!;
        const cfa = cur[a.dwarfSp]!;
        if (fp === BIG || cfa === BIG) return false;
        if (fp === UNDEF || cfa === UNDEF) return this.end("no-info", "no CFI and no %rbp");
        // A classic PLT stub without CFI: rare, unwindUser follows it.
        if (this.isPltEntry(mi, pc)) return false;
        if (fp + 16 >= LIMIT || cfa + 16 >= LIMIT) return false;
        const prevFp = fp === 0 ? UNDEF : this.read8(fp);
        if (this.#bail) return false;
        if (prevFp === UNDEF || fp < cfa || fp - cfa > 0x4000)
          return this.end(this.#truncated ? "truncated" : "no-info", "no CFI and no plausible frame pointer");
        const ret = this.read8(fp + 8);
        if (this.#bail) return false;
        if (ret === UNDEF) return this.end(this.#truncated ? "truncated" : "no-info");
        // A frame at 2^64 - 1 for perf (see unwindUser): not a Number.
        if (ret === 0) return false;
        next.fill(UNDEF);
        next[a.dwarfFp] = prevFp;
        next[a.dwarfSp] = cfa + 16;
        nextPc = ret;
        fpFrame = 1;
        usePrev = true;
        afterSignal = false;
      }
      const t = cur;
      cur = next;
      next = t;
      pc = nextPc;
    }
  }

  /** The little-endian u64 at `p` of the sample's view as an exact Number, or BIG. */
  private word(p: number): number {
    const hi = this.words.u32(p + 4);
    return hi < 0x200000 ? hi * TWO32 + this.words.u32(p) : BIG;
  }

  /**
   * Runs a compiled expression (with `initial` pushed first unless UNDEF): its value, UNDEF
   * where evalExpression gives undefined, or BAIL_VALUE for anything outside [0, 2^53).
   */
  private evaluate(code: Float64Array, cur: Float64Array, initial: number): number {
    const st = this.#stack;
    let sp = 0;
    if (initial !== UNDEF) st[sp++] = initial;
    const n = this.arch.count;
    for (let i = 0; i < code.length; i += 2) {
      const op = code[i]!;
      const arg = code[i + 1]!;
      if (op === X.X_CONST) {
        st[sp++] = arg;
        continue;
      }
      if (op === X.X_REG_OFF) {
        const v = arg < n ? cur[arg]! : UNDEF;
        const off = code[i + 3]!;
        i += 2;
        if (v === UNDEF) return UNDEF;
        if (v === BIG) return BAIL_VALUE;
        const x = v + off;
        if (x < 0 || x >= LIMIT) return BAIL_VALUE;
        st[sp++] = x;
        continue;
      }
      if (op === X.X_DEREF) {
        const v = this.read8(st[sp - 1]!);
        if (this.#bail || v === BIG) return BAIL_VALUE;
        if (v === UNDEF) return UNDEF;
        st[sp - 1] = v;
        continue;
      }
      if (op === X.X_PLUS_CONST) {
        const x = st[sp - 1]! + arg;
        if (x >= LIMIT) return BAIL_VALUE;
        st[sp - 1] = x;
        continue;
      }
      if (op === X.X_DUP) {
        st[sp] = st[sp - 1]!;
        sp++;
        continue;
      }
      if (op === X.X_DROP) {
        sp--;
        continue;
      }
      if (op === X.X_OVER) {
        st[sp] = st[sp - 2]!;
        sp++;
        continue;
      }
      if (op === X.X_SWAP) {
        const t = st[sp - 1]!;
        st[sp - 1] = st[sp - 2]!;
        st[sp - 2] = t;
        continue;
      }
      const b = st[--sp]!;
      const a = st[sp - 1]!;
      const x = binary(op, a, b);
      if (x < 0 || x >= LIMIT) return BAIL_VALUE;
      st[sp - 1] = x;
    }
    return sp > 0 ? st[sp - 1]! : UNDEF;
  }

  private end(stop: UnwindStop, detail?: string): true {
    this.stop = stop;
    this.detail = detail;
    return true;
  }

  /** unwindUser's memory read of 8 bytes at exact `addr`: the saved stack but its last word (perf), else the mapped file. */
  private read8(addr: number): number {
    if (addr >= this.#sp0 && addr + 8 < this.#stackEnd) return this.word(this.#stackAt + (addr - this.#sp0));
    const maps = this.#maps!;
    if (addr >= this.#stackEnd && addr < this.#stackEnd + 0x100000) this.#truncated = true;
    const i = maps.find(addr);
    // No map: an error. A map whose file cannot be read: perf's "successful" 0 (see unwindUser).
    if (i < 0) return UNDEF;
    const bin = maps.module(i).binary;
    if (!bin) return 0;
    const pgoff = maps.pgoffs[i]!;
    if (pgoff < 0) {
      this.#bail = true;
      return UNDEF;
    }
    const b = bin.readAt(addr - maps.starts[i]! + pgoff, 8);
    if (!b) return 0;
    const lo = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
    const hi = (b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24)) >>> 0;
    return hi < 0x200000 ? hi * TWO32 + lo : BIG;
  }

  /**
   * libunwind's is_plt_entry on the code at exact `pc` (in map `mi`): `jmp *disp(%rip); push;
   * jmp`. Cached per binary and file offset (every frame-chain step asks).
   */
  private isPltEntry(mi: number, pc: number): boolean {
    if (mi < 0) return false;
    const maps = this.#maps!;
    const bin = maps.module(mi).binary;
    const pgoff = maps.pgoffs[mi]!;
    if (!bin || pgoff < 0) return false;
    const off = pc - maps.starts[mi]! + pgoff;
    let known = this.#plt.get(bin);
    if (!known) {
      known = new Map();
      this.#plt.set(bin, known);
    }
    let is = known.get(off);
    if (is === undefined) {
      const b = bin.readAt(off, 16);
      is = b !== null && b[0] === 0xff && b[1] === 0x25 && b[6] === 0x68 && b[11] === 0xe9;
      known.set(off, is);
    }
    return is;
  }

  /** The compiled row of `bin` at ELF address `key` (cached per binary and address). */
  private row(bin: DwarfBinary, key: number): NumberRow | number {
    let rows = this.#lastBin === bin ? this.#lastRows : this.#rows.get(bin);
    if (!rows) {
      rows = new Map();
      this.#rows.set(bin, rows);
    }
    this.#lastBin = bin;
    this.#lastRows = rows;
    let r = rows.get(key);
    if (r === undefined) {
      r = this.compileAt(bin, key);
      rows.set(key, r);
    }
    return r;
  }

  private compileAt(bin: DwarfBinary, key: number): NumberRow | number {
    const errors = bin.errors.length;
    const hit = bin.findCfi(key);
    // A damaged table: the BigInt path reports it (and keeps reporting it) as unwindUser does.
    if (bin.errors.length !== errors) return BAIL;
    if (!hit) return NO_CFI;
    let frame: ReturnType<typeof rowFor>;
    try {
      frame = rowFor(hit.fde, key, hit.table.section);
    } catch {
      return BAIL;
    }
    let cfaExpr: Float64Array | null = null;
    if (frame.cfa.kind === "expr") {
      const x = X.compileExpression(frame.cfa.expr, 0);
      if (!x) return BAIL;
      cfaExpr = x.code;
    }
    const cfaReg = frame.cfa.kind === "reg" ? frame.cfa.reg : -1;
    const cfaOffset = frame.cfa.kind === "reg" ? frame.cfa.offset : 0;
    const row = compile(frame.regs, this.arch, cfaReg, cfaOffset, frame.raRegister);
    if (!row) return BAIL;
    row.cfaExpr = cfaExpr;
    row.signalFrame = frame.signalFrame;
    return row;
  }
}

/** Resolves every tracked register's rule; null when one needs a DWARF expression. */
function compile(
  regs: Map<number, RegRule>,
  arch: ArchRegisters,
  cfaReg: number,
  cfaOffset: number,
  ra: number,
): NumberRow | null {
  const n = arch.count;
  const kinds = new Uint8Array(n);
  const args = new Float64Array(n);
  let exprs: (Float64Array | null)[] | null = null;
  for (let d = 0; d < n; d++) {
    const rule = regs.get(d);
    if (rule === undefined) {
      if (d === arch.dwarfSp) kinds[d] = K_VAL_OFFSET;
      else kinds[d] = arch.calleeSaved.includes(d) ? K_SAME : K_UNDEF;
      continue;
    }
    switch (rule.kind) {
      case "undefined":
        kinds[d] = K_UNDEF;
        break;
      case "same":
        kinds[d] = K_SAME;
        break;
      case "offset":
        kinds[d] = K_OFFSET;
        args[d] = rule.n;
        break;
      case "val_offset":
        kinds[d] = K_VAL_OFFSET;
        args[d] = rule.n;
        break;
      case "register":
        if (rule.reg >= 0 && rule.reg < n) {
          kinds[d] = K_REGISTER;
          args[d] = rule.reg;
        } else kinds[d] = K_UNDEF;
        break;
      default: {
        const x = X.compileExpression(rule.expr, 1);
        if (!x) return null;
        kinds[d] = rule.kind === "expr" ? K_EXPR : K_VAL_EXPR;
        exprs ??= new Array(n).fill(null);
        exprs[d] = x.code;
      }
    }
  }
  const defined: number[] = [];
  for (let d = 0; d < n; d++) if (kinds[d] !== K_UNDEF) defined.push(d);
  return {
    cfaReg: cfaReg >= 0 && cfaReg < n ? cfaReg : -1,
    cfaOffset,
    kinds,
    defined: new Int32Array(defined),
    args,
    exprs,
    cfaExpr: null,
    ra,
    signalFrame: false,
  };
}

/** A binary DW_OP on exact non-negative values below 2^53 (any result outside: the caller bails). */
function binary(op: number, a: number, b: number): number {
  switch (op) {
    case X.X_AND:
    case X.X_OR:
    case X.X_XOR: {
      // Bitwise ops per 32-bit half (JS bitwise operators see 32 bits).
      const ah = Math.floor(a / TWO32);
      const bh = Math.floor(b / TWO32);
      const al = a >>> 0;
      const bl = b >>> 0;
      if (op === X.X_AND) return (ah & bh) * TWO32 + ((al & bl) >>> 0);
      if (op === X.X_OR) return (ah | bh) * TWO32 + ((al | bl) >>> 0);
      return (ah ^ bh) * TWO32 + ((al ^ bl) >>> 0);
    }
    case X.X_PLUS:
      return a + b;
    case X.X_MINUS:
      return a - b;
    case X.X_MUL:
      return a * b;
    case X.X_SHL:
      return b >= 64 ? 0 : a * 2 ** b;
    case X.X_SHR:
      return b >= 64 ? 0 : Math.floor(a / 2 ** b);
    // Values below 2^53 are their own signed 64-bit values: evalExpression's signed compares agree.
    case X.X_EQ:
      return a === b ? 1 : 0;
    case X.X_GE:
      return a >= b ? 1 : 0;
    case X.X_GT:
      return a > b ? 1 : 0;
    case X.X_LE:
      return a <= b ? 1 : 0;
    case X.X_LT:
      return a < b ? 1 : 0;
    default:
      return a !== b ? 1 : 0;
  }
}
