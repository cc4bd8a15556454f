import { closeSync, readSync } from "node:fs";
import { PerfDataError } from "../errors.ts";
import type { SequentialSource } from "./types.ts";

const EAGAIN_SLEEP_MS = 2;

/**
 * A pipe (or stdin) read incrementally. Reads block until data arrives; a non-blocking fd
 * that reports EAGAIN is retried after a short sleep instead of failing.
 */
export class PipeSource implements SequentialSource {
  readonly kind = "pipe";
  private pending: Uint8Array | null = null;

  constructor(
    private fd: number,
    private readonly ownsFd: boolean,
  ) {}

  /** Puts bytes back in front of the stream (used after sniffing the header). */
  unread(bytes: Uint8Array): void {
    this.pending = bytes.length ? bytes : null;
  }

  read(max: number): Uint8Array | null {
    if (this.pending) {
      const p = this.pending;
      if (p.length <= max) {
        this.pending = null;
        return p;
      }
      this.pending = p.subarray(max);
      return p.subarray(0, max);
    }
    const buf = new Uint8Array(max);
    for (;;) {
      try {
        const got = readSync(this.fd, buf, 0, max, null);
        if (got <= 0) return null;
        return buf.subarray(0, got);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "EAGAIN" || code === "EWOULDBLOCK") {
          Bun.sleepSync(EAGAIN_SLEEP_MS);
          continue;
        }
        if (code === "EOF") return null;
        throw new PerfDataError("io", `read from fd ${this.fd} failed: ${(e as Error).message}`, -1);
      }
    }
  }

  close(): void {
    if (this.ownsFd && this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
