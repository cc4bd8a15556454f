/**
 * Finds the file holding a binary's DWARF: the binary itself, the perf build-id cache
 * (`~/.debug`), `/usr/lib/debug/.build-id/xx/yyyy.debug`, `.gnu_debuglink` targets, and a
 * debuginfod client cache. Every candidate's build id is checked against the expected one.
 */
import { statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { buildIdCachePath, buildIdDir, ElfFile } from "../symbols/index.ts";

/** Where a debug file was found. */
export type DebugSource = "self" | "build-id-cache" | "build-id-debuginfo" | "debuglink" | "debuginfod";

/** A located debug file. */
export interface DebugFile {
  path: string;
  source: DebugSource;
}

/** Search roots; every field has perf's/elfutils' default. */
export interface DebugSearchOptions {
  /** perf build-id cache root (default `$PERF_BUILDID_DIR` or `~/.debug`). */
  buildIdDir?: string;
  /** System debug root (default `/usr/lib/debug`). */
  debugDir?: string;
  /** debuginfod client cache (default `$DEBUGINFOD_CACHE_PATH`, else `$XDG_CACHE_HOME/debuginfod_client`, else `~/.cache/debuginfod_client`). */
  debuginfodCache?: string;
}

/** The debuginfod client cache directory elfutils uses. */
export function debuginfodCacheDir(): string {
  const env = process.env.DEBUGINFOD_CACHE_PATH;
  if (env) return env;
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg) return join(xdg, "debuginfod_client");
  return join(process.env.HOME || homedir(), ".cache", "debuginfod_client");
}

/** Candidate debug files for `binaryPath` in search order (existence not checked). */
export function debugFileCandidates(
  binaryPath: string,
  buildId: string | null,
  debugLink: string | null,
  options: DebugSearchOptions = {},
): DebugFile[] {
  if (typeof binaryPath !== "string" || binaryPath === "") throw new TypeError("binaryPath must be a non-empty string");
  if (buildId !== null && (typeof buildId !== "string" || !/^[0-9a-f]+$/i.test(buildId)))
    throw new TypeError("buildId must be a hex string or null");
  const out: DebugFile[] = [];
  const debugDir = options.debugDir ?? "/usr/lib/debug";
  if (buildId) {
    const bid = buildId.toLowerCase();
    const cache = options.buildIdDir ?? buildIdDir();
    out.push({ path: buildIdCachePath(bid, "debug", cache), source: "build-id-cache" });
    out.push({
      path: join(debugDir, ".build-id", bid.slice(0, 2), `${bid.slice(2)}.debug`),
      source: "build-id-debuginfo",
    });
  }
  if (debugLink) {
    const dir = dirname(binaryPath);
    for (const p of [join(dir, debugLink), join(dir, ".debug", debugLink), join(debugDir, dir, debugLink)])
      if (p !== binaryPath) out.push({ path: p, source: "debuglink" });
  }
  if (buildId)
    out.push({
      path: join(options.debuginfodCache ?? debuginfodCacheDir(), buildId.toLowerCase(), "debuginfo"),
      source: "debuginfod",
    });
  return out;
}

/**
 * The first file with `.debug_info` or `.debug_line` whose build id matches: the binary
 * itself when it carries DWARF, else the candidates of {@link debugFileCandidates}.
 * Returns null when none exists.
 */
export function findDebugFile(
  binary: ElfFile,
  buildId: string | null,
  options: DebugSearchOptions = {},
): DebugFile | null {
  if (!(binary instanceof ElfFile)) throw new TypeError("binary must be an ElfFile");
  if (hasDwarf(binary)) return { path: binary.name, source: "self" };
  const bid = buildId ?? safe(() => binary.buildId());
  const link = safe(() => binary.debugLink()?.file ?? null);
  for (const c of debugFileCandidates(binary.name, bid, link, options)) {
    if (!isFile(c.path)) continue;
    let elf: ElfFile;
    try {
      elf = ElfFile.open(c.path);
    } catch {
      continue;
    }
    try {
      if (bid && safe(() => elf.buildId()) !== bid) continue;
      if (hasDwarf(elf)) return c;
    } finally {
      elf.close();
    }
  }
  return null;
}

function hasDwarf(elf: ElfFile): boolean {
  return elf.sections.some(
    (s) => s.type !== 8 && (s.name === ".debug_info" || s.name === ".debug_line" || s.name === ".zdebug_info"),
  );
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function safe<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}
