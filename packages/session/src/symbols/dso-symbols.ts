import { ElfError } from "./elf/errors.ts";
import { loadElfSymbols } from "./elf-symbols.ts";
import { type FindBinaryOptions, openBinary } from "./find-binary.ts";
import type { SymbolTable } from "./symbol-table.ts";

/** Options for {@link loadDsoSymbols}. */
export interface LoadDsoSymbolsOptions extends FindBinaryOptions {
  /** Demangle names (default true). */
  demangle?: boolean;
  /** Keep aliases at one address (perf probe); default false (perf script/report). */
  allowAliases?: boolean;
}

/**
 * Finds and loads a user-space DSO's symbols as perf does. Symbol addresses are file
 * offsets: look a sample up with {@link mapIp}(ip, map.start, map.pgoff). Returns null
 * when no readable ELF exists or it is corrupt (the error is for that DSO only).
 */
export function loadDsoSymbols(path: string, options: LoadDsoSymbolsOptions = {}): SymbolTable | null {
  const found = openBinary(path, options);
  if (!found) return null;
  try {
    return loadElfSymbols(found.symsElf, {
      runtime: found.runtimeElf,
      demangle: options.demangle,
      allowAliases: options.allowAliases,
    });
  } catch (e) {
    if (e instanceof ElfError) return null;
    throw e;
  } finally {
    found.close();
  }
}

/**
 * perf's map__map_ip for file-backed maps: a sample address → the DSO-relative address
 * (file offset space) that symbol tables from {@link loadDsoSymbols} use.
 */
export function mapIp(ip: bigint, mapStart: bigint, pgoff: bigint): bigint {
  if (typeof ip !== "bigint") throw new TypeError(`ip must be a bigint, got ${typeof ip}`);
  if (typeof mapStart !== "bigint") throw new TypeError(`mapStart must be a bigint, got ${typeof mapStart}`);
  if (typeof pgoff !== "bigint") throw new TypeError(`pgoff must be a bigint, got ${typeof pgoff}`);
  return ip - mapStart + pgoff;
}
