/**
 * The Session's use of debug information: unwinding `--call-graph dwarf` samples against a
 * thread's maps, perf's callchain entries for unwound frames (inline levels included), and
 * perf's srcline text for any resolved address. One per session; owns its {@link DwarfCache}.
 */
import { Feature, type PerfDataFile, type Sample, type SampleLayout, SampleType } from "@perfkit/format";
import type { Dso } from "./dso.ts";
import type { DwarfBinary } from "./dwarf/binary.ts";
import { DwarfCache } from "./dwarf/cache.ts";
import { NumberMaps } from "./dwarf/number-maps.ts";
import { NumberUnwinder } from "./dwarf/number-unwind.ts";
import { type PerfChainEntry, perfChainEntries } from "./dwarf/perf-frames.ts";
import { archRegisters, type UnwindArch } from "./dwarf/registers.ts";
import type { MappedModule } from "./dwarf/session-hook.ts";
import { SrclineState } from "./dwarf/srcline-state.ts";
import { type UnwindModule, type UnwindResult, type UnwoundFrame, unwindUser } from "./dwarf/unwind.ts";
import type { WordReader } from "./dwarf/word-reader.ts";
import { findMapIn, type MapEntry } from "./maps.ts";

const DWARF_MODE = SampleType.REGS_USER | SampleType.STACK_USER;

/** Fields whose size the in-place walk does not compute (the Sample's walk handles them). */
const IN_PLACE_BLOCKERS =
  SampleType.READ | SampleType.RAW | SampleType.BRANCH_STACK | SampleType.REGS_INTR | SampleType.AUX;
/** One-word fields after STACK_USER (the in-place walk checks that they fit, as the Sample does). */
const TRAILING_WORDS = [
  SampleType.DATA_SRC,
  SampleType.TRANSACTION,
  SampleType.PHYS_ADDR,
  SampleType.CGROUP,
  SampleType.DATA_PAGE_SIZE,
  SampleType.CODE_PAGE_SIZE,
];

/**
 * One-word fields after STACK_USER in a layout the in-place walk handles, or -1 (a field of
 * variable size besides the callchain, no STACK_USER, or bits this decoder does not know).
 */
function trailingWords(layout: SampleLayout): number {
  const t = layout.sampleType;
  if (layout.hasUnknownBits || t & IN_PLACE_BLOCKERS || !(t & SampleType.STACK_USER)) return -1;
  let words = t & (SampleType.WEIGHT | SampleType.WEIGHT_STRUCT) ? 1 : 0;
  for (const bit of TRAILING_WORDS) if (t & bit) words++;
  return words;
}

/** Where an event's sampled user registers put the registers the unwinder tracks. */
interface RegisterSlots {
  mask: bigint;
  /** Sampled values per record. */
  count: number;
  /** Value slot per DWARF register (-1: not sampled). */
  slotOf: Int8Array;
  pcSlot: number;
  spSlot: number;
}

/** True when samples of an event with this sample_type carry what DWARF unwinding needs. */
export function isDwarfMode(sampleType: number): boolean {
  if (typeof sampleType !== "number") throw new TypeError("sampleType must be a number");
  return (sampleType & DWARF_MODE) === DWARF_MODE;
}

/** The register set of a recording (ARCH header), x86_64 when unknown. */
export function recordingArch(file: PerfDataFile): UnwindArch {
  try {
    const v = file.features.get(Feature.ARCH);
    if (v && v.feature === "ARCH" && (v.value === "aarch64" || v.value === "arm64")) return "aarch64";
  } catch {
    // A damaged ARCH section: perf's default host arch.
  }
  return "x86_64";
}

/** Unwinding, inline expansion and srclines for one session. Call {@link close} when done. */
export class SessionDwarf {
  /** Binaries opened so far (one per path and build id). */
  readonly cache: DwarfCache;
  readonly #modules = new WeakMap<MapEntry, MappedModule>();
  readonly #srclines = new WeakMap<Dso, Map<bigint, string | null>>();
  readonly #answers = new WeakMap<Dso, Map<bigint, string | null>>();
  /** perf's per-dso addr2line give-up state, advanced by {@link scriptSrcline}. */
  readonly srclineState = new SrclineState();
  readonly #numberMaps = new WeakMap<readonly MapEntry[], NumberMaps>();
  #lastSpace: readonly MapEntry[] | null = null;
  #lastMaps: NumberMaps | null = null;
  #slots: RegisterSlots | null = null;
  #unwinder: NumberUnwinder | null = null;
  readonly #moduleOf = (e: MapEntry): MappedModule => this.moduleOf(e);

