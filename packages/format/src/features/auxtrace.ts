/** AUXTRACE: `u64 nr;` then `nr × {u64 file_offset; u64 size}`, an index of AUXTRACE records. */
import type { FeatureReader } from "./reader.ts";
import type { AuxtraceFeature } from "./types.ts";

/** Decodes AUXTRACE. */
export function decodeAuxtrace(r: FeatureReader): AuxtraceFeature {
  const nr = r.u64n("nr entries");
  r.needEntries(nr, 16, "auxtrace index entries");
  const entries: AuxtraceFeature["entries"] = [];
  for (let i = 0; i < nr; i++) {
    const fileOffset = r.u64("file_offset");
    const size = r.u64("size");
    entries.push({ fileOffset, size });
  }
  return { feature: "AUXTRACE", entries };
}
