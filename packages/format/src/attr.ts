/**
 * `perf_event_attr`: one byte layout used in both directions, by this package's decoder and
 * by @perfkit/core-ffi's encoder for perf_event_open, so the two cannot drift apart.
 */
import { PerfDataError } from "./errors.ts";

/** Known attr sizes (PERF_ATTR_SIZE_VER0..VER8). */
export const ATTR_SIZE = {
  VER0: 64,
  VER1: 72,
  VER2: 80,
  VER3: 96,
  VER4: 104,
  VER5: 112,
  VER6: 120,
  VER7: 128,
  VER8: 136,
};
/** The size this package writes by default (VER8). */
export const ATTR_SIZE_CURRENT = 136;

/** The bits of the flags word at offset 40, by little-endian bit number and width. */
export const ATTR_FLAG_BITS = {
  disabled: [0, 1],
  inherit: [1, 1],
  pinned: [2, 1],
  exclusive: [3, 1],
  excludeUser: [4, 1],
  excludeKernel: [5, 1],
  excludeHv: [6, 1],
  excludeIdle: [7, 1],
  mmap: [8, 1],
  comm: [9, 1],
  freq: [10, 1],
  inheritStat: [11, 1],
  enableOnExec: [12, 1],
  task: [13, 1],
  watermark: [14, 1],
  preciseIp: [15, 2],
  mmapData: [17, 1],
  sampleIdAll: [18, 1],
  excludeHost: [19, 1],
  excludeGuest: [20, 1],
  excludeCallchainKernel: [21, 1],
  excludeCallchainUser: [22, 1],
  mmap2: [23, 1],
  commExec: [24, 1],
  useClockid: [25, 1],
  contextSwitch: [26, 1],
  writeBackward: [27, 1],
  namespaces: [28, 1],
  ksymbol: [29, 1],
  bpfEvent: [30, 1],
  auxOutput: [31, 1],
  cgroup: [32, 1],
  textPoke: [33, 1],
  buildId: [34, 1],
  inheritThread: [35, 1],
  removeOnExec: [36, 1],
  sigtrap: [37, 1],
  deferCallchain: [38, 1],
  deferOutput: [39, 1],
} as const satisfies Record<string, readonly [number, number]>;
export type AttrFlagName = keyof typeof ATTR_FLAG_BITS;

/** Flag bits below this are named in ATTR_FLAG_BITS; the rest are reserved. */
const KNOWN_FLAG_BITS = 40;

type IntField = readonly [offset: number, width: 2 | 4 | 8, kind: "u" | "s" | "big"];
/** Scalar fields by byte offset; a field exists in an attr when `offset + width <= attr.size`. */
export const ATTR_FIELDS = {
  type: [0, 4, "u"],
  size: [4, 4, "u"],
  config: [8, 8, "big"],
  samplePeriod: [16, 8, "big"],
  sampleType: [24, 8, "big"],
  readFormat: [32, 8, "big"],
  flags: [40, 8, "big"],
  wakeupEvents: [48, 4, "u"],
  bpType: [52, 4, "u"],
  config1: [56, 8, "big"],
  config2: [64, 8, "big"],
  branchSampleType: [72, 8, "big"],
  sampleRegsUser: [80, 8, "big"],
  sampleStackUser: [88, 4, "u"],
  clockid: [92, 4, "s"],
  sampleRegsIntr: [96, 8, "big"],
  auxWatermark: [104, 4, "u"],
  sampleMaxStack: [108, 2, "u"],
  auxSampleSize: [112, 4, "u"],
  auxAction: [116, 4, "u"],
  sigData: [120, 8, "big"],
  config3: [128, 8, "big"],
} as const satisfies Record<string, IntField>;

