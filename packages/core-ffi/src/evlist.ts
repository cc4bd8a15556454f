/**
 * A list of evsels opened together on one set of CPUs × threads, with perf-record-like
 * sampling defaults, one ring buffer per CPU (or per thread), and non-blocking polling.
 */
import { AttrType, checkArg, ReadFormat, SampleType } from "@perfkit/format";
import type { CpuMap } from "./cpu-map.ts";
import { PerfSyscallError } from "./errors.ts";
import { parseEventSpecs } from "./events/parse.ts";
import { type CpusArg, defaultMaps, Evsel, type ThreadsArg } from "./evsel.ts";
import { POLLERR, POLLHUP, POLLIN, rawPoll } from "./ffi/libc.ts";
import { iocDisable, iocEnable, iocSetOutput } from "./ioctl.ts";
import { RingBuffer } from "./ring-buffer.ts";
import type { ThreadMap } from "./thread-map.ts";

/** Options of {@link EvList.config}: what `perf record` would set. */
export interface RecordConfig {
  /** Samples per second (attr.freq); default 4000 unless `period` is given. Tracepoints keep period 1. */
  freq?: number;
  /** Fixed sample period (events or ns), instead of `freq`. */
  period?: number | bigint;
  /** Record frame-pointer callchains (PERF_SAMPLE_CALLCHAIN). */
  callgraph?: boolean;
  /** Follow children (attr.inherit). Default true with per-CPU buffers (the kernel refuses inherit for per-thread buffers). */
  inherit?: boolean;
  /** Start disabled and enable at the next exec of the target (a workload spawned stopped). */
  enableOnExec?: boolean;
  /** Record context switches (PERF_RECORD_SWITCH) on the tracking evsel. */
  contextSwitch?: boolean;
  /** Add PERF_SAMPLE_RAW to every evsel (tracepoints have it already). */
  raw?: boolean;
  /** Wake poll() after this many records (default 1: every record wakes, like perf's default watermark-free mode). */
  wakeupEvents?: number;
  /** Extra sample_type bits to OR in. */
  sampleType?: number;
}

/** One ring buffer and where it sits. */
export interface EvListRing {
  cpu: number;
  tid: number;
  ring: RingBuffer;
}

/**
 * Evsels sharing CPU and thread maps. Typical use:
 * `using list = parseEvents("cpu-clock", cpus); list.config(); list.open(); list.mmap(64); list.enable();`
 * then `poll`/`wait` and `readOnCpu(cpu)` until null. `close()` (or `using`) unmaps and closes everything.
 */
export class EvList implements Disposable, Iterable<Evsel> {
  /** CPUs of every evsel. */
  readonly cpus: CpuMap;
  /** Threads of every evsel. */
  readonly threads: ThreadMap;
  readonly #evsels: Evsel[] = [];
  #rings: EvListRing[] = [];
  #byCpu = new Map<number, RingBuffer[]>();
  #rr = new Map<number, number>();
  #ids = new Map<bigint, Evsel>();
  #pollfds = new Uint8Array(0);
  #open = false;
  /** fds that reported POLLHUP (the target exited) in the last poll(). */
  hangups = 0;

  /** Defaults: online CPUs and any thread (system-wide); with threads only, any CPU (per-thread). */
  constructor(cpus?: CpusArg, threads?: ThreadsArg) {
    const maps = defaultMaps(cpus, threads);
    this.cpus = maps.cpus;
    this.threads = maps.threads;
  }

  /** The evsels in order. */
  get evsels(): readonly Evsel[] {
    return this.#evsels;
  }

  /** Iterates the evsels. */
  [Symbol.iterator](): Iterator<Evsel> {
    return this.#evsels[Symbol.iterator]();
  }

  /** True between open() and close(). */
  get isOpen(): boolean {
    return this.#open;
  }

