/**
 * Columnar sample decoding: every field of many samples copied into reused typed-array
 * columns, so a full scan creates no object and no BigInt per sample (the lazy {@link Sample}
 * creates at least one object per sample, plus a BigInt per u64 field and an array per
 * callchain read). u64 fields are copied as two 32-bit halves into BigUint64Array columns;
 * callchains go to one shared word pool; read values, branch stacks, registers, raw data,
 * user stacks and AUX data are copied, in the file's byte order, into one shared byte pool.
 */
import { HOST_LITTLE_ENDIAN } from "../bytes.ts";
import { BranchSampleType, SampleType as S } from "../constants.ts";
import { checkArg, PerfDataError } from "../errors.ts";
import type { EventEntry } from "../evlist.ts";
import type { PerfRecord } from "../record.ts";
import { type BranchStack, decodeBranchEntry } from "./branch.ts";
import { checkedCallchainCount } from "./callchain-count.ts";
import type { SampleLayout } from "./layout.ts";
import { decodeReadFormat, type ReadValues, readFormatSize } from "./read-format.ts";
import type { SampleRegs, SampleStack, SampleWeightStruct } from "./sample.ts";

/** Index (0 or 1) of the low / high 32-bit half of a u64 in a Uint32Array twin. */
const LO = HOST_LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;

const DEFAULT_CAPACITY = 4096;

/**
 * The 32-bit halves of a BigUint64Array (a view, nothing copied): element `2*i + (host
 * little-endian ? 0 : 1)` is the low half of `column[i]`. Reading halves creates no BigInt.
 */
export function u64Halves(column: BigUint64Array): Uint32Array {
  checkArg(column instanceof BigUint64Array, "column", "a BigUint64Array", column);
  return new Uint32Array(column.buffer, column.byteOffset, column.length * 2);
}

/**
 * Copies the u64 at `p` into row `j / 2` of a column's 32-bit twin. The byte order is passed to
 * DataView as a constant in each branch: the JIT inlines those reads, not variable-order ones.
 */
function copyU64(dst: Uint32Array, j: number, view: DataView, p: number, le: boolean): void {
  if (le) {
    dst[j + LO] = view.getUint32(p, true);
    dst[j + HI] = view.getUint32(p + 4, true);
  } else {
    dst[j + LO] = view.getUint32(p + 4, false);
    dst[j + HI] = view.getUint32(p, false);
  }
}

/** A u64 column and its 32-bit twin over the same memory. */
function u64Column(n: number): [BigUint64Array, Uint32Array] {
  const c = new BigUint64Array(n);
  return [c, new Uint32Array(c.buffer)];
}

/**
 * Up to `capacity` samples decoded field by field into typed-array columns, row `i` being the
 * i-th sample appended since the last {@link clear}. Fill it with `cursor().sampleInto(batch)`
 * (or {@link appendRecord}), consume the rows, `clear()` it and fill it again: the columns are
 * reused, so memory stays bounded by one batch whatever the file size.
 *
 * A column's value in row `i` is meaningful only when the sample has that field
 * (`has(i, SampleType.X)`); `period` is always set (the attr's sample_period when the sample
 * has none, as {@link Sample.period}), `id` holds IDENTIFIER if present, else ID. Variable-size
 * fields are located by `<field>Start`/`<field>Length` columns into {@link callchain} (words)
 * or {@link bytes} (bytes, in the file's byte order: see {@link littleEndian}). The accessors
 * (`callchainOf`, `read`, `raw`, `branchStack`, `regsUser`, `stackUser`, …, {@link fieldsOf})
 * return the same values as the lazy Sample getters, allocating as those do.
 */
export class SampleBatch {
  /** Rows in use. */
  length = 0;
  /** Byte order of the samples in the batch (the byte pool keeps the file's order). */
  littleEndian = true;

  /** The event of each row. */
  readonly events: EventEntry[];
  /** The event's sample_type of each row. */
  readonly sampleType: Uint32Array;
  /** header.misc of each row (cpumode is `misc & 7`). */
  readonly misc: Uint16Array;
  /** Absolute file offset of each row's record (inner records of compressed chunks: the chunk's). */
  readonly offset: Float64Array;
  /** Record index in stream order of each row. */
  readonly recordIndex: Float64Array;

