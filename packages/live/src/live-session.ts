/**
 * LiveSession: perf events opened from Bun, their ring buffers drained in capped rounds, and
 * every sample delivered as the session package's SampleEvent (comm, dso, symbol, callchain,
 * tracepoint fields), with the machine state kept current from /proc and side-band records.
 */
import { readFileSync } from "node:fs";
import { CpuMap, type CpusArg, type EvList, parseEventSpecs, parseEvents } from "@perfkit/core-ffi";
import {
  AttrType,
  checkArg,
  type EventAttr,
  EventIndex,
  emptyAttr,
  PerfDataError,
  parseEventFormat,
  RecordType,
  recordFromBytes,
} from "@perfkit/format";
import { SampleEvent, Evsel as SessionEvsel, type TracepointFormat } from "@perfkit/session";
import { type DrainEnd, drainRounds, type StopReason } from "./drain.ts";
import { LiveMachine } from "./live-machine.ts";

/** Called for every sample; an exception ends the session and reaches the caller unchanged. */
export type LiveCallback = (event: SampleEvent) => void | Promise<void>;

/** Options of {@link LiveSession}. */
export interface LiveOptions {
  /** Record frame-pointer callchains (`event.callchain`). */
  callgraph?: boolean;
  /** CPUs to open on (default: online CPUs). Offline CPUs in the list are left out and reported in `stats.offlineCpus`. */
  cpus?: CpusArg;
  /** Follow this process and the children it creates after the start (default: system-wide). */
  pid?: number;
  /** Samples per second (default 4000, as perf record). */
  freq?: number;
  /** Fixed sample period instead of `freq`. */
  period?: number | bigint;
  /** Cap of records taken from one CPU's buffer per poll round (default 1000). */
  maxPerCpuPerRound?: number;
  /** Stops the session (run() then resolves). */
  signal?: AbortSignal;
  /** Stop after this many milliseconds. */
  durationMs?: number;
  /** Data pages per ring buffer, a power of two (default 64). */
  pages?: number;
  /** Called once the events are enabled (start a workload here). */
  onReady?: () => void;
  /** Called for every PERF_RECORD_LOST / LOST_SAMPLES with the number of events lost. */
  onLost?: (lost: bigint, cpu: number) => void;
  /** Stop on SIGINT (Ctrl-C) instead of letting it end the process (default true). */
  handleSigint?: boolean;
}

/** What a session saw; returned by run() and readable as `live.stats`. */
export interface LiveStats {
  /** Samples delivered. */
  samples: number;
  /** Side-band records applied to the machine state (comm, mmap, fork, exit, ksymbol). */
  sideband: number;
  /** Records skipped: unknown types, other side-band kinds, malformed records. */
  skipped: number;
  /** Events the kernel dropped (sum of PERF_RECORD_LOST). */
  lost: bigint;
  /** Samples dropped (sum of PERF_RECORD_LOST_SAMPLES). */
  lostSamples: bigint;
  /** Poll rounds that returned data. */
  rounds: number;
  /** Most records taken from one CPU in one round (never above maxPerCpuPerRound). */
  maxPerCpuRound: number;
  /** CPUs asked for but offline (no buffer opened). */
  offlineCpus: number[];
  /** Why the session ended (null while running). */
  stopReason: StopReason | "sigint" | "error" | null;
}

function emptyStats(): LiveStats {
  return {
    samples: 0,
    sideband: 0,
    skipped: 0,
    lost: 0n,
    lostSamples: 0n,
    rounds: 0,
    maxPerCpuRound: 0,
    offlineCpus: [],
    stopReason: null,
  };
}

function checkOptions(o: LiveOptions): void {
  checkArg(typeof o === "object" && o !== null && !Array.isArray(o), "options", "an object", o);
  checkArg(
    o.callgraph === undefined || typeof o.callgraph === "boolean",
    "options.callgraph",
    "a boolean",
    o.callgraph,
  );
  checkArg(
    o.cpus === undefined || typeof o.cpus === "string" || Array.isArray(o.cpus) || o.cpus instanceof CpuMap,
    "options.cpus",
    "a CpuMap, a CPU list string or an array of CPU numbers",
    o.cpus,
  );
  checkArg(o.pid === undefined || (Number.isInteger(o.pid) && o.pid > 0), "options.pid", "a positive integer", o.pid);
  checkArg(
    o.freq === undefined || (Number.isInteger(o.freq) && o.freq > 0),
    "options.freq",
    "a positive integer",
    o.freq,
  );
  checkArg(
    o.period === undefined ||
      (typeof o.period === "bigint" && o.period > 0n) ||
      (Number.isInteger(o.period) && o.period > 0),
    "options.period",
    "a positive integer or bigint",
    o.period,
  );
  checkArg(
    !(o.freq !== undefined && o.period !== undefined),
    "options.freq",
    "absent when options.period is given",
    o.freq,
  );
  const max = o.maxPerCpuPerRound;
  checkArg(
    max === undefined || (Number.isInteger(max) && max > 0),
    "options.maxPerCpuPerRound",
    "a positive integer",
    max,
  );
  checkArg(o.signal === undefined || o.signal instanceof AbortSignal, "options.signal", "an AbortSignal", o.signal);
  checkArg(
    o.durationMs === undefined || (typeof o.durationMs === "number" && o.durationMs >= 0),
    "options.durationMs",
    "a non-negative number",
    o.durationMs,
  );
  const p = o.pages;
  checkArg(
    p === undefined || (Number.isInteger(p) && p > 0 && (p & (p - 1)) === 0),
    "options.pages",
    "a power of two",
    p,
  );
  for (const k of ["onReady", "onLost"] as const) {
    checkArg(o[k] === undefined || typeof o[k] === "function", `options.${k}`, "a function", o[k]);
  }
  checkArg(
    o.handleSigint === undefined || typeof o.handleSigint === "boolean",
    "options.handleSigint",
    "a boolean",
    o.handleSigint,
  );
}

