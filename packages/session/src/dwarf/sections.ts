/** Reads (and decompresses) the debug sections of one ELF file. */
import type { ElfFile, ElfSection } from "../symbols/index.ts";
import { DwarfError } from "./errors.ts";

// node:zlib (with node:stream) costs ~17 ms to load: only load it for a compressed section.
const inflateSync = (data: Uint8Array, options: { maxOutputLength: number }): Uint8Array =>
  (import.meta.require("node:zlib") as typeof import("node:zlib")).inflateSync(data, options);

const SHF_COMPRESSED = 0x800n;
const ELFCOMPRESS_ZLIB = 1;
const ELFCOMPRESS_ZSTD = 2;
/** Refuse to inflate a section beyond this (a hostile ch_size must not exhaust memory). */
const MAX_SECTION = 1 << 30;

/**
 * The bytes of section `name` (or `.zdebug_*` legacy variant), decompressed when
 * SHF_COMPRESSED (zlib or zstd). Returns null when the file has no such section.
 */
export function readSection(elf: ElfFile, name: string): Uint8Array | null {
  let sec = elf.section(name);
  let legacy = false;
  if (!sec && name.startsWith(".debug_")) {
    sec = elf.section(`.z${name.slice(1)}`);
    legacy = sec !== undefined;
  }
  if (!sec || sec.type === 8 /* SHT_NOBITS */) return null;
  const raw = elf.sectionData(sec);
  if (legacy) return inflateLegacy(raw, sec);
  if ((sec.flags & SHF_COMPRESSED) === 0n) return raw;
  return decompress(raw, sec, elf.header.is64, elf.header.littleEndian);
}

function decompress(raw: Uint8Array, sec: ElfSection, is64: boolean, le: boolean): Uint8Array {
  const hdr = is64 ? 24 : 12;
  if (raw.length < hdr) throw new DwarfError("truncated", "compression header", sec.name, 0);
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const type = v.getUint32(0, le);
  const size = is64 ? Number(v.getBigUint64(8, le)) : v.getUint32(4, le);
  if (size > MAX_SECTION) throw new DwarfError("limit", `uncompressed size ${size} too large`, sec.name, 0);
  const body = raw.subarray(hdr);
  let out: Uint8Array;
  try {
    if (type === ELFCOMPRESS_ZLIB) out = inflateSync(body, { maxOutputLength: Math.max(size, 1) });
    else if (type === ELFCOMPRESS_ZSTD) out = Bun.zstdDecompressSync(body);
    else throw new DwarfError("unsupported", `compression type ${type}`, sec.name, 0);
  } catch (e) {
    if (e instanceof DwarfError) throw e;
    throw new DwarfError("bad-value", `cannot decompress: ${(e as Error).message}`, sec.name, hdr);
  }
  if (out.length !== size)
    throw new DwarfError("truncated", `decompressed ${out.length} bytes, header says ${size}`, sec.name, 0);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** GNU `.zdebug_*`: "ZLIB" + 8-byte big-endian size + zlib stream. */
function inflateLegacy(raw: Uint8Array, sec: ElfSection): Uint8Array {
  if (raw.length < 12 || String.fromCharCode(...raw.subarray(0, 4)) !== "ZLIB")
    throw new DwarfError("bad-value", "missing ZLIB header", sec.name, 0);
  const size = Number(new DataView(raw.buffer, raw.byteOffset).getBigUint64(4, false));
  if (size > MAX_SECTION) throw new DwarfError("limit", `uncompressed size ${size} too large`, sec.name, 0);
  try {
    const out = inflateSync(raw.subarray(12), { maxOutputLength: Math.max(size, 1) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw new DwarfError("bad-value", `cannot decompress: ${(e as Error).message}`, sec.name, 12);
  }
}
