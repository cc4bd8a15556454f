/** A growable byte buffer with endian-aware integer writes: the encoder's only primitive. */
export class ByteWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;

  constructor(readonly littleEndian: boolean) {}

  private room(n: number): number {
    const at = this.length;
    if (at + n > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < at + n) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, at));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    this.length += n;
    return at;
  }

  u8(v: number): this {
    const at = this.room(1);
    this.view.setUint8(at, v);
    return this;
  }
  u16(v: number): this {
    const at = this.room(2);
    this.view.setUint16(at, v, this.littleEndian);
    return this;
  }
  u32(v: number): this {
    const at = this.room(4);
    this.view.setUint32(at, v >>> 0, this.littleEndian);
    return this;
  }
  i32(v: number): this {
    const at = this.room(4);
    this.view.setInt32(at, v, this.littleEndian);
    return this;
  }
  u64(v: bigint | number): this {
    const at = this.room(8);
    this.view.setBigUint64(at, BigInt.asUintN(64, BigInt(v)), this.littleEndian);
    return this;
  }
  f64(v: number): this {
    const at = this.room(8);
    this.view.setFloat64(at, v, this.littleEndian);
    return this;
  }
  bytes(b: Uint8Array): this {
    const at = this.room(b.length);
    this.buf.set(b, at);
    return this;
  }
  /** A NUL-terminated string zero-padded to a multiple of `pad` bytes. */
  cstr(s: string, pad = 8): this {
    const b = new TextEncoder().encode(s);
    const n = Math.ceil((b.length + 1) / pad) * pad;
    const at = this.room(n);
    this.buf.set(b, at);
    this.buf.fill(0, at + b.length, at + n);
    return this;
  }
  /** Zero bytes up to a multiple of `a`. */
  pad(a: number): this {
    const n = (a - (this.length % a)) % a;
    const at = this.room(n);
    this.buf.fill(0, at, this.length);
    return this;
  }
  /** Overwrites a u16 at `at` (record sizes are known only at the end). */
  patchU16(at: number, v: number): void {
    this.view.setUint16(at, v, this.littleEndian);
  }
  patchU64(at: number, v: bigint | number): void {
    this.view.setBigUint64(at, BigInt(v), this.littleEndian);
  }
  /** The bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