/** Online CPUs of the request, and the ones left out. */
function splitOnline(cpus: CpusArg | undefined): { cpus: CpuMap; offline: number[] } {
  const online = new CpuMap();
  if (cpus === undefined) return { cpus: online, offline: [] };
  const asked = cpus instanceof CpuMap ? cpus : new CpuMap(cpus as string | readonly number[]);
  const on = new Set(online.cpus);
  const keep = asked.cpus.filter((c) => on.has(c));
  const offline = asked.cpus.filter((c) => !on.has(c));
  if (keep.length === 0)
    throw new Error(`none of the CPUs ${asked.toString()} is online (online: ${online.toString()})`);
  return { cpus: new CpuMap(keep), offline };
}

/** Reads a tracepoint's format from tracefs for field decoding. */
function tracepointFormat(path: string, system: string): TracepointFormat | undefined {
  try {
    return { format: parseEventFormat(readFileSync(path, "utf8"), path, system), littleEndian: true, longSize: 8 };
  } catch {
    // An unreadable format only costs field access; samples still arrive.
    return undefined;
  }
}

/**
 * A live perf session. Example:
 * ```ts
 * const live = new LiveSession("cpu-clock", (ev) => console.log(ev.comm, ev.symbol), { pid });
 * const stats = await live.run({ signal: AbortSignal.timeout(1000) });
 * ```
 * or `for await (const ev of new LiveSession("cpu-clock", null, { durationMs: 500 })) …`.
 * Everything is opened inside the loop's protected region: every fd is closed and every
 * buffer unmapped however the session ends.
 */
export class LiveSession {
  /** The event list as given. */
  readonly events: string;
  /** Machine state (threads, maps, symbols) of the current or last run. */
  machine = new LiveMachine();
  #callback: LiveCallback | null;
  readonly #options: LiveOptions;
  #stats: LiveStats = emptyStats();
  #running = false;
  #stopRequested = false;

  /**
   * @param events perf's `-e` syntax ("cpu-clock", "sched:sched_switch,page-faults:u", …); parsed now, so a bad string throws here.
   * @param callback called for every sample by run(); may be null when iterating with `for await`.
   */
  constructor(events: string, callback: LiveCallback | null = null, options: LiveOptions = {}) {
    checkArg(typeof events === "string" && events.trim() !== "", "events", "a non-empty event list string", events);
    checkArg(callback === null || typeof callback === "function", "callback", "a function or null", callback);
    checkOptions(options);
    parseEventSpecs(events); // fail early with the parser's message (unknown event, bad modifier, …)
    this.events = events;
    this.#callback = callback;
    this.#options = { ...options };
  }

  /** Counters of the current or last run. */
  get stats(): LiveStats {
    return this.#stats;
  }

  /** Asks a running session to end after the current round. */
  stop(): void {
    this.#stopRequested = true;
  }

  /**
   * Runs until stopped (stop(), an AbortSignal, SIGINT, the duration, or the followed
   * process exiting) and resolves to the stats. A callback exception or an OS error rejects
   * with that error, after everything was closed.
   */
  async run(options: { signal?: AbortSignal } = {}): Promise<LiveStats> {
    checkArg(typeof options === "object" && options !== null, "options", "an object", options);
    checkArg(
      options.signal === undefined || options.signal instanceof AbortSignal,
      "options.signal",
      "an AbortSignal",
      options.signal,
    );
    const cb = this.#callback;
    if (cb === null) throw new TypeError("run() needs a callback: pass one to the constructor, or use for await");
    try {
      for await (const batch of this.#batches(options.signal)) {
        for (const ev of batch) {
          const r = cb(ev);
          if (r instanceof Promise) await r;
        }
      }
    } catch (e) {
      // The callback threw (the generator already closed everything): report it unchanged.
      this.#stats.stopReason = "error";
      throw e;
    }
    return this.#stats;
  }

