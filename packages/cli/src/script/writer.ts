/** Buffered stdout: output is gathered in strings and written in ~64 KiB chunks. */
import { writeSync } from "node:fs";

const CHUNK = 64 * 1024;

/** Collects text and writes it to a file descriptor in big chunks. */
export class ChunkWriter {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly fd = 1) {}

  /** Appends text; flushes once ~64 KiB are pending. */
  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= CHUNK) this.flush();
  }

  /** Writes everything pending. */
  flush(): void {
    if (this.size === 0 && this.parts.length === 0) return;
    const buf = Buffer.from(this.parts.join(""), "utf8");
    this.parts = [];
    this.size = 0;
    let at = 0;
    while (at < buf.length) {
      try {
        at += writeSync(this.fd, buf, at, buf.length - at);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
        Bun.sleepSync(1);
      }
    }
  }
}
