/** Typed decoders for the kernel record types 1..22 (§11). Each owns its values (no views kept). */
import { cString, hex } from "../bytes.ts";
import { Misc } from "../constants.ts";
import { decodeReadFormat, type ReadValues, readFormatSize } from "../sample/read-format.ts";
import type { SampleId } from "../sample-id.ts";
import { type RecordCursor, tooShort } from "./cursor.ts";

export interface MmapRecord {
  kind: "MMAP";
  pid: number;
  tid: number;
  start: bigint;
  len: bigint;
  pgoff: bigint;
  filename: string;
  sampleId: SampleId;
}
export interface Mmap2Record {
  kind: "MMAP2";
  pid: number;
  tid: number;
  start: bigint;
  len: bigint;
  pgoff: bigint;
  /** Present when misc has MMAP_BUILD_ID; then maj/min/ino/inoGeneration are absent. */
  buildId?: string;
  maj?: number;
  min?: number;
  ino?: bigint;
  inoGeneration?: bigint;
  prot: number;
  flags: number;
  filename: string;
  sampleId: SampleId;
}
export interface CommRecord {
  kind: "COMM";
  pid: number;
  tid: number;
  comm: string;
  exec: boolean;
  sampleId: SampleId;
}
export interface TaskRecord {
  kind: "EXIT" | "FORK";
  pid: number;
  ppid: number;
  tid: number;
  ptid: number;
  time: bigint;
  sampleId: SampleId;
}
export interface LostRecord {
  kind: "LOST";
  id: bigint;
  lost: bigint;
  sampleId: SampleId;
}
export interface ThrottleRecord {
  kind: "THROTTLE" | "UNTHROTTLE";
  time: bigint;
  id: bigint;
  streamId: bigint;
  sampleId: SampleId;
}
export interface ReadRecord {
  kind: "READ";
  pid: number;
  tid: number;
  values: ReadValues;
  sampleId: SampleId;
}
export interface AuxRecord {
  kind: "AUX";
  auxOffset: bigint;
  auxSize: bigint;
  flags: bigint;
  sampleId: SampleId;
}
export interface ItraceStartRecord {
  kind: "ITRACE_START";
  pid: number;
  tid: number;
  sampleId: SampleId;
}
export interface LostSamplesRecord {
  kind: "LOST_SAMPLES";
  lost: bigint;
  sampleId: SampleId;
}
export interface SwitchRecord {
  kind: "SWITCH" | "SWITCH_CPU_WIDE";
  switchOut: boolean;
  preempt: boolean;
  /** SWITCH_CPU_WIDE only: the incoming task when switching out, the outgoing one when switching in. */
  nextPrevPid?: number;
  nextPrevTid?: number;
  sampleId: SampleId;
}
export interface NamespacesRecord {
  kind: "NAMESPACES";
  pid: number;
  tid: number;
  namespaces: { dev: bigint; inode: bigint }[];
  sampleId: SampleId;
}
export interface KsymbolRecord {
  kind: "KSYMBOL";
  addr: bigint;
  len: number;
  ksymType: number;
  flags: number;
  name: string;
  sampleId: SampleId;
}
export interface BpfEventRecord {
  kind: "BPF_EVENT";
  bpfType: number;
  flags: number;
  id: number;
  tag: string;
  sampleId: SampleId;
}
export interface CgroupRecord {
  kind: "CGROUP";
  id: bigint;
  path: string;
  sampleId: SampleId;
}
export interface TextPokeRecord {
  kind: "TEXT_POKE";
  addr: bigint;
  oldBytes: Uint8Array;
  newBytes: Uint8Array;
  sampleId: SampleId;
}
export interface AuxOutputHwIdRecord {
  kind: "AUX_OUTPUT_HW_ID";
  hwId: bigint;
  sampleId: SampleId;
}
export interface CallchainDeferredRecord {
  kind: "CALLCHAIN_DEFERRED";
  cookie: bigint;
  ips: bigint[];
  sampleId: SampleId;
}

/** Any decoded kernel side-band record (samples are decoded by `Sample`). */
export type KernelRecord =
  | MmapRecord
  | Mmap2Record
  | CommRecord
  | TaskRecord
  | LostRecord
  | ThrottleRecord
  | ReadRecord
  | AuxRecord
  | ItraceStartRecord
  | LostSamplesRecord
  | SwitchRecord
  | NamespacesRecord
  | KsymbolRecord
  | BpfEventRecord
  | CgroupRecord
  | TextPokeRecord
  | AuxOutputHwIdRecord
  | CallchainDeferredRecord;

