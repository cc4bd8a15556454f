/** An event selector: one event opened on a set of CPUs × threads, for counting (and sampling via EvList). */
import { checkArg, type EventAttr, ReadFormat } from "@perfkit/format";
import { CpuMap } from "./cpu-map.ts";
import { PerfSyscallError } from "./errors.ts";
import type { EventSpec } from "./events/parse.ts";
import { rawRead } from "./ffi/libc.ts";
import { iocDisable, iocEnable, iocId, iocReset } from "./ioctl.ts";
import { closeFd, perfEventOpen } from "./perf-event-open.ts";
import { type Counts, decodeRead, readSize } from "./read-format.ts";
import { ThreadMap } from "./thread-map.ts";

/** CPUs as a CpuMap, a list string ("0-3,7") or CPU numbers. */
export type CpusArg = CpuMap | string | readonly number[];
/** Threads as a ThreadMap, one tid, or tids. */
export type ThreadsArg = ThreadMap | number | readonly number[];

/** Options of {@link Evsel.open}. */
export interface EvselOpenOptions {
  /** CPUs to open on. Default: online CPUs when `threads` is "any", else any CPU (-1). */
  cpus?: CpusArg;
  /** Threads to follow. Default: any thread (system-wide, needs root or CAP_PERFMON). */
  threads?: ThreadsArg;
  /** Join the leader's group (default: true when the evsel has a leader other than itself). */
  group?: boolean;
  /** Count children created after opening too (attr.inherit). */
  inherit?: boolean;
}

/** Normalises a cpus argument. */
export function toCpuMap(cpus: CpusArg): CpuMap {
  return cpus instanceof CpuMap ? cpus : new CpuMap(cpus as string | readonly number[]);
}

/** Normalises a threads argument. */
export function toThreadMap(threads: ThreadsArg): ThreadMap {
  return threads instanceof ThreadMap ? threads : new ThreadMap(threads as number | readonly number[]);
}

/** The maps an evsel or evlist uses when the caller gives none or one of them. */
export function defaultMaps(cpus?: CpusArg, threads?: ThreadsArg): { cpus: CpuMap; threads: ThreadMap } {
  const t = threads === undefined ? ThreadMap.any() : toThreadMap(threads);
  const c = cpus === undefined ? (t.isAny ? new CpuMap() : CpuMap.any()) : toCpuMap(cpus);
  if (c.isAny && t.isAny) throw new TypeError("cpus and threads cannot both be 'any' (-1): name CPUs or threads");
  return { cpus: c, threads: t };
}

/** One fd of an open evsel. */
export interface EvselFd {
  cpu: number;
  tid: number;
  fd: number;
}

/** Upper bound of events in one group read. */
const MAX_GROUP = 512;
const COUNT_FORMAT = ReadFormat.TOTAL_TIME_ENABLED | ReadFormat.TOTAL_TIME_RUNNING;

/**
 * One event (attr + name), opened on CPUs × threads. `read(cpu, tid)` returns the delta since
 * the previous read. Close with `close()` or `using`; closing twice is safe.
 */
export class Evsel implements Disposable {
  /** Display name ("page-faults:u"). */
  readonly name: string;
  /**
   * The attr passed to perf_event_open. Edit before `open()`; after opening it is exactly what
   * the kernel got (including the read_format bits open() adds).
   */
  attr: Partial<EventAttr>;
  /** The parsed spec when created by parseEvents. */
  readonly spec: EventSpec | undefined;
  /** The group leader (itself when not grouped). */
  leader: Evsel = this;
  /** Position in the leader's group (0 for the leader). */
  groupIndex = 0;
  #cpus: CpuMap | null = null;
  #threads: ThreadMap | null = null;
  /** fds[cpuIndex][threadIndex]; -1 for "not open". */
  #fds: number[][] = [];
  #prev: Counts[][] = [];
  #ids: bigint[] | null = null;
  #readBuf = new Uint8Array(0);

