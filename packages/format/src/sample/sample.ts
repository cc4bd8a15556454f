/**
 * PERF_RECORD_SAMPLE, decoded lazily: the fixed prefix is read straight from the record bytes
 * on access; the variable part (read, callchain, raw, branches, registers, stack, …) is located
 * once, on first access to any of it, and each field is materialised only when asked for.
 */
import { BranchSampleType, SampleType as S } from "../constants.ts";
import { PerfDataError } from "../errors.ts";
import type { EventEntry } from "../evlist.ts";
import { type BranchStack, decodeBranchEntry } from "./branch.ts";
import { checkedCallchainCount } from "./callchain-count.ts";
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
/** The sample_type bit(s) of each variable field, by field number. */
const FIELD_BITS = [
  S.READ,
  S.CALLCHAIN,
  S.RAW,
  S.BRANCH_STACK,
  S.REGS_USER,
  S.STACK_USER,
  S.WEIGHT | S.WEIGHT_STRUCT,
  S.DATA_SRC,
  S.TRANSACTION,
  S.REGS_INTR,
  S.PHYS_ADDR,
  S.CGROUP,
  S.DATA_PAGE_SIZE,
  S.CODE_PAGE_SIZE,
  S.AUX,
];

/** A sample record. Fields absent from the attr's sample_type read as undefined. */
export class Sample {
  /** Offsets of the variable fields (from the record start) once located. */
  private offs: number[] | null = null;

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

  private tooLong(what: string, n: number, at: number): never {
    this.fail(`${what} runs past the end of the record (needs ${n} at +${at}, size ${this.size})`, at);
  }

  /**
   * Locates every variable field, bounds-checking each against the record size. Written
   * without closures: it runs once per sample on the hot path.
   */
  private locate(): number[] {
    if (this.offs) return this.offs;
    const offs = [-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1];
    const { view, pos, size, littleEndian: le } = this;
    const layout = this.layout;
    const t = layout.sampleType;
    if (layout.hasUnknownBits) this.fail(`sample_type 0x${t.toString(16)} has bits this decoder does not know`, 0);
    const attr = this.event.attr;
    let at = layout.variableStart;
    if (t & S.READ) {
      const n = readFormatSize(view, pos + at, pos + size, attr.readFormat, le);
      if (n < 0) this.tooLong("read values", 8, at);
      offs[F_READ] = at;
      at += n;
    }
    if (t & S.CALLCHAIN) {
      const n = checkedCallchainCount(view, pos, size, at, le, this.fileOffset, this.recordIndex);
      offs[F_CALLCHAIN] = at;
      at += 8 + n * 8;
    }
    if (t & S.RAW) {
      if (at + 4 > size) this.tooLong("raw size", 4, at);
      const n = view.getUint32(pos + at, le);
      if (at + 4 + n > size) this.tooLong("raw data", 4 + n, at);
      offs[F_RAW] = at;
      // The kernel pads raw data so the cursor is 8-aligned again; tolerate writers that did not.
      at = Math.min(size, (at + 4 + n + 7) & ~7);
    }
    if (t & S.BRANCH_STACK) {
      const hw = attr.branchSampleType & BranchSampleType.HW_INDEX ? 8 : 0;
      const unit = 24 + (attr.branchSampleType & BranchSampleType.COUNTERS ? 8 : 0);
      if (at + 8 > size) this.tooLong("branch stack", 8, at);
      const nr = view.getBigUint64(pos + at, le);
      if (nr > BigInt(Math.floor((size - at - 8 - hw) / unit)))
        this.fail(`branch stack count ${nr} does not fit the record`, at);
      offs[F_BRANCH] = at;
      at += 8 + hw + Number(nr) * unit;
    }
    if (t & S.REGS_USER) at = this.locateRegs(offs, F_REGS_USER, at, layout.regsUserCount, "user registers");
    if (t & S.STACK_USER) {
      if (at + 8 > size) this.tooLong("user stack size", 8, at);
      const sz = view.getBigUint64(pos + at, le);
      if (sz > BigInt(size)) this.fail(`user stack size ${sz} does not fit the record`, at);
      offs[F_STACK_USER] = at;
      at += 8 + Number(sz);
      if (sz !== 0n) {
        if (at + 8 > size) this.tooLong("user stack dyn_size", 8, at);
        at += 8;
      }
    }
    if (t & (S.WEIGHT | S.WEIGHT_STRUCT)) at = this.locateWord(offs, F_WEIGHT, at, "weight");
    if (t & S.DATA_SRC) at = this.locateWord(offs, F_DATA_SRC, at, "data_src");
    if (t & S.TRANSACTION) at = this.locateWord(offs, F_TRANSACTION, at, "transaction");
    if (t & S.REGS_INTR) at = this.locateRegs(offs, F_REGS_INTR, at, layout.regsIntrCount, "interrupt registers");
    if (t & S.PHYS_ADDR) at = this.locateWord(offs, F_PHYS_ADDR, at, "phys_addr");
    if (t & S.CGROUP) at = this.locateWord(offs, F_CGROUP, at, "cgroup");
    if (t & S.DATA_PAGE_SIZE) at = this.locateWord(offs, F_DATA_PAGE_SIZE, at, "data_page_size");
    if (t & S.CODE_PAGE_SIZE) at = this.locateWord(offs, F_CODE_PAGE_SIZE, at, "code_page_size");
    if (t & S.AUX) {
      if (at + 8 > size) this.tooLong("aux size", 8, at);
      const sz = view.getBigUint64(pos + at, le);
      if (sz > BigInt(size - at - 8)) this.fail(`aux size ${sz} does not fit the record`, at);
      offs[F_AUX] = at;
      at += 8 + Number(sz);
    }
    this.offs = offs;
    return offs;
  }

