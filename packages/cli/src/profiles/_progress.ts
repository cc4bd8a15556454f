/** A one-line progress meter on stderr, shown only when stderr is a terminal. */
import { statSync } from "node:fs";

/** Progress through an input file by byte offset (a pipe shows bytes read). */
export class Progress {
  readonly #total: number;
  readonly #label: string;
  #shown = false;
  #last = 0;

  /** `label` names the command; `path` is the input (`-` for stdin). */
  constructor(label: string, path: string) {
    if (typeof label !== "string") throw new TypeError(`label must be a string, got ${typeof label}`);
    let total = 0;
    if (path !== "-") {
      try {
        total = statSync(path).size;
      } catch {
        total = 0;
      }
    }
    this.#total = total;
    this.#label = label;
  }

  /** Null when stderr is not a terminal (no meter at all, not even a cost per update). */
  static forStderr(label: string, path: string): Progress | undefined {
    return process.stderr.isTTY ? new Progress(label, path) : undefined;
  }

  /** Reports that `offset` bytes of input were read (redrawn at most every 100 ms). */
  update(offset: number): void {
    const now = performance.now();
    if (now - this.#last < 100) return;
    this.#last = now;
    this.#shown = true;
    const what =
      this.#total > 0
        ? `${Math.min(100, (100 * offset) / this.#total).toFixed(0)}%`
        : `${(offset / 1e6).toFixed(1)} MB`;
    process.stderr.write(`\r[ ${this.#label}: ${what} ]`);
  }

  /** Clears the meter line. */
  done(): void {
    if (this.#shown) process.stderr.write("\r\x1b[K");
    this.#shown = false;
  }
}
