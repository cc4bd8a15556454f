/**
 * PERF_RECORD_SAMPLE, decoded lazily: the fixed prefix is read straight from the record bytes
 * on access; the variable part (read, callchain, raw, branches, registers, stack, …) is located
 * once, on first access to any of it, and each field is materialised only when asked for.
 */
import { BranchSampleType, SampleType as S } from "../constants.ts";
import { PerfDataError } from "../errors.ts";
import type { EventEntry } from "../evlist.ts";
import { type BranchStack, decodeBranchEntry } from "./branch.ts";
import type { SampleLayout } from "./layout.ts";
import { decodeReadFormat, type ReadValues, readFormatSize } from "./read-format.ts";

/** Sampled registers: the ABI (0 none, 1 32-bit, 2 64-bit), the mask, and values by ascending bit. */
export interface SampleRegs {
  abi: number;
  mask: bigint;
  values: bigint[];
}

/** A user stack dump: the bytes copied (`size`) of which `dynSize` are valid. */
export interface SampleStack {
  data: Uint8Array;
  dynSize: number;
}

/** WEIGHT_STRUCT parts (§9.5). */
export interface SampleWeightStruct {
  var1: number;
  var2: number;
  var3: number;
}

const F_READ = 0;
const F_CALLCHAIN = 1;
const F_RAW = 2;
const F_BRANCH = 3;
const F_REGS_USER = 4;
const F_STACK_USER = 5;
const F_WEIGHT = 6;
const F_DATA_SRC = 7;
const F_TRANSACTION = 8;
const F_REGS_INTR = 9;
const F_PHYS_ADDR = 10;
const F_CGROUP = 11;
const F_DATA_PAGE_SIZE = 12;
const F_CODE_PAGE_SIZE = 13;
const F_AUX = 14;
const N_FIELDS = 15;

function popcount64(v: bigint): number {
  let n = 0;
  let x = v;
  while (x) {
    x &= x - 1n;
    n++;
  }
  return n;
}

/** A sample record. Fields absent from the attr's sample_type read as undefined. */
export class Sample {
  /** Offsets of the variable fields (from the record start) once located. */
  private offs: Int32Array | null = null;

  constructor(
    /** DataView over the buffer holding the record. */
    readonly view: DataView,
    /** Offset of the record inside `view`. */
    readonly pos: number,
    /** Record size (header.size). */
    readonly size: number,
    readonly misc: number,
    readonly littleEndian: boolean,
    /** The event this sample belongs to. */
    readonly event: EventEntry,
    /** Absolute offset of the record in the file (for errors). */
    readonly fileOffset: number,
    /** Record index in stream order (for errors). */
    readonly recordIndex: number,
  ) {
    const need = event.layout.variableStart;
    if (need > size) this.fail(`fixed sample fields need ${need} bytes, record has ${size}`, 0);
  }

  private get layout(): SampleLayout {
    return this.event.layout;
  }

  private u64(off: number): bigint {
    return this.view.getBigUint64(this.pos + off, this.littleEndian);
  }

  private fail(msg: string, at: number): never {
    throw new PerfDataError("bad-sample", msg, this.fileOffset + at, this.recordIndex, 9);
  }

