/**
 * DSOs (binaries, the kernel, pseudo maps) as perf's `struct dso`: a name, a build id and a
 * symbol table loaded on first lookup. One lookup per address at most: tables cache hits.
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import {
  buildIdCachePath,
  type KernelSymbols,
  loadDsoSymbols,
  loadKallsyms,
  loadPerfMap,
  type Sym,
  type SymbolTable,
} from "./symbols/index.ts";

/** A resolved symbol as the session reports it. */
export interface ResolvedSym {
  readonly name: string;
  readonly start: bigint;
  readonly end: bigint;
}

/** What kind of object a dso stands for. */
export type DsoKind = "user" | "kernel" | "module" | "anon" | "jit";

/** One DSO: perf's `dso->name` (`long_name` is the same for user files) and its build id. */
export class Dso {
  /** Hex build id, or null when the recording did not carry one. */
  buildId: string | null = null;
  #table: SymbolTable<Sym> | null | undefined;
  #kernel: KernelSymbols | null | undefined;

  constructor(
    /** perf's dso name: the mapped path, `[kernel.kallsyms]`, `[vdso]`, `//anon`, … */
    readonly name: string,
    readonly kind: DsoKind,
    /** Pid whose /tmp/perf-PID.map holds JIT symbols (kind "jit"). */
    readonly jitPid = -1,
  ) {}

  /** The long name (the path for files; the same as `name` for pseudo DSOs). */
  get longName(): string {
    return this.name;
  }

  /** Where a kernel or module dso gets its (shared, lazily loaded) kallsyms table. */
  kernelSource: (() => KernelSymbols | null) | undefined;

  /**
   * A table loaded ahead for (name, build id), if any (undefined: load it here). Set by the
   * machine when its session preloads symbols on a worker.
   */
  preloaded: ((name: string, buildId: string | null) => SymbolTable<Sym> | null | undefined) | undefined;

  /** The symbol covering `addr` (dso-relative for user files, absolute for the kernel and JIT maps). */
  find(addr: bigint): ResolvedSym | null {
    if (this.kind === "kernel" || this.kind === "module") {
      if (this.#kernel === undefined) this.#kernel = this.kernelSource ? this.kernelSource() : null;
      return this.#kernel ? this.#kernel.find(addr) : null;
    }
    if (this.#table === undefined) this.#table = this.load();
    return this.#table ? this.#table.find(addr) : null;
  }

  private load(): SymbolTable<Sym> | null {
    try {
      if (this.kind === "jit") return loadPerfMap(this.jitPid);
      if (this.kind === "anon") return null;
      if (this.name.startsWith("[") && this.name !== "[vdso]") return null;
      const ahead = this.preloaded?.(this.name, this.buildId);
      if (ahead !== undefined) return ahead;
      return loadDsoSymbols(this.name, { buildId: this.buildId });
    } catch {
      // An unreadable or damaged binary only costs its own symbols, as in perf.
      return null;
    }
  }
}

/** The running kernel's build id from /sys/kernel/notes, or null. */
export function runningKernelBuildId(notesPath = "/sys/kernel/notes"): string | null {
  let b: Uint8Array;
  try {
    b = readFileSync(notesPath);
  } catch {
    return null;
  }
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 0;
  while (at + 12 <= b.length) {
    const namesz = v.getUint32(at, true);
    const descsz = v.getUint32(at + 4, true);
    const type = v.getUint32(at + 8, true);
    const nameAt = at + 12;
    const descAt = nameAt + ((namesz + 3) & ~3);
    if (descAt + descsz > b.length) break;
    const name = Buffer.from(b.subarray(nameAt, nameAt + namesz))
      .toString("latin1")
      .replace(/\0+$/, "");
    if (type === 3 && name === "GNU") return Buffer.from(b.subarray(descAt, descAt + descsz)).toString("hex");
    at = descAt + ((descsz + 3) & ~3);
  }
  return null;
}

/**
 * Kernel symbols as perf's dso__find_kallsyms picks them: the running kernel's table when the
 * recorded kernel build id is the running kernel's (or unknown), else the build-id cache's copy,
 * else none. See {@link kernelSymbolsPath} for which file holds the running kernel's table.
 */
export function findKernelSymbols(buildId: string | null, kallsymsPath?: string): KernelSymbols | null {
  try {
    // perf's own choices (the running kernel's table or perf's copy of one) are kernel-written.
    return loadKallsyms(kernelSymbolsPath(buildId, kallsymsPath), { kernelWritten: !kallsymsPath });
  } catch {
    return null;
  }
}

/** The kallsyms file {@link findKernelSymbols} reads for a kernel build id. */
export function kernelSymbolsPath(buildId: string | null, kallsymsPath?: string): string {
  if (kallsymsPath) return kallsymsPath;
  // No build id: perf's last resort is the running kernel's table.
  if (!buildId) return "/proc/kallsyms";
  const cached = buildIdCachePath(buildId, "kallsyms");
  if (runningKernelBuildId() !== buildId) return cached;
  // The running kernel: perf reads /proc/kallsyms, which the kernel formats on every read
  // (~50 ms). perf record left a copy in the build-id cache; when it starts with the same
  // lines (same boot, same KASLR base) it has the same table and reads in a few ms.
  return sameHead(cached, "/proc/kallsyms") ? cached : "/proc/kallsyms";
}

/** True when both files exist and start with the same bytes (up to 4 KiB). */
function sameHead(a: string, b: string): boolean {
  const head = (path: string): Buffer | null => {
    let fd = -1;
    try {
      fd = openSync(path, "r");
      const buf = Buffer.alloc(4096);
      return buf.subarray(0, readSync(fd, buf, 0, 4096, 0));
    } catch {
      return null;
    } finally {
      if (fd >= 0) closeSync(fd);
    }
  };
  const x = head(a);
  const y = x && x.length > 0 ? head(b) : null;
  if (x === null || y === null) return false;
  // /proc files return whole lines per read: compare the common prefix (at least 1 KiB of lines).
  const n = Math.min(x.length, y.length);
  return n >= Math.min(1024, x.length) && x.subarray(0, n).equals(y.subarray(0, n));
}
