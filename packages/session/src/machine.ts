/**
 * The recorded machine's state, kept current by the default processors as perf's
 * `struct machine` is: threads (fork, exit, comm), address spaces (mmap, mmap2, ksymbol),
 * dsos with their build ids, cgroups.
 */

import type { CommRecord, KsymbolRecord, Mmap2Record, MmapRecord, TaskRecord } from "@perfkit/format";
import { Misc } from "@perfkit/format";
import { Dso, findKernelSymbols, kernelSymbolsPath } from "./dso.ts";
import { MapEntry, MapList } from "./maps.ts";
import type { KernelSymbols } from "./symbols/index.ts";
import { elfJobKey, kallsymsJobKey, type PreloadJob, SymbolPreloader } from "./symbols/preload.ts";
import { Thread } from "./thread.ts";

/** Where an address resolved to. */
export interface Location {
  map: MapEntry | undefined;
  /** The dso-relative address (map_ip), or the address itself without a map. */
  addr: bigint;
}

const KERNEL_DSO = "[kernel.kallsyms]";
/** A page: the kernel text map runs to the first module, or to the end of the address space. */
const MAX_ADDR = 0xffffffffffffffffn;

function isAnon(name: string): boolean {
  return name === "//anon" || name.startsWith("/dev/zero") || name.startsWith("/anon_hugepage");
}
function isNoDso(name: string): boolean {
  return name.startsWith("[stack") || name.startsWith("/SYSV") || name === "[heap]";
}

/** Options of {@link Machine}. */
export interface MachineOptions {
  /** A kallsyms file to use for the kernel instead of perf's choice. */
  kallsyms?: string;
}

/** Threads, maps and dsos of one recorded machine (the host). */
export class Machine {
  readonly threads = new Map<number, Thread>();
  readonly kernelMaps = new MapList();
  /** DSOs by name. */
  readonly dsos = new Map<string, Dso>();
  /** Build ids by dso name, from the header, HEADER_BUILD_ID records and MMAP2. */
  readonly buildIds = new Map<string, string>();
  /** cgroup paths by id (CGROUP records). */
  readonly cgroups = new Map<bigint, string>();
  readonly kernel: Dso;
  private kernelMap: MapEntry | undefined;
  private readonly processMaps = new Map<number, MapList>();
  private kernelLoaded = false;
  private kernelSyms: KernelSymbols | null = null;
  #preloader: SymbolPreloader | undefined;

  constructor(private readonly options: MachineOptions = {}) {
    this.kernel = this.dso(KERNEL_DSO, "kernel");
    const idle = this.findnewThread(0, 0);
    idle.setComm("swapper");
  }

  /** The dso named `name`, created on first use. */
  dso(name: string, kind: Dso["kind"] = "user", jitPid = -1): Dso {
    let d = this.dsos.get(name);
    if (!d) {
      d = new Dso(name, kind, jitPid);
      const bid = this.buildIds.get(name);
      if (bid) d.buildId = bid;
      if (kind === "kernel" || kind === "module") d.kernelSource = () => this.kernelSymbols();
      else d.preloaded = (n, b) => this.#preloader?.elfSymbols(elfJobKey(n, b));
      this.dsos.set(name, d);
    }
    return d;
  }

  /** Records a build id for a dso name (applied to the dso if it exists). */
  setBuildId(name: string, buildId: string): void {
    const n = name === "[kernel.kallsyms]_text" ? KERNEL_DSO : name;
    this.buildIds.set(n, buildId);
    const d = this.dsos.get(n);
    if (d) d.buildId = buildId;
  }

  private mapsOf(pid: number): MapList {
    let m = this.processMaps.get(pid);
    if (!m) {
      m = new MapList();
      this.processMaps.set(pid, m);
    }
    return m;
  }

  /** The thread `tid`, or undefined. */
  findThread(tid: number): Thread | undefined {
    return this.threads.get(tid);
  }

  /** perf's machine__findnew_thread. */
  findnewThread(pid: number, tid: number): Thread {
    let t = this.threads.get(tid);
    if (t) {
      if (t.pid === -1 && pid !== -1) {
        t.pid = pid;
        t.maps = this.mapsOf(pid);
      }
      return t;
    }
    if (pid !== -1 && pid !== tid) this.findnewThread(pid, pid);
    t = new Thread(pid, tid, this.mapsOf(pid === -1 ? tid : pid));
    this.threads.set(tid, t);
    return t;
  }

  /** COMM: renames the thread. */
  processComm(r: CommRecord): void {
    this.findnewThread(r.pid, r.tid).setComm(r.comm);
  }

  /** FORK: a fresh thread that inherits comm and (for a new process) a copy of the maps. */
  processFork(r: TaskRecord): void {
    const parent = this.findnewThread(r.ppid, r.ptid);
    this.threads.delete(r.tid);
    if (r.pid !== r.ppid) this.processMaps.set(r.pid, parent.maps.clone());
    const t = this.findnewThread(r.pid, r.tid);
    if (parent.commSet) t.setComm(parent.comm());
    t.ppid = parent.tid;
  }

