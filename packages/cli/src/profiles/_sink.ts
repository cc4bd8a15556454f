/** Text output in large chunks to a file or stdout, so big profiles never sit whole in memory. */
import { closeSync, openSync, writeSync } from "node:fs";

/** Buffers strings and writes them out 1 MiB at a time. */
export class TextSink {
  #parts: string[] = [];
  #size = 0;
  readonly #fd: number;
  readonly #own: boolean;

  /** `path` `-` is stdout. */
  constructor(path: string) {
    if (typeof path !== "string" || path === "")
      throw new TypeError(`path must be a non-empty string, got ${typeof path}`);
    this.#own = path !== "-";
    this.#fd = this.#own ? openSync(path, "w", 0o644) : 1;
  }

  /** Appends text. */
  write(s: string): void {
    this.#parts.push(s);
    this.#size += s.length;
    if (this.#size >= 1 << 20) this.flush();
  }

  /** Writes out what is buffered. */
  flush(): void {
    if (this.#parts.length === 0) return;
    const buf = Buffer.from(this.#parts.join(""), "utf8");
    this.#parts = [];
    this.#size = 0;
    let off = 0;
    while (off < buf.length) off += writeSync(this.#fd, buf, off, buf.length - off);
  }

  /** Flushes and closes (stdout stays open). */
  close(): void {
    this.flush();
    if (this.#own) closeSync(this.#fd);
  }
}