  /** IP of each row (u64 columns: read halves with {@link u64Halves} to avoid BigInts). */
  readonly ip: BigUint64Array;
  /** TID's pid and tid of each row. */
  readonly pid: Int32Array;
  readonly tid: Int32Array;
  /** TIME and ADDR of each row. */
  readonly time: BigUint64Array;
  readonly addr: BigUint64Array;
  /** IDENTIFIER if present, else ID. */
  readonly id: BigUint64Array;
  /** STREAM_ID and CPU (its cpu half; the reserved half is not kept) of each row. */
  readonly streamId: BigUint64Array;
  readonly cpu: Uint32Array;
  /** PERIOD, or the attr's sample_period when the sample has none. */
  readonly period: BigUint64Array;
  /** The WEIGHT word, or the raw WEIGHT_STRUCT word (see {@link weightOf}). */
  readonly weight: BigUint64Array;
  /** The remaining single-word fields of each row: DATA_SRC, TRANSACTION, PHYS_ADDR, CGROUP, DATA/CODE_PAGE_SIZE. */
  readonly dataSrc: BigUint64Array;
  readonly transaction: BigUint64Array;
  readonly physAddr: BigUint64Array;
  readonly cgroup: BigUint64Array;
  readonly dataPageSize: BigUint64Array;
  readonly codePageSize: BigUint64Array;

  /** First entry of each row's callchain in {@link callchain}, and its entry count. */
  readonly callchainStart: Uint32Array;
  readonly callchainLength: Uint32Array;
  /** Byte ranges in {@link bytes} of each row's read values (read_format layout). */
  readonly readStart: Uint32Array;
  readonly readLength: Uint32Array;
  /** PERF_SAMPLE_RAW data of each row: byte range in {@link bytes}. */
  readonly rawStart: Uint32Array;
  readonly rawLength: Uint32Array;
  /** Branch stack of each row: its byte range in {@link bytes} (hw_idx, entries, counters) and entry count. */
  readonly branchStart: Uint32Array;
  readonly branchLength: Uint32Array;
  readonly branchCount: Uint32Array;
  /** User registers of each row: ABI and the byte offset of the values in {@link bytes} (count: the layout's regsUserCount; none when the ABI is 0). */
  readonly regsUserAbi: Float64Array;
  readonly regsUserStart: Uint32Array;
  /** User stack dump of each row: byte range in {@link bytes} and dyn_size (already capped at the size). */
  readonly stackStart: Uint32Array;
  readonly stackLength: Uint32Array;
  readonly stackDynSize: Uint32Array;
  /** Interrupt registers of each row, as for the user registers. */
  readonly regsIntrAbi: Float64Array;
  readonly regsIntrStart: Uint32Array;
  /** AUX sample data of each row: byte range in {@link bytes}. */
  readonly auxStart: Uint32Array;
  readonly auxLength: Uint32Array;

  private readonly ip32: Uint32Array;
  private readonly time32: Uint32Array;
  private readonly addr32: Uint32Array;
  private readonly id32: Uint32Array;
  private readonly streamId32: Uint32Array;
  private readonly period32: Uint32Array;
  private readonly weight32: Uint32Array;
  private readonly dataSrc32: Uint32Array;
  private readonly transaction32: Uint32Array;
  private readonly physAddr32: Uint32Array;
  private readonly cgroup32: Uint32Array;
  private readonly dataPageSize32: Uint32Array;
  private readonly codePageSize32: Uint32Array;

  private words: BigUint64Array;
  private words32: Uint32Array;
  private wordsUsed = 0;
  private pool: Uint8Array;
  private poolView: DataView;
  private poolUsed = 0;

