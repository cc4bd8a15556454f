/** `perf report --stats`: record counts by type, then sample counts per event (perf 6.1's layout). */
import { type PerfDataFile, RecordType, recordTypeName } from "@perfkit/format";
import { cFixed } from "../header/c-format.ts";

/** perf's short names for its own record types where they differ from the constant names. */
const PERF_NAMES: Record<number, string> = {
  [RecordType.HEADER_ATTR]: "ATTR",
  [RecordType.HEADER_EVENT_TYPE]: "EVENT_TYPE",
  [RecordType.HEADER_TRACING_DATA]: "TRACING_DATA",
  [RecordType.HEADER_BUILD_ID]: "BUILD_ID",
  [RecordType.HEADER_FEATURE]: "FEATURE",
};
/** perf 6.1 knows types up to FINISHED_INIT; later ones it cannot name. */
const PERF_HEADER_MAX = RecordType.FINISHED_INIT + 1;

/** Counts the records of a file and renders perf's `--stats` text. */
export function formatStats(file: PerfDataFile): string {
  const counts = new Uint32Array(PERF_HEADER_MAX);
  const samples = new Map<number, number>();
  const lostSamples = new Map<number, number>();
  let total = 0;
  // The cursor allocates nothing per record: counting a million records stays cheap.
  const w = file.cursor();
  while (w.next()) {
    const type = w.type;
    if (type >= PERF_HEADER_MAX) continue;
    counts[type]++;
    total++;
    if (type === RecordType.SAMPLE) {
      const e = w.event;
      if (e) samples.set(e.index, (samples.get(e.index) ?? 0) + 1);
    } else if (type === RecordType.LOST_SAMPLES) {
      const e = w.event;
      const d = w.record().decode();
      if (e && d.kind === "LOST_SAMPLES") lostSamples.set(e.index, (lostSamples.get(e.index) ?? 0) + Number(d.lost));
    }
  }
  const line = (name: string, n: number) => `${name.padStart(16)} events: ${String(n).padStart(10)}`;
  let out = "\nAggregated stats:\n";
  out += `${line("TOTAL", total)}\n`;
  for (let t = 1; t < PERF_HEADER_MAX; t++) {
    if (!counts[t]) continue;
    const name = PERF_NAMES[t] ?? recordTypeName(t);
    if (!name) continue;
    out += `${line(name, counts[t])}  (${cFixed((100 * counts[t]) / total, 1).padStart(4)}%)\n`;
  }
  for (const e of file.events) {
    const n = samples.get(e.index) ?? 0;
    const lost = lostSamples.get(e.index) ?? 0;
    if (!n && !lost) continue;
    out += `${file.eventName(e)} stats:\n`;
    if (n) out += `${line("SAMPLE", n)}\n`;
    if (lost) out += `${line("LOST_SAMPLES", lost)}\n`;
  }
  return out;
}
