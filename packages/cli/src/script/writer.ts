/**
 * Buffered output: text is encoded straight into one reusable 1 MiB buffer and written when
 * it fills, so a large `perfkit script` run makes few syscalls and no per-line allocations.
 */
import { writeSync } from "node:fs";

const SIZE = 1 << 20;
const NON_ASCII = /[^\x00-\x7f]/;

/** Bun's Buffer has Node's latin1Write, which @types omit. */
interface LatinWritable {
  latin1Write(s: string, offset: number): number;
}

/** Encodes text into a reusable buffer and writes it to a file descriptor in big chunks. */
export class ChunkWriter {
  private readonly buf = Buffer.allocUnsafe(SIZE);
  private pos = 0;

  constructor(private readonly fd = 1) {}

  /** Appends text; writes the buffer out when it is (nearly) full. */
  write(s: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 unit: flush first unless it surely fits.
    if (this.pos + s.length * 3 > SIZE) {
      this.flush();
      if (s.length * 3 > SIZE) {
        this.writeAll(Buffer.from(s, "utf8"));
        return;
      }
    }
    // Most output is ASCII: latin1 encoding is several times faster than UTF-8 for it.
    this.pos += NON_ASCII.test(s)
      ? this.buf.write(s, this.pos, "utf8")
      : (this.buf as unknown as LatinWritable).latin1Write(s, this.pos);
  }

  /** Writes everything pending. */
  flush(): void {
    if (this.pos === 0) return;
    this.writeAll(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  private writeAll(b: Uint8Array): void {
    let at = 0;
    while (at < b.length) {
      try {
        at += writeSync(this.fd, b, at, b.length - at);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
        Bun.sleepSync(1);
      }
    }
  }
}
