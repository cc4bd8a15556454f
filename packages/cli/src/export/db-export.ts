/**
 * The rows perf's db-export (util/db-export.c, perf 6.1, as driven by `perf script -s
 * export-to-*.py`) produces for a recording: the same ids in the same order, the same
 * "unknown" id-0 rows, the same choice of comms (a sample's comm is its process's exec
 * comm), the same lazily created "unknown" symbols, and the same call path tree. Writers
 * for SQLite and PostgreSQL consume the rows through a {@link RowSink}.
 */
import { AttrType, CallchainContext, Misc, type PerfRecord, RecordType, SampleType } from "@perfkit/format";
import {
  type AddressSpace,
  type Dso,
  type Evsel,
  MAX_STACK,
  type Machine,
  type MapEntry,
  type Resolved,
  type ResolvedSym,
  resolveIp,
  type Session,
  type Thread,
  tryBuildIdOf,
} from "@perfkit/session";
import { branchTypeRows } from "./_branch-types.ts";
import { CallPaths } from "./_call-paths.ts";
import { type CommEntry, CommHistory } from "./_comms.ts";
import { BRANCHES_DROPPED, type SchemaOptions, type TableName } from "./schema.ts";

/** A column value: integers (bigint for 64-bit values) or text. */
export type SqlValue = bigint | number | string;

/** Where rows go, in export order. `row` may be reused by the caller after `add` returns. */
export interface RowSink {
  add(table: TableName, row: readonly SqlValue[]): void;
}

/** Options of {@link exportRows}. */
export interface DbExportOptions extends Partial<SchemaOptions> {
  /** Called every 65536 samples with the samples so far and the input offset. */
  progress?: (samples: number, offset: number) => void;
}

/** What an export wrote (rows without the id-0 "unknown" rows). */
export interface DbExportCounts {
  selectedEvents: number;
  machines: number;
  threads: number;
  comms: number;
  commThreads: number;
  dsos: number;
  symbols: number;
  samples: number;
  callPaths: number;
  contextSwitches: number;
}

/** PERF_MEM_DATA_SRC_NONE: what perf reports as data_src when the sample has none. */
const DATA_SRC_NONE = 0x5080021n;
const U64_MAX = 0xffffffffffffffffn;

/** 64-bit values are stored signed, as perf's Python tuples hold them. */
function s64(v: bigint): bigint {
  // A comparison is much cheaper than BigInt.asIntN, and most values (times, periods) are small.
  return v < SIGN ? v : v - WRAP;
}
const SIGN = 0x8000000000000000n;
const WRAP = 0x10000000000000000n;

interface DsoState {
  readonly id: number;
  readonly symbols: Map<ResolvedSym, number>;
  /** perf's "unknown" symbols: created at an address and inserted into the dso, so later lookups there find them. */
  readonly unknown: Map<bigint, number>;
}

/**
 * Walks `session` once and hands every table row to `sink`: first the id-0 rows and the
 * branch types, then rows as perf creates them while samples and context switches arrive.
 */
export function exportRows(session: Session, sink: RowSink, options: DbExportOptions = {}): DbExportCounts {
  if (typeof session !== "object" || session === null || typeof (session as Session).records !== "function")
    throw new TypeError("session must be a Session");
  if (typeof sink !== "object" || sink === null || typeof (sink as RowSink).add !== "function")
    throw new TypeError("sink must be a RowSink");
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  if (options.progress !== undefined && typeof options.progress !== "function")
    throw new TypeError("options.progress must be a function");
  return new DbExporter(session, sink, options).run();
}

