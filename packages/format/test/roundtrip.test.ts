/**
 * The encoder must reproduce every record of real recordings byte for byte from the decoder's
 * typed objects: samples from their fields, side-band records from their typed form.
 */
import { describe, expect, test } from "bun:test";
import { encodeKernelRecord, encodeSample, encodeUserRecord, openPerfData, RecordType } from "../src/index.ts";
import { fixtureNames, fixturePath } from "./_fixtures.ts";

// Not byte-canonical: perf writes cpu maps in mask or range form (the encoder writes the list
// form), perf 6.1's inject pads build-id records to 64 without the size bit (the encoder writes
// the current 8-byte padding with the size bit), and zstd output depends on the compressor.
const NOT_CANONICAL = new Set<number>([
  RecordType.CPU_MAP,
  RecordType.EVENT_UPDATE,
  RecordType.COMPRESSED,
  RecordType.HEADER_BUILD_ID,
]);

describe("decode → encode reproduces each record", () => {
  for (const name of fixtureNames()) {
    test(name, () => {
      using file = openPerfData(fixturePath(name));
      let checked = 0;
      for (const rec of file.records()) {
        const original = rec.recordBytes;
        let again: Uint8Array | undefined;
        if (rec.type === RecordType.SAMPLE) {
          const s = rec.sample();
          again = encodeSample(rec.event!.attr, s.toJSON(), rec.misc, rec.littleEndian);
        } else if (rec.type < 64 && rec.event) {
          const d = rec.decode();
          if (d.kind === "UNKNOWN" || d.kind === "SAMPLE") continue;
          again = encodeKernelRecord(
            d as Parameters<typeof encodeKernelRecord>[0],
            rec.event.attr,
            rec.littleEndian,
            rec.misc,
          );
        } else if (rec.type >= 64 && !NOT_CANONICAL.has(rec.type)) {
          const d = rec.decode();
          if (d.kind === "UNKNOWN" || d.kind === "SAMPLE") continue;
          again = encodeUserRecord(d as Parameters<typeof encodeUserRecord>[0], rec.littleEndian, rec.misc).subarray(
            0,
            rec.size,
          );
        }
        if (!again) continue;
        expect({ index: rec.index, type: rec.typeName, bytes: Buffer.from(again).toString("hex") }).toEqual({
          index: rec.index,
          type: rec.typeName,
          bytes: Buffer.from(original).toString("hex"),
        });
        checked++;
      }
      expect(checked).toBeGreaterThan(5);
    });
  }
});