  /** A batch of `capacity` rows (default 4096). */
  constructor(readonly capacity: number = DEFAULT_CAPACITY) {
    checkArg(
      Number.isInteger(capacity) && capacity > 0 && capacity <= 1 << 24,
      "capacity",
      "an integer in 1..2^24",
      capacity,
    );
    const n = capacity;
    this.events = new Array<EventEntry>(n);
    this.sampleType = new Uint32Array(n);
    this.misc = new Uint16Array(n);
    this.offset = new Float64Array(n);
    this.recordIndex = new Float64Array(n);
    [this.ip, this.ip32] = u64Column(n);
    [this.time, this.time32] = u64Column(n);
    [this.addr, this.addr32] = u64Column(n);
    [this.id, this.id32] = u64Column(n);
    [this.streamId, this.streamId32] = u64Column(n);
    [this.period, this.period32] = u64Column(n);
    [this.weight, this.weight32] = u64Column(n);
    [this.dataSrc, this.dataSrc32] = u64Column(n);
    [this.transaction, this.transaction32] = u64Column(n);
    [this.physAddr, this.physAddr32] = u64Column(n);
    [this.cgroup, this.cgroup32] = u64Column(n);
    [this.dataPageSize, this.dataPageSize32] = u64Column(n);
    [this.codePageSize, this.codePageSize32] = u64Column(n);
    this.pid = new Int32Array(n);
    this.tid = new Int32Array(n);
    this.cpu = new Uint32Array(n);
    this.callchainStart = new Uint32Array(n);
    this.callchainLength = new Uint32Array(n);
    this.readStart = new Uint32Array(n);
    this.readLength = new Uint32Array(n);
    this.rawStart = new Uint32Array(n);
    this.rawLength = new Uint32Array(n);
    this.branchStart = new Uint32Array(n);
    this.branchLength = new Uint32Array(n);
    this.branchCount = new Uint32Array(n);
    this.regsUserAbi = new Float64Array(n);
    this.regsUserStart = new Uint32Array(n);
    this.stackStart = new Uint32Array(n);
    this.stackLength = new Uint32Array(n);
    this.stackDynSize = new Uint32Array(n);
    this.regsIntrAbi = new Float64Array(n);
    this.regsIntrStart = new Uint32Array(n);
    this.auxStart = new Uint32Array(n);
    this.auxLength = new Uint32Array(n);
    [this.words, this.words32] = u64Column(n * 8);
    this.pool = new Uint8Array(0);
    this.poolView = new DataView(this.pool.buffer);
  }

  /** True when no row is left: consume the rows and {@link clear} before appending more. */
  get full(): boolean {
    return this.length >= this.capacity;
  }

  /**
   * Callchain entries of every row (context markers included, leaf first), row `i` at
   * `callchainStart[i]` for `callchainLength[i]` entries. Replaced when it grows: read it
   * after filling the batch.
   */
  get callchain(): BigUint64Array {
    return this.words;
  }

  /** The byte pool holding read values, raw data, branch stacks, registers, stacks and AUX data. */
  get bytes(): Uint8Array {
    return this.pool;
  }

  /** Callchain entries in use in {@link callchain}: the rows' chains lie back to back in `[0, callchainUsed)`. */
  get callchainUsed(): number {
    return this.wordsUsed;
  }

  /** Bytes in use in {@link bytes}. */
  get bytesUsed(): number {
    return this.poolUsed;
  }

  /** Empties the batch; its columns and pools are kept for the next fill. */
  clear(): void {
    this.length = 0;
    this.wordsUsed = 0;
    this.poolUsed = 0;
  }

  /** Whether row `i`'s sample_type has `bit` (a {@link SampleType} bit). */
  has(i: number, bit: number): boolean {
    this.checkRow(i);
    return (this.sampleType[i]! & bit) !== 0;
  }

  /**
   * Appends a SAMPLE record and returns its row. Throws a RangeError when the batch is
   * {@link full}, and a PerfDataError (as the lazy Sample would, but at once) when the record
   * is malformed; nothing is appended then.
   */
  appendRecord(rec: PerfRecord): number {
    checkArg(rec !== null && typeof rec === "object" && rec.type === 9, "rec", "a SAMPLE PerfRecord", rec);
    if (!rec.event)
      throw new PerfDataError("bad-sample", "sample id matches no event of the file", rec.offset, rec.index, 9);
    return this.appendFrom(rec.view, rec.pos, rec.size, rec.misc, rec.littleEndian, rec.event, rec.offset, rec.index);
  }

