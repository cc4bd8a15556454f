/**
 * Parser for one tracefs event format text (`events/<system>/<event>/format`), the same text
 * perf stores in its TRACING_DATA blob. Pure string work: no I/O.
 */
import { checkArg } from "../errors.ts";
import { splitPrintFmt } from "./print-fmt-split.ts";

/** One `field:` line of a format, with the flags libtraceevent derives from the declaration. */
export interface FormatField {
  /** Field name, without any `[len]` suffix. */
  readonly name: string;
  /** C type without the name, e.g. `unsigned long`, `char`, `const char *`, `__data_loc char[]`. */
  readonly type: string;
  /** The C declaration exactly as the format line gives it, e.g. `char prev_comm[16]`. */
  readonly declaration: string;
  /** Byte offset from the start of the raw record (the `common_type` byte). */
  readonly offset: number;
  /** Byte size as the format states it (the whole array for fixed arrays; 4 for dynamic fields). */
  readonly size: number;
  /** `signed:1` (or, on old kernels without that token, guessed from the type). */
  readonly signed: boolean;
  /** Fixed (`[n]`) or dynamic (`__data_loc`/`__rel_loc`, or `[]` to the record's end) array. */
  readonly isArray: boolean;
  /** Element count of a fixed array; 0 for dynamic arrays and scalars. */
  readonly arrayLen: number;
  /** Byte size of one element (of the array or of the scalar itself). */
  readonly elementSize: number;
  /** `__data_loc`: u32 `(len << 16) | offset-from-record-start`. */
  readonly isDataLoc: boolean;
  /** `__rel_loc`: u32 `(len << 16) | offset-from-end-of-this-field`. */
  readonly isRelLoc: boolean;
  /** A char array (fixed or dynamic) that holds a NUL-terminated string. */
  readonly isString: boolean;
  /** The type ends in `*`. */
  readonly isPointer: boolean;
  /** `long` / `unsigned long` (width depends on the writer's long size). */
  readonly isLong: boolean;
  /** Listed before the first blank line (`common_type`, `common_pid`, …). */
  readonly isCommon: boolean;
}

/** A parsed event format. */
export interface EventFormat {
  /** Event name (`sched_switch`). */
  readonly name: string;
  /** Tracepoint id: `attr.config` of the perf event and `common_type` of every raw record. */
  readonly id: number;
  /** Subsystem (`sched`); empty when the caller did not know it. */
  readonly system: string;
  /** Fields before the first blank line. */
  readonly commonFields: readonly FormatField[];
  /** The event's own fields. */
  readonly fields: readonly FormatField[];
  /** The print format string, unquoted and with C escapes resolved. */
  readonly printFmt: string;
  /** The print format's argument expressions as text, split at top-level commas. */
  readonly printArgs: readonly string[];
  /** The whole `print fmt:` line after the colon, as written. */
  readonly printFmtRaw: string;
  /** Where the text came from (a file path or `tracing-data:<system>/<n>`), for messages. */
  readonly source: string;
}

