/** DW_FORM_* decoding shared by `.debug_info` and DWARF 5 `.debug_line` headers. */
import type { SectionReader } from "./reader.ts";

/** Unit-level facts needed to decode forms. */
export interface FormContext {
  addrSize: number;
  is64: boolean;
  version: number;
  /** Section offset of the unit (for CU-relative references). */
  unitOffset: number;
}

/** A decoded attribute value: numbers/bigints/strings by form class, or raw bytes for blocks. */
export type FormValue =
  | { k: "addr"; v: bigint }
  | { k: "addrx"; v: number }
  | { k: "const"; v: number }
  | { k: "sconst"; v: number }
  | { k: "flag"; v: boolean }
  | { k: "str"; v: string }
  | { k: "strp"; v: number; sec: "str" | "line_str" | "alt" }
  | { k: "strx"; v: number }
  | { k: "ref"; v: number }
  | { k: "refaddr"; v: number }
  | { k: "secoff"; v: number }
  | { k: "rnglistx"; v: number }
  | { k: "block"; v: Uint8Array }
  | { k: "other" };

/** Reads one value of `form` (implicitConst supplies DW_FORM_implicit_const). */
export function readForm(r: SectionReader, form: number, cx: FormContext, implicitConst = 0): FormValue {
  switch (form) {
    case 0x01:
      return { k: "addr", v: r.addr(cx.addrSize) };
    case 0x03:
      return block(r, r.u16());
    case 0x04:
      return block(r, r.u32());
    case 0x05:
      return { k: "const", v: r.u16() };
    case 0x06:
      return { k: "const", v: r.u32() };
    case 0x07:
      return { k: "const", v: Number(r.u64()) };
    case 0x08:
      return { k: "str", v: r.cstr() };
    case 0x09:
      return block(r, r.uleb());
    case 0x0a:
      return block(r, r.u8());
    case 0x0b:
      return { k: "const", v: r.u8() };
    case 0x0c:
      return { k: "flag", v: r.u8() !== 0 };
    case 0x0d:
      return { k: "sconst", v: r.sleb() };
    case 0x0e:
      return { k: "strp", v: r.offset(cx.is64), sec: "str" };
    case 0x0f:
      return { k: "const", v: r.uleb() };
    case 0x10:
      return { k: "refaddr", v: cx.version <= 2 ? Number(r.addr(cx.addrSize)) : r.offset(cx.is64) };
    case 0x11:
      return { k: "ref", v: cx.unitOffset + r.u8() };
    case 0x12:
      return { k: "ref", v: cx.unitOffset + r.u16() };
    case 0x13:
      return { k: "ref", v: cx.unitOffset + r.u32() };
    case 0x14:
      return { k: "ref", v: cx.unitOffset + r.u64n() };
    case 0x15:
      return { k: "ref", v: cx.unitOffset + r.uleb() };
    case 0x16:
      return readForm(r, r.uleb(), cx, implicitConst);
    case 0x17:
      return { k: "secoff", v: r.offset(cx.is64) };
    case 0x18:
      return block(r, r.uleb());
    case 0x19:
      return { k: "flag", v: true };
    case 0x1a:
      return { k: "strx", v: r.uleb() };
    case 0x1b:
      return { k: "addrx", v: r.uleb() };
    case 0x1c:
      r.u32();
      return { k: "other" };
    case 0x1d:
    case 0x1f21:
      return { k: "strp", v: r.offset(cx.is64), sec: "alt" };
    case 0x1e:
      r.skip(16);
      return { k: "other" };
    case 0x1f:
      return { k: "strp", v: r.offset(cx.is64), sec: "line_str" };
    case 0x20:
      r.skip(8);
      return { k: "other" };
    case 0x21:
      return { k: "sconst", v: implicitConst };
    case 0x22:
      r.uleb();
      return { k: "other" };
    case 0x23:
      return { k: "rnglistx", v: r.uleb() };
    case 0x24:
      r.skip(8);
      return { k: "other" };
    case 0x25:
      return { k: "strx", v: r.u8() };
    case 0x26:
      return { k: "strx", v: r.u16() };
    case 0x27:
      return { k: "strx", v: r.u24() };
    case 0x28:
      return { k: "strx", v: r.u32() };
    case 0x29:
      return { k: "addrx", v: r.u8() };
    case 0x2a:
      return { k: "addrx", v: r.u16() };
    case 0x2b:
      return { k: "addrx", v: r.u24() };
    case 0x2c:
      return { k: "addrx", v: r.u32() };
    case 0x1f01:
      return { k: "addrx", v: r.uleb() };
    case 0x1f02:
      return { k: "strx", v: r.uleb() };
    case 0x1f20:
      r.offset(cx.is64);
      return { k: "other" }; // reference into the dwz alt file: not followed
    default:
      return r.fail("unsupported", `DW_FORM 0x${form.toString(16)}`);
  }
}

function block(r: SectionReader, n: number): FormValue {
  const at = r.pos;
  r.skip(n);
  return { k: "block", v: r.bytes.subarray(at, at + n) };
}

/** The integer of a constant/offset-class value, or undefined. */
export function formInt(v: FormValue | undefined): number | undefined {
  if (!v) return undefined;
  if (v.k === "const" || v.k === "sconst" || v.k === "secoff" || v.k === "ref" || v.k === "refaddr") return v.v;
  if (v.k === "addr") return Number(v.v);
  return undefined;
}