  constructor(
    /** The recording's register set. */
    readonly arch: UnwindArch = "x86_64",
    cache: DwarfCache = new DwarfCache(),
  ) {
    if (arch !== "x86_64" && arch !== "aarch64") throw new TypeError(`arch must be "x86_64" or "aarch64"`);
    if (!(cache instanceof DwarfCache)) throw new TypeError("cache must be a DwarfCache");
    this.cache = cache;
  }

  /** The DWARF binary behind a map (null for pseudo maps and unreadable files). */
  binaryOf(map: MapEntry): DwarfBinary | null {
    return this.moduleOf(map).binary;
  }

  /** The unwinder's view of a map, built once per map entry. */
  moduleOf(map: MapEntry): MappedModule {
    let m = this.#modules.get(map);
    if (!m) {
      const binary = map.identity ? null : this.cache.get(map.dso.name, map.dso.buildId).binary;
      // Identity maps ([stack], anon): perf prints their addresses as they are (identity__map_ip).
      m = { start: map.start, end: map.end, pgoff: map.identity ? map.start : map.pgoff, binary, map };
      this.#modules.set(map, m);
    }
    return m;
  }

  /**
   * Unwinds `sample`'s saved user stack through the sorted `userMaps` (a thread's snapshot).
   * Stop "no-stack" when the sample carries no registers or stack (perf then adds nothing).
   */
  unwind(sample: Sample, userMaps: readonly MapEntry[], maxFrames?: number): UnwindResult {
    if (typeof sample !== "object" || sample === null) throw new TypeError("sample must be a Sample");
    if (!Array.isArray(userMaps)) throw new TypeError("userMaps must be an array of MapEntry");
    const fast = this.unwindNumbers(sample, userMaps, maxFrames);
    if (fast) {
      const frames: UnwoundFrame[] = [];
      for (let i = 0; i < fast.count; i++)
        frames.push({
          ip: BigInt(fast.ips[i]!),
          module: fast.modules[i],
          viaFramePointer: fast.viaFramePointer[i] === 1,
        });
      return fast.detail === undefined ? { frames, stop: fast.stop } : { frames, stop: fast.stop, detail: fast.detail };
    }
    return this.unwindBigInt(sample, userMaps, maxFrames);
  }

  /** {@link unwind} through the BigInt unwinder ({@link unwindUser}) only. */
  unwindBigInt(sample: Sample, userMaps: readonly MapEntry[], maxFrames?: number): UnwindResult {
    if (typeof sample !== "object" || sample === null) throw new TypeError("sample must be a Sample");
    if (!Array.isArray(userMaps)) throw new TypeError("userMaps must be an array of MapEntry");
    const regs = sample.regsUser;
    const stack = sample.stackUser;
    // perf's thread__resolve_callchain_unwind: no registers (abi 0) or no dump, no unwinding.
    if (!regs || regs.abi === 0 || !stack || stack.data.length === 0) return { frames: [], stop: "no-stack" };
    const lookup = (addr: bigint): MappedModule | undefined => {
      const e = findMapIn(userMaps, addr);
      return e ? this.moduleOf(e) : undefined;
    };
    const maps = this.numberMaps(userMaps);
    const cfiBias = (m: UnwindModule, binary: DwarfBinary): bigint | null =>
      maps.perfCfiBias((m as MappedModule).map, binary);
    return unwindUser({ regs, stack, arch: this.arch, maxFrames, cfiBias }, lookup);
  }