/** A decoded `perf_event_attr`. 64-bit words are bigint; bit sets that fit are numbers. */
export interface EventAttr {
  type: number;
  /** The struct size as stored (0 in the file means VER0 and is reported as 64). */
  size: number;
  config: bigint;
  /** `sample_period`, or `sample_freq` when `freq` is set (same slot). */
  samplePeriod: bigint;
  /** `PERF_SAMPLE_*` bits (see SampleType). */
  sampleType: number;
  /** `PERF_FORMAT_*` bits (see ReadFormat). */
  readFormat: number;
  /**
   * The flags word in little-endian bit numbering (bit n = LE bit n, whatever the writer's byte
   * order), so it means the same for every file; the named fields below are decoded from it.
   */
  flags: bigint;
  wakeupEvents: number;
  bpType: number;
  /** `config1` / `bp_addr` / `kprobe_func`. */
  config1: bigint;
  /** `config2` / `bp_len` / `kprobe_addr`. */
  config2: bigint;
  branchSampleType: number;
  sampleRegsUser: bigint;
  sampleStackUser: number;
  clockid: number;
  sampleRegsIntr: bigint;
  auxWatermark: number;
  sampleMaxStack: number;
  auxSampleSize: number;
  auxAction: number;
  sigData: bigint;
  config3: bigint;
  disabled: boolean;
  inherit: boolean;
  pinned: boolean;
  exclusive: boolean;
  excludeUser: boolean;
  excludeKernel: boolean;
  excludeHv: boolean;
  excludeIdle: boolean;
  mmap: boolean;
  comm: boolean;
  freq: boolean;
  inheritStat: boolean;
  enableOnExec: boolean;
  task: boolean;
  watermark: boolean;
  preciseIp: number;
  mmapData: boolean;
  sampleIdAll: boolean;
  excludeHost: boolean;
  excludeGuest: boolean;
  excludeCallchainKernel: boolean;
  excludeCallchainUser: boolean;
  mmap2: boolean;
  commExec: boolean;
  useClockid: boolean;
  contextSwitch: boolean;
  writeBackward: boolean;
  namespaces: boolean;
  ksymbol: boolean;
  bpfEvent: boolean;
  auxOutput: boolean;
  cgroup: boolean;
  textPoke: boolean;
  buildId: boolean;
  inheritThread: boolean;
  removeOnExec: boolean;
  sigtrap: boolean;
  deferCallchain: boolean;
  deferOutput: boolean;
}

/** Reads bits `[pos, pos+width)` (little-endian numbering) of a bitfield word, honouring the writer's bit order. */
export function bitfield(word: bigint, pos: number, width: number, littleEndian: boolean, wordBits = 64): number {
  const shift = littleEndian ? pos : wordBits - pos - width;
  return Number((word >> BigInt(shift)) & ((1n << BigInt(width)) - 1n));
}

/** Places `value` at bits `[pos, pos+width)` (little-endian numbering) for a writer of the given bit order. */
export function setBitfield(
  word: bigint,
  pos: number,
  width: number,
  value: number,
  littleEndian: boolean,
  wordBits = 64,
): bigint {
  const shift = BigInt(littleEndian ? pos : wordBits - pos - width);
  const mask = ((1n << BigInt(width)) - 1n) << shift;
  return (word & ~mask) | ((BigInt(value) << shift) & mask);
}

/**
 * Decodes an attr of `avail` bytes at `offset`. Fields past the struct's own `size` (or past
 * `avail`) read as zero, so every size from VER0 to anything newer decodes.
 */