  /** Iterates the samples; `break` or an exception in the loop body closes everything. */
  async *[Symbol.asyncIterator](): AsyncGenerator<SampleEvent, void, undefined> {
    for await (const batch of this.#batches(undefined)) yield* batch;
  }

  /** The protected region: open, drain, and close on every exit path. */
  async *#batches(runSignal: AbortSignal | undefined): AsyncGenerator<SampleEvent[], void, undefined> {
    if (this.#running) throw new Error("this LiveSession is already running");
    this.#running = true;
    this.#stopRequested = false;
    this.#stats = emptyStats();
    this.machine = new LiveMachine();
    const o = this.#options;
    const signal =
      runSignal && o.signal ? AbortSignal.any([runSignal, o.signal]) : (runSignal ?? o.signal ?? undefined);
    let sigint = false;
    const onSigint = () => {
      sigint = true;
    };
    const catchSigint = o.handleSigint ?? true;
    let list: EvList | null = null;
    const end: DrainEnd = { reason: "stopped" };
    try {
      if (catchSigint) process.on("SIGINT", onSigint);
      const { cpus, offline } = splitOnline(o.cpus);
      this.#stats.offlineCpus = offline;
      list = parseEvents(this.events, cpus, o.pid);
      list.config({ freq: o.freq, period: o.period, callgraph: o.callgraph ?? false });
      list.open();
      list.mmap(o.pages ?? 64);
      const { index, evsels } = this.#eventIndex(list);
      this.machine.seed(o.pid === undefined ? "all" : [o.pid]);
      list.enable();
      o.onReady?.();
      const rounds = drainRounds(
        list,
        {
          maxPerCpu: o.maxPerCpuPerRound ?? 1000,
          signal,
          durationMs: o.durationMs,
          shouldStop: () => this.#stopRequested || sigint,
        },
        end,
      );
      for await (const round of rounds) {
        const out: SampleEvent[] = [];
        this.#stats.rounds++;
        for (const { cpu, records } of round.perCpu) {
          if (records.length > this.#stats.maxPerCpuRound) this.#stats.maxPerCpuRound = records.length;
          for (const bytes of records) this.#handle(bytes, cpu, index, evsels, out);
        }
        if (out.length > 0) yield out;
      }
      this.#stats.stopReason = sigint ? "sigint" : end.reason;
    } catch (e) {
      this.#stats.stopReason = "error";
      throw e;
    } finally {
      if (this.#stats.stopReason === null) this.#stats.stopReason = "stopped"; // the consumer broke out
      if (catchSigint) process.off("SIGINT", onSigint);
      list?.close();
      this.#running = false;
    }
  }

  /** The format EventIndex (for decoding) and session Evsels (for events) of the opened list. */
  #eventIndex(list: EvList): { index: EventIndex; evsels: Map<number, SessionEvsel> } {
    const index = new EventIndex();
    const evsels = new Map<number, SessionEvsel>();
    const tpFormats = new Map<number, TracepointFormat | undefined>();
    for (const ev of list) {
      const attr: EventAttr = { ...emptyAttr(), ...ev.attr, size: 136 };
      const entry = index.add(attr, ev.ids(), ev.name);
      evsels.set(entry.index, new SessionEvsel(entry, ev.name));
      const tp = ev.spec?.tracepoint;
      if (attr.type === AttrType.TRACEPOINT && tp)
        tpFormats.set(entry.index, tracepointFormat(tp.formatPath, tp.system));
    }
    this.#tpFormats = tpFormats;
    return { index, evsels };
  }

  #tpFormats = new Map<number, TracepointFormat | undefined>();

  /** One record: a sample becomes an event, side-band updates the machine, the rest is counted. */
  #handle(
    bytes: Uint8Array,
    cpu: number,
    index: EventIndex,
    evsels: Map<number, SessionEvsel>,
    out: SampleEvent[],
  ): void {
    const st = this.#stats;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const type = view.getUint32(0, true);
    try {
      if (type === RecordType.SAMPLE) {
        // Own the bytes: ring-buffer views are reused by the next read.
        const rec = recordFromBytes(bytes.slice(), index);
        const s = rec.sample();
        const evsel = evsels.get(s.event.index);
        if (!evsel) {
          st.skipped++;
          return;
        }
        const { comm, space } = this.machine.threadState(s.pid ?? -1, s.tid ?? -1, s.cpu);
        out.push(new SampleEvent(s, evsel, comm, space, this.#tpFormats.get(s.event.index)));
        st.samples++;
        return;
      }
      const rec = recordFromBytes(bytes, index);
      const d = rec.decode();
      if (d.kind === "LOST") {
        st.lost += d.lost;
        this.#options.onLost?.(d.lost, cpu);
      } else if (d.kind === "LOST_SAMPLES") {
        st.lostSamples += d.lost;
        this.#options.onLost?.(d.lost, cpu);
      } else if (this.machine.apply(d, rec.misc)) st.sideband++;
      else st.skipped++; // unknown or uninteresting record types
    } catch (e) {
      // A malformed record is skipped, not fatal: the kernel wrote it, the next one is independent.
      if (!(e instanceof PerfDataError)) throw e;
      st.skipped++;
    }
  }
}