  /** CPU mode from header.misc (1 kernel, 2 user, …). */
  get cpumode(): number {
    return this.misc & 7;
  }
  get ip(): bigint | undefined {
    const o = this.layout.ip;
    return o < 0 ? undefined : this.u64(o);
  }
  get pid(): number | undefined {
    const o = this.layout.tid;
    return o < 0 ? undefined : this.view.getInt32(this.pos + o, this.littleEndian);
  }
  get tid(): number | undefined {
    const o = this.layout.tid;
    return o < 0 ? undefined : this.view.getInt32(this.pos + o + 4, this.littleEndian);
  }
  get time(): bigint | undefined {
    const o = this.layout.time;
    return o < 0 ? undefined : this.u64(o);
  }
  get addr(): bigint | undefined {
    const o = this.layout.addr;
    return o < 0 ? undefined : this.u64(o);
  }
  /** IDENTIFIER if present, else ID. */
  get id(): bigint | undefined {
    const l = this.layout;
    const o = l.identifier >= 0 ? l.identifier : l.id;
    return o < 0 ? undefined : this.u64(o);
  }
  get streamId(): bigint | undefined {
    const o = this.layout.streamId;
    return o < 0 ? undefined : this.u64(o);
  }
  get cpu(): number | undefined {
    const o = this.layout.cpu;
    return o < 0 ? undefined : this.view.getUint32(this.pos + o, this.littleEndian);
  }
  /** PERIOD, or the attr's sample_period when the sample has none (perf's convention). */
  get period(): bigint {
    const o = this.layout.period;
    return o < 0 ? this.event.attr.samplePeriod : this.u64(o);
  }

  /** Locates every variable field, bounds-checking each against the record size. */
  private locate(): Int32Array {
    if (this.offs) return this.offs;
    const offs = new Int32Array(N_FIELDS).fill(-1);
    const { view, pos, size, littleEndian: le } = this;
    const attr = this.event.attr;
    const t = this.layout.sampleType;
    if (this.layout.hasUnknownBits) this.fail(`sample_type 0x${t.toString(16)} has bits this decoder does not know`, 0);
    let at = this.layout.variableStart;
    const need = (n: number, what: string) => {
      if (n < 0 || at + n > size)
        this.fail(`${what} runs past the end of the record (needs ${n} at +${at}, size ${size})`, at);
    };
    const count = (what: string, unit: number, extra = 0): number => {
      need(8, what);
      const nr = view.getBigUint64(pos + at, le);
      if (nr > BigInt(Math.floor((size - at - 8 - extra) / unit)))
        this.fail(`${what} count ${nr} does not fit the record`, at);
      return Number(nr);
    };
    if (t & S.READ) {
      const n = readFormatSize(view, pos + at, pos + size, attr.readFormat, le);
      need(n, "read values");
      offs[F_READ] = at;
      at += n;
    }
    if (t & S.CALLCHAIN) {
      const nr = count("callchain", 8);
      offs[F_CALLCHAIN] = at;
      at += 8 + nr * 8;
    }
    if (t & S.RAW) {
      need(4, "raw size");
      const n = view.getUint32(pos + at, le);
      need(4 + n, "raw data");
      offs[F_RAW] = at;
      at += 4 + n;
      // The kernel pads raw data so the cursor is 8-aligned again; tolerate writers that did not.
      at = (at + 7) & ~7;
      if (at > size) at = size;
    }
    if (t & S.BRANCH_STACK) {
      const hw = attr.branchSampleType & BranchSampleType.HW_INDEX ? 8 : 0;
      const withCounters = attr.branchSampleType & BranchSampleType.COUNTERS ? 8 : 0;
      const nr = count("branch stack", 24 + withCounters, hw);
      offs[F_BRANCH] = at;
      at += 8 + hw + nr * (24 + withCounters);
    }
    const regs = (mask: bigint, f: number, what: string) => {
      need(8, what);
      const abi = view.getBigUint64(pos + at, le);
      offs[f] = at;
      at += 8;
      if (abi !== 0n) {
        const n = popcount64(mask) * 8;
        need(n, what);
        at += n;
      }
    };
    if (t & S.REGS_USER) regs(attr.sampleRegsUser, F_REGS_USER, "user registers");
    if (t & S.STACK_USER) {
      need(8, "user stack size");
      const sz = view.getBigUint64(pos + at, le);
      if (sz > BigInt(size)) this.fail(`user stack size ${sz} does not fit the record`, at);
      offs[F_STACK_USER] = at;
      at += 8 + Number(sz);
      if (sz !== 0n) {
        need(8, "user stack dyn_size");
        at += 8;
      }
    }
    const word = (bit: number, f: number, what: string) => {
      if (!(t & bit)) return;
      need(8, what);
      offs[f] = at;
      at += 8;
    };
    if (t & (S.WEIGHT | S.WEIGHT_STRUCT)) word(t & S.WEIGHT ? S.WEIGHT : S.WEIGHT_STRUCT, F_WEIGHT, "weight");
    word(S.DATA_SRC, F_DATA_SRC, "data_src");
    word(S.TRANSACTION, F_TRANSACTION, "transaction");
    if (t & S.REGS_INTR) regs(attr.sampleRegsIntr, F_REGS_INTR, "interrupt registers");
    word(S.PHYS_ADDR, F_PHYS_ADDR, "phys_addr");
    word(S.CGROUP, F_CGROUP, "cgroup");
    word(S.DATA_PAGE_SIZE, F_DATA_PAGE_SIZE, "data_page_size");
    word(S.CODE_PAGE_SIZE, F_CODE_PAGE_SIZE, "code_page_size");
    if (t & S.AUX) {
      need(8, "aux size");
      const sz = view.getBigUint64(pos + at, le);
      if (sz > BigInt(size - at - 8)) this.fail(`aux size ${sz} does not fit the record`, at);
      offs[F_AUX] = at;
      at += 8 + Number(sz);
    }
    this.offs = offs;
    return offs;
  }

