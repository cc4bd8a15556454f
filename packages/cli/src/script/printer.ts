/**
 * perf script's text output (builtin-script.c process_event, perf_sample__fprintf_start,
 * sample__fprintf_callchain, perf_event__fprintf), driven by a @perfkit/session walk.
 */
import {
  AttrType,
  CallchainContext,
  type DecodedRecord,
  formatTracepoint,
  Misc,
  type PerfRecord,
  SampleType,
} from "@perfkit/format";
import {
  type Evsel,
  isDwarfMode,
  type MapEntry,
  type MappedModule,
  type NumberUnwinder,
  type Session,
  type Thread,
} from "@perfkit/session";
import { ChainTextCache, chainBudget } from "./chain-cache.ts";
import { checkEvent, Field, type OutputType, outputType } from "./fields.ts";
import { altHex, formatTime, hex16, padLeft, padRight } from "./text.ts";
import type { ChunkWriter } from "./writer.ts";

/** Which side-band records to print, and the time format. */
export interface PrintOptions {
  ns: boolean;
  showTask: boolean;
  showMmap: boolean;
  showSwitch: boolean;
  /** Expand inline levels of dwarf-unwound frames (perf's inline_name, default true). */
  inline?: boolean;
}

const MAX_STACK = 127;
const CONTEXT_MAX_LO = Number(CallchainContext.MAX & 0xffffffffn);
const CTX_KERNEL = Number(CallchainContext.KERNEL & 0xffffffffn);
const CTX_USER = Number(CallchainContext.USER & 0xffffffffn);
const CTX_HV = Number(CallchainContext.HV & 0xffffffffn);

/** The (empty) address space of cpumodes perf does not resolve (hypervisor, guests). */
const NO_MAPS: readonly MapEntry[] = [];

/** Formatted frame text per address (53-bit key, `hi` kept to reject collisions) in one address space. */
interface FrameCache {
  space: readonly MapEntry[];
  byIp: Map<number, { hi: number; text: string }>;
  /** Whole chains of dwarf samples (kernel callchain + unwound frames), for unwound caches. */
  chains?: ChainTextCache;
}

/** Where frame text goes: the output, or a chain's text being built for the chain cache. */
interface TextSink {
  write(s: string): void;
}

/** Collects a chain's text. */
class TextCollector implements TextSink {
  text = "";
  write(s: string): void {
    this.text += s;
  }
}

interface StatCount {
  val: bigint;
  ena: bigint;
  run: bigint;
}

/** Prints a session's records as perf script does. */
export class ScriptPrinter {
  private nameWidth = 0;
  private useCallchain = true;
  private readonly checked = new Set<Evsel>();
  /** Frame text per output type, per map, per address: one symbol lookup per address at most. */
  private readonly frameCache: WeakMap<readonly MapEntry[], FrameCache>[] = [];
  /** Text of unwound user frames (inline levels included) per output type, per user space, per ip. */
  private readonly unwoundCache: WeakMap<readonly MapEntry[], FrameCache>[] = [];
  /** Whether an evsel's samples are unwound from their user stack (REGS_USER + STACK_USER). */
  private readonly dwarfMode = new Map<Evsel, boolean>();
  private readonly stats = new Map<Evsel, Map<string, StatCount>>();
  private statHeader = false;
  private readonly whoCache = new WeakMap<
    Thread,
    { comm: string; f: number; e: Evsel; pid: number; tid: number; text: string }
  >();
  private readonly chainBudget = chainBudget();
  private readonly evnames = new Map<Evsel, { width: number; text: string }>();
  private lastPeriod = -1n;
  private lastPeriodText = "";
  // Declared last so the hot fields above keep their slots in the object's layout.
  /** Set when a frame text was left uncached (perf's addr2line give-up state may change it): the chain holding it is not cached either. */
  private volatileText = false;

  constructor(
    private readonly session: Session,
    private readonly outputs: OutputType[],
    private readonly opts: PrintOptions,
    private readonly out: ChunkWriter,
  ) {
    using list = session.evlist;
    if (list.length > 0) {
      // perf_session__check_output_opt: callchains print only when some event recorded them.
      this.useCallchain = false;
      for (const e of list) if (e.attr.sampleType & SampleType.CALLCHAIN) this.useCallchain = true;
      for (const e of list) this.check(e);
    }
  }

  private check(e: Evsel): void {
    if (this.checked.has(e)) return;
    this.checked.add(e);
    checkEvent(e.name, e.attr, this.outputs);
  }

