/**
 * The record walk as an explicit cursor: `next()` advances to the next record of the stream
 * (inflating compressed chunks, honouring the error policy) and the cursor's fields describe
 * it, so scanning a file allocates nothing per record. `record()` materialises a PerfRecord
 * when a caller wants one; the records() generator is built on top of this.
 */
import { ZstdStream } from "./compression.ts";
import { RecordType } from "./constants.ts";
import { PerfDataError } from "./errors.ts";
import type { EventEntry, EventIndex } from "./evlist.ts";
import { Framer } from "./framer.ts";
import { PerfRecord } from "./record.ts";
import { Sample } from "./sample/sample.ts";

/** One byte stream to walk: how to pull its bytes, where it starts, how to release it. */
export interface StreamSpec {
  pull(minBytes: number): Uint8Array | null;
  /**
   * For seekable sources: reads at least `minBytes` starting at absolute offset `from` (the
   * first byte the framer has not consumed), so a record straddling two windows is re-read
   * instead of copying the next window behind it. Returns null at the end.
   */
  reread?(from: number, minBytes: number): Uint8Array | null;
  start: number;
  maxExtra: number;
  /** Set when the stream is known to be cut short here: the end is reported as truncation. */
  truncatedAt?: number;
  close?(): void;
}

/** What the walker needs from its file: the event index, byte order and a hook for state records. */
export interface WalkHost {
  readonly littleEndian: boolean;
  readonly eventIndex: EventIndex;
  /** Applies a user record (type >= 64) to the file's state on the first pass. */
  absorb(rec: PerfRecord): void;
}

/** Error policy: throw (undefined), or a callback deciding to skip or stop. */
export type ErrorPolicy = ((err: PerfDataError) => "skip" | "stop") | undefined;

const MAX_INNER = 256 << 20;

/** A flyweight cursor over every record of one or more streams. */
export class RecordWalker {
  /** Fields of the current record (valid after next() returned true). */
  type = 0;
  misc = 0;
  size = 0;
  /** Absolute offset of the current record (inner records of a compressed chunk: the chunk's). */
  offset = 0;
  /** Index of the current record in stream order. */
  index = -1;

  private streamAt = -1;
  private stream: StreamSpec | undefined;
  private outer: Framer | undefined;
  private inner: Framer | undefined;
  private zstd: ZstdStream | undefined;
  /** The framer holding the current record. */
  private cur: Framer | undefined;
  private feedPending = false;
  private draining = false;
  private compressedOffset = 0;
  private done = false;
  private eventCache: EventEntry | undefined | null = null;

  constructor(
    private readonly host: WalkHost,
    private readonly streams: StreamSpec[],
    private readonly onError: ErrorPolicy,
    private readonly firstPass: boolean,
  ) {}

  /** The event of the current kernel record (undefined for user records and unknown ids). */
  get event(): EventEntry | undefined {
    if (this.eventCache === null) {
      const f = this.cur!;
      this.eventCache =
        this.type < 64
          ? this.host.eventIndex.eventOf(f.dataView, f.at, this.size, this.type === 9, this.host.littleEndian)
          : undefined;
    }
    return this.eventCache;
  }

  /** The current record as an object that stays valid after the cursor moves on. */
  record(): PerfRecord {
    const f = this.cur!;
    const at = f.at;
    const bytes = f.buffer;
    const payload = f.extra ? bytes.subarray(at + this.size, at + this.size + f.extra) : undefined;
    return new PerfRecord(
      this.type,
      this.misc,
      this.size,
      this.offset,
      this.index,
      f.dataView,
      bytes,
      at,
      this.host.littleEndian,
      this.event,
      payload,
    );
  }

  /** The current SAMPLE as a lazy Sample, without building a PerfRecord first. */
  sample(): Sample {
    const e = this.event;
    if (this.type !== RecordType.SAMPLE || !e) return this.record().sample();
    const f = this.cur!;
    return new Sample(f.dataView, f.at, this.size, this.misc, this.host.littleEndian, e, this.offset, this.index);
  }

  /** One walker per stream (directory members), sharing this walker's host and policy; record indices restart per stream. */
  split(): RecordWalker[] {
    return this.streams.map((s) => new RecordWalker(this.host, [s], this.onError, this.firstPass));
  }

  /** Releases the current stream. Safe to call twice; called automatically at the end. */
  close(): void {
    this.done = true;
    this.stream?.close?.();
    this.stream = undefined;
  }

  private handle(err: PerfDataError): boolean {
    if (!this.onError) {
      this.close();
      throw err;
    }
    if (this.onError(err) === "stop") {
      this.close();
      return false;
    }
    return true;
  }

