import { readlinkSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { type ConfigOptions, configGet } from "../config/index.ts";
import { tryBuildIdOf } from "./build-id.ts";
import { ElfError } from "./elf/errors.ts";
import { ElfFile } from "./elf/reader.ts";

/** Where perf looks for a DSO's symbols, in perf 6.1's binary_type_symtab order. */
export type BinarySourceKind =
  | "debuglink"
  | "build-id-cache"
  | "build-id-cache-debug"
  | "fedora-debuginfo"
  | "ubuntu-debuginfo"
  | "build-id-debuginfo"
  | "system-path";

/** One candidate file for a DSO. */
export interface BinaryCandidate {
  kind: BinarySourceKind;
  path: string;
}

/** Options for {@link binaryCandidates} and {@link findBinary}. */
export interface FindBinaryOptions {
  /** Expected build id (hex), e.g. from the perf.data HEADER_BUILD_ID feature. */
  buildId?: string | null;
  /** Build-id cache root; default {@link buildIdDir}(). */
  buildIdDir?: string;
  /** Root of system debug files; default "/usr/lib/debug". */
  debugDir?: string;
}

/** The files perf would read for one DSO: `syms` has the symbol table, `runtime` the loadable image. */
export interface FoundBinary {
  syms: BinaryCandidate;
  runtime: BinaryCandidate;
}

/**
 * perf's build-id cache root: the `buildid.dir` config key, else `$HOME/.debug`. perf 6.1
 * only *exports* `$PERF_BUILDID_DIR` to the scripts it runs and ignores it as input
 * (checked with `PERF_BUILDID_DIR=/x perf buildid-cache -l`), so it is honoured here only
 * when `useEnv` is true (e.g. inside a script perf started).
 */
export function buildIdDir(options: ConfigOptions & { useEnv?: boolean } = {}): string {
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  const env = options.env ?? process.env;
  if (options.useEnv && env.PERF_BUILDID_DIR) return env.PERF_BUILDID_DIR;
  const fromConfig = configGet("buildid.dir", options);
  if (fromConfig) return fromConfig;
  return join(env.HOME || homedir(), ".debug");
}

/** True for pseudo-DSOs that live only in the build-id cache. */
function isVdso(name: string): boolean {
  return name === "[vdso]" || name === "[vdso32]" || name === "[vdsox32]";
}

/**
 * The file inside the build-id cache for a build id: `<dir>/.build-id/xx/yyyy` links to
 * `<dir>/<dso path>/<build id>/`, which holds `elf`, `debug`, `vdso` or `kallsyms`.
 */
export function buildIdCachePath(
  buildId: string,
  file: "elf" | "debug" | "vdso" | "kallsyms",
  dir = buildIdDir(),
): string {
  if (typeof buildId !== "string" || !/^[0-9a-f]{2,}$/i.test(buildId))
    throw new TypeError(`buildId must be a hex string, got ${typeof buildId}`);
  const link = join(dir, ".build-id", buildId.slice(0, 2).toLowerCase(), buildId.slice(2).toLowerCase());
  let target = link;
  try {
    target = resolve(dirname(link), readlinkSync(link));
  } catch {
    // not a symlink: older caches stored the file itself at the link path
    return link;
  }
  return join(target, file);
}

/** Every file perf 6.1 would try for DSO `path`, in order (existence not checked). */
export function binaryCandidates(path: string, options: FindBinaryOptions = {}): BinaryCandidate[] {
  if (typeof path !== "string" || path === "")
    throw new TypeError(`path must be a non-empty string, got ${typeof path}`);
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  const bid = expectedBuildId(path, options);
  const cache = options.buildIdDir ?? buildIdDir();
  const debugDir = options.debugDir ?? "/usr/lib/debug";
  const out: BinaryCandidate[] = [];
  if (isVdso(path)) {
    if (bid) out.push({ kind: "build-id-cache", path: buildIdCachePath(bid, "vdso", cache) });
    return out;
  }
  const link = debugLinkOf(path);
  if (link) {
    const dir = dirname(path);
    for (const p of [link, join(dir, link), join(dir, ".debug", link), join(debugDir, dir, link)])
      out.push({ kind: "debuglink", path: p });
  }
  if (bid) {
    out.push({ kind: "build-id-cache", path: buildIdCachePath(bid, "elf", cache) });
    out.push({ kind: "build-id-cache-debug", path: buildIdCachePath(bid, "debug", cache) });
  }
  out.push({ kind: "fedora-debuginfo", path: `${debugDir}${path}.debug` });
  out.push({ kind: "ubuntu-debuginfo", path: `${debugDir}${path}` });
  if (bid)
    out.push({
      kind: "build-id-debuginfo",
      path: join(debugDir, ".build-id", bid.slice(0, 2), `${bid.slice(2)}.debug`),
    });
  out.push({ kind: "system-path", path });
  return out;
}

/** perf's dso__load reads the build id from the DSO itself when perf.data had none. */
function expectedBuildId(path: string, options: FindBinaryOptions): string | null {
  if (options.buildId) return options.buildId.toLowerCase();
  return isVdso(path) || !isRegularFile(path) ? null : tryBuildIdOf(path);
}

function debugLinkOf(path: string): string | null {
  if (!isRegularFile(path)) return null;
  try {
    const elf = ElfFile.open(path);
    try {
      return elf.debugLink()?.file ?? null;
    } finally {
      elf.close();
    }
  } catch (e) {
    if (e instanceof ElfError) return null;
    throw e;
  }
}

function isRegularFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds the files perf would read symbols from for DSO `path` (perf's dso__load loop):
 * the first candidate with a `.symtab` gives the symbols, the first with a `.dynsym` (or,
 * failing that, any readable ELF) the runtime image. Candidates whose build id differs
 * from `options.buildId` are rejected, as perf does. Returns null when nothing usable exists.
 */
export function findBinary(path: string, options: FindBinaryOptions = {}): FoundBinary | null {
  const found = openBinary(path, options);
  if (!found) return null;
  found.close();
  return { syms: found.syms, runtime: found.runtime };
}

/** {@link findBinary} with the chosen files left open (close() releases them). */
export interface OpenedBinary extends FoundBinary {
  symsElf: ElfFile;
  runtimeElf: ElfFile;
  close(): void;
}

/** {@link findBinary}, keeping the chosen files open so the caller does not open them again. */
export function openBinary(path: string, options: FindBinaryOptions = {}): OpenedBinary | null {
  const bid = expectedBuildId(path, options);
  let syms: { c: BinaryCandidate; elf: ElfFile } | null = null;
  let runtime: { c: BinaryCandidate; elf: ElfFile } | null = null;
  let anyElf: { c: BinaryCandidate; elf: ElfFile } | null = null;
  const kept = new Set<ElfFile>();
  for (const c of binaryCandidates(path, options)) {
    if (!isRegularFile(c.path)) continue;
    let elf: ElfFile;
    try {
      elf = ElfFile.open(c.path);
    } catch (e) {
      if (e instanceof ElfError) continue;
      throw e;
    }
    try {
      if (bid && elf.buildId() !== bid) continue;
      if (!anyElf) {
        anyElf = { c, elf };
        kept.add(elf);
      }
      if (!syms && elf.hasSymtab()) {
        syms = { c, elf };
        kept.add(elf);
      }
      if (!runtime && elf.section(".dynsym")) {
        runtime = { c, elf };
        kept.add(elf);
      }
    } catch (e) {
      if (!(e instanceof ElfError)) throw e;
    } finally {
      if (!kept.has(elf)) elf.close();
    }
    if (syms && runtime) break;
  }
  if (!syms && !runtime && !anyElf) return null;
  // perf: with no .symtab anywhere, the runtime image's .dynsym is the symbol source.
  const s = syms ?? runtime ?? anyElf!;
  const r = runtime ?? s;
  for (const elf of kept) if (elf !== s.elf && elf !== r.elf) elf.close();
  return {
    syms: s.c,
    runtime: r.c,
    symsElf: s.elf,
    runtimeElf: r.elf,
    close() {
      s.elf.close();
      r.elf.close();
    },
  };
}
