/**
 * Renders a raw tracepoint record the way `perf script` prints its trace column: the event's
 * print fmt evaluated with libtraceevent's rules (helpers, casts, `%p` extensions, C printf).
 */
import { checkArg } from "../errors.ts";
import type { EventFormat, FormatField } from "./event-format.ts";
import { knownTypeSize } from "./event-format.ts";
import { fieldDataRange, readCString, readInt } from "./field-decode.ts";
import { type Expr, parsePrintExpr } from "./print-expr-parse.ts";
import { type ConvSpec, type FmtPiece, formatInt, formatPlainPointer, formatStr, parsePrintf } from "./printf.ts";

/** A kernel symbol for `%pS`-style conversions. */
export interface ResolvedSymbol {
  readonly name: string;
  /** Address minus the symbol start. */
  readonly offset: bigint;
}

/** How to read and render records. A {@link TracingData} satisfies it. */
export interface FormatTracepointOptions {
  /** Byte order of the raw record (the tracing data's endian flag). */
  readonly littleEndian: boolean;
  /** The kernel's long size (4 or 8). */
  readonly longSize: number;
  /** printk format strings by address, for `%s` of a pointer-sized field. */
  readonly printk?: ReadonlyMap<bigint, string>;
  /** Kernel symbol lookup for `%pS`/`%ps`/`%pF`/`%pf`; without it addresses print as `0x…`. */
  readonly resolveSymbol?: (addr: bigint) => ResolvedSymbol | undefined;
}

interface Program {
  readonly pieces: readonly FmtPiece[];
  readonly args: readonly Expr[];
  readonly fields: ReadonlyMap<string, FormatField>;
}

/** Why a print fmt could not be used; the fallback output prints the fields instead. */
class PrintEvalError extends Error {}

interface Ctx {
  readonly raw: DataView;
  readonly le: boolean;
  readonly longSize: number;
  readonly opts: FormatTracepointOptions;
  readonly prog: Program;
}

const programs = new WeakMap<EventFormat, Program | Error>();

function compileProgram(fmt: EventFormat): Program | Error {
  let p = programs.get(fmt);
  if (p) return p;
  try {
    const fields = new Map<string, FormatField>();
    for (const f of [...fmt.commonFields, ...fmt.fields]) fields.set(f.name, f);
    p = { pieces: parsePrintf(fmt.printFmt), args: fmt.printArgs.map(parsePrintExpr), fields };
  } catch (e) {
    p = e as Error;
  }
  programs.set(fmt, p);
  return p;
}

/**
 * Parses the print fmt arguments of `fmt` once and reports why they cannot be evaluated, or
 * undefined when they parse. Useful to check a whole tracefs.
 */
export function checkPrintFmt(fmt: EventFormat): Error | undefined {
  const p = compileProgram(fmt);
  return p instanceof Error ? p : undefined;
}

/**
 * The text `perf script` prints for this tracepoint record (its `trace` field). When the print
 * fmt uses something libtraceevent cannot evaluate, prints `[FAILED TO PARSE]` and the fields.
 */
export function formatTracepoint(fmt: EventFormat, raw: DataView | Uint8Array, opts: FormatTracepointOptions): string {
  checkArg(typeof fmt === "object" && fmt !== null && Array.isArray(fmt.fields), "fmt", "an EventFormat", fmt);
  checkArg(raw instanceof DataView || raw instanceof Uint8Array, "raw", "a DataView or Uint8Array", raw);
  checkArg(typeof opts === "object" && opts !== null, "opts", "an options object", opts);
  checkArg(typeof opts.littleEndian === "boolean", "opts.littleEndian", "a boolean", opts.littleEndian);
  checkArg(opts.longSize === 4 || opts.longSize === 8, "opts.longSize", "4 or 8", opts.longSize);
  const view = raw instanceof DataView ? raw : new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const prog = compileProgram(fmt);
  if (!(prog instanceof Error)) {
    try {
      return render({ raw: view, le: opts.littleEndian, longSize: opts.longSize, opts, prog });
    } catch (e) {
      if (!(e instanceof PrintEvalError) && !(e instanceof RangeError) && (e as Error).name !== "PerfDataError")
        throw e;
    }
  }
  return failedToParse(fmt, view, opts);
}

