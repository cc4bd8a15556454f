/** One record of the stream, kept raw until a caller asks for its typed form. */
import { recordTypeName } from "./constants.ts";
import { PerfDataError } from "./errors.ts";
import type { EventEntry } from "./evlist.ts";
import type { RecordCursor } from "./records/cursor.ts";
import { decodeKernelRecord, type KernelRecord } from "./records/kernel.ts";
import { decodeUserRecord, type UserRecord } from "./records/user.ts";
import { Sample } from "./sample/sample.ts";
import { decodeSampleId, type SampleId, trailerTime } from "./sample-id.ts";

/** A record of an unknown type: passed through, never fatal. */
export interface UnknownRecord {
  kind: "UNKNOWN";
  type: number;
  body: Uint8Array;
}

/** What {@link PerfRecord.decode} returns: every record type as a typed object. */
export type DecodedRecord = KernelRecord | UserRecord | { kind: "SAMPLE"; sample: Sample } | UnknownRecord;

/**
 * A record located in the stream. Reading `type`, `misc`, `size` costs nothing; `sample()`
 * and `decode()` build the typed views on demand. The bytes it points into are never reused
 * by the reader, so a record stays valid for as long as it is referenced.
 */
export class PerfRecord {
  constructor(
    readonly type: number,
    readonly misc: number,
    /** header.size (for COMPRESSED2 with the writer's size bug: the bytes actually used). */
    readonly size: number,
    /** Absolute offset in the file or stream (inner records of a compressed chunk: that chunk's offset). */
    readonly offset: number,
    /** Index in stream order, counting inner records of compressed chunks. */
    readonly index: number,
    readonly view: DataView,
    readonly bytes: Uint8Array,
    /** Offset of the record inside `view`/`bytes`. */
    readonly pos: number,
    readonly littleEndian: boolean,
    /** The event of a kernel record (undefined for user records and unknown ids). */
    readonly event: EventEntry | undefined,
    /** Data following the record outside header.size (AUXTRACE, HEADER_TRACING_DATA). */
    readonly payload?: Uint8Array,
  ) {}

  /** perf's name of the record type (`SAMPLE`, `MMAP2`, …) or `UNKNOWN`. */
  get typeName(): string {
    return recordTypeName(this.type) ?? "UNKNOWN";
  }

  /** The record's own bytes (header included), as a view. */
  get recordBytes(): Uint8Array {
    return this.bytes.subarray(this.pos, this.pos + this.size);
  }

  /** Timestamp: SAMPLE TIME or the trailer's TIME; undefined when the record has none. */
  get time(): bigint | undefined {
    const e = this.event;
    if (!e || this.type >= 64) return undefined;
    if (this.type === 9) {
      const o = e.layout.time;
      return o < 0 || o + 8 > this.size ? undefined : this.view.getBigUint64(this.pos + o, this.littleEndian);
    }
    return trailerTime(this.view, this.pos, this.size, e.layout, this.littleEndian);
  }

  /** The lazy sample view of a SAMPLE record. Throws when this is not a sample or its event is unknown. */
  sample(): Sample {
    if (this.type !== 9) throw new TypeError(`record #${this.index} is ${this.typeName}, not SAMPLE`);
    if (!this.event) {
      throw new PerfDataError("bad-sample", "sample id matches no event of the file", this.offset, this.index, 9);
    }
    return new Sample(
      this.view,
      this.pos,
      this.size,
      this.misc,
      this.littleEndian,
      this.event,
      this.offset,
      this.index,
    );
  }

  /** The sample_id trailer of a kernel side-band record ({} when absent). */
  sampleId(): SampleId {
    if (this.type >= 64 || this.type === 9) return {};
    return decodeSampleId(this.view, this.pos, this.size, this.event?.layout, this.littleEndian);
  }

  private cursor(): RecordCursor {
    const trailer = this.type < 64 && this.type !== 9 ? (this.event?.layout.trailerSize ?? 0) : 0;
    return {
      type: this.type,
      misc: this.misc,
      size: this.size,
      view: this.view,
      bytes: this.bytes,
      pos: this.pos,
      bodyEnd: this.pos + this.size - (trailer <= this.size - 8 ? trailer : 0),
      le: this.littleEndian,
      fileOffset: this.offset,
      index: this.index,
    };
  }

  /** Decodes the record into its typed object. Throws a PerfDataError for a malformed record. */
  decode(): DecodedRecord {
    if (this.type === 9) return { kind: "SAMPLE", sample: this.sample() };
    const c = this.cursor();
    const rec =
      this.type >= 64
        ? decodeUserRecord(c, this.payload)
        : decodeKernelRecord(c, this.sampleId(), this.event?.attr.readFormat ?? 0);
    return rec ?? { kind: "UNKNOWN", type: this.type, body: this.recordBytes.slice(8) };
  }
}
