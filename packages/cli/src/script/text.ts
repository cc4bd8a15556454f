/** printf-style helpers for perf script's fixed-width columns. */

/** `%Ns`: right-justified, never truncated. */
export function padLeft(s: string, n: number): string {
  return s.length >= n ? s : " ".repeat(n - s.length) + s;
}

/** `%-Ns`. */
export function padRight(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

/** `%16llx`. */
export function hex16(v: bigint): string {
  return padLeft(v.toString(16), 16);
}

/** `%#llx` (0 prints as `0`). */
export function altHex(v: bigint): string {
  return v === 0n ? "0" : `0x${v.toString(16)}`;
}

/** perf's timestamp column: `%12s` of `secs.usecs`, or `%5lu.%09llu` with --ns; then `: `. */
export function formatTime(t: bigint, ns: boolean): string {
  const secs = t / 1000000000n;
  const rest = t - secs * 1000000000n;
  if (ns) return `${padLeft(secs.toString(), 5)}.${rest.toString().padStart(9, "0")}: `;
  return `${padLeft(`${secs}.${(rest / 1000n).toString().padStart(6, "0")}`, 12)}: `;
}
