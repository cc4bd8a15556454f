/**
 * Builds the printer's input from an opened `PerfDataFile`: decodes its feature sections
 * and, for pipe mode, reads the stream up to perf's end-of-features marker the way
 * `perf report --header-only` does (features arrive as HEADER_FEATURE records).
 */
import { statSync } from "node:fs";
import { checkArg, decodeFeatures, type PerfDataFile, RecordType } from "@perfkit/format";
import { PERF61_LAST_FEATURE } from "./feature-printers.ts";
import type { PerfDataFileLike } from "./file-like.ts";
import { formatHeaderOnly } from "./format-header.ts";

/** Decodes what the header printer needs from an opened file. Consumes a pipe-mode stream. */
export function headerInputOf(file: PerfDataFile): PerfDataFileLike {
  checkArg(typeof file === "object" && file !== null && "mode" in file, "file", "a PerfDataFile", file);
  if (file.mode === "file") {
    const sections = [...file.featureSections.values()];
    return { isPipe: false, header: file.header, features: decodeFeatures(sections, file.littleEndian).features };
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
  return { isPipe: true, features: decodeFeatures(sections, file.littleEndian).features };
}

/**
 * `perf report --header-only [-I]` for an opened file. "captured on" is the file's mtime
 * (perf fstat()s its input) unless `capturedOn` is given; a stream without a path needs it.
 */
export function headerOnlyText(file: PerfDataFile, options: { capturedOn?: Date; full?: boolean } = {}): string {
  checkArg(typeof options === "object" && options !== null, "options", "an object", options);
  let capturedOn = options.capturedOn;
  if (!capturedOn) {
    checkArg(file?.path !== undefined && file.path !== "-", "options.capturedOn", "a Date for a stream", capturedOn);
    capturedOn = statSync(file.path).mtime;
  }
  return formatHeaderOnly(headerInputOf(file), { capturedOn, full: options.full });
}
