/**
 * Turns the bytes of one record (from a live ring buffer, a socket, a test) into a PerfRecord
 * resolved against an event index, the same object the file reader yields.
 */
import { checkArg, PerfDataError } from "./errors.ts";
import type { EventIndex } from "./evlist.ts";
import { PerfRecord } from "./record.ts";

/** Wraps one whole record's bytes. The bytes are kept, not copied: pass a copy if the source is reused. */
export function recordFromBytes(
  bytes: Uint8Array,
  events: EventIndex,
  littleEndian = true,
  offset = 0,
  index = 0,
): PerfRecord {
  checkArg(bytes instanceof Uint8Array, "bytes", "a Uint8Array", bytes);
  if (bytes.length < 8)
    throw new PerfDataError("truncated", `a record needs 8 bytes, got ${bytes.length}`, offset, index);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getUint32(0, littleEndian);
  const misc = view.getUint16(4, littleEndian);
  const size = view.getUint16(6, littleEndian);
  if (size < 8 || size > bytes.length) {
    throw new PerfDataError(
      "bad-record",
      `record size ${size} does not fit ${bytes.length} bytes`,
      offset,
      index,
      type,
    );
  }
  const event = type < 64 ? events.eventOf(view, 0, size, type === 9, littleEndian) : undefined;
  const payload = size < bytes.length ? bytes.subarray(size) : undefined;
  return new PerfRecord(type, misc, size, offset, index, view, bytes, 0, littleEndian, event, payload);
}