  private field(f: number): number {
    return this.locate()[f];
  }

  get read(): ReadValues | undefined {
    const o = this.field(F_READ);
    return o < 0 ? undefined : decodeReadFormat(this.view, this.pos + o, this.event.attr.readFormat, this.littleEndian);
  }

  /** Number of callchain entries (context markers included), 0 when absent. */
  get callchainLength(): number {
    const o = this.field(F_CALLCHAIN);
    return o < 0 ? 0 : Number(this.u64(o));
  }

  /** The i-th raw callchain entry (a context marker or an address). */
  callchainAt(i: number): bigint {
    const o = this.field(F_CALLCHAIN);
    if (o < 0 || i < 0 || i >= this.callchainLength) throw new RangeError(`callchain index ${i} out of range`);
    return this.u64(o + 8 + 8 * i);
  }

  /** Raw callchain entries including PERF_CONTEXT_* markers, leaf first. */
  get callchain(): bigint[] | undefined {
    const o = this.field(F_CALLCHAIN);
    if (o < 0) return undefined;
    const n = Number(this.u64(o));
    const out = new Array<bigint>(n);
    const { view, littleEndian: le } = this;
    let p = this.pos + o + 8;
    for (let i = 0; i < n; i++, p += 8) out[i] = view.getBigUint64(p, le);
    return out;
  }

  /** PERF_SAMPLE_RAW bytes (a view into the record). */
  get raw(): Uint8Array | undefined {
    const o = this.field(F_RAW);
    if (o < 0) return undefined;
    const n = this.view.getUint32(this.pos + o, this.littleEndian);
    return new Uint8Array(this.view.buffer, this.view.byteOffset + this.pos + o + 4, n);
  }

  get branchStack(): BranchStack | undefined {
    const o = this.field(F_BRANCH);
    if (o < 0) return undefined;
    const attr = this.event.attr;
    const le = this.littleEndian;
    const nr = Number(this.u64(o));
    let p = this.pos + o + 8;
    const out: BranchStack = { entries: [] };
    if (attr.branchSampleType & BranchSampleType.HW_INDEX) {
      out.hwIdx = this.view.getBigUint64(p, le);
      p += 8;
    }
    for (let i = 0; i < nr; i++, p += 24) out.entries.push(decodeBranchEntry(this.view, p, le));
    if (attr.branchSampleType & BranchSampleType.COUNTERS) {
      out.counters = [];
      for (let i = 0; i < nr; i++, p += 8) out.counters.push(this.view.getBigUint64(p, le));
    }
    return out;
  }

