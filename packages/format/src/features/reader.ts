/**
 * A bounded cursor over one feature section's payload. Every read checks the remaining
 * bytes first and throws a {@link PerfDataError} ("bad-feature") naming the absolute file
 * offset, so damaged sections never read past their end or allocate from a bogus count.
 */
import { PerfDataError } from "../errors.ts";

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** Sequential little/big-endian reader confined to one feature payload. */
export class FeatureReader {
  private readonly view: DataView;
  /** Current position, relative to the payload start. */
  pos = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
    /** Absolute file offset of `bytes[0]`, used in error messages. */
    readonly baseOffset: number,
    /** Feature name, used in error messages. */
    readonly feature: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes left after the cursor. */
  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** Throws a bad-feature error at the current position (or `at`). */
  fail(message: string, at = this.pos): never {
    throw new PerfDataError("bad-feature", `${this.feature}: ${message}`, this.baseOffset + at);
  }

  /** Ensures `n` more bytes exist. */
  need(n: number, what: string): void {
    if (n > this.remaining) this.fail(`${what} needs ${n} bytes, ${this.remaining} left`);
  }

  /** Checks that `count` entries of at least `minSize` bytes each can still fit (guards allocations). */
  needEntries(count: number, minSize: number, what: string): void {
    if (count * minSize > this.remaining) {
      this.fail(`${what} count ${count} needs at least ${count * minSize} bytes, ${this.remaining} left`);
    }
  }

  u8(what = "u8"): number {
    this.need(1, what);
    return this.view.getUint8(this.pos++);
  }

  u16(what = "u16"): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, this.littleEndian);
    this.pos += 2;
    return v;
  }

  u32(what = "u32"): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }

  s32(what = "s32"): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }

  u64(what = "u64"): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, this.littleEndian);
    this.pos += 8;
    return v;
  }

  /** A u64 that must fit a JS number (counts, sizes). */
  u64n(what = "u64"): number {
    const at = this.pos;
    const v = this.u64(what);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} ${v} is too large`, at);
    return Number(v);
  }

  /** A copy-free view of the next `n` bytes. */
  take(n: number, what = "bytes"): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** `perf_header_string`: `u32 len; char str[len]` (NUL-padded); returns the text before the first NUL. */
  string(what = "string"): string {
    const len = this.u32(`${what} length`);
    return cString(this.take(len, what));
  }

  /** `u32 nr;` followed by `nr` perf_header_strings. */
  stringList(what = "string list"): string[] {
    const nr = this.u32(`${what} count`);
    this.needEntries(nr, 4, what);
    const out: string[] = [];
    for (let i = 0; i < nr; i++) out.push(this.string(`${what}[${i}]`));
    return out;
  }
}

/** Decodes bytes up to the first NUL (or the end) as UTF-8. */
export function cString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return utf8.decode(nul < 0 ? bytes : bytes.subarray(0, nul));
}
