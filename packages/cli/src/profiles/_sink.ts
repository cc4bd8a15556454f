/**
 * Text output through one reused byte buffer to a file or stdout, so big profiles never sit
 * whole in memory and hot writers append numbers and ASCII without building strings.
 */
import { closeSync, openSync, writeSync } from "node:fs";

const SIZE = 1 << 20;
const encoder = new TextEncoder();

/** Buffers text and writes it out 1 MiB at a time. */
export class TextSink {
  readonly #buf = new Uint8Array(SIZE);
  #at = 0;
  readonly #fd: number;
  readonly #own: boolean;

  /** `path` `-` is stdout. */
  constructor(path: string) {
    if (typeof path !== "string" || path === "")
      throw new TypeError(`path must be a non-empty string, got ${typeof path}`);
    this.#own = path !== "-";
    this.#fd = this.#own ? openSync(path, "w", 0o644) : 1;
  }

  /** Appends text (UTF-8). */
  write(s: string): void {
    // A UTF-8 encoding takes at most 3 bytes per UTF-16 unit.
    if (s.length * 3 > SIZE - this.#at) {
      this.flush();
      if (s.length * 3 > SIZE) {
        this.#writeOut(encoder.encode(s));
        return;
      }
    }
    this.#at += encoder.encodeInto(s, this.#buf.subarray(this.#at)).written;
  }

  /** Appends ASCII text byte by byte (short punctuation and keys; no encoder call). */
  ascii(s: string): void {
    if (s.length > SIZE - this.#at) this.flush();
    if (s.length > SIZE) {
      this.write(s);
      return;
    }
    const b = this.#buf;
    let at = this.#at;
    for (let i = 0; i < s.length; i++) b[at++] = s.charCodeAt(i);
    this.#at = at;
  }

  /** Appends an integer (|n| < 2^53) in decimal. */
  int(n: number): void {
    if (SIZE - this.#at < 24) this.flush();
    const b = this.#buf;
    let at = this.#at;
    if (n < 0) {
      b[at++] = 45;
      n = -n;
    }
    if (n < 10) b[at++] = 48 + n;
    else {
      let digits = 0;
      for (let v = n; v >= 1; v = Math.floor(v / 10)) digits++;
      for (let i = digits - 1, v = n; i >= 0; i--, v = Math.floor(v / 10)) b[at + i] = 48 + (v % 10);
      at += digits;
    }
    this.#at = at;
  }

  /**
   * Appends `n / 10^scale` for an integer `n` (|n| < 2^53), without trailing zeros: the same
   * number JSON.stringify(n / 10 ** scale) denotes, without formatting a double.
   */
  scaled(n: number, scale: number): void {
    const neg = n < 0;
    if (neg) n = -n;
    const unit = 10 ** scale;
    const whole = Math.floor(n / unit);
    let frac = n - whole * unit;
    if (neg && n !== 0) this.ascii("-");
    this.int(whole);
    if (frac === 0) return;
    let digits = scale;
    while (frac % 10 === 0) {
      frac /= 10;
      digits--;
    }
    if (SIZE - this.#at < 24) this.flush();
    const b = this.#buf;
    b[this.#at++] = 46;
    for (let i = digits - 1, v = frac; i >= 0; i--, v = Math.floor(v / 10)) b[this.#at + i] = 48 + (v % 10);
    this.#at += digits;
  }

  /** Writes out what is buffered. */
  flush(): void {
    if (this.#at === 0) return;
    this.#writeOut(this.#buf.subarray(0, this.#at));
    this.#at = 0;
  }

  #writeOut(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length) off += writeSync(this.#fd, bytes, off, bytes.length - off);
  }

  /** Flushes and closes (stdout stays open). */
  close(): void {
    this.flush();
    if (this.#own) closeSync(this.#fd);
  }
}
