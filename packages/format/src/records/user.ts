/** Typed decoders for perf's own record types 64..86 (§12). */
import { decodeAttr, type EventAttr } from "../attr.ts";
import { cString, hex } from "../bytes.ts";
import { Misc } from "../constants.ts";
import { decodeCpuMap } from "./cpu-map.ts";
import { type RecordCursor, tooShort } from "./cursor.ts";

export interface HeaderAttrRecord {
  kind: "HEADER_ATTR";
  attr: EventAttr;
  ids: bigint[];
}
export interface EventTypeRecord {
  kind: "HEADER_EVENT_TYPE";
  eventId: bigint;
  name: string;
}
export interface TracingDataRecord {
  kind: "HEADER_TRACING_DATA";
  size: number;
  /** The tracing blob that follows the record (outside header.size). */
  data: Uint8Array;
}
export interface BuildIdRecord {
  kind: "HEADER_BUILD_ID";
  pid: number;
  buildId: string;
  filename: string;
  cpumode: number;
}
export interface MarkerRecord {
  kind: "FINISHED_ROUND" | "FINISHED_INIT";
}
export interface IdIndexEntry {
  id: bigint;
  idx: bigint;
  cpu: bigint;
  tid: bigint;
  machinePid?: bigint;
  vcpu?: bigint;
}
export interface IdIndexRecord {
  kind: "ID_INDEX";
  entries: IdIndexEntry[];
}
export interface AuxtraceInfoRecord {
  kind: "AUXTRACE_INFO";
  auxType: number;
  priv: bigint[];
}
export interface AuxtraceRecord {
  kind: "AUXTRACE";
  size: bigint;
  offset: bigint;
  reference: bigint;
  idx: number;
  tid: number;
  cpu: number;
  data: Uint8Array;
}
export interface AuxtraceErrorRecord {
  kind: "AUXTRACE_ERROR";
  errType: number;
  code: number;
  cpu: number;
  pid: number;
  tid: number;
  fmt: number;
  ip: bigint;
  time?: bigint;
  msg: string;
  machinePid?: number;
  vcpu?: number;
}
export interface ThreadMapRecord {
  kind: "THREAD_MAP";
  threads: { pid: bigint; comm: string }[];
}
export interface CpuMapRecord {
  kind: "CPU_MAP";
  cpus: number[];
}
export interface StatConfigRecord {
  kind: "STAT_CONFIG";
  entries: { tag: bigint; val: bigint }[];
  aggrMode?: number;
  interval?: number;
  scale?: boolean;
  aggrLevel?: number;
}
export interface StatRecord {
  kind: "STAT";
  id: bigint;
  cpu: number;
  thread: number;
  val: bigint;
  ena: bigint;
  run: bigint;
}
export interface StatRoundRecord {
  kind: "STAT_ROUND";
  statRoundType: number;
  time: bigint;
}
export interface EventUpdateRecord {
  kind: "EVENT_UPDATE";
  updateType: number;
  id: bigint;
  unit?: string;
  scale?: number;
  name?: string;
  cpus?: number[];
}
export interface TimeConvRecord {
  kind: "TIME_CONV";
  timeShift: bigint;
  timeMult: bigint;
  timeZero: bigint;
  timeCycles?: bigint;
  timeMask?: bigint;
  capUserTimeZero?: boolean;
  capUserTimeShort?: boolean;
}
export interface HeaderFeatureRecord {
  kind: "HEADER_FEATURE";
  featId: number;
  /** The feature payload, decoded like a file-mode feature section. */
  data: Uint8Array;
}
export interface CompressedRecord {
  kind: "COMPRESSED" | "COMPRESSED2";
  /** The zstd bytes this record carries. */
  data: Uint8Array;
}
export interface BpfMetadataRecord {
  kind: "BPF_METADATA";
  progName: string;
  entries: { key: string; value: string }[];
}
export interface OpaqueUserRecord {
  kind: "SCHEDSTAT_CPU" | "SCHEDSTAT_DOMAIN";
  body: Uint8Array;
}

