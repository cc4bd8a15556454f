/**
 * The record walk as an explicit cursor: `next()` advances to the next record of the stream
 * (inflating compressed chunks, honouring the error policy) and the cursor's fields describe
 * it, so scanning a file allocates nothing per record. `record()` materialises a PerfRecord
 * when a caller wants one; the records() generator is built on top of this.
 */
import { ZstdStream } from "./compression.ts";
import { RecordType } from "./constants.ts";
import { checkArg, PerfDataError } from "./errors.ts";
import type { EventEntry, EventIndex } from "./evlist.ts";
import { Framer } from "./framer.ts";
import { PerfRecord } from "./record.ts";
import { SampleBatch } from "./sample/batch.ts";
import { Sample } from "./sample/sample.ts";

/** One byte stream to walk: how to pull its bytes, where it starts, how to release it. */
export interface StreamSpec {
  /** Reads at least `minBytes` more (null at the end); `reuse` as in {@link reread}. */
  pull(minBytes: number, reuse?: Uint8Array): Uint8Array | null;
  /**
   * For seekable sources: reads at least `minBytes` starting at absolute offset `from` (the
   * first byte the framer has not consumed), so a record straddling two windows is re-read
   * instead of copying the next window behind it. Returns null at the end. `reuse` is the
   * previous window when nothing handed out still points into it: it may be overwritten.
   */
  reread?(from: number, minBytes: number, reuse?: Uint8Array): Uint8Array | null;
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
  /**
   * Set once an object pointing into the current outer window was handed out (record(),
   * sample()): the window must then stay as it is. Otherwise it is recycled for the next read.
   */
  private pinned = false;

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

  /**
   * The current record's bytes: a view over the reader's window (the record starts at
   * {@link pos}). Valid only until `next()`; unlike {@link record} it pins nothing, so the
   * window keeps being recycled. For scans that read a few fields in place.
   */
  get view(): DataView {
    return this.cur!.dataView;
  }

  /** The current record's position in {@link view}. */
  get pos(): number {
    return this.cur!.at;
  }

  /** The current record as an object that stays valid after the cursor moves on. */
  record(): PerfRecord {
    this.pin();
    return this.makeRecord();
  }

  /**
   * The current record as a PerfRecord over its own copy of the bytes. Unlike {@link record}
   * it keeps nothing of the reader's window alive, so a scan that only takes copies (and
   * {@link sampleInto}) reads the whole file through one recycled window.
   */
  recordCopy(): PerfRecord {
    const f = this.cur!;
    const n = this.size + f.extra;
    const bytes = f.buffer.slice(f.at, f.at + n);
    const view = new DataView(bytes.buffer);
    const payload = f.extra ? bytes.subarray(this.size) : undefined;
    const { type, misc, size, offset, index } = this;
    return new PerfRecord(type, misc, size, offset, index, view, bytes, 0, this.host.littleEndian, this.event, payload);
  }

  /** Marks the current outer window as referenced by something handed out. */
  private pin(): void {
    if (this.cur === this.outer) this.pinned = true;
  }

  /** Builds the current record without pinning: for internal uses that keep nothing. */
  private makeRecord(): PerfRecord {
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
    this.pin();
    const f = this.cur!;
    return new Sample(f.dataView, f.at, this.size, this.misc, this.host.littleEndian, e, this.offset, this.index);
  }

  /**
   * Appends the current SAMPLE to `batch`, every field copied (see {@link SampleBatch}), and
   * returns its row. Nothing points into the reader's window afterwards, so a scan that only
   * uses this (and {@link recordCopy}) reads the file through one recycled window. Throws a
   * TypeError for a non-sample record, a RangeError when the batch is full, a PerfDataError
   * for a malformed sample or one whose id matches no event.
   */
  sampleInto(batch: SampleBatch): number {
    checkArg(batch instanceof SampleBatch, "batch", "a SampleBatch", batch);
    if (this.type !== RecordType.SAMPLE) throw new TypeError(`record #${this.index} is not a SAMPLE`);
    const e = this.event;
    if (!e) throw new PerfDataError("bad-sample", "sample id matches no event of the file", this.offset, this.index, 9);
    const f = this.cur!;
    return batch.appendFrom(f.dataView, f.at, this.size, this.misc, this.host.littleEndian, e, this.offset, this.index);
  }