  /** EXIT: marks the thread (perf keeps it for later lookups). */
  processExit(r: TaskRecord): void {
    const t = this.threads.get(r.tid);
    if (t) t.exited = true;
  }

  /** MMAP / MMAP2: a kernel (module) map or a user map of the process. */
  processMmap(r: MmapRecord | Mmap2Record, misc: number): void {
    const cpumode = misc & Misc.CPUMODE_MASK;
    const end = r.start + r.len;
    if (r.kind === "MMAP2" && r.buildId) this.setBuildId(r.filename, r.buildId);
    if (cpumode === Misc.KERNEL || cpumode === Misc.GUEST_KERNEL) {
      if (cpumode === Misc.GUEST_KERNEL) return;
      if (r.filename.startsWith(KERNEL_DSO) || r.filename.startsWith("[guest.kernel")) {
        // The kernel text map ends where the next kernel map (a module) starts.
        this.kernelMap = new MapEntry(r.start, MAX_ADDR, r.start, this.kernel, true);
        this.kernelMaps.insert(this.kernelMap);
      } else {
        const base = r.filename
          .replace(/^.*\//, "")
          .replace(/\.ko(\..*)?$/, "")
          .replace(/-/g, "_");
        const name = r.filename.startsWith("[") ? r.filename : `[${base}]`;
        this.kernelMaps.insert(new MapEntry(r.start, end, r.pgoff, this.dso(name, "module"), true));
      }
      return;
    }
    const thread = this.findnewThread(r.pid, r.tid);
    const prot = r.kind === "MMAP2" ? r.prot : misc & Misc.MMAP_DATA ? 1 : 4;
    const name = r.filename;
    let dso: Dso;
    let identity = false;
    let pgoff = r.pgoff;
    if (isAnon(name) || isNoDso(name)) {
      identity = true;
      dso = isAnon(name) && prot & 4 ? this.dso(`/tmp/perf-${r.pid}.map`, "jit", r.pid) : this.dso(name, "anon");
    } else if (name === "[vdso]") {
      pgoff = 0n;
      dso = this.dso(name);
    } else dso = this.dso(name);
    thread.maps.insert(new MapEntry(r.start, end, pgoff, dso, identity));
  }

  /** KSYMBOL: a BPF program or out-of-line kernel text gets its own map and dso. */
  processKsymbol(r: KsymbolRecord): void {
    if (r.flags & 1) return; // unregister: perf removes the map; lookups then fall back to the kernel
    const d = this.dso(r.name, "module");
    this.kernelMaps.insert(new MapEntry(r.addr, r.addr + BigInt(r.len), 0n, d, true));
  }

  /** Kernel symbols, loaded once on the first kernel lookup (modules share the kallsyms table). */
  kernelSymbols(): KernelSymbols | null {
    if (!this.kernelLoaded) {
      this.kernelLoaded = true;
      let ahead: KernelSymbols | undefined;
      try {
        const path = this.#preloader ? kernelSymbolsPath(this.kernel.buildId, this.options.kallsyms) : "";
        ahead = this.#preloader?.kernelSymbols(kallsymsJobKey(path));
      } catch {
        // A path that cannot be computed was not preloaded either.
      }
      this.kernelSyms = ahead ?? findKernelSymbols(this.kernel.buildId, this.options.kallsyms);
    }
    return this.kernelSyms;
  }

  /**
   * Starts loading, on a worker thread, the symbol tables the recording's build ids name (the
   * kernel's kallsyms and every DSO's ELF symbols), so lookups after a long walk find them
   * ready. Returns false when no worker could be started (tables then load on first use).
   */
  preloadSymbols(): boolean {
    if (this.#preloader) return true;
    const jobs: PreloadJob[] = [];
    try {
      const kpath = kernelSymbolsPath(this.kernel.buildId, this.options.kallsyms);
      jobs.push({ key: kallsymsJobKey(kpath), kind: "kallsyms", path: kpath });
    } catch {
      // No usable kallsyms path: the kernel loads (or fails) on first use as before.
    }
    for (const [name, buildId] of this.buildIds) {
      if (name === KERNEL_DSO || !(name.startsWith("/") || name === "[vdso]")) continue;
      jobs.push({ key: elfJobKey(name, buildId), kind: "elf", path: name, buildId });
    }
    try {
      this.#preloader = new SymbolPreloader(jobs);
      return true;
    } catch {
      return false;
    }
  }

  /** Stops a symbol preload still running. */
  closePreload(): void {
    this.#preloader?.close();
    this.#preloader = undefined;
  }

  /** perf's thread__find_map: the map of `addr` in kernel or user space by cpumode. */
  findMap(thread: Thread | undefined, cpumode: number, addr: bigint): MapEntry | undefined {
    if (cpumode === Misc.KERNEL || cpumode === Misc.HYPERVISOR) {
      if (cpumode === Misc.HYPERVISOR) return undefined;
      return this.kernelMaps.find(addr);
    }
    if (cpumode === Misc.USER) return thread?.maps.find(addr);
    return undefined;
  }

  /** True when the kernel text map exists (a kernel MMAP was seen). */
  get hasKernelMap(): boolean {
    return this.kernelMap !== undefined;
  }
}