/** Any decoded perf-tool record. */
export type UserRecord =
  | HeaderAttrRecord
  | EventTypeRecord
  | TracingDataRecord
  | BuildIdRecord
  | MarkerRecord
  | IdIndexRecord
  | AuxtraceInfoRecord
  | AuxtraceRecord
  | AuxtraceErrorRecord
  | ThreadMapRecord
  | CpuMapRecord
  | StatConfigRecord
  | StatRecord
  | StatRoundRecord
  | EventUpdateRecord
  | TimeConvRecord
  | HeaderFeatureRecord
  | CompressedRecord
  | BpfMetadataRecord
  | OpaqueUserRecord;

/** Decodes one build-id entry (record 67 or a BUILD_ID feature entry) at `pos` of size `size`. */
export function decodeBuildIdEntry(
  view: DataView,
  bytes: Uint8Array,
  pos: number,
  size: number,
  misc: number,
  le: boolean,
): BuildIdRecord {
  let n = 20;
  if (misc & Misc.BUILD_ID_SIZE) n = Math.min(view.getUint8(pos + 32), 20);
  else {
    // Unknown length: strip trailing all-zero 4-byte groups.
    while (n > 0 && view.getUint32(pos + 12 + n - 4, true) === 0) n -= 4;
  }
  return {
    kind: "HEADER_BUILD_ID",
    pid: view.getInt32(pos + 8, le),
    buildId: hex(bytes, pos + 12, pos + 12 + n),
    filename: cString(bytes, pos + 36, pos + size),
    cpumode: misc & Misc.CPUMODE_MASK,
  };
}