  /**
   * Appends the SAMPLE record at `pos` of `view` (`size` bytes, `misc` from its header, of
   * `event`) and returns its row; `fileOffset` and `recordIndex` name it in errors. The
   * low-level form of {@link appendRecord}, used by `RecordWalker.sampleInto`.
   */
  appendFrom(
    view: DataView,
    pos: number,
    size: number,
    misc: number,
    littleEndian: boolean,
    event: EventEntry,
    fileOffset: number,
    recordIndex: number,
  ): number {
    const i = this.length;
    if (i >= this.capacity) throw new RangeError(`the batch is full (${this.capacity} rows): clear() it first`);
    // One test on the hot path; the named checks only run when it fails.
    if (view !== this.srcView) this.adopt(view);
    if (!(pos >= 0 && size >= 8 && pos + size <= this.srcLength && event?.layout)) {
      checkArg(view instanceof DataView, "view", "a DataView", view);
      checkArg(event?.layout !== undefined, "event", "an EventEntry", event);
      checkArg(false, "pos/size", "a range inside view", pos);
    }
    if (i === 0) this.littleEndian = littleEndian;
    else if (littleEndian !== this.littleEndian)
      throw new TypeError("a batch holds samples of one byte order: clear() it first");
    const l = event.layout;
    const le = littleEndian;
    if (l.variableStart > size) {
      throw new PerfDataError(
        "bad-sample",
        `fixed sample fields need ${l.variableStart} bytes, record has ${size}`,
        fileOffset,
        recordIndex,
        9,
      );
    }
    const base = this.srcOffset + pos;
    const native = le === HOST_LITTLE_ENDIAN && (base & 3) === 0;
    if (native) this.fixedNative(i, base >>> 2, l);
    else this.fixedView(i, view, pos, le, l);
    if (l.variableBits === S.CALLCHAIN && native) {
      // The common shape (frame-pointer callchains and nothing else variable): no field walk.
      this.errOffset = fileOffset;
      this.errIndex = recordIndex;
      this.callchainNative(i, base >>> 2, size, l.variableStart);
    } else if (l.variableBits !== 0) this.appendVariable(i, view, pos, size, le, event, fileOffset, recordIndex);
    this.events[i] = event;
    this.sampleType[i] = l.sampleType;
    this.misc[i] = misc;
    this.offset[i] = fileOffset;
    this.recordIndex[i] = recordIndex;
    this.length = i + 1;
    return i;
  }

  /**
   * Copies the fixed prefix of a record in this machine's byte order whose first word is
   * `src32[k]`: a u64 is two 32-bit words copied as they are, with no DataView call.
   */
  private fixedNative(i: number, k: number, l: SampleLayout): void {
    const src = this.src32;
    const j = 2 * i;
    let o = l.ip;
    if (o >= 0) {
      const q = k + (o >>> 2);
      this.ip32[j] = src[q]!;
      this.ip32[j + 1] = src[q + 1]!;
    }
    o = l.tid;
    if (o >= 0) {
      const q = k + (o >>> 2);
      this.pid[i] = src[q]!;
      this.tid[i] = src[q + 1]!;
    }
    o = l.time;
    if (o >= 0) {
      const q = k + (o >>> 2);
      this.time32[j] = src[q]!;
      this.time32[j + 1] = src[q + 1]!;
    }
    o = l.addr;
    if (o >= 0) {
      const q = k + (o >>> 2);
      this.addr32[j] = src[q]!;
      this.addr32[j + 1] = src[q + 1]!;
    }
    o = l.identifier >= 0 ? l.identifier : l.id;
    if (o >= 0) {
      const q = k + (o >>> 2);
      this.id32[j] = src[q]!;
      this.id32[j + 1] = src[q + 1]!;
    }
    o = l.streamId;
    if (o >= 0) {
      const q = k + (o >>> 2);
      this.streamId32[j] = src[q]!;
      this.streamId32[j + 1] = src[q + 1]!;
    }
    o = l.cpu;
    if (o >= 0) this.cpu[i] = src[k + (o >>> 2)]!;
    o = l.period;
    if (o >= 0) {
      const q = k + (o >>> 2);
      this.period32[j] = src[q]!;
      this.period32[j + 1] = src[q + 1]!;
    } else this.defaultPeriod(j, l);
  }

  /** Copies the callchain at `at` of a native-order record whose first word is `src32[k]`. */
  private callchainNative(i: number, k: number, size: number, at: number): void {
    if (at + 8 > size) this.tooLong("callchain", 8, at, size);
    const src = this.src32;
    const q = k + (at >>> 2);
    const n = src[q + LO]!;
    const high = src[q + HI]!;
    if (high !== 0 || n > (size - at - 8) / 8)
      this.fail(`callchain count ${high ? ">2^32" : n} does not fit the record`, at);
    const w = this.wordsUsed;
    if (w + n > this.words.length) this.growWords(w + n);
    const c = this.words32;
    for (let s = q + 2, d = 2 * w, end = s + 2 * n; s < end; s++, d++) c[d] = src[s]!;
    this.callchainStart[i] = w;
    this.callchainLength[i] = n;
    this.wordsUsed = w + n;
  }