  private openNextStream(): boolean {
    this.stream?.close?.();
    this.streamAt++;
    this.stream = this.streams[this.streamAt];
    if (!this.stream) return false;
    this.outer = new Framer(this.stream.start, this.host.littleEndian, this.stream.maxExtra);
    this.inner = undefined;
    this.zstd = undefined;
    this.draining = false;
    this.feedPending = false;
    return true;
  }

  private take(f: Framer, offset: number): boolean {
    this.cur = f;
    this.type = f.type;
    this.misc = f.misc;
    this.size = f.size;
    this.offset = offset;
    this.index++;
    this.eventCache = null;
    if (this.firstPass && f.type >= 64) {
      try {
        this.host.absorb(this.record());
      } catch (e) {
        if (!(e instanceof PerfDataError)) throw e;
        this.lastAbsorbError = e;
        return false;
      }
    }
    return true;
  }

  /** Feeds the current COMPRESSED/COMPRESSED2 record to the stream's zstd context. */
  private feed(): void {
    const f = this.cur!;
    const le = this.host.littleEndian;
    const start = f.at + (this.type === RecordType.COMPRESSED ? 8 : 16);
    let n = f.at + this.size - start;
    if (this.type === RecordType.COMPRESSED2) n = Math.min(n, Number(f.dataView.getBigUint64(f.at + 8, le)));
    this.zstd ??= new ZstdStream();
    this.inner ??= new Framer(0, le, MAX_INNER);
    for (const c of this.zstd.push(f.buffer.subarray(start, start + n), this.offset, this.index)) this.inner.push(c);
    this.compressedOffset = this.offset;
    this.draining = true;
  }

  /** Advances to the next record; false at the end. Throws (or consults the policy) on damage. */
  next(): boolean {
    if (this.done) return false;
    if (this.streamAt < 0 && !this.openNextStream()) {
      this.done = true;
      return false;
    }
    for (;;) {
      if (this.feedPending) {
        this.feedPending = false;
        try {
          this.feed();
        } catch (e) {
          if (!(e instanceof PerfDataError)) throw e;
          if (!this.handle(e)) return false;
        }
      }
      if (this.draining) {
        const inner = this.inner!;
        let r: number;
        try {
          r = inner.next(this.index + 1);
        } catch (e) {
          if (!(e instanceof PerfDataError)) throw e;
          this.inner = new Framer(0, this.host.littleEndian, MAX_INNER);
          this.draining = false;
          if (!this.handle(e)) return false;
          continue;
        }
        if (r > 0) {
          this.draining = false;
          continue;
        }
        if (this.take(inner, this.compressedOffset)) return true;
        if (!this.handle(this.absorbError())) return false;
        continue;
      }
      const outer = this.outer!;
      let r: number;
      try {
        r = outer.next(this.index + 1);
      } catch (e) {
        if (!(e instanceof PerfDataError)) throw e;
        if (!this.handle(e)) return false;
        outer.skip(8);
        continue;
      }
      if (r > 0) {
        const stream = this.stream!;
        if (stream.reread && outer.pending > 0) {
          const again = stream.reread(outer.offset, outer.pending + r);
          if (again && again.length > outer.pending) {
            outer.restart(again);
            continue;
          }
        }
        const chunk = stream.pull(r);
        if (chunk) {
          outer.push(chunk);
          continue;
        }
        if (outer.pending > 0) {
          const err = new PerfDataError(
            "truncated",
            `stream ends inside a record (${outer.pending} bytes left, ${r} more needed)`,
            outer.offset,
            this.index + 1,
          );
          if (!this.handle(err)) return false;
        } else if (stream.truncatedAt !== undefined) {
          const err = new PerfDataError(
            "truncated",
            "the file ends before its data section does",
            stream.truncatedAt,
            this.index + 1,
          );
          if (!this.handle(err)) return false;
        }
        if (this.inner && this.inner.pending > 0) {
          const err = new PerfDataError(
            "truncated",
            `compressed stream ends inside a record (${this.inner.pending} bytes left)`,
            outer.offset,
            this.index + 1,
          );
          if (!this.handle(err)) return false;
        }
        if (!this.openNextStream()) {
          this.close();
          return false;
        }
        continue;
      }
      if (!this.take(outer, outer.recordOffset)) {
        if (!this.handle(this.absorbError())) return false;
        continue;
      }
      if (this.type === RecordType.COMPRESSED || this.type === RecordType.COMPRESSED2) this.feedPending = true;
      return true;
    }
  }

  private lastAbsorbError: PerfDataError | undefined;
  private absorbError(): PerfDataError {
    return (
      this.lastAbsorbError ?? new PerfDataError("bad-record", "malformed record", this.offset, this.index, this.type)
    );
  }
}
