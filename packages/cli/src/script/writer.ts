/**
 * Buffered output: text is encoded straight into one reusable 1 MiB buffer and written when
 * it fills, so a large `perfkit script` run makes few syscalls and no per-line allocations.
 */
import { writeSync } from "node:fs";

const SIZE = 1 << 20;

/** Bun's (and Node's) Buffer method that encodes into the buffer without option parsing. */
type Utf8Write = (this: Buffer, s: string, offset: number, length?: number) => number;

/**
 * Collects text and writes it to a file descriptor in big chunks. Each piece is encoded into
 * the buffer as it comes (`utf8Write`: about 16 ns a call, cheaper than collecting the
 * pieces and joining them, and no rope flattening for pieces built by concatenation).
 */
export class ChunkWriter {
  private readonly buf = Buffer.allocUnsafe(SIZE);
  private pos = 0;
  private readonly encode: Utf8Write;

  constructor(private readonly fd = 1) {
    const native = (this.buf as Buffer & { utf8Write?: Utf8Write }).utf8Write;
    this.encode =
      typeof native === "function"
        ? native
        : function (this: Buffer, s: string, offset: number) {
            return this.write(s, offset, "utf8");
          };
  }

  /** Appends text; writes the buffer out when the text might not fit. */
  write(s: string): void {
    // A UTF-16 unit encodes to at most 3 bytes.
    const worst = s.length * 3;
    if (this.pos + worst > SIZE) {
      this.drain();
      if (worst > SIZE) {
        this.writeAll(Buffer.from(s, "utf8"));
        return;
      }
    }
    this.pos += this.encode.call(this.buf, s, this.pos);
  }

  /** Writes everything pending. */
  flush(): void {
    this.drain();
  }

  private drain(): void {
    if (this.pos === 0) return;
    const n = this.pos;
    this.pos = 0;
    this.writeAll(this.buf.subarray(0, n));
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