export function decodeAttr(view: DataView, offset: number, avail: number, littleEndian: boolean): EventAttr {
  if (avail < 8 || offset + avail > view.byteLength) {
    throw new PerfDataError("bad-header", `attr needs at least 8 bytes, has ${avail}`, view.byteOffset + offset);
  }
  const stored = view.getUint32(offset + 4, littleEndian);
  const size = stored === 0 ? ATTR_SIZE.VER0 : stored;
  const limit = Math.min(size, avail);
  const out: Record<string, number | bigint | boolean> = {};
  for (const [name, [off, width, kind]] of Object.entries(ATTR_FIELDS) as [string, IntField][]) {
    if (off + width > limit) {
      out[name] = kind === "big" ? 0n : 0;
      continue;
    }
    const at = offset + off;
    if (kind === "big") out[name] = view.getBigUint64(at, littleEndian);
    else if (width === 2) out[name] = view.getUint16(at, littleEndian);
    else out[name] = kind === "s" ? view.getInt32(at, littleEndian) : view.getUint32(at, littleEndian);
  }
  out.size = size;
  out.sampleType = Number(out.sampleType as bigint);
  out.readFormat = Number(out.readFormat as bigint);
  out.branchSampleType = Number(out.branchSampleType as bigint);
  const rawFlags = out.flags as bigint;
  let flags = 0n;
  for (const [name, [pos, width]] of Object.entries(ATTR_FLAG_BITS)) {
    const v = bitfield(rawFlags, pos, width, littleEndian);
    out[name] = width === 1 ? v === 1 : v;
    flags = setBitfield(flags, pos, width, v, true);
  }
  for (let p = KNOWN_FLAG_BITS; p < 64; p++)
    flags = setBitfield(flags, p, 1, bitfield(rawFlags, p, 1, littleEndian), true);
  out.flags = flags;
  if (!littleEndian) {
    // aux_action is a u32 bitfield too: mirror it like the flags word.
    const a = out.auxAction as number;
    let r = 0;
    for (let b = 0; b < 3; b++) if (a & (1 << (31 - b))) r |= 1 << b;
    out.auxAction = r;
  }
  return out as unknown as EventAttr;
}

/** An attr with every field zero; override what you need. */
export function emptyAttr(): EventAttr {
  const bytes = new Uint8Array(ATTR_SIZE_CURRENT);
  new DataView(bytes.buffer).setUint32(4, ATTR_SIZE_CURRENT, true);
  return decodeAttr(new DataView(bytes.buffer), 0, ATTR_SIZE_CURRENT, true);
}

/**
 * Encodes an attr into `size` bytes (default VER8). The named flag booleans win over the raw
 * `flags` word, so callers can set either. `size` is written into the struct.
 */
export function encodeAttr(attr: Partial<EventAttr>, size = ATTR_SIZE_CURRENT, littleEndian = true): Uint8Array {
  if (!Number.isInteger(size) || size < ATTR_SIZE.VER0 || size % 8 !== 0) {
    throw new RangeError(`attr size must be a multiple of 8 and at least 64, got ${size}`);
  }
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  const given = attr.flags ?? 0n;
  let flags = 0n;
  for (const [name, [pos, width]] of Object.entries(ATTR_FLAG_BITS)) {
    const v = (attr as Record<string, unknown>)[name];
    const value =
      v === undefined ? bitfield(given, pos, width, true) : typeof v === "boolean" ? (v ? 1 : 0) : Number(v);
    flags = setBitfield(flags, pos, width, value, littleEndian);
  }
  for (let p = KNOWN_FLAG_BITS; p < 64; p++)
    flags = setBitfield(flags, p, 1, bitfield(given, p, 1, true), littleEndian);
  const values: Record<string, unknown> = { ...attr, flags, size };
  for (const [name, [off, width, kind]] of Object.entries(ATTR_FIELDS) as [string, IntField][]) {
    if (off + width > size) continue;
    const v = values[name];
    if (v === undefined) continue;
    if (kind === "big" || width === 8)
      view.setBigUint64(off, BigInt.asUintN(64, BigInt(v as number | bigint)), littleEndian);
    else if (width === 2) view.setUint16(off, Number(v), littleEndian);
    else if (kind === "s") view.setInt32(off, Number(v), littleEndian);
    else view.setUint32(off, Number(v), littleEndian);
  }
  if (!littleEndian && attr.auxAction && size >= 120) {
    let r = 0;
    for (let b = 0; b < 3; b++) if (attr.auxAction & (1 << b)) r |= 1 << (31 - b);
    view.setUint32(116, r >>> 0, false);
  }
  return bytes;
}