  /**
   * {@link unwind} in Number arithmetic with nothing allocated per frame: the returned
   * unwinder holds the frames (`ips`, `modules`, `count`, `stop`) until the next call. Null
   * when the sample needs the BigInt unwinder ({@link unwindBigInt}): a register or address
   * at or above 2^53, a DWARF expression, damaged CFI, a big-endian record.
   */
  unwindNumbers(sample: Sample, userMaps: readonly MapEntry[], maxFrames = 127): NumberUnwinder | null {
    if (typeof sample !== "object" || sample === null) throw new TypeError("sample must be a Sample");
    if (!Array.isArray(userMaps)) throw new TypeError("userMaps must be an array of MapEntry");
    if (!Number.isInteger(maxFrames) || maxFrames < 1) throw new TypeError("maxFrames must be a positive integer");
    if (!sample.littleEndian || maxFrames > 127) return null;
    this.#unwinder ??= new NumberUnwinder(archRegisters(this.arch));
    const u = this.#unwinder;
    u.count = 0;
    u.detail = undefined;
    u.stop = "no-stack";
    const attr = sample.event.attr;
    if (!(attr.sampleType & SampleType.REGS_USER)) return u;
    const slots = this.slotsFor(attr.sampleRegsUser);
    if (slots.count === 0) return null;
    // Other layouts (READ, RAW, BRANCH_STACK, REGS_INTR, AUX, damaged records): the BigInt path.
    const at = this.locateInPlace(sample, slots.count, u.words);
    if (at === null) return null;
    if (at.abi0 || at.dynSize === 0) return u;
    const maps = this.numberMaps(userMaps);
    const ok = u.run(
      sample.view,
      at.regsAt,
      slots.slotOf,
      slots.pcSlot,
      slots.spSlot,
      at.stackAt,
      at.dynSize,
      maps,
      maxFrames,
    );
    return ok ? u : null;
  }

  readonly #located = { abi0: false, regsAt: 0, stackAt: 0, dynSize: 0 };
  #layout: SampleLayout | null = null;
  #trailing = -1;

  /**
   * REGS_USER and STACK_USER located without the Sample's field walk, when the record ends
   * with them and only the callchain (whose offset the Sample keeps) precedes them; the
   * Sample's own bounds checks are repeated. Null otherwise: the BigInt path then reads the
   * fields through the Sample's getters, which report damage as they do.
   */
  private locateInPlace(
    sample: Sample,
    regCount: number,
    words: WordReader,
  ): { abi0: boolean; regsAt: number; stackAt: number; dynSize: number } | null {
    const layout = sample.event.layout;
    if (layout !== this.#layout) {
      this.#layout = layout;
      this.#trailing = trailingWords(layout);
    }
    const trailing = this.#trailing;
    if (trailing < 0) return null;
    const { view, pos, size } = sample;
    words.use(view);
    let o = layout.variableStart;
    if (layout.sampleType & SampleType.CALLCHAIN) {
      // The Sample's own callchain check: a count that does not fit goes to the Sample.
      o = layout.callchainStatic;
      if (o < 0 || o + 8 > size) return null;
      const n = words.u32(pos + o);
      if (words.u32(pos + o + 4) !== 0 || n > (size - o - 8) / 8) return null;
      o += 8 + 8 * n;
    }
    if (o + 8 > size) return null;
    const out = this.#located;
    out.abi0 = words.isZero64(pos + o);
    o += 8;
    if (!out.abi0) {
      if (o + 8 * regCount > size) return null;
      out.regsAt = pos + o;
      o += 8 * regCount;
    }
    if (o + 8 > size) return null;
    const sz = words.u32(pos + o);
    if (words.u32(pos + o + 4) !== 0 || sz > size) return null;
    out.stackAt = pos + o + 8;
    o += 8 + sz;
    out.dynSize = 0;
    if (sz !== 0) {
      if (o + 8 > size) return null;
      const dyn = words.u32(pos + o);
      out.dynSize = words.u32(pos + o + 4) !== 0 ? sz : Math.min(dyn, sz);
      o += 8;
    }
    return o + 8 * trailing > size ? null : out;
  }

  /** Register slots of a sample_regs_user mask (the last one is kept: a file has one or two). */
  private slotsFor(mask: bigint): RegisterSlots {
    const s = this.#slots;
    if (s !== null && s.mask === mask) return s;
    const arch = archRegisters(this.arch);
    const bySlot = new Int8Array(64).fill(-1);
    let count = 0;
    for (let r = 0; r < 64; r++) if ((mask >> BigInt(r)) & 1n) bySlot[r] = count++;
    const slotOf = new Int8Array(arch.count);
    for (let d = 0; d < arch.count; d++) {
      const p = arch.dwarfToPerf[d]!;
      slotOf[d] = p < 0 ? -1 : bySlot[p]!;
    }
    const out = { mask, count, slotOf, pcSlot: bySlot[arch.perfPc]!, spSlot: bySlot[arch.perfSp]! };
    this.#slots = out;
    return out;
  }