/** A format text that does not follow the tracefs grammar. Names the source and 1-based line. */
export class FormatParseError extends Error {
  override readonly name = "FormatParseError";
  constructor(
    readonly source: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${source}:${line}: ${detail}`);
  }
}

const FIELD_LINE = /^field:(.*?);\s*offset:\s*(\d+);\s*size:\s*(\d+);(?:\s*signed:\s*(-?\d+);)?\s*$/;

/**
 * Parses a format text. `source` names it in errors (a path, or `system/event`).
 * Throws {@link FormatParseError} naming `source` and the line number when the text is malformed.
 */
export function parseEventFormat(text: string, source = "<format>", system = ""): EventFormat {
  checkArg(typeof text === "string", "text", "a string", text);
  checkArg(typeof source === "string", "source", "a string", source);
  checkArg(typeof system === "string", "system", "a string", system);
  const lines = text.split("\n");
  let name: string | undefined;
  let id: number | undefined;
  let inFormat = false;
  let sawBlank = false;
  let printRaw: string | undefined;
  let printLine = 0;
  const commonFields: FormatField[] = [];
  const fields: FormatField[] = [];
  const fail = (line: number, detail: string): never => {
    throw new FormatParseError(source, line, detail);
  };
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i];
    const line = raw.trim();
    if (line === "") {
      if (inFormat && commonFields.length > 0) sawBlank = true;
      continue;
    }
    if (line.startsWith("name:")) {
      name = line.slice(5).trim();
      if (name === "") fail(lineNo, "empty event name");
    } else if (line.startsWith("ID:")) {
      const v = line.slice(3).trim();
      if (!/^\d+$/.test(v)) fail(lineNo, `bad ID "${v}"`);
      id = Number(v);
    } else if (line === "format:") {
      inFormat = true;
    } else if (line.startsWith("field:") || line.startsWith("field ")) {
      if (!inFormat) fail(lineNo, "field line before format:");
      const field = parseFieldLine(line, !sawBlank, (d) => fail(lineNo, d));
      (sawBlank ? fields : commonFields).push(field);
    } else if (line.startsWith("print fmt:")) {
      // The format string may hold literal newlines, so the print fmt runs to the end of the text.
      printRaw = [raw.slice(raw.indexOf("print fmt:") + "print fmt:".length), ...lines.slice(i + 1)].join("\n").trim();
      printLine = lineNo;
      break;
    } else {
      fail(lineNo, `unrecognised line "${line.length > 60 ? `${line.slice(0, 60)}…` : line}"`);
    }
  }
  if (name === undefined) fail(1, "missing name: line");
  if (id === undefined) fail(1, "missing ID: line");
  if (printRaw === undefined) fail(lines.length, "missing print fmt: line");
  let printFmt = "";
  let printArgs: string[] = [];
  try {
    ({ fmt: printFmt, args: printArgs } = splitPrintFmt(printRaw as string));
  } catch (e) {
    fail(printLine, (e as Error).message);
  }
  // A format with no blank line has no common section: the fields seen are the event's own.
  const own = sawBlank ? fields : commonFields.map((f) => ({ ...f, isCommon: false }));
  return {
    name: name as string,
    id: id as number,
    system,
    commonFields: sawBlank ? commonFields : [],
    fields: own,
    printFmt,
    printArgs,
    printFmtRaw: printRaw as string,
    source,
  };
}

/** Byte sizes of C base types seen in formats, for dynamic arrays whose element size is unstated. */
const TYPE_SIZES: Record<string, number> = {
  char: 1,
  "signed char": 1,
  "unsigned char": 1,
  bool: 1,
  _Bool: 1,
  u8: 1,
  s8: 1,
  __u8: 1,
  __s8: 1,
  int8_t: 1,
  uint8_t: 1,
  short: 2,
  "unsigned short": 2,
  "short int": 2,
  u16: 2,
  s16: 2,
  __u16: 2,
  __s16: 2,
  __le16: 2,
  __be16: 2,
  int16_t: 2,
  uint16_t: 2,
  int: 4,
  "unsigned int": 4,
  unsigned: 4,
  uint: 4,
  ushort: 2,
  uchar: 1,
  ulong: 8,
  u32: 4,
  s32: 4,
  __u32: 4,
  __s32: 4,
  __le32: 4,
  __be32: 4,
  int32_t: 4,
  uint32_t: 4,
  pid_t: 4,
  "long long": 8,
  "unsigned long long": 8,
  u64: 8,
  s64: 8,
  __u64: 8,
  __s64: 8,
  __le64: 8,
  __be64: 8,
  int64_t: 8,
  uint64_t: 8,
};

/** Size of a C type name when it is a well-known fixed-width type, else undefined. */
export function knownTypeSize(type: string, longSize = 8): number | undefined {
  const t = type
    .replace(/\b(const|volatile)\b/g, "")
    .replace(/\s+/g, " ")
    .trim();
  if (t.endsWith("*")) return longSize;
  if (
    t === "long" ||
    t === "unsigned long" ||
    t === "long int" ||
    t === "unsigned long int" ||
    t === "size_t" ||
    t === "ssize_t"
  )
    return longSize;
  return TYPE_SIZES[t];
}

function parseFieldLine(line: string, isCommon: boolean, fail: (detail: string) => never): FormatField {
  // Tolerate "field: u64 timestamp" (header_page) and "field special:" spellings.
  const norm = line.replace(/^field(?: special)?:\s*/, "field:");
  const m = FIELD_LINE.exec(norm);
  if (!m) fail(`malformed field line "${line}"`);
  const [, declRaw, offText, sizeText, signedText] = m as RegExpExecArray;
  const declaration = declRaw.trim();
  const offset = Number(offText);
  const size = Number(sizeText);
  // The name is the last identifier; an array suffix may follow it.
  const dm = /^(.*?)([A-Za-z_$][\w$]*)\s*((?:\[[^\]]*\])*)$/.exec(declaration);
  if (!dm || dm[1].trim() === "") fail(`cannot find type and name in "${declaration}"`);
  const [, typePart, name, suffix] = dm as RegExpExecArray;
  let type = typePart.trim();
  const isDataLoc = /^__data_loc\b/.test(type);
  const isRelLoc = /^__rel_loc\b/.test(type);
  const dynamic = isDataLoc || isRelLoc;
  // For dynamic fields the element type is between the marker and "[]".
  const elemType = (dynamic ? type.replace(/^__(data|rel)_loc\s*/, "").replace(/\[\]\s*$/, "") : type)
    .replace(/\b(const|volatile|__attribute__\(\(.*\)\))\b/g, "")
    .replace(/\s+/g, " ")
    .trim();
  let isArray = dynamic;
  let arrayLen = 0;
  if (suffix !== "") {
    isArray = true;
    const lm = /^\[(\d*)\]/.exec(suffix);
    if (lm && lm[1] !== "") arrayLen = Number(lm[1]);
  }
  if (dynamic) type = type.replace(/\s+/g, " ");
  const isPointer = elemType.endsWith("*");
  const baseName = elemType.replace(/\bsigned\s+/, "");
  const isString = isArray && (baseName === "char" || elemType === "signed char");
  const isLong = !isPointer && /^(unsigned )?long( int)?$/.test(elemType);
  let elementSize = size;
  if (isArray) {
    if (arrayLen > 0) elementSize = Math.max(1, Math.floor(size / arrayLen));
    else elementSize = knownTypeSize(elemType) ?? 1;
    // "[SOME_MACRO]" that the kernel did not expand: derive the count from the size.
    if (!dynamic && arrayLen === 0 && size > 0 && suffix !== "[]") arrayLen = Math.floor(size / elementSize);
  }
  let signed: boolean;
  if (signedText !== undefined) signed = signedText !== "0";
  else signed = !/\bunsigned\b|^u\d|^__u|\*$|^bool$|^char$/.test(elemType) && !isArray;
  return {
    name,
    type,
    declaration,
    offset,
    size,
    signed,
    isArray,
    arrayLen,
    elementSize,
    isDataLoc,
    isRelLoc,
    isString,
    isPointer,
    isLong,
    isCommon,
  };
}
