/**
 * The few C library formats the header printer needs, reproduced exactly: `%.Nf` with
 * glibc's round-half-even on exact ties, `ctime()`, and `strftime("%F %T")` in local time.
 */

/** `%.<prec>f` of a double, rounded like glibc (exact binary value, ties to even). */
export function cFixed(x: number, prec: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  const neg = x < 0 || Object.is(x, -0);
  const [num, den] = exactRational(Math.abs(x));
  const scaled = num * 10n ** BigInt(prec);
  let q = scaled / den;
  const r = scaled % den;
  if (2n * r > den || (2n * r === den && q % 2n === 1n)) q += 1n;
  let digits = q.toString().padStart(prec + 1, "0");
  if (prec > 0) digits = `${digits.slice(0, -prec)}.${digits.slice(-prec)}`;
  return neg ? `-${digits}` : digits;
}

/** A non-negative finite double as an exact fraction num/den (den a power of two). */
function exactRational(x: number): [bigint, bigint] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e: number;
  if (exp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = exp - 1075;
  }
  return e >= 0 ? [mant << BigInt(e), 1n] : [mant, 1n << BigInt(-e)];
}

/** `%<width>s`: right-aligns `s` in `width` columns. */
export function padLeft(s: string, width: number): string {
  return s.length >= width ? s : " ".repeat(width - s.length) + s;
}

/** `%-<width>s`: left-aligns `s` in `width` columns. */
export function padRight(s: string, width: number): string {
  return s.length >= width ? s : s + " ".repeat(width - s.length);
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number): string => String(n).padStart(2, "0");

/** C `ctime()` of a moment in the process's local time zone, including the trailing newline. */
export function cCtime(d: Date): string {
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]}${padLeft(String(d.getDate()), 3)} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}\n`;
}

/** `strftime("%F %T")` of a moment in local time: `YYYY-MM-DD HH:MM:SS`. */
export function cDateTime(d: Date): string {
  const year = String(d.getFullYear()).padStart(4, "0");
  return `${year}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
