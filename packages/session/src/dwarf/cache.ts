/** Per-binary cache: each (path, build id) is opened and indexed once per session. */
import { statSync } from "node:fs";
import { buildIdCachePath, ElfFile, tryBuildIdOf } from "../symbols/index.ts";
import { DwarfBinary } from "./binary.ts";
import { type DebugFile, type DebugSearchOptions, findDebugFile } from "./debug-file.ts";

/** How a binary was resolved, for stack-quality reporting. */
export interface BinaryStatus {
  /** The path perf recorded. */
  path: string;
  /** The recorded build id, or null. */
  buildId: string | null;
  /** The file actually read, or null when none was readable. */
  binary: DwarfBinary | null;
  /** A file existed but no candidate matched the recorded build id (the binary changed). */
  buildIdMismatch: boolean;
  /** Where DWARF was found, or null (no source lines / inline frames). */
  debug: DebugFile | null;
}

/** Opens binaries on demand and keeps them; call {@link DwarfCache.close} to release fds. */
export class DwarfCache {
  readonly #entries = new Map<string, BinaryStatus>();

  constructor(readonly options: DebugSearchOptions = {}) {
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  }

  /** Resolves the binary mapped from `path` with recorded `buildId` (null when unknown). */
  get(path: string, buildId: string | null = null): BinaryStatus {
    if (typeof path !== "string") throw new TypeError("path must be a string");
    const key = `${path}\0${buildId ?? ""}`;
    let st = this.#entries.get(key);
    if (!st) {
      st = this.load(path, buildId);
      this.#entries.set(key, st);
    }
    return st;
  }

  /** Every binary resolved so far. */
  entries(): BinaryStatus[] {
    return [...this.#entries.values()];
  }

  /** Closes every binary. */
  close(): void {
    for (const e of this.#entries.values()) e.binary?.close();
    this.#entries.clear();
  }

  private load(path: string, buildId: string | null): BinaryStatus {
    const st: BinaryStatus = { path, buildId, binary: null, buildIdMismatch: false, debug: null };
    // perf reads the vdso (its CFI included) from the copy `perf record` put in the build-id cache.
    const vdso = path === "[vdso]";
    if (path === "" || (path.startsWith("[") && !vdso) || path.startsWith("//anon") || path.startsWith("/memfd:"))
      return st;
    if (vdso && !buildId) return st;
    const candidates = vdso ? [] : [path];
    if (buildId) {
      try {
        candidates.push(buildIdCachePath(buildId, vdso ? "vdso" : "elf", this.options.buildIdDir));
      } catch {
        // not a hex build id: only the path itself
      }
    }
    let chosen: string | null = null;
    let anyExists = false;
    for (const c of candidates) {
      const bid = tryBuildIdOf(c);
      if (bid === null && !exists(c)) continue;
      anyExists = true;
      if (!buildId || bid === buildId) {
        chosen = c;
        break;
      }
    }
    if (!chosen && anyExists) {
      // perf still unwinds with the file at the recorded path; the mismatch is reported.
      st.buildIdMismatch = true;
      chosen = !vdso && exists(path) ? path : null;
    }
    if (!chosen) return st;
    let probe: ElfFile | null = null;
    try {
      probe = ElfFile.open(chosen);
      st.debug = findDebugFile(probe, buildId, this.options);
    } catch {
      return st;
    } finally {
      probe?.close();
    }
    try {
      st.binary = DwarfBinary.open(chosen, st.debug && st.debug.source !== "self" ? st.debug.path : null);
    } catch {
      st.binary = null;
    }
    return st;
  }
}

function exists(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