function render(ctx: Ctx): string {
  const { pieces, args } = ctx.prog;
  let out = "";
  let argi = 0;
  const nextArg = (): Expr => {
    const a = args[argi++];
    if (!a) throw new PrintEvalError("not enough arguments");
    return a;
  };
  for (const piece of pieces) {
    if (typeof piece === "string") {
      out += piece;
      continue;
    }
    let spec: ConvSpec = piece;
    let width = spec.width;
    let precision = spec.precision;
    if (width === -2) {
      width = Number(BigInt.asIntN(32, evalNum(nextArg(), ctx)));
      if (width < 0) {
        spec = { ...spec, flags: `${spec.flags}-` };
        width = -width;
      }
    }
    if (precision === -2) precision = Number(BigInt.asIntN(32, evalNum(nextArg(), ctx)));
    const arg = nextArg();
    if (spec.conv === "s") out += formatStr(spec, evalStr(arg, ctx), width, precision);
    else if (spec.conv === "p") out += formatPointer(spec, arg, ctx, width);
    else out += formatInt(spec, evalNum(arg, ctx), ctx.longSize, width, precision);
  }
  return out;
}

function field(ctx: Ctx, name: string): FormatField {
  const f = ctx.prog.fields.get(name);
  if (!f) throw new PrintEvalError(`no field ${name}`);
  return f;
}

function fieldBytes(ctx: Ctx, f: FormatField): Uint8Array {
  const [s, e] = fieldDataRange(f, ctx.raw, ctx.le);
  return new Uint8Array(ctx.raw.buffer, ctx.raw.byteOffset + s, e - s);
}

/** The bytes an array-ish argument designates (a field, or a `__get_dynamic_array`). */
function arrayBytes(e: Expr, ctx: Ctx): Uint8Array {
  if (e.k === "field" || e.k === "ident") return fieldBytes(ctx, field(ctx, e.name));
  if (e.k === "call" && /^__get_(rel_)?(dynamic_array|str|bitmask|cpumask|sockaddr)$/.test(e.name) && e.args[0]) {
    return fieldBytes(ctx, field(ctx, fieldName(e.args[0])));
  }
  if (e.k === "cast") return arrayBytes(e.a, ctx);
  throw new PrintEvalError("argument is not an array");
}

function fieldName(e: Expr): string {
  if (e.k === "ident") return e.name;
  if (e.k === "field") return e.name;
  throw new PrintEvalError("expected a field name");
}

/** Applies a C cast: truncation and sign of known integer types; others leave the value. */
function castValue(type: string, v: bigint, longSize: number): bigint {
  const t = type.replace(/\b(const|volatile)\b/g, "").trim();
  const size = knownTypeSize(t, longSize);
  if (size === undefined) return v;
  const unsigned =
    t.endsWith("*") || /\bunsigned\b|^(__)?u\d+$|^__(le|be)\d+$|^uint\d+_t$|^size_t$|^bool$|^_Bool$/.test(t);
  if (t === "bool" || t === "_Bool") return v !== 0n ? 1n : 0n;
  return unsigned ? BigInt.asUintN(size * 8, v) : BigInt.asIntN(size * 8, v);
}

function truth(v: bigint): boolean {
  return v !== 0n;
}

/** Evaluates an expression to a 64-bit integer. */
function evalNum(e: Expr, ctx: Ctx): bigint {
  switch (e.k) {
    case "num":
      return e.v;
    case "str":
      throw new PrintEvalError("string in a numeric context");
    case "field": {
      const f = field(ctx, e.name);
      if (f.isArray) {
        // An array used as a number is its address in C; libtraceevent gives its data offset.
        return BigInt(fieldDataRange(f, ctx.raw, ctx.le)[0]);
      }
      if (f.offset + f.size > ctx.raw.byteLength) throw new PrintEvalError(`field ${f.name} out of bounds`);
      return readInt(ctx.raw, f.offset, f.size, f.signed, ctx.le);
    }
    case "index": {
      if (e.base.k !== "field") throw new PrintEvalError("index of a non-field");
      const f = field(ctx, e.base.name);
      const i = Number(evalNum(e.idx, ctx));
      const [s, end] = f.isArray ? fieldDataRange(f, ctx.raw, ctx.le) : [f.offset, f.offset + f.size];
      const el = f.isArray ? f.elementSize : f.size;
      const at = s + i * el;
      if (i < 0 || at + el > end) throw new PrintEvalError(`index ${i} outside ${f.name}`);
      return readInt(ctx.raw, at, el, f.signed, ctx.le);
    }
    case "un": {
      const a = evalNum(e.a, ctx);
      switch (e.op) {
        case "-":
          return BigInt.asIntN(64, -a);
        case "+":
          return a;
        case "!":
          return truth(a) ? 0n : 1n;
        case "~":
          return BigInt.asIntN(64, ~a);
        default:
          throw new PrintEvalError(`unary ${e.op} is not supported`);
      }
    }
    case "bin":
      return evalBinary(e.op, e.a, e.b, ctx);
    case "cond":
      return truth(evalNum(e.c, ctx)) ? evalNum(e.t, ctx) : evalNum(e.f, ctx);
    case "cast":
      return castValue(e.type, evalNum(e.a, ctx), ctx.longSize);
    case "sizeof": {
      const s = knownTypeSize(e.type, ctx.longSize);
      if (s === undefined) throw new PrintEvalError(`sizeof(${e.type}) unknown`);
      return BigInt(s);
    }
    case "call":
      return evalCallNum(e.name, e.args, ctx);
    default:
      throw new PrintEvalError(`${e.k} in a numeric context`);
  }
}

