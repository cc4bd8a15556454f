/**
 * Text output through one reused byte buffer to a file or stdout, so big profiles never sit
 * whole in memory and hot writers append numbers and ASCII without building strings.
 */
import { closeSync, openSync, writeSync } from "node:fs";

const SIZE = 1 << 20;
const encoder = new TextEncoder();
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

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
    if (n < 0) {
      b[this.#at++] = 45;
      n = -n;
    }
    if (n < 2147483648) this.#small(n, 0);
    else {
      // Split so that both parts take the 32-bit path.
      const high = Math.floor(n / 1e9);
      this.#small(high, 0);
      this.#small(n - high * 1e9, 9);
    }
  }

  /** Writes a 31-bit non-negative integer, zero-padded to at least `width` digits. */
  #small(n: number, width: number): void {
    const b = this.#buf;
    let digits = 1;
    for (let v = n; v >= 10; v = (v / 10) | 0) digits++;
    if (digits < width) digits = width;
    const end = this.#at + digits;
    for (let i = end - 1, v = n; i >= this.#at; i--, v = (v / 10) | 0) b[i] = 48 + (v % 10);
    this.#at = end;
  }

  /**
   * Appends `n / 10^scale` for an integer `n` (|n| < 2^53, scale <= 9), without trailing
   * zeros: the same number JSON.stringify(n / 10 ** scale) denotes, without formatting a double.
   */
  scaled(n: number, scale: number): void {
    if (!(scale >= 0 && scale <= 9)) throw new RangeError(`scale must be 0..9, got ${scale}`);
    if (SIZE - this.#at < 32) this.flush();
    if (n < 0) {
      this.#buf[this.#at++] = 45;
      n = -n;
    }
    const unit = POW10[scale]!;
    const whole = Math.floor(n / unit);
    // The fraction is below 10^9: int32 arithmetic from here (a double % is an fmod call).
    let frac = (n - whole * unit) | 0;
    this.int(whole);
    if (frac === 0) return;
    let digits = scale;
    while (frac % 10 === 0) {
      frac = (frac / 10) | 0;
      digits--;
    }
    this.#buf[this.#at++] = 46;
    this.#small(frac, digits);
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