  /** Prints every record of the session. */
  run(): void {
    for (const p of this.session.records()) {
      const rec = p.record;
      if (rec.type === 9) {
        if (p.evsel) this.sample(rec, p.evsel);
        continue;
      }
      const d = p.decoded!;
      this.sideBand(rec, p.evsel, d);
    }
  }

  private fields(e: Evsel): number {
    return this.outputs[outputType(e.attr.type)]!.fields;
  }

  /** `%*s: ` of the event name, kept per evsel (and width). */
  private evnameColumn(e: Evsel): string {
    const width = this.widthOfNames();
    const c = this.evnames.get(e);
    if (c !== undefined && c.width === width) return c.text;
    const text = `${padLeft(e.name, width)}: `;
    this.evnames.set(e, { width, text });
    return text;
  }

  private widthOfNames(): number {
    if (this.nameWidth === 0) {
      using list = this.session.evlist;
      for (const e of list) this.nameWidth = Math.max(this.nameWidth, e.name.length);
    }
    return this.nameWidth;
  }

  /** The comm and pid/tid columns of perf_sample__fprintf_start. */
  private who(f: number, e: Evsel, comm: string, pid: number, tid: number): string {
    let s = "";
    if (f & Field.COMM) {
      if (f & Field.IP && e.attr.sampleType & SampleType.CALLCHAIN && this.useCallchain) s += `${comm} `;
      else s += `${padLeft(comm, 16)} `;
    }
    if (f & Field.PID && f & Field.TID) s += `${padLeft(String(pid), 5)}/${padRight(String(tid), 5)} `;
    else if (f & Field.PID) s += `${padLeft(String(pid), 5)} `;
    else if (f & Field.TID) s += `${padLeft(String(tid), 5)} `;
    return s;
  }

  /** {@link who} of a sample's thread, kept per thread (a thread's samples repeat it). */
  private whoOf(f: number, e: Evsel, thread: Thread, pid: number, tid: number): string {
    const comm = thread.comm();
    let w = this.whoCache.get(thread);
    if (w === undefined || w.comm !== comm || w.f !== f || w.e !== e || w.pid !== pid || w.tid !== tid) {
      w = { comm, f, e, pid, tid, text: this.who(f, e, comm, pid, tid) };
      this.whoCache.set(thread, w);
    }
    return w.text;
  }

  /** perf_sample__fprintf_start: comm, pid/tid, cpu, time. */
  private start(
    f: number,
    e: Evsel,
    comm: string,
    pid: number,
    tid: number,
    cpu: number | undefined,
    time: bigint | undefined,
    who = this.who(f, e, comm, pid, tid),
  ): string {
    let s = who;
    if (f & Field.CPU) s += `[${String(cpu ?? -1).padStart(3, "0")}] `;
    if (f & Field.TIME) s += formatTime(time ?? 0n, this.opts.ns);
    return s;
  }

  private sample(rec: PerfRecord, e: Evsel): void {
    this.check(e);
    const f = this.fields(e);
    const s = rec.sample();
    const pid = s.pid ?? -1;
    const tid = s.tid ?? -1;
    const m = this.session.machine;
    const thread = m.findnewThread(pid, tid);
    if (f === 0) return;
    let line = this.start(f, e, "", pid, tid, s.cpu, s.time, this.whoOf(f, e, thread, pid, tid));
    if (f & Field.PERIOD) {
      const period = s.period;
      if (period !== this.lastPeriod) {
        this.lastPeriod = period;
        this.lastPeriodText = `${padLeft(period.toString(), 10)} `;
      }
      line += this.lastPeriodText;
    }
    if (f & Field.EVNAME) line += this.evnameColumn(e);
    if (f & Field.TRACE) {
      const raw = s.raw;
      const tp = raw ? this.session.tracepointFormat(e) : undefined;
      if (raw && tp) line += this.trace(tp, raw);
    }
    if (f & Field.ADDR) line += hex16(s.addr ?? 0n);
    if (f & Field.IP) {
      const at = this.useCallchain && e.attr.sampleType & SampleType.CALLCHAIN ? s.callchainOffset : -1;
      if (at >= 0) {
        // Frames go out one by one: each is a cached flat string, so nothing is copied twice.
        this.out.write(`${line}\n`);
        if (this.isDwarf(e)) {
          this.dwarfChain(f, e, thread, s, at);
          return;
        }
        this.callchain(f, e, thread, s.view, at, s.callchainLength, s.littleEndian, this.out);
        this.out.write("\n");
        return;
      }
      line += " ";
      const ip = s.ip ?? 0n;
      line += this.frame(f, e, thread, s.misc & 7, Number(ip >> 32n), Number(ip & 0xffffffffn), false);
    }
    this.out.write(`${line}\n`);
  }

