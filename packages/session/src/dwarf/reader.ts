/** A bounds-checked cursor over one debug section (LEB128, fixed-size words, C strings). */
import { DwarfError } from "./errors.ts";

const utf8 = new TextDecoder("utf-8", { fatal: false });

/**
 * Reads little- or big-endian values from a section. Every read checks the bounds and
 * throws {@link DwarfError} "truncated" naming the section and offset.
 */
export class SectionReader {
  readonly view: DataView;
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly section: string,
    readonly le = true,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes left after the cursor. */
  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** Throws a {@link DwarfError} at `at` (default the cursor). */
  fail(kind: "truncated" | "bad-offset" | "bad-value" | "unsupported" | "limit", msg: string, at = this.pos): never {
    throw new DwarfError(kind, msg, this.section, at);
  }

  /** Moves the cursor to `off`, checking it lies within the section. */
  seek(off: number): void {
    if (!Number.isInteger(off) || off < 0 || off > this.bytes.length)
      this.fail("bad-offset", `offset ${off} outside section`, 0);
    this.pos = off;
  }

  private need(n: number): number {
    const p = this.pos;
    if (p + n > this.bytes.length) this.fail("truncated", `need ${n} bytes, ${this.bytes.length - p} left`);
    this.pos = p + n;
    return p;
  }

  u8(): number {
    return this.view.getUint8(this.need(1));
  }
  s8(): number {
    return this.view.getInt8(this.need(1));
  }
  u16(): number {
    return this.view.getUint16(this.need(2), this.le);
  }
  s16(): number {
    return this.view.getInt16(this.need(2), this.le);
  }
  u24(): number {
    const p = this.need(3);
    const b = this.bytes;
    return this.le ? b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) : (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
  }
  u32(): number {
    return this.view.getUint32(this.need(4), this.le);
  }
  s32(): number {
    return this.view.getInt32(this.need(4), this.le);
  }
  /** A 64-bit word as a number (throws above 2^53: offsets and lengths only). */
  u64n(): number {
    const v = this.u64();
    if (v > 0x1fffffffffffffn) this.fail("bad-value", `value 0x${v.toString(16)} too large`, this.pos - 8);
    return Number(v);
  }
  u64(): bigint {
    return this.view.getBigUint64(this.need(8), this.le);
  }
  s64(): bigint {
    return this.view.getBigInt64(this.need(8), this.le);
  }
  /** Unsigned LEB128 as a number (exact up to 2^53). */
  uleb(): number {
    let result = 0;
    let mul = 1;
    const b = this.bytes;
    for (;;) {
      if (this.pos >= b.length) this.fail("truncated", "LEB128 runs past the end");
      const byte = b[this.pos++]!;
      result += (byte & 0x7f) * mul;
      if (!(byte & 0x80)) return result;
      mul *= 128;
      if (mul > 2 ** 70) this.fail("bad-value", "LEB128 too long");
    }
  }
  /** Signed LEB128 as a number. */
  sleb(): number {
    let result = 0;
    let mul = 1;
    const b = this.bytes;
    for (;;) {
      if (this.pos >= b.length) this.fail("truncated", "LEB128 runs past the end");
      const byte = b[this.pos++]!;
      result += (byte & 0x7f) * mul;
      mul *= 128;
      if (!(byte & 0x80)) {
        if (byte & 0x40) result -= mul;
        return result;
      }
      if (mul > 2 ** 70) this.fail("bad-value", "LEB128 too long");
    }
  }
  /** Unsigned LEB128 as a bigint (addresses, DW_OP constants). */
  ulebBig(): bigint {
    return this.lebBig(false);
  }
  /** Signed LEB128 as a bigint. */
  slebBig(): bigint {
    return this.lebBig(true);
  }
  private lebBig(signed: boolean): bigint {
    let result = 0n;
    let shift = 0n;
    const b = this.bytes;
    for (;;) {
      if (this.pos >= b.length) this.fail("truncated", "LEB128 runs past the end");
      const byte = b[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if (!(byte & 0x80)) {
        if (signed && byte & 0x40) result -= 1n << shift;
        return result;
      }
      if (shift > 140n) this.fail("bad-value", "LEB128 too long");
    }
  }

  /** An address of `size` bytes (1, 2, 4 or 8). */
  addr(size: number): bigint {
    switch (size) {
      case 8:
        return this.u64();
      case 4:
        return BigInt(this.u32());
      case 2:
        return BigInt(this.u16());
      case 1:
        return BigInt(this.u8());
      default:
        return this.fail("unsupported", `address size ${size}`);
    }
  }
  /** A section offset: 4 bytes (32-bit DWARF) or 8 (64-bit DWARF). */
  offset(is64: boolean): number {
    return is64 ? this.u64n() : this.u32();
  }
  /** Unit length with the 64-bit DWARF escape; returns the length and the format. */
  initialLength(): { length: number; is64: boolean } {
    const l = this.u32();
    if (l === 0xffffffff) return { length: this.u64n(), is64: true };
    if (l >= 0xfffffff0) this.fail("unsupported", `reserved unit length 0x${l.toString(16)}`, this.pos - 4);
    return { length: l, is64: false };
  }
  /** A NUL-terminated string. */
  cstr(): string {
    const b = this.bytes;
    const end = b.indexOf(0, this.pos);
    if (end < 0) this.fail("truncated", "unterminated string");
    const s = utf8.decode(b.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }
  skip(n: number): void {
    if (n < 0) this.fail("bad-value", `negative skip ${n}`);
    this.need(n);
  }
}

/** The NUL-terminated string at `off` in a string section; throws for bad offsets. */
export function stringAt(bytes: Uint8Array, off: number, section: string): string {
  if (!Number.isInteger(off) || off < 0 || off >= bytes.length)
    throw new DwarfError("bad-offset", `string offset ${off} outside section`, section, off);
  let end = bytes.indexOf(0, off);
  if (end < 0) end = bytes.length;
  return utf8.decode(bytes.subarray(off, end));
}