  /** From an attr (plus a name) or from a parsed {@link EventSpec}. */
  constructor(attr: Partial<EventAttr> | EventSpec, options: { name?: string } = {}) {
    checkArg(
      typeof attr === "object" && attr !== null && !Array.isArray(attr),
      "attr",
      "an attr object or an EventSpec",
      attr,
    );
    checkArg(typeof options === "object" && options !== null, "options", "an object", options);
    const isSpec = "kind" in attr && "leader" in attr && "attr" in attr;
    this.spec = isSpec ? (attr as EventSpec) : undefined;
    this.attr = isSpec ? { ...(attr as EventSpec).attr } : { ...(attr as Partial<EventAttr>) };
    const fallback = isSpec
      ? (attr as EventSpec).name
      : `type${this.attr.type ?? 0}/config=0x${(this.attr.config ?? 0n).toString(16)}/`;
    checkArg(options.name === undefined || typeof options.name === "string", "options.name", "a string", options.name);
    this.name = options.name ?? fallback;
  }

  /** True while fds are open. */
  get isOpen(): boolean {
    return this.#cpus !== null;
  }

  /** The CPU map it was opened with. */
  get cpus(): CpuMap {
    return this.#need().cpus;
  }

  /** The thread map it was opened with. */
  get threads(): ThreadMap {
    return this.#need().threads;
  }

  #need(): { cpus: CpuMap; threads: ThreadMap } {
    if (this.#cpus === null || this.#threads === null) throw new Error(`evsel '${this.name}' is not open`);
    return { cpus: this.#cpus, threads: this.#threads };
  }

  /**
   * Opens the event on every CPU × thread. On any failure every fd opened so far is closed
   * and the PerfSyscallError is rethrown.
   */
  open(options: EvselOpenOptions = {}): void {
    checkArg(typeof options === "object" && options !== null, "options", "an object", options);
    checkArg(
      options.group === undefined || typeof options.group === "boolean",
      "options.group",
      "a boolean",
      options.group,
    );
    checkArg(
      options.inherit === undefined || typeof options.inherit === "boolean",
      "options.inherit",
      "a boolean",
      options.inherit,
    );
    if (this.isOpen) throw new Error(`evsel '${this.name}' is already open`);
    const { cpus, threads } = defaultMaps(options.cpus, options.threads);
    const grouped = options.group ?? this.leader !== this;
    if (grouped && this.leader !== this) {
      if (!this.leader.isOpen)
        throw new Error(`evsel '${this.name}': its group leader '${this.leader.name}' is not open`);
      if (this.leader.cpus.toString() !== cpus.toString() || this.leader.threads.tids.join() !== threads.tids.join()) {
        throw new Error(`evsel '${this.name}' must use the same cpus and threads as its leader '${this.leader.name}'`);
      }
    }
    if (options.inherit !== undefined) this.attr.inherit = options.inherit;
    if (this.attr.readFormat === undefined) this.attr.readFormat = 0;
    this.attr.readFormat |= COUNT_FORMAT;
    if (grouped && this.leader !== this) {
      // Members follow the leader's enable state, as perf sets them.
      this.attr.disabled = false;
      this.attr.enableOnExec = false;
    }
    const fds: number[][] = cpus.cpus.map(() => threads.tids.map(() => -1));
    try {
      cpus.cpus.forEach((cpu, ci) => {
        threads.tids.forEach((tid, ti) => {
          const groupFd = grouped && this.leader !== this ? this.leader.fd(cpu, tid) : -1;
          fds[ci]![ti] = perfEventOpen(this.attr, tid, cpu, groupFd, 0, { name: this.name });
        });
      });
    } catch (e) {
      for (const row of fds) for (const fd of row) if (fd >= 0) closeFd(fd);
      throw e;
    }
    this.#fds = fds;
    this.#cpus = cpus;
    this.#threads = threads;
    this.#prev = cpus.cpus.map(() => threads.tids.map(() => ({ val: 0n, ena: 0n, run: 0n })));
    this.#ids = null;
  }

  #index(cpu: number, tid: number): [number, number] {
    checkArg(Number.isInteger(cpu), "cpu", "an integer", cpu);
    checkArg(Number.isInteger(tid), "thread", "an integer", tid);
    const { cpus, threads } = this.#need();
    const ci = cpus.indexOf(cpu);
    if (ci < 0) throw new Error(`cpu ${cpu} is not part of evsel '${this.name}' (cpus: ${cpus})`);
    const ti = threads.indexOf(tid);
    if (ti < 0)
      throw new Error(`thread ${tid} is not part of evsel '${this.name}' (threads: ${threads.tids.join(",")})`);
    return [ci, ti];
  }

