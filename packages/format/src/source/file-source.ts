import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { PerfDataError } from "../errors.ts";
import type { RandomAccessSource } from "./types.ts";

/**
 * A regular file read with positioned reads: nothing is held beyond the window a caller asks
 * for, so files larger than memory stream with bounded memory. Each read returns a fresh
 * buffer (never reused), so records that point into it stay valid while referenced.
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

  read(offset: number, length: number): Uint8Array {
    const n = Math.max(0, Math.min(length, this.size - offset));
    const buf = new Uint8Array(n);
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
