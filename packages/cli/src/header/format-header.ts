/**
 * `perf report --header-only` (and `--header-only -I`) as perf 6.1 prints it: the
 * perf_session__fprintf_info frame, perf_header__fprintf_info's fixed lines, every feature
 * in bit order (pipe mode: in stream order, up to perf's end marker) and the missing list.
 */
import { endianness } from "node:os";
import { checkArg } from "@perfkit/format";
import { cCtime } from "./c-format.ts";
import { featOp, PERF61_LAST_FEATURE, printFeature } from "./feature-printers.ts";
import type { PerfDataFileLike } from "./file-like.ts";

/** Options of {@link formatHeaderOnly}. */
export interface HeaderOnlyOptions {
  /** The file's modification time, printed as "captured on" (perf fstat()s the input). */
  capturedOn: Date;
  /** `-I` / `--show-info`: print CPU/NUMA/cache/memory topology instead of "info available". */
  full?: boolean;
}

/** Renders the `perf report --header-only` text from already decoded header data (pure). */
export function renderHeaderOnly(file: PerfDataFileLike, options: HeaderOnlyOptions): string {
  checkArg(typeof file === "object" && file !== null && file.features instanceof Map, "file", "a PerfDataFile", file);
  checkArg(
    typeof options === "object" && options !== null && options.capturedOn instanceof Date,
    "options",
    "an object with a Date capturedOn",
    options,
  );
  const crossEndian = file.littleEndian !== undefined && file.littleEndian !== (endianness() === "LE");
  const ctx = { full: options.full === true, features: file.features, crossEndian };
  const dataOffset = file.isPipe ? 0 : (file.header?.data.offset ?? 0);
  const dataSize = file.isPipe ? 0 : (file.header?.data.size ?? 0);
  let out = "# ========\n";
  out += `# captured on    : ${cCtime(options.capturedOn)}`;
  out += "# header version : 1\n";
  out += `# data offset    : ${dataOffset}\n`;
  out += `# data size      : ${dataSize}\n`;
  out += `# feat offset    : ${file.isPipe ? 0 : dataOffset + dataSize}\n`;
  if (file.isPipe) {
    // Pipe mode: the frame closes first; features print as their records are processed.
    out += "# ========\n#\n";
    for (const [id, value] of file.features) {
      if (id >= PERF61_LAST_FEATURE) break; // the end marker (or a newer id perf 6.1 rejects)
      out += printFeature(id, value, ctx);
    }
    return out;
  }
  const present = new Set(file.header?.features ?? []);
  for (const id of [...present].sort((a, b) => a - b)) out += printFeature(id, file.features.get(id), ctx);
  out += "# missing features: ";
  for (let id = 1; id < PERF61_LAST_FEATURE; id++) if (!present.has(id)) out += `${featOp(id)?.name} `;
  out += "\n# ========\n#\n";
  return out;
}
