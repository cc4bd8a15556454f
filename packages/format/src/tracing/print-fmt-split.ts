/** Splits a `print fmt:` line into its format string and top-level argument texts. */

/** Resolves the C escapes of a string literal body (`\n`, `\t`, `\\`, `\"`, octal, hex). */
export function unescapeC(body: string): string {
  if (!body.includes("\\")) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== "\\" || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const n = body[++i];
    switch (n) {
      case "n":
        out += "\n";
        break;
      case "t":
        out += "\t";
        break;
      case "r":
        out += "\r";
        break;
      case "a":
        out += "\x07";
        break;
      case "b":
        out += "\b";
        break;
      case "f":
        out += "\f";
        break;
      case "v":
        out += "\v";
        break;
      case "x": {
        const m = /^[0-9a-fA-F]{1,2}/.exec(body.slice(i + 1));
        if (m) {
          out += String.fromCharCode(Number.parseInt(m[0], 16));
          i += m[0].length;
        } else out += "x";
        break;
      }
      default:
        if (n >= "0" && n <= "7") {
          const m = /^[0-7]{1,3}/.exec(body.slice(i)) as RegExpExecArray;
          out += String.fromCharCode(Number.parseInt(m[0], 8));
          i += m[0].length - 1;
        } else out += n;
    }
  }
  return out;
}

/** Index just past the string or char literal starting at `start` (which holds the quote). */
export function skipLiteral(text: string, start: number): number {
  const q = text[start];
  let i = start + 1;
  while (i < text.length && text[i] !== q) i += text[i] === "\\" ? 2 : 1;
  if (i >= text.length) throw new Error(`unterminated ${q === '"' ? "string" : "char"} literal`);
  return i + 1;
}

/** Splits `text` at commas outside brackets and literals. Empty input gives an empty list. */
export function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === '"' || c === "'") {
      i = skipLiteral(text, i);
      continue;
    }
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
    i++;
  }
  const last = text.slice(start).trim();
  if (last !== "" || out.length > 0) out.push(last);
  return out;
}

/** `"fmt", a, b` → `{ fmt, args }`. Adjacent literals (`"a" "b"`) are joined as C does. */
export function splitPrintFmt(raw: string): { fmt: string; args: string[] } {
  let i = 0;
  let fmt = "";
  const skipWs = () => {
    while (i < raw.length && /\s/.test(raw[i])) i++;
  };
  skipWs();
  if (raw[i] !== '"') throw new Error("print fmt does not start with a string literal");
  while (raw[i] === '"') {
    const end = skipLiteral(raw, i);
    fmt += unescapeC(raw.slice(i + 1, end - 1));
    i = end;
    skipWs();
  }
  if (i >= raw.length) return { fmt, args: [] };
  if (raw[i] !== ",") throw new Error(`expected "," after the print fmt string at column ${i + 1}`);
  return { fmt, args: splitTopLevel(raw.slice(i + 1)) };
}
