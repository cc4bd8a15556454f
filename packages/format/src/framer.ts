/**
 * Splits a byte stream into records (§6). Bytes arrive in chunks (file windows, pipe reads,
 * decompressed output); a record that straddles chunks is carried over. Extra payloads of
 * AUXTRACE and HEADER_TRACING_DATA, which sit outside header.size, are included.
 */
import { align } from "./bytes.ts";
import { PerfDataError } from "./errors.ts";

const EMPTY = new Uint8Array(0);

export class Framer {
  private bytes: Uint8Array = EMPTY;
  private view: DataView = new DataView(EMPTY.buffer);
  private pos = 0;
  /** Absolute stream offset of bytes[0]. */
  private base: number;

  constructor(
    startOffset: number,
    private readonly littleEndian: boolean,
    /** Largest extra payload accepted (bounds allocation from a hostile size field). */
    private readonly maxExtra: number,
  ) {
    this.base = startOffset;
  }

  /** Bytes received but not yet consumed. */
  get pending(): number {
    return this.bytes.length - this.pos;
  }

  /** Absolute offset of the next unconsumed byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Appends a chunk; only the unconsumed remainder is copied, never the whole history. */
  push(chunk: Uint8Array): void {
    const rest = this.bytes.length - this.pos;
    if (rest === 0) {
      this.base += this.bytes.length;
      this.bytes = chunk;
    } else {
      const merged = new Uint8Array(rest + chunk.length);
      merged.set(this.bytes.subarray(this.pos));
      merged.set(chunk, rest);
      this.base += this.pos;
      this.bytes = merged;
    }
    this.pos = 0;
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  /**
   * Replaces the buffer with `chunk`, which holds the stream from the first unconsumed byte on
   * (a seekable source re-read from there): nothing is copied, unlike {@link push}.
   */
  restart(chunk: Uint8Array): void {
    this.base += this.pos;
    this.bytes = chunk;
    this.pos = 0;
    this.view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }

  /** Skips `n` bytes (resync after damage). */
  skip(n: number): void {
    this.pos = Math.min(this.bytes.length, this.pos + n);
  }

  /** Fields of the record found by the last {@link next} that returned 0 (no object per record). */
  type = 0;
  misc = 0;
  size = 0;
  extra = 0;
  /** Offset of that record in {@link bytes}. */
  at = 0;

  /** The buffer holding the record found by the last {@link next}. */
  get buffer(): Uint8Array {
    return this.bytes;
  }
  /** A DataView over {@link buffer}. */
  get dataView(): DataView {
    return this.view;
  }
  /** Absolute stream offset of the record found by the last {@link next}. */
  get recordOffset(): number {
    return this.base + this.at;
  }

  /**
   * Finds the next complete record: returns 0 and sets `type`, `misc`, `size`, `extra`, `at`,
   * or returns the number of bytes still missing. Throws a PerfDataError for a header that
   * cannot be framed (size < 8, absurd payload size).
   */
  next(index: number): number {
    const avail = this.bytes.length - this.pos;
    if (avail < 8) return 8 - avail;
    const v = this.view;
    const p = this.pos;
    const le = this.littleEndian;
    // Constant byte-order arguments: the JIT inlines those DataView reads, not variable ones.
    const type = le ? v.getUint32(p, true) : v.getUint32(p, false);
    let size = le ? v.getUint16(p + 6, true) : v.getUint16(p + 6, false);
    let extra = 0;
    if (type === 83) {
      // COMPRESSED2: trust data_size over a header.size the writer may have wrapped (§14).
      if (avail < 16) return 16 - avail;
      const ds = v.getBigUint64(p + 8, le);
      if (ds > 16n * 1024n * 1024n) this.fail(`COMPRESSED2 data_size ${ds} is implausible`, index, type);
      const used = 16 + Number(ds);
      if (align(used, 8) > size) size = used;
    }
    if (size < 8) this.fail(`record size ${size} is smaller than its header`, index, type);
    if (type === 71 || type === 66) {
      if (avail < 16) return 16 - avail;
      const x = type === 71 ? v.getBigUint64(p + 8, le) : BigInt(v.getUint32(p + 8, le));
      if (x > BigInt(this.maxExtra)) this.fail(`payload size ${x} exceeds what the stream can hold`, index, type);
      extra = Number(x);
    }
    const total = size + extra;
    if (avail < total) return total - avail;
    this.pos += total;
    this.type = type;
    this.misc = le ? v.getUint16(p + 4, true) : v.getUint16(p + 4, false);
    this.size = size;
    this.extra = extra;
    this.at = p;
    return 0;
  }

  /**
   * Consumes the next record as {@link next} would when it is a SAMPLE lying whole in the
   * buffer, and returns true; otherwise consumes nothing and returns false. The hot path of
   * batch reads: none of next()'s checks for records with payloads or compression apply.
   */
  nextSample(): boolean {
    const p = this.pos;
    const avail = this.bytes.length - p;
    if (avail < 8) return false;
    const v = this.view;
    const le = this.littleEndian;
    if ((le ? v.getUint32(p, true) : v.getUint32(p, false)) !== 9) return false;
    const size = le ? v.getUint16(p + 6, true) : v.getUint16(p + 6, false);
    if (size < 8 || size > avail) return false;
    this.pos = p + size;
    this.type = 9;
    this.misc = le ? v.getUint16(p + 4, true) : v.getUint16(p + 4, false);
    this.size = size;
    this.extra = 0;
    this.at = p;
    return true;
  }

  /**
   * {@link nextSample} repeated: consumes the SAMPLE records lying whole in the buffer from
   * here, writing their offsets in {@link bytes} to `out` (at most out.length); returns how
   * many. The record fields describe the last one taken.
   */
  samplesInto(out: Int32Array): number {
    const v = this.view;
    const le = this.littleEndian;
    const end = this.bytes.length;
    let p = this.pos;
    let n = 0;
    let size = 0;
    while (n < out.length && end - p >= 8) {
      if ((le ? v.getUint32(p, true) : v.getUint32(p, false)) !== 9) break;
      size = le ? v.getUint16(p + 6, true) : v.getUint16(p + 6, false);
      if (size < 8 || size > end - p) break;
      out[n++] = p;
      p += size;
    }
    if (n > 0) {
      const at = out[n - 1]!;
      this.pos = p;
      this.type = 9;
      this.misc = le ? v.getUint16(at + 4, true) : v.getUint16(at + 4, false);
      this.size = size;
      this.extra = 0;
      this.at = at;
    }
    return n;
  }

  private fail(msg: string, index: number, type: number): never {
    throw new PerfDataError("bad-record", msg, this.base + this.pos, index, type);
  }
}
