/**
 * The Session's use of debug information: unwinding `--call-graph dwarf` samples against a
 * thread's maps, perf's callchain entries for unwound frames (inline levels included), and
 * perf's srcline text for any resolved address. One per session; owns its {@link DwarfCache}.
 */
import { Feature, type PerfDataFile, type Sample, SampleType } from "@perfkit/format";
import type { Dso } from "./dso.ts";
import type { DwarfBinary } from "./dwarf/binary.ts";
import { DwarfCache } from "./dwarf/cache.ts";
import { type PerfChainEntry, perfChainEntries } from "./dwarf/perf-frames.ts";
import type { UnwindArch } from "./dwarf/registers.ts";
import type { MappedModule } from "./dwarf/session-hook.ts";
import { type UnwindResult, unwindUser } from "./dwarf/unwind.ts";
import { findMapIn, type MapEntry } from "./maps.ts";

const DWARF_MODE = SampleType.REGS_USER | SampleType.STACK_USER;

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
      m = { start: map.start, end: map.end, pgoff: map.pgoff, binary, map };
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
    const regs = sample.regsUser;
    const stack = sample.stackUser;
    // perf's thread__resolve_callchain_unwind: no registers (abi 0) or no dump, no unwinding.
    if (!regs || regs.abi === 0 || !stack || stack.data.length === 0) return { frames: [], stop: "no-stack" };
    const lookup = (addr: bigint): MappedModule | undefined => {
      const e = findMapIn(userMaps, addr);
      return e ? this.moduleOf(e) : undefined;
    };
    return unwindUser({ regs, stack, arch: this.arch, maxFrames }, lookup);
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
      const pos = bin && this.hasLines(map) ? bin.sourceLine(bin.fileOffsetToVaddr(addr)) : null;
      s = pos ? `${pos.file.slice(pos.file.lastIndexOf("/") + 1)}:${pos.line}` : null;
      byAddr.set(addr, s);
    }
    return s ?? this.srclineFallback(map, addr);
  }

  /** The source position (full path as recorded) of `addr` in `map`, or null. */
  sourceLine(map: MapEntry, addr: bigint): { file: string; line: number } | null {
    const bin = this.binaryOf(map);
    return bin ? bin.sourceLine(bin.fileOffsetToVaddr(addr)) : null;
  }

  /** What perf prints when addr2line gives no line: `??:0` for a binary with line info and a symbol there, else `dso[addr]`. */
  private srclineFallback(map: MapEntry, addr: bigint): string {
    const bin = this.binaryOf(map);
    const vaddr = bin ? bin.fileOffsetToVaddr(addr) : addr;
    if (bin && this.hasLines(map) && bin.elfSymbolAt(vaddr, true)) return "??:0";
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
