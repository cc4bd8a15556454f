/** A C printf subset with glibc's output rules, as libtraceevent applies it to tracepoints. */

/** One conversion of a format string. */
export interface ConvSpec {
  /** The directive as written, e.g. `%-08lx` or `%pS`. */
  readonly text: string;
  readonly flags: string;
  /** Field width; -1 none, -2 taken from an argument (`*`). */
  readonly width: number;
  /** Precision; -1 none, -2 taken from an argument (`.*`). */
  readonly precision: number;
  /** libtraceevent's length class: -2 hh, -1 h, 0 none, 1 l/z, 2 ll/L. */
  readonly length: number;
  /** Conversion letter: d i u x X o c s p. */
  readonly conv: string;
  /** For `%p`: the extension letters after it (`S`, `s`, `I4`, `ISpc`, `M`, `U`, …), else "". */
  readonly pointerExt: string;
}

/** Literal text or a conversion. */
export type FmtPiece = string | ConvSpec;

/** Splits a print fmt string into literal pieces and conversions. */
export function parsePrintf(fmt: string): FmtPiece[] {
  const out: FmtPiece[] = [];
  let lit = "";
  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i];
    if (c !== "%") {
      lit += c;
      i++;
      continue;
    }
    if (fmt[i + 1] === "%") {
      lit += "%";
      i += 2;
      continue;
    }
    const start = i++;
    let flags = "";
    while (i < fmt.length && "-+ #0".includes(fmt[i])) flags += fmt[i++];
    let width = -1;
    if (fmt[i] === "*") {
      width = -2;
      i++;
    } else {
      const m = /^\d+/.exec(fmt.slice(i));
      if (m) {
        width = Number(m[0]);
        i += m[0].length;
      }
    }
    let precision = -1;
    if (fmt[i] === ".") {
      i++;
      if (fmt[i] === "*") {
        precision = -2;
        i++;
      } else {
        const m = /^\d*/.exec(fmt.slice(i)) as RegExpExecArray;
        precision = m[0] === "" ? 0 : Number(m[0]);
        i += m[0].length;
      }
    }
    let length = 0;
    while (i < fmt.length && "hlLzZjt".includes(fmt[i])) {
      const l = fmt[i++];
      if (l === "h") length--;
      else if (l === "l") length++;
      else if (l === "L") length = 2;
      else length = 1;
    }
    const conv = fmt[i++] ?? "";
    let pointerExt = "";
    if (conv === "p") {
      const rest = fmt.slice(i);
      const m =
        /^(?:[Ii]S[pfsc]*|[Ii][46]c?|[Mm][FR]?|U[bBlL]?|[SsFfB]R?)/.exec(rest) ??
        // Any other alphanumeric extension is consumed as one letter, as libtraceevent does.
        /^[A-Za-z0-9]/.exec(rest);
      if (m && !(m[0] === "f" || m[0] === "F" ? rest[1] === "w" : false)) pointerExt = m[0];
      i += pointerExt.length;
    }
    if (lit !== "") {
      out.push(lit);
      lit = "";
    }
    if (!"diuxXocsp".includes(conv) || conv === "") {
      // Unknown conversion: printed verbatim.
      out.push(fmt.slice(start, i));
      continue;
    }
    out.push({ text: fmt.slice(start, i), flags, width, precision, length, conv, pointerExt });
  }
  if (lit !== "") out.push(lit);
  return out;
}

function pad(s: string, width: number, left: boolean, zero = false, prefixLen = 0): string {
  if (s.length >= width) return s;
  if (left) return s + " ".repeat(width - s.length);
  if (zero) return s.slice(0, prefixLen) + "0".repeat(width - s.length) + s.slice(prefixLen);
  return " ".repeat(width - s.length) + s;
}

/** Bit width of an integer conversion for a length class, given the writer's long size. */
export function lengthBits(length: number, longSize: number): number {
  if (length <= -2) return 8;
  if (length === -1) return 16;
  if (length === 0) return 32;
  if (length === 1) return longSize * 8;
  return 64;
}

/** Formats an integer conversion (d i u x X o c) the way glibc's printf does. */
export function formatInt(
  spec: ConvSpec,
  value: bigint,
  longSize: number,
  width = spec.width,
  precision = spec.precision,
): string {
  const bits = lengthBits(spec.length, longSize);
  const left = spec.flags.includes("-");
  const w = Math.max(0, width);
  if (spec.conv === "c") return pad(String.fromCharCode(Number(BigInt.asUintN(8, value))), w, left);
  const signedConv = spec.conv === "d" || spec.conv === "i";
  const v = signedConv ? BigInt.asIntN(bits, value) : BigInt.asUintN(bits, value);
  const neg = v < 0n;
  const mag = neg ? -v : v;
  let digits: string;
  if (spec.conv === "x") digits = mag.toString(16);
  else if (spec.conv === "X") digits = mag.toString(16).toUpperCase();
  else if (spec.conv === "o") digits = mag.toString(8);
  else digits = mag.toString(10);
  if (precision >= 0) {
    if (precision === 0 && mag === 0n) digits = "";
    else if (digits.length < precision) digits = "0".repeat(precision - digits.length) + digits;
  }
  let prefix = "";
  if (signedConv) {
    if (neg) prefix = "-";
    else if (spec.flags.includes("+")) prefix = "+";
    else if (spec.flags.includes(" ")) prefix = " ";
  } else if (spec.flags.includes("#")) {
    if ((spec.conv === "x" || spec.conv === "X") && mag !== 0n) prefix = spec.conv === "x" ? "0x" : "0X";
    else if (spec.conv === "o" && !digits.startsWith("0")) digits = `0${digits}`;
  }
  const zero = spec.flags.includes("0") && !left && precision < 0;
  return pad(prefix + digits, w, left, zero, prefix.length);
}

/** Formats a `%s` conversion: precision truncates, width pads. */
export function formatStr(spec: ConvSpec, s: string, width = spec.width, precision = spec.precision): string {
  const left = spec.flags.includes("-");
  const w = Math.max(0, width);
  const str = precision >= 0 ? s.slice(0, precision) : s;
  return pad(str, w, left);
}

/** glibc's `%p`: `0x…` in lower-case hex, or `(nil)` for zero; width and `-` apply. */
export function formatPlainPointer(spec: ConvSpec, value: bigint, longSize: number, width = spec.width): string {
  const v = BigInt.asUintN(longSize * 8, value);
  const left = spec.flags.includes("-");
  const w = Math.max(0, width);
  return pad(v === 0n ? "(nil)" : `0x${v.toString(16)}`, w, left);
}