  private trace(tp: NonNullable<ReturnType<Session["tracepointFormat"]>>, raw: Uint8Array): string {
    const td = this.session.tracing()!;
    const m = this.session.machine;
    return formatTracepoint(tp.format, raw, {
      littleEndian: tp.littleEndian,
      longSize: tp.longSize,
      printk: td.printk,
      resolveSymbol: (addr) => {
        const map = m.findMap(undefined, Misc.KERNEL, addr);
        const sym = map?.dso.find(map.mapIp(addr));
        return sym ? { name: sym.name, offset: addr - sym.start } : undefined;
      },
    });
  }

  private callchain(
    f: number,
    e: Evsel,
    thread: Thread,
    view: DataView,
    at: number,
    n: number,
    le: boolean,
    out: TextSink,
  ): void {
    // Entries are read as 32-bit halves straight from the record: no BigInt, no array per sample.
    const loAt = le ? 0 : 4;
    const hiAt = le ? 4 : 0;
    // perf resets the cursor on an unknown context marker: nothing of such a chain is printed.
    for (let i = 0, p = at; i < n; i++, p += 8) {
      const hi = view.getUint32(p + hiAt, le);
      const lo = view.getUint32(p + loAt, le);
      if (hi === 0xffffffff && lo >= CONTEXT_MAX_LO && lo !== CTX_KERNEL && lo !== CTX_USER && lo !== CTX_HV) return;
    }
    let mode: number = Misc.USER;
    let printed = 0;
    // The frame cache of the current context, looked up once per context switch in the chain.
    let cache: FrameCache | undefined;
    for (let i = 0, p = at; i < n && printed < MAX_STACK; i++, p += 8) {
      const hi = view.getUint32(p + hiAt, le);
      const lo = view.getUint32(p + loAt, le);
      if (hi === 0xffffffff && lo >= CONTEXT_MAX_LO) {
        mode = lo === CTX_KERNEL ? Misc.KERNEL : lo === CTX_USER ? Misc.USER : Misc.HYPERVISOR;
        cache = undefined;
        continue;
      }
      printed++;
      cache ??= this.cacheFor(e, thread, mode, true);
      const hit = cache.byIp.get((hi & 0x1fffff) * 4294967296 + lo);
      out.write(hit !== undefined && hit.hi === hi ? hit.text : this.resolve(f, thread, mode, hi, lo, true, cache));
    }
  }

  private isDwarf(e: Evsel): boolean {
    let d = this.dwarfMode.get(e);
    if (d === undefined) {
      d = isDwarfMode(e.attr.sampleType);
      this.dwarfMode.set(e, d);
    }
    return d;
  }

  /**
   * A dwarf sample's chain: the record's callchain (kernel part), then perf's
   * thread__resolve_callchain_unwind: the user stack unwound through the binaries' CFI, each
   * frame expanded to its inline levels (append_inlines), then the blank line. Frame text is
   * cached per space and ip, and whole chains per space and addresses.
   */
  private dwarfChain(f: number, e: Evsel, thread: Thread, s: ReturnType<PerfRecord["sample"]>, at: number): void {
    const space = thread.maps.snapshot();
    const cache = this.unwoundCacheFor(e, space);
    const n = s.callchainLength;
    const out = this.out;
    const fast = s.littleEndian ? this.session.dwarf.unwindNumbers(s, space) : null;
    if (!fast) {
      this.callchain(f, e, thread, s.view, at, n, s.littleEndian, out);
      for (const fr of this.session.dwarf.unwindBigInt(s, space).frames) {
        const ip = fr.ip;
        const hi = Number(ip >> 32n);
        const hit = cache.byIp.get((hi & 0x1fffff) * 4294967296 + Number(ip & 0xffffffffn));
        if (hit !== undefined && hit.hi === hi) out.write(hit.text);
        else out.write(this.unwoundText(f, cache, ip, fr.module as MappedModule | undefined));
      }
      out.write("\n");
      return;
    }
    const kernel = this.session.machine.kernelMaps.snapshot();
    cache.chains ??= new ChainTextCache(this.chainBudget);
    const hit = cache.chains.lookup(s.view, at, n, fast.ips, fast.count, kernel);
    if (hit !== undefined) {
      out.write(hit);
      return;
    }
    const sink = new TextCollector();
    this.volatileText = false;
    this.callchain(f, e, thread, s.view, at, n, true, sink);
    this.unwoundNumbers(f, cache, fast, sink);
    sink.write("\n");
    if (!this.volatileText) cache.chains.store(sink.text, fast.ips, fast.count, kernel);
    out.write(sink.text);
  }

