import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { checkArg, PerfDataError } from "../errors.ts";
import type { RandomAccessSource } from "./types.ts";

/** How much may be read between memory checks, and how far RSS may grow before a collection. */
const CHECK_EVERY = 16 << 20;
const MIN_GROWTH = 48 << 20;
let sinceCheck = 0;
let rssAfterCollect = 0;
let growthLimit = MIN_GROWTH;

/**
 * Windows live outside the JS heap, so the collector barely feels them and a long scan would
 * keep every dead window: memory would grow with the file. Every few windows, if RSS grew by
 * more than it was after the last collection (at least 48 MB), collect: memory
 * stays within a constant factor of the live heap, and a big live heap (DWARF caches), whose
 * collections are slow, is collected less often.
 */
function boundMemory(n: number): void {
  sinceCheck += n;
  if (sinceCheck < CHECK_EVERY) return;
  sinceCheck = 0;
  const rss = process.memoryUsage.rss();
  if (rssAfterCollect === 0) rssAfterCollect = rss;
  if (rss - rssAfterCollect < growthLimit) return;
  Bun.gc(true);
  rssAfterCollect = process.memoryUsage.rss();
  growthLimit = Math.max(MIN_GROWTH, rssAfterCollect);
}

/**
 * A regular file read with positioned reads: nothing is held beyond the window a caller asks
 * for, so files larger than memory stream with bounded memory. Each read returns a fresh
 * buffer, so records that point into it stay valid while referenced, unless the caller hands
 * back a buffer it no longer needs (`reuse`): a scan that copies what it keeps then reads the
 * whole file through one window, with no allocation, page faults or collections.
 */
export class FileSource implements RandomAccessSource {
  readonly kind = "file";
  readonly size: number;
  private fd: number;

  constructor(
    readonly path: string,
    fd?: number,
  ) {
    try {
      this.fd = fd ?? openSync(path, "r");
      this.size = fstatSync(this.fd).size;
    } catch (e) {
      throw new PerfDataError("io", `cannot open ${path}: ${(e as Error).message}`, -1);
    }
  }

  /** Buffers this source allocated: only those may be overwritten when handed back. */
  private readonly own = new WeakSet<ArrayBufferLike>();

  read(offset: number, length: number, reuse?: Uint8Array): Uint8Array {
    checkArg(reuse === undefined || reuse instanceof Uint8Array, "reuse", "a Uint8Array or undefined", reuse);
    const n = Math.max(0, Math.min(length, this.size - offset));
    let buf: Uint8Array;
    if (reuse && this.own.has(reuse.buffer) && reuse.buffer.byteLength >= n) {
      buf = new Uint8Array(reuse.buffer, 0, n);
    } else {
      boundMemory(n);
      buf = new Uint8Array(n);
      this.own.add(buf.buffer);
    }
    let done = 0;
    while (done < n) {
      const got = readSync(this.fd, buf, done, n - done, offset + done);
      if (got <= 0) break;
      done += got;
    }
    return done === n ? buf : buf.subarray(0, done);
  }

  close(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}