  /** Adds an evsel (before open). Returns it. */
  add(evsel: Evsel): Evsel {
    checkArg(evsel instanceof Evsel, "evsel", "an Evsel", evsel);
    if (this.#open) throw new Error("cannot add an evsel to an open EvList");
    if (this.#evsels.includes(evsel)) throw new Error(`evsel '${evsel.name}' is already in this list`);
    this.#evsels.push(evsel);
    return evsel;
  }

  /**
   * Applies perf-record-like sampling defaults: sample_id_all, IP|TID|TIME|PERIOD|CPU|ID
   * (+IDENTIFIER with several evsels), freq 4000, mmap/mmap2/comm/comm_exec/task on the first
   * evsel (the one that tracks processes), disabled until enable() (or exec with enableOnExec).
   */
  config(options: RecordConfig = {}): void {
    checkArg(typeof options === "object" && options !== null, "options", "an object", options);
    const { freq, period, callgraph, inherit, enableOnExec, contextSwitch, raw, wakeupEvents, sampleType } = options;
    checkArg(freq === undefined || (Number.isInteger(freq) && freq > 0), "options.freq", "a positive integer", freq);
    checkArg(
      period === undefined || typeof period === "bigint" || (Number.isInteger(period) && period > 0),
      "options.period",
      "a positive integer or bigint",
      period,
    );
    for (const [k, v] of Object.entries({ callgraph, inherit, enableOnExec, contextSwitch, raw })) {
      checkArg(v === undefined || typeof v === "boolean", `options.${k}`, "a boolean", v);
    }
    checkArg(
      wakeupEvents === undefined || (Number.isInteger(wakeupEvents) && wakeupEvents >= 0),
      "options.wakeupEvents",
      "a non-negative integer",
      wakeupEvents,
    );
    checkArg(sampleType === undefined || Number.isInteger(sampleType), "options.sampleType", "an integer", sampleType);
    if (this.#open) throw new Error("config() must come before open()");
    if (this.#evsels.length === 0) throw new Error("config(): the EvList has no evsels");
    const many = this.#evsels.length > 1;
    this.#evsels.forEach((ev, i) => {
      const a = ev.attr;
      let st =
        (a.sampleType ?? 0) |
        SampleType.IP |
        SampleType.TID |
        SampleType.TIME |
        SampleType.PERIOD |
        SampleType.CPU |
        SampleType.ID;
      if (many) st |= SampleType.IDENTIFIER;
      if (callgraph) st |= SampleType.CALLCHAIN;
      if (raw) st |= SampleType.RAW;
      if (sampleType) st |= sampleType;
      if (ev.spec?.modifiers.sampleRead) st |= SampleType.READ;
      a.sampleType = st;
      a.readFormat = (a.readFormat ?? 0) | ReadFormat.ID;
      if (a.type === AttrType.TRACEPOINT && period === undefined) {
        a.samplePeriod = 1n;
        a.freq = false;
      } else if (period !== undefined) {
        a.samplePeriod = BigInt(period);
        a.freq = false;
      } else if (freq !== undefined || a.samplePeriod === undefined) {
        a.samplePeriod = BigInt(freq ?? 4000);
        a.freq = true;
      }
      a.sampleIdAll = true;
      a.inherit = inherit ?? !this.cpus.isAny;
      a.disabled = ev.leader === ev;
      a.enableOnExec = (enableOnExec ?? false) && ev.leader === ev;
      a.wakeupEvents = wakeupEvents ?? 1;
      if (i === 0) {
        a.mmap = true;
        a.mmap2 = true;
        a.comm = true;
        a.commExec = true;
        a.task = true;
        if (contextSwitch) a.contextSwitch = true;
      }
    });
  }

  /** Opens every evsel on the list's CPUs and threads; on failure closes what was opened and rethrows. */
  open(): void {
    if (this.#open) throw new Error("EvList is already open");
    if (this.#evsels.length === 0) throw new Error("open(): the EvList has no evsels");
    try {
      for (const ev of this.#evsels) {
        ev.open({ cpus: this.cpus, threads: this.threads, group: ev.leader !== ev });
      }
      for (const ev of this.#evsels) for (const id of ev.ids()) this.#ids.set(id, ev);
    } catch (e) {
      this.#closeEvsels();
      throw e;
    }
    this.#open = true;
  }

  /** The evsel a sample id (PERF_SAMPLE_ID / IDENTIFIER) belongs to. */
  evselForId(id: bigint): Evsel | undefined {
    checkArg(typeof id === "bigint", "id", "a bigint", id);
    return this.#ids.get(id);
  }

  /**
   * Maps one ring buffer of `pages` (a power of two) data pages per CPU, or per thread when
   * the CPU map is "any", and redirects every other fd there (PERF_EVENT_IOC_SET_OUTPUT).
   * On failure unmaps what was mapped and rethrows.
   */
  mmap(pages = 128): void {
    checkArg(Number.isInteger(pages) && pages > 0 && (pages & (pages - 1)) === 0, "pages", "a power of two", pages);
    if (!this.#open) throw new Error("mmap() needs an open EvList");
    if (this.#rings.length > 0) throw new Error("EvList is already mmapped");
    const perThread = this.cpus.isAny;
    try {
      const outer = perThread ? this.threads.tids : this.cpus.cpus;
      for (const key of outer) {
        let target: RingBuffer | null = null;
        for (const ev of this.#evsels) {
          for (const f of ev.fds()) {
            if ((perThread ? f.tid : f.cpu) !== key) continue;
            if (target === null) {
              target = RingBuffer.map(f.fd, pages, { cpu: f.cpu, tid: perThread ? f.tid : -1 });
              this.#rings.push({ cpu: f.cpu, tid: perThread ? f.tid : -1, ring: target });
            } else {
              iocSetOutput(f.fd, target.fd);
            }
          }
        }
      }
    } catch (e) {
      this.#unmap();
      if (
        e instanceof PerfSyscallError &&
        e.code === "EINVAL" &&
        perThread &&
        this.#evsels.some((ev) => ev.attr.inherit)
      ) {
        throw new Error(
          `${e.message} (inherit cannot be used with per-thread buffers: pass CPUs, or config({ inherit: false }))`,
        );
      }
      throw e;
    }
    this.#byCpu = new Map();
    for (const r of this.#rings) {
      const list = this.#byCpu.get(r.cpu) ?? [];
      list.push(r.ring);
      this.#byCpu.set(r.cpu, list);
    }
    this.#pollfds = new Uint8Array(8 * this.#rings.length);
    const view = new DataView(this.#pollfds.buffer);
    this.#rings.forEach((r, i) => {
      view.setInt32(8 * i, r.ring.fd, true);
      view.setInt16(8 * i + 4, POLLIN, true);
    });
  }

  /** The ring buffers with their CPU (or thread). */
  get rings(): readonly EvListRing[] {
    return this.#rings;
  }

  /** The fds to poll for readable ring buffers (one per buffer). */
  pollFds(): number[] {
    return this.#rings.map((r) => r.ring.fd);
  }

  /**
   * poll(2) on the ring buffers; returns how many are readable (or hung up). `timeoutMs`
   * blocks the event loop: keep it 0 on the main thread and use wait() to sleep.
   * Sets `hangups` to the number of fds whose target exited.
   */
  poll(timeoutMs = 0): number {
    checkArg(Number.isInteger(timeoutMs) && timeoutMs >= -1, "timeoutMs", "an integer >= -1", timeoutMs);
    if (this.#rings.length === 0) throw new Error("poll() needs mmap() first");
    const r = rawPoll(this.#pollfds, this.#rings.length, timeoutMs);
    if (r.ret < 0) {
      if (r.errno === 4) return 0; // EINTR: a signal arrived; callers poll again
      throw new PerfSyscallError(r.errno, { op: "poll" });
    }
    const view = new DataView(this.#pollfds.buffer);
    let hup = 0;
    for (let i = 0; i < this.#rings.length; i++) {
      const rev = view.getInt16(8 * i + 6, true);
      if (rev & (POLLHUP | POLLERR)) hup++;
    }
    this.hangups = hup;
    return r.ret;
  }

  /**
   * Waits without blocking the event loop until a buffer is readable, `timeoutMs` passes or
   * `signal` aborts (polls with timeout 0 every `intervalMs`). Returns poll()'s count (0 on timeout/abort).
   */
  async wait(timeoutMs: number, options: { signal?: AbortSignal; intervalMs?: number } = {}): Promise<number> {
    checkArg(typeof timeoutMs === "number" && timeoutMs >= 0, "timeoutMs", "a non-negative number", timeoutMs);
    checkArg(typeof options === "object" && options !== null, "options", "an object", options);
    const interval = options.intervalMs ?? 5;
    checkArg(typeof interval === "number" && interval > 0, "options.intervalMs", "a positive number", interval);
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (options.signal?.aborted) return 0;
      const n = this.poll(0);
      if (n > 0 || Date.now() >= end) {
        // Give the event loop a turn even when data is ready at once (or a hung-up fd keeps
        // reporting POLLHUP): a caller looping on wait() must not starve timers, I/O and
        // process-exit callbacks, or it spins forever.
        await new Promise<void>((resolve) => setImmediate(resolve));
        return n;
      }
      await Bun.sleep(Math.min(interval, Math.max(1, end - Date.now())));
    }
  }

  /**
   * The next record (bytes, header included) of the buffer of `cpu`, or null when it is empty.
   * With per-thread buffers pass -1; the thread buffers are read in turn. The bytes are valid
   * until the next read of the same buffer. Throws naming the CPU when it has no buffer.
   */
  readOnCpu(cpu: number): Uint8Array | null {
    checkArg(Number.isInteger(cpu) && cpu >= -1, "cpu", "an integer >= -1", cpu);
    const list = this.#byCpu.get(cpu);
    if (list === undefined) {
      const have = [...this.#byCpu.keys()].join(",") || "none (call mmap() first)";
      throw new Error(
        `cpu ${cpu} has no ring buffer in this EvList (it may be offline or not in the CPU map); buffers on cpus: ${have}`,
      );
    }
    if (list.length === 1) return list[0]!.read();
    const start = this.#rr.get(cpu) ?? 0;
    for (let k = 0; k < list.length; k++) {
      const i = (start + k) % list.length;
      const rec = list[i]!.read();
      if (rec !== null) {
        this.#rr.set(cpu, (i + 1) % list.length);
        return rec;
      }
    }
    return null;
  }

  /**
   * Up to `max` records of the buffer(s) of `cpu` in one copy, the space released at once;
   * the cap keeps one busy CPU from starving the others. Views are valid until the next read
   * of the same buffer. Same errors as readOnCpu().
   */
  readBatchOnCpu(cpu: number, max = 1000): Uint8Array[] {
    checkArg(Number.isInteger(cpu) && cpu >= -1, "cpu", "an integer >= -1", cpu);
    checkArg(Number.isInteger(max) && max > 0, "max", "a positive integer", max);
    const list = this.#byCpu.get(cpu);
    if (list === undefined) this.readOnCpu(cpu); // throws the "no ring buffer" error
    const out: Uint8Array[] = [];
    for (const ring of list ?? []) {
      if (out.length >= max) break;
      out.push(...ring.readBatch(max - out.length));
    }
    return out;
  }

  /** Enables every evsel (group leaders enable their members). */
  enable(): void {
    if (!this.#open) throw new Error("enable() needs an open EvList");
    for (const ev of this.#evsels) for (const f of ev.fds()) iocEnable(f.fd);
  }

  /** Disables every evsel. */
  disable(): void {
    if (!this.#open) throw new Error("disable() needs an open EvList");
    for (const ev of this.#evsels) for (const f of ev.fds()) iocDisable(f.fd);
  }

  #unmap(): void {
    for (const r of this.#rings) r.ring.close();
    this.#rings = [];
    this.#byCpu = new Map();
    this.#rr = new Map();
    this.#pollfds = new Uint8Array(0);
  }

  #closeEvsels(): void {
    // Members before leaders, so a group is torn down from the outside in.
    let first: unknown = null;
    for (const ev of [...this.#evsels].reverse()) {
      try {
        ev.close();
      } catch (e) {
        first ??= e;
      }
    }
    this.#ids = new Map();
    if (first !== null) throw first;
  }

  /** Unmaps every buffer and closes every fd. Safe to call twice. */
  close(): void {
    try {
      this.#unmap();
    } finally {
      this.#open = false;
      this.#closeEvsels();
    }
  }

  /** Same as close(), for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Parses a perf event list into an EvList on the given CPUs and threads (defaults as in
 * {@link EvList}): group leaders are wired from `{a,b}`. Example:
 * `parseEvents("cpu-clock,page-faults:u,sched:sched_switch,{task-clock,faults}")`.
 */
export function parseEvents(events: string, cpus?: CpusArg, threads?: ThreadsArg): EvList {
  checkArg(typeof events === "string", "events", "a string", events);
  checkArg(
    cpus === undefined ||
      typeof cpus === "string" ||
      Array.isArray(cpus) ||
      (typeof cpus === "object" && cpus !== null),
    "cpus",
    "a CpuMap, a CPU list string or an array of CPU numbers",
    cpus,
  );
  checkArg(
    threads === undefined ||
      typeof threads === "number" ||
      Array.isArray(threads) ||
      (typeof threads === "object" && threads !== null),
    "threads",
    "a ThreadMap, a tid or an array of tids",
    threads,
  );
  const specs = parseEventSpecs(events);
  const list = new EvList(cpus, threads);
  const evsels = specs.map((s) => new Evsel(s));
  specs.forEach((s, i) => {
    const ev = evsels[i]!;
    ev.leader = evsels[s.leader]!;
    ev.groupIndex = i - s.leader;
    list.add(ev);
  });
  return list;
}
