/** Strings as Python's `json.dumps` writes them (ensure_ascii): the byte-exact JSON perf's scripts emit. */

const SHORT: Record<number, string> = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r", 34: '\\"', 92: "\\\\" };
/** Characters that need no escape: printable ASCII other than `"` and `\`. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** `json.dumps(s)` for a str: quoted, non-ASCII as `\uXXXX` (UTF-16 units, lowercase hex). */
export function pyJsonString(s: string): string {
  if (typeof s !== "string") throw new TypeError(`s must be a string, got ${typeof s}`);
  if (PLAIN.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 34 && c !== 92) out += s[i];
    else out += SHORT[c] ?? `\\u${c.toString(16).padStart(4, "0")}`;
  }
  return `${out}"`;
}
