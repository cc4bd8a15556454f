/**
 * Re-encodes a decoded perf.data into another byte order, mode or compression: every record is
 * decoded to its typed object and encoded again, so this exercises both directions end to end.
 * It is how the tests build big-endian files from this little-endian machine's recordings.
 */
import { Feature, RecordType } from "../constants.ts";
import { decodeFeature } from "../features/index.ts";
import type { PerfDataFile } from "../perf-data.ts";
import { ByteWriter } from "./byte-writer.ts";
import { encodeKernelRecord, encodeUserRecord } from "./record-encoder.ts";
import { encodeSample } from "./sample-encoder.ts";
import { encodeStringFeature, type WriterEvent, writePerfData } from "./writer.ts";

/** Options of {@link transcode}. */
export interface TranscodeOptions {
  littleEndian: boolean;
  mode?: "file" | "pipe";
  compress?: boolean;
}

const STRING_FEATURES = [
  Feature.HOSTNAME,
  Feature.OSRELEASE,
  Feature.VERSION,
  Feature.ARCH,
  Feature.CPUDESC,
  Feature.CPUID,
];

/** Writes `file` again with the given byte order/mode. Tracepoint raw payloads are copied as they are. */
export function transcode(file: PerfDataFile, o: TranscodeOptions): Uint8Array {
  const le = o.littleEndian;
  const records: Uint8Array[] = [];
  for (const rec of file.records()) {
    // Inner records of compressed chunks are re-encoded individually; the chunk itself is dropped.
    if (rec.type === RecordType.COMPRESSED || rec.type === RecordType.COMPRESSED2) continue;
    // Attrs and features travel in the header (file mode) or are regenerated (pipe mode).
    if (rec.type === RecordType.HEADER_ATTR || rec.type === RecordType.HEADER_FEATURE) continue;
    if (rec.type === RecordType.SAMPLE) {
      if (!rec.event) continue;
      records.push(encodeSample(rec.event.attr, rec.sample().toJSON(), rec.misc, le));
      continue;
    }
    const d = rec.decode();
    if (d.kind === "UNKNOWN" || d.kind === "SAMPLE") continue;
    if (rec.type < 64)
      records.push(encodeKernelRecord(d as Parameters<typeof encodeKernelRecord>[0], rec.event?.attr, le, rec.misc));
    else records.push(encodeUserRecord(d as Parameters<typeof encodeUserRecord>[0], le, rec.misc));
  }
  const events: WriterEvent[] = file.events.map((e) => ({ attr: e.attr, ids: e.ids, name: file.eventName(e) }));
  const features = new Map<number, Uint8Array>();
  const ctx = { littleEndian: file.littleEndian };
  for (const id of STRING_FEATURES) {
    const b = file.featureBytes(id);
    if (!b) continue;
    const v = decodeFeature(id, b, ctx);
    if ("value" in v && typeof v.value === "string") features.set(id, encodeStringFeature(v.value, le));
  }
  const nr = file.featureBytes(Feature.NRCPUS);
  if (nr) {
    const v = decodeFeature(Feature.NRCPUS, nr, ctx);
    if (v.feature === "NRCPUS")
      features.set(Feature.NRCPUS, new ByteWriter(le).u32(v.nrCpusAvail).u32(v.nrCpusOnline).finish());
  }
  const bid = file.featureBytes(Feature.BUILD_ID);
  if (bid) {
    const v = decodeFeature(Feature.BUILD_ID, bid, ctx);
    if (v.feature === "BUILD_ID") {
      const w = new ByteWriter(le);
      for (const e of v.entries) {
        const r = encodeUserRecord(
          { kind: "HEADER_BUILD_ID", pid: e.pid, buildId: e.hex, filename: e.filename, cpumode: e.cpumode },
          le,
        );
        // Feature-section entries carry header.type 0.
        new DataView(r.buffer).setUint32(0, 0, le);
        w.bytes(r);
      }
      features.set(Feature.BUILD_ID, w.finish());
    }
  }
  if (file.tracingData) features.set(Feature.TRACING_DATA, file.tracingData);
  return writePerfData({
    littleEndian: le,
    mode: o.mode ?? file.mode,
    events,
    records,
    features,
    compress: o.compress,
  });
}
