/**
 * Decoding of tracepoint fields from a raw record (the PERF_SAMPLE_RAW bytes). Readers are
 * compiled once per format and cached, so decoding a record is a loop of small closures.
 */
import { checkArg, PerfDataError } from "../errors.ts";
import type { EventFormat, FormatField } from "./event-format.ts";

/** A typed array a non-string array field decodes to. */
export type FieldArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** A decoded field: `number` up to 4 bytes, `bigint` for 8, `string` for char arrays, else a typed array. */
export type FieldValue = number | bigint | string | FieldArray;

type Reader = (raw: DataView, le: boolean) => FieldValue;

const utf8 = new TextDecoder("utf-8");

/** Byte range `[start, end)` of an array field's payload in the record; checks bounds. */
export function fieldDataRange(field: FormatField, raw: DataView, le: boolean): [number, number] {
  if (field.isDataLoc || field.isRelLoc) {
    need(field, raw, field.offset, 4);
    const loc = raw.getUint32(field.offset, le);
    let start = loc & 0xffff;
    if (field.isRelLoc) start += field.offset + field.size;
    const end = start + (loc >>> 16);
    if (end > raw.byteLength)
      throw new PerfDataError(
        "bad-sample",
        `dynamic field ${field.name} points at bytes ${start}..${end} beyond the ${raw.byteLength}-byte raw record`,
        -1,
      );
    return [start, end];
  }
  // A zero-size array ("char buf[]") runs to the end of the record.
  const size = field.size === 0 ? Math.max(0, raw.byteLength - field.offset) : field.size;
  need(field, raw, field.offset, size);
  return [field.offset, field.offset + size];
}

function need(field: FormatField, raw: DataView, offset: number, size: number): void {
  if (offset + size > raw.byteLength)
    throw new PerfDataError(
      "bad-sample",
      `field ${field.name} at raw offset ${offset} (size ${size}) lies beyond the ${raw.byteLength}-byte raw record`,
      -1,
    );
}

/** Reads an unsigned or sign-extended integer of 1, 2, 4 or 8 bytes as a bigint. */
export function readInt(raw: DataView, offset: number, size: number, signed: boolean, le: boolean): bigint {
  switch (size) {
    case 1:
      return BigInt(signed ? raw.getInt8(offset) : raw.getUint8(offset));
    case 2:
      return BigInt(signed ? raw.getInt16(offset, le) : raw.getUint16(offset, le));
    case 4:
      return BigInt(signed ? raw.getInt32(offset, le) : raw.getUint32(offset, le));
    case 8:
      return signed ? raw.getBigInt64(offset, le) : raw.getBigUint64(offset, le);
    default: {
      // Odd sizes (3, 5-7): assemble bytes in record order.
      let v = 0n;
      for (let i = 0; i < size; i++) {
        const b = BigInt(raw.getUint8(offset + (le ? size - 1 - i : i)));
        v = (v << 8n) | b;
      }
      return signed ? BigInt.asIntN(size * 8, v) : v;
    }
  }
}

/** A C string from `[start, end)`: stops at the first NUL. */
export function readCString(raw: DataView, start: number, end: number): string {
  const bytes = new Uint8Array(raw.buffer, raw.byteOffset + start, end - start);
  const nul = bytes.indexOf(0);
  return utf8.decode(nul >= 0 ? bytes.subarray(0, nul) : bytes);
}

function readArray(
  raw: DataView,
  start: number,
  end: number,
  elSize: number,
  signed: boolean,
  le: boolean,
): FieldArray {
  const n = Math.floor((end - start) / elSize);
  switch (elSize) {
    case 2: {
      const a = signed ? new Int16Array(n) : new Uint16Array(n);
      for (let i = 0; i < n; i++) a[i] = signed ? raw.getInt16(start + 2 * i, le) : raw.getUint16(start + 2 * i, le);
      return a;
    }
    case 4: {
      const a = signed ? new Int32Array(n) : new Uint32Array(n);
      for (let i = 0; i < n; i++) a[i] = signed ? raw.getInt32(start + 4 * i, le) : raw.getUint32(start + 4 * i, le);
      return a;
    }
    case 8: {
      if (signed) {
        const a = new BigInt64Array(n);
        for (let i = 0; i < n; i++) a[i] = raw.getBigInt64(start + 8 * i, le);
        return a;
      }
      const a = new BigUint64Array(n);
      for (let i = 0; i < n; i++) a[i] = raw.getBigUint64(start + 8 * i, le);
      return a;
    }
    default: {
      // Bytes (and unusual element sizes) are returned as a copy of the byte range.
      const bytes = new Uint8Array(raw.buffer, raw.byteOffset + start, end - start);
      return signed && elSize === 1 ? Int8Array.from(bytes, (b) => (b << 24) >> 24) : bytes.slice();
    }
  }
}