function evalBinary(op: string, ea: Expr, eb: Expr, ctx: Ctx): bigint {
  if (op === "&&") return truth(evalNum(ea, ctx)) && truth(evalNum(eb, ctx)) ? 1n : 0n;
  if (op === "||") return truth(evalNum(ea, ctx)) || truth(evalNum(eb, ctx)) ? 1n : 0n;
  const a = evalNum(ea, ctx);
  const b = evalNum(eb, ctx);
  let r: bigint;
  switch (op) {
    case "+":
      r = a + b;
      break;
    case "-":
      r = a - b;
      break;
    case "*":
      r = a * b;
      break;
    case "/":
      if (b === 0n) throw new PrintEvalError("division by zero");
      r = a / b;
      break;
    case "%":
      if (b === 0n) throw new PrintEvalError("division by zero");
      r = a % b;
      break;
    case "<<":
      r = a << (b & 63n);
      break;
    case ">>":
      r = a >> (b & 63n);
      break;
    case "&":
      r = a & b;
      break;
    case "|":
      r = a | b;
      break;
    case "^":
      r = a ^ b;
      break;
    case "==":
      return a === b ? 1n : 0n;
    case "!=":
      return a !== b ? 1n : 0n;
    case "<":
      return a < b ? 1n : 0n;
    case ">":
      return a > b ? 1n : 0n;
    case "<=":
      return a <= b ? 1n : 0n;
    case ">=":
      return a >= b ? 1n : 0n;
    default:
      throw new PrintEvalError(`operator ${op} is not supported`);
  }
  return BigInt.asIntN(64, r);
}

function evalCallNum(name: string, args: readonly Expr[], ctx: Ctx): bigint {
  switch (name) {
    case "__get_dynamic_array_len":
    case "__get_rel_dynamic_array_len":
      return BigInt(arrayBytes(args[0] ?? { k: "num", v: 0n }, ctx).length);
    case "__builtin_expect":
      if (!args[0]) throw new PrintEvalError("__builtin_expect without arguments");
      return evalNum(args[0], ctx);
    case "__get_dynamic_array":
    case "__get_rel_dynamic_array":
    case "__get_str":
    case "__get_rel_str": {
      const f = field(ctx, fieldName(args[0] ?? { k: "num", v: 0n }));
      return BigInt(fieldDataRange(f, ctx.raw, ctx.le)[0]);
    }
    default:
      throw new PrintEvalError(`function ${name} is not defined`);
  }
}

/** Evaluates an expression in a `%s` context, following libtraceevent's print_str_arg. */
function evalStr(e: Expr, ctx: Ctx): string {
  switch (e.k) {
    case "str":
      return e.v;
    case "num":
      return e.v.toString();
    case "field": {
      const f = field(ctx, e.name);
      if (!f.isArray && f.size === ctx.longSize) {
        // A pointer-sized scalar: a printk string address, else its hex value.
        const addr = readInt(ctx.raw, f.offset, f.size, false, ctx.le);
        return ctx.opts.printk?.get(addr) ?? addr.toString(16);
      }
      const [s, end] = fieldDataRange(f, ctx.raw, ctx.le);
      return readCString(ctx.raw, s, end);
    }
    case "cond":
      return truth(evalNum(e.c, ctx)) ? evalStr(e.t, ctx) : evalStr(e.f, ctx);
    case "cast":
      return evalStr(e.a, ctx);
    case "call":
      return evalCallStr(e.name, e.args, ctx);
    default:
      throw new PrintEvalError(`${e.k} in a string context`);
  }
}