  /** The Number view of a user-maps snapshot (one per snapshot). */
  private numberMaps(space: readonly MapEntry[]): NumberMaps {
    if (space === this.#lastSpace) return this.#lastMaps!;
    let m = this.#numberMaps.get(space);
    if (!m) {
      m = new NumberMaps(space, this.#moduleOf);
      this.#numberMaps.set(space, m);
    }
    this.#lastSpace = space;
    this.#lastMaps = m;
    return m;
  }

  /**
   * perf's callchain entries for an unwound frame at absolute `ip` (unwind_entry +
   * append_inlines): one per inline level when `inline`, with perf's srcline when `srcline`.
   */
  entries(ip: bigint, module: MappedModule | undefined, inline = true, srcline = false): PerfChainEntry[] {
    if (typeof ip !== "bigint") throw new TypeError("ip must be a bigint");
    const out = perfChainEntries(ip, module, module ? module.map.dso : null, { inline, srcline });
    if (srcline && module)
      for (const e of out) if (e.srcline === null) e.srcline = this.srclineFallback(module.map, e.addr);
    return out;
  }

  /**
   * perf's srcline text of map-relative address `addr` in `map` (map__fprintf_srcline):
   * `file:line` (base name), `??:0` where the binary has line info but not for this address,
   * else `dso[addr]`. Cached per dso and address.
   */
  srcline(map: MapEntry, addr: bigint): string {
    if (typeof addr !== "bigint") throw new TypeError("addr must be a bigint");
    let byAddr = this.#srclines.get(map.dso);
    if (!byAddr) {
      byAddr = new Map();
      this.#srclines.set(map.dso, byAddr);
    }
    let s = byAddr.get(addr);
    if (s === undefined) {
      const bin = this.binaryOf(map);
      const pos = bin && this.hasLines(map) ? bin.sourceLine(bin.objdumpAddress(addr)) : null;
      s = pos ? `${pos.file.slice(pos.file.lastIndexOf("/") + 1)}:${pos.line}` : null;
      byAddr.set(addr, s);
    }
    return s ?? this.srclineFallback(map, addr);
  }

  /**
   * perf script's srcline line for an address printed through map__fprintf_srcline (a sample's
   * ip, or a callchain entry that got no inline node): addr2line's answer while perf still asks
   * it about the dso ({@link SrclineState}), else `dso[addr]`; null where perf prints no line
   * (a `??:0` answer). Lookups must come in perf's print order; after a call, `srclineState.volatile`
   * says whether the text may not be reused for the next identical call.
   */
  scriptSrcline(map: MapEntry, addr: bigint): string | null {
    if (typeof addr !== "bigint") throw new TypeError("addr must be a bigint");
    const found = this.addr2line(map, addr);
    if (!this.srclineState.record(map.dso.name, found !== null)) return this.failedSrcline(map, addr);
    return found === "??:0" ? null : found;
  }

  /**
   * perf script's callchain entries for an unwound frame (see {@link entries}), each with the
   * srcline line perf prints (null: none), in print order: an entry with a symbol gets its text
   * from its inline node when `inline` and addr2line answers (no give-up state involved; `??:0`
   * printed), every other one through {@link scriptSrcline}. `srclineState.volatile` is true
   * after the call when any of them may not be reused.
   */
  scriptEntries(ip: bigint, module: MappedModule | undefined, inline: boolean): PerfChainEntry[] {
    if (typeof ip !== "bigint") throw new TypeError("ip must be a bigint");
    const out = perfChainEntries(ip, module, module ? module.map.dso : null, { inline, srcline: true });
    let volatile = false;
    if (module) {
      const viaNode = inline && out[0]!.sym !== null;
      for (const e of out) {
        if (!(viaNode && e.srcline !== null)) e.srcline = this.chainSrcline(module.map, e.addr, viaNode);
        volatile ||= this.srclineState.volatile;
      }
    }
    this.srclineState.volatile = volatile;
    return out;
  }

  /**
   * The srcline line perf script prints for a callchain entry (null: none). `viaNode`: perf's
   * append_inlines looked the address up (inline expansion on and a symbol found); its answer,
   * `??:0` included, is printed as it is, and only where addr2line finds nothing does perf fall
   * back to {@link scriptSrcline}.
   */
  chainSrcline(map: MapEntry, addr: bigint, viaNode: boolean): string | null {
    if (typeof addr !== "bigint") throw new TypeError("addr must be a bigint");
    if (viaNode) {
      const found = this.addr2line(map, addr);
      if (found !== null) {
        this.srclineState.volatile = false;
        return found;
      }
    }
    return this.scriptSrcline(map, addr);
  }

  /**
   * What perf's addr2line run answers for map-relative `addr` (`file:line`, `file:0` or `??:0`
   * where only a symbol is found), or null when it finds nothing. Cached per dso and address.
   */
  private addr2line(map: MapEntry, addr: bigint): string | null {
    let byAddr = this.#answers.get(map.dso);
    if (!byAddr) {
      byAddr = new Map();
      this.#answers.set(map.dso, byAddr);
    }
    let s = byAddr.get(addr);
    if (s === undefined) {
      s = this.askAddr2line(map, addr);
      byAddr.set(addr, s);
    }
    return s;
  }

  private askAddr2line(map: MapEntry, addr: bigint): string | null {
    const name = map.dso.name;
    // srcline_dso_name: no addr2line for pseudo dsos and perf map files.
    if (map.identity || name.startsWith("[") || name.startsWith("/tmp/perf-")) return null;
    if (map.dso.kind === "kernel" || map.dso.kind === "module") return null;
    const bin = this.binaryOf(map);
    if (!bin) return null;
    const vaddr = bin.objdumpAddress(addr);
    const base = (f: string) => f.slice(f.lastIndexOf("/") + 1);
    const withLines = this.hasLines(map);
    if (withLines) {
      const pos = bin.sourceLine(vaddr);
      if (pos) return `${base(pos.file)}:${pos.line}`;
    }
    // No line row: binutils names the function from the symbol table (`func` / `file:?`), which
    // perf reads as a success with line 0; the same holds for binaries without any debug info.
    const file = bin.bfdSymbolFile(vaddr);
    if (typeof file === "string") return `${base(file)}:0`;
    // A function from the debug info without a line row: only in code (a bogus unwound frame in
    // .data, say `_IO_2_1_stderr_`, is a failure: addr2line prints `??`).
    if (file === null || (withLines && bin.inCode(vaddr) && bin.elfSymbolAt(vaddr, true))) return "??:0";
    return null;
  }

  /** perf's text for a failed lookup: `dso_short_name[objdump address]`. */
  private failedSrcline(map: MapEntry, addr: bigint): string {
    const bin = this.binaryOf(map);
    const vaddr = bin ? bin.objdumpAddress(addr) : addr;
    const name = map.dso.name;
    const short = name.startsWith("[") ? name : name.slice(name.lastIndexOf("/") + 1);
    return `${short}[${vaddr.toString(16)}]`;
  }

  /** The source position (full path as recorded) of `addr` in `map`, or null. */
  sourceLine(map: MapEntry, addr: bigint): { file: string; line: number } | null {
    const bin = this.binaryOf(map);
    return bin ? bin.sourceLine(bin.objdumpAddress(addr)) : null;
  }

  /**
   * What perf prints when addr2line finds no line row: for a binary with line info where bfd
   * finds a symbol, `file:0` with the STT_FILE name bfd pairs with it (`??:0` without one),
   * else `dso[addr]`.
   */
  private srclineFallback(map: MapEntry, addr: bigint): string {
    const bin = this.binaryOf(map);
    const vaddr = bin ? bin.objdumpAddress(addr) : addr;
    if (bin && this.hasLines(map)) {
      const file = bin.bfdSymbolFile(vaddr);
      if (typeof file === "string") return `${file.slice(file.lastIndexOf("/") + 1)}:0`;
      if (file === null || bin.elfSymbolAt(vaddr, true)) return "??:0";
    }
    const name = map.dso.name;
    const short = name.startsWith("[") ? name : name.slice(name.lastIndexOf("/") + 1);
    return `${short}[${vaddr.toString(16)}]`;
  }

  /** perf asks addr2line only for files with `.debug_line` (its own, or its debug file's). */
  private hasLines(map: MapEntry): boolean {
    if (map.identity || map.dso.kind === "kernel" || map.dso.kind === "module") return false;
    return this.cache.get(map.dso.name, map.dso.buildId).debug !== null;
  }

  /** Instruction bytes at map-relative address `addr` of `map`, read from the mapped file. */
  insn(map: MapEntry, addr: bigint, size = 16): Uint8Array | null {
    const bin = this.binaryOf(map);
    return bin ? bin.insn(bin.fileOffsetToVaddr(addr), size) : null;
  }

  /** Closes every binary. */
  close(): void {
    this.cache.close();
  }
}