  /** The fd for a CPU number and tid (as in the maps, -1 for "any"). */
  fd(cpu: number, tid: number): number {
    const [ci, ti] = this.#index(cpu, tid);
    return this.#fds[ci]![ti]!;
  }

  /** Every fd with its CPU and tid. */
  fds(): EvselFd[] {
    const { cpus, threads } = this.#need();
    const out: EvselFd[] = [];
    cpus.cpus.forEach((cpu, ci) => {
      threads.tids.forEach((tid, ti) => {
        out.push({ cpu, tid, fd: this.#fds[ci]![ti]! });
      });
    });
    return out;
  }

  /** Kernel event ids of every fd (PERF_EVENT_IOC_ID), in fds() order. */
  ids(): bigint[] {
    if (this.#ids === null) this.#ids = this.fds().map((f) => iocId(f.fd));
    return this.#ids;
  }

  /** The absolute counts of one fd since it was opened. */
  readTotal(cpu: number, thread: number): Counts {
    const fd = this.fd(cpu, thread);
    const rf = this.attr.readFormat ?? 0;
    // A group read returns every member's value; size the buffer for the largest group perf allows.
    const size = rf & ReadFormat.GROUP ? readSize(rf, MAX_GROUP) : readSize(rf, 1);
    if (this.#readBuf.length < size) this.#readBuf = new Uint8Array(size);
    const r = rawRead(fd, this.#readBuf, size);
    if (r.ret < 0) throw new PerfSyscallError(r.errno, { op: "read of a counter", event: this.name, cpu });
    if (r.ret < 8 || (!(rf & ReadFormat.GROUP) && r.ret < size)) {
      throw new Error(`short read of evsel '${this.name}' on cpu ${cpu}: ${r.ret} of ${size} bytes`);
    }
    return decodeRead(new DataView(this.#readBuf.buffer, 0, r.ret), rf, this.groupIndex);
  }

  /** The counts since the previous `read()` of the same CPU and thread (since open the first time). */
  read(cpu: number, thread: number): Counts {
    const now = this.readTotal(cpu, thread);
    const [ci, ti] = this.#index(cpu, thread);
    const prev = this.#prev[ci]![ti]!;
    this.#prev[ci]![ti] = now;
    return { val: now.val - prev.val, ena: now.ena - prev.ena, run: now.run - prev.run };
  }

  /** The absolute counts summed over every CPU and thread. */
  readSum(): Counts {
    const sum = { val: 0n, ena: 0n, run: 0n };
    for (const f of this.fds()) {
      const c = this.readTotal(f.cpu, f.tid);
      sum.val += c.val;
      sum.ena += c.ena;
      sum.run += c.run;
    }
    return sum;
  }

  /** Enables every fd. */
  enable(): void {
    for (const f of this.fds()) iocEnable(f.fd);
  }

  /** Disables every fd. */
  disable(): void {
    for (const f of this.fds()) iocDisable(f.fd);
  }

  /** Zeroes every fd's count (and the delta baseline). */
  reset(): void {
    for (const f of this.fds()) iocReset(f.fd);
    for (const row of this.#prev) row.fill({ val: 0n, ena: 0n, run: 0n });
  }

  /** Closes every fd. Safe to call twice; the evsel can be opened again afterwards. */
  close(): void {
    const fds = this.#fds;
    this.#fds = [];
    this.#cpus = null;
    this.#threads = null;
    this.#ids = null;
    let first: unknown = null;
    for (const row of fds) {
      for (const fd of row) {
        try {
          if (fd >= 0) closeFd(fd);
        } catch (e) {
          first ??= e;
        }
      }
    }
    if (first !== null) throw first;
  }

  /** Same as close(), for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}
