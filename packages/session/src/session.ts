/**
 * `Session`: reads a recording in timestamp order, keeps the machine state current through
 * the default processors (threads, maps, dsos and build ids, cgroups, pipe-mode attrs and
 * features, stat config) and hands events to callbacks or an iterator.
 */
import { availableParallelism } from "node:os";
import {
  AttrType,
  type DecodedRecord,
  decodeFeature,
  type EventEntry,
  Feature,
  type PerfRecord,
  parseTracingData,
  RecordType,
  recordReader,
  type TaskRecord,
  type TracingData,
} from "@perfkit/format";
import { DwarfCache } from "./dwarf/cache.ts";
import type { DebugSearchOptions } from "./dwarf/debug-file.ts";
import { type PerfEvent, type StatEvent, type StatRoundEvent, sideBandEvent } from "./events.ts";
import { EvList, Evsel } from "./evsel.ts";
import { Machine, type MachineOptions } from "./machine.ts";
import type { PerfData } from "./perf-data.ts";
import type { AddressSpace } from "./resolve.ts";
import { SampleEvent, type TracepointFormat } from "./sample-event.ts";
import { SampleWalk, type SampleWalkOptions } from "./sample-walk.ts";
import { recordingArch, SessionDwarf } from "./session-dwarf.ts";
import type { Thread } from "./thread.ts";
import {
  type TracepointEvent,
  type TracepointFieldsOf,
  type TracepointKey,
  type TracepointListener,
  TracepointListeners,
} from "./tracepoint-listeners.ts";

/** Callbacks of a session (perf python's `sample=` and `stat=`), plus one for every other event. */
export interface SessionHandlers {
  /** Every sample, in timestamp order. */
  sample?(ev: SampleEvent): void;
  /** STAT records (with the counter's evsel name) and STAT_ROUND records (name null). */
  stat?(ev: StatEvent | StatRoundEvent, name: string | null): void;
  /** Every non-sample event after the default processors ran. */
  event?(ev: Exclude<PerfEvent, SampleEvent>): void;
}

/** Options of {@link Session}. */
export interface SessionOptions extends MachineOptions {
  /** Deliver in timestamp order (default true), as perf does. */
  ordered?: boolean;
  /** Expand inline levels in dwarf-unwound callchains (default true, perf's inline_name). */
  inline?: boolean;
  /** Where to look for separate debug files (build-id cache, debuginfod cache). */
  debug?: DebugSearchOptions;
  /**
   * Load the symbol tables named by the header's build ids on a worker thread while the
   * records are read (see {@link Machine.preloadSymbols}). Default: `PERFKIT_PRELOAD_SYMBOLS`
   * (1 or 0) when set, else on machines with 4+ cores for recordings whose data section holds
   * at least 32 MiB, where the walk is long enough to hide the loading.
   */
  preloadSymbols?: boolean;
}

/** Data sections from this size on preload symbols by default. */
const AUTO_PRELOAD_BYTES = 32 << 20;

/**
 * `PERFKIT_PRELOAD_SYMBOLS=1|0` forces the choice; else big file-mode recordings preload when
 * the machine has cores to spare. Measured on two cores, the worker (and its JIT and GC
 * threads) slowed the walk more than the loading it hid: 0.25 s against 0.23 s.
 */
function preloadByDefault(data: PerfData): boolean {
  const env = process.env.PERFKIT_PRELOAD_SYMBOLS;
  if (env === "1" || env === "0") return env === "1";
  if (availableParallelism() < 4) return false;
  return !data.isPipe && (data.file.header?.data.size ?? 0n) >= BigInt(AUTO_PRELOAD_BYTES);
}

/** A record after the default processors ran, for tools that format records themselves. */
export interface ProcessedRecord {
  readonly record: PerfRecord;
  /** The record's evsel (kernel records), or null. */
  readonly evsel: Evsel | null;
  /** The decoded form of non-sample records (undefined for samples). */
  readonly decoded: DecodedRecord | undefined;
}

