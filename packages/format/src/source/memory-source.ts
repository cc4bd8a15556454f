import type { RandomAccessSource } from "./types.ts";

/** Bytes already in memory. Reads return views, not copies. */
export class MemorySource implements RandomAccessSource {
  readonly kind = "memory";
  constructor(private readonly bytes: Uint8Array) {}
  get size(): number {
    return this.bytes.length;
  }
  read(offset: number, length: number): Uint8Array {
    const start = Math.min(Math.max(0, offset), this.bytes.length);
    return this.bytes.subarray(start, Math.min(this.bytes.length, start + length));
  }
  close(): void {}
}
