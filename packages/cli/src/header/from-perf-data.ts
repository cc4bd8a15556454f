/**
 * The printer's entry point for an opened `PerfDataFile`: decodes its feature sections and,
 * for pipe mode, reads the stream up to perf's end-of-features marker the way
 * `perf report --header-only` does (features arrive as HEADER_FEATURE records).
 */
import { fstatSync, statSync } from "node:fs";
import { checkArg, decodeFeatures, type PerfDataFile, RecordType } from "@perfkit/format";
import { PERF61_LAST_FEATURE } from "./feature-printers.ts";
import type { PerfDataFileLike } from "./file-like.ts";
import { renderHeaderOnly } from "./format-header.ts";

/** Decodes what the header printer needs from an opened file. Consumes a pipe-mode stream. */
export function headerInputOf(file: PerfDataFile): PerfDataFileLike {
  checkArg(typeof file === "object" && file !== null && "mode" in file, "file", "a PerfDataFile", file);
  if (file.mode === "file") {
    const sections = [...file.featureSections.values()];
    const { features } = decodeFeatures(sections, file.littleEndian);
    return { isPipe: false, littleEndian: file.littleEndian, header: file.header, features };
  }
  // Pipe: perf stops at the HEADER_FEATURE whose id is its HEADER_LAST_FEATURE. Zero-length
  // sections (BRANCH_STACK, STAT) are kept: their presence is what perf prints.
  const sections: { id: number; bytes: Uint8Array; offset: number }[] = [];
  for (const rec of file.records({ onError: () => "stop" })) {
    if (rec.type !== RecordType.HEADER_FEATURE || rec.size < 16) continue;
    const id = Number(rec.view.getBigUint64(rec.pos + 8, rec.littleEndian));
    if (id >= PERF61_LAST_FEATURE) break;
    sections.push({ id, bytes: rec.bytes.subarray(rec.pos + 16, rec.pos + rec.size), offset: rec.offset + 16 });
  }
  return {
    isPipe: true,
    littleEndian: file.littleEndian,
    features: decodeFeatures(sections, file.littleEndian).features,
  };
}

/** Options of {@link formatHeaderOnly}. */
export interface FormatHeaderOnlyOptions {
  /** "captured on" time; default: the input's mtime (perf fstat()s its input; `-` is stdin). */
  capturedOn?: Date;
  /** `-I` / `--show-info`: print the topology sections instead of "info available" lines. */
  full?: boolean;
}

/**
 * `perf report --header-only [-I]` text, byte for byte as perf 6.1 prints it, for an opened
 * `PerfDataFile` (or already decoded {@link PerfDataFileLike} data).
 */
export function formatHeaderOnly(file: PerfDataFile | PerfDataFileLike, options: FormatHeaderOnlyOptions = {}): string {
  checkArg(typeof file === "object" && file !== null, "file", "a PerfDataFile", file);
  checkArg(typeof options === "object" && options !== null, "options", "an object", options);
  checkArg(
    options.capturedOn === undefined || options.capturedOn instanceof Date,
    "options.capturedOn",
    "a Date",
    options.capturedOn,
  );
  let capturedOn = options.capturedOn;
  if (!capturedOn) {
    const path = "path" in file ? file.path : undefined;
    checkArg(path !== undefined, "options.capturedOn", "a Date when the file was not opened from a path", undefined);
    capturedOn = path === "-" ? fstatSync(0).mtime : statSync(path).mtime;
  }
  const input = "isPipe" in file ? file : headerInputOf(file);
  return renderHeaderOnly(input, { capturedOn, full: options.full });
}