/** A pull cursor over processed records (see {@link Session.walk}); fields change on every `next()`. */
export interface SessionWalk extends ProcessedRecord {
  /** Advances to the next record; false at the end. Throws what the reader or a processor throws. */
  next(): boolean;
  /** Stops early and releases the file. Safe to call twice. */
  close(): void;
}

/** Stat configuration and maps of a `perf stat record` file. */
export interface StatState {
  config: Extract<DecodedRecord, { kind: "STAT_CONFIG" }> | undefined;
  threads: { pid: bigint; comm: string }[];
  cpus: number[];
}

/** A reading session over a {@link PerfData}. Dispose it (or use `using`) when done. */
export class Session {
  /** The recorded machine: threads, maps, dsos (advanced use). */
  readonly machine: Machine;
  /** Stat config, thread map and cpu map records seen so far. */
  readonly stat: StatState = { config: undefined, threads: [], cpus: [] };
  readonly #data: PerfData;
  readonly #handlers: SessionHandlers;
  readonly #ordered: boolean;
  readonly #evlist = new EvList();
  readonly #byEntry = new Map<EventEntry, Evsel>();
  #tracing: TracingData | null | undefined;
  #tracingBytes: Uint8Array | undefined;
  readonly #tpFormats = new Map<Evsel, TracepointFormat | null>();
  readonly #listeners = new TracepointListeners();
  #disposed = false;
  #dwarf: SessionDwarf | undefined;
  readonly #inline: boolean;
  readonly #debug: DebugSearchOptions;
  #started = false;

  constructor(data: PerfData, handlers: SessionHandlers = {}, options: SessionOptions = {}) {
    if (typeof data !== "object" || data === null || typeof (data as PerfData).file !== "object")
      throw new TypeError(`data must be a PerfData, got ${data === null ? "null" : typeof data}`);
    if (typeof handlers !== "object" || handlers === null)
      throw new TypeError(`handlers must be an object, got ${handlers === null ? "null" : typeof handlers}`);
    for (const k of ["sample", "stat", "event"] as const) {
      const h = handlers[k];
      if (h !== undefined && typeof h !== "function")
        throw new TypeError(`handlers.${k} must be a function, got ${typeof h}`);
    }
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    if (options.kallsyms !== undefined && typeof options.kallsyms !== "string")
      throw new TypeError(`options.kallsyms must be a string, got ${typeof options.kallsyms}`);
    this.#data = data;
    this.#handlers = handlers;
    this.#ordered = options.ordered !== false;
    if (options.inline !== undefined && typeof options.inline !== "boolean")
      throw new TypeError(`options.inline must be a boolean, got ${typeof options.inline}`);
    if (options.debug !== undefined && (typeof options.debug !== "object" || options.debug === null))
      throw new TypeError("options.debug must be an object");
    this.#inline = options.inline !== false;
    this.#debug = options.debug ?? {};
    this.machine = new Machine(options);
    this.syncEvents();
    const bid = data.file.featureBytes(Feature.BUILD_ID);
    if (bid) this.absorbBuildIds(bid);
    if (options.preloadSymbols !== undefined && typeof options.preloadSymbols !== "boolean")
      throw new TypeError(`options.preloadSymbols must be a boolean, got ${typeof options.preloadSymbols}`);
    if (options.preloadSymbols ?? preloadByDefault(data)) this.machine.preloadSymbols();
  }