function flagPairs(items: readonly Expr[], ctx: Ctx): [bigint, string][] {
  return items.map((it) => {
    if (it.k !== "list" || it.items.length !== 2) throw new PrintEvalError("malformed flag/symbol list");
    const [v, s] = it.items;
    if (s.k !== "str") throw new PrintEvalError("flag name is not a string");
    return [evalNum(v, ctx), s.v];
  });
}

function evalCallStr(name: string, args: readonly Expr[], ctx: Ctx): string {
  switch (name) {
    case "__get_str":
    case "__get_rel_str": {
      const f = field(ctx, fieldName(args[0] ?? { k: "num", v: 0n }));
      const [s] = fieldDataRange(f, ctx.raw, ctx.le);
      // libtraceevent prints from the data offset up to the NUL, ignoring the stated length.
      return readCString(ctx.raw, s, ctx.raw.byteLength);
    }
    case "__print_flags":
    case "__print_flags_u64": {
      const [valE, delimE, ...rest] = args;
      if (!valE || !delimE) throw new PrintEvalError(`${name} needs a value and a delimiter`);
      let val = BigInt.asUintN(64, evalNum(valE, ctx));
      const delim = delimE.k === "str" ? delimE.v : "";
      let out = "";
      let printed = false;
      for (const [fv, s] of flagPairs(rest, ctx)) {
        if (val === 0n && fv < 0n) {
          out += s;
          break;
        }
        const f = BigInt.asUintN(64, fv);
        if (fv !== 0n && (val & f) === f) {
          if (printed && delim) out += delim;
          out += s;
          printed = true;
          val &= ~f;
        }
      }
      if (val !== 0n) {
        if (printed && delim) out += delim;
        out += `0x${val.toString(16)}`;
      }
      return out;
    }
    case "__print_symbolic":
    case "__print_symbolic_u64": {
      const [valE, ...rest] = args;
      if (!valE) throw new PrintEvalError(`${name} needs a value`);
      const val = evalNum(valE, ctx);
      for (const [fv, s] of flagPairs(rest, ctx)) if (BigInt.asUintN(64, fv) === BigInt.asUintN(64, val)) return s;
      return `0x${BigInt.asUintN(64, val).toString(16)}`;
    }
    case "__print_hex":
    case "__print_hex_str": {
      const [bufE, lenE] = args;
      if (!bufE || !lenE) throw new PrintEvalError(`${name} needs a buffer and a length`);
      const bytes = arrayBytes(bufE, ctx);
      const len = Number(evalNum(lenE, ctx));
      if (len > bytes.length) throw new PrintEvalError(`${name} length beyond its buffer`);
      const hex: string[] = [];
      for (let i = 0; i < len; i++) hex.push(bytes[i].toString(16).padStart(2, "0"));
      return hex.join(name === "__print_hex" ? " " : "");
    }
    case "__print_array": {
      const [arrE, countE, sizeE] = args;
      if (!arrE || !countE || !sizeE) throw new PrintEvalError("__print_array needs three arguments");
      const bytes = arrayBytes(arrE, ctx);
      const count = Number(evalNum(countE, ctx));
      const el = Number(evalNum(sizeE, ctx));
      if (![1, 2, 4, 8].includes(el) || count * el > bytes.length) throw new PrintEvalError("bad __print_array");
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const parts: string[] = [];
      for (let i = 0; i < count; i++) parts.push(readInt(dv, i * el, el, false, ctx.le).toString());
      return parts.join(" ");
    }
    case "__get_bitmask":
    case "__get_rel_bitmask":
    case "__get_cpumask":
    case "__get_rel_cpumask":
      return bitmaskText(arrayBytes(args[0] ?? { k: "num", v: 0n }, ctx));
    default:
      // Numeric helpers in a string context print their value.
      return evalCallNum(name, args, ctx).toString();
  }
}

/** A bitmask as comma-separated 32-bit hex words, most significant first (libtraceevent). */
function bitmaskText(bytes: Uint8Array): string {
  let hex = "";
  for (let i = bytes.length - 1; i >= 0; i--) hex += bytes[i].toString(16).padStart(2, "0");
  const words: string[] = [];
  for (let end = hex.length; end > 0; end -= 8) words.unshift(hex.slice(Math.max(0, end - 8), end));
  return words.join(",");
}