class DbExporter {
  readonly #session: Session;
  readonly #sink: RowSink;
  readonly #machine: Machine;
  readonly #branches: boolean;
  readonly #callchains: boolean;
  readonly #progress: ((samples: number, offset: number) => void) | undefined;
  readonly #comms = new CommHistory();
  readonly #evsels = new Map<Evsel, number>();
  readonly #dsos = new Map<Dso, DsoState>();
  readonly #callPaths: CallPaths;
  #commExec = false;
  #machineId = 0;
  #last = { thread: 0, comm: 0, commThread: 0, symbol: 0, sample: 0, contextSwitch: 0 };
  /** Frame resolutions per address-space snapshot (snapshots are immutable, so results never go stale). */
  readonly #frameCache = new WeakMap<readonly MapEntry[], Map<bigint, Resolved>>();
  readonly #ips: bigint[] = [];
  readonly #modes: number[] = [];

  constructor(session: Session, sink: RowSink, options: DbExportOptions) {
    this.#session = session;
    this.#sink = sink;
    this.#machine = session.machine;
    this.#branches = options.branches === true;
    this.#callchains = options.callchains === true;
    this.#progress = options.progress;
    this.#callPaths = new CallPaths((id, parent, sym, ip) => sink.add("call_paths", [id, parent, sym, s64(ip)]));
    // perf_session__register_idle_thread: thread 0 is "swapper" from the start.
    const idle = this.#machine.findThread(0);
    if (idle) this.#comms.setComm(idle, "swapper", 0n, false);
    for (const e of session.data.file.events) if (e.attr.commExec) this.#commExec = true;
  }