  /**
   * Debug-information support (DWARF unwinding, srclines, instruction bytes), created on
   * first use with one {@link DwarfCache} for the whole session; closed with the session.
   */
  get dwarf(): SessionDwarf {
    if (this.#disposed) throw new Error("session is disposed");
    this.#dwarf ??= new SessionDwarf(recordingArch(this.#data.file), new DwarfCache(this.#debug));
    return this.#dwarf;
  }

  /** The recording. */
  get data(): PerfData {
    return this.#data;
  }

  /** The event list, with a new reference: dispose it when done. */
  get evlist(): EvList {
    this.syncEvents();
    return this.#evlist.retain();
  }

  /** The evsel of a file event entry (borrowed). */
  evselOf(entry: EventEntry): Evsel {
    let e = this.#byEntry.get(entry);
    if (!e) {
      this.syncEvents();
      e = this.#byEntry.get(entry)!;
    }
    if (entry.name !== undefined && e.name !== entry.name) e.name = entry.name;
    return e;
  }

  /** Creates evsels for events the file announced since the last call (pipe mode grows). */
  private syncEvents(): void {
    const events = this.#data.file.events;
    for (let i = this.#evlist.length; i < events.length; i++) {
      const entry = events[i]!;
      const ev = new Evsel(entry, this.eventName(entry));
      this.#evlist.add(ev);
      this.#byEntry.set(entry, ev);
    }
  }

  private eventName(entry: EventEntry): string {
    if (entry.name === undefined && entry.attr.type === AttrType.TRACEPOINT) {
      const f = this.tracing()?.eventById(Number(entry.attr.config));
      if (f) return `${f.system}:${f.name}`;
    }
    return this.#data.file.eventName(entry);
  }

  /** The recording's tracing data (tracepoint formats), parsed once; null when absent or damaged. */
  tracing(): TracingData | null {
    const bytes = this.#data.file.tracingData;
    if (bytes !== this.#tracingBytes) {
      this.#tracingBytes = bytes;
      this.#tracing = undefined;
      this.#tpFormats.clear();
    }
    if (this.#tracing === undefined) {
      try {
        this.#tracing = bytes ? parseTracingData(bytes) : null;
      } catch {
        this.#tracing = null;
      }
    }
    return this.#tracing;
  }

  /** The tracepoint format of an evsel, or undefined for other events. */
  tracepointFormat(evsel: Evsel): TracepointFormat | undefined {
    if (evsel.attr.type !== AttrType.TRACEPOINT) return undefined;
    const td = this.tracing();
    let f = this.#tpFormats.get(evsel);
    if (f === undefined) {
      const format = td?.eventById(Number(evsel.attr.config));
      f = td && format ? { format, littleEndian: td.littleEndian, longSize: td.longSize } : null;
      this.#tpFormats.set(evsel, f);
    }
    return f ?? undefined;
  }

  /** The thread `pid` (looked up as a thread id, as perf does); throws when unknown. */
  findThread(pid: number): Thread {
    if (!Number.isInteger(pid)) throw new TypeError(`pid must be an integer, got ${typeof pid}`);
    const t = this.machine.findThread(pid);
    if (!t) throw new Error(`thread ${pid} not found`);
    return t;
  }

  private absorbBuildIds(bytes: Uint8Array): void {
    try {
      const f = decodeFeature(Feature.BUILD_ID, bytes, { littleEndian: this.#data.file.littleEndian });
      if (f.feature === "BUILD_ID") for (const e of f.entries) this.machine.setBuildId(e.filename, e.hex);
    } catch {
      // A damaged build-id table only costs symbol lookups by build id.
    }
  }

  /**
   * Every record in timestamp order after the default processors ran on it. Samples also
   * update their thread's cpu. This is the low-level walk under {@link processEvents}.
   */
  *records(): Generator<ProcessedRecord, void, undefined> {
    const w = this.walk();
    try {
      while (w.next()) yield { record: w.record, evsel: w.evsel, decoded: w.decoded };
    } finally {
      w.close();
    }
  }

  /**
   * The same walk as {@link records} as a pull cursor updated in place: `next()` advances to
   * the next processed record and returns false at the end. Nothing is allocated per
   * sample, so hot loops (profile builders) use this; the fields are only valid until the
   * next call.
   */
  walk(): SessionWalk {
    if (this.#disposed) throw new Error("session is disposed");
    if (this.#started && this.#data.isPipe) throw new Error("a pipe-mode recording can only be read once");
    this.#started = true;
    const reader = recordReader(this.#data.file, { ordered: this.#ordered });
    const m = this.machine;
    let exit: TaskRecord | null = null;
    let lastEntry: EventEntry | undefined;
    let lastEvsel: Evsel | null = null;
    const cur = {
      record: undefined as unknown as PerfRecord,
      evsel: null as Evsel | null,
      decoded: undefined as DecodedRecord | undefined,
      next: (): boolean => {
        if (exit) {
          m.processExit(exit);
          exit = null;
        }
        const rec = reader.next();
        if (!rec) return false;
        const entry = rec.event;
        cur.record = rec;
        if (rec.type === RecordType.SAMPLE) {
          // Samples come in runs of one event; names change only through side-band records.
          if (entry !== lastEntry) {
            lastEntry = entry;
            lastEvsel = entry ? this.evselOf(entry) : null;
          }
          cur.evsel = lastEvsel;
          cur.decoded = undefined;
          return true;
        }
        lastEntry = undefined;
        cur.evsel = entry ? this.evselOf(entry) : null;
        const d = rec.decode();
        cur.decoded = d;
        this.#absorb(d, rec.misc);
        if (d.kind === "EXIT") exit = d;
        return true;
      },
      close: (): void => reader.close(),
    };
    return cur;
  }

  /**
   * The samples only, in the same order and against the same machine state as {@link walk},
   * as a cursor over plain fields: pid, tid, cpu, time, period, ip and an interned callchain id
   * (see {@link SampleWalk}). Side-band records are applied to the machine where perf delivers
   * them but not handed out. The fastest way to aggregate samples: each is reduced to numbers
   * as it is read, so nothing is allocated per sample and the file is read through one
   * recycled window.
   */
  sampleWalk(options: SampleWalkOptions = {}): SampleWalk {
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    if (options.order !== undefined && options.order !== "time" && options.order !== "state")
      throw new TypeError(`options.order must be "time" or "state", got ${String(options.order)}`);
    if (this.#disposed) throw new Error("session is disposed");
    if (this.#started && this.#data.isPipe) throw new Error("a pipe-mode recording can only be read once");
    this.#started = true;
    const file = this.#data.file;
    const host = {
      machine: this.machine,
      evselOf: (entry: EventEntry) => this.evselOf(entry),
      apply: (rec: PerfRecord) => {
        const d = rec.decode();
        this.#absorb(d, rec.misc);
        if (d.kind === "EXIT") this.machine.processExit(d);
      },
    };
    // Directory-mode members are merged by the record reader; everything else is ordered here.
    const input = file.members.length
      ? { reader: recordReader(file, { ordered: this.#ordered }) }
      : { walker: file.cursor(), ordered: this.#ordered };
    return new SampleWalk(host, input, file.littleEndian, options.order !== "state");
  }

  /** The default processors of a non-sample record. */
  #absorb(d: DecodedRecord, misc: number): void {
    const m = this.machine;
    switch (d.kind) {
      case "COMM":
        m.processComm(d);
        break;
      case "FORK":
        m.processFork(d);
        break;
      case "MMAP":
      case "MMAP2":
        m.processMmap(d, misc);
        break;
      case "KSYMBOL":
        m.processKsymbol(d);
        break;
      case "NAMESPACES":
        m.findnewThread(d.pid, d.tid).namespaces = d.namespaces;
        break;
      case "CGROUP":
        m.cgroups.set(d.id, d.path);
        break;
      case "HEADER_BUILD_ID":
        m.setBuildId(d.filename, d.buildId);
        break;
      case "HEADER_FEATURE":
        if (d.featId === Feature.BUILD_ID) this.absorbBuildIds(d.data);
        break;
      case "HEADER_ATTR":
        this.syncEvents();
        break;
      case "STAT_CONFIG":
        this.stat.config = d;
        break;
      case "THREAD_MAP":
        this.stat.threads = d.threads;
        break;
      case "CPU_MAP":
        this.stat.cpus = d.cpus;
        break;
    }
  }

  /** The address space of a thread right now (an immutable snapshot). */
  spaceOf(thread: Thread | undefined): AddressSpace {
    const kernel = this.machine.kernelMaps.snapshot();
    if (!thread) return { kernel, user: [] };
    const user = thread.maps.snapshot();
    // Reuse the thread's last space object while neither map list changed: one object per
    // change instead of one per sample.
    const last = this.#spaces.get(thread);
    if (last && last.kernel === kernel && last.user === user) return last;
    const space = { kernel, user };
    this.#spaces.set(thread, space);
    return space;
  }
  readonly #spaces = new WeakMap<Thread, AddressSpace>();

  /** Builds the event object of a processed record. */
  toEvent(p: ProcessedRecord): PerfEvent {
    const rec = p.record;
    if (rec.type === RecordType.SAMPLE) {
      // No copy needed for the event to outlive the session: the reader never reuses or
      // mutates its window buffers, so the sample's view stays valid while it is referenced.
      const own = rec.sample();
      const pid = own.pid ?? -1;
      const tid = own.tid ?? -1;
      const thread = this.machine.findnewThread(pid, tid);
      const cpu = own.cpu;
      if (cpu !== undefined) thread.cpu = cpu;
      const evsel = p.evsel!;
      return new SampleEvent(
        own,
        evsel,
        thread.comm(),
        this.spaceOf(thread),
        this.tracepointFormat(evsel),
        this.dwarf,
        this.#inline,
      );
    }
    const d = p.decoded ?? rec.decode();
    let sid = rec.sampleId();
    if (d.kind === "STAT") {
      const e = this.#data.file.eventById(d.id);
      const evsel = e ? this.evselOf(e) : null;
      return sideBandEvent(rec.type, rec.misc, evsel, d, sid, undefined);
    }
    if (rec.type >= 64) sid = {};
    return sideBandEvent(rec.type, rec.misc, p.evsel, d, sid, p.evsel?.attr.samplePeriod);
  }

  /**
   * Calls `cb` with every sample of tracepoint `name` (`"system:event"`) during
   * {@link processEvents} or {@link events}, after the `sample` handler. `ev.fields` is typed by
   * the generated `TracepointFieldMap` (import `@perfkit/stubs/tracepoints` to fill it).
   */
  on<K extends TracepointKey>(name: K, cb: (ev: TracepointEvent<TracepointFieldsOf<K>>) => void): this {
    // The runtime object is a SampleEvent; the typed view only narrows `fields` and `field()`.
    this.#listeners.add(name, cb as unknown as TracepointListener);
    return this;
  }

  /** Every record as a typed event object, in timestamp order (tracepoint callbacks run as samples pass). */
  *events(): Generator<PerfEvent, void, undefined> {
    for (const p of this.records()) {
      const ev = this.toEvent(p);
      if (ev.kind === "SAMPLE" && !this.#listeners.empty) this.#listeners.dispatch(ev);
      yield ev;
    }
  }

  /** Reads the whole recording, calling the handlers. A handler's exception stops it and propagates unchanged. */
  processEvents(): void {
    const h = this.#handlers;
    const p = this.walk();
    try {
      while (p.next()) {
        const t = p.record.type;
        if (t === RecordType.SAMPLE) {
          const listening =
            this.#listeners.empty || !p.evsel ? undefined : this.#listeners.of(this.tracepointFormat(p.evsel));
          if (!h.sample && !listening) {
            this.touchSampleThread(p.record);
            continue;
          }
          const ev = this.toEvent(p) as SampleEvent;
          h.sample?.(ev);
          if (listening) this.#listeners.dispatch(ev, listening);
          continue;
        }
        if (h.stat && (t === RecordType.STAT || t === RecordType.STAT_ROUND)) {
          const ev = this.toEvent(p) as StatEvent | StatRoundEvent;
          h.stat(ev, ev.kind === "STAT" ? (ev.evsel?.name ?? null) : null);
        }
        if (h.event) h.event(this.toEvent(p) as Exclude<PerfEvent, SampleEvent>);
      }
    } finally {
      p.close();
    }
  }

  private touchSampleThread(rec: PerfRecord): void {
    const s = rec.sample();
    const t = this.machine.findnewThread(s.pid ?? -1, s.tid ?? -1);
    const cpu = s.cpu;
    if (cpu !== undefined) t.cpu = cpu;
  }

  /** Releases the session's reference on its event list. Safe to call twice. */
  close(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#dwarf?.close();
    this.#dwarf = undefined;
    this.machine.closePreload();
    this.#evlist.release();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