/** Builds the reader of one field. */
function compileField(field: FormatField): Reader {
  const { offset, size, signed } = field;
  if (field.isArray) {
    if (field.isString)
      return (raw, le) => {
        const [s, e] = fieldDataRange(field, raw, le);
        return readCString(raw, s, e);
      };
    const el = field.elementSize;
    return (raw, le) => {
      const [s, e] = fieldDataRange(field, raw, le);
      return readArray(raw, s, e, el, signed, le);
    };
  }
  switch (size) {
    case 1:
      return signed
        ? (raw) => {
            if (offset + 1 > raw.byteLength) need(field, raw, offset, 1);
            return raw.getInt8(offset);
          }
        : (raw) => {
            if (offset + 1 > raw.byteLength) need(field, raw, offset, 1);
            return raw.getUint8(offset);
          };
    case 2:
      return signed
        ? (raw, le) => {
            if (offset + 2 > raw.byteLength) need(field, raw, offset, 2);
            return raw.getInt16(offset, le);
          }
        : (raw, le) => {
            if (offset + 2 > raw.byteLength) need(field, raw, offset, 2);
            return raw.getUint16(offset, le);
          };
    case 4:
      return signed
        ? (raw, le) => {
            if (offset + 4 > raw.byteLength) need(field, raw, offset, 4);
            return raw.getInt32(offset, le);
          }
        : (raw, le) => {
            if (offset + 4 > raw.byteLength) need(field, raw, offset, 4);
            return raw.getUint32(offset, le);
          };
    case 8:
      return signed
        ? (raw, le) => {
            if (offset + 8 > raw.byteLength) need(field, raw, offset, 8);
            return raw.getBigInt64(offset, le);
          }
        : (raw, le) => {
            if (offset + 8 > raw.byteLength) need(field, raw, offset, 8);
            return raw.getBigUint64(offset, le);
          };
    default:
      // Odd-sized scalars (rare): bigint when wider than 4 bytes, else a number.
      return (raw, le) => {
        need(field, raw, offset, size);
        const v = readInt(raw, offset, size, signed, le);
        return size > 4 ? v : Number(v);
      };
  }
}

interface CompiledFormat {
  readonly byField: Map<FormatField, Reader>;
  readonly all: readonly (readonly [string, Reader])[];
  readonly own: readonly (readonly [string, Reader])[];
}

const compiled = new WeakMap<EventFormat, CompiledFormat>();

function compile(fmt: EventFormat): CompiledFormat {
  let c = compiled.get(fmt);
  if (c) return c;
  const byField = new Map<FormatField, Reader>();
  for (const f of [...fmt.commonFields, ...fmt.fields]) byField.set(f, compileField(f));
  const pair = (f: FormatField) => [f.name, byField.get(f) as Reader] as const;
  c = { byField, all: [...fmt.commonFields, ...fmt.fields].map(pair), own: fmt.fields.map(pair) };
  compiled.set(fmt, c);
  return c;
}

function checkCommon(fmt: EventFormat, raw: DataView, littleEndian: boolean, longSize: number): void {
  checkArg(typeof fmt === "object" && fmt !== null && Array.isArray(fmt.fields), "fmt", "an EventFormat", fmt);
  checkArg(raw instanceof DataView, "raw", "a DataView", raw);
  checkArg(typeof littleEndian === "boolean", "littleEndian", "a boolean", littleEndian);
  checkArg(longSize === 4 || longSize === 8, "longSize", "4 or 8", longSize);
}

/**
 * Decodes one field of a raw tracepoint record. `longSize` is the tracing data's long size;
 * field sizes in the format already reflect it, so it is only checked here for consistency.
 */
export function decodeField(
  fmt: EventFormat,
  field: FormatField | string,
  raw: DataView,
  littleEndian: boolean,
  longSize = 8,
): FieldValue {
  checkCommon(fmt, raw, littleEndian, longSize);
  const c = compile(fmt);
  const f = typeof field === "string" ? [...fmt.fields, ...fmt.commonFields].find((x) => x.name === field) : field;
  const reader = f ? c.byField.get(f) : undefined;
  if (!reader)
    throw new TypeError(
      `field must be a field of ${fmt.system}:${fmt.name}, got ${String(typeof field === "string" ? field : field?.name)}`,
    );
  return reader(raw, littleEndian);
}

/** Decodes the event's own fields (or all fields, common ones first, when `includeCommon`). */
export function decodeFields(
  fmt: EventFormat,
  raw: DataView,
  littleEndian: boolean,
  longSize = 8,
  includeCommon = false,
): Record<string, FieldValue> {
  checkCommon(fmt, raw, littleEndian, longSize);
  const c = compile(fmt);
  const out: Record<string, FieldValue> = {};
  for (const [name, read] of includeCommon ? c.all : c.own) out[name] = read(raw, littleEndian);
  return out;
}