/** Decodes kernel record type `c.type` (not SAMPLE), or returns undefined for unknown types. */
export function decodeKernelRecord(c: RecordCursor, sampleId: SampleId, readFormat: number): KernelRecord | undefined {
  const { view, pos, le } = c;
  const end = c.bodyEnd; // record end minus the trailer
  const need = (n: number) => {
    if (pos + n > end) tooShort(c, n);
  };
  const u32 = (o: number) => view.getUint32(pos + o, le);
  const i32 = (o: number) => view.getInt32(pos + o, le);
  const u64 = (o: number) => view.getBigUint64(pos + o, le);
  const str = (o: number) => cString(c.bytes, pos + o, end);
  switch (c.type) {
    case 1:
      need(40);
      return {
        kind: "MMAP",
        pid: i32(8),
        tid: i32(12),
        start: u64(16),
        len: u64(24),
        pgoff: u64(32),
        filename: str(40),
        sampleId,
      };
    case 2:
      need(24);
      return { kind: "LOST", id: u64(8), lost: u64(16), sampleId };
    case 3:
      need(16);
      return {
        kind: "COMM",
        pid: i32(8),
        tid: i32(12),
        comm: str(16),
        exec: (c.misc & Misc.COMM_EXEC) !== 0,
        sampleId,
      };
    case 4:
    case 7:
      need(32);
      return {
        kind: c.type === 4 ? "EXIT" : "FORK",
        pid: i32(8),
        ppid: i32(12),
        tid: i32(16),
        ptid: i32(20),
        time: u64(24),
        sampleId,
      };
    case 5:
    case 6:
      need(32);
      return { kind: c.type === 5 ? "THROTTLE" : "UNTHROTTLE", time: u64(8), id: u64(16), streamId: u64(24), sampleId };
    case 8: {
      need(16);
      const n = readFormatSize(view, pos + 16, end, readFormat, le);
      if (n < 0) tooShort(c, 16 + 8);
      return {
        kind: "READ",
        pid: i32(8),
        tid: i32(12),
        values: decodeReadFormat(view, pos + 16, readFormat, le),
        sampleId,
      };
    }
    case 10: {
      need(72);
      const rec: Mmap2Record = {
        kind: "MMAP2",
        pid: i32(8),
        tid: i32(12),
        start: u64(16),
        len: u64(24),
        pgoff: u64(32),
        prot: u32(64),
        flags: u32(68),
        filename: str(72),
        sampleId,
      };
      if (c.misc & Misc.MMAP_BUILD_ID) {
        const n = Math.min(view.getUint8(pos + 40), 20);
        rec.buildId = hex(c.bytes, pos + 44, pos + 44 + n);
      } else {
        rec.maj = u32(40);
        rec.min = u32(44);
        rec.ino = u64(48);
        rec.inoGeneration = u64(56);
      }
      return rec;
    }
    case 11:
      need(32);
      return { kind: "AUX", auxOffset: u64(8), auxSize: u64(16), flags: u64(24), sampleId };
    case 12:
      need(16);
      return { kind: "ITRACE_START", pid: i32(8), tid: i32(12), sampleId };
    case 13:
      need(16);
      return { kind: "LOST_SAMPLES", lost: u64(8), sampleId };
    case 14:
    case 15: {
      const rec: SwitchRecord = {
        kind: c.type === 14 ? "SWITCH" : "SWITCH_CPU_WIDE",
        switchOut: (c.misc & Misc.SWITCH_OUT) !== 0,
        preempt: (c.misc & Misc.SWITCH_OUT_PREEMPT) !== 0,
        sampleId,
      };
      if (c.type === 15) {
        need(16);
        rec.nextPrevPid = i32(8);
        rec.nextPrevTid = i32(12);
      }
      return rec;
    }
    case 16: {
      need(24);
      const nr = u64(16);
      if (nr > BigInt((end - pos - 24) >> 4)) tooShort(c, 24 + Number(nr) * 16);
      const namespaces: { dev: bigint; inode: bigint }[] = [];
      for (let i = 0; i < Number(nr); i++) namespaces.push({ dev: u64(24 + 16 * i), inode: u64(32 + 16 * i) });
      return { kind: "NAMESPACES", pid: i32(8), tid: i32(12), namespaces, sampleId };
    }
    case 17:
      need(24);
      return {
        kind: "KSYMBOL",
        addr: u64(8),
        len: u32(16),
        ksymType: view.getUint16(pos + 20, le),
        flags: view.getUint16(pos + 22, le),
        name: str(24),
        sampleId,
      };
    case 18:
      need(24);
      return {
        kind: "BPF_EVENT",
        bpfType: view.getUint16(pos + 8, le),
        flags: view.getUint16(pos + 10, le),
        id: u32(12),
        tag: hex(c.bytes, pos + 16, pos + 24),
        sampleId,
      };
    case 19:
      need(16);
      return { kind: "CGROUP", id: u64(8), path: str(16), sampleId };
    case 20: {
      need(20);
      const oldLen = view.getUint16(pos + 16, le);
      const newLen = view.getUint16(pos + 18, le);
      need(20 + oldLen + newLen);
      return {
        kind: "TEXT_POKE",
        addr: u64(8),
        oldBytes: c.bytes.slice(pos + 20, pos + 20 + oldLen),
        newBytes: c.bytes.slice(pos + 20 + oldLen, pos + 20 + oldLen + newLen),
        sampleId,
      };
    }
    case 21:
      need(16);
      return { kind: "AUX_OUTPUT_HW_ID", hwId: u64(8), sampleId };
    case 22: {
      need(24);
      const nr = u64(16);
      if (nr > BigInt((end - pos - 24) >> 3)) tooShort(c, 24 + Number(nr) * 8);
      const ips: bigint[] = [];
      for (let i = 0; i < Number(nr); i++) ips.push(u64(24 + 8 * i));
      return { kind: "CALLCHAIN_DEFERRED", cookie: u64(8), ips, sampleId };
    }
    default:
      return undefined;
  }
}
