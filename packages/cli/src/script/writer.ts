/**
 * Buffered output: text is encoded straight into one reusable 1 MiB buffer and written when
 * it fills, so a large `perfkit script` run makes few syscalls and no per-line allocations.
 */
import { writeSync } from "node:fs";

const SIZE = 1 << 20;
const FLUSH_CHARS = 1 << 18;

/**
 * Collects text and writes it to a file descriptor in big chunks. Pieces are collected and
 * joined, then encoded only every ~256 K characters, so a run with millions of
 * short pieces makes few native calls and few syscalls.
 */
export class ChunkWriter {
  private readonly buf = Buffer.allocUnsafe(SIZE);
  private parts: string[] = [];
  private chars = 0;

  constructor(private readonly fd = 1) {}

  /** Appends text; encodes and writes when enough is pending. */
  write(s: string): void {
    this.parts.push(s);
    this.chars += s.length;
    if (this.chars >= FLUSH_CHARS) this.drain();
  }

  /** Writes everything pending. */
  flush(): void {
    this.drain();
  }

  private drain(): void {
    if (this.parts.length === 0) return;
    const s = this.parts.join("");
    this.parts = [];
    this.chars = 0;
    if (s.length * 3 > SIZE) {
      this.writeAll(Buffer.from(s, "utf8"));
      return;
    }
    this.writeAll(this.buf.subarray(0, this.buf.write(s, 0, "utf8")));
  }

  private writeAll(b: Uint8Array): void {
    let at = 0;
    while (at < b.length) {
      try {
        at += writeSync(this.fd, b, at, b.length - at);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // The reader went away (`perfkit script | head`): stop quietly, as perf does on SIGPIPE.
        if (code === "EPIPE") process.exit(0);
        if (code !== "EAGAIN") throw e;
        Bun.sleepSync(1);
      }
    }
  }
}
