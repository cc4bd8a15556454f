/** Opening the `-i FILE` input of a command, with perf's default of ./perf.data. */
import { openPerfData, type PerfDataFile } from "@perfkit/format";

/** Opens `-i` (default `perf.data`; `-` is stdin). */
export function openInput(path: string | undefined): PerfDataFile {
  return openPerfData(path ?? "perf.data");
}