  /** Unwound frames in Number form (exact below 2^53: the address itself is the cache key). */
  private unwoundNumbers(f: number, cache: FrameCache, fast: NumberUnwinder, out: TextSink): void {
    const ips = fast.ips;
    const byIp = cache.byIp;
    for (let i = 0, n = fast.count; i < n; i++) {
      const ip = ips[i]!;
      const hit = byIp.get(ip);
      if (hit !== undefined && hit.hi === Math.floor(ip / 4294967296)) out.write(hit.text);
      else out.write(this.unwoundText(f, cache, BigInt(ip), fast.modules[i] as MappedModule | undefined));
    }
  }

  /** The unwound-frame text cache of an output type and user space. */
  private unwoundCacheFor(e: Evsel, space: readonly MapEntry[]): FrameCache {
    const key = outputType(e.attr.type);
    let bySpace = this.unwoundCache[key];
    if (!bySpace) {
      bySpace = new WeakMap();
      this.unwoundCache[key] = bySpace;
    }
    let cache = bySpace.get(space);
    if (!cache) {
      cache = { space, byIp: new Map() };
      bySpace.set(space, cache);
    }
    return cache;
  }

  /** Text of one unwound frame (its inline levels included), cached by address. */
  private unwoundText(f: number, cache: FrameCache, ip: bigint, m: MappedModule | undefined): string {
    const inline = this.opts.inline !== false;
    const srcline = (f & Field.SRCLINE) !== 0;
    let text = "";
    const dwarf = this.session.dwarf;
    const entries = srcline ? dwarf.scriptEntries(ip, m, inline) : dwarf.entries(ip, m, inline, false);
    // perf's addr2line give-up state made this text order-dependent: compute it again next time.
    const volatile = srcline && dwarf.srclineState.volatile;
    for (const en of entries) {
      let t = "";
      if (f & Field.IP) t += hex16(en.addr);
      if (f & Field.SYM) {
        t += " ";
        if (en.sym !== null) {
          t += en.sym;
          if (f & Field.SYMOFFSET) t += `+0x${BigInt.asUintN(64, en.offset).toString(16)}`;
        } else t += "[unknown]";
      }
      if (f & Field.DSO && !en.inlined) t += ` (${m ? m.map.dso.name : "[unknown]"})`;
      if (srcline && m && en.srcline !== null) t += `\n  ${en.srcline}`;
      if (en.inlined) t += " (inlined)";
      text += `\t${t}\n`;
    }
    const hi = Number(ip >> 32n);
    const k = (hi & 0x1fffff) * 4294967296 + Number(ip & 0xffffffffn);
    if (volatile) this.volatileText = true;
    else if (!cache.byIp.has(k)) cache.byIp.set(k, { hi, text });
    return text;
  }

  /** The frame-text cache for an output type, context and address-space snapshot. */
  private cacheFor(e: Evsel, thread: Thread, cpumode: number, inChain: boolean): FrameCache {
    const m = this.session.machine;
    const space =
      cpumode === Misc.KERNEL ? m.kernelMaps.snapshot() : cpumode === Misc.USER ? thread.maps.snapshot() : NO_MAPS;
    const key = outputType(e.attr.type) * 2 + (inChain ? 1 : 0);
    let bySpace = this.frameCache[key];
    if (!bySpace) {
      bySpace = new WeakMap();
      this.frameCache[key] = bySpace;
    }
    let c = bySpace.get(space);
    if (!c) {
      c = { space, byIp: new Map() };
      bySpace.set(space, c);
    }
    return c;
  }

  /**
   * One resolved address (given as 32-bit halves): `ip sym+off (dso)` as the fields ask.
   * Cached per address-space snapshot and address, so a repeated frame costs one Map lookup
   * (no map search, no symbol lookup, no string building).
   */
  private frame(
    f: number,
    e: Evsel,
    thread: Thread,
    cpumode: number,
    hi: number,
    lo: number,
    inChain: boolean,
  ): string {
    const cache = this.cacheFor(e, thread, cpumode, inChain);
    const hit = cache.byIp.get((hi & 0x1fffff) * 4294967296 + lo);
    return hit !== undefined && hit.hi === hi ? hit.text : this.resolve(f, thread, cpumode, hi, lo, inChain, cache);
  }

