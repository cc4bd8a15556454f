import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { ElfError } from "./errors.ts";

/** Random access to the bytes of one file, read in bounded pieces on demand. */
export interface ByteSource {
  /** Name used in error messages. */
  readonly name: string;
  /** Total size in bytes. */
  readonly size: number;
  /** Reads exactly `length` bytes at `offset`; throws {@link ElfError} "truncated" past the end. */
  read(offset: number, length: number): Uint8Array;
  /** Releases the file descriptor, if any. */
  close(): void;
}

/** A file read with `readSync` on an open fd, so only the tables asked for are read. */
export class FileSource implements ByteSource {
  readonly size: number;
  #fd: number | null;
  constructor(readonly name: string) {
    try {
      this.#fd = openSync(name, "r");
      this.size = fstatSync(this.#fd).size;
    } catch (e) {
      throw new ElfError("io", `cannot open: ${(e as Error).message}`, name);
    }
  }
  read(offset: number, length: number): Uint8Array {
    checkRange(this, offset, length);
    if (this.#fd === null) throw new ElfError("io", "file is closed", this.name, offset);
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.#fd, out, done, length - done, offset + done);
      if (n <= 0) throw new ElfError("truncated", `short read of ${length} bytes`, this.name, offset);
      done += n;
    }
    return out;
  }
  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }
}

/** Bytes already in memory (tests, vdso images taken from a perf.data file). */
export class BytesSource implements ByteSource {
  readonly size: number;
  constructor(
    readonly name: string,
    readonly bytes: Uint8Array,
  ) {
    this.size = bytes.length;
  }
  read(offset: number, length: number): Uint8Array {
    checkRange(this, offset, length);
    return this.bytes.subarray(offset, offset + length);
  }
  close(): void {}
}

function checkRange(src: ByteSource, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new ElfError("bad-table", `bad range ${offset}+${length}`, src.name, Math.max(offset, -1));
  }
  if (offset + length > src.size) {
    throw new ElfError("truncated", `range of ${length} bytes runs past the end (${src.size})`, src.name, offset);
  }
}
