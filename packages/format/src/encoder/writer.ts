/**
 * Writes whole perf.data files, file or pipe mode, in either byte order: header, attrs with
 * their ids, the data section (optionally zstd-compressed into COMPRESSED records), and the
 * feature table with its sections.
 */
import { type EventAttr, encodeAttr } from "../attr.ts";
import { Feature, FILE_HEADER_SIZE, MAGIC_BE, MAGIC_LE, PIPE_HEADER_SIZE } from "../constants.ts";
import { encodeFeatureBits } from "../header.ts";
import { ByteWriter } from "./byte-writer.ts";
import { encodeUserRecord } from "./record-encoder.ts";

/** An event to write: its attr (any size from 64 up), ids and name. */
export interface WriterEvent {
  attr: EventAttr;
  ids: bigint[];
  name?: string;
}

/** Options of {@link writePerfData}. */
export interface WriteOptions {
  littleEndian?: boolean;
  mode?: "file" | "pipe";
  events: WriterEvent[];
  /** Encoded records of the data section, in order. */
  records: Uint8Array[];
  /** Feature payloads by id (already encoded for the chosen byte order). EVENT_DESC is generated from `events` unless given. */
  features?: Map<number, Uint8Array>;
  /** Wrap the records into one zstd stream split across COMPRESSED records. */
  compress?: boolean;
  /** Attr struct size written (default: each attr's own size). */
  attrSize?: number;
}

/**
 * The attr size to write when the caller does not choose: the attr's own size, but VER7 (128)
 * rather than VER8 unless config3 is used, because perf 6.1 refuses attrs larger than its own.
 */
export function fileAttrSize(attr: EventAttr): number {
  const size = attr.size || 128;
  return size > 128 && attr.config3 === 0n ? 128 : size;
}

/** Encodes a perf_header_string (u32 length incl. NUL padded to 64, then the bytes). */
export function encodeHeaderString(w: ByteWriter, s: string): void {
  const b = new TextEncoder().encode(s);
  const len = Math.ceil((b.length + 1) / 64) * 64;
  w.u32(len).bytes(b);
  for (let i = b.length; i < len; i++) w.u8(0);
}

/** A string feature payload (HOSTNAME, OSRELEASE, VERSION, ARCH, CPUDESC, CPUID). */
export function encodeStringFeature(s: string, littleEndian: boolean): Uint8Array {
  const w = new ByteWriter(littleEndian);
  encodeHeaderString(w, s);
  return w.finish();
}

/** The EVENT_DESC payload for a list of events. */
export function encodeEventDesc(events: WriterEvent[], littleEndian: boolean, attrSize = 136): Uint8Array {
  const w = new ByteWriter(littleEndian);
  w.u32(events.length).u32(attrSize);
  for (const e of events) {
    w.bytes(encodeAttr(e.attr, attrSize, littleEndian));
    w.u32(e.ids.length);
    encodeHeaderString(w, e.name ?? "");
    for (const id of e.ids) w.u64(id);
  }
  return w.finish();
}

/** Splits a record stream into COMPRESSED records carrying one zstd frame. */
function compressRecords(records: Uint8Array[], le: boolean): Uint8Array[] {
  const w = new ByteWriter(le);
  for (const r of records) w.bytes(r);
  const z = Bun.zstdCompressSync(w.finish());
  const out: Uint8Array[] = [];
  const max = 65535 - 8 - 1;
  for (let at = 0; at < z.length; at += max) {
    out.push(encodeUserRecord({ kind: "COMPRESSED", data: z.subarray(at, at + max) }, le));
  }
  return out;
}

/** Writes a complete perf.data (file or pipe mode) to bytes. */
export function writePerfData(o: WriteOptions): Uint8Array {
  const le = o.littleEndian ?? true;
  const mode = o.mode ?? "file";
  const records = o.compress ? compressRecords(o.records, le) : o.records;
  const features = new Map(o.features ?? []);
  if (!features.has(Feature.EVENT_DESC))
    features.set(
      Feature.EVENT_DESC,
      encodeEventDesc(o.events, le, o.attrSize ?? Math.max(64, ...o.events.map((e) => fileAttrSize(e.attr)))),
    );
  if (o.compress && !features.has(Feature.COMPRESSED)) {
    const c = new ByteWriter(le);
    c.u32(0).u32(1).u32(1).u32(0).u32(528384);
    features.set(Feature.COMPRESSED, c.finish());
  }
  const magic = new TextEncoder().encode(le ? MAGIC_LE : MAGIC_BE);
  const w = new ByteWriter(le);
  w.bytes(magic);
  if (mode === "pipe") {
    w.u64(PIPE_HEADER_SIZE);
    for (const e of o.events) {
      w.bytes(
        encodeUserRecord(
          { kind: "HEADER_ATTR", attr: { ...e.attr, size: o.attrSize ?? fileAttrSize(e.attr) }, ids: e.ids },
          le,
        ),
      );
    }
    const ids = [...features.keys()].sort((a, b) => a - b);
    for (const id of ids) {
      if (id === Feature.TRACING_DATA || id === Feature.BUILD_ID) continue;
      w.bytes(encodeUserRecord({ kind: "HEADER_FEATURE", featId: id, data: features.get(id)! }, le));
    }
    const td = features.get(Feature.TRACING_DATA);
    if (td) w.bytes(encodeUserRecord({ kind: "HEADER_TRACING_DATA", size: td.length, data: td }, le));
    for (const r of records) w.bytes(r);
    return w.finish();
  }
  // File mode: header, ids arrays, attrs, data, feature table, feature sections.
  const attrSize = o.attrSize;
  const sizes = o.events.map((e) => attrSize ?? fileAttrSize(e.attr));
  const stride = Math.max(64, ...sizes) + 16;
  w.u64(FILE_HEADER_SIZE);
  const hdr = w.length;
  for (let i = 0; i < 11; i++) w.u64(0); // attr_size, attrs, data, event_types, then 4 bitmap words
  const idOffsets: number[] = [];
  for (const e of o.events) {
    idOffsets.push(w.length);
    for (const id of e.ids) w.u64(id);
  }
  const attrsOffset = w.length;
  o.events.forEach((e, i) => {
    const a = encodeAttr(e.attr, stride - 16, le);
    w.bytes(a);
    w.u64(idOffsets[i]).u64(e.ids.length * 8);
  });
  const dataOffset = w.length;
  for (const r of records) w.bytes(r);
  const dataSize = w.length - dataOffset;
  const ids = [...features.keys()].sort((a, b) => a - b);
  const tableAt = w.length;
  for (let i = 0; i < ids.length; i++) w.u64(0).u64(0);
  const sections: [number, number][] = [];
  for (const id of ids) {
    const at = w.length;
    w.bytes(features.get(id)!);
    sections.push([at, w.length - at]);
  }
  const out = w.finish();
  const v = new DataView(out.buffer);
  v.setBigUint64(hdr, BigInt(stride), le);
  v.setBigUint64(hdr + 8, BigInt(attrsOffset), le);
  v.setBigUint64(hdr + 16, BigInt(o.events.length * stride), le);
  v.setBigUint64(hdr + 24, BigInt(dataOffset), le);
  v.setBigUint64(hdr + 32, BigInt(dataSize), le);
  out.set(encodeFeatureBits(ids, le), 72);
  sections.forEach(([at, size], i) => {
    v.setBigUint64(tableAt + 16 * i, BigInt(at), le);
    v.setBigUint64(tableAt + 16 * i + 8, BigInt(size), le);
  });
  return out;
}
