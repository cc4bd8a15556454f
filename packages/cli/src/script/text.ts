/** printf-style helpers for perf script's fixed-width columns. */

/** `%Ns`: right-justified, never truncated. */
const SPACES = Array.from({ length: 33 }, (_, i) => " ".repeat(i));

export function padLeft(s: string, n: number): string {
  if (s.length >= n) return s;
  const k = n - s.length;
  return (k < SPACES.length ? SPACES[k] : " ".repeat(k)) + s;
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

/** "000".."999": the microseconds are printed as two table lookups. */
const DIGITS3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));
/** The seconds of the last timestamp formatted and their padded `secs.` (consecutive samples share them). */
let lastSecs = -1;
let lastPrefix = "";

/** perf's timestamp column: `%12s` of `secs.usecs`, or `%5lu.%09llu` with --ns; then `: `. */
export function formatTime(t: bigint, ns: boolean): string {
  // Number arithmetic is exact below 2^53 ns (104 days of uptime) and much cheaper than BigInt.
  if (!ns && t < 9007199254740992n) {
    const n = Number(t);
    const secs = Math.floor(n / 1e9);
    const usecs = Math.floor((n - secs * 1e9) / 1000);
    if (secs !== lastSecs) {
      lastSecs = secs;
      // The six digits of usecs always follow: padding "secs." to 6 pads the column to 12.
      lastPrefix = padLeft(`${secs}.`, 6);
    }
    const hi = Math.floor(usecs / 1000);
    return `${lastPrefix}${DIGITS3[hi]}${DIGITS3[usecs - hi * 1000]}: `;
  }
  let secsText: string;
  let rest: number;
  if (t < 9007199254740992n) {
    const n = Number(t);
    const secs = Math.floor(n / 1e9);
    rest = n - secs * 1e9;
    secsText = String(secs);
  } else {
    const secs = t / 1000000000n;
    rest = Number(t - secs * 1000000000n);
    secsText = secs.toString();
  }
  if (ns) return `${padLeft(secsText, 5)}.${String(rest).padStart(9, "0")}: `;
  return `${padLeft(`${secsText}.${String(Math.floor(rest / 1000)).padStart(6, "0")}`, 12)}: `;
}