  private regs(f: number, mask: bigint): SampleRegs | undefined {
    const o = this.field(f);
    if (o < 0) return undefined;
    const abi = Number(this.u64(o));
    const values: bigint[] = [];
    if (abi !== 0) {
      const n = popcount64(mask);
      for (let i = 0; i < n; i++) values.push(this.u64(o + 8 + 8 * i));
    }
    return { abi, mask, values };
  }

  get regsUser(): SampleRegs | undefined {
    return this.regs(F_REGS_USER, this.event.attr.sampleRegsUser);
  }
  get regsIntr(): SampleRegs | undefined {
    return this.regs(F_REGS_INTR, this.event.attr.sampleRegsIntr);
  }

  get stackUser(): SampleStack | undefined {
    const o = this.field(F_STACK_USER);
    if (o < 0) return undefined;
    const sz = Number(this.u64(o));
    const data = new Uint8Array(this.view.buffer, this.view.byteOffset + this.pos + o + 8, sz);
    const dyn = sz ? Number(this.u64(o + 8 + sz)) : 0;
    return { data, dynSize: Math.min(dyn, sz) };
  }

  private word(f: number): bigint | undefined {
    const o = this.field(f);
    return o < 0 ? undefined : this.u64(o);
  }
  /** WEIGHT, or var1 of WEIGHT_STRUCT. */
  get weight(): bigint | undefined {
    const w = this.word(F_WEIGHT);
    if (w === undefined) return undefined;
    return this.layout.sampleType & S.WEIGHT_STRUCT ? w & 0xffffffffn : w;
  }
  get weightStruct(): SampleWeightStruct | undefined {
    if (!(this.layout.sampleType & S.WEIGHT_STRUCT)) return undefined;
    const w = this.word(F_WEIGHT)!;
    return { var1: Number(w & 0xffffffffn), var2: Number((w >> 32n) & 0xffffn), var3: Number(w >> 48n) };
  }
  get dataSrc(): bigint | undefined {
    return this.word(F_DATA_SRC);
  }
  get transaction(): bigint | undefined {
    return this.word(F_TRANSACTION);
  }
  get physAddr(): bigint | undefined {
    return this.word(F_PHYS_ADDR);
  }
  get cgroup(): bigint | undefined {
    return this.word(F_CGROUP);
  }
  get dataPageSize(): bigint | undefined {
    return this.word(F_DATA_PAGE_SIZE);
  }
  get codePageSize(): bigint | undefined {
    return this.word(F_CODE_PAGE_SIZE);
  }
  get aux(): Uint8Array | undefined {
    const o = this.field(F_AUX);
    if (o < 0) return undefined;
    const sz = Number(this.u64(o));
    return new Uint8Array(this.view.buffer, this.view.byteOffset + this.pos + o + 8, sz);
  }

  /** Decodes every field into a plain object (for dumps, JSON and benchmarks). */
  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    const put = (k: string, v: unknown) => {
      if (v !== undefined) o[k] = v;
    };
    put("ip", this.ip);
    put("pid", this.pid);
    put("tid", this.tid);
    put("time", this.time);
    put("addr", this.addr);
    put("id", this.id);
    put("streamId", this.streamId);
    put("cpu", this.cpu);
    put("period", this.period);
    put("read", this.read);
    put("callchain", this.callchain);
    put("raw", this.raw);
    put("branchStack", this.branchStack);
    put("regsUser", this.regsUser);
    put("stackUser", this.stackUser);
    put("weight", this.weight);
    put("weightStruct", this.weightStruct);
    put("dataSrc", this.dataSrc);
    put("transaction", this.transaction);
    put("regsIntr", this.regsIntr);
    put("physAddr", this.physAddr);
    put("cgroup", this.cgroup);
    put("dataPageSize", this.dataPageSize);
    put("codePageSize", this.codePageSize);
    put("aux", this.aux);
    return o;
  }
}