  private locateWord(offs: number[], f: number, at: number, what: string): number {
    if (at + 8 > this.size) this.tooLong(what, 8, at);
    offs[f] = at;
    return at + 8;
  }

  private locateRegs(offs: number[], f: number, at: number, count: number, what: string): number {
    if (at + 8 > this.size) this.tooLong(what, 8, at);
    const abi = this.view.getBigUint64(this.pos + at, this.littleEndian);
    offs[f] = at;
    at += 8;
    if (abi !== 0n) {
      const n = count * 8;
      if (at + n > this.size) this.tooLong(what, n, at);
      at += n;
    }
    return at;
  }

  private callchainChecked = false;

  /** The callchain's offset: static when nothing variable precedes it (checked once), else located. */
  private callchainField(): number {
    const at = this.layout.callchainStatic;
    if (at < 0) return this.field(F_CALLCHAIN);
    if (!this.callchainChecked) {
      checkedCallchainCount(this.view, this.pos, this.size, at, this.littleEndian, this.fileOffset, this.recordIndex);
      this.callchainChecked = true;
    }
    return at;
  }

  private field(f: number): number {
    // A field the sample_type does not have is absent without walking the variable part.
    if (!(this.layout.sampleType & FIELD_BITS[f]!)) return -1;
    return this.locate()[f];
  }

  get read(): ReadValues | undefined {
    const o = this.field(F_READ);
    return o < 0 ? undefined : decodeReadFormat(this.view, this.pos + o, this.event.attr.readFormat, this.littleEndian);
  }

  /** Number of callchain entries (context markers included), 0 when absent. */
  get callchainLength(): number {
    const o = this.callchainField();
    return o < 0 ? 0 : this.view.getUint32(this.pos + o + (this.littleEndian ? 0 : 4), this.littleEndian);
  }

  /**
   * Offset in {@link view} of the first callchain entry, or -1 when the sample has none. With
   * {@link callchainLength} it lets hot loops read entries (e.g. as 32-bit halves) without
   * allocating anything.
   */
  get callchainOffset(): number {
    const o = this.callchainField();
    return o < 0 ? -1 : this.pos + o + 8;
  }

  /** The i-th raw callchain entry (a context marker or an address). */
  callchainAt(i: number): bigint {
    const o = this.callchainField();
    if (o < 0 || i < 0 || i >= this.callchainLength) throw new RangeError(`callchain index ${i} out of range`);
    return this.u64(o + 8 + 8 * i);
  }

  /**
   * Raw callchain entries including PERF_CONTEXT_* markers, leaf first. A zero-copy view of the
   * record when its bytes are 8-aligned and little-endian (the usual case), else a copy.
   */
  get callchain(): BigUint64Array | undefined {
    const o = this.callchainField();
    if (o < 0) return undefined;
    const { view, littleEndian: le } = this;
    const n = view.getUint32(this.pos + o + (le ? 0 : 4), le);
    const start = view.byteOffset + this.pos + o + 8;
    if (le && start % 8 === 0) return new BigUint64Array(view.buffer, start, n);
    const out = new BigUint64Array(n);
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

  private regs(f: number, mask: bigint, n: number): SampleRegs | undefined {
    const o = this.field(f);
    if (o < 0) return undefined;
    const abi = Number(this.u64(o));
    const values: bigint[] = [];
    if (abi !== 0) {
      for (let i = 0; i < n; i++) values.push(this.u64(o + 8 + 8 * i));
    }
    return { abi, mask, values };
  }

  get regsUser(): SampleRegs | undefined {
    return this.regs(F_REGS_USER, this.event.attr.sampleRegsUser, this.layout.regsUserCount);
  }
  get regsIntr(): SampleRegs | undefined {
    return this.regs(F_REGS_INTR, this.event.attr.sampleRegsIntr, this.layout.regsIntrCount);
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