/** Decodes perf record type `c.type` (≥ 64); `payload` is the extra data of types 66 and 71. */
export function decodeUserRecord(c: RecordCursor, payload: Uint8Array | undefined): UserRecord | undefined {
  const { view, pos, le, size } = c;
  const end = pos + size;
  const need = (n: number) => {
    if (pos + n > end) tooShort(c, n);
  };
  const u32 = (o: number) => view.getUint32(pos + o, le);
  const u64 = (o: number) => view.getBigUint64(pos + o, le);
  const count = (o: number, unit: number): number => {
    need(o + 8);
    const nr = u64(o);
    if (nr > BigInt(Math.floor((end - pos - o - 8) / unit))) tooShort(c, o + 8 + Number(nr) * unit);
    return Number(nr);
  };
  switch (c.type) {
    case 64: {
      need(16);
      const stored = u32(12);
      const attrSize = stored === 0 ? 64 : stored;
      need(8 + attrSize);
      const attr = decodeAttr(view, pos + 8, attrSize, le);
      const ids: bigint[] = [];
      for (let o = 8 + attrSize; o + 8 <= size; o += 8) ids.push(u64(o));
      return { kind: "HEADER_ATTR", attr, ids };
    }
    case 65:
      need(16);
      return { kind: "HEADER_EVENT_TYPE", eventId: u64(8), name: cString(c.bytes, pos + 16, Math.min(end, pos + 80)) };
    case 66:
      need(12);
      return { kind: "HEADER_TRACING_DATA", size: u32(8), data: payload ?? new Uint8Array(0) };
    case 67:
      need(36);
      return decodeBuildIdEntry(view, c.bytes, pos, size, c.misc, le);
    case 68:
      return { kind: "FINISHED_ROUND" };
    case 82:
      return { kind: "FINISHED_INIT" };
    case 69: {
      const nr = count(8, 32);
      const entries: IdIndexEntry[] = [];
      for (let i = 0; i < nr; i++) {
        const o = 16 + 32 * i;
        entries.push({ id: u64(o), idx: u64(o + 8), cpu: u64(o + 16), tid: u64(o + 24) });
      }
      if (size >= 16 + nr * 48) {
        for (let i = 0; i < nr; i++) {
          const o = 16 + 32 * nr + 16 * i;
          entries[i].machinePid = u64(o);
          entries[i].vcpu = u64(o + 8);
        }
      }
      return { kind: "ID_INDEX", entries };
    }
    case 70: {
      need(16);
      const priv: bigint[] = [];
      for (let o = 16; o + 8 <= size; o += 8) priv.push(u64(o));
      return { kind: "AUXTRACE_INFO", auxType: u32(8), priv };
    }
    case 71:
      need(48);
      return {
        kind: "AUXTRACE",
        size: u64(8),
        offset: u64(16),
        reference: u64(24),
        idx: u32(32),
        tid: u32(36),
        cpu: u32(40),
        data: payload ?? new Uint8Array(0),
      };
    case 72: {
      need(40);
      const fmt = u32(28);
      const msgAt = fmt >= 1 ? 48 : 40;
      const rec: AuxtraceErrorRecord = {
        kind: "AUXTRACE_ERROR",
        errType: u32(8),
        code: u32(12),
        cpu: u32(16),
        pid: view.getInt32(pos + 20, le),
        tid: view.getInt32(pos + 24, le),
        fmt,
        ip: u64(32),
        msg: cString(c.bytes, pos + msgAt, Math.min(end, pos + msgAt + 64)),
      };
      if (fmt >= 1 && size >= 48) rec.time = u64(40);
      if (fmt >= 2 && size >= 120) {
        rec.machinePid = u32(112);
        rec.vcpu = u32(116);
      }
      return rec;
    }
    case 73: {
      const nr = count(8, 24);
      const threads: { pid: bigint; comm: string }[] = [];
      for (let i = 0; i < nr; i++) {
        const o = pos + 16 + 24 * i;
        threads.push({ pid: view.getBigInt64(o, le), comm: cString(c.bytes, o + 8, o + 24) });
      }
      return { kind: "THREAD_MAP", threads };
    }
    case 74:
      return { kind: "CPU_MAP", cpus: decodeCpuMap(view, pos + 8, end, le, c.fileOffset) };
    case 75: {
      const nr = count(8, 16);
      const rec: StatConfigRecord = { kind: "STAT_CONFIG", entries: [] };
      for (let i = 0; i < nr; i++) {
        const tag = u64(16 + 16 * i);
        const val = u64(24 + 16 * i);
        rec.entries.push({ tag, val });
        if (tag === 0n) rec.aggrMode = Number(val);
        else if (tag === 1n) rec.interval = Number(val);
        else if (tag === 2n) rec.scale = val !== 0n;
        else if (tag === 3n) rec.aggrLevel = Number(val);
      }
      return rec;
    }
    case 76:
      need(48);
      return { kind: "STAT", id: u64(8), cpu: u32(16), thread: u32(20), val: u64(24), ena: u64(32), run: u64(40) };
    case 77:
      need(24);
      return { kind: "STAT_ROUND", statRoundType: Number(u64(8)), time: u64(16) };
    case 78: {
      need(24);
      const updateType = Number(u64(8));
      const rec: EventUpdateRecord = { kind: "EVENT_UPDATE", updateType, id: u64(16) };
      if (updateType === 0) rec.unit = cString(c.bytes, pos + 24, end);
      else if (updateType === 1) {
        need(32);
        rec.scale = view.getFloat64(pos + 24, le);
      } else if (updateType === 2) rec.name = cString(c.bytes, pos + 24, end);
      else if (updateType === 3) rec.cpus = decodeCpuMap(view, pos + 24, end, le, c.fileOffset);
      return rec;
    }
    case 79: {
      need(32);
      const rec: TimeConvRecord = { kind: "TIME_CONV", timeShift: u64(8), timeMult: u64(16), timeZero: u64(24) };
      if (size >= 56) {
        rec.timeCycles = u64(32);
        rec.timeMask = u64(40);
        rec.capUserTimeZero = view.getUint8(pos + 48) !== 0;
        rec.capUserTimeShort = view.getUint8(pos + 49) !== 0;
      }
      return rec;
    }
    case 80:
      need(16);
      return { kind: "HEADER_FEATURE", featId: Number(u64(8)), data: c.bytes.subarray(pos + 16, end) };
    case 81:
      return { kind: "COMPRESSED", data: c.bytes.subarray(pos + 8, end) };
    case 83: {
      need(16);
      const n = Math.min(Number(u64(8)), size - 16);
      return { kind: "COMPRESSED2", data: c.bytes.subarray(pos + 16, pos + 16 + n) };
    }
    case 84: {
      const nr = count(520, 320);
      const entries: { key: string; value: string }[] = [];
      for (let i = 0; i < nr; i++) {
        const o = pos + 528 + 320 * i;
        entries.push({ key: cString(c.bytes, o, o + 64), value: cString(c.bytes, o + 64, o + 320) });
      }
      return { kind: "BPF_METADATA", progName: cString(c.bytes, pos + 8, pos + 520), entries };
    }
    case 85:
    case 86:
      return { kind: c.type === 85 ? "SCHEDSTAT_CPU" : "SCHEDSTAT_DOMAIN", body: c.bytes.slice(pos + 8, end) };
    default:
      return undefined;
  }
}