  /** Resolves and formats an address missing from its cache, and caches the text. */
  private resolve(
    f: number,
    thread: Thread,
    cpumode: number,
    hi: number,
    lo: number,
    inChain: boolean,
    cache: FrameCache,
  ): string {
    const m = this.session.machine;
    const ip = (BigInt(hi) << 32n) | BigInt(lo);
    const map = cache.space === NO_MAPS ? undefined : m.findMap(thread, cpumode, ip);
    let s = "";
    const addr = map ? map.mapIp(ip) : 0n;
    const kernel = map ? map.dso.kind === "kernel" || map.dso.kind === "module" : false;
    if (f & Field.IP) s += hex16(inChain && map && !kernel ? addr : ip);
    if (f & Field.SYM) {
      s += " ";
      const sym = map ? map.dso.find(addr) : null;
      if (sym) {
        s += sym.name;
        if (f & Field.SYMOFFSET) {
          const off = addr < sym.end ? addr - sym.start : addr - map!.start - sym.start;
          s += `+0x${BigInt.asUintN(64, off).toString(16)}`;
        }
      } else s += "[unknown]";
    }
    if (f & Field.DSO) s += ` (${map ? map.dso.name : "[unknown]"})`;
    // map__fprintf_srcline: nothing without a map. perf 6.1 adds inline nodes only to unwound
    // (dwarf) frames, so these entries (sample ips, frame-pointer and kernel callchains) always
    // go through get_srcline.
    let volatile = false;
    if (f & Field.SRCLINE && map) {
      const dwarf = this.session.dwarf;
      const line = dwarf.scriptSrcline(map, addr);
      if (line !== null) s += `\n  ${line}`;
      volatile = dwarf.srclineState.volatile;
    }
    if (inChain) s = `\t${s}\n`;
    // 53-bit key: canonical addresses of one space differ within the low 21 bits of `hi`; the
    // stored `hi` guards against any collision (a colliding address is just not cached). Text
    // that perf's addr2line give-up state may change is not cached.
    const k = (hi & 0x1fffff) * 4294967296 + lo;
    if (volatile) this.volatileText = true;
    else if (!cache.byIp.has(k)) cache.byIp.set(k, { hi, text: s });
    return s;
  }

  private sideBand(rec: PerfRecord, evsel: Evsel | null, d: DecodedRecord): void {
    switch (d.kind) {
      case "COMM":
      case "FORK":
        if (this.opts.showTask) this.printSideBand(rec, evsel, d.pid, d.tid, this.taskText(d));
        return;
      case "EXIT":
        if (this.opts.showTask) this.printSideBand(rec, evsel, d.pid, d.tid, this.taskText(d));
        return;
      case "MMAP":
      case "MMAP2":
        if (this.opts.showMmap) this.printSideBand(rec, evsel, d.pid, d.tid, mmapText(d, rec.misc));
        return;
      case "SWITCH":
      case "SWITCH_CPU_WIDE": {
        if (!this.opts.showSwitch) return;
        const out = (rec.misc & Misc.SWITCH_OUT) !== 0;
        const inOut = !out ? "IN         " : rec.misc & Misc.SWITCH_OUT_PREEMPT ? "OUT preempt" : "OUT        ";
        const text =
          d.kind === "SWITCH"
            ? `PERF_RECORD_SWITCH ${inOut}\n`
            : `PERF_RECORD_SWITCH_CPU_WIDE ${inOut}  ${out ? "next" : "prev"} pid/tid: ${padLeft(String(d.nextPrevPid), 5)}/${padRight(String(d.nextPrevTid), 5)}\n`;
        this.printSideBand(rec, evsel, undefined, undefined, text);
        return;
      }
      case "STAT":
        this.statValue(d);
        return;
      case "STAT_ROUND":
        this.statRound(d.time);
        return;
    }
  }

  private taskText(d: Extract<DecodedRecord, { kind: "COMM" | "FORK" | "EXIT" }>): string {
    if (d.kind === "COMM") return `PERF_RECORD_COMM${d.exec ? " exec" : ""}: ${d.comm}:${d.pid}/${d.tid}\n`;
    return `PERF_RECORD_${d.kind}(${d.pid}:${d.tid}):(${d.ppid}:${d.ptid})\n`;
  }