  /** Copies the fixed prefix through the DataView: the other byte order, or unaligned records. */
  private fixedView(i: number, view: DataView, pos: number, le: boolean, l: SampleLayout): void {
    const j = 2 * i;
    let o = l.ip;
    if (o >= 0) copyU64(this.ip32, j, view, pos + o, le);
    o = l.tid;
    if (o >= 0) {
      this.pid[i] = le ? view.getInt32(pos + o, true) : view.getInt32(pos + o, false);
      this.tid[i] = le ? view.getInt32(pos + o + 4, true) : view.getInt32(pos + o + 4, false);
    }
    o = l.time;
    if (o >= 0) copyU64(this.time32, j, view, pos + o, le);
    o = l.addr;
    if (o >= 0) copyU64(this.addr32, j, view, pos + o, le);
    o = l.identifier >= 0 ? l.identifier : l.id;
    if (o >= 0) copyU64(this.id32, j, view, pos + o, le);
    o = l.streamId;
    if (o >= 0) copyU64(this.streamId32, j, view, pos + o, le);
    o = l.cpu;
    if (o >= 0) this.cpu[i] = le ? view.getUint32(pos + o, true) : view.getUint32(pos + o, false);
    o = l.period;
    if (o >= 0) copyU64(this.period32, j, view, pos + o, le);
    else this.defaultPeriod(j, l);
  }

  /** The attr's sample_period, as halves: storing a BigInt into the column is much slower. */
  private defaultPeriod(j: number, l: SampleLayout): void {
    this.period32[j + LO] = l.samplePeriodLo;
    this.period32[j + HI] = l.samplePeriodHi;
  }

