/** Encodes PERF_RECORD_SAMPLE bodies and sample_id trailers in the kernel's field order (§9, §8.1). */
import { type EventAttr, setBitfield } from "../attr.ts";
import { BranchSampleType, ReadFormat as RF, SampleType as S } from "../constants.ts";
import type { BranchEntry } from "../sample/branch.ts";
import type { ReadValues } from "../sample/read-format.ts";
import type { SampleRegs } from "../sample/sample.ts";
import type { SampleId } from "../sample-id.ts";
import { ByteWriter } from "./byte-writer.ts";

/** The fields of a sample to encode; those the attr's sample_type asks for must be given (zero otherwise). */
export interface SampleFields {
  ip?: bigint;
  pid?: number;
  tid?: number;
  time?: bigint;
  addr?: bigint;
  id?: bigint;
  streamId?: bigint;
  cpu?: number;
  period?: bigint;
  read?: ReadValues;
  callchain?: ArrayLike<bigint>;
  raw?: Uint8Array;
  branchStack?: { hwIdx?: bigint; entries: Partial<BranchEntry>[]; counters?: bigint[] };
  regsUser?: SampleRegs;
  stackUser?: { data: Uint8Array; dynSize: number };
  weight?: bigint;
  dataSrc?: bigint;
  transaction?: bigint;
  regsIntr?: SampleRegs;
  physAddr?: bigint;
  cgroup?: bigint;
  dataPageSize?: bigint;
  codePageSize?: bigint;
  aux?: Uint8Array;
}

/** Builds a branch flags word from named fields, for the writer's bit order. */
export function encodeBranchFlags(e: Partial<BranchEntry>, le: boolean): bigint {
  if (e.flags !== undefined && e.mispred === undefined && e.type === undefined) return e.flags;
  let w = 0n;
  const put = (p: number, width: number, v: number | boolean | undefined) => {
    if (v !== undefined) w = setBitfield(w, p, width, typeof v === "boolean" ? (v ? 1 : 0) : v, le);
  };
  put(0, 1, e.mispred);
  put(1, 1, e.predicted);
  put(2, 1, e.inTx);
  put(3, 1, e.abort);
  put(4, 16, e.cycles);
  put(20, 4, e.type);
  put(24, 2, e.spec);
  put(26, 4, e.newType);
  put(30, 3, e.priv);
  return w;
}

export function writeRead(w: ByteWriter, fmt: number, r: ReadValues | undefined): void {
  const values = r?.values ?? [{ value: 0n }];
  const times = () => {
    if (fmt & RF.TOTAL_TIME_ENABLED) w.u64(r?.timeEnabled ?? 0n);
    if (fmt & RF.TOTAL_TIME_RUNNING) w.u64(r?.timeRunning ?? 0n);
  };
  const rest = (v: { id?: bigint; lost?: bigint }) => {
    if (fmt & RF.ID) w.u64(v.id ?? 0n);
    if (fmt & RF.LOST) w.u64(v.lost ?? 0n);
  };
  if (fmt & RF.GROUP) {
    w.u64(values.length);
    times();
    for (const v of values) {
      w.u64(v.value);
      rest(v);
    }
  } else {
    w.u64(values[0].value);
    times();
    rest(values[0]);
  }
}

function writeRegs(w: ByteWriter, regs: SampleRegs | undefined, mask: bigint): void {
  const abi = regs?.abi ?? 0;
  w.u64(abi);
  if (abi === 0) return;
  let n = 0;
  for (let m = mask; m; m &= m - 1n) n++;
  for (let i = 0; i < n; i++) w.u64(regs?.values[i] ?? 0n);
}

