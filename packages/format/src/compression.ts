/**
 * perf's COMPRESSED/COMPRESSED2 records form one continuous zstd stream per file (flushed,
 * never ended), so a streaming decoder is needed: fzstd's `Decompress` emits each block as
 * soon as it is complete, synchronously, which keeps the reader a simple pull loop.
 */
import type * as Fzstd from "fzstd";
import { PerfDataError } from "./errors.ts";

/**
 * fzstd builds its default decoding tables when it is loaded, which costs milliseconds of every
 * start: it is loaded on the first compressed record instead.
 */
let fzstd: typeof Fzstd | undefined;

/** Inflates the zstd bytes of successive compressed records of one stream. */
export class ZstdStream {
  private readonly out: Uint8Array[] = [];
  private readonly dec: Fzstd.Decompress;

  constructor() {
    fzstd ??= import.meta.require("fzstd") as typeof Fzstd;
    this.dec = new fzstd.Decompress((chunk) => {
      this.out.push(chunk);
    });
  }

  /** Feeds one record's zstd bytes; returns the bytes that became available (possibly none). */
  push(data: Uint8Array, fileOffset: number, index: number): Uint8Array[] {
    try {
      // fzstd may keep a reference to the input: hand it a copy it owns.
      this.dec.push(data.slice());
    } catch (e) {
      throw new PerfDataError("bad-compression", `zstd: ${(e as Error).message}`, fileOffset, index);
    }
    return this.out.splice(0);
  }
}