  /**
   * Walks and copies the variable part with the lazy Sample's bounds checks and messages.
   * Pool cursors are committed only at the end, so a malformed record appends nothing.
   */
  private appendVariable(
    i: number,
    view: DataView,
    pos: number,
    size: number,
    le: boolean,
    event: EventEntry,
    fileOffset: number,
    recordIndex: number,
  ): void {
    const l = event.layout;
    const t = l.sampleType;
    const attr = event.attr;
    // Errors are raised by methods reading the record's identity from fields: two closures per
    // sample would cost more than the copying.
    this.errOffset = fileOffset;
    this.errIndex = recordIndex;
    if (l.hasUnknownBits) this.fail(`sample_type 0x${t.toString(16)} has bits this decoder does not know`, 0);
    let at = l.variableStart;
    let pu = this.poolUsed;
    let w = this.wordsUsed;
    const j = 2 * i;
    const lo = le ? 0 : 4;
    const hi = 4 - lo;
    if (t & S.READ) {
      const n = readFormatSize(view, pos + at, pos + size, attr.readFormat, le);
      if (n < 0) this.tooLong("read values", 8, at, size);
      pu = this.copyBytes(view, pos + at, n, pu);
      this.readStart[i] = pu - n;
      this.readLength[i] = n;
      at += n;
    }
    if (t & S.CALLCHAIN) {
      const n = checkedCallchainCount(view, pos, size, at, le, this.errOffset, this.errIndex);
      w = this.wordsUsed;
      if (w + n > this.words.length) this.growWords(w + n);
      const c = this.words32;
      this.callchainStart[i] = w;
      this.callchainLength[i] = n;
      const end = pos + at + 8 + 8 * n;
      const from = this.srcOffset + pos + at + 8;
      if (le === HOST_LITTLE_ENDIAN && (from & 3) === 0) {
        // Same byte order as this machine: the entries' 32-bit words copy over unchanged.
        const src = this.src32;
        for (let k = from >>> 2, d = 2 * w, kEnd = k + 2 * n; k < kEnd; k++, d++) c[d] = src[k]!;
        w += n;
      } else if (le) {
        // Constant byte-order arguments let the JIT inline the DataView reads.
        for (let p = pos + at + 8; p < end; p += 8, w++) {
          c[2 * w + LO] = view.getUint32(p, true);
          c[2 * w + HI] = view.getUint32(p + 4, true);
        }
      } else {
        for (let p = pos + at + 8; p < end; p += 8, w++) {
          c[2 * w + LO] = view.getUint32(p + 4, false);
          c[2 * w + HI] = view.getUint32(p, false);
        }
      }
      at += 8 + n * 8;
    }
    if (t & S.RAW) {
      if (at + 4 > size) this.tooLong("raw size", 4, at, size);
      const n = view.getUint32(pos + at, le);
      if (at + 4 + n > size) this.tooLong("raw data", 4 + n, at, size);
      pu = this.copyBytes(view, pos + at + 4, n, pu);
      this.rawStart[i] = pu - n;
      this.rawLength[i] = n;
      at = Math.min(size, (at + 4 + n + 7) & ~7);
    }
    if (t & S.BRANCH_STACK) {
      const hw = attr.branchSampleType & BranchSampleType.HW_INDEX ? 8 : 0;
      const unit = 24 + (attr.branchSampleType & BranchSampleType.COUNTERS ? 8 : 0);
      if (at + 8 > size) this.tooLong("branch stack", 8, at, size);
      const nr = view.getBigUint64(pos + at, le);
      if (nr > BigInt(Math.floor((size - at - 8 - hw) / unit)))
        this.fail(`branch stack count ${nr} does not fit the record`, at);
      const n = hw + Number(nr) * unit;
      pu = this.copyBytes(view, pos + at + 8, n, pu);
      this.branchStart[i] = pu - n;
      this.branchLength[i] = n;
      this.branchCount[i] = Number(nr);
      at += 8 + n;
    }
    if (t & S.REGS_USER) {
      if (at + 8 > size) this.tooLong("user registers", 8, at, size);
      const abi = view.getUint32(pos + at + lo, le) + view.getUint32(pos + at + hi, le) * 2 ** 32;
      at += 8;
      const n = abi !== 0 ? l.regsUserCount * 8 : 0;
      if (at + n > size) this.tooLong("user registers", n, at, size);
      pu = this.copyBytes(view, pos + at, n, pu);
      this.regsUserAbi[i] = abi;
      this.regsUserStart[i] = pu - n;
      at += n;
    }
    if (t & S.STACK_USER) {
      if (at + 8 > size) this.tooLong("user stack size", 8, at, size);
      const sz = view.getBigUint64(pos + at, le);
      if (sz > BigInt(size)) this.fail(`user stack size ${sz} does not fit the record`, at);
      const n = Number(sz);
      const dataAt = at + 8;
      at += 8 + n;
      let dyn = 0;
      if (n !== 0) {
        if (at + 8 > size) this.tooLong("user stack dyn_size", 8, at, size);
        dyn = Math.min(Number(view.getBigUint64(pos + at, le)), n);
        at += 8;
      }
      pu = this.copyBytes(view, pos + dataAt, n, pu);
      this.stackStart[i] = pu - n;
      this.stackLength[i] = n;
      this.stackDynSize[i] = dyn;
    }
    if (t & (S.WEIGHT | S.WEIGHT_STRUCT)) at = this.word(this.weight32, j, view, pos, at, size, le, "weight");
    if (t & S.DATA_SRC) at = this.word(this.dataSrc32, j, view, pos, at, size, le, "data_src");
    if (t & S.TRANSACTION) at = this.word(this.transaction32, j, view, pos, at, size, le, "transaction");
    if (t & S.REGS_INTR) {
      if (at + 8 > size) this.tooLong("interrupt registers", 8, at, size);
      const abi = view.getUint32(pos + at + lo, le) + view.getUint32(pos + at + hi, le) * 2 ** 32;
      at += 8;
      const n = abi !== 0 ? l.regsIntrCount * 8 : 0;
      if (at + n > size) this.tooLong("interrupt registers", n, at, size);
      pu = this.copyBytes(view, pos + at, n, pu);
      this.regsIntrAbi[i] = abi;
      this.regsIntrStart[i] = pu - n;
      at += n;
    }
    if (t & S.PHYS_ADDR) at = this.word(this.physAddr32, j, view, pos, at, size, le, "phys_addr");
    if (t & S.CGROUP) at = this.word(this.cgroup32, j, view, pos, at, size, le, "cgroup");
    if (t & S.DATA_PAGE_SIZE) at = this.word(this.dataPageSize32, j, view, pos, at, size, le, "data_page_size");
    if (t & S.CODE_PAGE_SIZE) at = this.word(this.codePageSize32, j, view, pos, at, size, le, "code_page_size");
    if (t & S.AUX) {
      if (at + 8 > size) this.tooLong("aux size", 8, at, size);
      const sz = view.getBigUint64(pos + at, le);
      if (sz > BigInt(size - at - 8)) this.fail(`aux size ${sz} does not fit the record`, at);
      const n = Number(sz);
      pu = this.copyBytes(view, pos + at + 8, n, pu);
      this.auxStart[i] = pu - n;
      this.auxLength[i] = n;
      at += 8 + n;
    }
    this.poolUsed = pu;
    this.wordsUsed = w;
  }

  /**
   * The DataView records last came from, with its offset, length and a Uint32Array over its
   * whole buffer: DataView's getters are calls into the runtime, too slow to make per sample.
   */
  private srcView: DataView | undefined;
  private srcOffset = 0;
  private srcLength = 0;
  private src32: Uint32Array = new Uint32Array(0);

  private adopt(view: DataView): void {
    checkArg(view instanceof DataView, "view", "a DataView", view);
    const buffer = view.buffer;
    if (buffer !== this.src32.buffer) this.src32 = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
    this.srcView = view;
    this.srcOffset = view.byteOffset;
    this.srcLength = view.byteLength;
  }

