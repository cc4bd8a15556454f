/** The perf.data file header (104 bytes in file mode, 16 in pipe mode) and the magic/endianness. */
import { FILE_HEADER_SIZE, MAGIC_BE, MAGIC_LE, PIPE_HEADER_SIZE } from "./constants.ts";
import { PerfDataError } from "./errors.ts";

/** An `{ offset, size }` pair locating a section in the file. */
export interface FileSection {
  offset: number;
  size: number;
}

/** The decoded file-mode header. */
export interface FileHeader {
  littleEndian: boolean;
  /** Size of the header as stored (104, or 72 in old files without features). */
  headerSize: number;
  /** Byte size of one attrs-section entry (attr + 16-byte ids section). */
  attrSize: number;
  attrs: FileSection;
  data: FileSection;
  eventTypes: FileSection;
  /** Feature ids whose bit is set in the 256-bit bitmap, ascending. */
  features: number[];
  /** The raw 32-byte bitmap as stored. */
  featureBitmap: Uint8Array;
}

/** Decides the byte order from the 8 magic bytes, or throws. */
export function detectEndianness(magic: Uint8Array): boolean {
  const s = String.fromCharCode(...magic.subarray(0, 8));
  if (s === MAGIC_LE) return true;
  if (s === MAGIC_BE) return false;
  if (s === "PERFFILE") {
    throw new PerfDataError("unsupported", "legacy PERFFILE (version 1) files are not supported", 0);
  }
  throw new PerfDataError("bad-magic", `not a perf.data file (magic ${JSON.stringify(s)})`, 0);
}

/** Reads the header size field, telling pipe mode (16) from file mode. */
export function headerSizeOf(bytes: Uint8Array, littleEndian: boolean): number {
  if (bytes.length < 16) throw new PerfDataError("truncated", `header needs 16 bytes, have ${bytes.length}`, 0);
  const v = new DataView(bytes.buffer, bytes.byteOffset, 16).getBigUint64(8, littleEndian);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(v);
}

function safeNumber(v: bigint, what: string, at: number): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new PerfDataError("bad-header", `${what} is out of range`, at);
  return Number(v);
}

/** Parses the file-mode header; `fileSize` bounds the section sanity checks. */
export function parseFileHeader(bytes: Uint8Array, fileSize: number): FileHeader {
  const littleEndian = detectEndianness(bytes);
  const headerSize = headerSizeOf(bytes, littleEndian);
  if (headerSize === PIPE_HEADER_SIZE) throw new PerfDataError("bad-header", "pipe-mode header in file parser", 8);
  if (headerSize !== FILE_HEADER_SIZE && headerSize !== 72) {
    throw new PerfDataError("bad-header", `unexpected header size ${headerSize}`, 8);
  }
  if (bytes.length < headerSize) throw new PerfDataError("truncated", "file header is cut short", bytes.length);
  const v = new DataView(bytes.buffer, bytes.byteOffset, headerSize);
  const u = (at: number, what: string) => safeNumber(v.getBigUint64(at, littleEndian), what, at);
  const attrSize = u(16, "attr_size");
  const attrs = { offset: u(24, "attrs.offset"), size: u(32, "attrs.size") };
  const data = { offset: u(40, "data.offset"), size: u(48, "data.size") };
  const eventTypes = { offset: u(56, "event_types.offset"), size: u(64, "event_types.size") };
  if (attrSize === 0) throw new PerfDataError("bad-header", "attr_size is 0: the file was never finalised", 16);
  if (attrs.offset < headerSize || attrs.offset + attrs.size > fileSize) {
    throw new PerfDataError("bad-header", `attrs section [${attrs.offset}, +${attrs.size}) lies outside the file`, 24);
  }
  // A data section running past the end is a truncated file: the reader delivers what is there.
  if (data.offset < headerSize || data.offset > fileSize) {
    throw new PerfDataError("bad-header", `data section [${data.offset}, +${data.size}) lies outside the file`, 40);
  }
  const featureBitmap = headerSize >= FILE_HEADER_SIZE ? bytes.slice(72, 104) : new Uint8Array(32);
  return {
    littleEndian,
    headerSize,
    attrSize,
    attrs,
    data,
    eventTypes,
    features: featureBits(featureBitmap, littleEndian),
    featureBitmap,
  };
}

/** The set bits of the feature bitmap (perf's heuristic for big-endian writers of either word size). */
export function featureBits(bitmap: Uint8Array, littleEndian: boolean): number[] {
  const bitsOf = (wordBytes: number): number[] => {
    const out: number[] = [];
    for (let w = 0; w < 32 / wordBytes; w++) {
      for (let b = 0; b < wordBytes * 8; b++) {
        // Byte holding bit b of word w for the writer's byte order.
        const byte = littleEndian ? w * wordBytes + (b >> 3) : w * wordBytes + (wordBytes - 1 - (b >> 3));
        if (bitmap[byte] & (1 << (b & 7))) out.push(w * wordBytes * 8 + b);
      }
    }
    return out;
  };
  if (littleEndian) return bitsOf(8);
  const as64 = bitsOf(8);
  if (as64.includes(3)) return as64;
  const as32 = bitsOf(4);
  if (as32.includes(3)) return as32;
  return as64.includes(2) ? [2] : [];
}

/** Encodes a feature id list as the 32-byte bitmap for the given byte order (64-bit words). */
export function encodeFeatureBits(ids: number[], littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(32);
  for (const id of ids) {
    const w = id >> 6;
    const b = id & 63;
    const byte = littleEndian ? w * 8 + (b >> 3) : w * 8 + (7 - (b >> 3));
    out[byte] |= 1 << (b & 7);
  }
  return out;
}