function formatPointer(spec: ConvSpec, arg: Expr, ctx: Ctx, width: number): string {
  const ext = spec.pointerExt;
  const kind = ext[0] ?? "";
  if (kind === "S" || kind === "s" || kind === "F" || kind === "f" || kind === "B") {
    const addr = BigInt.asUintN(ctx.longSize * 8, evalNum(arg, ctx));
    const sym = ctx.opts.resolveSymbol?.(addr);
    if (!sym) return `0x${addr.toString(16)}`;
    return kind === "S" || kind === "F" || kind === "B" ? `${sym.name}+0x${sym.offset.toString(16)}` : sym.name;
  }
  if (kind === "M" || kind === "m") {
    const b = arrayBytes(arg, ctx);
    if (b.length !== 6) return "INVALIDMAC";
    const order = ext.includes("R") ? [5, 4, 3, 2, 1, 0] : [0, 1, 2, 3, 4, 5];
    const sep = kind === "m" ? "" : ext.includes("F") ? "-" : ":";
    return order.map((i) => b[i].toString(16).padStart(2, "0")).join(sep);
  }
  if (kind === "I" || kind === "i") return formatIp(ext, arrayBytes(arg, ctx));
  if (kind === "U") {
    const b = arrayBytes(arg, ctx);
    if (b.length < 16) throw new PrintEvalError("uuid field too short");
    const h = Array.from(b.subarray(0, 16), (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  if (kind !== "") throw new PrintEvalError(`%p${ext} is not supported`);
  return formatPlainPointer(spec, evalNum(arg, ctx), ctx.longSize, width);
}

function ip4(b: Uint8Array, at: number, leadingZeros: boolean): string {
  return Array.from(b.subarray(at, at + 4), (x) => (leadingZeros ? x.toString().padStart(3, "0") : x.toString())).join(
    ".",
  );
}

function ip6(b: Uint8Array, at: number, compressed: boolean, colons: boolean): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((b[at + 2 * i] << 8) | b[at + 2 * i + 1]);
  if (!compressed) return words.map((w) => w.toString(16).padStart(4, "0")).join(colons ? ":" : "");
  const v4mapped = words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff;
  const range = v4mapped ? 6 : 8;
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < range; i++) {
    let j = i;
    while (j < range && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestLen = j - i;
      best = i;
    }
  }
  let out = "";
  let needColon = false;
  for (let i = 0; i < range; i++) {
    if (i === best) {
      if (needColon || i === 0) out += ":";
      out += ":";
      needColon = false;
      i += bestLen - 1;
      continue;
    }
    if (needColon) out += ":";
    out += words[i].toString(16);
    needColon = true;
  }
  if (v4mapped) out += `${needColon ? ":" : ""}${ip4(b, at + 12, false)}`;
  return out;
}

function formatIp(ext: string, b: Uint8Array): string {
  const lead = ext[0] === "i";
  if (ext[1] === "4") return b.length >= 4 ? ip4(b, 0, lead) : "INVALIDIPv4";
  if (ext[1] === "6") return b.length >= 16 ? ip6(b, 0, ext.includes("c"), ext[0] === "I") : "INVALIDIPv6";
  if (ext[1] === "S") {
    // struct sockaddr: u16 family, be16 port, then the address.
    if (b.length < 2) return "INVALIDIPv4";
    const family = b[0] | (b[1] << 8);
    const port = (b[2] << 8) | b[3];
    const withPort = ext.includes("p");
    if (family === 2 && b.length >= 8) return `${ip4(b, 4, lead)}${withPort ? `:${port}` : ""}`;
    if (family === 10 && b.length >= 24) {
      const a = ip6(b, 8, ext.includes("c"), true);
      return withPort ? `[${a}]:${port}` : a;
    }
    return "INVALIDIPv4";
  }
  throw new PrintEvalError(`%p${ext} is not supported`);
}

/** libtraceevent's output when a print fmt cannot be used: the event's fields, raw. */
function failedToParse(fmt: EventFormat, raw: DataView, opts: FormatTracepointOptions): string {
  let out = "[FAILED TO PARSE]";
  for (const f of fmt.fields) {
    out += ` ${f.name}=`;
    try {
      if (f.isArray) {
        const [s, e] = fieldDataRange(f, raw, opts.littleEndian);
        if (f.isString) out += readCString(raw, s, e);
        else {
          const hex: string[] = [];
          for (let i = s; i < e; i++) hex.push(raw.getUint8(i).toString(16).padStart(2, "0"));
          out += `ARRAY[${hex.join(", ")}]`;
        }
      } else {
        const v = readInt(raw, f.offset, f.size, f.signed, opts.littleEndian);
        out += f.isPointer || f.isLong ? `0x${BigInt.asUintN(f.size * 8, v).toString(16)}` : v.toString();
      }
    } catch {
      out += "?";
    }
  }
  return out;
}