  /** Identity of the record being appended, for errors. */
  private errOffset = 0;
  private errIndex = 0;

  private fail(msg: string, at: number): never {
    throw new PerfDataError("bad-sample", msg, this.errOffset + at, this.errIndex, 9);
  }

  private tooLong(what: string, n: number, at: number, size: number): never {
    this.fail(`${what} runs past the end of the record (needs ${n} at +${at}, size ${size})`, at);
  }

  /** Copies one u64 field into a column's 32-bit twin; returns the offset after it. */
  private word(
    col: Uint32Array,
    j: number,
    view: DataView,
    pos: number,
    at: number,
    size: number,
    le: boolean,
    what: string,
  ): number {
    if (at + 8 > size) this.tooLong(what, 8, at, size);
    copyU64(col, j, view, pos + at, le);
    return at + 8;
  }

  /** Copies `n` bytes at `from` of `view` to the byte pool at `to`; returns the pool end. */
  private copyBytes(view: DataView, from: number, n: number, to: number): number {
    if (n === 0) return to;
    if (to + n > this.pool.length) this.growPool(to, to + n);
    this.pool.set(new Uint8Array(view.buffer, this.srcOffset + from, n), to);
    return to + n;
  }

  private growWords(need: number): void {
    const [w, w32] = u64Column(Math.max(need, this.words.length * 2));
    w.set(this.words.subarray(0, this.wordsUsed));
    this.words = w;
    this.words32 = w32;
  }

  /** Grows the byte pool, keeping its first `used` bytes (the current row's included). */
  private growPool(used: number, need: number): void {
    const p = new Uint8Array(Math.max(need, this.pool.length * 2, 4096));
    p.set(this.pool.subarray(0, used));
    this.pool = p;
    this.poolView = new DataView(p.buffer);
  }

  private checkRow(i: number): void {
    // The message is only built on failure: accessors run per row.
    if (!(Number.isInteger(i) && i >= 0 && i < this.length))
      checkArg(false, "i", `a row index in 0..${this.length - 1}`, i);
  }

  /** Row `i`'s callchain as a view of {@link callchain}, or undefined when the sample has none. */
  callchainOf(i: number): BigUint64Array | undefined {
    this.checkRow(i);
    if (!this.has(i, S.CALLCHAIN)) return undefined;
    const s = this.callchainStart[i]!;
    return this.words.subarray(s, s + this.callchainLength[i]!);
  }

  /** Row `i`'s read values, decoded (as {@link Sample.read}). */
  read(i: number): ReadValues | undefined {
    this.checkRow(i);
    if (!this.has(i, S.READ)) return undefined;
    return decodeReadFormat(this.poolView, this.readStart[i]!, this.events[i]!.attr.readFormat, this.littleEndian);
  }

  /** Row `i`'s PERF_SAMPLE_RAW bytes (a view of {@link bytes}). */
  raw(i: number): Uint8Array | undefined {
    this.checkRow(i);
    if (!this.has(i, S.RAW)) return undefined;
    const s = this.rawStart[i]!;
    return this.pool.subarray(s, s + this.rawLength[i]!);
  }

  /** Row `i`'s branch stack, decoded (as {@link Sample.branchStack}). */
  branchStack(i: number): BranchStack | undefined {
    this.checkRow(i);
    if (!this.has(i, S.BRANCH_STACK)) return undefined;
    const bst = this.events[i]!.attr.branchSampleType;
    const le = this.littleEndian;
    const v = this.poolView;
    const nr = this.branchCount[i]!;
    let p = this.branchStart[i]!;
    const out: BranchStack = { entries: [] };
    if (bst & BranchSampleType.HW_INDEX) {
      out.hwIdx = v.getBigUint64(p, le);
      p += 8;
    }
    for (let k = 0; k < nr; k++, p += 24) out.entries.push(decodeBranchEntry(v, p, le));
    if (bst & BranchSampleType.COUNTERS) {
      out.counters = [];
      for (let k = 0; k < nr; k++, p += 8) out.counters.push(v.getBigUint64(p, le));
    }
    return out;
  }

  private regs(i: number, bit: number, abi: number, start: number, mask: bigint, n: number): SampleRegs | undefined {
    if (!this.has(i, bit)) return undefined;
    const values: bigint[] = [];
    if (abi !== 0)
      for (let k = 0; k < n; k++) values.push(this.poolView.getBigUint64(start + 8 * k, this.littleEndian));
    return { abi, mask, values };
  }