  /** perf_sample__fprintf_start with the record's sample_id, then the event text. */
  private printSideBand(
    rec: PerfRecord,
    evsel: Evsel | null,
    pid: number | undefined,
    tid: number | undefined,
    text: string,
  ): void {
    let e = evsel;
    if (!e) {
      using list = this.session.evlist;
      if (list.length === 0) return;
      e = list.at(0);
    }
    this.check(e);
    const f = this.fields(e);
    const sid = rec.sampleId();
    let spid = sid.pid ?? -1;
    let stid = sid.tid ?? -1;
    let cpu = sid.cpu;
    let time = sid.time;
    if (!e.attr.sampleIdAll) {
      cpu = 0;
      time = 0n;
      spid = pid ?? spid;
      stid = tid ?? stid;
    }
    const m = this.session.machine;
    const thread = pid !== undefined && tid !== undefined ? m.findnewThread(pid, tid) : m.findnewThread(spid, stid);
    this.out.write(this.start(f, e, thread.comm(), spid, stid, cpu, time) + text);
  }

  private statValue(d: Extract<DecodedRecord, { kind: "STAT" }>): void {
    const entry = this.session.data.file.eventById(d.id);
    if (!entry) return;
    const e = this.session.evselOf(entry);
    let m = this.stats.get(e);
    if (!m) {
      m = new Map();
      this.stats.set(e, m);
    }
    // STAT carries the cpu number (mapped through the cpu map by perf) and the thread index.
    m.set(`${d.cpu | 0}/${d.thread}`, { val: d.val, ena: d.ena, run: d.run });
  }

  /** perf script's __process_stat: one line per (thread, cpu) of every counter. */
  private statRound(time: bigint): void {
    if (!this.statHeader) {
      this.out.write(
        `${padLeft("CPU", 3)} ${padLeft("THREAD", 8)} ${padLeft("VAL", 15)} ${padLeft("ENA", 15)} ${padLeft("RUN", 15)} ${padLeft("TIME", 15)} EVENT\n`,
      );
      this.statHeader = true;
    }
    const st = this.session.stat;
    const threads = st.threads.length ? st.threads.map((t) => Number(BigInt.asIntN(32, t.pid))) : [-1];
    const cpus = st.cpus.length ? st.cpus : [-1];
    const scale = st.config?.scale ?? true;
    using list = this.session.evlist;
    for (const e of list) {
      const counts = this.stats.get(e);
      for (let t = 0; t < threads.length; t++) {
        for (let c = 0; c < cpus.length; c++) {
          const v = counts?.get(`${cpus[c]}/${t}`) ?? { val: 0n, ena: 0n, run: 0n };
          let val = v.val;
          if (scale && v.run === 0n) val = 0n;
          else if (scale && v.run < v.ena) val = BigInt(Math.round((Number(v.val) * Number(v.ena)) / Number(v.run)));
          this.out.write(
            `${padLeft(String(cpus[c]), 3)} ${padLeft(String(threads[t]), 8)} ${padLeft(val.toString(), 15)} ${padLeft(v.ena.toString(), 15)} ${padLeft(v.run.toString(), 15)} ${padLeft(time.toString(), 15)} ${e.name}\n`,
          );
        }
      }
    }
  }
}

/** perf_event__fprintf_mmap / _mmap2. */
function mmapText(d: Extract<DecodedRecord, { kind: "MMAP" | "MMAP2" }>, misc: number): string {
  const head = `PERF_RECORD_${d.kind} ${d.pid}/${d.tid}: [${altHex(d.start)}(${altHex(d.len)}) @ ${altHex(d.pgoff)}`;
  if (d.kind === "MMAP") return `${head}]: ${misc & Misc.MMAP_DATA ? "r" : "x"} ${d.filename}\n`;
  const prot = `${d.prot & 1 ? "r" : "-"}${d.prot & 2 ? "w" : "-"}${d.prot & 4 ? "x" : "-"}${d.flags & 1 ? "s" : "p"}`;
  if (d.buildId !== undefined) return `${head} <${d.buildId}>]: ${prot} ${d.filename}\n`;
  const maj = (d.maj ?? 0).toString(16).padStart(2, "0");
  const min = (d.min ?? 0).toString(16).padStart(2, "0");
  return `${head} ${maj}:${min} ${d.ino ?? 0n} ${d.inoGeneration ?? 0n}]: ${prot} ${d.filename}\n`;
}

export { AttrType };
