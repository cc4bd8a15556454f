/** A parse failure: perf stops reading the file at this line ("bad config file line N in FILE"). */
export class ConfigParseError extends Error {
  override readonly name = "ConfigParseError";
  constructor(
    readonly file: string,
    /** 1-based line where perf's parser gave up. */
    readonly line: number,
  ) {
    super(`bad config file line ${line} in ${file}`);
  }
}

/** One `section.name = value` item, in file order. `name` may hold a subsection ("sub.key"). */
export interface ConfigItem {
  section: string;
  name: string;
  value: string;
}

/** What {@link parseConfig} found: the items before any error, and the error (perf keeps both). */
export interface ParsedConfig {
  items: ConfigItem[];
  error: ConfigParseError | null;
}

const MAXNAME = 1024;
const MAXVALUE = 1023;

/**
 * Parses perf's git-config dialect exactly as perf 6.1's config.c does: `[section]`,
 * `[section "sub"]`, `#`/`;` comments, quotes, `\t \n \b \\ \"` escapes, line continuation,
 * whitespace collapsed, section names lowercased, the first letter of a key lowercased
 * (the rest kept), and a key without `=` value rejected. Items read before an error are kept.
 */
export function parseConfig(text: string, file = "<config>"): ParsedConfig {
  if (typeof text !== "string") throw new TypeError(`text must be a string, got ${typeof text}`);
  if (typeof file !== "string") throw new TypeError(`file must be a string, got ${typeof file}`);
  const p = new Parser(text.replace(/^\uFEFF/, ""));
  const items: ConfigItem[] = [];
  let base = "";
  let comment = false;
  for (;;) {
    const c = p.next();
    if (c === "\n") {
      if (p.eof) return { items, error: null };
      comment = false;
      continue;
    }
    if (comment || isSpace(c)) continue;
    if (c === "#" || c === ";") {
      comment = true;
      continue;
    }
    if (c === "[") {
      const b = baseVar(p);
      if (b === null || b === "") break;
      base = `${b}.`;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) break;
    // perf names the line a failed `key = value` starts on (checked against perf 6.1).
    const startLine = p.line;
    const item = value(p, base + c.toLowerCase());
    if (!item) return { items, error: new ConfigParseError(file, startLine) };
    items.push(item);
  }
  return { items, error: new ConfigParseError(file, p.line) };
}

class Parser {
  pos = 0;
  line = 1;
  eof = false;
  constructor(readonly text: string) {}
  /** perf's get_next_char: "\r\n" reads as "\n", and end of file as a final "\n". */
  next(): string {
    if (this.pos >= this.text.length) {
      this.eof = true;
      return "\n";
    }
    let c = this.text[this.pos++]!;
    if (c === "\r" && this.text[this.pos] === "\n") c = this.text[this.pos++]!;
    if (c === "\n") this.line++;
    return c;
  }
}

function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\v" || c === "\f";
}

function isKeyChar(c: string): boolean {
  return /[A-Za-z0-9_-]/.test(c);
}

/** `[name]` or `[name "sub"]` after the "[": returns "name" / "name.sub", or null. */
function baseVar(p: Parser): string | null {
  let name = "";
  for (;;) {
    const c = p.next();
    if (p.eof) return null;
    if (c === "]") return name;
    if (isSpace(c)) return extendedBaseVar(p, name, c);
    if (!isKeyChar(c) && c !== ".") return null;
    if (name.length > MAXNAME / 2) return null;
    name += c.toLowerCase();
  }
}

function extendedBaseVar(p: Parser, name: string, c: string): string | null {
  do {
    if (c === "\n") return null;
    c = p.next();
  } while (isSpace(c));
  if (c !== '"') return null;
  name += ".";
  for (;;) {
    let ch = p.next();
    if (ch === "\n") return null;
    if (ch === '"') break;
    if (ch === "\\") {
      ch = p.next();
      if (ch === "\n") return null;
    }
    name += ch;
    if (name.length > MAXNAME / 2) return null;
  }
  return p.next() === "]" ? name : null;
}

/** perf's get_value + collect_config: reads `key = value`; null means a parse error. */
function value(p: Parser, name: string): ConfigItem | null {
  let c: string;
  for (;;) {
    c = p.next();
    if (p.eof || !isKeyChar(c)) break;
    name += c;
    if (name.length >= MAXNAME) return null;
  }
  while (c === " " || c === "\t") c = p.next();
  if (c === "\n") return null; // perf 6.1 rejects a key without a value
  if (c !== "=") return null;
  const v = parseValue(p);
  if (v === null) return null;
  const dot = name.indexOf(".");
  if (dot < 0) return null; // a key before any [section]
  return { section: name.slice(0, dot), name: name.slice(dot + 1), value: v };
}

function parseValue(p: Parser): string | null {
  let out = "";
  let quote = false;
  let comment = false;
  let space = false;
  for (;;) {
    let c = p.next();
    if (out.length >= MAXVALUE) return null;
    if (c === "\n") return quote ? null : out;
    if (comment) continue;
    if (isSpace(c) && !quote) {
      space = true;
      continue;
    }
    if (!quote && (c === ";" || c === "#")) {
      comment = true;
      continue;
    }
    if (space) {
      if (out.length > 0) out += " ";
      space = false;
    }
    if (c === "\\") {
      c = p.next();
      if (c === "\n") continue;
      if (c === "t") c = "\t";
      else if (c === "b") c = "\b";
      else if (c === "n") c = "\n";
      else if (c !== "\\" && c !== '"') return null;
      out += c;
      continue;
    }
    if (c === '"') {
      quote = !quote;
      continue;
    }
    out += c;
  }
}
