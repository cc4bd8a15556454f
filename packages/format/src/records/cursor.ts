/** What a record decoder needs to read one record, and the shared "too short" error. */
import { PerfDataError } from "../errors.ts";

/** One record's location and byte order, handed to the typed decoders. */
export interface RecordCursor {
  type: number;
  misc: number;
  size: number;
  view: DataView;
  bytes: Uint8Array;
  /** Offset of the record in `view`/`bytes`. */
  pos: number;
  /** Offset just past the record's own fields (before any sample_id trailer). */
  bodyEnd: number;
  le: boolean;
  /** Absolute file offset and stream index, for errors. */
  fileOffset: number;
  index: number;
}

/** Throws the error for a record too short for its fixed fields. */
export function tooShort(c: RecordCursor, need: number): never {
  throw new PerfDataError(
    "bad-record",
    `record of type ${c.type} needs ${need} bytes, has ${c.bodyEnd - c.pos}`,
    c.fileOffset,
    c.index,
    c.type,
  );
}
