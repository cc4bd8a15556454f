import { ElfError } from "./elf/errors.ts";
import { ElfFile } from "./elf/reader.ts";

/**
 * The GNU build id of an ELF file as lowercase hex (what perf stores in HEADER_BUILD_ID),
 * or null when the file has no build-id note. Throws {@link ElfError} for unreadable files.
 */
export function buildIdOf(path: string): string | null {
  if (typeof path !== "string" || path === "")
    throw new TypeError(`path must be a non-empty string, got ${typeof path}`);
  const elf = ElfFile.open(path);
  try {
    return elf.buildId();
  } finally {
    elf.close();
  }
}

/** Like {@link buildIdOf} but returns null instead of throwing for missing or non-ELF files. */
export function tryBuildIdOf(path: string): string | null {
  try {
    return buildIdOf(path);
  } catch (e) {
    if (e instanceof ElfError) return null;
    throw e;
  }
}
