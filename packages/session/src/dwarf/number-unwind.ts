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
import type { NumberMaps } from "./number-maps.ts";
import type { ArchRegisters } from "./registers.ts";
import type { MappedModule } from "./session-hook.ts";
import type { UnwindStop } from "./unwind.ts";

/** A register (or read) with no value (unwindUser's `undefined`). */
const UNDEF = -1;
/** A value at or above 2^53: kept, but any arithmetic or use as an address bails out. */
const BIG = -2;
const TWO32 = 4294967296;
const LIMIT = 9007199254740992;
/** Uint32Array reads are little-endian words only on a little-endian host. */
const HOST_LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const K_UNDEF = 0;
const K_SAME = 1;
const K_OFFSET = 2;
const K_VAL_OFFSET = 3;
const K_REGISTER = 4;

/** A CFI row with every tracked register's rule resolved (ABI defaults included). */
interface NumberRow {
  /** CFA base register, -1 when the row has none (CFA undefined). */
  cfaReg: number;
  cfaOffset: number;
  kinds: Uint8Array;
  /** Offset (offset/val_offset) or source register (register), per register. */
  args: Float64Array;
  ra: number;
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
  /** Frame addresses as perf reports them (pc, then return address - 1). */
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
  #lastBin: DwarfBinary | null = null;
  #lastRows: Map<number, NumberRow | number> | null = null;
  #cur: Float64Array;
  #next: Float64Array;
  #view: DataView = new DataView(new ArrayBuffer(8));
  /** The view's buffer as 32-bit words (aligned reads skip DataView calls), and its offset. */
  #words: Uint32Array = new Uint32Array(0);
  #buffer: ArrayBufferLike | null = null;
  #base = 0;
  #stackAt = 0;
  #sp0 = 0;
  #stackEnd = 0;
  #truncated = false;
  #bail = false;
  #maps: NumberMaps | null = null;

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
    if (maxFrames > this.capacity || maxFrames < 1) return false;
    const a = this.arch;
    const n = a.count;
    let cur = this.#cur;
    let next = this.#next;
    this.count = 0;
    if (pcSlot < 0 || spSlot < 0) return this.end("no-stack");
    this.#view = view;
    if (view.buffer !== this.#buffer) {
      this.#buffer = view.buffer;
      this.#words = new Uint32Array(view.buffer, 0, view.buffer.byteLength >>> 2);
    }
    this.#base = view.byteOffset;
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
    let activation = true;
    let fpFrame = 0;
    for (;;) {
      if (pc === BIG || (!activation && pc === 0)) return false;
      const ip = activation ? pc : pc - 1;
      const mi = maps.find(pc);
      if (ip !== 0) {
        ips[count] = ip;
        modules[count] = mi < 0 ? undefined : maps.module(mi);
        viaFp[count] = fpFrame;
        count++;
        this.count = count;
      }
      if (count >= maxFrames) return this.end("max-frames");

      const li = ip === pc ? mi : maps.find(ip);
      const bin = li < 0 ? null : maps.module(li).binary;
      let row: NumberRow | number = NO_CFI;
      if (bin) {
        let key = ip;
        if (bin.isDyn) {
          const bias = maps.bias[li]!;
          if (Number.isNaN(bias)) return false;
          key = ip - bias;
        }
        row = this.row(bin, key);
        if (row === BAIL) return false;
      }
      let nextPc: number;
      if (typeof row === "object") {
        const base = row.cfaReg < 0 ? UNDEF : cur[row.cfaReg]!;
        if (base === BIG) return false;
        let cfa = UNDEF;
        if (base !== UNDEF) {
          cfa = base + row.cfaOffset;
          if (cfa < 0 || cfa >= LIMIT) return false;
        }
        const kinds = row.kinds;
        const args = row.args;
        for (let d = 0; d < n; d++) {
          switch (kinds[d]) {
            case K_UNDEF:
              next[d] = UNDEF;
              break;
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
            default:
              next[d] = cur[args[d]!]!;
          }
        }
        if (this.#bail) return false;
        const ra = row.ra;
        nextPc = ra >= 0 && ra < n ? next[ra]! : UNDEF;
        if (nextPc === UNDEF && ra !== a.dwarfRa && ra >= 0 && ra < n) nextPc = cur[ra]!;
        if (nextPc === UNDEF || nextPc === 0) return this.end(this.#truncated ? "truncated" : "end");
        fpFrame = 0;
      } else {
        // libdw's x86_64 backend unwinds by frame pointer when no CFI covers the pc.
        if (a.arch !== "x86_64") return this.end("no-info", "no CFI");
        const fp = cur[a.dwarfFp]!;
        if (fp === BIG) return false;
        if (fp === UNDEF || fp === 0) return this.end("no-info", "no CFI and no frame pointer");
        if (fp + 16 >= LIMIT) return false;
        let prevFp = this.read8(fp);
        const ret = this.read8(fp + 8);
        if (this.#bail) return false;
        if (prevFp === UNDEF) prevFp = 0;
        if (ret === UNDEF) return this.end(this.#truncated ? "truncated" : "no-info");
        next.fill(UNDEF);
        next[a.dwarfFp] = prevFp;
        next[a.dwarfSp] = fp + 16;
        const oldSp = cur[a.dwarfSp]!;
        if (oldSp === BIG) return false;
        if (oldSp !== UNDEF && fp + 16 <= oldSp) return this.end("no-info", "frame pointer does not move up the stack");
        nextPc = ret;
        fpFrame = 1;
      }
      const t = cur;
      cur = next;
      next = t;
      pc = nextPc;
      activation = false;
    }
  }

  /** The little-endian u64 at `p` of the sample's view as an exact Number, or BIG. */
  private word(p: number): number {
    const abs = this.#base + p;
    let hi: number;
    let lo: number;
    if ((abs & 3) === 0 && HOST_LE) {
      const i = abs >>> 2;
      lo = this.#words[i]!;
      hi = this.#words[i + 1]!;
    } else {
      lo = this.#view.getUint32(p, true);
      hi = this.#view.getUint32(p + 4, true);
    }
    return hi < 0x200000 ? hi * TWO32 + lo : BIG;
  }

  private end(stop: UnwindStop, detail?: string): true {
    this.stop = stop;
    this.detail = detail;
    return true;
  }

  /** unwindUser's memory read of 8 bytes at exact `addr`: the saved stack, else the mapped file. */
  private read8(addr: number): number {
    if (addr >= this.#sp0 && addr + 8 <= this.#stackEnd) return this.word(this.#stackAt + (addr - this.#sp0));
    const maps = this.#maps!;
    const i = maps.find(addr);
    if (i >= 0) {
      const bin = maps.module(i).binary;
      if (bin) {
        const pgoff = maps.pgoffs[i]!;
        if (pgoff < 0) {
          this.#bail = true;
          return UNDEF;
        }
        const b = bin.readAt(addr - maps.starts[i]! + pgoff, 8);
        if (b) {
          const lo = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
          const hi = (b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24)) >>> 0;
          return hi < 0x200000 ? hi * TWO32 + lo : BIG;
        }
      }
    }
    if (addr >= this.#stackEnd && addr < this.#stackEnd + 0x100000) this.#truncated = true;
    return UNDEF;
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
    if (frame.cfa.kind !== "reg") return BAIL;
    return compile(frame.regs, this.arch, frame.cfa.reg, frame.cfa.offset, frame.raRegister) ?? BAIL;
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
      default:
        return null;
    }
  }
  return { cfaReg: cfaReg >= 0 && cfaReg < n ? cfaReg : -1, cfaOffset, kinds, args, ra };
}
