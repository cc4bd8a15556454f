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

/** The seconds of the last timestamp formatted (consecutive samples share them). */
let lastSecs = -1;
let lastSecsText = "";

/** perf's timestamp column: `%12s` of `secs.usecs`, or `%5lu.%09llu` with --ns; then `: `. */
export function formatTime(t: bigint, ns: boolean): string {
  // Number arithmetic is exact below 2^53 ns (104 days of uptime) and much cheaper than BigInt.
  let secsText: string;
  let rest: number;
  if (t < 9007199254740992n) {
    const n = Number(t);
    const secs = Math.floor(n / 1e9);
    rest = n - secs * 1e9;
    if (secs !== lastSecs) {
      lastSecs = secs;
      lastSecsText = String(secs);
    }
    secsText = lastSecsText;
  } else {
    const secs = t / 1000000000n;
    rest = Number(t - secs * 1000000000n);
    secsText = secs.toString();
  }
  if (ns) return `${padLeft(secsText, 5)}.${String(rest).padStart(9, "0")}: `;
  // 1e6 + usecs prints the six digits with a leading 1 to drop: one string, no padStart.
  const usecs = String(1000000 + Math.floor(rest / 1000));
  const text = `${secsText}.${usecs.slice(1)}`;
  return text.length >= 12 ? `${text}: ` : `${padLeft(text, 12)}: `;
}