  /**
   * Advances like {@link next}, appending every SAMPLE it passes to `batch` (as
   * {@link sampleInto}), until the batch is full (the last sample appended is then the current
   * record), a record that is not a sample is current, or the stream ends (returns false).
   * Samples lying whole in the current window are taken in one tight loop. Throws a RangeError
   * when called with a full batch: consume and clear it first.
   */
  nextInto(batch: SampleBatch): boolean {
    checkArg(batch instanceof SampleBatch, "batch", "a SampleBatch", batch);
    if (batch.full) throw new RangeError("the batch is full: consume and clear() it first");
    const le = this.host.littleEndian;
    for (;;) {
      // Whole samples of the current window in one tight loop (no user record to absorb).
      while (this.nextSample()) {
        const f = this.cur!;
        const e = this.event;
        if (!e)
          throw new PerfDataError("bad-sample", "sample id matches no event of the file", this.offset, this.index, 9);
        batch.appendFrom(f.dataView, f.at, f.size, f.misc, le, e, this.offset, this.index);
        if (batch.full) return true;
      }
      if (!this.next()) return false;
      if (this.type !== RecordType.SAMPLE) return true;
      this.sampleInto(batch);
      if (batch.full) return true;
    }
  }

  /**
   * Advances to the next record only when it is a SAMPLE lying whole in the current window
   * (most records of a file), skipping the general path's bookkeeping; returns false without
   * moving otherwise; then call {@link next}. For scans that loop `nextSample() || next()`.
   */
  nextSample(): boolean {
    const f = this.outer;
    if (f === undefined || this.streamAt < 0 || this.done || this.draining || this.feedPending || !f.nextSample())
      return false;
    this.cur = f;
    this.type = RecordType.SAMPLE;
    this.misc = f.misc;
    this.size = f.size;
    this.offset = f.recordOffset;
    this.index++;
    this.eventCache = null;
    return true;
  }

  /**
   * {@link nextSample} for a run: advances over the whole SAMPLE records that follow in the
   * current window (at most out.length), writing their positions in {@link view} to `out`, and
   * returns how many (0: none, call {@link next}). The cursor then describes the last one; the
   * k-th of n has index `index - n + 1 + k` and offset `offset - pos + out[k]`.
   */
  nextSamples(out: Int32Array): number {
    const f = this.outer;
    if (f === undefined || this.streamAt < 0 || this.done || this.draining || this.feedPending) return 0;
    const n = f.samplesInto(out);
    if (n === 0) return 0;
    this.cur = f;
    this.type = RecordType.SAMPLE;
    this.misc = f.misc;
    this.size = f.size;
    this.offset = f.recordOffset;
    this.index += n;
    this.eventCache = null;
    return n;
  }

  /** The file's event when it has exactly one (every sample is then that event's), else undefined. */
  get onlyEvent(): EventEntry | undefined {
    const events = this.host.eventIndex.events;
    return events.length === 1 ? events[0] : undefined;
  }

  /** The event of the SAMPLE of `size` bytes at `pos` in {@link view} (undefined: unknown id). */
  sampleEventAt(pos: number, size: number): EventEntry | undefined {
    return this.host.eventIndex.eventOf(this.cur!.dataView, pos, size, true, this.host.littleEndian);
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
    this.pinned = false;
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
        // absorb() copies what it keeps, so the window is not pinned.
        this.host.absorb(this.makeRecord());
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
          const again = stream.reread(outer.offset, outer.pending + r, this.recyclable(outer));
          if (again) {
            // A recycled window no longer holds the old bytes: always switch to what was read.
            const grew = again.length > outer.pending;
            outer.restart(again);
            this.pinned = false;
            if (grew) continue;
          }
        }
        const chunk = stream.pull(r, outer.pending === 0 ? this.recyclable(outer) : undefined);
        if (chunk) {
          outer.push(chunk);
          this.pinned = false;
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

  /** The outer window when nothing handed out points into it, else undefined. */
  private recyclable(outer: Framer): Uint8Array | undefined {
    return this.pinned || outer.buffer.length === 0 ? undefined : outer.buffer;
  }

  private lastAbsorbError: PerfDataError | undefined;
  private absorbError(): PerfDataError {
    return (
      this.lastAbsorbError ?? new PerfDataError("bad-record", "malformed record", this.offset, this.index, this.type)
    );
  }
}