  run(): DbExportCounts {
    const sink = this.#sink;
    // trace_begin's "unknown" rows: id 0 stands for unknown everywhere.
    sink.add("selected_events", [0, "unknown"]);
    sink.add("machines", [0, 0, "unknown"]);
    sink.add("threads", [0, 0, 0, -1, -1]);
    sink.add("comms", [0, "unknown", 0, 0, 0]);
    sink.add("dsos", [0, 0, "unknown", "unknown", ""]);
    sink.add("symbols", [0, 0, 0, 0, 0, "unknown"]);
    sink.add("samples", this.#branches ? new Array(21).fill(0) : new Array(25).fill(0));
    if (this.#callchains) sink.add("call_paths", [0, 0, 0, 0]);
    for (const [id, name] of branchTypeRows()) sink.add("branch_types", [id, name]);

    const m = this.#machine;
    let samples = 0;
    for (const p of this.#session.records()) {
      const rec = p.record;
      if (rec.type === RecordType.SAMPLE) {
        this.sample(rec, p.evsel!);
        if ((++samples & 0xffff) === 0 && this.#progress) this.#progress(samples, rec.offset);
        continue;
      }
      const d = p.decoded;
      if (!d) continue;
      if (d.kind === "COMM") {
        const t = m.findThread(d.tid);
        if (d.exec) this.#commExec = true;
        if (t) this.#comms.setComm(t, d.comm, d.sampleId.time ?? U64_MAX, d.exec);
      } else if (d.kind === "FORK") {
        const child = m.findThread(d.tid);
        const parent = m.findThread(d.ptid);
        if (child && parent && child !== parent) this.#comms.fork(child, parent, d.sampleId.time ?? U64_MAX);
      } else if (d.kind === "SWITCH" || d.kind === "SWITCH_CPU_WIDE") {
        this.contextSwitch(
          d.kind === "SWITCH_CPU_WIDE",
          d.switchOut,
          d.preempt,
          d.sampleId,
          d.nextPrevPid,
          d.nextPrevTid,
        );
      }
    }
    const l = this.#last;
    return {
      selectedEvents: this.#evsels.size,
      machines: this.#machineId ? 1 : 0,
      threads: l.thread,
      comms: l.comm,
      commThreads: l.commThread,
      dsos: this.#dsos.size,
      symbols: l.symbol,
      samples: l.sample,
      callPaths: this.#callPaths.count,
      contextSwitches: l.contextSwitch,
    };
  }

  private exportMachine(): number {
    if (!this.#machineId) {
      this.#machineId = 1;
      // The host: perf's HOST_KERNEL_ID pid and an empty root dir.
      this.#sink.add("machines", [1, -1, ""]);
    }
    return this.#machineId;
  }

  private mainThread(t: Thread): Thread | null {
    if (t.pid === t.tid) return t;
    if (t.pid === -1) return null;
    return this.#machine.findThread(t.pid) ?? null;
  }

  private exportThread(t: Thread, main: Thread | null): void {
    const s = this.#comms.of(t);
    if (s.dbId) return;
    s.dbId = ++this.#last.thread;
    const mainId = main ? this.#comms.of(main).dbId : 0;
    this.#sink.add("threads", [s.dbId, this.#machineId, mainId, t.pid, t.tid]);
  }

  private exportComm(c: CommEntry, t: Thread): void {
    if (c.dbId) return;
    c.dbId = ++this.#last.comm;
    this.#sink.add("comms", [c.dbId, c.str, this.#comms.of(t).dbId, s64(c.start), c.exec ? 1 : 0]);
    this.exportCommThread(c, t);
  }

  private exportCommThread(c: CommEntry, t: Thread): void {
    this.#sink.add("comm_threads", [++this.#last.commThread, c.dbId, this.#comms.of(t).dbId]);
  }

  /** db_export__threads: the main thread and its exec comm first, then the thread and its current comm. */
  private exportThreads(t: Thread, main: Thread | null): CommEntry | null {
    let comm: CommEntry | null = null;
    if (main) {
      this.exportThread(main, main);
      comm = this.#commExec ? this.#comms.execComm(main) : this.#comms.current(main);
      this.exportComm(comm, main);
    }
    if (t !== main) {
      const commThread = comm !== null && !this.#comms.of(t).dbId;
      this.exportThread(t, main);
      if (commThread) this.exportCommThread(comm!, t);
    }
    this.exportComm(this.#comms.current(t), t);
    return comm;
  }

  private dsoState(d: Dso): DsoState {
    let s = this.#dsos.get(d);
    if (!s) {
      s = { id: this.#dsos.size + 1, symbols: new Map(), unknown: new Map() };
      this.#dsos.set(d, s);
      const short = d.name.startsWith("[") ? d.name : d.name.slice(d.name.lastIndexOf("/") + 1);
      // perf's dso__load reads the build id of a regular file it loads symbols from when the
      // recording carried none (pipe mode, -z): the export sees it.
      let bid = d.buildId;
      if (bid === null && d.kind === "user" && d.name.startsWith("/")) bid = fileBuildId(d.name);
      this.#sink.add("dsos", [s.id, this.#machineId, short, d.longName, bid ?? ""]);
    }
    return s;
  }

  private symbolId(ds: DsoState, sym: ResolvedSym): number {
    let id = ds.symbols.get(sym);
    if (id === undefined) {
      id = ++this.#last.symbol;
      ds.symbols.set(sym, id);
      const binding = (sym as { binding?: number }).binding ?? 1;
      this.#sink.add("symbols", [id, ds.id, s64(sym.start), s64(sym.end), binding, sym.name]);
    }
    return id;
  }

  private unknownSymbolId(ds: DsoState, addr: bigint): number {
    let id = ds.unknown.get(addr);
    if (id === undefined) {
      id = ++this.#last.symbol;
      ds.unknown.set(addr, id);
      this.#sink.add("symbols", [id, ds.id, s64(addr), s64(addr), 0, "unknown"]);
    }
    return id;
  }

  private cacheFor(snap: readonly MapEntry[]): Map<bigint, Resolved> {
    let cache = this.#frameCache.get(snap);
    if (!cache) {
      cache = new Map();
      this.#frameCache.set(snap, cache);
    }
    return cache;
  }

  private resolveFrame(space: AddressSpace, mode: number, ip: bigint): Resolved {
    const snap = mode === Misc.KERNEL ? space.kernel : mode === Misc.USER ? space.user : null;
    if (!snap) return resolveIp(space, mode, ip);
    const cache = this.cacheFor(snap);
    let r = cache.get(ip);
    if (!r) {
      r = resolveIp(space, mode, ip);
      cache.set(ip, r);
    }
    return r;
  }

  private sample(rec: PerfRecord, evsel: Evsel): void {
    const s = rec.sample();
    const m = this.#machine;
    const thread = m.findnewThread(s.pid ?? -1, s.tid ?? -1);
    const cpu = s.cpu;
    if (cpu !== undefined) thread.cpu = cpu;
    // perf's Python db export passes tracepoint samples to per-event handlers, not to the tables.
    if (evsel.attr.type === AttrType.TRACEPOINT) return;

    let evselId = this.#evsels.get(evsel);
    if (evselId === undefined) {
      evselId = this.#evsels.size + 1;
      this.#evsels.set(evsel, evselId);
      this.#sink.add("selected_events", [evselId, evsel.name]);
    }
    const machineId = this.exportMachine();
    const main = this.mainThread(thread);
    const comm = this.exportThreads(thread, main);
    const id = ++this.#last.sample;

    const space = this.#session.spaceOf(thread);
    const cpumode = rec.misc & 7;
    const ip = s.ip ?? 0n;
    const r = this.resolveFrame(space, cpumode, ip);
    let dsoId = 0;
    let symId = 0;
    let offset = 0n;
    if (r.map) {
      const ds = this.dsoState(r.map.dso);
      dsoId = ds.id;
      if (r.sym) {
        symId = this.symbolId(ds, r.sym);
        offset = r.addr - r.sym.start;
      } else symId = this.unknownSymbolId(ds, r.addr);
    }

    let callPathId = 0;
    if (this.#callchains) {
      const raw = s.callchain;
      if (raw) callPathId = this.callPath(space, raw);
    }

    let toDso = 0;
    let toSym = 0;
    let toOffset = 0n;
    const addr = s.addr;
    if (addr !== undefined && addrCorrelatesSym(evsel)) {
      // thread__resolve: the sample's mode first, then the other address space.
      let a = resolveIp(space, cpumode, addr);
      if (!a.map) a = resolveIp(space, cpumode === Misc.KERNEL ? Misc.USER : Misc.KERNEL, addr);
      if (a.map) {
        const ds = this.dsoState(a.map.dso);
        toDso = ds.id;
        if (a.sym) {
          toSym = this.symbolId(ds, a.sym);
          toOffset = a.addr - a.sym.start;
        } else toSym = this.unknownSymbolId(ds, a.addr);
      }
    }

    const row: SqlValue[] = [
      id,
      evselId,
      machineId,
      this.#comms.of(thread).dbId,
      comm ? comm.dbId : 0,
      dsoId,
      symId,
      s64(offset),
      s64(ip),
      s64(s.time ?? U64_MAX),
      cpu === undefined ? -1 : cpu | 0,
      toDso,
      toSym,
      s64(toOffset),
      s64(addr ?? 0n),
      s64(s.period),
      s64(s.weight ?? 0n),
      s64(s.transaction ?? 0n),
      s64(s.dataSrc ?? DATA_SRC_NONE),
      0,
      0,
      callPathId,
      0,
      0,
      0,
    ];
    if (this.#branches) row.splice(BRANCHES_DROPPED[0], BRANCHES_DROPPED.length);
    this.#sink.add("samples", row);
  }

  /** call_path_from_sample: the chain root first (perf's ORDER_CALLER), at most PERF_MAX_STACK_DEPTH from the root. */
  private callPath(space: AddressSpace, raw: ArrayLike<bigint>): number {
    // Entries and their cpumodes (switched by context markers, as callchainEntries does), into reused buffers.
    const ips = this.#ips;
    const modes = this.#modes;
    let n = 0;
    let mode: number = Misc.USER;
    for (let i = 0; i < raw.length; i++) {
      const ip = raw[i]!;
      if (ip >= CallchainContext.MAX) {
        if (ip === CallchainContext.KERNEL) mode = Misc.KERNEL;
        else if (ip === CallchainContext.USER) mode = Misc.USER;
        else if (ip === CallchainContext.HV) mode = Misc.HYPERVISOR;
        else return 0; // perf resets the cursor on an unknown marker: an empty chain
        continue;
      }
      ips[n] = ip;
      modes[n++] = mode;
    }
    const stop = Math.max(0, n - MAX_STACK);
    const tree = this.#callPaths;
    const kernel = this.cacheFor(space.kernel);
    const user = this.cacheFor(space.user);
    let cur = tree.root;
    for (let i = n - 1; i >= stop; i--) {
      const ip = ips[i]!;
      const m = modes[i]!;
      const cache = m === Misc.KERNEL ? kernel : m === Misc.USER ? user : null;
      let r = cache?.get(ip);
      if (!r) {
        r = resolveIp(space, m, ip);
        cache?.set(ip, r);
      }
      let symId = 0;
      if (r.map) {
        const ds = this.dsoState(r.map.dso);
        if (r.sym) symId = this.symbolId(ds, r.sym);
        else {
          // perf looks the raw ip up again (dso__find_symbol(dso, node->ip)) before making an "unknown" symbol.
          const known = ds.unknown.get(r.addr);
          if (known !== undefined) symId = known;
          else {
            const again = r.map.dso.find(ip);
            symId = again ? this.symbolId(ds, again) : this.unknownSymbolId(ds, ip);
          }
        }
      }
      cur = tree.child(cur, symId, ip);
    }
    return cur === tree.root ? 0 : tree.export(cur);
  }

  /** db_export__switch. */
  private contextSwitch(
    cpuWide: boolean,
    out: boolean,
    preempt: boolean,
    sid: { pid?: number; tid?: number; time?: bigint; cpu?: number },
    nextPrevPid: number | undefined,
    nextPrevTid: number | undefined,
  ): void {
    const machineId = this.exportMachine();
    const a = this.pidTid(sid.pid ?? -1, sid.tid ?? -1);
    const b = cpuWide ? this.pidTid(nextPrevPid ?? -1, nextPrevTid ?? -1) : { id: 0, comm: null, idle: false };
    // Nothing when both threads are unknown, or one is unknown and the other is idle.
    if ((!a.id || a.idle) && (!b.id || b.idle)) return;
    const id = ++this.#last.contextSwitch;
    const [tOut, tIn] = out ? [a, b] : [b, a];
    const flags = (out ? 1 : 0) | (out && preempt ? 2 : 0);
    this.#sink.add("context_switches", [
      id,
      machineId,
      s64(sid.time ?? U64_MAX),
      sid.cpu === undefined ? -1 : sid.cpu | 0,
      tOut.id,
      tOut.comm ? tOut.comm.dbId : 0,
      tIn.id,
      tIn.comm ? tIn.comm.dbId : 0,
      flags,
    ]);
  }

  private pidTid(pid: number, tid: number): { id: number; comm: CommEntry | null; idle: boolean } {
    const t = this.#machine.findThread(tid);
    if (!t || !this.#comms.of(t).commSet) return { id: 0, comm: null, idle: false };
    void pid;
    const idle = t.pid === 0 && t.tid === 0;
    const comm = this.exportThreads(t, this.mainThread(t));
    return { id: this.#comms.of(t).dbId, comm, idle };
  }
}

function fileBuildId(path: string): string | null {
  try {
    return tryBuildIdOf(path);
  } catch {
    return null;
  }
}

/** sample_addr_correlates_sym: only page-fault addresses name code or data worth resolving. */
function addrCorrelatesSym(evsel: Evsel): boolean {
  const a = evsel.attr;
  if ((a.sampleType & SampleType.ADDR) === 0) return false;
  return a.type === AttrType.SOFTWARE && (a.config === 2n || a.config === 5n || a.config === 6n);
}