  /** Row `i`'s user registers (as {@link Sample.regsUser}). */
  regsUser(i: number): SampleRegs | undefined {
    this.checkRow(i);
    const e = this.events[i]!;
    return this.regs(
      i,
      S.REGS_USER,
      this.regsUserAbi[i]!,
      this.regsUserStart[i]!,
      e.attr.sampleRegsUser,
      e.layout.regsUserCount,
    );
  }

  /** Row `i`'s interrupt registers (as {@link Sample.regsIntr}). */
  regsIntr(i: number): SampleRegs | undefined {
    this.checkRow(i);
    const e = this.events[i]!;
    return this.regs(
      i,
      S.REGS_INTR,
      this.regsIntrAbi[i]!,
      this.regsIntrStart[i]!,
      e.attr.sampleRegsIntr,
      e.layout.regsIntrCount,
    );
  }

  /** Row `i`'s user stack dump (data is a view of {@link bytes}). */
  stackUser(i: number): SampleStack | undefined {
    this.checkRow(i);
    if (!this.has(i, S.STACK_USER)) return undefined;
    const s = this.stackStart[i]!;
    return { data: this.pool.subarray(s, s + this.stackLength[i]!), dynSize: this.stackDynSize[i]! };
  }

  /** Row `i`'s AUX sample data (a view of {@link bytes}). */
  aux(i: number): Uint8Array | undefined {
    this.checkRow(i);
    if (!this.has(i, S.AUX)) return undefined;
    const s = this.auxStart[i]!;
    return this.pool.subarray(s, s + this.auxLength[i]!);
  }

  /** WEIGHT, or var1 of WEIGHT_STRUCT (as {@link Sample.weight}). */
  weightOf(i: number): bigint | undefined {
    this.checkRow(i);
    if (!this.has(i, S.WEIGHT | S.WEIGHT_STRUCT)) return undefined;
    const w = this.weight[i]!;
    return this.has(i, S.WEIGHT_STRUCT) ? w & 0xffffffffn : w;
  }

  /** WEIGHT_STRUCT parts (as {@link Sample.weightStruct}). */
  weightStruct(i: number): SampleWeightStruct | undefined {
    this.checkRow(i);
    if (!this.has(i, S.WEIGHT_STRUCT)) return undefined;
    const w = this.weight[i]!;
    return { var1: Number(w & 0xffffffffn), var2: Number((w >> 32n) & 0xffffn), var3: Number(w >> 48n) };
  }

  /** Every field of row `i` as a plain object, equal to the lazy `Sample.toJSON()` of the same record. */
  fieldsOf(i: number): Record<string, unknown> {
    this.checkRow(i);
    const o: Record<string, unknown> = {};
    const put = (k: string, bit: number, v: unknown) => {
      if (bit === 0 || this.has(i, bit)) o[k] = v;
    };
    const hasId = this.has(i, S.ID | S.IDENTIFIER);
    put("ip", S.IP, this.ip[i]);
    put("pid", S.TID, this.pid[i]);
    put("tid", S.TID, this.tid[i]);
    put("time", S.TIME, this.time[i]);
    put("addr", S.ADDR, this.addr[i]);
    if (hasId) o.id = this.id[i];
    put("streamId", S.STREAM_ID, this.streamId[i]);
    put("cpu", S.CPU, this.cpu[i]);
    put("period", 0, this.period[i]);
    put("read", S.READ, this.read(i));
    put("callchain", S.CALLCHAIN, this.callchainOf(i));
    put("raw", S.RAW, this.raw(i));
    put("branchStack", S.BRANCH_STACK, this.branchStack(i));
    put("regsUser", S.REGS_USER, this.regsUser(i));
    put("stackUser", S.STACK_USER, this.stackUser(i));
    put("weight", S.WEIGHT | S.WEIGHT_STRUCT, this.weightOf(i));
    put("weightStruct", S.WEIGHT_STRUCT, this.weightStruct(i));
    put("dataSrc", S.DATA_SRC, this.dataSrc[i]);
    put("transaction", S.TRANSACTION, this.transaction[i]);
    put("regsIntr", S.REGS_INTR, this.regsIntr(i));
    put("physAddr", S.PHYS_ADDR, this.physAddr[i]);
    put("cgroup", S.CGROUP, this.cgroup[i]);
    put("dataPageSize", S.DATA_PAGE_SIZE, this.dataPageSize[i]);
    put("codePageSize", S.CODE_PAGE_SIZE, this.codePageSize[i]);
    put("aux", S.AUX, this.aux(i));
    return o;
  }
}