/** Encodes a whole SAMPLE record (header included) for `attr`. */
export function encodeSample(attr: EventAttr, f: SampleFields, misc: number, le: boolean): Uint8Array {
  const t = attr.sampleType;
  const w = new ByteWriter(le);
  w.u32(9).u16(misc).u16(0);
  if (t & S.IDENTIFIER) w.u64(f.id ?? 0n);
  if (t & S.IP) w.u64(f.ip ?? 0n);
  if (t & S.TID) w.i32(f.pid ?? 0).i32(f.tid ?? 0);
  if (t & S.TIME) w.u64(f.time ?? 0n);
  if (t & S.ADDR) w.u64(f.addr ?? 0n);
  if (t & S.ID) w.u64(f.id ?? 0n);
  if (t & S.STREAM_ID) w.u64(f.streamId ?? 0n);
  if (t & S.CPU) w.u32(f.cpu ?? 0).u32(0);
  if (t & S.PERIOD) w.u64(f.period ?? 0n);
  if (t & S.READ) writeRead(w, attr.readFormat, f.read);
  if (t & S.CALLCHAIN) {
    const cc = f.callchain ?? [];
    w.u64(cc.length);
    for (let i = 0; i < cc.length; i++) w.u64(cc[i]);
  }
  if (t & S.RAW) {
    const raw = f.raw ?? new Uint8Array(4);
    // The kernel pads so that the u32 size plus data is 8-aligned; size includes the padding.
    const size = Math.ceil((raw.length + 4) / 8) * 8 - 4;
    w.u32(size).bytes(raw);
    for (let i = raw.length; i < size; i++) w.u8(0);
  }
  if (t & S.BRANCH_STACK) {
    const bs = f.branchStack ?? { entries: [] };
    w.u64(bs.entries.length);
    if (attr.branchSampleType & BranchSampleType.HW_INDEX) w.u64(bs.hwIdx ?? 0n);
    for (const e of bs.entries)
      w.u64(e.from ?? 0n)
        .u64(e.to ?? 0n)
        .u64(encodeBranchFlags(e, le));
    if (attr.branchSampleType & BranchSampleType.COUNTERS)
      for (let i = 0; i < bs.entries.length; i++) w.u64(bs.counters?.[i] ?? 0n);
  }
  if (t & S.REGS_USER) writeRegs(w, f.regsUser, attr.sampleRegsUser);
  if (t & S.STACK_USER) {
    const st = f.stackUser;
    const size = st ? Math.ceil(st.data.length / 8) * 8 : 0;
    w.u64(size);
    if (size) {
      w.bytes(st!.data);
      for (let i = st!.data.length; i < size; i++) w.u8(0);
      w.u64(st!.dynSize);
    }
  }
  if (t & (S.WEIGHT | S.WEIGHT_STRUCT)) w.u64(f.weight ?? 0n);
  if (t & S.DATA_SRC) w.u64(f.dataSrc ?? 0n);
  if (t & S.TRANSACTION) w.u64(f.transaction ?? 0n);
  if (t & S.REGS_INTR) writeRegs(w, f.regsIntr, attr.sampleRegsIntr);
  if (t & S.PHYS_ADDR) w.u64(f.physAddr ?? 0n);
  if (t & S.CGROUP) w.u64(f.cgroup ?? 0n);
  if (t & S.DATA_PAGE_SIZE) w.u64(f.dataPageSize ?? 0n);
  if (t & S.CODE_PAGE_SIZE) w.u64(f.codePageSize ?? 0n);
  if (t & S.AUX) {
    const aux = f.aux ?? new Uint8Array(0);
    w.u64(aux.length).bytes(aux);
  }
  w.patchU16(6, w.length);
  if (w.length > 0xffff) throw new RangeError(`sample of ${w.length} bytes exceeds the 64 KiB record limit`);
  return w.finish();
}

/** Appends the sample_id trailer for `attr` (nothing when sample_id_all is off). */
export function writeSampleId(w: ByteWriter, attr: EventAttr, id: SampleId): void {
  if (!attr.sampleIdAll) return;
  const t = attr.sampleType;
  if (t & S.TID) w.i32(id.pid ?? 0).i32(id.tid ?? 0);
  if (t & S.TIME) w.u64(id.time ?? 0n);
  if (t & S.ID) w.u64(id.id ?? 0n);
  if (t & S.STREAM_ID) w.u64(id.streamId ?? 0n);
  if (t & S.CPU) w.u32(id.cpu ?? 0).u32(0);
  if (t & S.IDENTIFIER) w.u64(id.id ?? 0n);
}
