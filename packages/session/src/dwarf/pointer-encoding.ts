/** DW_EH_PE_* pointer encodings used by `.eh_frame` and `.eh_frame_hdr`. */
import type { SectionReader } from "./reader.ts";

/** Encoding value meaning "no pointer present". */
export const DW_EH_PE_omit = 0xff;

/** Bases the relative pointer encodings are applied to (virtual addresses, as numbers). */
export interface PointerBases {
  /** Virtual address of the section byte 0 (for pcrel). */
  sectionAddr: number;
  /** Base of datarel (the `.eh_frame_hdr` address for the search table), or 0. */
  dataRel?: number;
  /** Base of textrel, or 0. */
  textRel?: number;
  /** Start of the function (funcrel), or 0. */
  funcRel?: number;
}

/**
 * Reads one pointer in encoding `enc`. Addresses stay numbers: user-space virtual
 * addresses fit in 2^53. `indirect` pointers are returned unresolved (never used for pcs).
 */
export function readEncoded(r: SectionReader, enc: number, addrSize: number, bases: PointerBases): number {
  if (enc === DW_EH_PE_omit) return 0;
  const at = r.pos;
  let v: number;
  switch (enc & 0x0f) {
    case 0x00:
      v = addrSize === 8 ? signedNum(r.u64()) : r.u32();
      break;
    case 0x01:
      v = r.uleb();
      break;
    case 0x02:
      v = r.u16();
      break;
    case 0x03:
      v = r.u32();
      break;
    case 0x04:
      v = signedNum(r.u64());
      break;
    case 0x09:
      v = r.sleb();
      break;
    case 0x0a:
      v = r.s16();
      break;
    case 0x0b:
      v = r.s32();
      break;
    case 0x0c:
      v = signedNum(r.u64());
      break;
    default:
      return r.fail("unsupported", `pointer encoding 0x${enc.toString(16)}`, at);
  }
  switch (enc & 0x70) {
    case 0x00:
      break;
    case 0x10:
      v += bases.sectionAddr + at;
      break;
    case 0x20:
      v += bases.textRel ?? 0;
      break;
    case 0x30:
      v += bases.dataRel ?? 0;
      break;
    case 0x40:
      v += bases.funcRel ?? 0;
      break;
    case 0x50: // aligned: already read in place
      break;
    default:
      return r.fail("unsupported", `pointer application 0x${(enc & 0x70).toString(16)}`, at);
  }
  // 32-bit encodings wrap in a 32-bit address space; keep 64-bit results as they are.
  return addrSize === 4 ? v >>> 0 : v;
}

/** Size in bytes of a fixed-size encoding, or 0 for LEB128/unknown. */
export function encodedSize(enc: number, addrSize: number): number {
  switch (enc & 0x0f) {
    case 0x00:
      return addrSize;
    case 0x02:
    case 0x0a:
      return 2;
    case 0x03:
    case 0x0b:
      return 4;
    case 0x04:
    case 0x0c:
      return 8;
    default:
      return 0;
  }
}

/** A 64-bit word as a number; negative values (two's complement) stay negative. */
function signedNum(v: bigint): number {
  return v >= 0x8000000000000000n ? Number(v - 0x10000000000000000n) : Number(v);
}
